#!/bin/bash
# The table and W read at once on two threads (io/sp_readpair.h) give what the
# serial read (--threads 1) gives, byte for byte: stdout, stderr (warnings in
# the serial order), output files and exit codes of moran, lisa, hotspot and
# fit, on plain, CRLF, BOM, unterminated, non-integer-id and GB18030 files,
# with units missing from the data and with errors in either file or both.
source "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1

# A 20 x 20 rook grid: g.gal (integer ids: the one-pass reader), g.csv.
awk -v n=20 'BEGIN { print "0", n * n, "grid id"
    for (r = 0; r < n; r++) for (c = 0; c < n; c++) {
        id = r * n + c + 1; k = 0; s = ""
        if (r > 0) { s = s " " (id - n); k++ }
        if (c > 0) { s = s " " (id - 1); k++ }
        if (c < n - 1) { s = s " " (id + 1); k++ }
        if (r < n - 1) { s = s " " (id + n); k++ }
        print id, k; print substr(s, 2) } }' >g.gal
awk -v n=20 'BEGIN { srand(7); print "id,x,y"
    for (i = 1; i <= n * n; i++) printf "%d,%.6f,%.6f\n", i, rand(), rand() + (i % 20) / 10 }' >g.csv
sed 's/\r*$/\r/' g.gal >crlf.gal; sed 's/\r*$/\r/' g.csv >crlf.csv
{ printf '\xEF\xBB\xBF'; cat g.gal; } >bom.gal; { printf '\xEF\xBB\xBF'; cat g.csv; } >bom.csv
head -c -1 g.gal >nonl.gal; head -c -1 g.csv >nonl.csv
awk 'NR == 1 { print; next } NR % 2 == 0 { print "u" $1, $2; next }
    { for (k = 1; k <= NF; k++) $k = "u" $k; print }' g.gal >str.gal
awk -F, -v OFS=, 'NR > 1 { $1 = "u" $1 } { print }' g.csv >str.csv
cp g.gal miss.gal; awk -F, 'NR == 1 || ($1 % 50) != 0' g.csv >miss.csv   # 8 units without data
# GB18030 in both files (a warning each: W's first, as serially)
sed 's/^0 400 grid id/0 400 网格 编号/' g.gal | iconv -f UTF-8 -t GB18030 >gbk.gal
sed '1s/^id,/编号,/' g.csv | iconv -f UTF-8 -t GB18030 >gbk.csv
# a warning from each reader: W in GB18030, the CSV's last quote left open
cp gbk.gal warn.gal; sed '$s/,\([^,]*\)$/,"\1/' g.csv >warn.csv

# both CMD...: the command with --threads 1 and with --threads 2 (three times), the same
# exit code, stdout, stderr and output file (out.*, when written)
both() {
    local desc=$1; shift
    rm -f out.*; "$@" --threads 1 >o1 2>e1; local s1=$?
    [ -f "$OUTF" ] && mv "$OUTF" f1
    local same=1
    for rep in 1 2 3; do
        rm -f out.*; "$@" --threads 2 >o2 2>e2; local s2=$?
        [ -f "$OUTF" ] && mv "$OUTF" f2
        { [ "$s1" = "$s2" ] && cmp -s o1 o2 && cmp -s e1 e2; } || same=0
        [ -z "$OUTF" ] || cmp -s f1 f2 || same=0
    done
    if [ "$same" = 1 ]; then pass "$desc (exit $s1)"; else
        fail "$desc: --threads 2 differs from --threads 1 (exit $s1 / $s2): $(diff e1 e2 | head -c 300)"
    fi
}

for v in g crlf bom nonl str miss gbk warn; do
    id=id; [ "$v" = gbk ] && id=编号
    OUTF= both "moran $v" "$SPILL" moran "$v.csv" --id "$id" --w "$v.gal" --var x --perm 99 --json
    OUTF=out.csv both "lisa $v" "$SPILL" lisa "$v.csv" --id "$id" --w "$v.gal" --var x --perm 99 -o out.csv
    OUTF=out.csv both "hotspot $v" "$SPILL" hotspot "$v.csv" --id "$id" --w "$v.gal" --var y -o out.csv
    OUTF= both "fit $v" "$SPILL" fit "$v.csv" --id "$id" --w "$v.gal" --y y --x x --model sar --json
done
check "CRLF, BOM, no final line end, string ids: the plain files' Moran's I" [ "$(
    for v in g crlf bom nonl str; do "$SPILL" moran "$v.csv" --id id --w "$v.gal" --var x --json |
        jq -c '.results[0].I'; done | sort -u | wc -l)" -eq 1 ]

"$SPILL" moran gbk.csv --id 编号 --w gbk.gal --var x --json >/dev/null 2>e2
check "GB18030 in both: W's warning, then the table's" [ "$(grep -c 'read as GB18030' e2)" -eq 2 ] &&
    check "GB18030 warnings in the serial order" [ "$(grep -n 'gbk.gal' e2 | cut -d: -f1)" -lt "$(grep -n 'gbk.csv' e2 | cut -d: -f1)" ]
"$SPILL" moran warn.csv --id id --w warn.gal --var x --json >/dev/null 2>e2
check "two readers' warnings, W's first" [ "$(grep -n 'warn.gal' e2 | cut -d: -f1)" -lt "$(grep -n 'not closed' e2 | cut -d: -f1)" ]
"$SPILL" moran miss.csv --id id --w miss.gal --var x --json >/dev/null 2>e2
check "units of W without data: the warning names them" grep -q "8 units of miss.gal have no data" e2

# errors: in W, in the table, in both (W's, as W is read first); a missing file
awk 'NR == 3 { print "2 999"; next } { print }' g.gal >bad.gal   # unit 1's neighbour 999
printf 'id,x\n1,2\n"3,4\n' >open.csv
OUTF= both "bad W" "$SPILL" moran g.csv --id id --w bad.gal --var x --json
OUTF= both "missing table" "$SPILL" moran nosuch.csv --id id --w g.gal --var x --json
OUTF= both "bad W and a missing table: W's error" "$SPILL" moran nosuch.csv --id id --w bad.gal --var x --json
OUTF= both "missing W" "$SPILL" moran g.csv --id id --w nosuch.gal --var x --json
OUTF= both "bad W, fit" "$SPILL" fit g.csv --id id --w bad.gal --y y --x x --model sar --json
OUTF= both "missing table, fit: the table's error" "$SPILL" fit nosuch.csv --id id --w bad.gal --y y --x x --model sar --json
"$SPILL" moran nosuch.csv --id id --w bad.gal --var x --json >/dev/null 2>e2
check "moran: W read first, its error reported" grep -q "bad.gal" e2
"$SPILL" fit nosuch.csv --id id --w bad.gal --y y --x x --model sar --json >/dev/null 2>e2
check "fit: the table read first, its error reported" grep -q "nosuch.csv" e2
fails 1 "threads" "--threads 0 is still a usage error" "$SPILL" moran g.csv --id id --w g.gal --var x --threads 0
finish t_readpair.sh
