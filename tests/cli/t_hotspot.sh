#!/bin/bash
# CLI tests for `spill hotspot`: Gi* equal to spdep localG on include.self()
# weights and to ArcGIS's formula written out in scripts/ref-autocorr.R, Gi,
# bins and FDR, permutations, --by long layers, islands and bad input.
source "$(dirname "$0")/lib.sh"
A=$FIX/autocorr
COL=$FIX/data/columbus.shp
W="--w $A/columbus_queen.gal"

REF=localg_columbus.csv # compare()'s default fixture (tests/cli/lib.sh)
# bins_ok FILE: Gi_Bin = sign(z) x (3, 2, 1 for p <= .01, .05, .10)
bins_ok() {
    [ "$(props "$1" 'select(.GiPValue != null) | (if .GiPValue <= 0.01 then 3 elif .GiPValue <= 0.05 then 2
         elif .GiPValue <= 0.10 then 1 else 0 end) * (if .GiZScore > 0 then 1 else -1 end) - .Gi_Bin | select(. != 0)' | wc -l)" = 0 ]
}

# --- columbus Gi*: ArcGIS = spdep localG(include.self) ---------------------------
ok "Gi* binary + self" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME -o "$TMP/g.geojson" --json
check "GiZScore = spdep localG(include.self, B)" compare "$TMP/g.geojson" CRIME_QUEEN GiZScore gstar_b
check "GiZScore = ArcGIS formula" compare "$TMP/g.geojson" CRIME_QUEEN GiZScore gstar_arcgis
check "GiPValue two-sided" compare "$TMP/g.geojson" CRIME_QUEEN GiPValue gstar_p
check "NNeighbors excludes the feature itself" compare "$TMP/g.geojson" CRIME_QUEEN NNeighbors card
check "Gi_Bin from p and the sign of z" bins_ok "$TMP/g.geojson"
check "json bins add up" [ "$(jq '.results[0] | .hot_99 + .hot_95 + .hot_90 + .not_significant + .cold_90 + .cold_95 + .cold_99' "$OUT")" = 49 ]
check "json says Gi*" [ "$(jq -r '.statistic' "$OUT")" = "Gi*" ]
ok "row-standardised after the self weight" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --standardize row -o "$TMP/gw.geojson"
check "row standardisation leaves Gi* unchanged (spdep style W)" compare "$TMP/gw.geojson" CRIME_QUEEN GiZScore gstar_w
ok "inverse distance knn, self weight 1" "$SPILL" hotspot "$COL" --id POLYID --w "$A/columbus_knn4_idw.gwt" --var CRIME -o "$TMP/gk.geojson"
check "idw Gi* = ArcGIS formula with self 1" compare "$TMP/gk.geojson" CRIME_KNN_IDW GiZScore gstar_arcgis
ok "Gi without self" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --no-self -o "$TMP/gi.geojson"
check "Gi = spdep localG without self" compare "$TMP/gi.geojson" CRIME_QUEEN GiZScore gi_b
check "Gi p-values" compare "$TMP/gi.geojson" CRIME_QUEEN GiPValue gi_p

# --- FDR ------------------------------------------------------------------------
ok "FDR" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --fdr -o "$TMP/fdr.geojson"
check "FDR bins never exceed the raw bins" [ "$(paste <(props "$TMP/g.geojson" '.Gi_Bin') <(props "$TMP/fdr.geojson" '.Gi_Bin') |
    awk '{ a = $1 < 0 ? -$1 : $1; b = $2 < 0 ? -$2 : $2; if (b > a || ($2 != 0 && $1 * $2 < 0)) bad++ } END { print bad + 0 }')" = 0 ]
check "z and p unchanged by FDR" [ "$(props "$TMP/g.geojson" '.GiZScore' | md5sum)" = "$(props "$TMP/fdr.geojson" '.GiZScore' | md5sum)" ]

# --- permutations ----------------------------------------------------------------------
mkdir -p "$TMP/t1" "$TMP/t2"
ok "perm, 1 thread" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --perm 499 --threads 1 -o "$TMP/t1/p.geojson"
ok "perm, 2 threads" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --perm 499 --threads 2 -o "$TMP/t2/p.geojson"
check "identical across thread counts" cmp -s "$TMP/t1/p.geojson" "$TMP/t2/p.geojson"
ok "lookup perm, 1 thread" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --perm 499 --perm-method lookup --threads 1 -o "$TMP/t1/k.geojson"
ok "lookup perm, 2 threads" "$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --perm 499 --perm-method lookup --threads 2 -o "$TMP/t2/k.geojson"
check "lookup: identical across thread counts" cmp -s "$TMP/t1/k.geojson" "$TMP/t2/k.geojson"
check "lookup: other draws than exact" eval '! cmp -s "$TMP/t1/k.geojson" "$TMP/t1/p.geojson"'
check "pseudo p-values k/500" [ "$(props "$TMP/t1/p.geojson" '.GiPValue * 500 | select(. >= 0.999 and . <= 250.001 and (. - (. | round) | fabs) < 1e-6)' | wc -l)" = 49 ]
check "bins from pseudo p" bins_ok "$TMP/t1/p.geojson"

# --- China: --by year, --layout long -------------------------------------------------
ok "China by year" "$SPILL" hotspot "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --by year --var ai_index --w "$A/china_queen.gal" -o "$TMP/china.geojson" --json --layout long
check "136 features (34 x 4)" [ "$(jq '.features | length' "$TMP/china.geojson")" = 136 ]
check "Gi* per year = spdep" compare "$TMP/china.geojson" x GiZScore gstar_b localg_china.csv adcode year
check "Gi* per year = ArcGIS formula" compare "$TMP/china.geojson" x GiZScore gstar_arcgis localg_china.csv adcode year
check "json per year" [ "$(jq -c '[.results[] | .by]' "$OUT")" = '[2011,2015,2019,2022]' ]
ok "China, shapefile output" "$SPILL" hotspot "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --by year --var ai_index --w "$A/china_queen.gal" -o "$TMP/china.shp" --layout long
check "shapefile written" [ -s "$TMP/china.dbf" ]

# --- islands ------------------------------------------------------------------------------
ok "island" "$SPILL" hotspot "$COL" --id POLYID --w "$A/columbus_island.gal" --var CRIME -o "$TMP/i.geojson"
check "island warned" grep -q "without neighbours.*(5)" "$ERR"
check "island: NULL z and p, bin 0" [ "$(props "$TMP/i.geojson" 'select(.POLYID == 5) | [.GiZScore, .GiPValue, .Gi_Bin, .NNeighbors] | tostring')" = '[null,null,0,0]' ]

# --- bad input -------------------------------------------------------------------------------
fails 1 "exclude each other" "--self-weight with --no-self" "$SPILL" hotspot "$COL" $W --var CRIME --no-self --self-weight 2 -o "$TMP/x.gpkg"
fails 1 "--self-weight must be >= 0" "negative self weight" "$SPILL" hotspot "$COL" $W --var CRIME --self-weight -1 -o "$TMP/x.gpkg"
fails 1 "unknown option" "unknown option" "$SPILL" hotspot "$COL" $W --var CRIME --alpha 0.1 -o "$TMP/x.gpkg"
fails 2 "no field 'NOPE'" "unknown variable" "$SPILL" hotspot "$COL" --id POLYID $W --var NOPE -o "$TMP/x.gpkg"
check "no partial output" [ ! -e "$TMP/x.gpkg" ]

# the summary table through the shared writer
ok "--csv summary" "$SPILL" hotspot "$COL" --id POLYID --w "$A/columbus_queen.gal" --var CRIME -o "$TMP/csv.gpkg" --csv
check "--csv: header with the bins, one row of 9" [ "$(head -1 "$OUT")" = "by,n,hot99,hot95,hot90,ns,cold90,cold95,cold99" ] && [ "$(sed -n 2p "$OUT" | awk -F, '{print NF}')" = 9 ]
# a row-standardised .gwt (spill weights' default) with a self weight of 1: the
# warning comes also when W is restricted to the units with data (the 31
# provinces of the index among W's 34 units)
ok "row-standardised provinces .gwt" "$SPILL" weights "$SHP/china_provinces.shp" --id adcode \
    --link 460000:440000 -o "$TMP/ql_row.gwt"
ok "Gi* with it on the index (31 of 34 units)" "$SPILL" hotspot "$SHP/china_provinces.shp" --id adcode \
    --data "$SHP/ai_index_province.csv" --by year --var ai_index --w "$TMP/ql_row.gwt" \
    -o "$TMP/hs_row.gpkg"
check "the row-standardised warning, W restricted" grep -q "ql_row.gwt is row-standardised" "$ERR"
finish t_hotspot.sh
