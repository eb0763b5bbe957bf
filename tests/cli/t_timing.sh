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
    case $cmd in run | merge) continue ;; esac   # the job drivers: below
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
# the job drivers: their own phases (each task's command times itself)
timing_line() { [ "$(grep -cE "^spill $1: timing: $2$" "$ERR")" = 1 ]; }
cat >"$TMP/job.yaml" <<EOF
inputs:
  tables:
    ai: {file: $AI, id: adcode, time: year}
analyses:
  - {name: kde_ai, command: kde, data: ai, var: ai_index, by: year}
  - {name: gini_ai, command: gini, data: ai, var: ai_index, by: year, group: region}
EOF
ok "run JOB.yaml --timing" "$SPILL" run "$TMP/job.yaml" -o "$TMP/job1" --quiet --timing
check "run --timing: validate, weights, analyses, report" \
    timing_line run "validate [0-9.]+ s, weights [0-9.]+ s, analyses [0-9.]+ s, report [0-9.]+ s"
echo "winfo $CQ" >"$TMP/job.txt"
ok "run JOBFILE --timing" "$SPILL" run "$TMP/job.txt" --timing
check "run JOBFILE --timing: the commands' total" timing_line run "commands [0-9.]+ s"
L=("$SPILL" lisa "$FIX/data/columbus.shp" --id POLYID --w "$FIX/autocorr/columbus_queen.gal" --var CRIME --perm 9)
"${L[@]}" --shard 1/2 -o "$TMP/s1.csv" 2>/dev/null
"${L[@]}" --shard 2/2 -o "$TMP/s2.csv" 2>/dev/null
ok "merge shard outputs --timing" "$SPILL" merge -o "$TMP/sm.csv" "$TMP/s1.csv" "$TMP/s2.csv" --timing
check "merge --timing: merge" timing_line merge "merge [0-9.]+ s"
"$SPILL" run "$TMP/job.yaml" -o "$TMP/jp1" --shard 1/2 --quiet 2>/dev/null
"$SPILL" run "$TMP/job.yaml" -o "$TMP/jp2" --shard 2/2 --quiet 2>/dev/null
ok "merge shard folders --timing" "$SPILL" merge -o "$TMP/jm" "$TMP/jp1" "$TMP/jp2" --timing
check "merge --timing: check, copy, report" timing_line merge "check [0-9.]+ s, copy [0-9.]+ s, report [0-9.]+ s"
check "the help lists the commands" [ "$(echo "$cmds" | wc -w)" -ge 15 ]
finish t_timing.sh
