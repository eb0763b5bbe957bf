#!/bin/bash
# CLI tests for `spill kde`: exact densities of the AI index per year on one grid,
# against R's bw.nrd0 / bw.nrd and the direct density formula
# (tests/fixtures/distribution/kde_*.csv), peaks, outputs, bad input.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dist_lib.sh"
AI=$SHP/ai_index_province.csv
# compare RULE KERNEL: every grid point and density of the four years
compare() {
    jq -r '.results[] | (.by|tostring) as $y | [range(0; .x | length)] as $k | .x as $x | .density as $d |
           $k[] | [$y, ., $x[.], $d[.]] | @csv' "$OUT" >"$TMP/flat.csv"
    awk -F, -v r="\"$1\"" -v kn="\"$2\"" '
        function uq(s) { gsub(/"/, "", s); return s }
        function bad(g, w) { d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w; return d > 1e-9 * s + 1e-15 }
        NR == FNR { if ($1 == r && $2 == kn) { k = uq($3) "|" uq($4); wx[k] = uq($5); wd[k] = uq($6); n++ } next }
        { k = uq($1) "|" uq($2); if (k in wx) { if (!bad(uq($3), wx[k]) && !bad(uq($4), wd[k])) m++ } }
        END { print m "/" n }' "$DIST/kde_density.csv" "$TMP/flat.csv"
}
for rule in silverman scott; do
    for kernel in gaussian epanechnikov; do
        ok "$rule $kernel" "$SPILL" kde "$AI" --var ai_index --id adcode --by year --bw $rule --kernel $kernel --grid 64 --json
        check "$rule $kernel: 256 grid points and densities match R" [ "$(compare $rule $kernel)" = 256/256 ]
    done
    r=$(jq -r '[.results[].bandwidth] | map(tostring) | join(" ")' "$OUT")
    want=$(grep "^\"$rule\"" "$DIST/kde_bandwidth.csv" | cut -d, -f3 | tr -d '"' | tr '\n' ' ')
    check "$rule bandwidths = R's bw.nrd0/bw.nrd" awk -v a="$r" -v b="$want" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
        for (i = 1; i <= n; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 1e-13 * y[i]) exit 1 } exit n != 4 }'
done
check "contract keys" [ "$(jq '[.results[] | has("by","bandwidth","x","density","peaks")] | all' "$OUT")" = true ]
check "one grid for every period" [ "$(jq '[.results[].x] | unique | length' "$OUT")" = 1 ]
ok "default grid" "$SPILL" kde "$AI" --var ai_index --id adcode --by year --json
check "512 points as R" [ "$(jq '.results[0].x | length' "$OUT")" = 512 ]
check "2011: two peaks (Beijing's bump); 2019: three" [ "$(jq '[.results[0].npeaks, .results[2].npeaks] == [2, 3]' "$OUT")" = true ]
check "peaks are local maxima of the curve" [ "$(jq '[.results[] | .density as $d | .x as $x | .peaks[] | .x as $p | ($x | index($p)) as $i | $d[$i - 1] < $d[$i] and $d[$i + 1] < $d[$i]] | all' "$OUT")" = true ]
check "each curve integrates to 1 (3 bandwidths past the data)" [ "$(jq '[.results[] | .x as $x | .density as $d | [range(1; $x | length) | ($x[.] - $x[. - 1]) * ($d[.] + $d[. - 1]) / 2] | add | (. - 1 | fabs) < 1e-3] | all' "$OUT")" = true ]
ok "a given bandwidth and range" "$SPILL" kde "$AI" --var ai_index --id adcode --by year --bw 2.5 --from 0 --to 100 --grid 101 --json
check "given h used, grid 0..100 step 1" [ "$(jq '[.results[0].bandwidth, .results[0].x[0], .results[0].x[100], .results[0].x[1]] == [2.5, 0, 100, 1]' "$OUT")" = true ]
ok "text" "$SPILL" kde "$AI" --var ai_index --id adcode --by year
check "text table lists the peaks" grep -q "peak at" "$OUT"
ok "-o curves" "$SPILL" kde "$AI" --var ai_index --id adcode --by year --grid 50 -o "$TMP/k.csv"
check "-o: header and 4 x 50 rows" [ "$(wc -l <"$TMP/k.csv")" = 201 ]
ok "-o curves.xlsx" "$SPILL" kde "$AI" --var ai_index --id adcode --by year --grid 50 -o "$TMP/k.xlsx"
check "-o .xlsx: a workbook (zip), not CSV text" [ "$(head -c 2 "$TMP/k.xlsx")" = PK ]
# read back by spill: the same columns and 200 rows as the CSV, x to 16 digits
ok "-o .xlsx read back" "$SPILL" kde "$TMP/k.xlsx" --var x --id x --by by --grid 5 --json
check "read back: 4 periods of 50 points" [ "$(jq '[.results[].n] == [50, 50, 50, 50]' "$OUT")" = true ]
"$SPILL" kde "$TMP/k.csv" --var x --id x --by by --grid 5 --json >"$TMP/kcsv.json" 2>/dev/null
check "read back: the bandwidths of the CSV's (16 digits)" [ "$(jq -n --slurpfile a "$OUT" \
    --slurpfile b "$TMP/kcsv.json" '[$a[0].results, $b[0].results] | transpose |
    map((.[0].bandwidth - .[1].bandwidth | fabs) <= 1e-14 * .[1].bandwidth) | all')" = true ]
ok "cities, Epanechnikov" "$SPILL" kde "$DIST/cities_panel.csv" --var x4 --id adcode --by year --kernel epanechnikov --json
check "three curves, finite" [ "$(jq '([.results[].density[] | . >= 0] | all) and (.results | length == 3)' "$OUT")" = true ]
# --- bad input
printf 'id,v\n1,3\n2,3\n3,3\n' >"$TMP/const.csv"
fails 2 "constant: no bandwidth" "constant variable" "$SPILL" kde "$TMP/const.csv" --id id --var v
ok "constant with a given bandwidth" "$SPILL" kde "$TMP/const.csv" --id id --var v --bw 1 --json
check "one peak at the value" [ "$(jq '.results[0].peaks | length == 1 and (.[0].x - 3 | fabs) < 0.1' "$OUT")" = true ]
printf 'id,v\n1,3\n' >"$TMP/one.csv"
fails 2 "at least 2 values" "one value" "$SPILL" kde "$TMP/one.csv" --id id --var v
fails 1 "--bw: expected silverman, scott or a positive number" "bad --bw" "$SPILL" kde "$AI" --var ai_index --bw -1
fails 1 "--kernel" "bad kernel" "$SPILL" kde "$AI" --var ai_index --kernel box
fails 1 "--grid" "grid of 1" "$SPILL" kde "$AI" --var ai_index --grid 1
fails 1 "--to must be greater" "bad range" "$SPILL" kde "$AI" --var ai_index --from 5 --to 1
printf 'adcode,year,ai_index\n1,2011,1\n2,2011,\n3,2011,3\n' >"$TMP/missing.csv"
fails 2 "row 2|unit 2" "missing value" "$SPILL" kde "$TMP/missing.csv" --id adcode --by year --var ai_index
finish t_kde.sh
