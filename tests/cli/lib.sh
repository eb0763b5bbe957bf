# Helpers for CLI tests.  Source it, call the checks, end with `finish NAME`.
#   ok DESC CMD...                 exit 0 expected
#   fails CODE PATTERN DESC CMD... exit CODE and PATTERN (grep -E) on stderr
#   check DESC CONDITION...        any shell test (e.g. [ "$a" = "$b" ])
#   near GOT WANT [REL [FLOOR]]    |got - want| <= REL max(|want|, FLOOR)
#   props GEOJSON JQ               one line per feature: JQ on its properties
#   compare GEOJSON LABEL FIELD REFCOLUMN [REFFILE [KEY [YEARFIELD]]]
#                                  a layer's field against an R fixture (below)
# $SPILL is the binary; $TMP a scratch folder removed at exit; $SHP the
# bundled data folder; $FIX the fixtures folder.
# Every check (ok, fails, check) has a stable id, as SQLite's do_test names:
# SCRIPT-N, the script and the check's ordinal in it (e.g. t_moran-17),
# printed with its description on failure ("FAIL t_moran-17: ...") and, with
# TH_VERBOSE=1 in the environment, for every check ("ok t_moran-17 DESC").
: "${SPILL:?SPILL must name the spill binary}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHP=$ROOT/shapefiles
FIX=$ROOT/tests/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cli_passed=0
cli_failed=0
OUT=$TMP/stdout
ERR=$TMP/stderr

cli_name=$(basename "$0" .sh)
cli_seq=0
# pass DESC / fail DESC: count the check (and number it: $cli_name-$cli_seq)
pass() {
    cli_seq=$((cli_seq + 1)); cli_passed=$((cli_passed + 1))
    [ -z "$TH_VERBOSE" ] || echo "ok $cli_name-$cli_seq $1"
}
fail() { cli_seq=$((cli_seq + 1)); cli_failed=$((cli_failed + 1)); echo "FAIL $cli_name-$cli_seq: $*" >&2; }

ok() {
    local desc=$1; shift
    if "$@" >"$OUT" 2>"$ERR"; then pass "$desc"; else fail "$desc (exit $?): $(head -c 400 "$ERR")"; fi
}

fails() {
    local code=$1 pattern=$2 desc=$3; shift 3
    "$@" >"$OUT" 2>"$ERR"
    local status=$?
    if [ "$status" -ne "$code" ]; then
        fail "$desc: exit $status, want $code; stderr: $(head -c 400 "$ERR")"
    elif ! grep -qE -- "$pattern" "$ERR"; then
        fail "$desc: stderr lacks /$pattern/: $(head -c 400 "$ERR")"
    else
        pass "$desc"
    fi
}

check() {
    local desc=$1; shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# near GOT WANT [REL [FLOOR]]: |got - want| <= REL max(|want|, FLOOR), REL 1e-9
# and FLOOR 1e-6 by default; an empty or null GOT is never near.
near() {
    awk -v a="$1" -v b="$2" -v r="${3:-1e-9}" -v s="${4:-1e-6}" 'BEGIN { d = a - b; if (d < 0) d = -d;
        m = b < 0 ? -b : b; if (m < s) m = s; exit !(a != "" && a != "null" && d <= r * m) }'
}

# near_se GOT WANT [SCALE] [TOL]: |got - want| <= TOL max(|want|, SCALE), TOL 1e-6
# (SCALE: e.g. the standard error, for estimates near zero)
near_se() { near "$1" "$2" "${4:-1e-6}" "${3:-1e-12}"; }

props() { jq -r ".features[].properties | $2" "$1"; }

# compare FILE.geojson LABEL FIELD REFCOLUMN [REFFILE [KEY [YEARFIELD]]]: every
# feature's FIELD equals REFCOLUMN of the R fixture REFFILE (default $REF; a
# name in $FIX/autocorr) in its rows LABEL, matched by KEY (default POLYID) and,
# with YEARFIELD, by period (then every row counts, keyed "year id"); 1e-9
# relative, floor 1e-6.  A NULL field matches an empty reference value (no
# statistic there); features without KEY are skipped.
compare() {
    local out=$1 label=$2 field=$3 col=$4 file=$FIX/autocorr/${5:-$REF} key=${6:-POLYID} year=$7
    jq -r ".features[].properties | select(.$key != null) | \"\(.$key)${year:+ }${year:+\(.$year)} \(.$field)\"" "$out" |
    awk -v lab="$label" -v col="$col" -v file="$file" -v byyear="$year" '
        BEGIN { FS = ","; while ((getline line < file) > 0) { n = split(line, f, ",");
                    if (!hdr) { for (i = 1; i <= n; i++) { if (f[i] == col) c = i; if (f[i] == "id") ic = i }; hdr = 1; continue }
                    if (byyear == "" && f[1] != lab) continue;
                    ref[(byyear == "" ? "" : f[1] " ") f[ic]] = f[c] }
                FS = " " }
        { key = byyear == "" ? $1 : $2 " " $1; want = ref[key]; got = $NF
          if (got == "null") got = ""; if (want == "" && got == "") { ok++; next }
          d = got - want; if (d < 0) d = -d; m = want < 0 ? -want : want; if (m < 1e-6) m = 1e-6
          if (got == "" || want == "" || d > 1e-9 * m) { bad++; print "  " key ": " got " vs " want > "/dev/stderr" } else ok++ }
        END { exit !(ok > 0 && bad == 0) }'
}

finish() {
    echo "$1: $cli_passed passed, $cli_failed failed"
    [ "$cli_failed" -eq 0 ]
}

# fit_like_ref REF...: every coefficient of $OUT (est and se), rho (est, se),
# sigma2 and loglik equal `REF... NAME est|se` (a reference lookup of the
# calling script) by near_se; mismatches named on stderr; status 1 if any.
fit_like_ref() {
    local bad=0 nm se
    for nm in $(jq -r '.coefficients[].name' "$OUT"); do
        se=$("$@" "$nm" se)
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .est" "$OUT")" "$("$@" "$nm" est)" "$se" || { bad=1; echo "  $* $nm est" >&2; }
        near_se "$(jq -r ".coefficients[] | select(.name == \"$nm\") | .se" "$OUT")" "$se" || { bad=1; echo "  $* $nm se" >&2; }
    done
    near_se "$(jq -r .rho.est "$OUT")" "$("$@" rho est)" "$("$@" rho se)" || { bad=1; echo "  $* rho" >&2; }
    near_se "$(jq -r .rho.se "$OUT")" "$("$@" rho se)" || { bad=1; echo "  $* rho se" >&2; }
    near_se "$(jq -r .sigma2 "$OUT")" "$("$@" sigma2 est)" || { bad=1; echo "  $* sigma2" >&2; }
    near_se "$(jq -r .loglik "$OUT")" "$("$@" loglik est)" || { bad=1; echo "  $* loglik" >&2; }
    return $bad
}
