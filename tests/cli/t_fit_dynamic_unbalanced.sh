#!/bin/bash
# CLI tests for `spill fit --panel ... --dynamic` on an unbalanced panel and with a weights
# matrix per period: the uncorrected quasi-ML estimates (periods 2..T, unit-periods whose
# previous period is missing dropped, W y(t-1) = W_{t-1} y_{t-1}) against spatialreg with
# dummies on the block-diagonal W of the units used (tests/fixtures/dynamic/unb.csv, made by
# scripts/ref-dynamic-unbalanced.R), the counts reported, and bad input.
source "$(dirname "$0")/lib.sh"
P=$FIX/dynamic
W=$FIX/panel/provinces.gal
ref() {
    awk -F, -v d="$1" -v m="$2" -v l="$3" -v f="$4" -v n="$5" -v col="$6" '
        NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["data"] == d && $k["model"] == m && $k["lags"] == l && $k["fe"] == f && $k["name"] == n { print $k[col]; exit }' "$P/unb.csv"
}
# same DATA MODEL LAGS FE: every estimate and standard error of $OUT against the fixture
same() {
    local d=$1 m=$2 l=$3 f=$4 bad=0 nm se
    for nm in $(jq -r '.coefficients[].name' "$OUT"); do
        se=$(ref "$d" "$m" "$l" "$f" "$nm" se)
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .est" "$OUT")" "$(ref "$d" "$m" "$l" "$f" "$nm" est)" "$se" || { bad=1; echo "  $d $m $l $f $nm est" >&2; }
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .se" "$OUT")" "$se" || { bad=1; echo "  $d $m $l $f $nm se" >&2; }
    done
    for nm in tau eta rho; do
        [ "$(jq -r ".$nm" "$OUT")" = null ] && continue
        se=$(ref "$d" "$m" "$l" "$f" $nm se)
        near_se "$(jq -r ".$nm.est" "$OUT")" "$(ref "$d" "$m" "$l" "$f" $nm est)" "$se" || { bad=1; echo "  $d $m $l $f $nm" >&2; }
        near_se "$(jq -r ".$nm.se" "$OUT")" "$se" || { bad=1; echo "  $d $m $l $f $nm se" >&2; }
    done
    near_se "$(jq -r .sigma2 "$OUT")" "$(ref "$d" "$m" "$l" "$f" sigma2 est)" || { bad=1; echo "  $d $m $l $f sigma2" >&2; }
    near_se "$(jq -r .loglik "$OUT")" "$(ref "$d" "$m" "$l" "$f" loglik est)" || { bad=1; echo "  $d $m $l $f loglik" >&2; }
    [ "$(jq -r .nobs "$OUT")" = "$(ref "$d" "$m" "$l" "$f" nobs est)" ] || { bad=1; echo "  $d nobs" >&2; }
    [ "$(jq -r .dropped_no_lag "$OUT")" = "$(ref "$d" "$m" "$l" "$f" dropped est)" ] || { bad=1; echo "  $d dropped" >&2; }
    return $bad
}
U=$P/unb_panel.csv
B=$P/dyn_panel.csv
dfit() { "$SPILL" fit "$1" --panel adcode,year --y y --x x1,x2 "${@:2}"; }

for spec in "sdm both unit" "sdm both twoway" "sdm both time" "sar time twoway" "sar spacetime unit"; do
    set -- $spec
    ok "dynamic unbalanced $spec" dfit "$U" --w "$W" --model $1 --dynamic $2 --fe $3 --unbalanced --json
    check "dynamic unbalanced $spec = spatialreg with dummies on W_bd of the units with their lag" same unbalanced $1 $2 $3
done
for f in twoway unit; do
    ok "dynamic, a W per period, unbalanced, $f" dfit "$U" --w "$P/w_{}.gal" --w-by year --model sdm --dynamic both --fe $f --unbalanced --json
    check "dynamic, a W per period, unbalanced, $f = spatialreg on diag(W_t)" same unbalanced_wper sdm both $f
    ok "dynamic, a W per period, balanced, $f" dfit "$B" --w "$P/w_{}.gal" --w-by year --model sdm --dynamic both --fe $f --json
    check "dynamic, a W per period, balanced, $f = spatialreg on diag(W_t)" same balanced_wper sdm both $f
done
check "the W files listed from the second period on" [ "$(jq -r '.w_by_period[0].period' "$OUT")" = 2010 ]

ok "dynamic unbalanced keys" dfit "$U" --w "$W" --model sdm --dynamic both --unbalanced --effects --draws 100 --json
check "n, t, t_data, nobs" [ "$(jq -c '[.n, .t, .t_data, .nobs]' "$OUT")" = '[31,11,12,277]' ]
check "dropped unit-periods counted" [ "$(jq -r .dropped_no_lag "$OUT")" = 31 ]
check "periods listed from the second" [ "$(jq -r '.unbalanced.periods[0].period' "$OUT")" = 2010 ]
check "no bias correction, said" [ "$(jq -r '.bias_correction.applied' "$OUT")" = false ]
check "short- and long-run effects" [ "$(jq -r '[.effects_short_run, .effects_long_run] | map(length) | add' "$OUT")" = 4 ]
check "stderr counts the dropped unit-periods" grep -q "31 unit-periods of periods 2010..2020 left out" "$ERR"
ok "dynamic unbalanced text" dfit "$U" --w "$W" --model sdm --dynamic both --unbalanced
check "text says what was left out" grep -q "31 unit-periods of 2010..2020 left out" "$OUT"
# a balanced panel through the unbalanced path = the balanced uncorrected fit
"$SPILL" fit "$B" --panel adcode,year --w "$W" --y y --x x1,x2 --model sdm --dynamic both --no-bias-correction --json >"$TMP/bal.json" 2>/dev/null
ok "balanced via --unbalanced, dynamic" dfit "$B" --w "$W" --model sdm --dynamic both --unbalanced --json
check "balanced via --unbalanced = the balanced quasi-ML (rho)" near_se "$(jq -r .rho.est "$OUT")" "$(jq -r .uncorrected.rho.est "$TMP/bal.json")"
check "balanced via --unbalanced = the balanced quasi-ML (tau)" near_se "$(jq -r .tau.est "$OUT")" "$(jq -r .uncorrected.tau.est "$TMP/bal.json")"
check "balanced via --unbalanced = the balanced quasi-ML (loglik)" near_se "$(jq -r .loglik "$OUT")" "$(jq -r .loglik "$TMP/bal.json")"
check "balanced: nothing dropped" [ "$(jq -r .dropped_no_lag "$OUT")" = 0 ]
"$SPILL" fit "$B" --panel adcode,year --w "$W" --y y --x x1,x2 --model sdm --dynamic both --no-bias-correction --effects --draws 0 --json >"$TMP/bal.json" 2>/dev/null
ok "balanced via --unbalanced, dynamic effects" dfit "$B" --w "$W" --model sdm --dynamic both --unbalanced --effects --draws 0 --json
good=1
for h in effects_short_run effects_long_run; do for k in direct indirect total; do for q in est se_delta; do
    near_se "$(jq -r ".${h}[0].$k.$q" "$OUT")" "$(jq -r ".${h}[0].$k.$q" "$TMP/bal.json")" || good=0
done; done; done
check "balanced via --unbalanced: short- and long-run effects = the balanced ones" [ $good = 1 ]

# a whole year missing (2014): 2015's lag is not 2013's; its unit-periods are dropped
G=$P/gap_panel.csv
for f in twoway unit; do
    ok "dynamic, year 2014 missing, --unbalanced, $f" dfit "$G" --w "$W" --model sdm --dynamic both --fe $f --unbalanced --json
    check "dynamic, year 2014 missing, $f = spatialreg without 2015 (no y(t-1))" same gap sdm both $f
done
check "the gap is named in the JSON" [ "$(jq -c '.period_gaps | map([.period, .previous])' "$OUT")" = '[["2015","2013"]]' ]
check "the gap's note names the missing year" [ "$(jq -r '.period_gaps[0].note' "$OUT")" = "period 2014 is missing between 2013 and 2015" ]
check "2015 is not among the periods used" [ "$(jq -r '[.unbalanced.periods[].period] | index("2015")' "$OUT")" = null ]
check "period_order says the step" grep -q '"period_order": "numeric labels, step 1' "$OUT"
check "stderr names the gap and the dropped period" grep -q "period 2014 is missing between 2013 and 2015: y(t-1) is not defined for 2015" "$ERR"
ok "dynamic, year 2014 missing, text" dfit "$G" --w "$W" --model sdm --dynamic both --unbalanced
check "text names the gap" grep -q "period 2014 is missing between 2013 and 2015: 2015 has no y(t-1)" "$OUT"
awk -F, 'NR == 1 || $2 != 2014' "$B" >"$TMP/gap_bal.csv"
fails 2 "period 2014 is missing between 2013 and 2015: y\(t-1\) is not defined for year 2015.*--unbalanced" "dynamic: a whole year missing (balanced)" dfit "$TMP/gap_bal.csv" --w "$W" --dynamic both
fails 2 "period 2014 is missing between 2013 and 2015" "dynamic: a whole year missing, a W per period" dfit "$TMP/gap_bal.csv" --w "$P/w_{}.gal" --w-by year --dynamic both
awk -F, 'NR == 1 || ($2 != 2012 && $2 != 2013 && $2 != 2017)' "$B" >"$TMP/gap2.csv"
fails 2 "periods 2012..2013 are missing between 2011 and 2014.*and more gaps" "dynamic: two years missing, then another" dfit "$TMP/gap2.csv" --w "$W" --dynamic both
ok "dynamic, two gaps, --unbalanced" dfit "$TMP/gap2.csv" --w "$W" --dynamic both --unbalanced --fe twoway --json
check "both gaps listed, every unit of 2014 and 2018 dropped" [ "$(jq -c '[(.period_gaps | map(.period)), .dropped_no_lag]' "$OUT")" = '[["2014","2018"],62]' ]
awk -F, 'NR == 1 || $2 % 2 == 0' "$B" >"$TMP/even.csv"
ok "dynamic: every other year (step 2) is no gap" dfit "$TMP/even.csv" --w "$W" --dynamic both --fe twoway --json
check "step 2 said, no gap" [ "$(jq -c '[.period_order, .period_gaps]' "$OUT")" = '["numeric labels, step 2: y(t-1) is the period one step before",[]]' ]
awk -F, 'BEGIN { OFS = "," } NR > 1 { $2 = "y" $2 } 1' "$B" >"$TMP/text.csv"
ok "dynamic: text period labels" dfit "$TMP/text.csv" --w "$W" --dynamic both --fe twoway --json
check "text labels: their order taken as consecutive, said" grep -q '"period_order": "labels are not numbers: their sorted order is taken as consecutive periods' "$OUT"
ok "dynamic: text period labels, text output" dfit "$TMP/text.csv" --w "$W" --dynamic both --fe twoway
check "text output says the labels' order is taken as consecutive" grep -q "labels are not numbers: their order is taken as consecutive periods" "$OUT"
# quarters coded YYYYQ (20091..20094, 20101, ...): numbers with "gaps" that are no gaps
awk -F, 'BEGIN { OFS = "," } NR > 1 { y = $2 - 2009; $2 = (2009 + int(y / 4)) "" (y % 4 + 1) } 1' "$B" >"$TMP/quarters.csv"
fails 2 "periods 20095..20100 are missing between 20094 and 20101.*--consecutive-periods" "dynamic: YYYYQ codes read as numbers have gaps" dfit "$TMP/quarters.csv" --w "$W" --dynamic both --fe twoway
ok "dynamic: YYYYQ codes with --consecutive-periods" dfit "$TMP/quarters.csv" --w "$W" --dynamic both --fe twoway --consecutive-periods --json
cp "$OUT" "$TMP/quarters.json"
ok "dynamic: the same panel with year labels" dfit "$B" --w "$W" --dynamic both --fe twoway --json
check "--consecutive-periods: the same estimates as consecutive year labels" [ "$(jq -c '[.rho.est, .tau.est, .eta.est, .loglik]' "$TMP/quarters.json")" = "$(jq -c '[.rho.est, .tau.est, .eta.est, .loglik]' "$OUT")" ]
check "--consecutive-periods said in period_order" grep -q '"period_order": "--consecutive-periods: the sorted labels are taken as consecutive' "$TMP/quarters.json"
fails 1 "--consecutive-periods goes with --dynamic" "--consecutive-periods without --dynamic" dfit "$B" --w "$W" --fe twoway --consecutive-periods

# bad input
awk -F, 'NR == 1 || $1 != "110000" || $2 == 2015' "$B" >"$TMP/once.csv"
fails 2 "unit 110000 is present in only one period" "dynamic: a unit present in one period only (unit effects)" dfit "$TMP/once.csv" --w "$W" --dynamic both --unbalanced --fe unit
ok "dynamic: a unit present in one period only, time effects: dropped" dfit "$TMP/once.csv" --w "$W" --dynamic both --unbalanced --fe time --json
check "its period is counted as dropped" [ "$(jq -r .dropped_no_lag "$OUT")" = 1 ]
awk -F, 'NR == 1 || $1 != "110000" || $2 == 2015 || $2 == 2016' "$B" >"$TMP/twice.csv"
fails 2 "unit 110000 has only one period observed together with the period before" "dynamic: a unit with one usable period (unit effects)" dfit "$TMP/twice.csv" --w "$W" --dynamic both --unbalanced --fe unit
awk -F, 'NR == 1 || $1 != "110000" || $2 % 2 == 0' "$B" >"$TMP/gaps.csv"
ok "dynamic: a unit observed every other year (no usable period): left out" dfit "$TMP/gaps.csv" --w "$W" --dynamic both --unbalanced --fe unit --json
check "its 6 unit-periods are counted as dropped" [ "$(jq -r .dropped_no_lag "$OUT")" = 6 ]
check "and the fit is finite" [ "$(jq -r '.loglik | isnormal' "$OUT")" = true ]
awk -F, 'NR == 1 || ($2 != 2011 && !($1 == "110000" && $2 == 2012)) || ($2 == 2011 && $1 == "110000")' "$B" >"$TMP/nolag.csv"
fails 2 "no unit is observed in period 2012 and the period before \\(2011\\)" "dynamic: a period where no unit has its lag" dfit "$TMP/nolag.csv" --w "$W" --dynamic both --unbalanced --fe time
awk -F, 'NR == 1 || $2 <= 2010' "$U" >"$TMP/two.csv"
fails 2 "a dynamic panel needs at least three" "dynamic unbalanced: two periods" dfit "$TMP/two.csv" --w "$W" --dynamic both --unbalanced --fe time
fails 2 "weights .*w_without_110000.gal.*110000" "dynamic: a period whose W does not cover its units" dfit "$B" --w "$(for y in $(seq 2009 2020); do [ $y = 2012 ] && printf '%s=%s,' $y "$ROOT/tests/bad/w_without_110000.gal" || printf '%s=%s,' $y "$W"; done | sed 's/,$//')" --dynamic both
# a year written two ways (the first year's rows appended again as Y.0): an error naming both
awk -F, -v OFS=, 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == "year") yc = c; print; next }
    { print; if (!first) first = $yc } $yc == first { $yc = first ".0"; print }' "$B" >"$TMP/twoways.csv"
fails 2 "twoways.csv: the year labels [0-9]* and [0-9]*[.]0 are the same number .*write each period one way" \
    "dynamic: two labels of the same number are an error naming both" \
    dfit "$TMP/twoways.csv" --w "$W" --model sdm --dynamic both --unbalanced --json
check "no output on that error" [ ! -s "$OUT" ]

finish t_fit_dynamic_unbalanced
