#!/bin/bash
# CLI tests for `spill index`: entropy (pooled, shift, per year x100), TOPSIS,
# CRITIC and CV weights and scores of a China cities panel, and the coupling
# coordination degree, against the published formulas in R
# (tests/fixtures/distribution/index_*.csv, coupling.csv); bad input.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dist_lib.sh"
CP=$DIST/cities_panel.csv
IND="--ind x1,x2,x3,x4,x5 --negative x5 --id adcode --by year"
# scores CASE FILE: every row's score (and closeness) against the fixture, joined by id and year
scores() {
    awk -F, -v c="\"$1\"" '
        function uq(s) { gsub(/"/, "", s); return s }
        function bad(g, w) { if (w == "") return g != ""; d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w; return d > 1e-10 * s }
        NR == FNR { if ($1 == c) { k = uq($2) "|" uq($3); ws[k] = uq($4); wc[k] = uq($5); n++ } next }
        FNR > 1 { k = $1 "|" $2; if ((k in ws) && !bad($3, ws[k]) && !bad($4, wc[k])) m++ }
        END { print m "/" n }' "$DIST/index_scores.csv" "$2"
}
# weights CASE: e, d, w of the JSON against the fixture
weights() {
    jq -r '.weights[] | [(.by // "" | tostring), .indicator, .e, .d, .w] | @csv' "$OUT" >"$TMP/w.csv"
    awk -F, -v c="\"$1\"" '
        function uq(s) { gsub(/"/, "", s); return s }
        function bad(g, w) { if (w == "") return g != ""; d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w; return d > 1e-10 * s }
        NR == FNR { if ($1 == c) { k = uq($2) "|" uq($3); we[k] = uq($4); wd[k] = uq($5); ww[k] = uq($6); n++ } next }
        { k = uq($1) "|" uq($2); if ((k in we) && !bad(uq($3), we[k]) && !bad(uq($4), wd[k]) && !bad(uq($5), ww[k])) m++ }
        END { print m "/" n }' "$DIST/index_weights.csv" "$TMP/w.csv"
}
run_case() {
    local name=$1 rows=$2; shift 2
    ok "$name" "$SPILL" index "$CP" $IND "$@" -o "$TMP/$name.csv" --json
    check "$name: weights match R" [ "$(weights "$name")" = "$rows/$rows" ]
    check "$name: 1092 scores match R" [ "$(scores "$name" "$TMP/$name.csv")" = 1092/1092 ]
}
run_case entropy 5
check "contract keys of the weight table" [ "$(jq '[.weights[] | has("indicator","e","d","w")] | all' "$OUT")" = true ]
check "entropy: weights sum to 1, d = 1 - e" [ "$(jq '(([.weights[].w] | add) - 1 | fabs) < 1e-12 and ([.weights[] | (.d - 1 + .e | fabs) < 1e-15] | all)' "$OUT")" = true ]
check "pooled by default" [ "$(jq .pooled "$OUT")" = true ]
check "table joinable by adcode and year" [ "$(head -1 "$TMP/entropy.csv")" = "adcode,year,score" ]
run_case entropy_shift 5 --zeros shift
check "the shift is recorded" [ "$(jq .shift "$OUT")" = 0.0001 ]
run_case entropy_year 15 --per-period --scale 100
check "per period weights carry their by" [ "$(jq '[.weights[].by] | unique' -c "$OUT")" = "[2015,2018,2021]" ]
run_case topsis 5 --method topsis
check "topsis: closeness column" [ "$(head -1 "$TMP/topsis.csv")" = "adcode,year,score,closeness" ]
run_case critic 5 --method critic
check "critic: e and d are null" [ "$(jq '[.weights[] | .e == null and .d == null] | all' "$OUT")" = true ]
run_case cv 5 --method cv
run_case critic_z 5 --method critic --normalize zscore
ok "--shift D implies --zeros shift" "$SPILL" index "$CP" $IND --shift 0.0001 -o "$TMP/s.csv" --json
check "same weights as --zeros shift" [ "$(weights entropy_shift)" = 5/5 ]
ok "text weight table" "$SPILL" index "$CP" $IND -o "$TMP/t.csv"
check "text: e_j d_j w_j" grep -q "e_j.*d_j.*w_j" "$OUT"
ok "markdown weight table" "$SPILL" index "$CP" $IND -o "$TMP/t.csv" --markdown
check "markdown pipes" grep -q '^| x1 |' "$OUT"
# --- coupling coordination
CC=$DIST/coupling.csv
ok "two subsystems, standard C" "$SPILL" index "$CC" --coupling u1,u2 --id adcode --by year -o "$TMP/c2.csv" --json
check "coupling JSON: classes per period" [ "$(jq '.results | length == 3 and (.[0].classes | length == 10)' "$OUT")" = true ]
cmp_cc() {   # FILE COLS: spill's C,T,D,class columns against the fixture's
    awk -F, -v cols="$2" 'BEGIN { split(cols, c, " ") }
        function uq(s) { gsub(/"/, "", s); return s }
        NR == FNR { if (FNR > 1) { k = $1 "|" $2; for (i = 1; i <= 4; i++) w[k, i] = uq($(c[i])) } next }
        FNR > 1 { k = $1 "|" $2; good = 1
            for (i = 1; i <= 4; i++) { d = $(i + 2) - w[k, i]; if (d < 0) d = -d; if (d > 1e-12 * (w[k, i] + 1e-300)) good = 0 }
            m += good; n++ }
        END { print m "/" n }' "$CC" "$1"
}
check "C, T, D, class match R (two systems)" [ "$(cmp_cc "$TMP/c2.csv" "6 8 9 11")" = 1092/1092 ]
check "class names in English and Chinese" grep -q "moderate disorder,中度失调" "$TMP/c2.csv"
ok "two-system form by name" "$SPILL" index "$CC" --coupling u1,u2 --coupling-form two --id adcode --by year -o "$TMP/c2t.csv"
check "two = standard for two systems" cmp -s "$TMP/c2.csv" "$TMP/c2t.csv"
ok "variant C (max 0.5)" "$SPILL" index "$CC" --coupling u1,u2 --coupling-form variant --id adcode --by year -o "$TMP/c2v.csv"
check "variant C matches R, D = sqrt(C T)" [ "$(cmp_cc "$TMP/c2v.csv" "7 8 10 11" | cut -d/ -f2)" = 1092 ] && \
    awk -F, 'NR > 1 && ($3 > 0.5 + 1e-15 || ($5 - sqrt($3 * $4))^2 > 1e-24) { exit 1 }' "$TMP/c2v.csv"
ok "three subsystems, weighted T" "$SPILL" index "$CC" --coupling u1,u2,u3 --alpha 0.5,0.3,0.2 --id adcode --by year -o "$TMP/c3.csv"
check "C, T, D, class match R (three systems)" [ "$(cmp_cc "$TMP/c3.csv" "12 13 14 15")" = 1092/1092 ]
check "text: the ten classes" grep -q "quality coordination" "$OUT"
# --- bad input
printf 'id,year,a,b\n1,2000,1,5\n2,2000,2,5\n1,2001,3,6\n2,2001,4,7\n' >"$TMP/const.csv"
fails 2 "indicator 'b' is constant \\(5\\) in period 2000" "constant indicator in a period" \
    "$SPILL" index "$TMP/const.csv" --ind a,b --id id --by year --per-period -o "$TMP/x.csv"
printf 'id,a,b\n1,1,0\n2,2,0\n' >"$TMP/cv0.csv"
fails 2 "constant" "constant indicator (CV)" "$SPILL" index "$TMP/cv0.csv" --ind a,b --method cv -o "$TMP/x.csv"
printf 'id,year,a,b\n1,2000,1,5\n2,2000,2,6\n1,2001,3,6\n' >"$TMP/short.csv"
fails 2 "at least 2 rows" "one row in a period" "$SPILL" index "$TMP/short.csv" --ind a,b --id id --by year --per-period -o "$TMP/x.csv"
printf 'id,u1,u2\n1,0.5,0.4\n2,1.5,0.2\n' >"$TMP/u.csv"
fails 2 "unit 2: subsystem 1 scores 1.5" "score above 1" "$SPILL" index "$TMP/u.csv" --id id --coupling u1,u2 -o "$TMP/x.csv"
printf 'id,u1,u2\n1,0.5,0.4\n2,0,0\n' >"$TMP/u0.csv"
fails 2 "every subsystem scores 0" "all zero subsystems" "$SPILL" index "$TMP/u0.csv" --id id --coupling u1,u2 -o "$TMP/x.csv"
fails 1 "give --ind .* or --coupling" "neither" "$SPILL" index "$CP" -o "$TMP/x.csv"
fails 1 "-o OUT is required" "no output" "$SPILL" index "$CP" --ind x1,x2
fails 1 "zscore gives negative values" "zscore with entropy" "$SPILL" index "$CP" --ind x1,x2 --normalize zscore -o "$TMP/x.csv"
fails 1 "'x9' is not one of --ind" "negative not an indicator" "$SPILL" index "$CP" --ind x1,x2 --negative x9 -o "$TMP/x.csv"
fails 1 "--alpha: the weights sum to" "alpha not summing to 1" "$SPILL" index "$CC" --coupling u1,u2 --alpha 0.5,0.6 -o "$TMP/x.csv"
fails 1 "exactly two subsystems" "two with three" "$SPILL" index "$CC" --coupling u1,u2,u3 --coupling-form two -o "$TMP/x.csv"
fails 2 "no field 'x9'|x9" "unknown indicator" "$SPILL" index "$CP" --ind x1,x9 -o "$TMP/x.csv"
check "no partial output" [ -z "$(ls "$TMP" | grep -E '^x\.|spill-tmp')" ]
finish t_index.sh
