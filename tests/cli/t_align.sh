#!/bin/bash
# CLI tests for the routes that match data rows to W's units
# (sp_weights_align, sp_panel's id maps, sp_pdata's units): integer ids (the
# table-by-value id maps, W's own order needing no map) and string ids (the
# hash map) give the same output; rows in another order than the GAL give the
# same statistics; W units without data and data units missing from W give
# the same messages either way.
source "$(dirname "$0")/lib.sh"
N=300
# A ring with chords: unit i (1-based) neighbours i-1, i+1, and i+7 / i-7.
awk -v n=$N 'BEGIN { print "0 " n " ring id";
    for (i = 1; i <= n; i++) { a = (i + n - 2) % n + 1; b = i % n + 1; c = (i + 6) % n + 1; d = (i + n - 8) % n + 1;
        print i, 4; print a, b, c, d } }' > "$TMP/int.gal"
awk 'NR == 1 { print; next } NF == 2 && NR % 2 == 0 { print "u" $1, $2; next }
     { s = ""; for (k = 1; k <= NF; k++) s = s (k > 1 ? " " : "") "u" $k; print s }' "$TMP/int.gal" > "$TMP/str.gal"
awk -v n=$N 'BEGIN { print "id,x,z"; for (i = 1; i <= n; i++) printf "%d,%.6f,%.4f\n", i, sin(i * 0.37) + 0.01 * i, cos(i * 1.3) }' > "$TMP/int.csv"
sed '2,$s/^/u/' "$TMP/int.csv" > "$TMP/str.csv"
# Shuffled rows (a fixed permutation: by the third column's digits).
{ head -1 "$TMP/int.csv"; tail -n +2 "$TMP/int.csv" | sort -t, -k3,3 -k1,1n; } > "$TMP/int_shuf.csv"
sed '2,$s/^/u/' "$TMP/int_shuf.csv" > "$TMP/str_shuf.csv"
# Only every unit but the last ten: W units without data.
head -n $((N - 9)) "$TMP/int_shuf.csv" > "$TMP/int_sub.csv"
sed '2,$s/^/u/' "$TMP/int_sub.csv" > "$TMP/str_sub.csv"
# A unit W lacks.
{ cat "$TMP/int.csv"; echo "9999,0.5,0.5"; } > "$TMP/int_extra.csv"
sed '2,$s/^/u/' "$TMP/int_extra.csv" > "$TMP/str_extra.csv"

# unprefixed FILE: the text with the string ids' "u" taken off and the input
# files' sizes and digests (fit's provenance, which differ) left out
unprefixed() {
    sed -E 's/\bu([0-9]+)\b/\1/g; s/str(_[a-z]+)?\.(csv|gal)/int\1.\2/g' "$1" | grep -vE '"(bytes|sha256)"'
}
same_as_int() { cmp -s <(unprefixed "$TMP/$1_str.$2") <(unprefixed "$TMP/$1_int.$2"); }

for kind in int str; do
    for rows in "" _shuf _sub; do
        ok "moran $kind ids$rows" "$SPILL" moran "$TMP/$kind$rows.csv" --id id --var x --w "$TMP/$kind.gal" --perm 99 --json
        cp "$OUT" "$TMP/moran$rows""_$kind.out"; cp "$ERR" "$TMP/moran$rows""_$kind.err"
        ok "fit sar $kind ids$rows" "$SPILL" fit "$TMP/$kind$rows.csv" --id id --y x --x z --w "$TMP/$kind.gal" --model sar --json
        cp "$OUT" "$TMP/fit$rows""_$kind.out"; cp "$ERR" "$TMP/fit$rows""_$kind.err"
    done
done
for rows in "" _shuf _sub; do
    check "moran$rows: string ids give the integer ids' JSON" same_as_int "moran$rows" out
    check "moran$rows: string ids give the integer ids' messages" same_as_int "moran$rows" err
    check "fit$rows: string ids give the integer ids' JSON" same_as_int "fit$rows" out
    check "fit$rows: string ids give the integer ids' messages" same_as_int "fit$rows" err
done
I() { jq -r '.results[0].I' "$TMP/$1.out"; }
check "moran: shuffled rows give the same I" near "$(I moran_shuf_int)" "$(I moran_int)" 1e-12
check "moran: shuffled rows give the same z" near "$(jq -r '.results[0].z_norm' "$TMP/moran_shuf_int.out")" \
    "$(jq -r '.results[0].z_norm' "$TMP/moran_int.out")" 1e-10
check "fit: shuffled rows give the same rho" near "$(jq -r '.rho.est' "$TMP/fit_shuf_int.out")" \
    "$(jq -r '.rho.est' "$TMP/fit_int.out")" 1e-8
check "moran: W units without data are named" grep -q "10 units of .*int.gal have no data" "$TMP/moran_sub_int.err"
check "fit: W units without data are named" grep -q "10 units of .*int.gal have no data" "$TMP/fit_sub_int.err"
for kind in int str; do
    p=${kind%int}; p=${p:+u}
    fails 2 "1 unit not in the weights: ${p}9999" "moran $kind ids: a unit W lacks" \
        "$SPILL" moran "$TMP/${kind}_extra.csv" --id id --var x --w "$TMP/$kind.gal"
    fails 2 "1 unit not in the weights: ${p}9999" "fit $kind ids: a unit W lacks" \
        "$SPILL" fit "$TMP/${kind}_extra.csv" --id id --y x --x z --w "$TMP/$kind.gal" --model sar
    { cat "$TMP/$kind.csv"; sed -n 5p "$TMP/$kind.csv"; } > "$TMP/${kind}_dup.csv"
    fails 2 "unit ${p}4 appears twice \(rows 4 and $((N + 1)))" "moran $kind ids: a repeated unit" \
        "$SPILL" moran "$TMP/${kind}_dup.csv" --id id --var x --w "$TMP/$kind.gal"
done
finish t_align
