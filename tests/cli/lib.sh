# Helpers for CLI tests.  Source it, call the checks, end with `finish NAME`.
#   ok DESC CMD...                 exit 0 expected
#   fails CODE PATTERN DESC CMD... exit CODE and PATTERN (grep -E) on stderr
#   check DESC CONDITION...        any shell test (e.g. [ "$a" = "$b" ])
# $SPILL is the binary; $TMP a scratch folder removed at exit; $SHP the
# bundled data folder; $FIX the fixtures folder.
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

pass() { cli_passed=$((cli_passed + 1)); }
fail() { cli_failed=$((cli_failed + 1)); echo "FAIL: $*" >&2; }

ok() {
    local desc=$1; shift
    if "$@" >"$OUT" 2>"$ERR"; then pass; else fail "$desc (exit $?): $(head -c 400 "$ERR")"; fi
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
        pass
    fi
}

check() {
    local desc=$1; shift
    if "$@"; then pass; else fail "$desc"; fi
}

finish() {
    echo "$1: $cli_passed passed, $cli_failed failed"
    [ "$cli_failed" -eq 0 ]
}
