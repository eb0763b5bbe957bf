#!/bin/bash
# --timing on every command (the contract: one line "spill CMD: timing:
# PHASE X s, ..." on stderr, nothing added to stdout).  The list of commands
# comes from `spill --help`, so a new command without a case here fails.
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
CP=$FIX/distribution/cities_panel.csv
CQ=$FIX/autocorr/china_queen.gal
F=$FIX/fit
D=$FIX/detector

# The arguments of one small run of command $1 (before --timing).
args_of() {
    case $1 in
    weights) echo "$P --id adcode -o $TMP/w.gal" ;;
    winfo) echo "$CQ" ;;
    moran) echo "$AI --w $CQ --id adcode --var ai_index --by year" ;;
    lisa) echo "$P --id adcode --data $AI --by year --var ai_index --w $CQ --perm 9 -o $TMP/l.gpkg" ;;
    hotspot) echo "$P --id adcode --data $AI --by year --var ai_index --w $CQ -o $TMP/h.gpkg" ;;
    ellipse) echo "$P --id adcode --weight ai_index --data $AI --by year -o $TMP/e.gpkg" ;;
    fit) echo "$F/columbus.csv --id POLYID --w $F/columbus_queen.gal --y CRIME --x INC,HOVAL" ;;
    map) echo "$P --id adcode --data $AI --by year --choropleth ai_index --width 3 --dpi 30 -o $TMP/m.png" ;;
    plot) echo "$AI --id adcode --by year --kde ai_index --width 3 --dpi 30 -o $TMP/k.png" ;;
    markov) echo "$AI --id adcode --by year --var ai_index --k 4" ;;
    detector) echo "$D/hand.csv --y y --x X,Z" ;;
    gini) echo "$AI --var ai_index --id adcode --by year --group region" ;;
    kde) echo "$AI --var ai_index --id adcode --by year --grid 16" ;;
    index) echo "$CP --ind x1,x2,x3 --id adcode --by year -o $TMP/i.csv" ;;
    decouple) echo "$CP --var x5 --driver x1 --id adcode --by year" ;;
    *) echo "" ;;
    esac
}

cmds=$("$SPILL" --help | awk '/^commands:/ {on = 1; next} on && NF {print $1}')
for cmd in $cmds; do
    case $cmd in run | merge) continue ;; esac   # job drivers: each task's own command times
    a=$(args_of "$cmd")
    if [ -z "$a" ]; then
        fail "$cmd: no --timing case in t_timing.sh"
        continue
    fi
    # shellcheck disable=SC2086
    ok "$cmd --timing runs" "$SPILL" $cmd $a --timing
    check "$cmd --timing prints one timing line on stderr" \
        [ "$(grep -cE "^spill $cmd: timing: [a-z ]+ [0-9]+\.[0-9]+ s(, [a-z ]+ [0-9]+\.[0-9]+ s)*$" "$ERR")" = 1 ]
    cp "$OUT" "$TMP/with"
    # shellcheck disable=SC2086
    "$SPILL" $cmd $a >"$TMP/without" 2>/dev/null
    check "$cmd --timing leaves stdout unchanged" cmp -s "$TMP/with" "$TMP/without"
done
check "the help lists the commands" [ "$(echo "$cmds" | wc -w)" -ge 15 ]
finish t_timing.sh
