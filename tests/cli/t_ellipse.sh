#!/bin/bash
# CLI tests for `spill ellipse`: the AI index per year on the provinces, outputs,
# conventions, and bad input.
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
B=$FIX/bad
ok "per year" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year \
    -o "$TMP/e.gpkg" --centers "$TMP/c.geojson" --table "$TMP/m.csv" --json
check "four periods" [ "$(jq '.results | length' "$OUT")" = 4 ]
check "contract keys" [ "$(jq -r '.results[0] | [has("by","center_x","center_y","center_lon","center_lat","sx","sy","rotation","area","perimeter","flattening")] | all' "$OUT")" = true ]
check "three migrations" [ "$(jq '.migration | length' "$OUT")" = 3 ]
check "an Albers projection for China" grep -q "+proj=aea" <(jq -r .crs "$OUT")
check "centre in China" [ "$(jq '.results[0] | (.center_lon > 100 and .center_lon < 125 and .center_lat > 25 and .center_lat < 40)' "$OUT")" = true ]
check "rotation in [0, 180)" [ "$(jq '[.results[].rotation | (. >= 0 and . < 180)] | all' "$OUT")" = true ]
check "area = pi sx sy" [ "$(jq '.results[0] | ((.area - 3.141592653589793 * .sx * .sy) | fabs) < 1e-6 * .area' "$OUT")" = true ]
check "left-out units named" grep -q "3 of 34 units" "$ERR"
check "ellipse layer written" [ -s "$TMP/e.gpkg" ]
check "centres written" [ "$(jq '.features | length' "$TMP/c.geojson")" = 4 ]
check "migration table: header and 4 rows" [ "$(wc -l <"$TMP/m.csv")" = 5 ]
ok "2 SD crimestat, capital points" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year \
    --sd 2 --convention crimestat --points cap_lon,cap_lat -o "$TMP/e2.shp" --json
check "shapefile written" [ -s "$TMP/e2.shp" ] && [ -s "$TMP/e2.prj" ]
ok "1 SD arcgis again" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year \
    --points cap_lon,cap_lat -o "$TMP/e1.geojson" --json
cp "$OUT" "$TMP/one.json"
"$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year --sd 2 \
    --points cap_lon,cap_lat -o "$TMP/e3.geojson" --json >"$TMP/two.json" 2>/dev/null
check "2 SD doubles the axes" [ "$(jq -n --slurpfile a "$TMP/one.json" --slurpfile b "$TMP/two.json" '(($b[0].results[0].sy / $a[0].results[0].sy) - 2 | fabs) < 1e-12')" = true ]
ok "a projected CRS given" "$SPILL" ellipse "$P" --id adcode --weight cap_lat --crs EPSG:32649 -o "$TMP/e4.fgb" --json
check "one result without --by" [ "$(jq '.results | length' "$OUT")" = 1 ]
# --- bad input
printf 'adcode,year,ai_index\n110000,2011,1\n120000,2011,-2\n130000,2011,3\n' >"$TMP/neg.csv"
fails 2 "negative weight" "negative weight" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$TMP/neg.csv" --by year -o "$TMP/x.gpkg"
printf 'adcode,year,ai_index\n110000,2011,0\n120000,2011,0\n130000,2011,0\n' >"$TMP/zero.csv"
fails 2 "all weights are zero" "zero weights" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$TMP/zero.csv" --by year -o "$TMP/x.gpkg"
printf 'adcode,year,ai_index\n110000,2011,1\n120000,2011,2\n' >"$TMP/two.csv"
fails 2 "at least 3" "fewer than 3 units" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$TMP/two.csv" --by year -o "$TMP/x.gpkg"
printf 'adcode,year,ai_index\n110000,2011,1\n999999,2011,2\n130000,2011,3\n' >"$TMP/unknown.csv"
fails 2 "unit '999999' is not in" "unit not in the layer" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$TMP/unknown.csv" --by year -o "$TMP/x.gpkg"
printf 'adcode,year,ai_index\n110000,2011,1\n120000,,2\n130000,2011,3\n' >"$TMP/noperiod.csv"
fails 2 "period|year" "missing period" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$TMP/noperiod.csv" --by year -o "$TMP/x.gpkg"
fails 2 "no field 'nope'" "unknown weight field" "$SPILL" ellipse "$P" --id adcode --weight nope -o "$TMP/x.gpkg"
fails 1 "--sd must be 1, 2 or 3" "bad --sd" "$SPILL" ellipse "$P" --weight cap_lat --sd 4 -o "$TMP/x.gpkg"
# --- tables through the shared writer (io/sp_grid.h) -------------------------
E=("$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year -o "$TMP/t.gpkg")
ok "text table" "${E[@]}"
check "text: title, header, 4 years" [ "$(wc -l <"$OUT")" -eq 6 ]
check "text: the first year has no move" grep -qE '^2011 .*0\.[0-9]{3} {19}$' "$OUT"
ok "--csv on stdout" "${E[@]}" --csv
check "--csv: 12 columns in every line" [ "$(awk -F, '{print NF}' "$OUT" | sort -u)" = 12 ]
check "--csv: header" [ "$(head -1 "$OUT")" = "by,n,lon,lat,sx_km,sy_km,rotation,area_km2,perim_km,flat,moved_km,towards" ]
ok "--latex on stdout" "${E[@]}" --latex
check "--latex has the booktabs rules" [ "$(grep -cE '^\\(toprule|midrule|bottomrule)$' "$OUT")" -eq 3 ]
ok "--markdown on stdout" "${E[@]}" --markdown
check "--markdown: 4 rows" [ "$(grep -cE '^\| 20[0-9]{2} ' "$OUT")" -eq 4 ]
ok "migration table as LaTeX" "${E[@]}" --table "$TMP/m.tex"
check "migration .tex: booktabs, 4 rows" [ "$(grep -cE '^(\\toprule|\\bottomrule|20[0-9]{2} &)' "$TMP/m.tex")" -eq 6 ]
ok "migration table as Markdown" "${E[@]}" --table "$TMP/m.md"
check "migration .md: 14 columns" [ "$(sed -n 3p "$TMP/m.md" | awk -F'|' '{print NF - 2}')" -eq 14 ]
ok "migration table, no extension: CSV" "${E[@]}" --table "$TMP/mig"
check "migration, no extension: the same CSV" cmp -s "$TMP/mig" "$TMP/m.csv"
fails 1 "choose one output format" "two formats" "${E[@]}" --json --csv
fails 1 "--convention" "bad convention" "$SPILL" ellipse "$P" --weight cap_lat --convention yuill -o "$TMP/x.gpkg"
fails 1 "--by needs --data" "--by without data" "$SPILL" ellipse "$P" --weight cap_lat --by year -o "$TMP/x.gpkg"
fails 1 "required" "no output" "$SPILL" ellipse "$P" --weight cap_lat
check "no partial output" [ -z "$(ls "$TMP" | grep -E '^x\.|spill-tmp')" ]
finish t_ellipse.sh
