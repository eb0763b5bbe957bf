#!/bin/bash
# Weights a GAL file cannot hold, and the statistic they would give: a GAL
# holds neighbour lists only, so distance weights written to .gal are refused
# (exit 1, no file) instead of coming back as equal weights; and a W under
# which Moran's I cannot vary (every unit an equal neighbour of every other:
# what such a GAL read back was) gives null z-values and a warning, not z
# from rounding noise (core/sp_moran.h).
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
fails 1 "a GAL file holds neighbour lists only and unit '[0-9]+' has unequal weights" \
    "inverse distance to .gal: refused" \
    "$SPILL" weights "$P" --id adcode --type idw --points cap_lon,cap_lat -o "$TMP/idw.gal"
check "no .gal written" [ ! -e "$TMP/idw.gal" ]
ok "inverse distance to .gwt" "$SPILL" weights "$P" --id adcode --type idw --points cap_lon,cap_lat \
    -o "$TMP/idw.gwt"
fails 1 "unequal weights" "a .gwt of distance weights converted to .gal: refused" \
    "$SPILL" weights "$TMP/idw.gwt" -o "$TMP/idw2.gal"
ok "queen contiguity to .gal (equal weights)" "$SPILL" weights "$P" --id adcode -o "$TMP/q.gal"
ok "row-standardised queen to .gal (weights equal within each row)" \
    "$SPILL" weights "$P" --id adcode --standardize row -o "$TMP/q_row.gal"
check "the same lists as the binary .gal" cmp -s "$TMP/q.gal" "$TMP/q_row.gal"
# every unit linked to every other with weight 1: I is -1/(n-1) whatever the values
awk 'NR == 1 { print; next } { print $1, $2, 1 }' "$TMP/idw.gwt" >"$TMP/complete.gwt"
ok "Moran's I on a complete graph" "$SPILL" moran "$AI" --id adcode --w "$TMP/complete.gwt" \
    --var ai_index --by year --perm 99 --json
r=$(jq -c '.results[0]' "$OUT")
near "$(jq '.I' <<<"$r")" "$(jq '.EI' <<<"$r")" 1e-12
check "complete graph: null z_norm, z_rand, z_perm and normal p" \
    [ "$(jq -c '[.z_norm, .z_rand, .p_norm, .p_rand, .z_perm]' <<<"$r")" = "[null,null,null,null,null]" ]
check "complete graph: Geary's z_perm null too" [ "$(jq '.geary.z_perm' <<<"$r")" = null ]
check "complete graph: every permutation ties, p_perm 1" [ "$(jq '.p_perm' <<<"$r")" = 1 ]
check "complete graph: the warning says why" grep -q "I is the same for every arrangement" "$ERR"
# --metric euclid on a geographic layer: distances in degrees, said in a warning
ok "a band in degrees" "$SPILL" weights "$P" --id adcode --type band --threshold 8 --metric euclid \
    --points cap_lon,cap_lat -o "$TMP/b.gwt"
check "the degrees warning" grep -q "metric euclid on the geographic layer .*degrees" "$ERR"
finish t_gal_weights.sh
