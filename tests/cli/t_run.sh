#!/bin/bash
# CLI tests for `spill run`: job files of spill commands.
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
cat >"$TMP/jobs.txt" <<JOBS
# two specifications and a summary
spill weights $P --id adcode -o $TMP/a.gal
weights "$P" --id adcode \\
    --type knn --k 3 --points 'cap_lon,cap_lat' -o $TMP/b.gwt
winfo $TMP/b.gwt --json
JOBS
ok "job file runs" "$SPILL" run "$TMP/jobs.txt"
check "first job wrote its file" [ -s "$TMP/a.gal" ]
check "continued line wrote its file" [ -s "$TMP/b.gwt" ]
check "stdout carries the job's JSON" [ "$(jq .n "$OUT")" = 34 ]
check "each job is echoed with its line" grep -q "jobs.txt:3: spill weights" "$ERR"
cat >"$TMP/bad.txt" <<JOBS
winfo $TMP/none.gal
winfo $TMP/b.gwt --json
JOBS
fails 2 "bad.txt:1: spill winfo: .*none.gal" "first failure stops the run" "$SPILL" run "$TMP/bad.txt"
check "stopped before line 2" [ ! -s "$OUT" ]
fails 2 "1 of 2 commands failed" "--keep-going runs the rest" "$SPILL" run "$TMP/bad.txt" --keep-going
check "line 2 ran" [ "$(jq .n "$OUT")" = 34 ]
printf 'winfo a.gal\nfrobnicate x\n' >"$TMP/unknown.txt"
fails 1 "unknown.txt:2: 'frobnicate' is not a spill command" "unknown command checked first" "$SPILL" run "$TMP/unknown.txt"
printf "winfo 'a.gal\n" >"$TMP/quote.txt"
fails 2 "quote.txt: line 1: unterminated ' quote" "unterminated quote" "$SPILL" run "$TMP/quote.txt"
fails 2 "cannot open the job file" "missing job file" "$SPILL" run "$TMP/nothing.txt"
ok "dry run" "$SPILL" run "$TMP/jobs.txt" --dry-run
finish t_run.sh
