#!/bin/bash
# CLI tests for `spill weights`: every type on the bundled data, R spdep
# neighbour sets, and bad input.
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
C=$SHP/china_cities.shp
B=$FIX/bad

winfo() { "$SPILL" winfo "$1" --json | jq -r "$2"; }

# --- every type builds, with the expected shape -----------------------------
ok "queen provinces" "$SPILL" weights "$P" --id adcode -o "$TMP/q.gal"
check "queen: 34 units, 140 links" [ "$(winfo "$TMP/q.gal" '"\(.n) \(.nnz)"')" = "34 140" ]
check "queen: Hainan and Taiwan are islands" [ "$(winfo "$TMP/q.gal" '.islands | sort | join(",")')" = "460000,710000" ]
check "queen warns about islands" grep -q "460000" "$ERR"
ok "rook provinces" "$SPILL" weights "$P" --id adcode --type rook -o "$TMP/r.gal"
check "rook: 138 links" [ "$(winfo "$TMP/r.gal" .nnz)" = 138 ]
ok "link Hainan-Guangdong" "$SPILL" weights "$P" --id adcode --link 460000:440000 -o "$TMP/ql.gwt"
check "link adds two entries" [ "$(winfo "$TMP/ql.gwt" .nnz)" = 142 ]
check "row standardised by default" [ "$(winfo "$TMP/ql.gwt" .row_standardized)" = true ]
ok "islands nearest" "$SPILL" weights "$P" --id adcode --islands nearest -o "$TMP/qn.gal"
check "nearest: no islands left" [ "$(winfo "$TMP/qn.gal" '.islands | length')" = 0 ]
check "nearest names the link" grep -q "linked island 460000" "$ERR"
fails 2 "2 units without neighbours: .*460000" "islands error" \
    "$SPILL" weights "$P" --id adcode --islands error -o "$TMP/x.gal"
check "no output after an error" [ ! -e "$TMP/x.gal" ]
ok "knn on capitals" "$SPILL" weights "$P" --id adcode --type knn --k 4 --points cap_lon,cap_lat -o "$TMP/k4.gwt"
check "knn: 4 per unit" [ "$(winfo "$TMP/k4.gwt" '"\(.min_neighbors) \(.max_neighbors)"')" = "4 4" ]
ok "band on capitals" "$SPILL" weights "$P" --id adcode --type band --threshold 800 --points cap_lon,cap_lat --standardize binary -o "$TMP/b.mtx"
check "band is symmetric" [ "$(winfo "$TMP/b.mtx" .symmetric)" = true ]
ok "idw with cutoff" "$SPILL" weights "$P" --id adcode --type idw --power 2 --threshold 1500 --points cap_lon,cap_lat --standardize none -o "$TMP/idw.gwt"
ok "second order cumulative" "$SPILL" weights "$P" --id adcode --order 2 --cumulative --standardize binary -o "$TMP/o2.gal"
check "order 2 has more links" [ "$(winfo "$TMP/o2.gal" .nnz)" -gt 140 ]
ok "cities queen" "$SPILL" weights "$C" --id adcode -o "$TMP/cq.swm"
check "cities: 367 units, 1932 links" [ "$(winfo "$TMP/cq.swm" '"\(.n) \(.nnz)"')" = "367 1932" ]
ok "econ distance" "$SPILL" weights "$P" --id adcode --type econ --data "$SHP/ai_index_province.csv" --var ai_index --years 2011-2019 --drop-missing -o "$TMP/econ.csv"
check "econ: 31 units (3 without data dropped)" [ "$(winfo "$TMP/econ.csv" .n)" = 31 ]
check "econ names the dropped units" grep -q "left out 3 units" "$ERR"
ok "nested" "$SPILL" weights "$P" --id adcode --type nested --data "$SHP/ai_index_province.csv" --var ai_index --drop-missing --geo "$TMP/k4.gwt" -o "$TMP/nested.gwt"
check "nested: 31 units" [ "$(winfo "$TMP/nested.gwt" .n)" = 31 ]
ok "json summary" "$SPILL" weights "$P" --id adcode --json -o "$TMP/j.gal"
check "json has the winfo keys" [ "$(jq -r '[.n,.components] | join(" ")' "$OUT")" = "34 3" ]

# --- R spdep reference neighbour sets (tests/fixtures/weights, scripts/ref-weights.R)
RW=$FIX/weights
same_nb() { # DESC FIXTURE ARGS...: spill's GAL equals R's (neighbour lines, by id)
    local desc=$1 want=$RW/$2; shift 2
    if "$SPILL" weights "$@" --standardize binary -o "$TMP/nb.gal" 2>"$ERR" &&
        diff <(tail -n +2 "$TMP/nb.gal") <(tail -n +2 "$want") >"$TMP/diff"; then
        pass
    else
        fail "$desc differs from R: $(head -c 300 "$TMP/diff") $(head -c 200 "$ERR")"
    fi
}
for layer in china_provinces china_cities; do
    for rule in queen rook; do
        same_nb "$layer $rule" "${layer}_$rule.gal" "$SHP/$layer.shp" --id adcode --type $rule
    done
done
COL=$FIX/data/columbus.shp
same_nb "columbus queen" columbus_queen.gal "$COL" --id POLYID
same_nb "columbus rook" columbus_rook.gal "$COL" --id POLYID --type rook
for k in 4 6; do
    same_nb "columbus knn$k" columbus_knn$k.gal "$COL" --id POLYID --type knn --k $k --metric euclid
    same_nb "capitals knn$k" capitals_knn$k.gal "$P" --id adcode --type knn --k $k --points cap_lon,cap_lat --arc andoyer
    same_nb "capitals knn$k geodesic" capitals_knn$k.gal "$P" --id adcode --type knn --k $k --points cap_lon,cap_lat
done
for d in 800 1200; do
    same_nb "capitals band $d" capitals_dnn$d.gal "$P" --id adcode --type band --threshold $d --points cap_lon,cap_lat --arc andoyer
done
for d in 1.5 3; do
    same_nb "columbus band $d" columbus_dnn$d.gal "$COL" --id POLYID --type band --threshold $d --metric euclid
done

# --- contiguity on threads: a 50,000-cell Voronoi tessellation (the benchmark's
# build/tools/voronoi, made by `make check`), the same bytes on 1, 2 and 3 threads
VORONOI=${BUILD:-build}/tools/voronoi
[ "${VORONOI#/}" != "$VORONOI" ] || VORONOI=$ROOT/$VORONOI
if [ -x "$VORONOI" ]; then
    "$VORONOI" 50000 5 "$TMP/vor.gpkg"
    for ty in queen rook; do
        ok "$ty 50k Voronoi, 1 thread" "$SPILL" weights "$TMP/vor.gpkg" --id id --type $ty \
            --threads 1 -o "$TMP/vor1_$ty.gal"
        for t in 2 3; do
            ok "$ty 50k Voronoi, $t threads" "$SPILL" weights "$TMP/vor.gpkg" --id id --type $ty \
                --threads $t -o "$TMP/vor${t}_$ty.gal"
            check "$ty 50k Voronoi: $t threads give the bytes of 1" cmp -s "$TMP/vor1_$ty.gal" \
                "$TMP/vor${t}_$ty.gal"
        done
    done
    check "queen 50k Voronoi: about 6 neighbours each" \
        [ "$(winfo "$TMP/vor1_queen.gal" '"\(.n) \(.nnz > 290000 and .nnz < 310000)"')" = "50000 true" ]
    check "queen 50k Voronoi: one component, no islands" \
        [ "$(winfo "$TMP/vor1_queen.gal" '"\(.components) \(.islands | length)"')" = "1 0" ]
else
    echo "t_weights.sh: the thread checks need $VORONOI (make tools)"
fi
fails 1 "threads" "threads 0" "$SPILL" weights "$P" --threads 0 -o "$TMP/x.gal"

# --- bad input ----------------------------------------------------------------
fails 2 "no field 'nope'" "unknown id field" "$SPILL" weights "$P" --id nope -o "$TMP/x.gal"
fails 2 "duplicate id 'A'" "duplicate ids" "$SPILL" weights "$B/dup_ids.geojson" --id code -o "$TMP/x.gal"
fails 2 "unit 'B'.*empty or NULL geometry" "NULL geometry" "$SPILL" weights "$B/null_geom.geojson" --id code -o "$TMP/x.gal"
fails 2 "feature 2 has no value in id field" "missing id" "$SPILL" weights "$B/missing_id.geojson" --id code -o "$TMP/x.gal"
fails 2 "no CRS" "distance without CRS" "$SPILL" weights "$B/nocrs.csv" --id code --type knn --k 1 -o "$TMP/x.gal"
ok "euclid without CRS" "$SPILL" weights "$B/nocrs.csv" --id code --type knn --k 1 --metric euclid -o "$TMP/nocrs.gal"
ok "queen without CRS" "$SPILL" weights "$B/nocrs.csv" --id code -o "$TMP/nocrs_q.gal"
fails 2 "unit A.*lon 'abc' is not a finite number" "non-numeric coordinate" \
    "$SPILL" weights "$B/bad_coords.geojson" --id code --type knn --k 1 --points lon,lat -o "$TMP/x.gal"
fails 2 "'A' and 'B' sit at the same point" "idw at distance 0" \
    "$SPILL" weights "$B/same_point.geojson" --id code --type idw -o "$TMP/x.gal"
fails 2 "units 'A' and 'B' have the same mean" "econ equal means" \
    "$SPILL" weights "$B/nocrs.csv" --id code --type econ --data "$B/econ_ok.csv" --var gdp --years 2011-2011 -o "$TMP/x.gal"
fails 2 "row 6.*gdp 'x9' is not a finite number" "econ non-numeric" \
    "$SPILL" weights "$B/nocrs.csv" --id code --type econ --data "$B/econ_equal.csv" --var gdp -o "$TMP/x.gal"
fails 2 "1 unit of .* has no gdp data in --years: D" "econ unit without data" \
    "$SPILL" weights "$B/nocrs.csv" --id code --type econ --data "$B/econ_equal.csv" --var gdp --years 2010-2010 -o "$TMP/x.gal"
fails 2 "cannot open" "missing file" "$SPILL" weights "$TMP/none.shp" -o "$TMP/x.gal"
fails 1 "unknown --type" "unknown type" "$SPILL" weights "$P" --type hex -o "$TMP/x.gal"
fails 1 "unknown weights format" "unknown output format" "$SPILL" weights "$P" -o "$TMP/x.doc"
fails 1 "needs --k" "knn without k" "$SPILL" weights "$P" --type knn -o "$TMP/x.gal"
fails 1 "unknown option" "unknown option" "$SPILL" weights "$P" --colour red -o "$TMP/x.gal"
fails 1 "missing -o" "no output" "$SPILL" weights "$P"
fails 2 "no unit '999999'" "link to unknown id" "$SPILL" weights "$P" --id adcode --link 460000:999999 -o "$TMP/x.gal"
check "no partial outputs left" [ -z "$(ls "$TMP" | grep -E '^x\.|spill-tmp')" ]
finish t_weights.sh
