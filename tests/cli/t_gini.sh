#!/bin/bash
# CLI tests for `spill gini`: Dagum's decomposition, Gini, Theil and CV of the AI
# index by East/Central/West and of a China cities panel against the all-pairs
# definitions in R (tests/fixtures/distribution/gini.csv), formats, bad input.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dist_lib.sh"
AI=$SHP/ai_index_province.csv
CP=$DIST/cities_panel.csv
FLAT='.results[] | (.by|tostring) as $y |
  ([$y,"gini","","",.gini], [$y,"within","","",.within], [$y,"between","","",.between],
   [$y,"transvariation","","",.transvariation],
   (.groups | to_entries[] | .key as $r | .value | [$y,"group_gini",.group,"",.gini],
       [$y,"group_mean",.group,"",.mean], [$y,"group_n",.group,"",.n], [$y,"group_rank",.group,"",$r + 1]),
   (.pairs[] | [$y,"pair_gini",.a,.b,.gini], [$y,"pair_D",.a,.b,.D]),
   [$y,"theil_t","","",.theil.T], [$y,"theil_t_within","","",.theil.T_within],
   [$y,"theil_t_between","","",.theil.T_between], [$y,"theil_l","","",.theil.L],
   [$y,"theil_l_within","","",.theil.L_within], [$y,"theil_l_between","","",.theil.L_between],
   [$y,"cv","","",.cv], [$y,"cv_pop","","",.cv_weighted]) | @csv'
ok "AI index by region per year" "$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region --json
check "four periods" [ "$(jq '.results | length' "$OUT")" = 4 ]
check "contract keys" [ "$(jq '[.results[] | has("by","n","gini","within","between","transvariation","groups","pairs","contributions")] | all' "$OUT")" = true ]
check "group and pair keys" [ "$(jq '[(.results[0].groups[0] | has("group","n","mean","gini")), (.results[0].pairs[0] | has("a","b","gini","D"))] | all' "$OUT")" = true ]
check "groups in increasing order of mean" [ "$(jq '[.results[] | .groups | map(.mean) | . == sort] | all' "$OUT")" = true ]
check "every D_jh >= 0 (pairs richer-poorer)" [ "$(jq '[.results[].pairs[].D >= 0] | all' "$OUT")" = true ]
check "G = G_w + G_nb + G_t" [ "$(jq '[.results[] | ((.within + .between + .transvariation - .gini) | fabs) < 1e-12] | all' "$OUT")" = true ]
check "contributions sum to 100" [ "$(jq '[.results[].contributions | ((.within + .between + .transvariation - 100) | fabs) < 1e-9] | all' "$OUT")" = true ]
check "group order named" [ "$(jq -r .group_order "$OUT")" = "increasing mean (Dagum 1997)" ]
jq -r "$FLAT" "$OUT" >"$TMP/ai.flat"
r=$(ref_compare ai "$TMP/ai.flat" 1e-10)
check "AI: every all-pairs value of R matched ($r)" [ "${r%% *}" = "$(grep '^"ai"' "$DIST/gini.csv" | grep -vc cv_sample)/$(grep -c '^"ai"' "$DIST/gini.csv")" ]
ok "cities panel with population weights" "$SPILL" gini "$CP" --var x1 --id adcode --by year --group region --weight pop --json
jq -r "$FLAT" "$OUT" >"$TMP/c.flat"
want=$(grep '^"cities"' "$DIST/gini.csv" | grep -vc cv_sample)
r=$(ref_compare cities "$TMP/c.flat" 1e-10)
check "cities: every value matched, weighted CV too ($r)" [ "${r%% *}" = "$want/$(grep -c '^"cities"' "$DIST/gini.csv")" ]
ok "sample CV divisor" "$SPILL" gini "$CP" --var x1 --id adcode --by year --cv-divisor n-1 --json
want=$(grep '"cities","2015","cv_sample"' "$DIST/gini.csv" | cut -d, -f6 | tr -d '"')
check "CV with divisor n - 1 = R's sd / mean" [ "$(jq --argjson w "$want" '((.results[0].cv - $w) / $w | fabs) < 1e-12' "$OUT")" = true ]
check "no Dagum keys without --group" [ "$(jq '.results[0] | has("within") | not' "$OUT")" = true ]
check "no Theil split without --group" [ "$(jq ".results[0].theil | [.T_within, .T_between, .L_within, .L_between] == [null, null, null, null]" "$OUT")" = true ]
ok "text tables" "$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region
check "text names the group order" grep -q "increasing mean" "$OUT"
check "text shows the pairs" grep -q "East-Central" "$OUT"
ok "markdown" "$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region --markdown
check "markdown pipe table" grep -q '^| 2011 |' "$OUT"
ok "latex" "$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region --latex
check "latex booktabs" grep -q 'toprule' "$OUT"
ok "-o table" "$SPILL" gini "$AI" --var ai_index --id adcode --by year --group region -o "$TMP/g.csv"
check "-o: header and 4 rows" [ "$(wc -l <"$TMP/g.csv")" = 5 ]
check "-o: group and pair columns" grep -q "gini_East,mean_East" "$TMP/g.csv"
ok "cross-section without --by" "$SPILL" gini "$DIST/gini_random.csv" --var y --group group --json
check "by is null without --by" [ "$(jq '.results[0].by' "$OUT")" = null ]
# --- population-weighted Gini and Dagum (--weight POP --weighted) against the all-pairs
# weighted definition in R (gini_weighted.csv; R also checks it equals the unweighted
# definition on the units repeated POP times)
WFLAT=${FLAT/'[$y,"group_n",.group,"",.n],'/'[$y,"group_n",.group,"",.n], [$y,"group_population",.group,"",.population],'}
WR=$DIST/gini_weighted_random.csv
for c in random random4; do
    awk -F, -v c="\"$c\"" 'NR == 1 || $1 == c' "$WR" >"$TMP/w_$c.csv"
    ok "$c: weighted Dagum" "$SPILL" gini "$TMP/w_$c.csv" --var y --group group --weight pop --weighted --json
    jq -r "$WFLAT" "$OUT" | sed 's/^"null"/""/' >"$TMP/w_$c.flat"
    r=$(ref_compare "${c}_w" "$TMP/w_$c.flat" 1e-12 gini_weighted.csv)
    check "$c: every weighted all-pairs value of R matched ($r)" \
        [ "${r%% *}" = "$(grep -c "^\"${c}_w\"" "$DIST/gini_weighted.csv")/$(grep -c "^\"${c}_w\"" "$DIST/gini_weighted.csv")" ]
    check "$c: weighted G = G_w + G_nb + G_t" [ "$(jq '[.results[] | ((.within + .between + .transvariation - .gini) | fabs) < 1e-12] | all' "$OUT")" = true ]
    # integer weights: the same as every unit repeated POP times, unweighted
    awk -F, 'NR == 1 { print; next } { for (k = 0; k < $4; k++) print }' "$TMP/w_$c.csv" >"$TMP/rep_$c.csv"
    "$SPILL" gini "$TMP/rep_$c.csv" --var y --group group --json 2>/dev/null |
        jq -c '.results[0] | [.gini, .within, .between, .transvariation, (.pairs[] | .D)]' >"$TMP/rep_$c.v"
    jq -c '.results[0] | [.gini, .within, .between, .transvariation, (.pairs[] | .D)]' "$OUT" >"$TMP/w_$c.v"
    check "$c: weighted = unweighted on the repeated units" \
        [ "$(jq -n --slurpfile a "$TMP/w_$c.v" --slurpfile b "$TMP/rep_$c.v" '[range($a[0] | length) as $i | (($a[0][$i] - $b[0][$i]) | fabs) <= 1e-12 * ($b[0][$i] | fabs) + 1e-15] | all')" = true ]
done
ok "cities: weighted Dagum per year" "$SPILL" gini "$CP" --var x1 --id adcode --by year --group region --weight pop --weighted --json
jq -r "$WFLAT" "$OUT" >"$TMP/cw.flat"
r=$(ref_compare cities_w "$TMP/cw.flat" 1e-10 gini_weighted.csv)
check "cities: every weighted all-pairs value of R matched ($r)" [ "${r%% *}" = "$(grep -c '^"cities_w"' "$DIST/gini_weighted.csv")/$(grep -c '^"cities_w"' "$DIST/gini_weighted.csv")" ]
check "weighted: the JSON says so, groups carry their population" [ "$(jq '.weighted and (.results[0].groups[0] | has("population"))' "$OUT")" = true ]
ok "weighted plain Gini without groups" "$SPILL" gini "$CP" --var x1 --id adcode --by year --weight pop --weighted --json
wg=$(grep '^"cities_w","2015","gini"' "$DIST/gini_weighted.csv" | cut -d, -f6 | tr -d '"')
check "plain weighted Gini = R's all-pairs G to 1e-12" [ "$(jq --argjson w "$wg" '((.results[0].gini - $w) / $w | fabs) < 1e-12' "$OUT")" = true ]
ok "--weight alone leaves the Gini unweighted" "$SPILL" gini "$CP" --var x1 --id adcode --by year --weight pop --json
check "unweighted Gini and weighted false" [ "$(jq '.weighted == false and (.results[0] | has("cv_weighted"))' "$OUT")" = true ]
fails 1 "--weighted needs --weight" "--weighted without --weight" "$SPILL" gini "$AI" --var ai_index --weighted
printf 'id,g,v,p\n1,A,1,1\n2,A,2,1\n3,B,5,0\n4,B,3,0\n' >"$TMP/nopop.csv"
fails 2 "group 2 has no population" "a group whose weights are all 0" "$SPILL" gini "$TMP/nopop.csv" --id id --var v --group g --weight p --weighted
printf 'id,v,p\n1,1,1\n2,2,-1\n' >"$TMP/negpop.csv"
fails 2 "unit 2 has -1" "a negative population" "$SPILL" gini "$TMP/negpop.csv" --id id --var v --weight p --weighted
# --- documented handling
printf 'id,g,v\n1,A,1\n2,A,2\n3,B,5\n4,C,3\n5,C,4\n' >"$TMP/one.csv"
ok "a group of one unit" "$SPILL" gini "$TMP/one.csv" --id id --var v --group g --json
check "its within-group Gini is 0" [ "$(jq '.results[0].groups[] | select(.group == "B") | .gini' "$OUT")" = 0 ]
check "and a note says so" grep -q "group 'B' has one unit" "$ERR"
printf 'id,v\n1,0\n2,2\n3,5\n' >"$TMP/zero.csv"
ok "a zero value" "$SPILL" gini "$TMP/zero.csv" --id id --var v --json
check "Theil L left out (null), with a note" [ "$(jq '.results[0].theil.L' "$OUT")" = null ] && grep -q "Theil L" "$ERR"
ok "a zero value, text" "$SPILL" gini "$TMP/zero.csv" --id id --var v
check "no NaN in the table" bash -c "! grep -qi nan '$OUT'"
printf 'id,v\n1,3\n2,3\n3,3\n' >"$TMP/const.csv"
ok "a constant variable" "$SPILL" gini "$TMP/const.csv" --id id --var v --json
check "constant: Gini 0, Theil 0, CV 0" [ "$(jq '.results[0] | [.gini, .theil.T, .theil.L, .cv] == [0,0,0,0]' "$OUT")" = true ]
# --- bad input
printf 'id,v\n1,1\n2,-2\n3,5\n' >"$TMP/neg.csv"
fails 2 "unit 2 has -2" "negative value" "$SPILL" gini "$TMP/neg.csv" --id id --var v
printf 'id,v\n1,0\n2,0\n' >"$TMP/allzero.csv"
fails 2 "every value is 0" "all zero" "$SPILL" gini "$TMP/allzero.csv" --id id --var v
printf 'id,year,g,v\n1,2000,A,1\n2,2000,B,2\n1,2001,A,1\n2,2001,A,3\n' >"$TMP/gone.csv"
fails 2 "group 'B' has no unit" "group absent in a period" "$SPILL" gini "$TMP/gone.csv" --id id --by year --var v --group g
printf 'id,v\n1,4\n' >"$TMP/single.csv"
fails 2 "at least 2 units" "one unit" "$SPILL" gini "$TMP/single.csv" --id id --var v
fails 1 "--var is required" "no --var" "$SPILL" gini "$AI"
fails 1 "cv-divisor" "bad divisor" "$SPILL" gini "$AI" --var ai_index --cv-divisor 2
fails 1 "choose one output format" "two formats" "$SPILL" gini "$AI" --var ai_index --csv --latex
check "no partial output" [ -z "$(ls "$TMP" | grep -E 'spill-tmp')" ]
finish t_gini.sh
