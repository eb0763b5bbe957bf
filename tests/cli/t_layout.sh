#!/bin/bash
# CLI tests for the output layouts of lisa and hotspot with --by
# (docs/autocorrelation.md "Output layers"): wide (the default: one feature
# per unit, fields per period), layers (a layer per period) and long; units
# without data are kept with NULL fields; each layout holds the same values.
source "$(dirname "$0")/lib.sh"
A=$FIX/autocorr
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
RUN="--id adcode --data $AI --by year --var ai_index --w $A/china_queen.gal"

# shellcheck disable=SC2086
ok "lisa wide (default)" "$SPILL" lisa "$P" $RUN --perm 0 -o "$TMP/wide.geojson"
check "wide: one feature per unit (34)" [ "$(jq '.features | length' "$TMP/wide.geojson")" = 34 ]
check "wide: fields per period" [ "$(props "$TMP/wide.geojson" 'keys_unsorted | map(select(test("_20"))) | join(" ")' | head -1)" = \
    "ai_index_2011 LMiIndex_2011 LMiZScore_2011 LMiPValue_2011 COType_2011 NNeighbors_2011 ai_index_2015 LMiIndex_2015 LMiZScore_2015 LMiPValue_2015 COType_2015 NNeighbors_2015 ai_index_2019 LMiIndex_2019 LMiZScore_2019 LMiPValue_2019 COType_2019 NNeighbors_2019 ai_index_2022 LMiIndex_2022 LMiZScore_2022 LMiPValue_2022 COType_2022 NNeighbors_2022" ]
check "wide: no period field" [ "$(props "$TMP/wide.geojson" 'has("year")' | sort -u)" = false ]
check "wide: Taiwan kept with NULL fields" [ "$(props "$TMP/wide.geojson" 'select(.adcode == 710000) | [.ai_index_2011, .LMiIndex_2022, .NNeighbors_2015] | tostring')" = '[null,null,null]' ]
# shellcheck disable=SC2086
ok "lisa long" "$SPILL" lisa "$P" $RUN --perm 0 -o "$TMP/long.geojson" --layout long
same_values() { # the wide fields equal the long rows, unit by unit and year by year
    diff <(props "$TMP/wide.geojson" '. as $p | (2011, 2015, 2019, 2022) as $y | [$p.adcode, $y, $p["LMiIndex_\($y)"], $p["LMiPValue_\($y)"], $p["COType_\($y)"], $p["NNeighbors_\($y)"]] | tostring' | sort) \
         <(props "$TMP/long.geojson" '[.adcode, .year, .LMiIndex, .LMiPValue, .COType, .NNeighbors] | tostring' | sort) >/dev/null
}
check "wide and long hold the same values" same_values
# shellcheck disable=SC2086
ok "lisa layers" "$SPILL" lisa "$P" $RUN --perm 0 -o "$TMP/lisa.gpkg" --layout layers
"$SPILL" weights "$TMP/lisa.gpkg" --layer nope -o "$TMP/w.gal" 2>"$TMP/layers" >/dev/null
check "layers: one per period, named OUT_YEAR" grep -q "(layers: lisa_2011, lisa_2015, lisa_2019, lisa_2022;" "$TMP/layers"
ok "layers: a layer holds every unit" "$SPILL" weights "$TMP/lisa.gpkg" --layer lisa_2019 --id adcode -o "$TMP/w.gal" --json
check "layers: 34 features in lisa_2019" [ "$(jq .n "$OUT")" = 34 ]
# shellcheck disable=SC2086
ok "hotspot wide into a GeoPackage" "$SPILL" hotspot "$P" $RUN -o "$TMP/hot.gpkg"
ok "hotspot wide: one layer of 34 features" "$SPILL" weights "$TMP/hot.gpkg" --id adcode -o "$TMP/w.gal" --json
check "hotspot wide: 34 features" [ "$(jq .n "$OUT")" = 34 ]
# shellcheck disable=SC2086
ok "hotspot wide geojson" "$SPILL" hotspot "$P" $RUN -o "$TMP/hot.geojson"
check "hotspot wide: Gi_Bin per year, NULL without data" [ "$(props "$TMP/hot.geojson" 'select(.adcode == 820000) | [.Gi_Bin_2011, .GiZScore_2022] | tostring')" = '[null,null]' ]

# without --by: one layer of every feature, those without data NULL
printf 'adcode,v\n110000,1\n120000,2\n130000,4\n140000,3\n' > "$TMP/four.csv"
ok "--data without --by" "$SPILL" lisa "$P" --id adcode --data "$TMP/four.csv" --var v --w "$A/china_queen.gal" --perm 0 -o "$TMP/four.geojson"
check "--data without --by: all 34 features" [ "$(jq '.features | length' "$TMP/four.geojson")" = 34 ]
check "--data without --by: no data, NULL" [ "$(props "$TMP/four.geojson" 'select(.adcode == 500000) | [.v, .LMiIndex] | tostring')" = '[null,null]' ]

# bad layouts: usage errors, no output
# shellcheck disable=SC2086
fails 1 "--layout wide \(the --by default\): field names such as NNeighbors_2011 exceed a Shapefile's 10 characters" \
    "wide into a Shapefile refused" "$SPILL" lisa "$P" $RUN -o "$TMP/x.shp"
check "no shapefile left" [ ! -e "$TMP/x.shp" ]
# shellcheck disable=SC2086
fails 1 "--layout layers: .*x.geojson holds one layer; write .gpkg" "layers into GeoJSON refused" \
    "$SPILL" lisa "$P" $RUN -o "$TMP/x.geojson" --layout layers
fails 1 "--layout arranges the periods of --by" "--layout without --by" \
    "$SPILL" lisa "$FIX/data/columbus.shp" --id POLYID --w "$A/columbus_queen.gal" --var CRIME -o "$TMP/x.gpkg" --layout wide
# shellcheck disable=SC2086
fails 1 "--layout: unknown value 'wid' \(did you mean wide\?" "misspelled layout" "$SPILL" lisa "$P" $RUN -o "$TMP/x.gpkg" --layout wid
finish t_layout.sh
