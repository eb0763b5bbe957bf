#!/bin/bash
# CLI tests for `spill markov` on a panel with missing years (docs/panel.md,
# "Gaps between periods"): the US state incomes without 1950, 1970 and 1971.
# The default is an error naming the gap; --gaps skip leaves the transitions
# across a gap out (counts against scripts/ref-markov-gaps.py, and against the
# sum of the runs on the gap-free stretches); --consecutive-periods equals the
# run on the same panel relabelled 1..78.
source "$(dirname "$0")/lib.sh"
M=$FIX/markov
REF=$M/us_gaps_skip.json
GAL=$M/states48.gal
GAP=$TMP/gap.csv
awk -F, 'NR == 1 || ($4 != 1950 && $4 != 1970 && $4 != 1971)' "$M/usjoin_long.csv" >"$GAP"
mk() { "$SPILL" markov "$1" --id id --by year --var pci "${@:2}"; }
same() { [ "$(jq -c "$1" "$OUT")" = "$(jq -c "$2" "$REF")" ]; }

fails 2 "gap.csv: period 1950 is missing between 1949 and 1951: the period before year 1951 in the data is not t-1, so a transition across the gap spans more than 1 period .*\(and more gaps after it\).*--gaps skip.*--consecutive-periods" \
    "a missing year is an error naming it" mk "$GAP" --json
check "no output on the error" [ ! -s "$OUT" ]
fails 2 "period 1950 is missing between 1949 and 1951" "the LISA Markov too" mk "$GAP" --w "$GAL" --lisa
fails 2 "period 1950 is missing between 1949 and 1951" "the spatial Markov too" mk "$GAP" --w "$GAL" --relative

ok "--gaps skip" mk "$GAP" --gaps skip --json
check "classic counts = ref-markov-gaps.py" same .transitions .classic.transitions
check "96 transitions left out (2 gaps x 48 states)" [ "$(jq .skipped_transitions "$OUT")" = 96 ]
check "JSON: gaps skip and both gaps named" \
    [ "$(jq -c '[.gaps, [.period_gaps[] | [.previous, .period, .note]]]' "$OUT")" = \
      '["skip",[["1949","1951","period 1950 is missing between 1949 and 1951"],["1969","1972","periods 1970..1971 are missing between 1969 and 1972"]]]' ]
check "JSON: period_order states the step" \
    [ "$(jq -r .period_order "$OUT")" = "numeric labels, step 1: t-1 is the period one step before" ]
check "stderr counts what was left out" grep -q "96 transitions across gaps between the year labels left out" "$ERR"
ok "--gaps skip, relative, k 4, lag 3" mk "$GAP" --gaps skip --relative --k 4 --lag 3 --json
check "lag 3 counts = ref-markov-gaps.py" same .transitions .relative_lag3.transitions
check "lag 3: 6 origins x 48 left out" [ "$(jq .skipped_transitions "$OUT")" = 288 ]
ok "--gaps skip, spatial" mk "$GAP" --gaps skip --relative --w "$GAL" --json
check "spatial: classic counts = ref-markov-gaps.py" same .transitions .spatial.transitions
check "spatial: conditional counts = ref-markov-gaps.py" same '[.conditional[].transitions]' .spatial.conditional
ok "--gaps skip, LISA" mk "$GAP" --gaps skip --w "$GAL" --lisa --json
check "LISA counts = ref-markov-gaps.py" same .transitions .lisa.transitions
check "LISA: 96 left out" [ "$(jq .skipped_transitions "$OUT")" = 96 ]
ok "--gaps skip, text" mk "$GAP" --gaps skip
check "text: the header says what was left out" \
    grep -q "^--gaps skip: 96 transitions across gaps between the year labels left out" "$OUT"

# the same counts as the sum of the runs on the three gap-free stretches
sum=$TMP/sum.json
echo '[]' >"$sum"
for r in '$4 < 1950' '$4 > 1950 && $4 < 1970' '$4 > 1971'; do
    awk -F, "NR == 1 || ($r)" "$M/usjoin_long.csv" >"$TMP/part.csv"
    mk "$TMP/part.csv" --json | jq -c .transitions >>"$TMP/parts"
done
parts=$(jq -s -c 'transpose | map(transpose | map(add))' "$TMP/parts")
ok "--gaps skip again" mk "$GAP" --gaps skip --json
check "skip = the sum of the gap-free stretches" [ "$(jq -c .transitions "$OUT")" = "$parts" ]

# --consecutive-periods: the labels' order, as the panel relabelled 1..78
awk -F, -v OFS=, 'NR == 1 { print; next } { if (!($4 in k)) k[$4] = ++n; $4 = k[$4]; print }' \
    "$GAP" >"$TMP/relab.csv"
strip='del(.periods, .period_order, .period_gaps, .gaps)'
ok "relabelled 1..78" mk "$TMP/relab.csv" --w "$GAL" --relative --json
jq -S "$strip" "$OUT" >"$TMP/relab.json"
check "relabelled: no gap, gaps error" [ "$(jq -c '[.gaps, .period_gaps, .skipped_transitions]' "$OUT")" = '["error",[],0]' ]
ok "--consecutive-periods" mk "$GAP" --w "$GAL" --relative --consecutive-periods --json
check "--consecutive-periods = the relabelled panel (every key)" \
    [ "$(jq -S "$strip" "$OUT" | cmp - "$TMP/relab.json" && echo same)" = same ]
check "--consecutive-periods: period_order says so" \
    grep -q '"period_order": "--consecutive-periods: the sorted labels are taken as consecutive' "$OUT"
ok "--consecutive-periods, LISA" mk "$GAP" --w "$GAL" --lisa --consecutive-periods --json
jq -c .transitions "$OUT" >"$TMP/cp_lisa"
ok "relabelled, LISA" mk "$TMP/relab.csv" --w "$GAL" --lisa --json
check "LISA: --consecutive-periods = the relabelled panel" [ "$(jq -c .transitions "$OUT")" = "$(cat "$TMP/cp_lisa")" ]

# labels that are not numbers: their order, said in period_order
sed 's/,\(19[0-9][0-9]\|20[0-9][0-9]\),/,y\1,/' "$GAP" >"$TMP/text.csv"
ok "text labels" mk "$TMP/text.csv" --json
check "text labels: order taken as consecutive, said" \
    grep -q '"period_order": "labels are not numbers: their sorted order is taken as consecutive' "$OUT"
fails 1 "--gaps and --consecutive-periods exclude each other" "--gaps with --consecutive-periods" \
    mk "$GAP" --gaps skip --consecutive-periods
# one year twice, written two ways (rows of 1949 appended again as 1949.0): not two
# periods (a transition 1949 -> 1949.0), an error naming both labels
awk -F, -v OFS=, '{ print } NR > 1 && $4 == 1949 { $4 = "1949.0"; print }' "$M/usjoin_long.csv" >"$TMP/twoways.csv"
fails 2 "twoways.csv: the year labels 1949 and 1949.0 are the same number .*write each period one way" \
    "two labels of the same number are an error naming both" mk "$TMP/twoways.csv" --json
check "no output on that error" [ ! -s "$OUT" ]
fails 2 "the year labels 1949 and 1949.0 are the same number" \
    "--consecutive-periods does not make them two periods either" mk "$TMP/twoways.csv" --consecutive-periods --json

# uneven survey years within the half step of slack (2011, 2015, 2019, 2022: step 3) are
# consecutive with a warning naming the first longer interval; --consecutive-periods silences it
AI=$SHP/ai_index_province.csv
ok "markov on the AI index's uneven years" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --json
check "the uneven-interval warning names 2015 after 2011" \
    grep -q "periods are not equally spaced (2015 after 2011 is 4 apart, the step is 3)" "$ERR"
cp "$OUT" "$TMP/uneven.json"
ok "... with --consecutive-periods" "$SPILL" markov "$AI" --id adcode --by year --var ai_index \
    --json --consecutive-periods
check "--consecutive-periods: no warning" [ ! -s "$ERR" ]
check "--consecutive-periods: the same transition counts" \
    [ "$(jq -c .counts "$OUT")" = "$(jq -c .counts "$TMP/uneven.json")" ]
ok "decouple on uneven years warns too" "$SPILL" decouple "$AI" --id adcode --by year \
    --var ai_index --driver ai_index
check "decouple: the warning" grep -q "decouple: warning: .*not equally spaced" "$ERR"
finish t_markov_gaps
