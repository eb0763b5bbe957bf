#!/bin/bash
# CLI tests for `spill fit --panel ... --unbalanced`: ML on the units present
# in each period against spatialreg with dummies on the block-diagonal W of
# the present units (tests/fixtures/unbalanced, made by
# scripts/ref-unbalanced.R), a balanced panel through the unbalanced path,
# the default "balanced required" message, and bad input.
source "$(dirname "$0")/lib.sh"
P=$FIX/unbalanced
DATA=$P/panel.csv
W=$FIX/panel/provinces.gal
fit() { "$SPILL" fit "$DATA" --panel adcode,year --w "$W" --y y --x x1,x2 "$@"; }
ref() {
    awk -F, -v m="$2" -v f="$3" -v n="$4" -v col="$5" '
        NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["model"] == m && $k["fe"] == f && $k["name"] == n { print $k[col]; exit }' "$P/$1"
}
# same MODEL FE: the fit in $OUT equals R's (fe.csv), lib.sh's fit_like_ref
same() { fit_like_ref ref fe.csv "$1" "$2"; }

for m in sar sdm; do for f in unit time twoway; do
    ok "unbalanced $m $f" fit --model $m --fe $f --unbalanced --json
    check "unbalanced $m $f = spatialreg with dummies on the block-diagonal W of the present units" same $m $f
done; done
ok "unbalanced keys" fit --unbalanced --effects --draws 100 --json
check "n, t, nobs" [ "$(jq -c '[.n, .t, .nobs]' "$OUT")" = '[31,11,307]' ]
check "missing unit-periods reported" [ "$(jq -r '.unbalanced.missing' "$OUT")" = 34 ]
check "per-period W_t reported" [ "$(jq -r '[.unbalanced.periods[].n] | add' "$OUT")" = 307 ]
check "effects present" [ "$(jq -r '.effects | length' "$OUT")" = 2 ]
check "no Lee-Yu" [ "$(jq -r '.lee_yu.applied' "$OUT")" = false ]

# a balanced panel through the unbalanced path = the balanced ML
B=$FIX/panel/provinces_panel.csv
for f in unit time twoway; do
    "$SPILL" fit "$B" --panel adcode,year --w "$W" --y y --x x1,x2 --fe $f --no-lee-yu --json >"$TMP/bal.json" 2>/dev/null
    ok "balanced via --unbalanced, $f" "$SPILL" fit "$B" --panel adcode,year --w "$W" --y y --x x1,x2 --fe $f --unbalanced --json
    check "balanced via --unbalanced = balanced ML ($f)" near_se "$(jq -r .rho.est "$OUT")" "$(jq -r .rho.est "$TMP/bal.json")" 1e-6
    check "balanced via --unbalanced: loglik ($f)" near_se "$(jq -r .loglik "$OUT")" "$(jq -r .loglik "$TMP/bal.json")"
done

# --- a weights matrix per period (queen in even years, knn-4 in odd years) ----
wref() {
    awk -F, -v d="$1" -v f="$2" -v n="$3" -v col="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["data"] == d && $k["fe"] == f && $k["name"] == n { print $k[col]; exit }' "$P/wper.csv"
}
same_wper() {
    local d=$1 f=$2 bad=0 nm
    for nm in x1 x2 W*x1 W*x2; do
        local se; se=$(wref "$d" "$f" "$nm" se)
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .est" "$OUT")" "$(wref "$d" "$f" "$nm" est)" "$se" || { bad=1; echo "  $d $f $nm est" >&2; }
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .se" "$OUT")" "$se" || { bad=1; echo "  $d $f $nm se" >&2; }
    done
    near_se "$(jq -r .rho.est "$OUT")" "$(wref "$d" "$f" rho est)" "$(wref "$d" "$f" rho se)" || { bad=1; echo "  $d $f rho" >&2; }
    near_se "$(jq -r .rho.se "$OUT")" "$(wref "$d" "$f" rho se)" || { bad=1; echo "  $d $f rho se" >&2; }
    near_se "$(jq -r .loglik "$OUT")" "$(wref "$d" "$f" loglik est)" || { bad=1; echo "  $d $f loglik" >&2; }
    return $bad
}
for f in unit twoway; do
    ok "per-period W (pattern), balanced, $f" "$SPILL" fit "$B" --panel adcode,year --w "$P/w_{}.gal" --w-by year --y y --x x1,x2 --fe $f --json
    check "per-period W, balanced, $f = spatialreg on diag(W_t)" same_wper balanced $f
    ok "per-period W (pattern), unbalanced, $f" fit --w "$P/w_{}.gal" --unbalanced --fe $f --json
    check "per-period W, unbalanced, $f = spatialreg on diag(W_t)" same_wper unbalanced $f
done
check "the files used, per period" [ "$(jq -r '.w_by_period[1].file' "$OUT")" = "$P/w_2011.gal" ]
L=$(for y in $(seq 2010 2020); do printf '%s=%s,' "$y" "$P/w_$y.gal"; done)
ok "per-period W (list)" "$SPILL" fit "$B" --panel adcode,year --w "${L%,}" --y y --x x1,x2 --json
check "list = pattern" same_wper balanced twoway
# the same W every period through the per-period path = the one-W ML
L=$(for y in $(seq 2010 2020); do printf '%s=%s,' "$y" "$W"; done)
"$SPILL" fit "$B" --panel adcode,year --w "$W" --y y --x x1,x2 --no-lee-yu --json >"$TMP/one.json" 2>/dev/null
ok "the same W in a list" "$SPILL" fit "$B" --panel adcode,year --w "${L%,}" --y y --x x1,x2 --json
check "the same W in a list = one W" near_se "$(jq -r .loglik "$OUT")" "$(jq -r .loglik "$TMP/one.json")"
fails 2 "no weights for period 2011" "a period without a W in the list" "$SPILL" fit "$B" --panel adcode,year --w "2010=$W" --y y --x x1,x2
fails 2 "year 2012, weights .*w_without_110000.gal.*110000" "a period whose W does not cover its units" "$SPILL" fit "$B" --panel adcode,year --w "$(for y in $(seq 2010 2020); do [ $y = 2012 ] && printf '%s=%s,' $y "$ROOT/tests/bad/w_without_110000.gal" || printf '%s=%s,' $y "$W"; done | sed 's/,$//')" --y y --x x1,x2
fails 1 "--w-by region: the period field is --panel.s" "--w-by naming another field" "$SPILL" fit "$B" --panel adcode,year --w "$P/w_{}.gal" --w-by region --y y --x x1,x2

# --- per-period W in moran: each period's I equals a run on that period alone
ok "moran with a weights matrix per period" "$SPILL" moran "$B" --id adcode --var y --w "$P/w_{}.gal" --w-by year --json
cp "$OUT" "$TMP/moran_all.json"
good=1
for y in 2010 2011 2016 2017; do
    awk -F, -v y=$y 'NR == 1 || $3 == y' "$B" >"$TMP/y.csv"
    "$SPILL" moran "$TMP/y.csv" --id adcode --var y --w "$P/w_$y.gal" --json >"$TMP/one.json" 2>/dev/null
    near_se "$(jq -r ".results[] | select(.by == $y) | .I" "$TMP/moran_all.json")" "$(jq -r '.results[0].I' "$TMP/one.json")" || good=0
    near_se "$(jq -r ".results[] | select(.by == $y) | .z_rand" "$TMP/moran_all.json")" "$(jq -r '.results[0].z_rand' "$TMP/one.json")" || good=0
done
check "moran per-period W = each period on its own" [ $good = 1 ]
# --- per-period W in lisa: each period's clusters equal a run on that period alone
ok "lisa with a weights matrix per period" "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$B" --by year --var y --w "$P/w_{}.gal" -o "$TMP/lisa_all.gpkg" --json
cp "$OUT" "$TMP/lisa_all.json"
good=1
for y in 2010 2011; do
    awk -F, -v y=$y 'NR == 1 || $3 == y' "$B" >"$TMP/y.csv"
    "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$TMP/y.csv" --by year --var y --w "$P/w_$y.gal" -o "$TMP/lisa_$y.gpkg" --json >"$TMP/one.json" 2>/dev/null
    [ "$(jq -c ".results[] | select(.by == $y) | [.n, .HH, .LL, .HL, .LH, .significant]" "$TMP/lisa_all.json")" = "$(jq -c '.results[0] | [.n, .HH, .LL, .HL, .LH, .significant]' "$TMP/one.json")" ] || good=0
done
check "lisa per-period W = each period on its own" [ $good = 1 ]
rm -f "$TMP"/lisa_*.gpkg
fails 1 "needs --by TIME" "moran: a weights list without --by" "$SPILL" moran "$B" --id adcode --var y --w "2010=$W"

# bad input
fails 2 "not balanced: 34 of 341 .*110000 in 2010.*--unbalanced" "unbalanced without --unbalanced" fit
awk -F, 'NR == 1 || $1 != "110000" || $3 == 2015' "$B" >"$TMP/once.csv"
fails 2 "unit 110000 is present in only one period" "a unit present in only one period" "$SPILL" fit "$TMP/once.csv" --panel adcode,year --w "$W" --y y --x x1,x2 --unbalanced
fails 1 "--unbalanced and a weights matrix per period need --panel" "--unbalanced --tests" fit --unbalanced --tests
finish t_fit_unbalanced
