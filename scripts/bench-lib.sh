# Shared timing helpers for scripts/bench-*.sh (source it after `cd` to the repo root; the helpers use the caller's $tmp).

# best_of_3 CMD...: prints the fastest wall time of three runs, in seconds
best_of_3() {
    local best=
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
        best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
    done
    echo "$best"
}

# cpu_best_of_3 CMD...: the least user + system CPU seconds of three runs (the machine may be busy)
cpu_best_of_3() {
    local best=
    for _ in 1 2 3; do
        local c
        /usr/bin/time -o "$tmp/cpu" -f '%U %S' "$@" >/dev/null 2>&1
        c=$(awk '{print $1 + $2}' "$tmp/cpu")
        best=$(echo "$c $best" | awk '{if ($2 == "" || $1 < $2) print $1; else print $2}')
    done
    echo "$best"
}

# best_part_of N PART CMD...: prints the fastest wall time of N runs, in seconds; keeps
# the fastest --timing "PART x s" time in $tmp/PART (empty line if CMD prints none)
best_part_of() {
    local n=$1 part=$2 best=
    shift 2
    echo > "$tmp/$part"
    for _ in $(seq "$n"); do
        local t0 t1
        t0=$(date +%s.%N); "$@" >/dev/null 2>"$tmp/stderr"; t1=$(date +%s.%N)
        best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
        sed -n "s/.*$part \([0-9.]*\) s.*/\1/p" "$tmp/stderr" | awk -v b="$(cat "$tmp/$part")" \
            '{ if (b == "" || $1 < b) print $1; else print b }' > "$tmp/$part.new"
        mv "$tmp/$part.new" "$tmp/$part"
    done
    echo "$best"
}
