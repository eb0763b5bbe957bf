#!/bin/bash
# CLI tests for `spill decouple`: Tapio elasticities and states of a China cities
# panel against an independent classification in R
# (tests/fixtures/distribution/decouple.csv), a hand-checked table, bad input.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dist_lib.sh"
CP=$DIST/cities_panel.csv
cmp_dec() {   # BASE FILE
    awk -F, -v b="\"$1\"" '
        function uq(s) { gsub(/"/, "", s); return s }
        NR == FNR { if ($1 == b) { k = $2 "|" $3 "|" $4; we[k] = uq($7); ws[k] = uq($8); n++ } next }
        FNR > 1 { k = $1 "|" $2 "|" $3; if (!(k in we)) next
            if (we[k] == "") good = $6 == ""; else { d = $6 - we[k]; if (d < 0) d = -d; s = we[k] < 0 ? -we[k] : we[k]; good = d <= 1e-12 * s }
            if (good && $8 == ws[k]) m++ }
        END { print m "/" n }' "$DIST/decouple.csv" "$2"
}
ok "consecutive periods" "$SPILL" decouple "$CP" --var x5 --driver x1 --id adcode --by year -o "$TMP/d.csv"
check "728 elasticities and states match R" [ "$(cmp_dec previous "$TMP/d.csv")" = 728/728 ]
check "text: the eight states and the undefined one" [ "$(grep -cE 'decoupling|coupling|undefined' "$OUT")" = 10 ]
ok "from the first period" "$SPILL" decouple "$CP" --var x5 --driver x1 --id adcode --by year --base first -o "$TMP/f.csv" --json
check "base first matches R" [ "$(cmp_dec first "$TMP/f.csv")" = 728/728 ]
check "JSON: results per interval with their by and from" [ "$(jq -c '[.results[] | [.by, .from, .n]]' "$OUT")" = "[[2018,2015,364],[2021,2015,364]]" ]
check "JSON: state counts add up" [ "$(jq '[.results[] | ([.states[].n] | add) == .n] | all' "$OUT")" = true ]
check "no driver change: elasticity empty, state 0" grep -q ",0,,0,undefined," "$TMP/d.csv"
check "state codes usable as Markov states" [ "$(head -1 "$TMP/d.csv")" = "adcode,from,to,growth_var,growth_driver,elasticity,state_code,state_en,state_zh" ]
# a hand-checked table: driver +10 % every time, pressure +8 % (e = 0.8: coupling), +13 %, -5 %
printf 'id,t,c,a\nA,1,100,100\nA,2,108,110\nB,1,100,100\nB,2,113,110\nC,1,100,100\nC,2,95,110\nD,1,100,100\nD,2,101,90\n' >"$TMP/hand.csv"
ok "hand table" "$SPILL" decouple "$TMP/hand.csv" --var c --driver a --id id --by t --json
check "0.8 is expansive coupling, 1.3 expansive negative, strong decoupling, strong negative" \
    [ "$(jq -c '[.results[0].units[] | .code]' "$OUT")" = "[4,6,1,8]" ]
ok "other bands" "$SPILL" decouple "$TMP/hand.csv" --var c --driver a --id id --by t --bands 0.9,1.5 --json
check "--bands 0.9,1.5: 0.8 is weak decoupling, 1.3 coupling" [ "$(jq -c '[.results[0].units[] | .code]' "$OUT")" = "[2,4,1,8]" ]
printf 'id,t,c,a\nA,1,100,100\nA,2,108,110\nB,1,100,100\n' >"$TMP/gap.csv"
ok "a unit missing in a period" "$SPILL" decouple "$TMP/gap.csv" --var c --driver a --id id --by t --json
check "is left out and counted" [ "$(jq '.results[0] | [.n, .left_out] == [1, 1]' "$OUT")" = true ] && grep -q "left out" "$ERR"
# --- bad input
printf 'id,t,c,a\nA,1,0,100\nA,2,108,110\n' >"$TMP/zero.csv"
fails 2 "unit A from 1 to 2: the base values must be positive" "zero base" "$SPILL" decouple "$TMP/zero.csv" --var c --driver a --id id --by t
printf 'id,t,c,a\nA,1,5,100\nB,1,4,110\n' >"$TMP/oneper.csv"
fails 2 "at least two periods" "one period" "$SPILL" decouple "$TMP/oneper.csv" --var c --driver a --id id --by t
fails 1 "are required" "no --driver" "$SPILL" decouple "$CP" --var x5 --id adcode --by year
fails 1 "--bands" "bad bands" "$SPILL" decouple "$CP" --var x5 --driver x1 --id adcode --by year --bands 1.2,0.8
fails 1 "--base" "bad base" "$SPILL" decouple "$CP" --var x5 --driver x1 --id adcode --by year --base last
check "no partial output" [ -z "$(ls "$TMP" | grep -E 'spill-tmp')" ]
finish t_decouple.sh
