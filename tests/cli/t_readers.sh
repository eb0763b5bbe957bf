#!/bin/bash
# CLI tests for the readers of every command: Stata/SPSS files, Excel sheets
# (sheet names on a miss, --skip-rows, --wide), GBK CSV and shapefiles without
# .cpg, --encoding, shapefile field names, dense and Stata spmatrix weights,
# `spill weights IN -o OUT`, and the GWT round trip with libpysal (skipped
# with a message when Debian's python3-libpysal is not installed; the
# committed libpysal-written fixtures are read either way).
source "$(dirname "$0")/lib.sh"
R=$FIX/readers
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv

ok "province W" "$SPILL" weights "$P" --id adcode --link 460000:440000 -o "$TMP/w.gal"
moran_i() { "$SPILL" moran "$@" --w "$TMP/w.gal" --by year --json | jq -c '[.results[].I]'; }
WANT=$(moran_i "$AI" --id adcode --var ai_index)
check "reference Moran's I" [ -n "$WANT" ]

# --- the files economists keep: the same I as the bundled CSV ----------------
check "Stata .dta" [ "$(moran_i "$R/ai_index.dta" --id adcode --var ai_index)" = "$WANT" ]
check "SPSS .sav" [ "$(moran_i "$R/ai_index.sav" --id adcode --var ai_index)" = "$WANT" ]
check "xlsx wide sheet with title rows" [ "$(moran_i "$R/ai_wide.xlsx" --sheet 指数 --skip-rows 2 \
    --wide ai --id adcode --var ai)" = "$WANT" ]
check "xlsx years as column names" [ "$(moran_i "$R/ai_wide.xlsx" --sheet years --wide 'ai:{year}' \
    --id adcode --var ai)" = "$WANT" ]
# row 1 is the header in the layouts other tools write (scripts/make-xlsx-fixtures.sh)
for f in ai_pandas.xlsx ai_ogr.xlsx ai_ogr.ods; do
    check "$f (text header over numbers)" [ "$(moran_i "$R/$f" --id adcode --var ai_index)" = "$WANT" ]
done
check "years as text header cells" [ "$(moran_i "$R/ai_years_text.xlsx" --wide 'ai:{year}' \
    --id adcode --var ai)" = "$WANT" ]
check "OGR_XLSX_HEADERS=FORCE in the environment changes nothing" [ "$(OGR_XLSX_HEADERS=FORCE \
    moran_i "$R/ai_wide.xlsx" --sheet years --wide 'ai:{year}' --id adcode --var ai)" = "$WANT" ]
"$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region >"$TMP/g_csv.txt" 2>/dev/null
ok "gini of the pandas workbook" "$SPILL" gini "$R/ai_pandas.xlsx" --var ai_index --id adcode --by year --group region
check "gini: the CSV's tables" cmp -s "$OUT" "$TMP/g_csv.txt"
# spill's own workbooks read back: gini -o .xlsx (the shared table writer)
ok "gini -o .xlsx" "$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region -o "$TMP/g.xlsx"
"$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region -o "$TMP/g.csv" >/dev/null 2>&1
ok "spill's workbook read back" "$SPILL" kde "$TMP/g.xlsx" --var gini --bw 0.1 --grid 3 --json
"$SPILL" kde "$TMP/g.csv" --var gini --bw 0.1 --grid 3 --json >"$TMP/gk.json" 2>/dev/null
check "read back: the CSV's values (16 digits)" [ "$(jq -n --slurpfile a "$OUT" --slurpfile b "$TMP/gk.json" \
    '[$a[0].results[0].density, $b[0].results[0].density] | transpose |
    map((.[0] - .[1] | fabs) <= 1e-12 * .[1]) | all')" = true ]
fails 2 "sheets: 说明, 指数, years; choose with --sheet" "xlsx: first sheet without data names the sheets" \
    "$SPILL" moran "$R/ai_wide.xlsx" --w "$TMP/w.gal" --id adcode --var ai --by year
fails 2 "no field 'year'.*on sheet 'years'.*--sheet" "xlsx: missing field names the sheets" \
    "$SPILL" moran "$R/ai_wide.xlsx" --sheet years --w "$TMP/w.gal" --id adcode --var ai --by year
fails 2 "Stata .dta, SPSS .sav" "unknown format names the supported ones" \
    "$SPILL" moran "$R/README.md" --w "$TMP/w.gal" --id adcode --var ai
fails 1 "the pattern needs one \{TIME\}" "--wide without a placeholder" \
    "$SPILL" moran "$AI" --wide 'ai:ai' --w "$TMP/w.gal" --var ai

# --- Chinese encodings -------------------------------------------------------
check "GBK CSV with Chinese headers: the same I" [ "$("$SPILL" moran "$R/ai_index_gbk.csv" --w "$TMP/w.gal" \
    --id 代码 --var 人工智能指数 --by 年份 --json 2>/dev/null | jq -c '[.results[].I]')" = "$WANT" ]
ok "GBK CSV read" "$SPILL" moran "$R/ai_index_gbk.csv" --w "$TMP/w.gal" --id 代码 --var 人工智能指数 --by 年份
check "GBK CSV: warning names GB18030 and --encoding" grep -q "not UTF-8; read as GB18030.*--encoding" "$ERR"
check "GBK CSV: the periods" grep -q "^2022 " "$OUT"
ok "GBK CSV with --encoding GBK: no warning" "$SPILL" moran "$R/ai_index_gbk.csv" --encoding GBK \
    --w "$TMP/w.gal" --id 代码 --var 人工智能指数 --by 年份
check "--encoding: no guess warning" bash -c "! grep -q 'read as GB18030' '$ERR'"
fails 2 "neither UTF-8 nor GB18030.*--encoding" "Latin-1 bytes that are not GB18030" \
    "$SPILL" moran "$R/latin1.csv" --w "$TMP/w.gal" --var x
fails 1 "unknown encoding 'KLINGON'" "unknown --encoding" "$SPILL" moran "$AI" --encoding KLINGON \
    --w "$TMP/w.gal" --var ai_index
for e in shp shx prj; do cp "$SHP/china_provinces.$e" "$TMP/provinces_gbk.$e"; done
cp "$R/provinces_gbk.dbf" "$TMP/provinces_gbk.dbf" # the committed GBK DBF, no .cpg
ok "GBK shapefile without .cpg" "$SPILL" weights "$TMP/provinces_gbk.shp" --id name_zh -o "$TMP/zh.gal"
check "GBK shapefile: warning" grep -q "provinces_gbk.dbf: not UTF-8; read as GB18030" "$ERR"
check "GBK shapefile: Chinese ids in the GAL" grep -q "^北京 " "$TMP/zh.gal"
"$SPILL" weights "$P" --id name_zh -o "$TMP/zh_ref.gal" 2>/dev/null
check "GBK shapefile: the same GAL as the UTF-8 one" \
    [ "$(tail -n +2 "$TMP/zh.gal")" = "$(tail -n +2 "$TMP/zh_ref.gal")" ]
iconv -f UTF-8 -t GBK "$TMP/zh_ref.gal" > "$TMP/zh_gbk.gal"
ok "GBK GAL with Chinese ids" "$SPILL" moran "$P" --id name_zh --var cap_lon --w "$TMP/zh_gbk.gal" --json
check "GBK GAL: warning" grep -q "zh_gbk.gal: not UTF-8; read as GB18030" "$ERR"
check "GBK GAL: the same I as the UTF-8 GAL" [ "$(jq .results[0].I "$OUT")" = "$("$SPILL" moran "$P" \
    --id name_zh --var cap_lon --w "$TMP/zh_ref.gal" --json 2>/dev/null | jq .results[0].I)" ]
ok "lisa with a Chinese variable name to a shapefile" "$SPILL" lisa "$P" --id adcode \
    --data "$R/ai_index_gbk.csv" --data-id 代码 --var 人工智能指数 --by 年份 --w "$TMP/w.gal" -o "$TMP/l.shp" --layout long
check "field name cut warning points to GeoPackage" grep -q "'人工智能指数' is written as '人工智'.*gpkg" "$ERR"
# (units without data are kept with NULL fields, which moran refuses: check the DBF's header)
check "the cut shapefile holds the field 人工智" grep -q "人工智" "$TMP/l.dbf"

# --- weights kept elsewhere ----------------------------------------------------
for f in provinces_dense.csv provinces_dense.xlsx provinces_spmat.txt provinces_libpysal.gal; do
    ok "convert $f" "$SPILL" weights "$R/$f" --ids "$P" --id adcode -o "$TMP/c.gal"
    "$SPILL" weights "$P" --id adcode -o "$TMP/q.gal" 2>/dev/null
    check "$f: the queen W" cmp -s "$TMP/c.gal" "$TMP/q.gal"
done
# a header row of text ids, no id column (pandas index=False), CSV and sheet
for f in w_abcd.csv w_abcd.xlsx; do
    ok "$f: header of ids" "$SPILL" weights "$R/$f" -o "$TMP/$f.gal"
    check "$f: ids a..d kept" [ "$(tail -n +2 "$TMP/$f.gal" | awk 'NR % 2' | tr '\n' ' ')" = "a 2 b 2 c 2 d 2 " ]
done
check "w_abcd: the same GAL from CSV and sheet" cmp -s "$TMP/w_abcd.csv.gal" "$TMP/w_abcd.xlsx.gal"
ok "province W named by name_en (CSV)" "$SPILL" weights "$R/provinces_dense_names.csv" -o "$TMP/nc.gal"
ok "province W named by name_en (xlsx)" "$SPILL" weights "$R/provinces_dense_names.xlsx" -o "$TMP/nx.gal"
check "named W: the same from CSV and sheet" [ "$(tail -n +2 "$TMP/nc.gal")" = "$(tail -n +2 "$TMP/nx.gal")" ]
check "named W: Beijing's neighbours" grep -qx "Tianjin Hebei" "$TMP/nc.gal"
ok "dense CSV without ids" "$SPILL" winfo "$R/provinces_dense_noheader.csv" --json
check "dense CSV without ids: 34 units 1..34" [ "$(jq -r '"\(.n) \(.nnz)"' "$OUT")" = "34 140" ]
ok "--standardize on converting" "$SPILL" weights "$R/provinces_libpysal.gal" --standardize row -o "$TMP/r.mtx"
check "converted and row-standardised" [ "$("$SPILL" winfo "$TMP/r.mtx" --json | jq .row_standardized)" = true ]
ok "write Stata spmatrix" "$SPILL" weights "$TMP/w.gal" -o "$TMP/w.txt"
check "spmatrix: first line n" [ "$(head -1 "$TMP/w.txt")" = 34 ]
check "spmatrix round trip" [ "$(moran_i "$AI" --id adcode --var ai_index)" = "$(
    "$SPILL" moran "$AI" --w "$TMP/w.txt" --by year --id adcode --var ai_index --json | jq -c '[.results[].I]')" ]
fails 1 "does not apply to converting" "building options rejected on converting" \
    "$SPILL" weights "$TMP/w.gal" --type knn -o "$TMP/x.gal"

# --- GWT islands: libpysal's form -------------------------------------------------
ok "queen W with islands as GWT" "$SPILL" weights "$P" --id adcode -o "$TMP/q.gwt"
check "GWT: islands have no line" bash -c "! grep -qE '^(460000|710000) ' '$TMP/q.gwt'"
check "GWT: the header counts them" [ "$(head -1 "$TMP/q.gwt")" = "0 34 china_provinces adcode" ]
ok "GWT with unnamed islands read by moran" "$SPILL" moran "$AI" --w "$TMP/q.gwt" --id adcode --var ai_index --by year
ok "libpysal GWT fixture (islands absent)" "$SPILL" winfo "$R/provinces_libpysal.gwt" --json
check "libpysal GWT: 34 units (2 of them unnamed islands), 3 components" [ "$(jq -r '"\(.n) \(.unnamed_islands) \(.components)"' "$OUT")" = "34 2 3" ]
ok "libpysal GWT named by the layer" "$SPILL" weights "$R/provinces_libpysal.gwt" --ids "$P" --id adcode \
    --standardize binary -o "$TMP/lp.gal"
check "libpysal GWT = spill's queen W" cmp -s "$TMP/lp.gal" "$TMP/q.gal"
fails 2 "2 islands without ids.*--ids" "unnamed islands cannot go to GAL" \
    "$SPILL" weights "$R/provinces_libpysal.gwt" -o "$TMP/x.gal"
ok "old form 'ID ID 0' still read" "$SPILL" winfo "$FIX/bad/../readers/provinces_libpysal.gal" --json

PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c "import libpysal" 2>/dev/null; then
    # spill -> libpysal: no self-neighbours, transform 'r' works, same neighbours as the GAL.
    ok "libpysal reads spill's GWT" "$PY" - "$TMP/q.gwt" "$TMP/q.gal" <<'PY'
import sys, warnings
warnings.simplefilter("ignore")
import libpysal
g = libpysal.io.open(sys.argv[1]).read()
ref = libpysal.io.open(sys.argv[2]).read()
assert all(i not in g.neighbors[i] for i in g.neighbors), "self-neighbour"
g.transform = "r"
assert all(abs(sum(g.weights[i]) - 1) < 1e-9 for i in g.neighbors)
for i in g.neighbors:
    assert sorted(g.neighbors[i]) == sorted(ref.neighbors[i]), i
assert sorted(ref.islands) == ["460000", "710000"], ref.islands
assert set(ref.neighbors) - set(g.neighbors) == {"460000", "710000"}
PY
    # libpysal -> spill: libpysal writes islands absent; spill reads the same W.
    ok "libpysal writes a GWT" "$PY" - "$P" "$TMP/lp.gwt" <<'PY'
import sys, warnings
warnings.simplefilter("ignore")
import libpysal
from libpysal.weights import Queen
w = Queen.from_shapefile(sys.argv[1], idVariable="adcode")
w.transform = "b"
f = libpysal.io.open(sys.argv[2], "w")
f.shpName, f.varName = "china_provinces", "adcode"
f.write(w)
f.close()
PY
    ok "spill reads libpysal's GWT" "$SPILL" weights "$TMP/lp.gwt" --ids "$P" --id adcode -o "$TMP/lp2.gal"
    check "libpysal's GWT = spill's queen W" cmp -s "$TMP/lp2.gal" "$TMP/q.gal"
else
    echo "t_readers: python3-libpysal not installed (/usr/bin/python3): skipping the live libpysal round trip"
fi

# a declared encoding wins over --encoding, with a warning (never silently)
ok "--encoding on a shapefile with a .cpg" "$SPILL" moran "$P" --id adcode --var cap_lat \
    --w "$TMP/w.gal" --encoding GBK
check "--encoding not applied is said" grep -q "\-\-encoding GBK not applied: the shapefile's .cpg declares" "$ERR"
# a Stata id variable value-labelled with names: read as its labels (with a note), its
# codes with --value-labels codes (then Moran's I as from the CSV), in a job table too
PW=$FIX/panel/provinces.gal
ok "CSV Moran for the labelled-id comparison" "$SPILL" moran "$AI" --id adcode --by year --var ai_index --w "$PW" --json
jq -c '[.results[].I]' "$OUT" >"$TMP/csv_I"
fails 2 "31 units not in the weights: Beijing" "labelled ids read as labels: no unit of W" \
    "$SPILL" moran "$R/ai_index_idlabels.dta" --id adcode --by year --var ai_index --w "$PW"
check "the note names the labelled variable and the switch" \
    grep -q "warning: .*ai_index_idlabels.dta: value labels read as the values of adcode (--value-labels codes" "$ERR"
ok "--value-labels codes" "$SPILL" moran "$R/ai_index_idlabels.dta" --id adcode --by year --var ai_index \
    --w "$PW" --value-labels codes --json
check "--value-labels codes: Moran's I as from the CSV" [ "$(jq -c '[.results[].I]' "$OUT")" = "$(cat "$TMP/csv_I")" ]
check "--value-labels codes: no note" [ ! -s "$ERR" ]
fails 1 "--value-labels: unknown value 'names'" "--value-labels takes labels or codes" \
    "$SPILL" moran "$R/ai_index_idlabels.dta" --id adcode --by year --var ai_index --w "$PW" --value-labels names
cat >"$TMP/idl.yaml" <<YAML
job: idl
inputs:
  id: adcode
  tables:
    ai: {file: $R/ai_index_idlabels.dta, time: year, value-labels: codes}
weights:
  w: {file: $PW}
analyses:
  - {name: m, command: moran, data: ai, w: w, var: ai_index, by: year}
YAML
ok "a job table with value-labels: codes" "$SPILL" run "$TMP/idl.yaml" -o "$TMP/idl" --quiet
check "the job's Moran's I as from the CSV" \
    [ "$(jq -c '[.results[].I]' "$TMP/idl/raw/m.json")" = "$(cat "$TMP/csv_I")" ]
finish t_readers
