#!/bin/bash
# Runs the bad-input catalogue (tests/bad/catalogue.txt): every case must exit
# with its code, say what is wrong on stderr, and write no file.
source "$(dirname "$0")/lib.sh"
BAD=$ROOT/tests/bad
n=0
mkdir -p "$TMP/case"
cd "$TMP/case" || exit 1
while IFS= read -r line; do
    case "$line" in '#'* | '') continue ;; esac
    code=${line%% ~ *}
    rest=${line#* ~ }
    pattern=${rest%% ~ *}
    args=${rest#* ~ }
    n=$((n + 1))
    eval "set -- $args"
    fails "$code" "$pattern" "case $n ($args)" "$SPILL" "$@"
    left=$(ls -A "$TMP" | grep -v -x -E 'case|stdout|stderr')
    [ -z "$left$(ls -A "$TMP/case")" ] || fail "case $n ($args) left files: $left $(ls -A "$TMP/case")"
done <"$BAD/catalogue.txt"
check "catalogue has at least 40 cases" [ "$n" -ge 40 ]
finish t_bad_input.sh
