#!/bin/bash
# CLI tests for `spill fit --panel`: fixed and random effects against R
# (tests/fixtures/panel, made by scripts/ref-panel.R: spatialreg on the
# within-transformed data with a block-diagonal W), Lee-Yu conventions,
# --compare, --where, the output formats and bad input.
source "$(dirname "$0")/lib.sh"
P=$FIX/panel
DATA=$P/provinces_panel.csv
fit() { "$SPILL" fit "$DATA" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2 "$@"; }

# ref FILE MODEL FE CONV NAME COLUMN (CONV "-" for files without a convention column)
ref() {
    awk -F, -v m="$2" -v f="$3" -v c="$4" -v n="$5" -v col="$6" '
        NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["model"] == m && $k["fe"] == f && (c == "-" || $k["convention"] == c) && $k["name"] == n {
            print $k[col]; exit }' "$P/$1"
}
# same_fe MODEL FE CONV: every reported parameter of $OUT equals R's
same_fe() {
    local m=$1 f=$2 c=$3 bad=0 names sp
    names=$(jq -r '.coefficients[].name' "$OUT")
    for nm in $names; do
        local se; se=$(ref fe.csv "$m" "$f" "$c" "$nm" se)
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .est" "$OUT")" "$(ref fe.csv "$m" "$f" "$c" "$nm" est)" "$se" || { bad=1; echo "  $m $f $c $nm est" >&2; }
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .se" "$OUT")" "$se" || { bad=1; echo "  $m $f $c $nm se" >&2; }
    done
    for sp in rho lambda; do
        [ "$(jq "has(\"$sp\")" "$OUT")" = true ] || continue
        near_se "$(jq -r ".$sp.est" "$OUT")" "$(ref fe.csv "$m" "$f" "$c" "$sp" est)" "$(ref fe.csv "$m" "$f" "$c" "$sp" se)" || { bad=1; echo "  $m $f $c $sp" >&2; }
        near_se "$(jq -r ".$sp.se" "$OUT")" "$(ref fe.csv "$m" "$f" "$c" "$sp" se)" || { bad=1; echo "  $m $f $c $sp se" >&2; }
    done
    near_se "$(jq -r .sigma2 "$OUT")" "$(ref fe.csv "$m" "$f" "$c" sigma2 est)" || { bad=1; echo "  $m $f $c sigma2" >&2; }
    near_se "$(jq -r .loglik "$OUT")" "$(ref fe.csv "$m" "$f" "$c" loglik est)" || { bad=1; echo "  $m $f $c loglik" >&2; }
    return $bad
}

# --- fixed effects against spatialreg ----------------------------------------
ok "sdm twoway (defaults)" fit --json
check "sdm twoway, Elhorst's Lee-Yu, equals R" same_fe sdm twoway elhorst
check "contract keys" [ "$(jq -r '[has("model","n","t","fe","loglik","sigma2","r2","aic","rho","coefficients")] | all' "$OUT")" = true ]
check "n, t, fe, model" [ "$(jq -c '[.model, .n, .t, .fe]' "$OUT")" = '["sdm",31,11,"twoway"]' ]
check "rho has est se z p" [ "$(jq -c '.rho | keys' "$OUT")" = '["est","p","se","z"]' ]
check "W*x names" [ "$(jq -c '[.coefficients[].name]' "$OUT")" = '["x1","x2","W*x1","W*x2"]' ]
check "Lee-Yu said so" [ "$(jq -c '[.lee_yu.applied, .lee_yu.convention]' "$OUT")" = '[true,"elhorst"]' ]
check "uncorrected estimates equal R's ML" near_se "$(jq -r .uncorrected.rho.est "$OUT")" "$(ref fe.csv sdm twoway none rho est)"
ok "sdm twoway --no-lee-yu" fit --no-lee-yu --json
check "ML estimates equal R" same_fe sdm twoway none
check "no uncorrected block" [ "$(jq 'has("uncorrected")' "$OUT")" = false ]
ok "sar unit" fit --model sar --fe unit --json
check "sar unit equals R" same_fe sar unit elhorst
ok "sem time" fit --model sem --fe time --json
check "sem time equals R" same_fe sem time elhorst
ok "sdm time, Lee-Yu convention" fit --fe time --lee-yu-convention leeyu --json
check "Lee & Yu's full correction for time effects equals R" same_fe sdm time leeyu
ok "sdem pooled" fit --model sdem --fe none --json
check "sdem pooled equals R" same_fe sdem none none
ok "sac twoway" fit --model sac --json
check "sac twoway equals R" same_fe sac twoway elhorst
ok "--lee-yu is the default" fit --lee-yu --json
check "--lee-yu flag" [ "$(jq .lee_yu.applied "$OUT")" = true ]

# --- tests and effects ----------------------------------------------------------
ok "LM tests" fit --fe unit --json
check "LM lag equals spdep on the dummy regression" near_se "$(jq -r .tests.lm_lag.stat "$OUT")" "$(awk -F, '$1=="unit" && $2=="LMlag" {print $3}' "$P/lm.csv")"
check "robust LM error" near_se "$(jq -r .tests.robust_lm_error.stat "$OUT")" "$(awk -F, '$1=="unit" && $2=="RLMerr" {print $3}' "$P/lm.csv")"
check "Wald tests for the SDM" [ "$(jq -c '[.tests.wald_no_wx.df, .tests.wald_common_factor.df]' "$OUT")" = '[2,2]' ]
ok "--tests" fit --tests --json
check "LR tests present" [ "$(jq -c '[.tests.lr_unit_effects.df, .tests.lr_time_effects.df, .tests.lr_sdm_sar.df, .tests.lr_sdm_sem.df]' "$OUT")" = '[30,10,2,2]' ]
ok "effects, delta method" fit --effects --draws 0 --json
check "direct effect of x1 equals R" near_se "$(jq -r '.effects[] | select(.name == "x1") | .direct.est' "$OUT")" "$(awk -F, '$1=="sdm" && $2=="twoway" && $3=="elhorst" && $4=="x1" && $5=="direct" {print $6}' "$P/effects.csv")"
check "its delta-method se equals R" near_se "$(jq -r '.effects[] | select(.name == "x1") | .indirect.se' "$OUT")" "$(awk -F, '$1=="sdm" && $2=="twoway" && $3=="elhorst" && $4=="x1" && $5=="indirect" {print $7}' "$P/effects.csv")"
ok "effects, 1000 draws" fit --effects --json --threads 1
cp "$OUT" "$TMP/e1.json"
check "effects keys" [ "$(jq -c '.effects[0] | [has("name","direct","indirect","total")] | all' "$OUT")" = true ]
check "draws reported" [ "$(jq .effects_draws "$OUT")" = 1000 ]
ok "same seed, two threads" fit --effects --json --threads 2
check "identical output" cmp -s "$OUT" "$TMP/e1.json"
ok "another seed" fit --effects --json --seed 7
check "different draws" [ "$(jq '.effects[0].direct.se' "$OUT")" != "$(jq '.effects[0].direct.se' "$TMP/e1.json")" ]

# --- compare, random effects, subsets -------------------------------------------
ok "--compare" fit --compare --json
check "four columns" [ "$(jq -c '[.compare[].fe]' "$OUT")" = '["none","unit","time","twoway"]' ]
check "unit column equals R" near_se "$(jq -r '.compare[1].rho.est' "$OUT")" "$(ref fe.csv sdm unit elhorst rho est)"
check "LR unit effects = 2 (LL_twoway - LL_time)" near_se "$(jq -r .tests.lr_unit_effects.stat "$OUT")" "$(jq -r '2 * (.compare[3].loglik - .compare[2].loglik)' "$OUT")"
ok "--compare table" fit --compare
check "columns in the table" grep -q "none.*unit.*time.*twoway" "$OUT"
ok "random effects sdm with time effects" fit --re --json
check "RE rho equals R" near_se "$(jq -r .rho.est "$OUT")" "$(ref re.csv sdm time - rho est)"
check "RE theta se equals R" near_se "$(jq -r .theta.se "$OUT")" "$(ref re.csv sdm time - theta se)"
check "Hausman equals R" near_se "$(jq -r .tests.hausman.stat "$OUT")" "$(ref re.csv sdm time - hausman est)" 10
ok "random effects sar pooled" fit --re --model sar --fe none --json
check "RE const equals R" near_se "$(jq -r '.coefficients[0].est' "$OUT")" "$(ref re.csv sar none - const est)" 0.1
ok "--where region=East" fit --where region=East --json
check "11 units" [ "$(jq -c '[.n, .t]' "$OUT")" = '[11,11]' ]
check "--where reported on stderr" grep -q "11 of 31 units kept.*row-standardised again" "$ERR"
check "--where in the JSON" [ "$(jq -r .where "$OUT" | grep -c 'W restricted')" = 1 ]
ok "--where two values" fit --where region=East,Central --json
check "19 units" [ "$(jq .n "$OUT")" = 19 ]

# --- output formats ---------------------------------------------------------------
ok "readable" fit --effects --draws 50
check "says Lee-Yu is on" grep -q "Lee-Yu bias correction: on (Elhorst" "$OUT"
check "effects table" grep -q "indirect" "$OUT"
ok "csv" fit --csv
check "csv header" grep -q "^term,estimate,std.error,z,p$" "$OUT"
ok "markdown" fit --markdown
check "markdown rule" grep -q '^|:---|---:' "$OUT"
ok "latex" fit --latex
check "latex tabular" grep -q 'begin{tabular}' "$OUT"
check "latex names W*x as W times x" grep -q 'W \\times$ x1' "$OUT"

# --- bad input -----------------------------------------------------------------------
head -n 100 "$DATA" > "$TMP/unbalanced.csv"; tail -n +102 "$DATA" >> "$TMP/unbalanced.csv"
fails 2 "not balanced: 1 of 341 .* [0-9]{6} in 20[0-9]{2}" "unbalanced" "$SPILL" fit "$TMP/unbalanced.csv" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2
{ cat "$DATA"; sed -n 2p "$DATA"; } > "$TMP/dup.csv"
fails 2 "unit 110000 appears twice in year 2010" "duplicate row" "$SPILL" fit "$TMP/dup.csv" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2
grep -v "^650000," "$DATA" > "$TMP/nox.csv"
fails 2 "1 unit of the weights has no rows: 650000 \(--strict" "W unit missing, --strict" "$SPILL" fit "$TMP/nox.csv" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2 --strict
ok "W unit missing: W restricted" "$SPILL" fit "$TMP/nox.csv" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2 --json
check "W unit missing: warning names it" grep -q "1 unit of .*provinces.gal has no data and is left out (W is restricted to the units with data and row-standardised again; --strict refuses): 650000" "$ERR"
check "W unit missing: 30 units, count in JSON" [ "$(jq -c '[.n, .weights_units_without_data]' "$OUT")" = "[30,1]" ]
sed 's/^110000,/999999,/' "$DATA" > "$TMP/unknown.csv"
fails 2 "1 unit not in the weights: 999999" "unit missing from W" "$SPILL" fit "$TMP/unknown.csv" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2
sed '5s/,[^,]*$/,abc/' "$DATA" > "$TMP/text.csv"
fails 2 "row 4.*unit 110000.*y" "non-numeric y" "$SPILL" fit "$TMP/text.csv" --panel adcode,year --w "$P/provinces.gal" --y y --x x1,x2
fails 2 "x9" "unknown column" fit --x x1,x9
fails 1 "unknown fixed effects 'both2'" "bad --fe" fit --fe both2
fails 1 "--panel wants ID,TIME" "bad --panel" "$SPILL" fit "$DATA" --panel adcode --w "$P/provinces.gal" --y y --x x1
fails 1 "--re goes with --fe none or --fe time" "--re twoway" fit --re --fe twoway
ok "--effects sem: a warning, the fit runs" fit --model sem --effects
check "--effects sem: the warning says why" grep -q "warning: --effects: a sem model has no spillovers" "$ERR"
fails 1 "--lee-yu and --no-lee-yu" "both Lee-Yu flags" fit --lee-yu --no-lee-yu
fails 2 "regressor adcode does not vary once the unit fixed effects" "time-invariant regressor" fit --x x1,adcode --fe unit
fails 2 "no row has region 'North'" "--where matches nothing" fit --where region=North
check "no stdout on failure" [ ! -s "$OUT" ]
# --info-mean: the two-way Lee-Yu SDM with the information's rho term unprojected
# (Elhorst's sar_panel_FE) and projected (the default), against scripts/ref-leeyu-elhorst.R
LY=$FIX/panel/leeyu_info_mean.csv
for v in elhorst projected; do
    ok "--info-mean $v, two-way SDM" "$SPILL" fit "$FIX/panel/provinces_panel.csv" --panel adcode,year \
        --w "$FIX/panel/provinces.gal" --y y --x x1,x2 --model sdm --fe twoway --info-mean $v --json
    want=$(awk -F, -v v="\"$v\"" '$1 == v { print $2, $3, $4, $5, $6, $7 }' "$LY")
    got=$(jq -r '[.coefficients[].est, .rho.est, .sigma2] | map(tostring) | join(" ")' "$OUT")
    set -- $want; w=("$@"); set -- $got; g=("$@")
    for j in 0 1 2 3 4 5; do
        check "--info-mean $v: estimate $((j + 1)) of 6 as R's at 1e-6" near "${g[j]}" "${w[j]}" 1e-6
    done
done
fails 1 "--info-mean elhorst: .*give --vcov info" "--info-mean elhorst with the observed information" \
    "$SPILL" fit "$FIX/panel/provinces_panel.csv" --panel adcode,year --w "$FIX/panel/provinces.gal" \
    --y y --x x1,x2 --model sdm --fe twoway --info-mean elhorst --vcov hessian
finish t_fit_panel
