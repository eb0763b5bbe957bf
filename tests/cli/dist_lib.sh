# Helpers for the distribution CLI tests (sourced after lib.sh).
#   ref_compare CASE FLAT TOL [FIXTURE]
#                                 compare the rows "by,stat,a,b,value" of FLAT (a CSV
#                                 made from spill's JSON) with the rows of CASE in
#                                 FIXTURE (default gini.csv; a file of $DIST); prints
#                                 "matched/wanted worst-relative-error"
DIST=$FIX/distribution
ref_compare() {
    awk -F, -v c="\"$1\"" -v tol="$3" '
        function uq(s) { gsub(/"/, "", s); return s }
        NR == FNR { if ($1 == c) { k = uq($2) "|" uq($3) "|" uq($4) "|" uq($5); want[k] = uq($6); n++ } next }
        { k = uq($1) "|" uq($2) "|" uq($3) "|" uq($4); if (k in want) { g = uq($5); w = want[k]
              if (w == "NA") { ok = (g == ""); e = 0 } else { d = g - w; if (d < 0) d = -d
                  s = w < 0 ? -w : w; e = s > 1e-12 ? d / s : d; ok = e <= tol }
              if (ok) m++; else print "mismatch " k ": " g " want " w > "/dev/stderr"
              if (e > worst) worst = e } }
        END { printf "%d/%d %.3g\n", m, n, worst }' "$DIST/${4:-gini.csv}" "$2"
}
