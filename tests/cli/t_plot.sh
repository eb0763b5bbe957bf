#!/bin/bash
# CLI tests for `spill plot`: Moran scatterplots (I as `spill moran` reports
# it), kernel densities (bandwidths as R's bw.nrd0), effects from a saved fit,
# Markov heat maps, formats, identical bytes, bad input.
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
"$SPILL" weights "$P" --id adcode --link 460000:440000 -o "$TMP/q.gal" 2>/dev/null
not() { ! "$@"; }

ok "moran by year" "$SPILL" plot "$AI" --id adcode --by year --moran ai_index --w "$TMP/q.gal" --label name_en -o "$TMP/m.png" --json
cp "$OUT" "$TMP/plot.json"
"$SPILL" moran "$AI" --id adcode --by year --var ai_index --w "$TMP/q.gal" --json >"$TMP/moran.json" 2>/dev/null
check "moran: four panels" [ "$(jq '.results | length' "$TMP/plot.json")" = 4 ]
check "moran: I as spill moran reports it" [ "$(jq -n --slurpfile a "$TMP/plot.json" --slurpfile b "$TMP/moran.json" '[range(4) as $k | (($a[0].results[$k].I - $b[0].results[$k].I) | fabs) < 1e-12] | all')" = true ]
ok "moran, one period, SVG" "$SPILL" plot "$AI" --id adcode --by year --moran ai_index --w "$TMP/q.gal" -o "$TMP/m.svg"
if command -v xmllint >/dev/null 2>&1; then
    check "SVG parses as XML" xmllint --noout "$TMP/m.svg"
fi
ok "kde by year" "$SPILL" plot "$AI" --id adcode --by year --kde ai_index -o "$TMP/k.png" --json
check "kde: 2011 bandwidth is R's bw.nrd0" [ "$(jq '.results[0].bandwidth | (. - 0.40893166672938924) | fabs < 1e-12' "$OUT")" = true ]
ok "kde by year and region" "$SPILL" plot "$AI" --id adcode --by year --kde ai_index --group region -o "$TMP/kg.pdf" --json
check "kde: one result per region and year" [ "$(jq '.results | length' "$OUT")" = "$(( $(cut -d, -f5 "$AI" | tail -n +2 | sort -u | wc -l) * 4 ))" ]
ok "kde surface" "$SPILL" plot "$AI" --id adcode --by year --kde ai_index --surface -o "$TMP/ks.png"
ok "kde, Scott's rule" "$SPILL" plot "$AI" --id adcode --by year --kde ai_index --bw scott -o "$TMP/k2.png" --json
check "scott = 1.06/0.9 silverman" [ "$(jq '.results[0].bandwidth | (. - 0.40893166672938924 * 1.06 / 0.9) | fabs < 1e-12' "$OUT")" = true ]

"$SPILL" fit "$FIX/panel/provinces_panel.csv" --panel adcode,year --w "$FIX/panel/provinces.gal" \
    --y y --x x1,x2 --effects --draws 200 --json >"$TMP/fit.json" 2>/dev/null
ok "effects from a saved fit" "$SPILL" plot --effects "$TMP/fit.json" -o "$TMP/e.png"
ok "effects at 90 %" "$SPILL" plot --effects "$TMP/fit.json" --level 90 -o "$TMP/e90.svg" --json
check "level recorded" [ "$(jq .level "$OUT")" = 90 ]
check "a static fit: its effects" [ "$(jq -r .effects "$OUT")" = static ]
fails 1 "--long-run: .* is not a dynamic fit" "--long-run on a static fit" \
    "$SPILL" plot --effects "$TMP/fit.json" --long-run -o "$TMP/x.png"
# a dynamic fit: tau and eta among the coefficients, the short-run effects (or --long-run)
"$SPILL" fit "$FIX/panel/provinces_panel.csv" --panel adcode,year --w "$FIX/panel/provinces.gal" \
    --y y --x x1,x2 --dynamic both --effects --json >"$TMP/dyn.json" 2>/dev/null
ok "dynamic fit: short-run effects" "$SPILL" plot --effects "$TMP/dyn.json" -o "$TMP/ed.png" --json
check "dynamic: short-run effects, 7 coefficients (x, W*x, rho, tau, eta)" \
    [ "$(jq -c '[.effects, .coefficients]' "$OUT")" = '["short_run",7]' ]
ok "dynamic fit: --long-run" "$SPILL" plot --effects "$TMP/dyn.json" --long-run -o "$TMP/edl.png" --json
check "dynamic: long-run effects" [ "$(jq -r .effects "$OUT")" = long_run ]

cat >"$TMP/markov.json" <<'EOF'
{"transitions": [[20, 5, 0], [4, 18, 3], [0, 2, 21]],
 "p": [[0.8, 0.2, 0.0], [0.16, 0.72, 0.12], [0.0, 0.08695652, 0.91304348]],
 "conditional": [{"lag_class": 0, "transitions": [[10, 2, 0], [1, 5, 1], [0, 0, 3]],
                  "p": [[0.8333, 0.1667, 0], [0.1429, 0.7143, 0.1429], [0, 0, 1]]}]}
EOF
ok "markov heat map" "$SPILL" plot --markov "$TMP/markov.json" -o "$TMP/mk.png" --json
check "markov: global and one lag class" [ "$(jq -c '[.k, .panels]' "$OUT")" = "[3,2]" ]

if "$SPILL" markov --help >/dev/null 2>&1; then
    "$SPILL" markov "$AI" --id adcode --var ai_index --by year --k 4 --w "$TMP/q.gal" --m 3 \
        --json >"$TMP/smarkov.json" 2>/dev/null
    ok "heat maps of spill markov --json" "$SPILL" plot --markov "$TMP/smarkov.json" -o "$TMP/sm.png" --json
    check "spatial Markov: global and one panel per lag class" [ "$(jq -c '[.k, .panels]' "$OUT")" = "[4,$((1 + $(jq '.conditional | length' "$TMP/smarkov.json")))]" ]
fi
for ext in png svg pdf; do
    "$SPILL" plot "$AI" --id adcode --by year --kde ai_index -o "$TMP/r1.$ext" 2>/dev/null
    "$SPILL" plot "$AI" --id adcode --by year --kde ai_index -o "$TMP/r2.$ext" 2>/dev/null
    check "two runs give the same $ext bytes" cmp -s "$TMP/r1.$ext" "$TMP/r2.$ext"
done

# --- bad input
fails 1 "give one plot kind" "no kind" "$SPILL" plot "$AI" -o "$TMP/x.png"
fails 1 "give one plot kind" "two kinds" "$SPILL" plot "$AI" --kde a --moran b -o "$TMP/x.png"
fails 1 "--moran needs --w" "moran without weights" "$SPILL" plot "$AI" --moran ai_index -o "$TMP/x.png"
fails 1 "needs --id" "kde by period without ids" "$SPILL" plot "$AI" --by year --kde ai_index -o "$TMP/x.png"
fails 1 "--bw: expected" "bad bandwidth" "$SPILL" plot "$AI" --kde ai_index --bw wide -o "$TMP/x.png"
fails 1 "at least two periods" "surface of one period" "$SPILL" plot "$AI" --kde ai_index --surface -o "$TMP/x.png"
fails 1 "-o OUT" "no output" "$SPILL" plot "$AI" --kde ai_index
fails 2 "not JSON" "effects file not JSON" "$SPILL" plot --effects "$AI" -o "$TMP/x.png"
echo '{"model": "sdm"}' >"$TMP/nocoef.json"
fails 2 "no 'coefficients'" "effects without coefficients" "$SPILL" plot --effects "$TMP/nocoef.json" -o "$TMP/x.png"
echo '{"p": [[1, 0], [0.5]]}' >"$TMP/ragged.json"
fails 2 "row 2 has 1 entries" "ragged Markov matrix" "$SPILL" plot --markov "$TMP/ragged.json" -o "$TMP/x.png"
fails 2 "the folder does not exist" "missing output folder" "$SPILL" plot "$AI" --kde ai_index -o "$TMP/no/x.png"
check "no partial figure" [ ! -e "$TMP/x.png" ]
# --strict and --w-by with --moran, as spill moran takes them
fails 2 "--strict" "moran: --strict refuses units of W without data" "$SPILL" plot "$AI" --id adcode --by year --moran ai_index --w "$TMP/q.gal" --strict -o "$TMP/x.png"
for y in 2011 2015 2019 2022; do cp "$TMP/q.gal" "$TMP/w_$y.gal"; done
ok "moran with one W" "$SPILL" plot "$AI" --id adcode --by year --moran ai_index --w "$TMP/q.gal" -o "$TMP/m1.svg" --json
jq -c .results "$OUT" >"$TMP/m1.res"
ok "moran with a W per period (--w-by)" "$SPILL" plot "$AI" --id adcode --w-by year --moran ai_index --w "$TMP/w_{}.gal" -o "$TMP/m2.svg" --json
check "the same I as one W" [ "$(jq -c .results "$OUT")" = "$(cat "$TMP/m1.res")" ]
fails 1 "goes with --moran" "--strict with --kde" "$SPILL" plot "$AI" --kde ai_index --strict -o "$TMP/x.png"
finish t_plot.sh
