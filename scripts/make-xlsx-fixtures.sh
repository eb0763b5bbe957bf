#!/bin/sh
# Makes the workbook fixtures of tests/fixtures/readers/ in the layouts other
# tools write (row 1 the header, no title rows): pandas to_excel(index=False)
# of the bundled AI index (text header over numbers), the same as a wide panel
# with the years as column names (text "2011", ...) and through ogr2ogr
# (XLSX and ODS); dense W's with a header row of text ids and no id column,
# as pandas writes them (to_excel / to_csv with index=False): four units
# a..d, and the province queen W named by name_en (Inner_Mongolia, ...).  Needs Debian's python3
# (pandas, openpyxl) and GDAL's ogr2ogr; the tests never do.
#   scripts/make-xlsx-fixtures.sh      (from the repository root)
set -e
OUT=tests/fixtures/readers
mkdir -p "$OUT"
/usr/bin/python3 - <<'PY'
import pandas as pd
out = "tests/fixtures/readers/"
ai = pd.read_csv("shapefiles/ai_index_province.csv")
ai.to_excel(out + "ai_pandas.xlsx", index=False)
wide = ai.pivot(index="adcode", columns="year", values="ai_index").reindex(ai.adcode.unique())
wide.columns = [str(y) for y in wide.columns]  # text cells that read as numbers
wide.reset_index().to_excel(out + "ai_years_text.xlsx", index=False)
m = pd.DataFrame([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]], columns=list("abcd"))
m.to_excel(out + "w_abcd.xlsx", index=False)
m.to_csv(out + "w_abcd.csv", index=False)
dense = pd.read_csv(out + "provinces_dense.csv", index_col=0)
prov = pd.read_csv("shapefiles/ai_index_province.csv")[["adcode", "name_en"]].drop_duplicates()
names = dict(zip(prov.adcode, prov.name_en))
names.update({710000: "Taiwan", 810000: "Hong Kong", 820000: "Macao"})
ids = [names[int(i)].replace(" ", "_") for i in dense.index]  # GAL ids hold no blanks
named = pd.DataFrame(dense.values, columns=ids)
named.to_excel(out + "provinces_dense_names.xlsx", index=False)
named.to_csv(out + "provinces_dense_names.csv", index=False)
PY
for f in XLSX ODS; do
    ext=$(echo $f | tr A-Z a-z)
    rm -f "$OUT/ai_ogr.$ext"
    ogr2ogr -f $f -oo AUTODETECT_TYPE=YES "$OUT/ai_ogr.$ext" shapefiles/ai_index_province.csv \
        -nln ai
done
echo "made the workbook fixtures in $OUT"
