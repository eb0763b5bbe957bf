#!/bin/bash
# CLI tests for `spill detector`: the factor, interaction, risk and ecological
# detectors against scripts/ref-detector.R (base R following geodetector's and
# Wang & Xu's formulas) on a hand-checkable table, geodetector's CollectData
# (its vignette's published q and p) and the AI index by year; bad input.
source "$(dirname "$0")/lib.sh"
D=$FIX/detector
AI=$SHP/ai_index_province.csv

# keys LABEL: "kind|by|names|stat,value" lines of the last JSON output
keys() {
    jq -r --arg lab "$1" '.results[] | (if .by == null then $lab else (.by | tostring) end) as $b |
      (.factor[] | . as $f |
         ("q", "F", "lambda", "p" | "factor|\($b)|\($f.x)|\(.),\($f[.])"),
         (.t_tests[] | select(.t != null) | . as $t |
            ("t", "df", "p" | "risk|\($b)|\($f.x)|\($t.a)|\($t.b)|\(.),\($t[.])"),
            "risk|\($b)|\($f.x)|\(.a)|\(.b)|sig,\(if .significant then 1 else 0 end)")),
      (.interaction[] | "interaction|\($b)|\(.a)|\(.b)|q,\(.q)"),
      (.ecological[] | . as $e | ("F", "p" | "ecological|\($b)|\($e.a)|\($e.b)|\(.),\($e[.])"))' "$OUT"
}
# same_as REGEX LABEL: every R key matching REGEX is in the output, equal to
# 1e-9 relative; noncentral-F p-values ("factor|...|p") to 1e-9 absolute, the accuracy
# of R's pnbeta (errmax 1e-9; spill's series agrees with scipy's ncf.sf to 1e-12, see
# tests/t_detector.c)
same_as() {
    keys "$2" > "$TMP/got"
    awk -F, -v pre="$1" 'NR == FNR { got[$1] = $2; next }
        $1 ~ pre { n++; if (!($1 in got)) { print "  missing " $1 > "/dev/stderr"; bad++; next }
            a = got[$1]; b = $2; d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b;
            if ($1 ~ /^factor.*[|]p$/ ? d > 1e-9 : d > 1e-9 * m + 1e-13) { print "  " $1 ": " a " vs " b > "/dev/stderr"; bad++ } }
        END { exit !(n > 0 && bad == 0) }' "$TMP/got" <(grep -v '^#' "$D/ref.csv")
}

ok "hand table" "$SPILL" detector "$D/hand.csv" --y y --x X,Z --json
check "hand table = R (q 3/7, F 15/8)" same_as "^factor[|]hand[|]" hand
check "hand: interaction, risk, ecological = R" same_as "^interaction[|]hand[|]" hand
check "hand: risk = R" same_as "^risk[|]hand[|]" hand
check "hand: ecological = R" same_as "^ecological[|]hand[|]" hand
check "hand: q(X) = 3/7 exactly to 1e-15" awk -v q="$(jq '.results[0].factor[0].q' "$OUT")" 'BEGIN { d = q - 3/7; exit !(d < 1e-15 && d > -1e-15) }'
check "interaction class" [ "$(jq -r '.results[0].interaction[0].interaction' "$OUT")" = "nonlinear enhancement" ]
ok "continuous factor, 2 quantile classes" "$SPILL" detector "$D/hand.csv" --y y --x X,v --continuous v --classes 2 --json
check "discretised = R" same_as "^factor[|]hand_v[|]" hand_v
check "discretised interaction = R" same_as "^interaction[|]hand_v[|]" hand_v
check "breaks reported" [ "$(jq -c '.results[0].factor[1].breaks' "$OUT")" = '[2.1,5]' ]
ok "CollectData" "$SPILL" detector "$D/collectdata.csv" --y incidence --x soiltype,watershed,elevation --json
check "CollectData = R (all detectors)" same_as "[|]cd[|]" cd
check "geodetector's published q, p" [ "$(jq -r '[.results[0].factor[] | "\(.q*1e7|round) \(.p*1e7|round)"] | join(" ")' "$OUT")" = "3857168 3632363 6377737 1170 6067087 408041" ]
ok "AI index by year" "$SPILL" detector "$AI" --id adcode --by year --y ai_index --x region --json
check "AI by year = R" same_as "^factor[|]20" x
check "AI risk = R" same_as "^risk[|]20" x
check "four periods" [ "$(jq '.results | length' "$OUT")" = 4 ]
ok "text tables" "$SPILL" detector "$D/collectdata.csv" --y incidence --x soiltype,watershed
check "text: factor table" grep -qE '^-  +soiltype +5 +0\.385717' "$OUT"
ok "text: breaks as a note" "$SPILL" detector "$D/hand.csv" --y y --x X,v --continuous v --classes 2
check "breaks note" grep -q '^v: quantile breaks (upper bounds) 2.1, 5$' "$OUT"
ok "markdown" "$SPILL" detector "$D/hand.csv" --y y --x X,Z --markdown
check "markdown table" grep -q '^| by' "$OUT"
# -o FILE: the format follows the extension (as gini, kde and decouple)
dt() { "$SPILL" detector "$D/hand.csv" --y y --x X,Z "$@"; }
dt --csv >"$TMP/flag.csv"; dt --markdown >"$TMP/flag.md"; dt --latex >"$TMP/flag.tex"
dt >"$TMP/flag.txt"; dt --json >"$TMP/flag.json"
for e in csv md tex txt json; do
    ok "-o d.$e" dt -o "$TMP/ext.$e"
    check "-o d.$e: what the flag prints" cmp -s "$TMP/ext.$e" "$TMP/flag.$e"
done
fails 1 "--latex and -o .*d.md: the extension asks for markdown" "a flag against the extension" \
    dt --latex -o "$TMP/d.md"
fails 1 "--json prints on standard output" "--json with -o" dt --json -o "$TMP/d.json"
fails 1 "these tables are written as text" "-o .xlsx refused" dt -o "$TMP/d.xlsx"
check "no file left" [ ! -e "$TMP/d.json" ] && [ ! -e "$TMP/d.xlsx" ]
ok "jenks" "$SPILL" detector "$D/hand.csv" --y y --x v --continuous v --classes 3 --discretize jenks --json

fails 1 "need --continuous" "classes without continuous" "$SPILL" detector "$D/hand.csv" --y y --x X --classes 3
# --- optimal discretisation (GD's optidisc) against its definition in R
# (scripts/ref-detector-optimal.R: every method x k = 3..6, admissible with 2 units per class)
OPT=$D/optimal.csv
ok "optimal discretisation" "$SPILL" detector "$D/optimal_data.csv" --y y --x x1,x2 --continuous x1,x2 --discretize optimal --classes 6 --json
jq -r '.results[0].factor[] | .x as $x | (.candidates[] | "\($x),\(.method),\(.classes),\(.q // "")"),
    "\($x),chosen,\(.classes),\(.q),\(.method)", (.breaks | to_entries[] | "\($x),break,\(.key + 1),\(.value)")' \
    "$OUT" >"$TMP/opt.got"
bad=$(awk -F, 'NR == FNR { if (FNR > 1) want[$1 "," $2 "," $3] = $4 "," $5; next }
    { k = $1 "," $2 "," $3; if (!(k in want)) { print "extra " k; next }
      split(want[k], w, ","); seen[k] = 1
      if (w[1] == "" || $4 == "") { if (w[1] != $4) print "admissible? " k ": " $4 " want " w[1] }
      else { d = $4 - w[1]; if (d < 0) d = -d; m = w[1] < 0 ? -w[1] : w[1]; if (d > 1e-12 * m + 1e-15) print "q " k ": " $4 " want " w[1] }
      if ($2 == "chosen" && $5 != w[2]) print "method " k ": " $5 " want " w[2] }
    END { for (k in want) if (!(k in seen)) print "missing " k }' "$OPT" "$TMP/opt.got")
check "every candidate's q, the chosen method, k, q and breaks = R's definition${bad:+: $bad}" [ -z "$bad" ]
check "the chosen q is the factor detector's q" [ "$(jq '[.results[0].factor[] | .q == ([.candidates[].q | select(. != null)] | max)] | all' "$OUT")" = true ]
check "optimal named at the top level" [ "$(jq -c '.discretize' "$OUT")" = '{"method":"optimal","min_classes":3,"classes":6,"methods":["quantile","equal","jenks","sd"]}' ]
ok "optimal over two methods and 4..5 classes" "$SPILL" detector "$D/optimal_data.csv" --y y --x x1 --continuous x1 --discretize optimal --optimal-methods equal,sd --min-classes 4 --classes 5 --json
want=$(awk -F, '$1 == "x1" && ($2 == "equal" || $2 == "sd") && ($3 == 4 || $3 == 5) && $4 != "" { print $4, $2, $3 }' "$OPT" | sort -g | tail -1)
check "the best of that subset ($want)" [ "$(jq -r '.results[0].factor[0] | "\(.method) \(.classes)"' "$OUT")" = "${want#* }" ]
ok "optimal, text" "$SPILL" detector "$D/optimal_data.csv" --y y --x x1 --continuous x1 --discretize optimal --classes 6
check "the note names the chosen method and k" grep -q "x1: optimal: jenks breaks, 6 classes" "$OUT"
fails 1 "go with --discretize optimal" "--min-classes without optimal" "$SPILL" detector "$D/optimal_data.csv" --y y --x x1 --continuous x1 --min-classes 3
fails 1 "more than --classes" "--min-classes above --classes" "$SPILL" detector "$D/optimal_data.csv" --y y --x x1 --continuous x1 --discretize optimal --min-classes 6 --classes 4
fails 1 "optimal-methods.*unknown classification" "a bad method to try" "$SPILL" detector "$D/optimal_data.csv" --y y --x x1 --continuous x1 --discretize optimal --optimal-methods equal,kmeans
fails 2 "leaves at least 2 units in every class" "no admissible discretisation" "$SPILL" detector "$D/hand.csv" --y y --x v --continuous v --discretize optimal --min-classes 5 --classes 6
fails 1 "not one of --x" "continuous not a factor" "$SPILL" detector "$D/hand.csv" --y y --x X --continuous v
fails 1 "unknown classification" "bad method" "$SPILL" detector "$D/hand.csv" --y y --x v --continuous v --discretize kmeans
fails 2 "explained variable is constant" "constant y" "$SPILL" detector "$D/hand.csv" --y k --x X
fails 2 "no residual degrees of freedom" "one unit per stratum" "$SPILL" detector "$D/hand.csv" --y y --x unit
finish t_detector
