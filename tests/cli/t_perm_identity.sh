#!/bin/bash
# CLI tests: the permutation kernels give the numbers of the kernels before
# issue 17's rewrite (lookup lags from a table of values, the global Moran's
# locality order), bit for bit, with 1 and 2 threads: lisa and hotspot (exact
# and lookup; the p-values are the permutation counts) and moran (p, z, mean
# and sd of the permuted I and C to 17 digits) on a 50k Voronoi tessellation
# (build/tools/voronoi 50000 7) and the bundled China cities.  The fixture
# tests/fixtures/perm/identity.txt holds a SHA-256 per case, made by
#   PRINT=1 SPILL=OLD/spill BUILD=OLD tests/cli/t_perm_identity.sh
# with the binary of commit 0311cb9 (main before the rewrite); the
# v50-moran-scattered and v50-moran-odd lines (added with the ring of
# interleaved vectors) with c60831e's, whose kernels give all the other lines.  The global Moran's
# vector paths, and the exact local scheme's AVX-512 lanes, are checked
# against the same lines with SPILL_SIMD=plain/avx2.
source "$(dirname "$0")/lib.sh"
VOR=${BUILD:+$(readlink -f "$BUILD/tools/voronoi")} # BUILD may be relative to here
[ -x "$VOR" ] || VOR=$ROOT/build/tools/voronoi
cd "$TMP" || exit 1

# stat_cols CSV NAME...: the named columns of a layer written as CSV (the WKT
# column dropped, quotes removed, numbers as %.10g: the p-values are exact
# multiples of 1/(perm + 1), so this pins the counts, whatever the writer's
# number format)
stat_cols() {
    local f=$1 strip=; shift
    [ "$(head -c 4 "$f")" = WKT, ] && strip='s/^"[^"]*",//; 1s/^WKT,//;'
    sed "$strip"' s/"//g' "$f" | awk -F, -v want="$*" '
        NR == 1 { n = split(want, w, " "); for (i = 1; i <= NF; i++) col[$i] = i; next }
        { line = ""; for (k = 1; k <= n; k++) { v = $(col[w[k]])
              if (v ~ /^-?[0-9.]+(e-?[0-9]+)?$/) v = sprintf("%.10g", v)
              line = line (k > 1 ? "," : "") v }
          print line }'
}
moran_cols() { jq -c '[.results[] | .p_perm, .z_perm, .mean_perm, .sd_perm, .geary.p_perm,
    .geary.z_perm, .geary.mean_perm, .geary.sd_perm]' "$1"; }

# case NAME THREADS KIND CMD...: runs CMD (writing out.csv, or JSON on stdout
# for KIND moran) and prints "NAME sha256" of its statistic columns
hash_case() {
    local name=$1 threads=$2 kind=$3; shift 3
    rm -f out.csv
    "$@" --threads "$threads" >out.json 2>"$ERR" || { echo "$name failed: $(head -c 300 "$ERR")"; return; }
    case $kind in
        lisa) stat_cols out.csv "$ID" LMiPValue COType ;;
        hotspot) stat_cols out.csv "$ID" GiPValue Gi_Bin ;;
        moran) moran_cols out.json ;;
    esac | sha256sum | awk -v n="$name" '{ print n, $1 }'
}

cases() { # THREADS: every case with that thread count
    local t=$1
    ID=id
    hash_case v50-lisa-exact "$t" lisa "$SPILL" lisa d50.csv --id id --var x --w w50.gal --perm 99 -o out.csv
    hash_case v50-lisa-lookup "$t" lisa "$SPILL" lisa d50.csv --id id --var x --w w50.gal --perm 199 --perm-method lookup -o out.csv
    hash_case v50-hotspot-exact "$t" hotspot "$SPILL" hotspot d50.csv --id id --var x --w w50.gal --perm 99 -o out.csv
    hash_case v50-hotspot-lookup "$t" hotspot "$SPILL" hotspot d50.csv --id id --var x --w w50.gal --perm 199 --perm-method lookup -o out.csv
    hash_case v50-moran "$t" moran "$SPILL" moran d50.csv --id id --var x --w w50.gal --perm 199 --json
    # rows in a scattered order: W in the data's order has far neighbours
    hash_case v50-moran-scattered "$t" moran "$SPILL" moran d50s.csv --id id --var x --w w50.gal --perm 199 --json
    # 50,001 units (an island added): n not a multiple of 4 with a ring smaller than n
    hash_case v50-moran-odd "$t" moran "$SPILL" moran d50i.csv --id id --var x --w w50i.gal --perm 199 --json
    ID=adcode
    local C=("$SHP/china_cities.shp" --id adcode --var seat_lat --w cq.gal)
    hash_case cities-lisa-exact "$t" lisa "$SPILL" lisa "${C[@]}" --perm 999 -o out.csv
    hash_case cities-lisa-lookup "$t" lisa "$SPILL" lisa "${C[@]}" --perm 199 --perm-method lookup -o out.csv
    hash_case cities-hotspot-exact "$t" hotspot "$SPILL" hotspot "${C[@]}" --perm 999 -o out.csv
    hash_case cities-hotspot-lookup "$t" hotspot "$SPILL" hotspot "${C[@]}" --perm 199 --perm-method lookup -o out.csv
    hash_case cities-moran "$t" moran "$SPILL" moran "${C[@]}" --perm 999 --json
}

check "the Voronoi tool is built" [ -x "$VOR" ]
ok "50k Voronoi cells" "$VOR" 50000 7 v50.gpkg
ok "their queen weights" "$SPILL" weights v50.gpkg --id id -o w50.gal
awk 'BEGIN { print "id,x"; for (i = 1; i <= 50000; i++) printf "%d,%d\n", i, (i * 7919) % 10007 }' >d50.csv
awk 'NR == 1 { $2 = $2 + 1 } { print } END { print "50001 0"; print "" }' w50.gal >w50i.gal
{ cat d50.csv; echo "50001,17"; } >d50i.csv
{ head -1 d50.csv; tail -n +2 d50.csv | awk -F, '{ print ($1 * 7919) % 50021 "," $0 }' | sort -t, -k1,1n | cut -d, -f2-; } >d50s.csv
ok "the cities' queen weights" "$SPILL" weights "$SHP/china_cities.shp" --id adcode -o cq.gal
if [ -n "$PRINT" ]; then
    cases 1
    exit 0
fi
cases 1 >t1.txt
cases 2 >t2.txt
check "1 thread: the numbers of the kernels before the rewrite" diff "$FIX/perm/identity.txt" t1.txt
check "2 threads: the same" diff "$FIX/perm/identity.txt" t2.txt
# the global Moran's vector paths (SPILL_SIMD caps them) give the same bits as the plain C one;
# under valgrind (SPILL_REAL set: no AVX-512 there, so the runs above took AVX2) plain only
levels="plain avx2"
[ -n "${SPILL_REAL:-}" ] && levels=plain
for level in $levels; do
    for c in v50-moran v50-moran-scattered v50-moran-odd cities-moran; do
        grep "^$c " "$FIX/perm/identity.txt"
    done >want-$level.txt
    { ID=id; SPILL_SIMD=$level hash_case v50-moran 1 moran "$SPILL" moran d50.csv --id id --var x --w w50.gal --perm 199 --json
      SPILL_SIMD=$level hash_case v50-moran-scattered 1 moran "$SPILL" moran d50s.csv --id id --var x --w w50.gal --perm 199 --json
      SPILL_SIMD=$level hash_case v50-moran-odd 1 moran "$SPILL" moran d50i.csv --id id --var x --w w50i.gal --perm 199 --json
      ID=adcode; SPILL_SIMD=$level hash_case cities-moran 1 moran "$SPILL" moran "$SHP/china_cities.shp" --id adcode --var seat_lat --w cq.gal --perm 999 --json
    } >got-$level.txt
    check "moran with SPILL_SIMD=$level: the same numbers" diff want-$level.txt got-$level.txt
done
# lisa's and hotspot's exact scheme: AVX-512 lanes where the CPU has them, the scalar
# draws with SPILL_SIMD=plain or avx2 (the same bits)
for level in $levels; do
    for c in v50-lisa-exact v50-hotspot-exact cities-lisa-exact; do
        grep "^$c " "$FIX/perm/identity.txt"
    done >want-local-$level.txt
    { ID=id; SPILL_SIMD=$level hash_case v50-lisa-exact 2 lisa "$SPILL" lisa d50.csv --id id --var x --w w50.gal --perm 99 -o out.csv
      SPILL_SIMD=$level hash_case v50-hotspot-exact 2 hotspot "$SPILL" hotspot d50.csv --id id --var x --w w50.gal --perm 99 -o out.csv
      ID=adcode; SPILL_SIMD=$level hash_case cities-lisa-exact 1 lisa "$SPILL" lisa "$SHP/china_cities.shp" --id adcode --var seat_lat --w cq.gal --perm 999 -o out.csv
    } >got-local-$level.txt
    check "lisa and hotspot exact with SPILL_SIMD=$level: the same numbers" diff want-local-$level.txt got-local-$level.txt
done
finish t_perm_identity
