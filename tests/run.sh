#!/bin/bash
# Runs every unit-test binary and every CLI test script, then prints the
# total as "N passed, N failed" and the stable ids of the failed checks
# (FILE.TEST-N for unit tests, SCRIPT-N for CLI tests; tests/harness.h,
# tests/cli/lib.sh).  Exit status 1 if anything failed.
# Environment: SPILL (the binary under test), BUILD (where test binaries are),
# TEST_JOBS (tests run at once; default the number of processors: every test
# has its own scratch folder), TEST_WRAPPER (a command put before each unit
# test binary).
# The tests run side by side, the slowest known ones first, but their output
# is printed in the fixed order below (unit tests, fuzz replays, CLI scripts),
# each test's block as soon as it and every test before it have finished.
cd "$(dirname "$0")/.."
: "${BUILD:=build}" "${SPILL:=$PWD/build/spill}" "${TEST_JOBS:=$(nproc 2>/dev/null || echo 1)}"
export SPILL
# Started first so that they do not end the run alone (the longest under
# valgrind first); the rest start in the fixed order.
SLOW="t_perm_identity.sh t_readpair.sh t_lisa.sh t_fit.sh t_run_yaml.sh t_hotspot.sh t_shard.sh"

passed=0 failed=0 broken=0 failed_ids=
names=() kinds=() args=()
for src in tests/t_*.c; do
    t=$BUILD/tests/$(basename "$src" .c)
    [ -x "$t" ] && { names+=("$(basename "$t")"); kinds+=(unit); args+=("$t"); }
done
for corpus in tests/fuzz/corpus/*/; do
    name=$(basename "$corpus")
    [ -x "$BUILD/tests/replay_$name" ] && { names+=("fuzz_$name"); kinds+=(fuzz); args+=("$corpus"); }
done
for s in tests/cli/t_*.sh; do
    [ -f "$s" ] && { names+=("$(basename "$s")"); kinds+=(cli); args+=("$s"); }
done

RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT

# run_one K: test K's output into $RESULTS/K.out, then its exit status into
# $RESULTS/K.rc (written last: its presence says the test has finished).
run_one() {
    local k=$1 status start=$SECONDS
    case ${kinds[k]} in
    unit) $TEST_WRAPPER "${args[k]}" >"$RESULTS/$k.out" 2>&1 ;;
    fuzz) $TEST_WRAPPER "$BUILD/tests/replay_${names[k]#fuzz_}" "${names[k]}" "${args[k]}" >"$RESULTS/$k.out" 2>&1 ;;
    cli) bash "${args[k]}" >"$RESULTS/$k.out" 2>&1 ;;
    esac
    status=$?
    echo $((SECONDS - start)) >"$RESULTS/$k.secs"
    echo "$status" >"$RESULTS/$k.rc.tmp" && mv "$RESULTS/$k.rc.tmp" "$RESULTS/$k.rc"
}

# tally K: echo test K's output and add up its closing line.
tally() {
    local k=$1 name=${names[k]} out line p f status
    out=$(cat "$RESULTS/$k.out")
    status=$(cat "$RESULTS/$k.rc")
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

# The start order: the slow ones present, then the others.
order=()
for slow in $SLOW; do
    for k in "${!names[@]}"; do [ "${names[k]}" = "$slow" ] && order+=("$k"); done
done
for k in "${!names[@]}"; do
    case " $SLOW " in *" ${names[k]} "*) ;; *) order+=("$k") ;; esac
done

# Start up to TEST_JOBS tests at a time; print the finished ones in order.
next_print=0 running=0
print_ready() {
    while [ "$next_print" -lt "${#names[@]}" ] && [ -f "$RESULTS/$next_print.rc" ]; do
        tally "$next_print"
        next_print=$((next_print + 1))
    done
}
for k in "${order[@]}"; do
    if [ "$running" -ge "$TEST_JOBS" ]; then
        wait -n
        running=$((running - 1))
        print_ready
    fi
    run_one "$k" &
    running=$((running + 1))
done
wait
print_ready

slowest=$(for k in "${!names[@]}"; do echo "$(cat "$RESULTS/$k.secs") ${names[k]}"; done | sort -rn | head -n 5 |
    awk '{printf "%s%s %d s", (NR > 1 ? ", " : ""), $2, $1}')
echo "slowest ($TEST_JOBS at a time): $slowest"
echo "$passed passed, $failed failed"
ids=$(echo $failed_ids)
[ -z "$ids" ] || echo "failed checks: $ids"
[ "$failed" -eq 0 ]
