#!/bin/bash
# The default workflow on the bundled data: China provinces and the published
# AI-development index (31 provinces, 2011-2022), run in OUT (default demo-out/).
#   scripts/demo.sh [path/to/spill] [OUT]
# Each step is a console block: its "$ spill ..." lines are run as written
# (in OUT, where shapefiles/ and tests/ link to the repository's), and the
# commands with their output (stdout and stderr, in terminal order) go to the
# screen and to OUT/transcript.md.  The README's console blocks are copied
# from that transcript, and tests/cli/t_readme.sh checks that they still match.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/spill}
SPILL=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
OUT=${2:-$ROOT/demo-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
for d in shapefiles tests; do
    [ -e "$d" ] || ln -s "$ROOT/$d" "$d"
done
TRANSCRIPT=$OUT/transcript.md
printf '# spill demo transcript (scripts/demo.sh)\n' >"$TRANSCRIPT"
# the commands name `spill` (their tables come after their warnings, on a
# terminal as in a pipe)
spill() { "$SPILL" "$@"; }

# block TITLE: run the console block on stdin, one "$ CMD" (with "\" continuation
# lines) at a time, a blank line between commands
block() {
    printf '\n## %s\n\n```console\n' "$1" >>"$TRANSCRIPT"
    printf '\n== %s\n' "$1"
    local cmd="" line first=1
    while IFS= read -r line; do
        [ -n "$cmd" ] || [ "$first" = 1 ] || echo | tee -a "$TRANSCRIPT"
        first=0
        echo "$line" | tee -a "$TRANSCRIPT"
        line=${line#\$ }
        cmd+="${line%\\}"
        [[ $line == *\\ ]] && continue
        eval "$cmd" 2>&1 | tee -a "$TRANSCRIPT"
        [ "${PIPESTATUS[0]}" = 0 ] || { echo "demo: step failed: $cmd" >&2; exit 1; }
        cmd=""
    done
    printf '```\n' >>"$TRANSCRIPT"
}

block "Contiguity, yearly Moran's I and hot spots" <<'EOF'
$ spill weights shapefiles/china_provinces.shp --id adcode --link 460000:440000 -o prov_queen.gal
$ spill moran shapefiles/ai_index_province.csv --w prov_queen.gal --id adcode --var ai_index --by year --perm 999
$ spill hotspot shapefiles/china_provinces.shp --id adcode --data shapefiles/ai_index_province.csv \
      --var ai_index --by year --w prov_queen.gal -o ai_hotspots.gpkg
EOF
block "Nearest 4 capitals (great-circle km) and a summary of the contiguity matrix" <<'EOF'
$ spill weights shapefiles/china_provinces.shp --id adcode --type knn --k 4 --points cap_lon,cap_lat -o prov_knn4.gwt
$ spill winfo prov_queen.gal
EOF
block "Local Moran clusters and outliers per year" <<'EOF'
$ spill lisa shapefiles/china_provinces.shp --id adcode --data shapefiles/ai_index_province.csv \
      --var ai_index --by year --w prov_queen.gal --perm 999 -o ai_lisa.gpkg
EOF
block "Standard deviational ellipses and the migration of the centre" <<'EOF'
$ spill ellipse shapefiles/china_provinces.shp --id adcode --weight ai_index \
      --data shapefiles/ai_index_province.csv --by year -o ai_ellipse.gpkg --table migration.csv
EOF
block "Spatial Durbin panel (simulated 31 provinces x 11 years): FE designs side by side" <<'EOF'
$ spill fit tests/fixtures/panel/provinces_panel.csv --panel adcode,year \
      --w tests/fixtures/panel/provinces.gal --y y --x x1,x2 --compare
EOF
block "Two-way FE SDM with direct/indirect/total effects, as a LaTeX table" <<'EOF'
$ spill fit tests/fixtures/panel/provinces_panel.csv --panel adcode,year \
      --w tests/fixtures/panel/provinces.gal --y y --x x1,x2 --effects --latex
EOF
spill fit tests/fixtures/panel/provinces_panel.csv --panel adcode,year \
    --w tests/fixtures/panel/provinces.gal --y y --x x1,x2 --effects --latex >sdm_twoway.tex 2>/dev/null
printf '\nOutputs in %s/ (the console blocks in transcript.md):\n' "$OUT"
ls -1 "$OUT" | grep -v '^shapefiles$\|^tests$'
