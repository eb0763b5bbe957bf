#!/bin/bash
# Runs every unit-test binary and every CLI test script, then prints the
# total as "N passed, N failed" and the stable ids of the failed checks
# (FILE.TEST-N for unit tests, SCRIPT-N for CLI tests; tests/harness.h,
# tests/cli/lib.sh).  Exit status 1 if anything failed.
# Environment: SPILL (the binary under test), BUILD (where test binaries are).
cd "$(dirname "$0")/.."
: "${BUILD:=build}" "${SPILL:=$PWD/build/spill}"
export SPILL
passed=0 failed=0 broken=0 failed_ids=
tally() { # name, command...: run, echo output, add up its closing line
    local name=$1 out line p f
    shift
    out=$("$@" 2>&1)
    local status=$?
    printf '%s\n' "$out" | grep -v -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed$' | sed 's/^/  /'
    line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -z "$line" ]; then
        echo "$name: no result line (exit $status)"
        broken=$((broken + 1)); failed=$((failed + 1))
        return
    fi
    echo "$line"
    failed_ids="$failed_ids $(printf '%s\n' "$out" | sed -nE 's/^FAIL ([^ :]+):? .*/\1/p' | tr '\n' ' ')"
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.*, ([0-9]+) failed/\1/')
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$name: exit $status with no failed check"
        failed=$((failed + 1))
    fi
}
for src in tests/t_*.c; do
    t=$BUILD/tests/$(basename "$src" .c)
    [ -x "$t" ] && tally "$(basename "$t")" $TEST_WRAPPER "$t"
done
for corpus in tests/fuzz/corpus/*/; do
    name=$(basename "$corpus")
    [ -x "$BUILD/tests/replay_$name" ] && tally "fuzz_$name" $TEST_WRAPPER "$BUILD/tests/replay_$name" "fuzz_$name" "$corpus"
done
for s in tests/cli/t_*.sh; do
    [ -f "$s" ] && tally "$(basename "$s")" bash "$s"
done
echo "$passed passed, $failed failed"
ids=$(echo $failed_ids)
[ -z "$ids" ] || echo "failed checks: $ids"
[ "$failed" -eq 0 ]
