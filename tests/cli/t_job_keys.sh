#!/bin/bash
# spill run JOB.yaml: an analysis' keys are its command's long options (fit's
# dynamic, unbalanced, w-by, sigma, strict, no-bias-correction; markov's where
# and standardize), beside the frame keys or under options:, each job's raw
# output the command's own; YAML lists for comma-list options (cutoffs, bands);
# the tables' reader options (encoding, sheet, skip-rows, wide); markov's
# matrices as the command prints them (--origin-columns); and the exit status
# of failed tasks, 100 + their number, with or without --keep-going.
source "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
AI=$SHP/ai_index_province.csv
PW=$FIX/panel/provinces.gal
# the command line of analysis $2 in job $1 (--dry-run), run alone in folder $3
alone() {
    local argv
    argv=$("$SPILL" run "$1" --dry-run | sed -n "s/^$2: //p")
    (cd "$3" && eval "'$SPILL' $argv" 2>/dev/null)
}

cat >fit.yaml <<EOF
inputs:
  tables:
    dyn: {file: $FIX/dynamic/dyn_panel.csv, id: adcode, time: year}
    unb: {file: $FIX/unbalanced/panel.csv, id: adcode, time: year}
weights:
  w: {file: $PW}
  wt: {file: "$FIX/unbalanced/w_{}.gal"}
analyses:
  - {name: dyn, command: fit, data: dyn, y: y, x: [x1, x2], w: w, dynamic: time, no-bias-correction: true}
  - {name: dyn_opt, command: fit, data: dyn, y: y, x: [x1, x2], w: w, options: {dynamic: both, consecutive-periods: true}}
  - {name: unb, command: fit, data: unb, y: y, x: [x1, x2], w: w, unbalanced: true, strict: true}
  - {name: unb_wby, command: fit, data: unb, y: y, x: [x1, x2], w: wt, w-by: year, unbalanced: true}
  - {name: ols, command: fit, data: dyn, y: y, x: [x1, x2], w: w, model: ols, fe: none, sigma: ml}
EOF
ok "fit's dynamic, unbalanced, w-by, sigma, strict, no-bias-correction in a job" \
    "$SPILL" run fit.yaml -o fit --quiet
for a in dyn dyn_opt unb unb_wby ols; do
    alone fit.yaml "$a" fit >"$a.json"
    check "job fit $a: raw JSON is spill fit's own" cmp -s "$a.json" "fit/raw/$a.json"
done
check "dynamic: time, no-bias-correction: true on the command line" \
    bash -c "'$SPILL' run fit.yaml --dry-run | grep '^dyn:' | grep -q -- '--dynamic time --no-bias-correction'"
check "options: {dynamic: both} reaches fit" [ "$(jq -r .dynamic fit/raw/dyn_opt.json)" = both ]
check "unbalanced: true reaches fit (34 unit-periods missing)" [ "$(jq .unbalanced.missing fit/raw/unb.json)" = 34 ]
check "w-by: a matrix per period (file w_{}.gal)" bash -c "'$SPILL' run fit.yaml --dry-run | grep '^unb_wby:' | grep -q -- '--w $FIX/unbalanced/w_{}.gal --w-by year'"

cat >mk.yaml <<EOF
inputs:
  boundaries: $SHP/china_provinces.shp
  id: adcode
  tables:
    ai: {file: $AI, id: adcode, time: year}
weights:
  queen: {type: queen, link: "460000:440000"}
analyses:
  - {name: mc, command: markov, var: ai_index, by: year, k: 3, origin-columns: true}
  - {name: mr, command: markov, var: ai_index, by: year, k: 3}
  - {name: smc, command: markov, var: ai_index, by: year, k: 3, w: queen, origin-columns: true, standardize: none}
  - {name: cut, command: markov, var: ai_index, by: year, cutoffs: [2, 8], where: "region=East,Central"}
  - {name: dec, command: decouple, var: ai_index, driver: ai_index, by: year, bands: [0.5, 1.5]}
EOF
ok "markov where, standardize, origin-columns and list values in a job" "$SPILL" run mk.yaml -o mk --quiet
check "cutoffs: [2, 8] is --cutoffs 2,8" bash -c "'$SPILL' run mk.yaml --dry-run | grep '^cut:' | grep -q -- '--cutoffs 2,8 --where region=East,Central'"
check "bands: [0.5, 1.5] is --bands 0.5,1.5" bash -c "'$SPILL' run mk.yaml --dry-run | grep '^dec:' | grep -q -- '--bands 0.5,1.5'"
alone mk.yaml cut mk >cut.json
check "markov cutoffs and where in a job: the command's own JSON" cmp -s cut.json mk/raw/cut.json
check "markov where: in a job keeps East and Central" [ "$(jq '.n[0]' mk/raw/cut.json)" -lt 30 ]
"$SPILL" markov "$AI" --id adcode --var ai_index --by year --k 3 --origin-columns --csv >own.csv 2>/dev/null
check "origin-columns: the job's transitions are the command's (origins in columns)" \
    cmp -s <(sed -n 1,4p own.csv) mk/tables/mc_transitions.csv
check "origin-columns: p too" \
    cmp -s <(sed -n 6,9p own.csv | cut -d, -f1) <(cut -d, -f1 mk/tables/mc_p.csv)
check "origin-columns: p's column 1 sums to 1 (origin 1 in a column)" \
    [ "$(awk -F, 'NR > 1 { s += $2 } END { printf "%.6f", s }' mk/tables/mc_p.csv)" = 1.000000 ]
"$SPILL" markov "$AI" --id adcode --var ai_index --by year --k 3 --csv >rows.csv 2>/dev/null
check "without it: origins in rows, headed from \\ to, as the command" \
    cmp -s <(sed -n 1,4p rows.csv | cut -d, -f1-4) mk/tables/mr_transitions.csv
check "the spatial chain's conditional matrices follow origin-columns" \
    [ "$(head -1 mk/tables/smc_conditional_1_p.csv)" = 'to \ from,1,2,3' ]
check "LaTeX: the corner's backslash is \\textbackslash{}" grep -q 'to \\textbackslash{} from' mk/tables/mc_p.tex

R=$FIX/readers
cat >read.yaml <<EOF
inputs:
  tables:
    gbk: {file: $R/ai_index_gbk.csv, id: 代码, time: 年份, encoding: GBK}
    xl: {file: $R/ai_wide.xlsx, id: adcode, sheet: 指数, skip-rows: 2, wide: ai}
weights:
  w: {file: $PW}
analyses:
  - {name: m_gbk, command: moran, data: gbk, var: 人工智能指数, by: 年份, w: w}
  - {name: m_xl, command: moran, data: xl, var: ai, by: year, w: w}
EOF
ok "tables with encoding, sheet, skip-rows and wide" "$SPILL" run read.yaml -o read --quiet
check "encoding: GBK on the command line, no detection warning" \
    bash -c "'$SPILL' run read.yaml --dry-run | grep '^m_gbk:' | grep -q -- '--encoding GBK' && ! grep -q warning read/raw/m_gbk.log"
check "sheet, skip-rows and wide on the command line" \
    bash -c "'$SPILL' run read.yaml --dry-run | grep '^m_xl:' | grep -q -- '--sheet 指数 --skip-rows 2 --wide ai'"
check "the wide sheet gives the CSV's Moran's I" \
    [ "$(jq -c '[.results[].I]' read/raw/m_xl.json)" = "$(jq -c '[.results[].I]' read/raw/m_gbk.json)" ]

# a task that fails: exit 100 + the number failed, with or without --keep-going
cat >fail.yaml <<EOF
inputs:
  tables:
    ai: {file: $AI, id: adcode, time: year}
analyses:
  - {name: ok, command: gini, var: ai_index, by: year}
  - {name: k40, command: markov, var: ai_index, by: year, k: 40}
EOF
fails 101 "1 task failed; nothing written" "a failed task without --keep-going: exit 101" \
    "$SPILL" run fail.yaml -o failed --quiet
check "nothing written after the failure" [ ! -e failed ]
fails 101 "k40: FAILED" "a failed task with --keep-going: exit 101" \
    "$SPILL" run fail.yaml -o kept --quiet --keep-going
check "--keep-going writes the others" [ -s kept/tables/ok.csv ]
finish t_job_keys.sh
