#!/bin/bash
# CLI tests for cross-section `spill fit` against R spatialreg/spdep
# (tests/fixtures/fit, scripts/ref-fit.R): every model on columbus (queen,
# symmetric) and baltim (4 nearest neighbours, asymmetric), estimates, standard
# errors, log-likelihoods, LM and LR tests and impacts to 1e-6 relative.
source "$(dirname "$0")/lib.sh"
F=$FIX/fit
declare -A args=(
    [columbus]="$F/columbus.csv --id POLYID --w $F/columbus_queen.gal --y CRIME --x INC,HOVAL"
    [baltim]="$F/baltim.csv --id STATION --w $F/baltim_knn4.gal --y PRICE --x NROOM,NBATH,AGE,SQFT"
)
jq_path() { # name what -> jq expression
    case "$2" in
    direct | indirect | total) echo ".effects[] | select(.name == \"$1\") | .$2.est" ;;
    stat) case "$1" in
        LMerr) echo ".tests.lm_error.stat" ;; LMlag) echo ".tests.lm_lag.stat" ;;
        RLMerr) echo ".tests.robust_lm_error.stat" ;; RLMlag) echo ".tests.robust_lm_lag.stat" ;;
        LR_sar) echo ".tests.lr_sdm_sar.stat" ;; LR_sem) echo ".tests.lr_sdm_sem.stat" ;;
        esac ;;
    *) case "$1" in
        rho | lambda) echo ".$1.$2" ;; loglik | sigma2) echo ".$1" ;;
        *) echo ".coefficients[] | select(.name == \"$1\") | .$2" ;;
        esac ;;
    esac
}
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "" && d <= 1e-6 * (m > 1e-8 ? m : 1e-8)) }'; }
for data in columbus baltim; do
    for model in ols slx sar sdm sem sdem sac; do
        extra=""
        case $model in sar | sdm) extra="--effects --draws 0 --tests" ;; esac
        # shellcheck disable=SC2086
        if ! "$SPILL" fit ${args[$data]} --model $model $extra --json >"$TMP/$data-$model.json" 2>"$ERR"; then
            fail "$data $model: exit $?: $(head -c 300 "$ERR")"
            continue
        fi
        while IFS=, read -r d m name what value; do
            [ "$d" = "$data" ] && [ "$m" = "$model" ] || continue
            got=$(jq -r "$(jq_path "$name" "$what")" "$TMP/$data-$model.json" 2>/dev/null)
            if close "$got" "$value"; then pass; else fail "$data $model $name $what: spill $got, R $value"; fi
        done <"$F/expected.csv"
    done
done
# --- observed-information covariance (--vcov hessian, the default on the sparse
# paths) against numDeriv's Hessian of an independent R log-likelihood
# (scripts/ref-hessian.R), dense and sparse, to 1e-6; spatialreg's own
# finite-difference fdHess to 1e-2 (its differencing error reaches 3e-3 on baltim)
within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "" && d <= t * m) }'; }
for data in columbus baltim; do
    for model in sar sdm sem sdem sac; do
        for logdet in eigen chol; do
            # shellcheck disable=SC2086
            if ! "$SPILL" fit ${args[$data]} --model $model --logdet $logdet --vcov hessian --json \
                >"$TMP/h.json" 2>"$ERR"; then
                fail "$data $model hessian $logdet: exit $?: $(head -c 300 "$ERR")"
                continue
            fi
            while IFS=, read -r d m name what value; do
                [ "$d" = "$data" ] && [ "$m" = "$model" ] || continue
                [ "$what" = se ] || [ "$logdet" = eigen ] || continue
                got=$(jq -r "$(jq_path "$name" se)" "$TMP/h.json" 2>/dev/null)
                tol=1e-6
                [ "$what" = se ] || tol=1e-2
                if within "$got" "$value" $tol; then pass
                else fail "$data $model $logdet $name $what: spill $got, R $value"; fi
            done <"$F/hessian.csv"
        done
    done
done
# shellcheck disable=SC2086
ok "--vcov info on the sparse path" "$SPILL" fit ${args[columbus]} --model sar --logdet chol --vcov info --json
check "the JSON names the covariance" test "$(jq -r .vcov "$OUT")" = info
# an approximate log-determinant states its error at the estimate: the exact value there
# against R's eigenvalue sum at the same point (tests/fixtures/fit/lndet.csv)
lndet_ref() { awk -F, -v i="$1" 'NR == i + 1 { print $2, $3 }' "$F/lndet.csv"; }
for run in "1 sar cheb chebyshev" "2 sem mc monte-carlo"; do
    read -r row model logdet name <<<"$run"
    read -r at lndet <<<"$(lndet_ref "$row")"
    # shellcheck disable=SC2086
    ok "--logdet $logdet" "$SPILL" fit ${args[columbus]} --model $model --logdet $logdet --json
    check "$logdet: named and flagged approximate" test \
        "$(jq -r '[.logdet, .logdet_approximate] | @tsv' "$OUT")" = "$(printf '%s\ttrue' "$name")"
    check "$logdet: the estimate is the seeded one of the fixture" \
        within "$(jq -r '.logdet_error[0].at' "$OUT")" "$at" 1e-12
    check "$logdet: exact ln|I - x W| at it, as R's eigenvalues give" \
        within "$(jq -r '.logdet_error[0].exact' "$OUT")" "$lndet" 1e-10
done
# shellcheck disable=SC2086
ok "--logdet mc text note" "$SPILL" fit ${args[columbus]} --model sem --logdet mc
check "mc: the note names the exact value" grep -qF "ln|I - 0.544247 W| = -1.968139 (exact -1.950148" "$OUT"
# shellcheck disable=SC2086
fails 1 "--vcov: unknown value 'fisher' \(expected auto, info or hessian\)" "unknown --vcov" "$SPILL" fit ${args[columbus]} --vcov fisher
# --- output formats and bad input
A=${args[columbus]}
# shellcheck disable=SC2086
ok "latex table" "$SPILL" fit $A --latex
check "latex is a booktabs table with stars" grep -q '\^{\*\*\*}' "$OUT"
# shellcheck disable=SC2086
ok "latex with tests" "$SPILL" fit $A --model sdm --tests --latex
check "latex tests table: starred statistics, Wald in symbols" \
    grep -q 'LM lag & \$8.898^{\*\*\*}\$ & 1 & 0.0029' "$OUT"
check "latex tests table names the common-factor hypothesis" grep -qF 'Wald $\theta + \rho\beta = 0$' "$OUT"
# shellcheck disable=SC2086
ok "csv table" "$SPILL" fit $A --csv
# shellcheck disable=SC2086
ok "markdown table" "$SPILL" fit $A --markdown
# shellcheck disable=SC2086
ok "sparse cholmod path" "$SPILL" fit $A --model sar --logdet chol --json
check "cholmod gives the same rho" close "$(jq .rho.est "$OUT")" "$(jq .rho.est "$TMP/columbus-sar.json")"
# shellcheck disable=SC2086
ok "sparse effects" "$SPILL" fit $A --model sdm --logdet chol --effects --draws 100 --json
check "stochastic traces: the direct and indirect effects carry a trace error, the total none" \
    grep -qx true <(jq '.effects | all(.direct.se_trace > 0 and .direct.se_trace < .direct.se and
        .indirect.se_trace == .direct.se_trace and .total.se_trace == 0)' "$OUT")
# shellcheck disable=SC2086
ok "dense effects" "$SPILL" fit $A --model sdm --effects --draws 100 --json
check "exact traces: no trace error" \
    grep -qx true <(jq '.effects | all(.direct.se_trace == 0 and .indirect.se_trace == 0)' "$OUT")
# shellcheck disable=SC2086
ok "sparse lu path" "$SPILL" fit $A --model sar --logdet lu --json
check "umfpack gives the same rho" close "$(jq .rho.est "$OUT")" "$(jq .rho.est "$TMP/columbus-sar.json")"
fails 2 "no field 'NOPE'|NOPE" "unknown regressor" "$SPILL" fit "$F/columbus.csv" --id POLYID --w "$F/columbus_queen.gal" --y CRIME --x NOPE
fails 1 "need --panel" "fixed effects without panel" "$SPILL" fit "$F/columbus.csv" --id POLYID --w "$F/columbus_queen.gal" --y CRIME --x INC --fe unit
fails 1 "--logdet: unknown value 'cheap' \(did you mean cheb\? expected auto, eigen, chol, lu, cheb or mc\)" "unknown logdet" "$SPILL" fit "$F/columbus.csv" --id POLYID --w "$F/columbus_queen.gal" --y CRIME --x INC --logdet cheap
printf 'POLYID,CRIME,INC\n1,5,3\n' >"$TMP/short.csv"
fails 2 "not in the weights|unit|units" "rows not matching W" "$SPILL" fit "$TMP/short.csv" --id POLYID --w "$F/columbus_queen.gal" --y CRIME --x INC
awk -F, 'NR == 1 { print $0 ",C2" } NR > 1 { print $0 ",7" }' "$F/columbus.csv" >"$TMP/const.csv"
fails 3 "collinear|singular|constant|vary" "constant regressor" "$SPILL" fit "$TMP/const.csv" --id POLYID --w "$F/columbus_queen.gal" --y CRIME --x INC,C2
check "model-choice summary in the JSON" grep -q "Wald: " <(jq -r .model_choice "$TMP/columbus-sdm.json")
finish t_fit.sh
