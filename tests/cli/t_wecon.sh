#!/bin/bash
# CLI tests for an economic-distance weights matrix recomputed each period (--w econ:VAR,
# econ-mean:VAR, nested:VAR:GEO, nested-mean:VAR:GEO with --w-by TIME) in fit, moran and
# lisa: against spatialreg / spdep on the matrices written from the definitions
# (tests/fixtures/wecon, made by scripts/ref-wecon.R), against `spill weights --type econ
# --years Y-Y` period by period, and bad input.
source "$(dirname "$0")/lib.sh"
P=$FIX/wecon
DATA=$P/panel.csv
GEO=$FIX/panel/provinces.gal
ref() {
    awk -F, -v w="$1" -v m="$2" -v n="$3" -v col="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["w"] == w && $k["model"] == m && $k["name"] == n { print $k[col]; exit }' "$P/fit.csv"
}
# same W MODEL: the fit in $OUT equals R's (fit.csv), lib.sh's fit_like_ref
same() { fit_like_ref ref "$1" "$2"; }
spec() { case $1 in econ|econ-mean) echo "$1:g" ;; *) echo "$1:g:$GEO" ;; esac; }

for w in econ econ-mean nested nested-mean; do for m in sar sdm; do
    ok "fit --w $w, $m" "$SPILL" fit "$DATA" --panel adcode,year --w "$(spec $w)" --w-by year --y y --x x1 --model $m --fe twoway --json
    check "fit --w $w, $m = spatialreg with dummies on diag(W_t)" same $w $m
done; done
check "the period's matrix named" [ "$(jq -r '.w_by_period[1].file' "$OUT")" = "nested-mean:g:$GEO (2011 with the means over the periods)" ]

# moran: each period's I and z against spdep on the same W_t
for w in econ nested-mean; do
    ok "moran --w $w" "$SPILL" moran "$DATA" --id adcode --var y --w "$(spec $w)" --w-by year --json
    good=1
    while IFS=, read -r kind year I z; do
        [ "$kind" = "$w" ] || continue
        near_se "$(jq -r ".results[] | select(.by == $year) | .I" "$OUT")" "$I" || good=0
        near_se "$(jq -r ".results[] | select(.by == $year) | .z_rand" "$OUT")" "$z" || good=0
    done <"$P/moran.csv"
    check "moran --w $w: each period's I and z = spdep's moran.test" [ $good = 1 ]
done

# lisa and moran: a period's econ W = spill weights --type econ --years Y-Y of that period
ok "lisa --w econ:g" "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$DATA" --by year --var y --w econ:g -o "$TMP/lisa_all.gpkg" --json
cp "$OUT" "$TMP/lisa_all.json"
good=1
for y in 2010 2015; do
    "$SPILL" weights "$SHP/china_provinces.shp" --id adcode --type econ --data "$DATA" --var g --years $y-$y --drop-missing -o "$TMP/w_$y.gwt" 2>/dev/null
    awk -F, -v y=$y 'NR == 1 || $3 == y' "$DATA" >"$TMP/y.csv"
    "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$TMP/y.csv" --by year --var y --w "$TMP/w_$y.gwt" -o "$TMP/lisa_$y.gpkg" --json >"$TMP/one.json" 2>/dev/null
    [ "$(jq -c ".results[] | select(.by == $y) | [.n, .HH, .LL, .HL, .LH, .significant]" "$TMP/lisa_all.json")" = "$(jq -c '.results[0] | [.n, .HH, .LL, .HL, .LH, .significant]' "$TMP/one.json")" ] || good=0
    "$SPILL" moran "$TMP/y.csv" --id adcode --var y --w "$TMP/w_$y.gwt" --json >"$TMP/one.json" 2>/dev/null
    near_se "$(jq -r '.results[0].I' "$TMP/one.json")" "$(awk -F, -v y=$y '$1 == "econ" && $2 == y { print $3 }' "$P/moran.csv")" || good=0
done
check "lisa --w econ:g = each period with spill weights --type econ --years Y-Y (and its moran = spdep)" [ $good = 1 ]
rm -f "$TMP"/lisa_*.gpkg

# bad input
fails 1 "expected econ:VAR or econ-mean:VAR" "econ without a variable" "$SPILL" fit "$DATA" --panel adcode,year --w econ: --w-by year --y y --x x1
fails 1 "expected nested:VAR:GEOFILE" "nested without the geographic W" "$SPILL" fit "$DATA" --panel adcode,year --w nested:g --w-by year --y y --x x1
fails 2 "--w econ.*(column|field).*nosuch|nosuch" "econ with an unknown variable" "$SPILL" fit "$DATA" --panel adcode,year --w econ:nosuch --w-by year --y y --x x1
awk -F, 'BEGIN { OFS = "," } NR == 1 || $3 != 2012 { print; next } $1 == "110000" || $1 == "120000" { $8 = 2 } { print }' "$DATA" >"$TMP/tie.csv"
fails 2 "110000.*120000|120000.*110000" "econ: two units with the same value in a period" "$SPILL" fit "$TMP/tie.csv" --panel adcode,year --w econ:g --w-by year --y y --x x1
fails 1 "needs --by TIME" "moran --w econ without --by" "$SPILL" moran "$DATA" --id adcode --var y --w econ:g
finish t_wecon
