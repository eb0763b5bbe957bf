#!/bin/bash
# CLI tests for the ellipse layers GIS software reads: ArcGIS Directional
# Distribution's field names and units (CenterX, CenterY, XStdDist, YStdDist
# in metres, Rotation), equal to the JSON results, and a named Albers CRS on
# WGS 84 (not PROJCRS["unknown"]).
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
ok "ellipse layer" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year -o "$TMP/e.geojson" --json
cp "$OUT" "$TMP/e.json"
check "ArcGIS field names" [ "$(jq -c '.features[0].properties | keys_unsorted[0:8]' "$TMP/e.geojson")" = '["by","CenterX","CenterY","CenterLon","CenterLat","XStdDist","YStdDist","Rotation"]' ]
same() { near "$1" "$2" 1e-12 1; } # |a - b| <= 1e-12 max(|b|, 1) (lib.sh)
for k in 0 3; do
    check "period $k: CenterX = center_x" same "$(jq ".features[$k].properties.CenterX" "$TMP/e.geojson")" "$(jq ".results[$k].center_x" "$TMP/e.json")"
    check "period $k: XStdDist = sx in metres" same "$(jq ".features[$k].properties.XStdDist" "$TMP/e.geojson")" "$(jq ".results[$k].sx * 1000" "$TMP/e.json")"
    check "period $k: YStdDist = sy in metres" same "$(jq ".features[$k].properties.YStdDist" "$TMP/e.geojson")" "$(jq ".results[$k].sy * 1000" "$TMP/e.json")"
    check "period $k: Rotation = rotation" same "$(jq ".features[$k].properties.Rotation" "$TMP/e.geojson")" "$(jq ".results[$k].rotation" "$TMP/e.json")"
done
ok "ellipse shapefile" "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year -o "$TMP/e.shp"
check "the .prj names the Albers CRS" grep -q '^PROJCS\["Albers_Equal_Area_Conic_spill_lat_1_23_9659_lat_2_43_0848' "$TMP/e.prj"
check "the .prj: Albers on WGS 84, metres" grep -q 'GEOGCS\["GCS_WGS_1984".*PROJECTION\["Albers"\].*PARAMETER\["Central_Meridian",106.4846\].*UNIT\["Meter",1.0\]' "$TMP/e.prj"
check "no unknown CRS" bash -c "! grep -qi unknown '$TMP/e.prj'"
finish t_ellipse_layer.sh
