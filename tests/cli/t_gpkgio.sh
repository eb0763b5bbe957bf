#!/bin/bash
# CLI tests for GeoPackage layers read and written through SQLite (io/sp_gpkg_db.c):
# every command gives the same result as through GDAL (SPILL_GPKG_IO=gdal): weights
# (queen on vertices, k-nearest on GEOS centroids) from GeoPackages made of the bundled
# shapefiles (multipolygons, an island), LISA and Gi* layers GeoPackage to GeoPackage in
# the wide, long and layers layouts (rows, geometry blobs, schema, contents, extent,
# feature count and R-tree through sqlite3; integrity_check, rtreecheck), and the files
# GDAL opens again.
source "$(dirname "$0")/lib.sh"
COL=$FIX/data/columbus.shp
CHN=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
CW=$FIX/autocorr/columbus_queen.gal
PW=$FIX/autocorr/china_queen.gal
mkdir -p "$TMP/db" "$TMP/gdal" "$TMP/rt"

# gdal CMD...: the command with GeoPackages read and written through GDAL
gdal() { SPILL_GPKG_IO=gdal "$@"; }
# dump FILE: what a GeoPackage holds, timestamps aside (each layer's rows in FID order
# with their blobs, its schema, contents, geometry column, feature count, index)
dump() {
    local f=$1 t
    sqlite3 "$f" "select type, name, tbl_name, sql from sqlite_master order by type, name" \
        "select table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id from gpkg_contents order by 1" \
        "select * from gpkg_geometry_columns order by 1" "select * from gpkg_ogr_contents order by 1" \
        "select * from gpkg_extensions order by 1" "select * from sqlite_sequence order by 1"
    for t in $(sqlite3 "$f" "select table_name from gpkg_contents order by 1"); do
        sqlite3 "$f" "select fid, hex(geom) from \"$t\" order by fid" "select * from \"$t\" order by fid" \
            "select * from \"rtree_${t}_geom\" order by id"
    done
}
# valid FILE: SQLite's integrity check and every R-tree's rtreecheck() pass
valid() {
    local f=$1 t
    [ "$(sqlite3 "$f" 'PRAGMA integrity_check')" = ok ] || return 1
    for t in $(sqlite3 "$f" "select table_name from gpkg_geometry_columns"); do
        [ "$(sqlite3 "$f" "select rtreecheck('rtree_${t}_geom')")" = ok ] || return 1
    done
}
# both NAME CMD... -o: run CMD with -o db/NAME and (through GDAL) -o gdal/NAME
both() {
    local name=$1; shift
    ok "$name (SQLite)" "$@" -o "$TMP/db/$name"
    ok "$name (GDAL)" gdal "$@" -o "$TMP/gdal/$name"
}

# --- GeoPackage inputs made of the shapefiles (written by GDAL: the source is a shapefile)
ok "columbus as a GeoPackage" "$SPILL" lisa "$COL" --id POLYID --w "$CW" --var CRIME --perm 99 -o "$TMP/col.gpkg"
ok "provinces as a GeoPackage" "$SPILL" hotspot "$CHN" --id adcode --data "$AI" --by year \
    --var ai_index --w "$PW" --perm 99 -o "$TMP/prov.gpkg"
check "the inputs are valid GeoPackages" valid "$TMP/col.gpkg"

# --- reading: weights
both col.gal "$SPILL" weights "$TMP/col.gpkg" --id POLYID
check "queen from a GeoPackage: the same GAL either way" cmp -s "$TMP/db/col.gal" "$TMP/gdal/col.gal"
ok "queen from the shapefile" "$SPILL" weights "$COL" --id POLYID -o "$TMP/col_shp.gal"
check "queen from a GeoPackage = from the shapefile (links)" cmp -s <(tail -n +2 "$TMP/db/col.gal") <(tail -n +2 "$TMP/col_shp.gal")
both prov.gal "$SPILL" weights "$TMP/prov.gpkg" --id adcode --link 460000:440000
check "provinces queen (multipolygons, an island): the same either way" cmp -s "$TMP/db/prov.gal" "$TMP/gdal/prov.gal"
both prov_knn.gwt "$SPILL" weights "$TMP/prov.gpkg" --id adcode --type knn --k 4
check "k-nearest on GEOS centroids: the same either way" cmp -s "$TMP/db/prov_knn.gwt" "$TMP/gdal/prov_knn.gwt"
both prov_rook.gal "$SPILL" weights "$TMP/prov.gpkg" --id adcode --type rook --islands nearest
check "rook, islands to the nearest (GEOS geometries): the same either way" cmp -s "$TMP/db/prov_rook.gal" "$TMP/gdal/prov_rook.gal"

# --- GeoPackage to GeoPackage
both l.gpkg "$SPILL" lisa "$TMP/col.gpkg" --id POLYID --w "$CW" --var CRIME --perm 99
check "lisa: the same rows, blobs, schema, contents and index" cmp -s <(dump "$TMP/db/l.gpkg") <(dump "$TMP/gdal/l.gpkg")
check "lisa (SQLite): a valid GeoPackage" valid "$TMP/db/l.gpkg"
check "lisa: the source's geometry blobs as they were" cmp -s \
    <(sqlite3 "$TMP/col.gpkg" "select hex(geom) from col order by fid") <(sqlite3 "$TMP/db/l.gpkg" "select hex(geom) from l order by fid")
check "lisa: 49 features counted, extent set" [ "$(sqlite3 "$TMP/db/l.gpkg" "select feature_count from gpkg_ogr_contents; select min_x is not null from gpkg_contents")" = "49
1" ]
for layout in wide long layers; do
    both "h_$layout.gpkg" "$SPILL" hotspot "$TMP/prov.gpkg" --id adcode --data "$AI" --by year \
        --var ai_index --w "$PW" --layout "$layout"
    check "hotspot --layout $layout: the same either way" cmp -s <(dump "$TMP/db/h_$layout.gpkg") <(dump "$TMP/gdal/h_$layout.gpkg")
    check "hotspot --layout $layout (SQLite): valid" valid "$TMP/db/h_$layout.gpkg"
done
check "long layout: each province once a year" [ "$(sqlite3 "$TMP/db/h_long.gpkg" "select count(*) from h_long")" = 136 ]
check "layers layout: four layers" [ "$(sqlite3 "$TMP/db/h_layers.gpkg" "select count(*) from gpkg_contents")" = 4 ]
# GDAL's own index (SPILL_GPKG_RTREE=gdal): GDAL writes the rows too
ok "lisa, GDAL's R-tree" env SPILL_GPKG_RTREE=gdal "$SPILL" lisa "$TMP/col.gpkg" --id POLYID --w "$CW" --var CRIME --perm 99 -o "$TMP/rt/l.gpkg"
check "... the same rows and index" cmp -s <(dump "$TMP/rt/l.gpkg") <(dump "$TMP/gdal/l.gpkg")
check "... a valid GeoPackage" valid "$TMP/rt/l.gpkg"
# GeoPackage shards merged: rows through SQLite, through GDAL, with GDAL's index
for k in 1 2; do
    ok "lisa shard $k/2 (gpkg)" "$SPILL" lisa "$TMP/col.gpkg" --id POLYID --w "$CW" --var CRIME --perm 99 --shard $k/2 -o "$TMP/s$k.gpkg"
done
ok "merge (SQLite)" "$SPILL" merge -o "$TMP/db/m.gpkg" "$TMP/s1.gpkg" "$TMP/s2.gpkg"
ok "merge (GDAL)" gdal "$SPILL" merge -o "$TMP/gdal/m.gpkg" "$TMP/s1.gpkg" "$TMP/s2.gpkg"
ok "merge (GDAL's R-tree)" env SPILL_GPKG_RTREE=gdal "$SPILL" merge -o "$TMP/rt/m.gpkg" "$TMP/s1.gpkg" "$TMP/s2.gpkg"
check "merge: the same either way" cmp -s <(dump "$TMP/db/m.gpkg") <(dump "$TMP/gdal/m.gpkg")
check "merge: GDAL's R-tree holds the same boxes" cmp -s <(dump "$TMP/db/m.gpkg") <(dump "$TMP/rt/m.gpkg")
check "merge (SQLite): valid" valid "$TMP/db/m.gpkg"
check "merge = unsharded rows" cmp -s <(sqlite3 "$TMP/db/m.gpkg" "select * from m order by fid") <(sqlite3 "$TMP/db/l.gpkg" "select * from l order by fid")
# GDAL reads what SQLite wrote: the layer back through spill's GDAL path
ok "GDAL reads the SQLite-written layer" gdal "$SPILL" weights "$TMP/db/l.gpkg" --id POLYID -o "$TMP/back.gal"
check "... with the source's contiguity" cmp -s <(tail -n +2 "$TMP/back.gal") <(tail -n +2 "$TMP/db/col.gal")
# --- the GDAL path stays for other formats: a GeoPackage to a shapefile
ok "GeoPackage to shapefile (GDAL)" "$SPILL" lisa "$TMP/col.gpkg" --id POLYID --w "$CW" --var CRIME --perm 99 -o "$TMP/l.shp"
ok "... read back" "$SPILL" weights "$TMP/l.shp" --id POLYID -o "$TMP/l_shp.gal"
check "... the same contiguity" cmp -s <(tail -n +2 "$TMP/l_shp.gal") <(tail -n +2 "$TMP/db/col.gal")

finish "$(basename "$0")"
