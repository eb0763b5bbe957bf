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
ok "markdown" "$SPILL" detector "$D/hand.csv" --y y --x X,Z --markdown
check "markdown table" grep -q '^| by' "$OUT"
ok "jenks" "$SPILL" detector "$D/hand.csv" --y y --x v --continuous v --classes 3 --discretize jenks --json

fails 1 "need --continuous" "classes without continuous" "$SPILL" detector "$D/hand.csv" --y y --x X --classes 3
fails 1 "not one of --x" "continuous not a factor" "$SPILL" detector "$D/hand.csv" --y y --x X --continuous v
fails 1 "unknown classification" "bad method" "$SPILL" detector "$D/hand.csv" --y y --x v --continuous v --discretize kmeans
fails 2 "explained variable is constant" "constant y" "$SPILL" detector "$D/hand.csv" --y k --x X
fails 2 "no residual degrees of freedom" "one unit per stratum" "$SPILL" detector "$D/hand.csv" --y y --x unit
finish t_detector
