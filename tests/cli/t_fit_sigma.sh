#!/bin/bash
# CLI tests for the sigma^2 convention of OLS and SLX (--sigma df, the default:
# e'e/(n - k) as R lm; --sigma ml: e'e/n) against R lm / spatialreg lmSLX
# (tests/fixtures/fit/lm.csv, scripts/ref-ols.R: estimates, standard errors,
# t values and Pr(>|t|) on n - k degrees of freedom), and for the ids of the units
# without neighbours in the JSON.
source "$(dirname "$0")/lib.sh"
F=$FIX/fit
declare -A args=(
    [columbus]="$F/columbus.csv --id POLYID --w $F/columbus_queen.gal --y CRIME --x INC,HOVAL"
    [baltim]="$F/baltim.csv --id STATION --w $F/baltim_knn4.gal --y PRICE --x NROOM,NBATH,AGE,SQFT"
)
# close GOT WANT [TOL]: relative difference <= TOL (default 1e-8)
close() { awk -v a="$1" -v b="$2" -v t="${3:-1e-8}" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "" && d <= t * m) }'; }
for data in columbus baltim; do
    for model in ols slx; do
        # shellcheck disable=SC2086
        ok "$data $model" "$SPILL" fit ${args[$data]} --model $model --json
        cp "$OUT" "$TMP/df.json"
        # shellcheck disable=SC2086
        ok "$data $model --sigma ml" "$SPILL" fit ${args[$data]} --model $model --sigma ml --json
        cp "$OUT" "$TMP/ml.json"
        n=$(jq .n "$TMP/df.json"); k=$(jq '.coefficients | length' "$TMP/df.json")
        while IFS=, read -r d m name what value; do
            [ "$d" = "$data" ] && [ "$m" = "$model" ] || continue
            if [ "$name" = sigma2 ]; then
                check "$data $model sigma2 = R lm's" close "$(jq .sigma2 "$TMP/df.json")" "$value"
                continue
            fi
            key=$what
            [ "$what" = t ] && key=z # the t statistic sits in the contract's z key
            sel=".coefficients[] | select(.name == \"$name\") | .$key"
            tol=1e-8
            [ "$what" = p ] && tol=1e-6 # GSL's and R's far tails of t agree to about 1e-8
            check "$data $model $name $what = R lm's" close "$(jq "$sel" "$TMP/df.json")" "$value" $tol
            [ "$what" = se ] || continue
            want=$(awk -v s="$value" -v n="$n" -v k="$k" 'BEGIN { printf "%.17g", s * sqrt((n - k) / n) }')
            check "$data $model $name se with --sigma ml = lm's x sqrt((n-k)/n)" close "$(jq "$sel" "$TMP/ml.json")" "$want"
        done <"$F/lm.csv"
        check "$data $model: JSON names the divisor" [ "$(jq -r .sigma2_divisor "$TMP/df.json")/$(jq -r .sigma2_divisor "$TMP/ml.json")" = "n-k/n" ]
        check "$data $model: same log-likelihood either way" [ "$(jq .loglik "$TMP/df.json")" = "$(jq .loglik "$TMP/ml.json")" ]
    done
done
# shellcheck disable=SC2086
ok "ols text output" "$SPILL" fit ${args[columbus]} --model ols
check "the text says which sigma2" grep -q "sigma2 = e'e/(n - k) as R lm (--sigma ml: e'e/n)" "$OUT"
# shellcheck disable=SC2086
ok "sar: --sigma leaves the ML models alone" "$SPILL" fit ${args[columbus]} --model sar --json
check "sar: sigma2 divisor n" [ "$(jq -r .sigma2_divisor "$OUT")" = n ]
fails 1 "--sigma: unknown value 'n-1' \(expected ml or df\)" "bad --sigma" "$SPILL" fit ${args[columbus]} --model ols --sigma n-1

# units without neighbours: their ids, with --id and with row numbers (--id-order)
ISL=$FIX/autocorr/columbus_island.gal
ok "island, --id" "$SPILL" fit "$F/columbus.csv" --id POLYID --w "$ISL" --y CRIME --x INC,HOVAL --model sar --json
check "island named in the JSON (--id)" [ "$(jq -c .units_without_neighbors "$OUT")" = '["5"]' ]
cut -d, -f2- "$F/columbus.csv" > "$TMP/noid.csv"
ok "island, --id-order" "$SPILL" fit "$TMP/noid.csv" --id-order --w "$ISL" --y CRIME --x INC,HOVAL --model sar --json
check "island named in the JSON (row number)" [ "$(jq -c .units_without_neighbors "$OUT")" = '["5"]' ]
check "stderr names the same unit" grep -q "1 unit without neighbours (zero spatial lag): 5" "$ERR"

finish t_fit_sigma.sh
