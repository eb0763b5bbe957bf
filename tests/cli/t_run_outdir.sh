#!/bin/bash
# spill run -o DIR never deletes a user's folder: an existing DIR is replaced
# only when it is empty or an earlier output (manifest.json, or a shard's
# shard.json); any other folder, or a file, is exit 1 with everything in it
# left as it was (io/sp_jobdir.h).
source "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
mkdir sand
sed -e 's#\.\./#'"$ROOT"'/#g' "$ROOT/examples/china_provinces.yaml" >sand/job.yaml
cp "$SHP/ai_index_province.csv" sand/
echo "my notes" >sand/notes.txt
fails 1 "sand: the folder holds files and is not an earlier output" \
    "-o a folder holding the job and its data: refused" "$SPILL" run sand/job.yaml -o sand --quiet
check "the job, the data and the notes are still there" \
    [ -f sand/job.yaml ] && [ -f sand/ai_index_province.csv ] && [ "$(cat sand/notes.txt)" = "my notes" ]
check "no temporary folder left beside it" [ -z "$(ls -A . | grep '^\.sand')" ]
touch afile
fails 1 "afile: it exists and is not a folder" "-o a file: refused" \
    "$SPILL" run sand/job.yaml -o afile --quiet
mkdir empty
ok "-o an empty folder" "$SPILL" run sand/job.yaml -o empty --quiet
check "the empty folder now holds the report" [ -f empty/manifest.json ] && [ -f empty/report.md ]
echo stale >empty/stale.txt
ok "-o an earlier output: replaced" "$SPILL" run sand/job.yaml -o empty --quiet
check "the earlier output's files are gone" [ ! -e empty/stale.txt ] && [ -f empty/manifest.json ]
mkdir -p shards/s1 && echo '{}' >shards/s1/shard.json && echo x >shards/s1/raw.txt
ok "-o an earlier shard's folder: replaced" "$SPILL" run sand/job.yaml -o shards/s1 --quiet
check "the shard's files are gone" [ ! -e shards/s1/raw.txt ]
finish t_run_outdir.sh
