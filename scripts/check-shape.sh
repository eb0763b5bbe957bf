#!/bin/bash
# check-shape.sh: the code-shape rules of docs/design.md, checked.
#   1. no function over 80 lines unless the comment block before it says why,
#      with the words "over 80 lines" (lengths from Universal Ctags' end: field);
#   2. every exported symbol of a file starts with the file's prefix:
#      sp_NAME for core|spatial|io/sp_NAME.c, sp_cmd_NAME for io/cmd_NAME.c
#      (the name itself or prefix_...), except the documented exceptions below;
#   3. every .c file opens with a comment.
# Usage: scripts/check-shape.sh [BUILD]   (BUILD: the folder with the objects,
# default build; run `make` first).  Prints each violation and a summary line;
# exit status 1 when there is any.
cd "$(dirname "$0")/.." || exit 2
BUILD=${1:-build}
LIMIT=80
# Exported names outside their file's prefix, by rule (docs/design.md):
# the allocation wrappers live with the error state they record into, and the
# program's entry point.
# sp_plugin's wrappers carry the names of the plugin functions they stand for.
EXCEPT='^(sp_error:(sp_malloc|sp_calloc|sp_realloc|sp_strdup)|spill_main:main|sp_plugin:sp_.*)$'
bad=0

# --- 1. function lengths --------------------------------------------------------
long=0
while IFS=$'\t' read -r name file line end; do
    len=$((end - line + 1))
    [ "$len" -gt "$LIMIT" ] || continue
    long=$((long + 1))
    # the comment block just above the function (up to 30 lines)
    start=$((line > 30 ? line - 30 : 1))
    if sed -n "${start},$((line - 1))p" "$file" | grep -q "over $LIMIT lines"; then
        echo "long (explained): $file:$line $name() $len lines"
    else
        echo "LONG: $file:$line $name() $len lines, no reason given"
        bad=$((bad + 1))
    fi
done < <(ctags -x --c-kinds=f --_xformat='%N	%F	%n	%{end}' core/*.c spatial/*.c io/*.c 2>/dev/null)

# --- 2. exported names ------------------------------------------------------------
names=0
for o in "$BUILD"/core/*.o "$BUILD"/spatial/*.o "$BUILD"/io/*.o; do
    [ -f "$o" ] || continue
    base=$(basename "$o" .o)
    src=$(ls {core,spatial,io}/"$base".c 2>/dev/null | head -1)
    [ -n "$src" ] || continue # an object left from a renamed file
    case $base in
        cmd_*) prefix=sp_$base ;;
        sp_*) prefix=$base ;;
        *) prefix=sp_$base ;;
    esac
    while read -r sym; do
        names=$((names + 1))
        [ "$sym" = "$prefix" ] && continue
        [ "${sym#"$prefix"_}" != "$sym" ] && continue
        echo "$base:$sym" | grep -qE "$EXCEPT" && continue
        echo "PREFIX: $src exports $sym (want $prefix or ${prefix}_*)"
        bad=$((bad + 1))
    done < <(nm -g --defined-only "$o" | awk '$2 ~ /^[TDBR]$/ { print $3 }')
done

# --- 3. opening comments ----------------------------------------------------------
for f in core/*.c spatial/*.c io/*.c; do
    if ! head -1 "$f" | grep -q '^/\*'; then
        echo "COMMENT: $f does not open with a comment"
        bad=$((bad + 1))
    fi
done

echo "check-shape: $long functions over $LIMIT lines, $names exported names, $bad problems"
[ "$bad" -eq 0 ]
