#!/bin/bash
# CLI tests for `spill winfo`: the JSON summary on fixture files of every format
# (checked against libpysal's counts and R spdep's reference sets), the text
# layout, and bad input.
source "$(dirname "$0")/lib.sh"
W=$FIX/wio
j() { jq -r "$1" "$OUT"; }

ok "swm 10.1 fixed weights" "$SPILL" winfo "$W/us48_CONTIGUITY_EDGES_ONLY.swm" --json
check "us48: n nnz" [ "$(j '"\(.n) \(.nnz)"')" = "48 210" ]
check "us48: neighbours 1..8" [ "$(j '"\(.min_neighbors) \(.max_neighbors)"')" = "1 8" ]
check "us48: format SWM" [ "$(j .format)" = SWM ]
check "us48: symmetric, binary" [ "$(j '"\(.symmetric) \(.row_standardized)"')" = "true false" ]
ok "swm 10.1 inverse distance" "$SPILL" winfo "$W/us48_INVERSE_DISTANCE.swm" --json
check "inverse distance: 4 components (libpysal agrees)" [ "$(j .components)" = 4 ]
ok "swm before 10.1" "$SPILL" winfo "$W/ohio.swm" --json
check "ohio: 88 units, mean 5.25" [ "$(j '"\(.n) \(.mean_neighbors)"')" = "88 5.25" ]
ok "virginia swm" "$SPILL" winfo "$W/virginia_queen.swm" --json
check "virginia: 2 components, no islands" [ "$(j '"\(.components) \(.islands | length)"')" = "2 0" ]
ok "gal" "$SPILL" winfo "$W/columbus.gal" --json
check "columbus gal: 49 236" [ "$(j '"\(.n) \(.nnz)"')" = "49 236" ]
ok "gwt" "$SPILL" winfo "$W/baltim_k4.gwt" --json
check "baltim knn4: 4 each, asymmetric" [ "$(j '"\(.min_neighbors) \(.max_neighbors) \(.symmetric)"')" = "4 4 false" ]
ok "mtx" "$SPILL" winfo "$W/wmat.mtx" --json
check "wmat.mtx: 49 232, asymmetric (4-digit weights)" [ "$(j '"\(.n) \(.nnz) \(.symmetric)"')" = "49 232 false" ]
check "--json prints one object only" [ "$(jq -s length "$OUT")" = 1 ]
ok "island listed by id" "$SPILL" winfo "$FIX/autocorr/columbus_island.gal" --json
check "island 5" [ "$(j '.islands | join(",")')" = 5 ]

# R spdep reference sets (scripts/ref-weights.R): counts as spdep reports them.
R=$FIX/weights
if [ -f "$R/summary.csv" ]; then
    while IFS=, read -r file n links islands components rest; do
        [ "$file" = file ] && continue
        ok "R $file" "$SPILL" winfo "$R/$file" --json
        check "R $file: n links islands" [ "$(j '"\(.n) \(.nnz) \(.islands | length)"')" = "$n $links $islands" ]
        # spdep counts components of the symmetrised graph, as spill does.
        check "R $file: components" [ "$(j .components)" = "$components" ]
    done <"$R/summary.csv"
fi

# Written by spill weights, then read back: row standardised.
ok "write gwt" "$SPILL" weights "$SHP/china_provinces.shp" --id adcode -o "$TMP/q.gwt"
ok "read gwt" "$SPILL" winfo "$TMP/q.gwt" --json
check "queen gwt row standardised, its 2 unlined islands counted in n (34, as the header) and unnamed_islands" \
    [ "$(j '"\(.row_standardized) \(.n) \(.unnamed_islands)"')" = "true 34 2" ]

ok "text layout" "$SPILL" winfo "$FIX/autocorr/columbus_island.gal"
check "text names the island" grep -qE "islands +1: 5" "$OUT"
check "text gives components" grep -qE "components +2" "$OUT"
check "text: nothing on stderr" [ ! -s "$ERR" ]

# --- bad input ----------------------------------------------------------------
fails 2 "none.gal: cannot open" "missing file" "$SPILL" winfo "$TMP/none.gal"
printf '2\na 2\nb\nb 1\na\n' >"$TMP/short.gal"
fails 2 "short.gal: line 3: unit 'a' has 2 neighbours but the line lists 1" "malformed gal" \
    "$SPILL" winfo "$TMP/short.gal"
printf '0 2 x id\na b nan\nb a 1\n' >"$TMP/nan.gwt"
fails 2 "nan.gwt: line 2: weight 'nan' of link a -> b is not a finite number" "NaN weight" \
    "$SPILL" winfo "$TMP/nan.gwt" --json
check "no JSON after an error" [ ! -s "$OUT" ]
printf 'id,a,b\na,0,1\n' >"$TMP/short.csv"
fails 2 "short.csv: line 2: file ends after 1 of 2 rows" "truncated csv" "$SPILL" winfo "$TMP/short.csv"
head -c 3000 "$W/ohio.swm" >"$TMP/cut.swm"
fails 2 "cut.swm: record [0-9]+ of 88.*file ends" "truncated swm" "$SPILL" winfo "$TMP/cut.swm"
printf '%%%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 1\n' >"$TMP/bad.mtx"
fails 2 "bad.mtx: line 3: row or column '1 3' is not in 1..2" "mtx index" "$SPILL" winfo "$TMP/bad.mtx"
: >"$TMP/empty.gwt"
fails 2 "empty.gwt: empty file" "empty file" "$SPILL" winfo "$TMP/empty.gwt"
fails 1 "unknown weights format" "unknown extension" "$SPILL" winfo "$TMP/w.doc"
fails 1 "expected one weights file" "no argument" "$SPILL" winfo
fails 1 "unknown option" "unknown option" "$SPILL" winfo "$W/columbus.gal" --bogus
# --- the summary through the shared writer (io/sp_grid.h) --------------------
ok "text summary" "$SPILL" winfo "$W/columbus.gal"
cp "$OUT" "$TMP/winfo.txt"
check "text: the file, then 8 indented lines" [ "$(grep -c '^  [a-z]' "$TMP/winfo.txt")" -eq 8 ]
check "text: no trailing blanks" [ "$(grep -c ' $' "$TMP/winfo.txt")" -eq 0 ]
ok "--csv" "$SPILL" winfo "$W/columbus.gal" --csv
check "--csv: header and 8 rows of 2 fields" [ "$(sed 's/"[^"]*"/q/g' "$OUT" | awk -F, '{print NF}' | sort -u)" = 2 ] && [ "$(wc -l <"$OUT")" -eq 9 ]
check "--csv: units as in the text" [ "$(grep '^units,' "$OUT" | cut -d, -f2)" = "$(awk '$1 == "units" { print $2 }' "$TMP/winfo.txt")" ]
check "--csv: a value with a comma is quoted" grep -q '^neighbours,"min ' "$OUT"
ok "--latex" "$SPILL" winfo "$W/columbus.gal" --latex
check "--latex has the booktabs rules" [ "$(grep -cE '^\\(toprule|midrule|bottomrule)$' "$OUT")" -eq 3 ]
ok "--markdown -o FILE" "$SPILL" winfo "$W/columbus.gal" --markdown -o "$TMP/winfo.md"
check "-o: nothing on stdout, the table in the file" [ ! -s "$OUT" ] && grep -qx '|:---|:---|' "$TMP/winfo.md"
fails 1 "choose one output format" "two formats" "$SPILL" winfo "$W/columbus.gal" --csv --json
fails 2 "none.gal" "-o with a missing W" "$SPILL" winfo "$TMP/none.gal" --csv -o "$TMP/none.csv"
check "no file after a failed run" [ ! -e "$TMP/none.csv" ]
ok "help" "$SPILL" winfo --help
check "help names the formats" grep -q ".swm" "$OUT"
finish t_winfo.sh
