#!/bin/bash
# Benchmark: spatial Markov chain (k = m = 5, quantiles per period, homogeneity
# tests, steady states, passage times) of N units x T periods on a rook lattice,
# spill against the numpy reference of scripts/ref-markov.py (the same
# definitions as giddy's Spatial_Markov; giddy itself publishes about 195 ms for
# 3,600 x 10) timed in the same run.  Not a test.
#   SPILL=build/spill scripts/bench-markov.sh [SIDE [T]]   (default 60 10: 3,600 x 10)
# Prints, best of 5: spill's whole command (read the CSV and the GAL, compute,
# print JSON), its --timing statistics part, the numpy reference's computation
# (data already in memory: like for like with the statistics part), and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPILL:=$PWD/build/spill}"
side=${1:-60} t=${2:-10}
n=$((side * side))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# rook lattice GAL (ids 0..n-1) and a random-walk panel of log incomes
awk -v s="$side" 'BEGIN { print 0, s * s
    for (r = 0; r < s; r++) for (c = 0; c < s; c++) { i = r * s + c; m = 0; l = ""
        if (r > 0) { l = l " " i - s; m++ } if (c > 0) { l = l " " i - 1; m++ }
        if (c < s - 1) { l = l " " i + 1; m++ } if (r < s - 1) { l = l " " i + s; m++ }
        print i, m; print substr(l, 2) } }' > "$tmp/w.gal"
awk -v n="$n" -v t="$t" 'BEGIN { srand(11); print "id,year,y"
    for (i = 0; i < n; i++) x[i] = 1 + rand()
    for (p = 0; p < t; p++) for (i = 0; i < n; i++) {
        x[i] *= exp(0.1 * (rand() - 0.5)); printf "%d,%d,%.8f\n", i, 2000 + p, x[i] } }' > "$tmp/d.csv"

best=9 stat=9
for _ in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    "$SPILL" markov "$tmp/d.csv" --id id --by year --var y --w "$tmp/w.gal" --json --timing \
        >"$tmp/out.json" 2>"$tmp/err"
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v c="$best" 'BEGIN { d = b - a; print d < c ? d : c }')
    s=$(sed -n 's/.*statistics \([0-9.]*\) s.*/\1/p' "$tmp/err")
    stat=$(awk -v a="$s" -v c="$stat" 'BEGIN { print a < c ? a : c }')
done

ref=$(/usr/bin/python3 - "$tmp" "$side" "$t" 2>/dev/null <<'PY'
import importlib.util, sys, time
import numpy as np, libpysal
spec = importlib.util.spec_from_file_location("ref", "scripts/ref-markov.py")
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
tmp, side, t = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
n = side * side
d = np.loadtxt(tmp + "/d.csv", delimiter=",", skiprows=1)
y = d[:, 2].reshape(t, n)
w = libpysal.io.open(tmp + "/w.gal").read(); w.transform = "r"
order = [int(i) for i in w.id_order]; y = y[:, order]
best = 1e9
for _ in range(5):
    t0 = time.perf_counter()
    c, b = ref.classes(y, 5, "period")
    ref.chain(ref.count(c, 5, 1)[0])
    ref.spatial(y, c, 5, w, "period", 5)
    best = min(best, time.perf_counter() - t0)
print("%.4f" % best)
PY
)
echo "spatial Markov, $n units x $t periods, k = m = 5 (cores: $(nproc))"
printf '%-28s %10s\n' "spill whole command (s)" "$best" "spill statistics (s)" "$stat" \
    "numpy reference (s)" "$ref"
awk -v w="$best" -v s="$stat" -v r="$ref" 'BEGIN {
    printf "%-28s %9.1fx\n%-28s %9.1fx\n", "ratio numpy / whole", r / w, "ratio numpy / statistics", r / s }'
