#!/bin/bash
# The default workflow on the bundled data: China provinces and the published
# AI-development index (31 provinces, 2011-2022).  Writes demo-out/.
#   scripts/demo.sh [path/to/spill]
set -euo pipefail
cd "$(dirname "$0")/.."
SPILL=${1:-$PWD/build/spill}
P=shapefiles/china_provinces.shp
AI=shapefiles/ai_index_province.csv
OUT=demo-out
mkdir -p "$OUT"
step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "Queen contiguity, Hainan linked to Guangdong as papers do" \
    "$SPILL" weights "$P" --id adcode --link 460000:440000 -o "$OUT/prov_queen.gal"
step "Nearest 4 capitals (great-circle km), for a second specification" \
    "$SPILL" weights "$P" --id adcode --type knn --k 4 --points cap_lon,cap_lat -o "$OUT/prov_knn4.gwt"
step "Summary of the contiguity matrix" "$SPILL" winfo "$OUT/prov_queen.gal"
step "Global Moran's I of the AI index, year by year (999 permutations)" \
    "$SPILL" moran "$AI" --w "$OUT/prov_queen.gal" --id adcode --var ai_index --by year --perm 999
step "Getis-Ord Gi* hot spots per year, one layer for ArcGIS/QGIS" \
    "$SPILL" hotspot "$P" --id adcode --data "$AI" --var ai_index --by year \
    --w "$OUT/prov_queen.gal" -o "$OUT/ai_hotspots.gpkg"
step "Local Moran clusters and outliers per year" \
    "$SPILL" lisa "$P" --id adcode --data "$AI" --var ai_index --by year \
    --w "$OUT/prov_queen.gal" --perm 999 -o "$OUT/ai_lisa.gpkg"
if "$SPILL" ellipse --help >/dev/null 2>&1; then
    step "Standard deviational ellipse of the AI index and its centre's migration" \
        "$SPILL" ellipse "$P" --id adcode --weight ai_index --data "$AI" --by year \
        -o "$OUT/ai_ellipse.gpkg"
fi
step "LISA cluster maps, one panel per year (GeoDa colours; docs/figures in the README)" \
    "$SPILL" map "$P" --id adcode --data "$AI" --by year --lisa ai_index \
    --w "$OUT/prov_queen.gal" --dpi 150 -o docs/figures/lisa_ai_index.png
step "Ellipses of the AI index and the path of its centre" \
    "$SPILL" map "$P" --id adcode --data "$AI" --by year --ellipse ai_index --label name_zh \
    --dpi 150 -o docs/figures/ellipse_ai_index.png
step "Gi* hot-spot maps as a PDF, Moran scatterplots and density curves" \
    "$SPILL" map "$P" --id adcode --data "$AI" --by year --hotspot ai_index \
    --w "$OUT/prov_queen.gal" -o "$OUT/hotspots.pdf"
"$SPILL" plot "$AI" --id adcode --by year --moran ai_index --w "$OUT/prov_queen.gal" \
    -o "$OUT/moran_scatter.png"
"$SPILL" plot "$AI" --id adcode --by year --kde ai_index --surface -o "$OUT/kde_surface.png"
PANEL=tests/fixtures/panel
step "Spatial Durbin panel (simulated 31 provinces x 11 years): FE designs side by side" \
    "$SPILL" fit "$PANEL/provinces_panel.csv" --panel adcode,year --w "$PANEL/provinces.gal" \
    --y y --x x1,x2 --compare
step "Two-way FE SDM with direct/indirect/total effects, as a LaTeX table" \
    "$SPILL" fit "$PANEL/provinces_panel.csv" --panel adcode,year --w "$PANEL/provinces.gal" \
    --y y --x x1,x2 --effects --latex
"$SPILL" fit "$PANEL/provinces_panel.csv" --panel adcode,year --w "$PANEL/provinces.gal" \
    --y y --x x1,x2 --effects --latex >"$OUT/sdm_twoway.tex"
"$SPILL" fit "$PANEL/provinces_panel.csv" --panel adcode,year --w "$PANEL/provinces.gal" \
    --y y --x x1,x2 --effects --json >"$OUT/sdm_twoway.json"
step "Coefficients and effects with 95% intervals, from the saved fit" \
    "$SPILL" plot --effects "$OUT/sdm_twoway.json" -o "$OUT/sdm_effects.png"
printf '\nOutputs in %s/:\n' "$OUT"
ls -1 "$OUT"
