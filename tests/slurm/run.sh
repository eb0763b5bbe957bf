#!/bin/bash
# make check-slurm: a single-node Slurm on localhost (munged, slurmctld and
# slurmd started and stopped here, configuration from this folder), the
# provinces job's grid run as a 3-task job array through
# scripts/slurm-array.sh, merged, and compared with the unsharded run.
#   SPILL=build/spill tests/slurm/run.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${SPILL:=$ROOT/build/spill}"
for c in munged slurmctld slurmd sbatch squeue; do
    command -v "$c" >/dev/null || { echo "check-slurm: $c missing (scripts/install-deps.sh --slurm)" >&2; exit 1; }
done
D=$(mktemp -d /tmp/spill-slurm.XXXXXX)
chmod 755 "$D"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 1
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$D"
}
trap cleanup EXIT
fail() { echo "check-slurm: FAIL: $*" >&2; for f in "$D"/*.log; do echo "== $f" >&2; tail -20 "$f" >&2; done; exit 1; }
mkdir -p "$D/state" "$D/spool" "$D/munge"
CPUS=$(nproc)
sed -e "s#@DIR@#$D#g" -e "s#@CPUS@#$CPUS#g" "$ROOT/tests/slurm/slurm.conf.in" >"$D/slurm.conf"
cp "$ROOT/tests/slurm/cgroup.conf" "$D/cgroup.conf"
export SLURM_CONF=$D/slurm.conf

dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$D/munge.key"
munged --force --foreground --key-file="$D/munge.key" --socket="$D/munge.sock" \
    --pid-file="$D/munged.pid" --log-file="$D/munged.log" --seed-file="$D/munge.seed" \
    >"$D/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$D/munge.sock" ] && break; sleep 0.1; done
[ -S "$D/munge.sock" ] || fail "munged did not start"
slurmctld -D -i -f "$D/slurm.conf" >"$D/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$D/slurm.conf" -N localhost >"$D/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break
    sleep 0.2
done
sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' || fail "the node did not come up"

cd "$D" || exit 1
JOB=$ROOT/examples/china_provinces.yaml
"$SPILL" run "$JOB" -o "$D/unsharded" --quiet 2>/dev/null || fail "unsharded run"
jid=$(sbatch --parsable --array=1-3 --cpus-per-task=1 --chdir="$D" \
    --output="$D/array-%a.log" "$ROOT/scripts/slurm-array.sh" "$JOB" "$D/out" "$SPILL") ||
    fail "sbatch"
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] && break
    sleep 0.2
done
[ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] || fail "the array did not finish in 120 s"
n=$(ls -d "$D"/out.shards/* 2>/dev/null | wc -l)
[ "$n" -eq 3 ] || fail "$n shard folders, want 3"
"$SPILL" merge -o "$D/out" "$D"/out.shards/* 2>/dev/null || fail "spill merge"
diff -r -x manifest.json "$D/unsharded" "$D/out" >/dev/null || fail "merged outputs differ"
cmp -s <(jq 'del(.run)' "$D/unsharded/manifest.json") <(jq 'del(.run)' "$D/out/manifest.json") ||
    fail "merged manifests differ"
echo "check-slurm: a 3-task Slurm job array merged to the unsharded outputs: passed"
