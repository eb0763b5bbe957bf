#!/bin/bash
# CLI tests for the rule on W and the data's units (docs/data.md "W and the
# data's units"): every command restricts W to the units with data,
# standardises it again and names the units left out in a warning; --strict
# refuses.  The fit with the 34-unit province W on the 31-province panel must
# equal the fit with that W cut to the 31 units by hand.
source "$(dirname "$0")/lib.sh"
P=$FIX/panel
W34=$FIX/weights/china_provinces_queen.gal
DATA=$P/provinces_panel.csv
# the GAL cut to the panel's units by awk: drop the other units and their mentions
cut -d, -f1 "$DATA" | tail -n +2 | sort -u > "$TMP/units"
awk 'NR == FNR { keep[$1] = 1; next }
     FNR == 1 { next }
     (FNR % 2) == 0 { id = $1; next }
     keep[id] { n = 0; line = ""; for (i = 1; i <= NF; i++) if (keep[$i]) { line = line (n ? " " : "") $i; n++ }
                out[++m] = id " " n; out[++m] = line }
     END { print 0, m / 2, "china_provinces", "adcode"; for (i = 1; i <= m; i++) print out[i] }' \
    "$TMP/units" "$W34" > "$TMP/w31.gal"
check "the hand-cut W has 31 units" [ "$(head -1 "$TMP/w31.gal")" = "0 31 china_provinces adcode" ]

ok "fit with the 34-unit W on 31 provinces" "$SPILL" fit "$DATA" --panel adcode,year --w "$W34" --y y --x x1,x2 --json
cp "$OUT" "$TMP/fit34.json"
check "fit: warning names the 3 units left out" grep -q "3 units of .*china_provinces_queen.gal have no data and are left out (W is restricted to the units with data and row-standardised again; --strict refuses): 710000, 810000, 820000" "$ERR"
ok "fit with the hand-cut W" "$SPILL" fit "$DATA" --panel adcode,year --w "$TMP/w31.gal" --y y --x x1,x2 --json
check "fit: same rho as on the hand-cut W" [ "$(jq .rho.est "$TMP/fit34.json")" = "$(jq .rho.est "$OUT")" ]
check "fit: same log-likelihood as on the hand-cut W" [ "$(jq .loglik "$TMP/fit34.json")" = "$(jq .loglik "$OUT")" ]
check "fit: 3 units of W without data in the JSON" [ "$(jq .weights_units_without_data "$TMP/fit34.json")" = 3 ]
fails 2 "3 units of the weights have no rows: 710000, 810000, 820000 \(--strict" "fit --strict refuses" \
    "$SPILL" fit "$DATA" --panel adcode,year --w "$W34" --y y --x x1,x2 --strict
awk -F, 'NR == 1 || $3 == 2015' "$DATA" > "$TMP/y2015.csv"
ok "fit cross-section with the 34-unit W" "$SPILL" fit "$TMP/y2015.csv" --id adcode --w "$W34" --y y --x x1,x2 --model sar --json
cp "$OUT" "$TMP/cs34.json"
ok "fit cross-section with the hand-cut W" "$SPILL" fit "$TMP/y2015.csv" --id adcode --w "$TMP/w31.gal" --y y --x x1,x2 --model sar --json
check "fit cross-section: same rho" [ "$(jq .rho.est "$TMP/cs34.json")" = "$(jq .rho.est "$OUT")" ]

ok "moran with the 34-unit W" "$SPILL" moran "$SHP/ai_index_province.csv" --by year --w "$W34" --var ai_index --json
cp "$OUT" "$TMP/m34.json"
check "moran: warning names the units left out" grep -q "3 units of .* have no data and are left out (W is restricted to the units with data; --strict refuses): 710000, 810000, 820000" "$ERR"
ok "moran with the hand-cut W" "$SPILL" moran "$SHP/ai_index_province.csv" --by year --w "$TMP/w31.gal" --var ai_index --json
check "moran: same I as on the hand-cut W" [ "$(jq -c '[.results[].I]' "$TMP/m34.json")" = "$(jq -c '[.results[].I]' "$OUT")" ]
fails 2 "3 units of .* have no data: 710000, 810000, 820000 \(--strict" "moran --strict refuses" \
    "$SPILL" moran "$SHP/ai_index_province.csv" --by year --w "$W34" --var ai_index --strict
fails 2 "have no data: .*\(--strict" "lisa --strict refuses" \
    "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --by year --w "$W34" --var ai_index --strict -o "$TMP/l.gpkg"
check "lisa --strict: no partial output" [ ! -e "$TMP/l.gpkg" ]
fails 2 "have no data: .*\(--strict" "hotspot --strict refuses" \
    "$SPILL" hotspot "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --by year --w "$W34" --var ai_index --strict -o "$TMP/h.gpkg"

# weights: the table options are rejected where they would be ignored
fails 1 "--(data|drop-missing) is for --type econ and nested" "weights queen --drop-missing rejected" \
    "$SPILL" weights "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --var ai_index --drop-missing -o "$TMP/q.gal"
fails 1 "--data is for --type econ and nested" "weights knn --data rejected" \
    "$SPILL" weights "$SHP/china_provinces.shp" --id adcode --type knn --k 4 --data "$SHP/ai_index_province.csv" -o "$TMP/q.gal"
check "weights: no output after the usage error" [ ! -e "$TMP/q.gal" ]

finish t_wunits.sh
