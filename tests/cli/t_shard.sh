#!/bin/bash
# CLI tests for `spill lisa|hotspot --shard I/N` and `spill merge` of their
# outputs: the merge equals the unsharded run (CSV and GeoJSON byte for byte,
# GeoPackage table rows and schema through sqlite3 when it is installed), with
# other thread counts and shard orders; bad shard specs and bad merges.
source "$(dirname "$0")/lib.sh"
COL=$FIX/data/columbus.shp
W="--w $FIX/autocorr/columbus_queen.gal"
L=("$SPILL" lisa "$COL" --id POLYID $W --var CRIME --perm 999 --seed 7)
H=("$SPILL" hotspot "$COL" --id POLYID $W --var CRIME --perm 499)
mkdir -p "$TMP/full" "$TMP/m"

# shards CMD N EXT [OPTIONS...]: the N shard outputs $TMP/pK.EXT (one thread)
shards() {
    local n=$2 ext=$3; local -n cmd=$1; shift 3
    for ((k = 1; k <= n; k++)); do
        "${cmd[@]}" "$@" --shard "$k/$n" --threads 1 -o "$TMP/p$k.$ext" >/dev/null 2>"$ERR" || return 1
    done
}

for ext in csv geojson; do
    ok "lisa unsharded ($ext)" "${L[@]}" -o "$TMP/full/l.$ext"
    check "lisa 3 shards ($ext)" shards L 3 "$ext"
    ok "merge, shards in any order ($ext)" "$SPILL" merge -o "$TMP/m/l.$ext" "$TMP/p3.$ext" "$TMP/p1.$ext" "$TMP/p2.$ext"
done
check "lisa merged = unsharded, byte for byte (csv)" cmp -s "$TMP/full/l.csv" "$TMP/m/l.csv"
# GeoJSON read back implies CRS84, which the merge writes for a source without a CRS
check "lisa merged = unsharded, the same features (geojson)" cmp -s <(jq -c .features "$TMP/full/l.geojson") <(jq -c .features "$TMP/m/l.geojson")
check "a shard holds its features only" [ "$(wc -l < "$TMP/p1.csv")" = 17 ]
check "the shard record" [ "$(jq -c '[.command, .shard, .of, .features, .first, .last]' "$TMP/p2.csv.shard.json")" = '["lisa",2,3,49,17,32]' ]
ok "lisa lookup unsharded" "${L[@]}" --perm-method lookup -o "$TMP/full/lk.csv"
check "lisa lookup 4 shards" shards L 4 csv --perm-method lookup
ok "merge lookup" "$SPILL" merge -o "$TMP/m/lk.csv" "$TMP"/p[1-4].csv
check "lookup merged = unsharded" cmp -s "$TMP/full/lk.csv" "$TMP/m/lk.csv"
ok "hotspot unsharded" "${H[@]}" -o "$TMP/full/h.csv"
check "hotspot 2 shards" shards H 2 csv
ok "merge hotspot" "$SPILL" merge -o "$TMP/m/h.csv" "$TMP/p1.csv" "$TMP/p2.csv"
check "hotspot merged = unsharded" cmp -s "$TMP/full/h.csv" "$TMP/m/h.csv"
ok "one shard of one" "${H[@]}" --shard 1/1 -o "$TMP/one.csv"
check "1/1 = unsharded" cmp -s "$TMP/full/h.csv" "$TMP/one.csv"

ok "lisa unsharded (gpkg)" "${L[@]}" -o "$TMP/full/l.gpkg"
check "lisa 3 shards (gpkg)" shards L 3 gpkg
ok "merge (gpkg)" "$SPILL" merge -o "$TMP/m/l.gpkg" "$TMP"/p[1-3].gpkg
if command -v sqlite3 >/dev/null; then
    # the schema's statements in any order (spill packs the R-tree after the rows)
    rows() { sqlite3 "$1" 'select * from l order by fid'; sqlite3 "$1" '.schema l' | sort; }
    check "gpkg: the same rows (fid, geometry blob, fields) and schema" cmp -s <(rows "$TMP/full/l.gpkg") <(rows "$TMP/m/l.gpkg")
fi

# --- bad shard specs and merges ------------------------------------------------
for spec in 0/3 4/3 3 a/b 1/0 -1/2; do
    fails 1 "--shard $spec: expected I/N with 1 <= I <= N" "--shard $spec" "${L[@]}" --shard "$spec" -o "$TMP/bad.csv"
done
check "no output for a bad spec" [ ! -e "$TMP/bad.csv" ]
fails 1 "has only 49 features" "more shards than features" "${L[@]}" --shard 50/50 -o "$TMP/bad.csv"
fails 1 "it goes without --by" "--shard and --by" "$SPILL" lisa "$SHP/china_provinces.shp" --id adcode --data "$SHP/ai_index_province.csv" --by year --var ai_index --w "$FIX/autocorr/china_queen.gal" --shard 1/2 -o "$TMP/bad.gpkg"
fails 1 "--shard with --fdr" "--shard and --fdr" "${L[@]}" --fdr --shard 1/2 -o "$TMP/bad.csv"
check "lisa 3 shards again" shards L 3 csv
fails 2 "shard 2/3 is missing" "merge: a missing shard" "$SPILL" merge -o "$TMP/m/x.csv" "$TMP/p1.csv" "$TMP/p3.csv"
fails 2 "shard 1/3 given twice" "merge: a shard twice" "$SPILL" merge -o "$TMP/m/x.csv" "$TMP/p1.csv" "$TMP/p1.csv" "$TMP/p2.csv" "$TMP/p3.csv"
ok "a shard of another run (other seed)" "${L[@]}" --seed 8 --shard 2/3 -o "$TMP/q2.csv"
fails 2 "a shard of another run" "merge: mixed runs (seed)" "$SPILL" merge -o "$TMP/m/x.csv" "$TMP/p1.csv" "$TMP/q2.csv" "$TMP/p3.csv"
ok "a shard of another N" "${L[@]}" --shard 2/4 -o "$TMP/q4.csv"
fails 2 "another run \(or another N\)" "merge: mixed N" "$SPILL" merge -o "$TMP/m/x.csv" "$TMP/p1.csv" "$TMP/q4.csv" "$TMP/p3.csv"
fails 2 "not a shard output" "merge: an unsharded output" "$SPILL" merge -o "$TMP/m/x.csv" "$TMP/full/l.csv"
fails 1 "must have one format" "merge: mixed formats" "$SPILL" merge -o "$TMP/m/x.gpkg" "$TMP/p1.csv"
check "no merged file after a failure" [ ! -e "$TMP/m/x.csv" ]

finish "$(basename "$0")"
