#!/bin/bash
# Every randomised command gives the same bytes with 1 and 2 threads for the
# same seed, and different numbers for another seed.
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
"$SPILL" weights "$P" --id adcode --link 460000:440000 -o "$TMP/w.gal" 2>/dev/null

same_bytes() { # DESC EXT ARGS...: run with --threads 1 and 2 (OUTPUT: the output file)
    local desc=$1 ext=$2; shift 2
    local args=() out=$TMP/out.$ext
    for arg in "$@"; do args+=("${arg//OUTPUT/$out}"); done
    "$SPILL" "${args[@]}" --threads 1 >"$TMP/o1" 2>/dev/null
    [ "$ext" = none ] || mv "$out" "$TMP/f1"
    "$SPILL" "${args[@]}" --threads 2 >"$TMP/o2" 2>/dev/null
    [ "$ext" = none ] || mv "$out" "$TMP/f2"
    if [ -s "$TMP/o1" ] && cmp -s "$TMP/o1" "$TMP/o2" &&
        { [ "$ext" = none ] || cmp -s "$TMP/f1" "$TMP/f2"; }; then
        pass
    else
        fail "$desc: output differs between 1 and 2 threads"
    fi
}
differs() { ! cmp -s "$1" "$2"; }
same_bytes "moran --perm" none moran "$AI" --w "$TMP/w.gal" --id adcode --var ai_index --by year --perm 999 --json
same_bytes "lisa --perm" csv lisa "$P" --id adcode --data "$AI" --var ai_index --by year --w "$TMP/w.gal" --perm 999 -o OUTPUT --json
same_bytes "hotspot --perm" csv hotspot "$P" --id adcode --data "$AI" --var ai_index --by year --w "$TMP/w.gal" --perm 999 -o OUTPUT --json
"$SPILL" moran "$AI" --w "$TMP/w.gal" --id adcode --var ai_index --by year --perm 999 --json --seed 7 >"$TMP/s7" 2>/dev/null
"$SPILL" moran "$AI" --w "$TMP/w.gal" --id adcode --var ai_index --by year --perm 999 --json --seed 8 >"$TMP/s8" 2>/dev/null
check "another seed gives other permutations" differs "$TMP/s7" "$TMP/s8"
if "$SPILL" fit --help >/dev/null 2>&1 && [ -f "$FIX/fit/columbus.csv" ]; then
    same_bytes "fit --effects draws" none fit "$FIX/fit/columbus.csv" --w "$FIX/fit/columbus_queen.gal" \
        --id POLYID --y CRIME --x INC,HOVAL --effects --draws 500 --json
    same_bytes "fit sparse path (threaded power traces)" none fit "$FIX/fit/columbus.csv" \
        --w "$FIX/fit/columbus_queen.gal" --id POLYID --y CRIME --x INC,HOVAL --effects \
        --draws 500 --logdet chol --json
fi
finish t_determinism.sh
