#!/bin/bash
# Run a YAML job's grid as a Slurm job array: one array task per shard, then
# join the shard folders with spill merge (docs/jobs.md).
#
#   sbatch --array=1-N scripts/slurm-array.sh JOB.yaml OUTDIR [SPILL]
#   # when all N tasks are done (or: sbatch --dependency=afterok:JOBID ...):
#   spill merge -o OUTDIR OUTDIR.shards/*
#
# Each task runs `spill run JOB.yaml --shard I/N --keep-going` into
# OUTDIR.shards/I, with --jobs set to the CPUs Slurm gave it.  A specification
# always lands in the same shard for a given N, so a failed task can be rerun
# alone (sbatch --array=I ...).
#SBATCH --job-name=spill-grid
#SBATCH --cpus-per-task=2
#SBATCH --output=spill-grid-%A_%a.log
set -euo pipefail
JOB=${1:?usage: sbatch --array=1-N slurm-array.sh JOB.yaml OUTDIR [SPILL]}
OUT=${2:?usage: sbatch --array=1-N slurm-array.sh JOB.yaml OUTDIR [SPILL]}
SPILL=${3:-spill}
: "${SLURM_ARRAY_TASK_ID:?run me with sbatch --array=1-N}"
N=${SLURM_ARRAY_TASK_COUNT:-$SLURM_ARRAY_TASK_MAX}
mkdir -p "$OUT.shards"
"$SPILL" run "$JOB" -o "$OUT.shards/$SLURM_ARRAY_TASK_ID" --shard "$SLURM_ARRAY_TASK_ID/$N" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" --keep-going --quiet
