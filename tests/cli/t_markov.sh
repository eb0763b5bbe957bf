#!/bin/bash
# CLI tests for `spill markov`: the classic, spatial, LISA and discrete chains
# against the numpy re-implementation of giddy's definitions (scripts/ref-markov.py)
# and R markovchain (scripts/ref-markov.R) on the US state incomes and the AI
# index; layouts, formats and bad input.
source "$(dirname "$0")/lib.sh"
M=$FIX/markov
US=$M/usjoin_long.csv
GAL=$M/states48.gal
AI=$SHP/ai_index_province.csv
CQ=$FIX/autocorr/china_queen.gal

# near_ref CASE: the last JSON output equals fixture CASE.json on its keys
near_ref() {
    local d
    d=$(jq -n --slurpfile got "$OUT" --slurpfile want "$M/$1.json" -f "$ROOT/tests/cli/json_near.jq")
    awk -v d="$d" 'BEGIN { exit !(d != "" && d <= 1) }' || { echo "  $1: discrepancy $d" >&2; return 1; }
}
us() { "$SPILL" markov "$US" --id id --by year "$@"; }

ok "classic pci" us --var pci --json
check "classic = numpy giddy" near_ref us_classic
check "giddy's documented counts" [ "$(jq -c '.transitions[0]' "$OUT")" = '[729,71,1,0,0]' ]
check "contract keys" [ "$(jq -r '[has("transitions","p","steady_state","prais")] | all' "$OUT")" = true ]
# R markovchain: p, steadyStates, meanFirstPassageTime (off-diagonal)
rbad=0
while IFS=, read -r what i j v; do
    case $what in
        p) got=$(jq ".p[$((i - 1))][$((j - 1))]" "$OUT") ;;
        steady) got=$(jq ".steady_state[$((j - 1))]" "$OUT") ;;
        mfpt) got=$(jq ".mfpt[$((i - 1))][$((j - 1))]" "$OUT") ;;
        *) continue ;;
    esac
    awk -v a="$got" -v b="$v" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b;
        exit !(d <= 1e-9 * m + 1e-12) }' || { rbad=1; echo "  markovchain $what $i $j: $got vs $v" >&2; }
done < <(grep -v '^#' "$M/r_markovchain.csv")
check "classic = R markovchain (MLE, steadyStates, meanFirstPassageTime)" [ $rbad = 0 ]

ok "relative, quartiles, lag 3" us --var pci --relative --k 4 --lag 3 --json
check "lag 3 = numpy giddy" near_ref us_relative_lag3
ok "spatial per period" us --var pci --relative --w "$GAL" --json
check "spatial per period = numpy giddy" near_ref us_spatial_period
check "conditional and homogeneity keys" [ "$(jq -r '[(.conditional[0] | has("lag_class","transitions","p","steady_state")), (.homogeneity | has("Q","LR","df","p_Q","p_LR"))] | all' "$OUT")" = true ]
ok "spatial pooled" us --var pci --relative --pooled --w "$GAL" --json
check "spatial pooled = numpy giddy" near_ref us_spatial_pooled
check "giddy's documented Q, LR, df" [ "$(jq -r '.homogeneity | "\(.Q*1000|round) \(.LR*1000|round) \(.df)"' "$OUT")" = "200624 170659 60" ]
check "x2, the sum of the per-lag-class chi2, equals Bickenbach-Bode Q here (no zero p)" \
    [ "$(jq -r '.homogeneity.Q as $q | (.x2.stat - $q) | fabs < 1e-9 * $q' "$OUT")" = true ]
check "steady-state test per lag class (giddy shtest) keys, df k - 1" \
    [ "$(jq -c '[.conditional[].shtest.df]' "$OUT")" = '[4,4,4,4,4]' ]
ok "spatial, lag 2, k 4, m 3" us --var pci --relative --w "$GAL" --k 4 --m 3 --lag 2 --json
check "spatial lag 2 = numpy giddy" near_ref us_spatial_lag2
ok "spatial cut-offs" us --var pci --relative --cutoffs 0.8,0.9,1,1.2 --w "$GAL" --lag-cutoffs 0.8,0.9,1,1.2 --json
check "cut-offs (empty rows) = numpy giddy" near_ref us_spatial_cutoffs
check "empty row: p zeros, prais null" [ "$(jq -c '.conditional[4] | [.p[0], .prais[0], .n[0]]' "$OUT")" = '[[0,0,0,0,0],null,0]' ]
check "two recurrent classes: steady_state null" [ "$(jq -c '.conditional[1] | [.steady_state, (.steady_states | length)]' "$OUT")" = '[null,2]' ]
ok "fill empty" us --var pci --relative --cutoffs 0.8,0.9,1,1.2 --w "$GAL" --lag-cutoffs 0.8,0.9,1,1.2 --fill-empty --json
check "--fill-empty: 1 on the diagonal" [ "$(jq -c '.conditional[4].p[0]' "$OUT")" = '[1,0,0,0,0]' ]
ok "LISA Markov" us --var pci --lisa --w "$GAL" --json
check "LISA = numpy giddy" near_ref us_lisa
check "LISA labels" [ "$(jq -c '.labels' "$OUT")" = '["HH","LH","LL","HL"]' ]
check "LISA independence test: df 9, expected keeps each origin's n" [ "$(jq -r '.independence as $t |
    $t.df == 9 and ([range(4) as $i | (($t.expected[$i] | add) - .n[$i]) | fabs < 1e-9] | all)' "$OUT")" = true ]
ok "LISA Markov tables" us --var pci --lisa --w "$GAL"
check "the independence table is printed" grep -q "independence of own and neighbours' moves" "$OUT"
ok "discrete states" us --var q4 --discrete --w "$GAL" --json
check "discrete = numpy giddy (weighted mode lag)" near_ref us_discrete
ok "AI index spatial" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --w "$CQ" --k 4 --m 3 --json
check "AI spatial = numpy giddy" near_ref ai_spatial
ok "34-province queen W" "$SPILL" weights "$SHP/china_provinces.shp" --id adcode --link 460000:440000 -o "$TMP/q34.gal"
ok "W with units without data" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --w "$TMP/q34.gal" --k 4 --m 3 --json
check "units of W without data: warned" grep -q '3 units of .* without data left out' "$ERR"
check "restricted W = the 31-unit W" near_ref ai_spatial
fails 2 "--strict" "--strict: units of W without data are an error" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --w "$TMP/q34.gal" --k 4 --m 3 --strict
fails 1 "one W: a weights matrix per period.*not supported" "--w-by is a clear usage error" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --w "$TMP/w_{}.gal" --w-by year
fails 1 "--strict goes with --w" "--strict without --w" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --strict
ok "AI LISA" "$SPILL" markov "$AI" --id adcode --by year --var ai_index --w "$CQ" --lisa --json
check "AI LISA = numpy giddy" near_ref ai_lisa

# --- layouts and formats
ok "text table" us --var pci
check "text: counts with n column" grep -qE '^1 +729 +71 +1 +0 +0 +801$' "$OUT"
check "text: breaks of every period at the end" grep -qE '^2009 ' "$OUT"
ok "origin in columns" us --var pci --origin-columns
check "columns: n row" grep -qE '^n +801 +722 +800 +718 +799$' "$OUT"
check "columns: transposed counts" grep -qE '^2 +71 +567 +81 +3 +0$' "$OUT"
ok "csv file" us --var pci --csv -o "$TMP/m.csv"
check "csv written" grep -q '729' "$TMP/m.csv"
fails 1 "--json prints on standard output" "json with -o" us --var pci --json -o "$TMP/m.json"
check "no file left" [ ! -e "$TMP/m.json" ]
# -o FILE: the format follows the extension, as gini, kde and decouple
us --var pci --csv >"$TMP/flag.csv" 2>/dev/null
us --var pci --markdown >"$TMP/flag.md" 2>/dev/null
us --var pci --latex >"$TMP/flag.tex" 2>/dev/null
us --var pci >"$TMP/flag.txt" 2>/dev/null
us --var pci --json >"$TMP/flag.json" 2>/dev/null
for e in csv md tex txt json; do
    ok "-o m.$e" us --var pci -o "$TMP/ext.$e"
    check "-o m.$e: what the flag prints" cmp -s "$TMP/ext.$e" "$TMP/flag.$e"
    check "-o m.$e: nothing on stdout" [ ! -s "$OUT" ]
done
ok "-o m.out: CSV for any other name" us --var pci -o "$TMP/ext.out"
check "-o m.out: the CSV tables" cmp -s "$TMP/ext.out" "$TMP/flag.csv"
ok "a flag that agrees with -o" us --var pci --csv -o "$TMP/agree.csv"
check "flag and extension: the CSV tables" cmp -s "$TMP/agree.csv" "$TMP/flag.csv"
fails 1 "--markdown and -o .*m.csv: the extension asks for csv" "a flag against the extension" \
    us --var pci --markdown -o "$TMP/m.csv"
fails 1 "-o .*m.xlsx: these tables are written as text" "-o .xlsx refused" us --var pci -o "$TMP/m.xlsx"
check "no .xlsx left" [ ! -e "$TMP/m.xlsx" ]
ok "latex" us --var pci --latex
check "latex booktabs" grep -q 'toprule' "$OUT"

# --- bad input (more in tests/bad/catalogue.txt)
fails 1 "needs --by" "no --by" "$SPILL" markov "$US" --id id --var pci
fails 1 "--lisa needs --w" "lisa without w" us --var pci --lisa
fails 1 "exclude each other" "pooled and cutoffs" us --var pci --pooled --cutoffs 1,2
fails 1 "not a list of numbers" "bad cutoffs" us --var pci --cutoffs 1,x
fails 1 "increase strictly" "cutoffs not increasing" us --var pci --cutoffs 2,1
fails 2 "lag of 81 periods needs more than 81 periods" "lag too long" us --var pci --lag 81
fails 2 "fewer units than classes" "fewer units than classes" us --var pci --k 60
# an island (Hainan in the plain queen W) is named; the LISA chain says what it does with it
"$SPILL" weights "$SHP/china_provinces.shp" --id adcode -o "$TMP/qi.gal" 2>/dev/null
ok "LISA Markov with an island" "$SPILL" markov "$SHP/ai_index_province.csv" --id adcode --by year \
    --var ai_index --w "$TMP/qi.gal" --lisa
check "the island named, left out of the LISA chain" \
    grep -q "1 unit without neighbours (460000): no LISA quadrant, left out of the LISA chain" "$ERR"
finish t_markov
