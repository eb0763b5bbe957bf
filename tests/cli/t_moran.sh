#!/bin/bash
# CLI tests for `spill moran`: R spdep values (tests/fixtures/autocorr, made by
# scripts/ref-autocorr.R) on columbus and on the China AI panel read from the
# real CSV, permutations, islands and bad input.
source "$(dirname "$0")/lib.sh"
A=$FIX/autocorr
COL=$FIX/data/columbus.shp

# ref FILE LABEL COLUMN: a value of an R fixture table
ref() {
    awk -F, -v l="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
                                 $1 == l { print $k; exit }' "$A/$1"
}
# same_as JSON_RESULT FILE LABEL: every key of one result equals spdep's
same_as() {
    local res=$1 file=$2 label=$3 bad=0
    for k in I EI var_norm z_norm p_norm var_rand z_rand p_rand; do
        near "$(jq -r ".$k" <<<"$res")" "$(ref "$file" "$label" "$k")" || { bad=1; echo "  $label $k: $(jq -r ".$k" <<<"$res") vs $(ref "$file" "$label" "$k")" >&2; }
    done
    for k in C var_norm z_norm p_norm var_rand z_rand p_rand; do
        local c=$k
        [ "$k" = C ] || c=c_$k
        near "$(jq -r ".geary.$k" <<<"$res")" "$(ref "$file" "$label" "$c")" || { bad=1; echo "  $label geary $k" >&2; }
    done
    return $bad
}

# --- columbus: spdep moran.test / geary.test, two-sided ----------------------
ok "columbus CRIME" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_queen.gal" --var CRIME --json
check "CRIME equals spdep" same_as "$(jq -c '.results[0]' "$OUT")" global_columbus.csv CRIME_W
check "one result, by null, p_perm null" [ "$(jq -c '[(.results|length), .results[0].by, .results[0].p_perm]' "$OUT")" = '[1,null,null]' ]
check "contract keys" [ "$(jq -r '.results[0] | [has("by","n","I","EI","var_norm","z_norm","p_norm","var_rand","z_rand","p_rand","p_perm")] | all' "$OUT")" = true ]
ok "columbus INC, DBF as a table" "$SPILL" moran "$FIX/data/columbus.dbf" --id POLYID --w "$A/columbus_queen.gal" --var INC --json
check "INC equals spdep" same_as "$(jq -c '.results[0]' "$OUT")" global_columbus.csv INC_W
ok "binary weights" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_queen.gal" --var CRIME --standardize binary --json
check "binary equals spdep style B" same_as "$(jq -c '.results[0]' "$OUT")" global_columbus.csv CRIME_B
ok "asymmetric knn idw" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_knn4_idw.gwt" --var CRIME --standardize none --json
check "knn idw equals spdep" same_as "$(jq -c '.results[0]' "$OUT")" global_columbus.csv CRIME_KNN_NONE
ok "readable table" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_queen.gal" --var CRIME
check "table shows I" grep -q "0.50019" "$OUT"

# --- islands: zero lag; --adjust-n as spdep's default ------------------------
ok "island, all n" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_island.gal" --var CRIME --json
check "island equals spdep adjust.n = FALSE" same_as "$(jq -c '.results[0]' "$OUT")" global_columbus.csv CRIME_ISLAND_W
check "island reported" [ "$(jq -c '.results[0].islands' "$OUT")" = '["5"]' ]
check "island warning names it" grep -q "without neighbours.*(5)" "$ERR"
ok "island, adjust-n" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_island.gal" --var CRIME --adjust-n --json
check "adjust-n equals spdep adjust.n = TRUE" same_as "$(jq -c '.results[0]' "$OUT")" global_columbus.csv CRIME_ISLAND_W_ADJ
check "n_used 48" [ "$(jq '.results[0].n_used' "$OUT")" = 48 ]

# --- China: one result per year from the long CSV ----------------------------
ok "China by year" "$SPILL" moran "$SHP/ai_index_province.csv" --id adcode --by year --w "$A/china_queen.gal" --var ai_index --json
check "four years in order" [ "$(jq -c '[.results[].by]' "$OUT")" = '[2011,2015,2019,2022]' ]
for y in 2011 2015 2019 2022; do
    check "China $y equals spdep" same_as "$(jq -c ".results[] | select(.by == $y)" "$OUT")" global_china.csv $y
done

# --- permutations --------------------------------------------------------------
ok "perm, 1 thread" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_queen.gal" --var CRIME --perm 999 --threads 1 --json
cp "$OUT" "$TMP/perm1.json"
ok "perm, 2 threads" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_queen.gal" --var CRIME --perm 999 --threads 2 --json
check "identical across thread counts" cmp -s "$OUT" "$TMP/perm1.json"
check "p_perm folded minimum 1/1000" [ "$(jq '.results[0].p_perm' "$OUT")" = 0.001 ]
ok "perm, other seed" "$SPILL" moran "$SHP/ai_index_province.csv" --id adcode --by year --w "$A/china_queen.gal" --var ai_index --perm 999 --seed 7 --json
check "p_perm in range for every year" [ "$(jq '[.results[].p_perm | select(. >= 0.001 and . <= 1)] | length' "$OUT")" = 4 ]

# --- table formats through the shared writer (io/sp_grid.h) ------------------
AI=(shapefiles/ai_index_province.csv --w "$ROOT/tests/fixtures/panel/provinces.gal" --id adcode --var ai_index --by year)
cd "$ROOT"
ok "text table" "$SPILL" moran "${AI[@]}"
cp "$OUT" "$TMP/text.txt"
check "text: a title, a header and 4 years" [ "$(wc -l <"$TMP/text.txt")" -eq 6 ]
ok "--latex" "$SPILL" moran "${AI[@]}" --latex
check "--latex has the booktabs rules" [ "$(grep -cE '^\\(toprule|midrule|bottomrule)$' "$OUT")" -eq 3 ]
check "--latex escapes the title" grep -q 'caption{Moran.s I and Geary.s C of ai\\_index' "$OUT"
check "--latex: 4 data rows of 13 cells" [ "$(grep -E '^20[0-9]{2} &' "$OUT" | awk -F' & ' '{print NF}' | sort -u)" = 13 ]
ok "--csv" "$SPILL" moran "${AI[@]}" --csv
check "--csv: a header and 4 rows" [ "$(wc -l <"$OUT")" -eq 5 ]
check "--csv: 13 columns in every line" [ "$(awk -F, '{print NF}' "$OUT" | sort -u)" = 13 ]
check "--csv: distinct keys for Geary's columns" [ "$(head -1 "$OUT")" = "year,n,I,EI,z_norm,p_norm,z_rand,p_rand,p_perm,C,C_z_rand,C_p_rand,C_p_perm" ]
check "--csv: I as in the text" [ "$(awk -F, '$1 == 2011 { print $3 }' "$OUT")" = "$(awk '$1 == 2011 { print $3 }' "$TMP/text.txt")" ]
ok "--markdown" "$SPILL" moran "${AI[@]}" --markdown
check "--markdown: the alignment row" grep -qx '|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|' "$OUT"
ok "-o FILE" "$SPILL" moran "${AI[@]}" --csv -o "$TMP/moran.csv"
check "-o: nothing on stdout" [ ! -s "$OUT" ]
check "-o: the file is the CSV" [ "$(sed -n 2p "$TMP/moran.csv" | cut -d, -f1,2)" = "2011,31" ]
check "-o: no temporary file left" [ "$(ls -A "$TMP" | grep -c '^\.')" -eq 0 ]
ok "-o FILE text" "$SPILL" moran "${AI[@]}" -o "$TMP/moran.txt"
check "-o text equals stdout text" cmp -s "$TMP/moran.txt" "$TMP/text.txt"
fails 2 "nosuch" "-o: a failed run" "$SPILL" moran "${AI[@]/ai_index/nosuch}" --csv -o "$TMP/failed.csv"
check "-o: a failed run leaves no file" [ ! -e "$TMP/failed.csv" ]
fails 1 "--csv and --latex: choose one" "two formats" "$SPILL" moran "${AI[@]}" --csv --latex
fails 1 "--json prints on standard output" "--json with -o" "$SPILL" moran "${AI[@]}" --json -o "$TMP/x.json"
cd - >/dev/null

# --- bad input -----------------------------------------------------------------
fails 1 "--w and --var are required" "missing --w" "$SPILL" moran "$COL" --var CRIME
fails 1 "unknown standardisation" "bad --standardize" "$SPILL" moran "$COL" --w "$A/columbus_queen.gal" --var CRIME --standardize wide
tail -n +2 "$A/line4.gal" | sed '1i 4' > "$TMP/line4_plain.gal"
fails 2 "cannot tell which row is which unit of .*line4_plain.gal .*give --id FIELD" "--by without --id, W names no id field" "$SPILL" moran "$A/bad_constant.csv" --by year --w "$TMP/line4_plain.gal" --var v
printf 'year,id,v\n1,a,1\n1,b,3\n1,c,2\n1,d,5\n2,d,1\n2,c,2\n2,b,4\n2,a,3\n' > "$TMP/line4_panel.csv"
ok "--by without --id: the id field of W's header" "$SPILL" moran "$TMP/line4_panel.csv" --by year --w "$A/line4.gal" --var v --json
check "--by without --id: id_match from the header" [ "$(jq -c .id_match "$OUT")" = '{"field":"id","rule":"weights_header"}' ]
fails 2 "no field 'NOPE'" "unknown variable" "$SPILL" moran "$COL" --id POLYID --w "$A/columbus_queen.gal" --var NOPE
fails 2 "year 2001.*constant" "constant variable" "$SPILL" moran "$A/bad_constant.csv" --id id --by year --w "$A/line4.gal" --var v
fails 2 "row 2 \(unit b, year 2000\): v '' is missing" "missing value" "$SPILL" moran "$A/bad_missing.csv" --id id --by year --w "$A/line4.gal" --var v
fails 2 "unit b appears twice in year 2000 \(rows 2 and 5\)" "repeated unit" "$SPILL" moran "$A/bad_duplicate.csv" --id id --by year --w "$A/line4.gal" --var v
fails 2 "1 unit not in the weights: z" "unit absent from W" "$SPILL" moran "$A/bad_unknown.csv" --id id --by year --w "$A/line4.gal" --var v
fails 2 "2 units; spatial autocorrelation needs at least 3" "fewer than 3 units" "$SPILL" moran "$A/bad_two.csv" --id id --w "$A/line4.gal" --var v
check "units of W without data are named" grep -q "2 units of .*line4.gal have no data and are left out (W is restricted to the units with data; --strict refuses): c, d" "$ERR"
fails 2 "2 units of .*line4.gal have no data: c, d \(--strict" "--strict refuses units of W without data" "$SPILL" moran "$A/bad_two.csv" --id id --w "$A/line4.gal" --var v --strict
fails 2 "unit a has a self weight" "self weight" "$SPILL" moran "$A/line4.csv" --id id --w "$A/line4_self.gwt" --var v
fails 2 "none.gal" "missing weights file" "$SPILL" moran "$COL" --w "$TMP/none.gal" --var CRIME

# --id-order on rows that hold W's ids in another order: a warning naming the column
awk -F, 'NR == 1 || $3 == 2015' "$ROOT/shapefiles/ai_index_province.csv" >"$TMP/cs2015.csv"
ok "--id-order with W's ids in another column order" "$SPILL" moran "$TMP/cs2015.csv" \
    --w "$ROOT/tests/fixtures/panel/provinces.gal" --var ai_index --id-order
check "the warning names the column and --id" \
    grep -q "column 'adcode' of .*cs2015.csv holds its ids in another order (--id adcode" "$ERR"
finish t_moran.sh
