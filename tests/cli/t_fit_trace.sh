#!/bin/bash
# CLI tests for traceable batches: fit --json records its inputs (files with
# their SHA-256, variables, options, seed, version, command line); fit -o FILE
# in every format, atomically; spill run - reads the jobs from stdin;
# --effects on a model without spillovers is a warning.
source "$(dirname "$0")/lib.sh"
F=$FIX/fit
FIT="$F/columbus.csv --id POLYID --w $F/columbus_queen.gal --y CRIME --x INC,HOVAL"
# shellcheck disable=SC2086
ok "fit --json" "$SPILL" fit $FIT --model sdm --effects --draws 200 --seed 7 --json
inp() { jq -c ".inputs$1" "$OUT"; }
check "inputs: data file and its sha256" [ "$(inp .data.sha256)" = "\"$(sha256sum "$F/columbus.csv" | cut -c1-64)\"" ]
check "inputs: data path and bytes" [ "$(inp '.data | [.path, .bytes]')" = "[\"$F/columbus.csv\",$(wc -c <"$F/columbus.csv")]" ]
check "inputs: weights file and its sha256" [ "$(inp .weights.sha256)" = "\"$(sha256sum "$F/columbus_queen.gal" | cut -c1-64)\"" ]
check "inputs: y, x, id" [ "$(inp '| [.y, .x, .id]')" = '["CRIME",["INC","HOVAL"],"POLYID"]' ]
check "inputs: model, fe, effects, draws, seed" [ "$(inp '| [.model, .fe, .effects, .draws, .seed]')" = '["sdm","none",true,200,7]' ]
check "inputs: spill version = spill --version" [ "$(inp .spill_version)" = "\"$("$SPILL" --version | awk '{ print $NF }')\"" ]
check "inputs: the command line" [ "$(inp '.command[0:2]')" = "[\"fit\",\"$F/columbus.csv\"]" ]
ok "fit --json, panel" "$SPILL" fit "$FIX/panel/provinces_panel.csv" --panel adcode,year --w "$FIX/panel/provinces.gal" --y y --x x1,x2 --json
check "inputs: panel id and time, fe" [ "$(inp '| [.id, .time, .fe, .lee_yu]')" = '["adcode","year","twoway","elhorst"]' ]

# -o FILE: every format, the same bytes as stdout, nothing on stdout
for fmt in json csv markdown latex text; do
    flag=--$fmt
    [ $fmt = text ] && flag=
    # shellcheck disable=SC2086
    "$SPILL" fit $FIT --model sar $flag >"$TMP/stdout.$fmt" 2>/dev/null
    # shellcheck disable=SC2086
    ok "fit -o FILE ($fmt)" "$SPILL" fit $FIT --model sar $flag -o "$TMP/out.$fmt"
    check "-o FILE ($fmt): nothing on stdout" [ ! -s "$OUT" ]
    if [ $fmt = json ]; then # the recorded command line differs: compare the rest
        check "-o FILE (json) = stdout's" [ "$(jq -c 'del(.inputs.command)' "$TMP/out.json")" = "$(jq -c 'del(.inputs.command)' "$TMP/stdout.json")" ]
    else
        check "-o FILE ($fmt) = stdout's" cmp -s "$TMP/out.$fmt" "$TMP/stdout.$fmt"
    fi
done
awk -F, 'NR == 1 { print $0 ",C2" } NR > 1 { print $0 ",7" }' "$F/columbus.csv" >"$TMP/const.csv"
fails 3 "collinear|singular|constant|vary" "failed fit with -o" \
    "$SPILL" fit "$TMP/const.csv" --id POLYID --w "$F/columbus_queen.gal" --y CRIME --x INC,C2 --json -o "$TMP/failed.json"
check "failed fit: no output file" [ ! -e "$TMP/failed.json" ]

# spill run -: jobs from stdin
printf 'fit %s --model sar --json -o %s\nfit %s --model ols --csv -o %s\n' "$FIT" "$TMP/r1.json" "$FIT" "$TMP/r2.csv" >"$TMP/jobs.txt"
ok "spill run - (stdin)" bash -c "'$SPILL' run - < '$TMP/jobs.txt'"
check "run -: first job's output" [ "$(jq -r .model "$TMP/r1.json")" = sar ]
check "run -: second job's output" grep -q "^term,estimate" "$TMP/r2.csv"
check "run -: jobs named by line" grep -q "^spill run: -:2: spill fit" "$ERR"

# --effects without spillovers: a warning, the fit runs
for m in ols sem; do
    # shellcheck disable=SC2086
    ok "--effects on $m: runs" "$SPILL" fit $FIT --model $m --effects --json
    check "--effects on $m: warning" grep -q "warning: --effects: a $m model has no spillovers" "$ERR"
    check "--effects on $m: no effects in the JSON" [ "$(jq 'has("effects")' "$OUT")" = false ]
done
finish t_fit_trace.sh
