#!/bin/bash
# CLI tests for `spill decouple --base previous` on a panel with a missing
# year (docs/panel.md, "Gaps between periods"): an error naming the gap by
# default; --gaps skip leaves the interval across it out (the others equal
# the elasticities computed by an awk one-liner from the data);
# --consecutive-periods equals the panel relabelled 1..4.
source "$(dirname "$0")/lib.sh"
D=$TMP/gap.csv
printf 'id,t,c,a\nA,2010,100,100\nA,2011,108,110\nA,2013,120,115\nA,2014,118,120\nB,2010,100,100\nB,2011,113,110\nB,2013,110,130\nB,2014,100,120\n' >"$D"
dec() { "$SPILL" decouple "$1" --var c --driver a --id id --by t "${@:2}"; }

fails 2 "gap.csv: period 2012 is missing between 2011 and 2013: the period before t 2013 in the data is not t-1, so the change into it spans more than one period.*--gaps skip.*--consecutive-periods" \
    "a missing year is an error naming it" dec "$D" -o "$TMP/o.csv"
check "no output file on the error" [ ! -e "$TMP/o.csv" ]
ok "--base first: no t-1, no gap check" dec "$D" --base first --json
check "--base first: three intervals" [ "$(jq '.results | length' "$OUT")" = 3 ]

ok "--gaps skip" dec "$D" --gaps skip -o "$TMP/skip.csv" --json
check "skip: the intervals 2010-2011 and 2013-2014 only" \
    [ "$(jq -c '[.results[] | [.from, .by, .n]]' "$OUT")" = '[[2010,2011,2],[2013,2014,2]]' ]
check "skip: JSON names the gap" \
    [ "$(jq -c '[.gaps, .period_gaps]' "$OUT")" = '["skip",[{"period":"2013","previous":"2011","note":"period 2012 is missing between 2011 and 2013"}]]' ]
check "skip: stderr says the interval is left out" grep -q "the interval 2011-2013 spans a gap and is left out" "$ERR"
# the elasticities of the intervals one year apart, by an awk one-liner
want=$(awk -F, 'NR > 1 { if ($1 == id && $2 == t + 1) printf "%s,%s,%s,%.12g\n", $1, t, $2,
           (($3 - c) / c) / (($4 - a) / a); id = $1; t = $2; c = $3; a = $4 }' "$D" | sort)
got=$(awk -F, 'NR > 1 { printf "%s,%s,%s,%.12g\n", $1, $2, $3, $6 }' "$TMP/skip.csv" | sort)
check "skip: elasticities = the awk one-liner on the one-year intervals" [ "$got" = "$want" ]
check "skip: four rows" [ "$(echo "$got" | wc -l)" = 4 ]
ok "--gaps skip, table" dec "$D" --gaps skip
check "table: no column for 2011-2013" [ "$(grep -c '2011-2013' "$OUT")" = 0 ]

awk -F, -v OFS=, 'NR == 1 { print; next } { $2 = $2 - 2009 - ($2 > 2012); print }' "$D" >"$TMP/relab.csv"
ok "relabelled 1..4" dec "$TMP/relab.csv" -o "$TMP/relab_o.csv"
ok "--consecutive-periods" dec "$D" --consecutive-periods -o "$TMP/cp.csv" --json
check "--consecutive-periods: period_order says so" \
    grep -q '"period_order": "--consecutive-periods: the sorted labels are taken as consecutive' "$OUT"
check "--consecutive-periods = the relabelled panel (every column but the labels)" \
    [ "$(cut -d, -f1,4- "$TMP/cp.csv")" = "$(cut -d, -f1,4- "$TMP/relab_o.csv")" ]
check "three intervals" [ "$(jq '.results | length' "$OUT")" = 3 ]
fails 1 "--gaps goes with --base previous" "--gaps with --base first" dec "$D" --base first --gaps skip
finish t_decouple_gaps
