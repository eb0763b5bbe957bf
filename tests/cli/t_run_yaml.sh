#!/bin/bash
# spill run JOB.yaml: the example jobs end to end, --jobs 1 and 2 give the same
# bytes, a 3-way sharded run (GNU parallel) merges to the unsharded bytes, a
# failing specification with --keep-going, and report.html in headless chromium.
source "$(dirname "$0")/lib.sh"
EX=$ROOT/examples
same() { # two output folders: identical bytes but the manifest's "run"
    diff -r -x manifest.json "$1" "$2" >/dev/null &&
        cmp -s <(jq 'del(.run)' "$1/manifest.json") <(jq 'del(.run)' "$2/manifest.json")
}
cd "$TMP" || exit 1

ok "provinces job runs" "$SPILL" run "$EX/china_provinces.yaml" -o prov1 --jobs 1 --quiet
for f in report.md report.html manifest.json results.jsonl tables/moran_ai.csv \
    tables/moran_ai.md tables/moran_ai.tex tables/moran_ai.xlsx tables/sdm_grid.csv \
    layers/lisa_ai.gpkg layers/hotspots_ai.gpkg layers/ellipse_ai.gpkg weights/queen.gal; do
    check "provinces job wrote $f" [ -s "prov1/$f" ]
done
check "results.jsonl: one line per specification" [ "$(wc -l <prov1/results.jsonl)" -eq 12 ]
check "results.jsonl carries the specification" \
    [ "$(head -1 prov1/results.jsonl | jq -r '.values.fe + "," + .values.model + "," + .values.subsample')" = unit,sdm,all ]
"$SPILL" moran "$SHP/ai_index_province.csv" --id adcode --w prov1/weights/queen.gal \
    --var ai_index --by year --perm 999 --seed 12345 --json >"$TMP/moran.json" 2>/dev/null
(cd prov1 && "$SPILL" moran "$SHP/ai_index_province.csv" --id adcode --w weights/queen.gal \
    --var ai_index --by year --perm 999 --seed 12345 --json >"$TMP/moran.json" 2>/dev/null)
check "an analysis' raw output is the command's own, byte for byte" cmp -s "$TMP/moran.json" prov1/raw/moran_ai.json
check "manifest: every task's command and input checksums" \
    [ "$(jq '[.tasks[] | select(.command | startswith("spill ")) | .inputs[] | select(.sha256 | length == 64)] | length' prov1/manifest.json)" -gt 20 ]
"$SPILL" gini "$SHP/ai_index_province.csv" --id adcode --var ai_index --by year --group region \
    --json >"$TMP/gini.json" 2>/dev/null
check "gini in a job: raw output is the command's own" cmp -s "$TMP/gini.json" prov1/raw/gini_ai.json
check "gini in a job: its table, one row per year" [ "$(wc -l <prov1/tables/gini_ai.csv)" -eq 5 ]
for a in kde_ai markov_ai spatial_markov_ai detector_ai; do
    check "$a in a job: raw JSON" bash -c 'jq -e . "$1" >/dev/null' _ "prov1/raw/$a.json"
done
check "spatial markov in a job: its conditional chains" \
    [ "$(jq '.conditional | length' prov1/raw/spatial_markov_ai.json)" -eq 3 ]
for f in figures/map_ai.png figures/map_ai.svg figures/map_lisa_ai.png figures/plot_kde_ai.png \
    figures/plot_kde_ai.svg figures/plot_moran_ai.png figures/plot_moran_ai.svg \
    tables/index_x_table.csv tables/index_x_weights.csv; do
    check "index, map and plot in a job: $f" [ -s "prov1/$f" ]
done
check "map in a job: a real PNG" bash -c "file prov1/figures/map_ai.png | grep -q 'PNG image'"
check "plot in a job: a real SVG" grep -q '<svg' prov1/figures/plot_moran_ai.svg
check "index in a job: its score table, one row per unit and year" \
    [ "$(wc -l <prov1/tables/index_x_table.csv)" -eq 342 ]
check "the report shows every figure" [ "$(grep -c '<img' prov1/report.html)" -eq 4 ]
check "report.md links the figures" [ "$(grep -c '](figures/.*\.png)' prov1/report.md)" -eq 4 ]
check "options: sets kde's grid" [ "$(jq '.grid' prov1/raw/kde_fine.json)" = 128 ]
check "markov in a job: its transition matrix as a labelled table" \
    [ "$(head -1 prov1/tables/markov_ai_p.csv)" = 'from \ to,1,2,3' ]
check "markov in a job: one row per class" [ "$(wc -l <prov1/tables/markov_ai_p.csv)" -eq 4 ]
check "spatial markov: one table per conditional matrix" [ -s prov1/tables/spatial_markov_ai_conditional_3_p.csv ]
check "gini in a job: its pairs as a table, led by the year" \
    [ "$(head -1 prov1/tables/gini_ai_pairs.csv)" = "by,a,b,gini,D" ]
check "gini in a job: three pairs per year" [ "$(wc -l <prov1/tables/gini_ai_pairs.csv)" -eq 13 ]
check "nested lists left out of their parent's table" bash -c "! head -1 prov1/tables/gini_ai.csv | grep -q pairs"
# a fit run in the job's threads prints what spill fit alone prints
argv=$("$SPILL" run "$EX/china_provinces.yaml" --dry-run | sed -n 's/^sdm_twoway: //p')
(cd prov1 && eval "'$SPILL' $argv" >"$TMP/fit.json" 2>"$TMP/fit.log")
check "a fit in the job's threads: raw JSON is spill fit's own, byte for byte" cmp -s "$TMP/fit.json" prov1/raw/sdm_twoway.json
check "a fit in the job's threads: its messages are spill fit's own" cmp -s "$TMP/fit.log" prov1/raw/sdm_twoway.log
# a later grid specification (W's eigenvalues from the job's cache) = spill fit alone
argv=$("$SPILL" run "$EX/china_provinces.yaml" --dry-run | sed -n 's/^sdm_grid\[fe=twoway,model=sdm,subsample=all\]: //p')
(cd prov1 && eval "'$SPILL' $argv" >"$TMP/fit9.json" 2>/dev/null)
check "a grid specification with cached eigenvalues: spill fit's own JSON" \
    cmp -s "$TMP/fit9.json" prov1/raw/sdm_grid/0009.json
check "manifest: seed and version" [ "$(jq -r '"\(.seed) \(.spill_version)"' prov1/manifest.json)" = "12345 $("$SPILL" --version | cut -d' ' -f2)" ]

ok "provinces job, 2 workers, job named relative to the folder" \
    bash -c "cd '$ROOT' && '$SPILL' run examples/china_provinces.yaml -o '$TMP/prov2' --jobs 2 --quiet"
check "--jobs 1 and --jobs 2 give identical bytes" same prov1 prov2

if command -v parallel >/dev/null; then
    ok "3 shards with GNU parallel" parallel --halt now,fail=1 "$SPILL" run "$EX/china_provinces.yaml" \
        -o shard{} --shard {}/3 --quiet ::: 1 2 3
    ok "merge the shards" "$SPILL" merge -o merged shard2 shard3 shard1
    check "merged shards = the unsharded run, byte for byte" same prov1 merged
    fails 2 "shard 2/3 is missing" "merge without a shard" "$SPILL" merge -o m2 shard1 shard3
else
    echo "t_run_yaml.sh: GNU parallel not installed: sharded test skipped" >&2
fi

# plot --effects of a saved fit (a file), kde's grid as a grid axis
cat >more.yaml <<EOF
inputs:
  tables:
    ai: {file: $SHP/ai_index_province.csv, id: adcode, time: year}
analyses:
  - {name: effects_plot, command: plot, effects: $TMP/prov1/raw/sdm_twoway.json, dpi: 72}
  - {name: kde_grid, command: kde, var: ai_index, by: year, grid: {grid: [64, 128]}}
EOF
ok "plot --effects from a file, kde grid as an axis" "$SPILL" run more.yaml -o more --jobs 2 --quiet
check "plot --effects: the figure" [ -s more/figures/effects_plot.png ]
check "kde grid axis: two specifications, grids 64 and 128" \
    [ "$(jq -s -c '[.[].result.grid]' more/results.jsonl)" = "[64,128]" ]

ok "city grid job runs" "$SPILL" run "$EX/china_cities_grid.yaml" -o cities --jobs 2 --quiet
check "city grid: 8 specifications" [ "$(wc -l <cities/results.jsonl)" -eq 8 ]
check "city grid: combined table has 8 rows" [ "$(wc -l <cities/tables/sdm_grid.csv)" -eq 9 ]

# a specification that fails (a one-unit subsample) is reported, the others go on
sed -e 's/east: {where: region == East}/east: {where: region == East}\n  one: {ids: [110000]}/' \
    -e 's/subsample: \[all, east\]/subsample: [all, one]/' -e 's#\.\./#'"$ROOT"'/#g' \
    -e 's#data/china_cities#'"$EX"'/data/china_cities#' "$EX/china_cities_grid.yaml" >failing.yaml
fails 104 "4 failed" "failed specifications: exit 100 + count" "$SPILL" run failing.yaml -o failing --jobs 2 --keep-going --quiet
check "--keep-going writes the others" [ "$(jq -s '[.[] | select(.status == 0)] | length' failing/results.jsonl)" -eq 4 ]
fails 101 "1 task failed; nothing written" "without --keep-going: exit 100 + 1, nothing written" "$SPILL" run failing.yaml -o failing2 --quiet
check "nothing written after a failure" [ ! -e failing2 ]

# the HTML report in a real headless browser
# the distribution options added later (weighted Dagum, optimal discretisation) in a job
cat >"$TMP/dist.yaml" <<YAML
job: dist
inputs:
  id: adcode
  tables:
    cp: {file: $FIX/distribution/cities_panel.csv, time: year}
analyses:
  - {name: g, command: gini, data: cp, var: x1, by: year, group: region, weight: pop, weighted: true}
  - {name: d, command: detector, data: cp, y: x1, x: [x2], continuous: [x2], discretize: optimal, min-classes: 3, classes: 4, by: year}
YAML
ok "job: gini weighted: true, detector discretize: optimal" "$SPILL" run "$TMP/dist.yaml" -o "$TMP/dist"
check "the job's raw output is the commands' own" [ "$(jq -c '[.weighted, (.results | length)]' "$TMP/dist/raw/g.json")-$(jq -r '.discretize.method' "$TMP/dist/raw/d.json")" = "[true,3]-optimal" ]

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROME" ]; then
    C=("$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions)
    timeout 60 "${C[@]}" --dump-dom "file://$TMP/prov1/report.html" >dom.html 2>chrome.log
    check "chromium loads report.html" [ -s dom.html ]
    check "DOM: one table per report table" \
        [ "$(grep -o '<table>' dom.html | wc -l)" -eq "$(grep -c '^### ' prov1/report.md)" ]
    check "DOM: no external resources" bash -c "! grep -qE '(src|href)=\"https?:' dom.html"
    check "no page errors on the console" bash -c "! grep -qiE 'Uncaught|ERROR:CONSOLE' chrome.log"
    timeout 60 "${C[@]}" --window-size=1200,900 --screenshot="$TMP/shot.png" \
        "file://$TMP/prov1/report.html" >/dev/null 2>&1
    printf '<!DOCTYPE html><html><body></body></html>' >blank.html
    timeout 60 "${C[@]}" --window-size=1200,900 --screenshot="$TMP/blank.png" \
        "file://$TMP/blank.html" >/dev/null 2>&1
    check "screenshot is not blank (PNG much larger than a blank page's)" \
        [ "$(stat -c %s shot.png)" -gt $((4 * $(stat -c %s blank.png))) ]
else
    echo "t_run_yaml.sh: chromium not installed (scripts/install-deps.sh installs it): HTML test skipped" >&2
fi
finish t_run_yaml.sh
