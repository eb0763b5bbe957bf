#!/bin/bash
# The README's console blocks are the demo's: scripts/demo.sh runs its steps
# and writes their console blocks to transcript.md; every ```console block of
# README.md must equal the demo block that starts with the same command (a
# README line "..." stands for lines left out).  Also `make install` into a
# scratch PREFIX.
source "$(dirname "$0")/lib.sh"
if [ -n "${SPILL_REAL:-}" ]; then # check-valgrind: the demo under valgrind is minutes
    echo "t_readme.sh: skipped under valgrind"
    finish t_readme.sh
    exit
fi
ok "the demo runs" bash "$ROOT/scripts/demo.sh" "$SPILL" "$TMP/demo"
check "the demo writes its transcript" [ -s "$TMP/demo/transcript.md" ]
# split FILE PREFIX: each ```console block of FILE into PREFIX.1, PREFIX.2, ...
split_blocks() {
    awk -v p="$2" '/^```console$/ { n++; on = 1; printf "" > (p "." n); next }
                   /^```$/ { on = 0; next } on { print > (p "." n) }' "$1"
}
split_blocks "$ROOT/README.md" "$TMP/readme"
split_blocks "$TMP/demo/transcript.md" "$TMP/demo"
# matches README_BLOCK DEMO_BLOCK: equal line by line, "..." skipping demo lines
matches() {
    awk 'NR == FNR { r[++a] = $0; next } { d[++b] = $0 }
         END { i = j = 1
               while (i <= a) {
                   if (r[i] == "...") { i++; if (i > a) exit 0
                                        while (j <= b && d[j] != r[i]) j++
                                        if (j > b) exit 1 }
                   else if (j <= b && d[j] == r[i]) { i++; j++ }
                   else { printf "  README line %d: %s\n  demo line %d: %s\n", i, r[i], j, d[j] > "/dev/stderr"; exit 1 } }
               exit !(j > b) }' "$1" "$2"
}
# command BLOCK: its first command with its "\" continuation lines
command() { awk '{ print } !/\\$/ { exit }' "$1"; }
nblocks=0
for r in "$TMP"/readme.*; do
    nblocks=$((nblocks + 1))
    first=$(command "$r")
    found=
    for d in "$TMP"/demo.*; do
        [ "$(command "$d")" = "$first" ] && found=$d && break
    done
    if [ -z "$found" ]; then
        fail "README block starting '$first' is not a demo block"
        continue
    fi
    check "README block '$(head -1 "$r" | cut -c1-60)...' equals the demo's" matches "$r" "$found"
done
check "the README has console blocks" [ "$nblocks" -ge 3 ]

# make install PREFIX=...: the binary under PREFIX/bin, its plugin under
# PREFIX/lib/spill (only for the plain build)
if [ -n "${BUILD:-}" ] && [ -x "$ROOT/$BUILD/spill" ] && [ "$ROOT/$BUILD/spill" -ef "$SPILL" ]; then
    ok "make install into a scratch PREFIX" make -s -C "$ROOT" --no-print-directory install BUILD="$BUILD" PREFIX="$TMP/prefix"
    check "installed binary runs" "$TMP/prefix/bin/spill" --help >/dev/null
    check "installed binary finds its GDAL plugin (reads a shapefile)" \
        env -u SPILL_PLUGIN_DIR "$TMP/prefix/bin/spill" weights "$SHP/china_provinces.shp" \
        -o "$TMP/installed.gal" 2>/dev/null
else
    echo "t_readme.sh: make install not tested (SPILL is not \$BUILD/spill)"
fi
finish t_readme.sh
