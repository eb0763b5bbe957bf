#!/bin/bash
# Runs spill under valgrind memcheck: exit 99 on any memory error or definite
# leak, otherwise spill's own exit status.  Used by `make check-valgrind`.
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --suppressions="$(dirname "$0")/valgrind.supp" \
    "${SPILL_REAL:?}" "$@"
