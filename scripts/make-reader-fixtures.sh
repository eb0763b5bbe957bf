#!/bin/sh
# Makes the reader fixtures of tests/fixtures/readers/ from the bundled China
# files, as users have them: Excel (openpyxl), Stata/SPSS (R haven), GBK CSV
# and a GBK shapefile without .cpg (iconv, R sf), dense and Stata spmat
# weights, and libpysal-written GAL/GWT files.  Needs R (haven, sf) and
# Debian's python3 (openpyxl, libpysal); the tests never do.
#   scripts/make-reader-fixtures.sh      (from the repository root)
set -e
OUT=tests/fixtures/readers
PY=/usr/bin/python3
mkdir -p "$OUT"

# Long table with Chinese names and a value-labelled region code (1..3).
Rscript --vanilla - <<'R'
suppressMessages({library(haven); library(sf)})
out <- "tests/fixtures/readers"
ai <- read.csv("shapefiles/ai_index_province.csv", stringsAsFactors = FALSE)
prov <- st_drop_geometry(st_read("shapefiles/china_provinces.shp", quiet = TRUE))
ai$name_zh <- prov$name_zh[match(ai$adcode, prov$adcode)]
codes <- c(East = 1, Central = 2, West = 3, Northeast = 4)
ai$region_code <- labelled(as.numeric(codes[ai$region]),
                           c("东部" = 1, "中部" = 2, "西部" = 3, "东北" = 4))
ai <- ai[, c("adcode", "name_zh", "year", "ai_index", "region_code")]
write_dta(ai, file.path(out, "ai_index.dta"), version = 15)
write_sav(ai, file.path(out, "ai_index.sav"))
write_dta(ai, file.path(out, "ai_index_v13.dta"), version = 13) # made GBK below
# the id itself value-labelled with the English names (what a Stata user's
# `label values adcode` gives): spill reads the labels unless --value-labels codes
idl <- ai[, c("adcode", "year", "ai_index")]
idl$adcode <- labelled(as.numeric(idl$adcode),
                       setNames(as.numeric(prov$adcode), prov$name_en))
write_dta(idl, file.path(out, "ai_index_idlabels.dta"), version = 15)
sas <- ai
sas$region_code <- NULL # SAS files keep no value labels
write_xpt(sas, file.path(out, "ai_index.xpt"), version = 8)
write_sas(sas, file.path(out, "ai_index.sas7bdat"))
plain <- ai
plain$region_code <- as.character(as_factor(ai$region_code))
write.csv(plain, file.path(out, "ai_index_utf8.csv"), row.names = FALSE, fileEncoding = "UTF-8")
# A truncated .dta (bad input).
b <- readBin(file.path(out, "ai_index.dta"), "raw", 100000)
writeBin(b[1:(length(b) %/% 2)], file.path(out, "truncated.dta"))
# The province layer with its DBF in GBK and no .cpg (what older Chinese GIS
# software leaves): written through GDAL, then the .cpg and code page byte removed.
p <- st_read("shapefiles/china_provinces.shp", quiet = TRUE)
st_write(p, file.path(out, "provinces_gbk.shp"), layer_options = "ENCODING=GBK",
         delete_dsn = TRUE, quiet = TRUE)
unlink(file.path(out, "provinces_gbk.cpg"))
dbf <- file.path(out, "provinces_gbk.dbf")
d <- readBin(dbf, "raw", file.info(dbf)$size)
d[30] <- as.raw(0)
writeBin(d, dbf)
# Only the DBF is kept (the tests pair it with the bundled .shp/.shx/.prj).
unlink(file.path(out, paste0("provinces_gbk.", c("shp", "shx", "prj"))))
R

# The same table saved by Excel on Chinese Windows: GBK CSV with Chinese headers.
$PY - <<'PY'
import csv
src = "tests/fixtures/readers/ai_index_utf8.csv"
rows = list(csv.reader(open(src, encoding="utf-8")))
rows[0] = ["代码", "省份", "年份", "人工智能指数", "地区"]
with open("tests/fixtures/readers/ai_index_gbk.csv", "w", encoding="gbk", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
# A Stata 13 file (format 117, no encoding) saved on Chinese Windows: its
# strings in GBK, NUL-padded in their fixed-width fields.
import os
p = "tests/fixtures/readers/ai_index_v13.dta"
d = open(p, "rb").read()
for r in rows[1:]:
    for zh in (r[1], r[4]):
        u, g = zh.encode("utf-8"), zh.encode("gbk")
        d = d.replace(u, g + b"\0" * (len(u) - len(g))) # UTF-8 never matches mid-character
open("tests/fixtures/readers/ai_index_v13_gbk.dta", "wb").write(d)
os.remove(p)
# Latin-1 bytes that are not GB18030 either (bad input): 0xFF is in neither.
with open("tests/fixtures/readers/latin1.csv", "wb") as f:
    f.write(b"code,name,x\n1,Bj\xf6rk\xff,1\n2,A,2\n")
PY

# Excel: a notes sheet first, then the data as a wide panel with two title rows.
$PY - <<'PY'
import csv, openpyxl
rows = list(csv.DictReader(open("tests/fixtures/readers/ai_index_utf8.csv", encoding="utf-8")))
years = sorted({r["year"] for r in rows})
units = []
for r in rows:
    if r["adcode"] not in [u[0] for u in units]:
        units.append((r["adcode"], r["name_zh"]))
val = {(r["adcode"], r["year"]): float(r["ai_index"]) for r in rows}
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "说明"
ws.append(["人工智能发展指数, 31 省, 2011-2022"])
wide = wb.create_sheet("指数")
wide.append(["中国省级人工智能发展指数"])
wide.append(["单位: 指数"])
wide.append(["adcode", "name_zh"] + ["ai" + y for y in years])
for code, name in units:
    wide.append([int(code), name] + [val.get((code, y)) for y in years])
years_only = wb.create_sheet("years")
years_only.append(["adcode"] + [int(y) for y in years])
for code, name in units:
    years_only.append([int(code)] + [val.get((code, y)) for y in years])
wb.save("tests/fixtures/readers/ai_wide.xlsx")
PY

# Weights: libpysal's queen W of the provinces (Taiwan an island) as libpysal
# writes GAL and GWT; the same W as dense CSV (R write.csv style, and without
# any header), on an Excel sheet, and in Stata's spmatrix export text format.
$PY - <<'PY'
import warnings
warnings.simplefilter("ignore")
import libpysal, openpyxl
from libpysal.weights import Queen
out = "tests/fixtures/readers/"
w = Queen.from_shapefile("shapefiles/china_provinces.shp", idVariable="adcode")
w.transform = "r"
g = libpysal.io.open(out + "provinces_libpysal.gwt", "w")
g.shpName, g.varName = "china_provinces", "adcode"
g.write(w); g.close()
w.transform = "b"
g = libpysal.io.open(out + "provinces_libpysal.gal", "w"); g.write(w); g.close()
ids = w.id_order
full = [[w.weights[i][w.neighbors[i].index(j)] if j in w.neighbors[i] else 0 for j in ids]
        for i in ids]
with open(out + "provinces_dense.csv", "w") as f:
    f.write(",".join(['""'] + ['"%s"' % i for i in ids]) + "\n")
    for i, row in zip(ids, full):
        f.write(",".join(['"%s"' % i] + ["%g" % x for x in row]) + "\n")
with open(out + "provinces_dense_noheader.csv", "w") as f:
    for row in full:
        f.write(",".join("%g" % x for x in row) + "\n")
with open(out + "provinces_spmat.txt", "w") as f:
    f.write("%d\n" % len(ids))
    for i, row in zip(ids, full):
        f.write(" ".join([str(i)] + ["%g" % x for x in row]) + "\n")
with open(out + "provinces_ids.txt", "w") as f:
    f.write("\n".join(str(i) for i in ids) + "\n")
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "W"
ws.append(["id"] + ids)
for i, row in zip(ids, full):
    ws.append([i] + row)
wb.save(out + "provinces_dense.xlsx")
# Bad dense matrices: not square, not numeric.
open(out + "dense_not_square.csv", "w").write("id,a,b\na,0,1\nb,1,0\nc,1,1\n")
open(out + "dense_not_numeric.csv", "w").write("id,a,b\na,0,x\nb,1,0\n")
PY
rm -f "$OUT/ai_index_utf8.csv.bak"
echo "made $(ls "$OUT" | wc -l) files in $OUT"
