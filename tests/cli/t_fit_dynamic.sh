#!/bin/bash
# CLI tests for `spill fit --panel ... --dynamic`: the quasi-ML estimates
# against spatialreg on periods 2..T with y(t-1), W y(t-1) and dummies as
# regressors (the identity), the Yu-de Jong-Lee / Lee-Yu bias correction and
# the short- and long-run effects against an independent dense R
# implementation (tests/fixtures/dynamic, made by scripts/ref-dynamic.R), and
# bad input.
source "$(dirname "$0")/lib.sh"
P=$FIX/dynamic
DATA=$P/dyn_panel.csv
W=$FIX/panel/provinces.gal
fit() { "$SPILL" fit "$DATA" --panel adcode,year --w "$W" --y y --x x1,x2 "$@"; }

# ref FILE MODEL LAGS FE KIND NAME COLUMN (KIND: ml/bc in dyn.csv; horizon:effect in effects.csv)
ref() {
    awk -F, -v m="$2" -v l="$3" -v f="$4" -v kd="$5" -v n="$6" -v col="$7" '
        NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["model"] == m && $k["lags"] == l && $k["fe"] == f && $k["name"] == n &&
        (FILENAME ~ /effects/ ? $k["horizon"] ":" $k["effect"] == kd : $k["kind"] == kd) {
            print $k[col]; exit }' "$P/$1"
}
# jget KIND NAME FIELD: the value in $OUT (KIND ml: .uncorrected, bc: top level)
jget() {
    local base= ; [ "$1" = ml ] && base=.uncorrected
    case $2 in
    tau|eta|rho) jq -r "$base.$2.$3" "$OUT" ;;
    sigma2) [ "$3" = est ] && jq -r "$base.sigma2" "$OUT" ;;
    loglik) [ "$3" = est ] && jq -r .loglik "$OUT" ;;
    *) jq -r "$base.coefficients[] | select(.name == \"$2\") | .$3" "$OUT" ;;
    esac
}
# same MODEL LAGS FE KIND: every parameter (and se) in $OUT equals R's
same() {
    local bad=0 nm
    for nm in $(awk -F, -v m="$1" -v l="$2" -v f="$3" -v kd="$4" 'NR > 1 && $1 == m && $2 == l &&
                $3 == f && $4 == kd { print $5 }' "$P/dyn.csv"); do
        local se want; se=$(ref dyn.csv "$@" "$nm" se); want=$(ref dyn.csv "$@" "$nm" est)
        near_se "$(jget "$4" "$nm" est)" "$want" "$se" || { bad=1; echo "  $* $nm est $(jget "$4" "$nm" est) vs $want" >&2; }
        [ -z "$se" ] || near_se "$(jget "$4" "$nm" se)" "$se" || { bad=1; echo "  $* $nm se" >&2; }
    done
    return $bad
}
# same_effects MODEL LAGS FE: short- and long-run effects (est, delta se) equal R's
same_effects() {
    local bad=0 hz key nm ef
    for hz in short long; do
        key=effects_${hz}_run
        for nm in x1 x2; do for ef in direct indirect total; do
            local want se
            want=$(ref effects.csv "$@" "$hz:$ef" "$nm" est); se=$(ref effects.csv "$@" "$hz:$ef" "$nm" se)
            near_se "$(jq -r ".$key[] | select(.name == \"$nm\") | .$ef.est" "$OUT")" "$want" "$se" || { bad=1; echo "  $* $hz $nm $ef est" >&2; }
            near_se "$(jq -r ".$key[] | select(.name == \"$nm\") | .$ef.se_delta" "$OUT")" "$se" 0 1e-5 || { bad=1; echo "  $* $hz $nm $ef se" >&2; }
        done; done
    done
    return $bad
}

# --- the identity and the correction, against R ---------------------------------
for c in "sdm both unit" "sdm both twoway" "sdm both time" "sar time unit" "sar both twoway" \
         "sdm spacetime twoway"; do
    set -- $c
    ok "dynamic $c" fit --model "$1" --dynamic "$2" --fe "$3" --effects --draws 0 --json
    check "dynamic $c: uncorrected quasi-ML = spatialreg with dummies on periods 2..T" same "$1" "$2" "$3" ml
    check "dynamic $c: bias-corrected = the published formulas (R)" same "$1" "$2" "$3" bc
    check "dynamic $c: short- and long-run effects = closed form at the estimate (R)" same_effects "$1" "$2" "$3"
done
ok "no bias correction" fit --dynamic both --no-bias-correction --json
check "no correction: reported = uncorrected = R's ML" same sdm both twoway ml
check "no correction said so" [ "$(jq -r '.bias_correction.applied' "$OUT")" = false ]
check "reported equals uncorrected" [ "$(jq -c '[.rho.est, .tau.est]' "$OUT")" = "$(jq -c '[.uncorrected.rho.est, .uncorrected.tau.est]' "$OUT")" ]

# --- JSON keys ------------------------------------------------------------------
ok "sdm both twoway with draws" fit --dynamic both --effects --draws 200 --json
check "tau, eta like rho" [ "$(jq -c '[(.tau | keys), (.eta | keys)]' "$OUT")" = '[["est","p","se","z"],["est","p","se","z"]]' ]
check "lags not among the coefficients" [ "$(jq -c '[.coefficients[].name]' "$OUT")" = '["x1","x2","W*x1","W*x2"]' ]
check "first period lost, said" [ "$(jq -r '.first_period_lost | test("2009")' "$OUT")" = true ]
check "periods used, t" [ "$(jq -c '[.periods_used, .t, .t_data, .nobs]' "$OUT")" = '[["2010","2020"],11,12,341]' ]
check "stationarity reported" [ "$(jq -r '.stationarity.stationary and (.stationarity.tau_rho_eta < 1)' "$OUT")" = true ]
check "effects in the form of effects" [ "$(jq -c '[(.effects_short_run[0] | keys), (.effects_long_run[0].total | [has("est"), has("se"), has("z"), has("p")] | all)]' "$OUT")" = '[["direct","indirect","name","total"],true]' ]
check "simulated se near the delta method" [ "$(jq -r '[.effects_long_run[].total | (.se / .se_delta - 1) | fabs < 0.15] | all' "$OUT")" = true ]
check "draws: the seed" [ "$(jq -r '.effects_draws' "$OUT")" = 200 ]
ok "text output" fit --dynamic both --effects --draws 100
check "text says the first period is lost" grep -q "first period (year 2009) is lost" "$OUT"
check "text has long-run effects" grep -q "long-run effects" "$OUT"

# --- bad input ------------------------------------------------------------------
awk -F, 'NR == 1 || $2 <= 2010' "$DATA" >"$TMP/two.csv"
fails 2 "at least three" "T < 3 with --dynamic" "$SPILL" fit "$TMP/two.csv" --panel adcode,year --w "$W" --y y --x x1,x2 --dynamic time
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $5 = 1.5 * prev[$1] + $3 + 0.01 * (NR % 7); prev[$1] = $5 == "" ? 1 : $5;
    if ($2 == 2009) $5 = 1 + (NR % 5); prev[$1] = $5; print }' "$DATA" >"$TMP/explosive.csv"
fails 3 "not stationary" "explosive estimate" "$SPILL" fit "$TMP/explosive.csv" --panel adcode,year --w "$W" --y y --x x1,x2 --fe none --dynamic time
fails 1 "--dynamic" "bad --dynamic" fit --dynamic lag
fails 1 "no-bias-correction goes with --dynamic" "--no-bias-correction alone" fit --no-bias-correction
fails 1 "without --re" "--dynamic --re" fit --dynamic both --re
fails 1 "own bias correction" "--dynamic --no-lee-yu" fit --dynamic both --no-lee-yu
# years 2010, 2013, 2015, 2017 (step 2, 2013 three years after 2010: within the half step
# of slack): y(t-1) over unequal intervals, with a warning naming them
awk -F, 'NR == 1 || $3 == 2010 || $3 == 2013 || $3 == 2015 || $3 == 2017' \
    "$FIX/panel/provinces_panel.csv" >"$TMP/uneven.csv"
ok "--dynamic on uneven years" "$SPILL" fit "$TMP/uneven.csv" --panel adcode,year \
    --w "$FIX/panel/provinces.gal" --y y --x x1,x2 --dynamic both --json
check "--dynamic: the uneven-interval warning" \
    grep -q "fit: warning: .*not equally spaced (2013 after 2010 is 3 apart, the step is 2): y(t-1)" "$ERR"
finish t_fit_dynamic
