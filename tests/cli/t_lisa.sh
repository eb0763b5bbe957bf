#!/bin/bash
# CLI tests for `spill lisa`: R spdep localmoran values in the output layer,
# permutations (thread-count independence), FDR, scatterplot CSV, islands,
# --by long layers from the China AI panel, output formats and bad input.
source "$(dirname "$0")/lib.sh"
A=$FIX/autocorr
COL=$FIX/data/columbus.shp
W="--w $A/columbus_queen.gal"

REF=local_columbus.csv # compare()'s default fixture (tests/cli/lib.sh)

# --- columbus: analytic values equal spdep localmoran ------------------------
ok "columbus, normal p" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm 0 -o "$TMP/l.geojson" --json
check "LMiIndex = localmoran(mlvar = FALSE)" compare "$TMP/l.geojson" CRIME_W LMiIndex Ii
check "LMiZScore = localmoran(conditional = FALSE)" compare "$TMP/l.geojson" CRIME_W LMiZScore ZIi
check "LMiPValue two-sided" compare "$TMP/l.geojson" CRIME_W LMiPValue PIi
check "NNeighbors" compare "$TMP/l.geojson" CRIME_W NNeighbors card
check "input attributes kept" [ "$(props "$TMP/l.geojson" '.HOVAL' | head -1)" = 80.467003 ]
check "COType exactly where p <= 0.05" [ "$(props "$TMP/l.geojson" 'select((.COType != "") != (.LMiPValue <= 0.05)) | 1' | wc -l)" = 0 ]
check "json counts" [ "$(jq -c '.results[0] | [.n, .significant, .HH + .LL + .HL + .LH]' "$OUT")" = '[49,11,11]' ]
ok "spdep default scaling" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm 0 --variance n --moments conditional -o "$TMP/ml.geojson"
check "LMiIndex = localmoran() default" compare "$TMP/ml.geojson" CRIME_W LMiIndex Ii_ml
check "LMiZScore conditional = localmoran() default" compare "$TMP/ml.geojson" CRIME_W LMiZScore ZIi_ml
ok "ArcGIS leave-one-out variance" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm 0 --variance loo -o "$TMP/loo.geojson"
# ArcGIS's S_i^2 = sum_{j != i} z_j^2 / (n - 1): I_loo = I / (1 - z_i^2 / (n - 1)), z standardised
loo_ok() {
    paste <(props "$TMP/l.geojson" '"\(.POLYID) \(.LMiIndex)"') <(props "$TMP/loo.geojson" '.LMiIndex') |
    awk -v f="$A/local_columbus.csv" 'BEGIN { while ((getline l < f) > 0) { split(l, a, ","); if (a[1] == "CRIME_W") z[a[2]] = a[4] } }
        { want = $2 / (1 - z[$1] * z[$1] / 48); d = $3 - want; if (d < 0) d = -d; m = want < 0 ? -want : want
          if (m < 1e-6) m = 1e-6; if (d > 1e-9 * m) bad++; n++ } END { exit !(n == 49 && bad == 0) }'
}
check "loo: I / (1 - z_i^2/(n-1))" loo_ok

# --- scatterplot CSV ----------------------------------------------------------
ok "scatter" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm 0 -o "$TMP/s.gpkg" --scatter "$TMP/s.csv"
check "scatter header and rows" [ "$(head -1 "$TMP/s.csv")" = "id,z,Wz" ] && check "49 rows" [ "$(wc -l < "$TMP/s.csv")" = 50 ]
check "z and Wz equal R" awk -F, -v f="$A/local_columbus.csv" 'BEGIN { while ((getline l < f) > 0) { split(l, a, ","); if (a[1] == "CRIME_W") { z[a[2]] = a[4]; wz[a[2]] = a[5] } } }
    NR > 1 { d = $2 - z[$1]; e = $3 - wz[$1]; if (d * d + e * e > 1e-20) bad++ } END { exit bad > 0 }' "$TMP/s.csv"

# --- permutations ---------------------------------------------------------------
mkdir -p "$TMP/t1" "$TMP/t2"
ok "999 permutations, 1 thread" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --threads 1 -o "$TMP/t1/p.geojson"
ok "999 permutations, 2 threads" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --threads 2 -o "$TMP/t2/p.geojson"
check "identical bytes across thread counts" cmp -s "$TMP/t1/p.geojson" "$TMP/t2/p.geojson"
cp "$TMP/t1/p.geojson" "$TMP/p1.geojson"
check "quadrants as HH/LL/HL/LH" [ "$(props "$TMP/p1.geojson" '.COType' | sort -u | tr '\n' ' ')" = " HH HL LH LL " ]
check "pseudo p-values k/1000 in [0.001, 0.5]" [ "$(props "$TMP/p1.geojson" '.LMiPValue * 1000 | select(. >= 0.999 and . <= 500.001 and (. - (. | round) | fabs) < 1e-6)' | wc -l)" = 49 ]
ok "other seed" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --seed 99 -o "$TMP/t2/p.geojson"
differ() { ! cmp -s "$1" "$2"; }
check "seed changes pseudo p" differ "$TMP/t1/p.geojson" "$TMP/t2/p.geojson"
# --perm-method lookup: GeoDa's shared table; thread-independent, different draws
mkdir -p "$TMP/k1" "$TMP/k2"
ok "lookup permutations, 1 thread" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm-method lookup --threads 1 -o "$TMP/k1/p.geojson"
ok "lookup permutations, 2 threads" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm-method lookup --threads 2 -o "$TMP/k2/p.geojson"
check "lookup: identical bytes across thread counts" cmp -s "$TMP/k1/p.geojson" "$TMP/k2/p.geojson"
check "lookup: other draws than exact" differ "$TMP/k1/p.geojson" "$TMP/p1.geojson"
check "lookup: same statistics as exact" [ "$(props "$TMP/k1/p.geojson" '.LMiIndex')" = "$(props "$TMP/p1.geojson" '.LMiIndex')" ]
check "lookup: pseudo p-values k/1000" [ "$(props "$TMP/k1/p.geojson" '.LMiPValue * 1000 | select(. >= 0.999 and . <= 500.001 and (. - (. | round) | fabs) < 1e-6)' | wc -l)" = 49 ]
fails 1 "did you mean lookup" "unknown --perm-method" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm-method lookupp -o "$TMP/x.gpkg"
ok "FDR" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --fdr -o "$TMP/fdr.geojson" --json
check "FDR keeps fewer or equal" [ "$(props "$TMP/fdr.geojson" 'select(.COType != "") | 1' | wc -l)" -le "$(props "$TMP/p1.geojson" 'select(.COType != "") | 1' | wc -l)" ]
check "FDR cutoff reported" [ "$(jq '.results[0].fdr_cutoff >= 0' "$OUT")" = true ]
ok "alpha 0.01" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --alpha 0.01 -o "$TMP/a.geojson"
check "alpha 0.01: COType only where p <= 0.01" [ "$(props "$TMP/a.geojson" 'select(.COType != "" and .LMiPValue > 0.01) | 1' | wc -l)" = 0 ]

# --- islands ----------------------------------------------------------------------
ok "island" "$SPILL" lisa "$COL" --id POLYID --w "$A/columbus_island.gal" --var CRIME --perm 0 -o "$TMP/i.geojson"
check "island warned by id" grep -q "without neighbours.*(5)" "$ERR"
check "island: NULL statistics, empty COType, 0 neighbours" [ "$(props "$TMP/i.geojson" 'select(.POLYID == 5) | [.LMiIndex, .LMiZScore, .LMiPValue, .COType, .NNeighbors] | tostring')" = '[null,null,null,"",0]' ]
check "others equal spdep with the island" compare "$TMP/i.geojson" CRIME_ISLAND_W LMiZScore ZIi

# --- China: --data joined by adcode, --by year, --layout long ---------------------
ok "China by year" "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --by year --var ai_index --w "$A/china_queen.gal" --perm 0 -o "$TMP/china.geojson" --json --layout long
check "136 features (34 x 4, the 3 without data NULL)" [ "$(jq '.features | length' "$TMP/china.geojson")" = 136 ]
check "year and ai_index fields" [ "$(props "$TMP/china.geojson" 'select(.adcode == 110000) | [.year, .ai_index] | tostring' | head -1)" = "[2011,3.7]" ]
check "provinces' attributes kept" [ "$(props "$TMP/china.geojson" 'select(.adcode == 110000) | .name_en' | head -1)" = Beijing ]
check "LMiIndex per year = spdep" compare "$TMP/china.geojson" x LMiIndex Ii local_china.csv adcode year
check "LMiZScore per year = spdep" compare "$TMP/china.geojson" x LMiZScore ZIi local_china.csv adcode year
check "json: four years" [ "$(jq -c '[.results[].by]' "$OUT")" = '[2011,2015,2019,2022]' ]

# --- formats ---------------------------------------------------------------------------
for ext in shp gpkg fgb csv; do
    ok "writes .$ext" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME -o "$TMP/f.$ext"
    check ".$ext exists" [ -s "$TMP/f.$ext" ]
done
check "shapefile sidecars" [ -s "$TMP/f.dbf" ] && check "shapefile prj/cpg" [ -s "$TMP/f.cpg" ]
check "csv has the fields" grep -q "LMiIndex,LMiZScore,LMiPValue,COType,NNeighbors" "$TMP/f.csv"
check "no temporary folder left" [ -z "$(ls -A "$TMP" | grep spill-tmp)" ]

# --- bad input ------------------------------------------------------------------------
fails 1 "unknown output format" "unknown extension" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME -o "$TMP/x.xyz"
check "no file for unknown format" [ ! -e "$TMP/x.xyz" ]
fails 1 "-o are required" "missing -o" "$SPILL" lisa "$COL" $W --var CRIME
fails 1 "--by needs --data" "--by without --data" "$SPILL" lisa "$COL" $W --var CRIME --by YEAR -o "$TMP/x.gpkg"
fails 1 "--data needs --id" "--data without --id" "$SPILL" lisa "$COL" $W --var CRIME --data "$SHP/ai_index_province.csv" -o "$TMP/x.gpkg"
fails 1 "alpha must lie" "bad alpha" "$SPILL" lisa "$COL" $W --var CRIME --alpha 2 -o "$TMP/x.gpkg"
fails 1 "--variance: unknown value 'median'" "bad --variance" "$SPILL" lisa "$COL" $W --var CRIME --variance median -o "$TMP/x.gpkg"
fails 2 "no field 'NOPE'" "unknown variable" "$SPILL" lisa "$COL" --id POLYID $W --var NOPE -o "$TMP/x.gpkg"
check "no partial output" [ ! -e "$TMP/x.gpkg" ]
fails 2 "49 units not in the weights: 1, 2, 3" "units absent from W" "$SPILL" lisa "$COL" --id POLYID --w "$A/line4.gal" --var CRIME -o "$TMP/x.gpkg"
fails 2 "units not in the weights" "ids do not match" "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode $W --var adcode -o "$TMP/x.gpkg"
printf 'POLYID,CRIME\n1,2\n99,3\n2,5\n' > "$TMP/d99.csv"
fails 2 "row 2: unit 99 has no feature in" "data unit without feature" "$SPILL" lisa "$COL" --id POLYID $W --var CRIME --data "$TMP/d99.csv" -o "$TMP/x.gpkg"
printf 'POLYID,CP\n1,1\n2,1\n3,1\n' > "$TMP/dconst.csv"
fails 2 "CP is constant" "constant variable" "$SPILL" lisa "$COL" --id POLYID $W --var CP --data "$TMP/dconst.csv" -o "$TMP/x.gpkg"
check "units of W without data named" grep -q "46 units of .* have no data and are left out (W is restricted to the units with data; --strict refuses): 4, 5, 6" "$ERR"

finish t_lisa.sh
