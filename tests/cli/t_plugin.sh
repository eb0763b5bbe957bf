#!/bin/bash
# CLI tests of the plugins (io/sp_plugin.h: GDAL, SuiteSparse, cairo) and of the CSV reader (io/sp_csv.h):
# commands on CSV tables and weights files run without the GDAL and sparse
# plugins and give what they give through GDAL's CSV driver
# (SPILL_CSV_READER=gdal); a command that needs a missing plugin says which
# file it tried and exits 2.
source "$(dirname "$0")/lib.sh"
AI=$SHP/ai_index_province.csv
M=$FIX/markov
NOPLUGIN=$TMP/no-plugins

ok "--version without plugins" env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" --version
ok "gini on a CSV without plugins" env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" gini "$AI" \
    --var ai_index --id adcode --by year --group region --json
cp "$OUT" "$TMP/gini_native.json"
ok "gini on a CSV read by GDAL's CSV driver" env SPILL_CSV_READER=gdal "$SPILL" gini "$AI" \
    --var ai_index --id adcode --by year --group region --json
check "gini: the same JSON through either CSV reader" cmp -s "$OUT" "$TMP/gini_native.json"
ok "spatial Markov on CSV + GAL without plugins" env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" \
    markov "$M/usjoin_long.csv" --id id --by year --var pci --w "$M/states48.gal" --json
cp "$OUT" "$TMP/markov_native.json"
ok "spatial Markov read by GDAL's CSV driver" env SPILL_CSV_READER=gdal "$SPILL" \
    markov "$M/usjoin_long.csv" --id id --by year --var pci --w "$M/states48.gal" --json
check "markov: the same JSON through either CSV reader" cmp -s "$OUT" "$TMP/markov_native.json"
ok "GB18030 CSV read by spill" "$SPILL" gini "$FIX/readers/ai_index_gbk.csv" \
    --var 人工智能指数 --id 代码 --by 年份 --group 地区 --json
cp "$OUT" "$TMP/gbk_native.json"
ok "GB18030 CSV through GDAL" env SPILL_CSV_READER=gdal "$SPILL" gini \
    "$FIX/readers/ai_index_gbk.csv" --var 人工智能指数 --id 代码 --by 年份 --group 地区 --json
check "GB18030: the same JSON through either CSV reader" cmp -s "$OUT" "$TMP/gbk_native.json"

fails 2 "cannot load the plugin $NOPLUGIN/libspill-gdal.so \(needed to read or write layers" \
    "a shapefile without the GDAL plugin: exit 2 naming the path" \
    env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" weights "$SHP/china_provinces.shp" -o "$TMP/w.gal"
check "no output file after the failed load" [ ! -e "$TMP/w.gal" ]
fails 2 "cannot load the plugin $NOPLUGIN/libspill-sparse.so" \
    "a sparse fit without the sparse plugin: exit 2 naming the path" \
    env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" fit "$FIX/fit/columbus.csv" --id POLYID \
    --w "$FIX/fit/columbus_queen.gal" --y CRIME --x INC,HOVAL --model sar --logdet chol
fails 2 "cannot load the plugin $NOPLUGIN/libspill-sparse.so \(needed for fits: .*LAPACK" \
    "a dense fit without the sparse plugin (its eigenvalues are LAPACK's): exit 2 naming it" \
    env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" fit "$FIX/fit/columbus.csv" --id POLYID \
    --w "$FIX/fit/columbus_queen.gal" --y CRIME --x INC,HOVAL --model sar
fails 2 "cannot load the plugin $NOPLUGIN/libspill-draw.so \(needed to draw figures" \
    "a figure without the drawing plugin: exit 2 naming the path" \
    env SPILL_PLUGIN_DIR="$NOPLUGIN" "$SPILL" plot --help
ok "the GDAL plugin found next to the binary" env -u SPILL_PLUGIN_DIR "$SPILL" weights \
    "$SHP/china_provinces.shp" -o "$TMP/w.gal"
finish t_plugin.sh
