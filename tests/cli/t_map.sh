#!/bin/bash
# CLI tests for `spill map`: every kind on the bundled provinces and AI index,
# small multiples and --each, formats by extension, identical bytes, the SVG's
# unit paths, Chinese labels against a machine without CJK fonts, bad input.
# (Pixel colours against lisa/hotspot output: tests/t_map.c.)
source "$(dirname "$0")/lib.sh"
P=$SHP/china_provinces.shp
AI=$SHP/ai_index_province.csv
"$SPILL" weights "$P" --id adcode --link 460000:440000 -o "$TMP/q.gal" 2>/dev/null
map() { "$SPILL" map "$P" --id adcode "$@"; }
not() { ! "$@"; }

ok "lisa by year" map --data "$AI" --by year --lisa ai_index --w "$TMP/q.gal" -o "$TMP/lisa.png" --json
check "lisa: one file, four panels" [ "$(jq -c '[(.files | length), .panels]' "$OUT")" = "[1,4]" ]
check "lisa: GeoDa's classes" [ "$(jq -r '[.classes[].label] | join(",")' "$OUT")" = "Not significant,High-High,Low-Low,Low-High,High-Low,Neighborless" ]
check "lisa: 3 units x 4 years without data" [ "$(jq .no_data "$OUT")" = 12 ]
check "lisa: the PNG is a PNG" [ "$(head -c 8 "$TMP/lisa.png" | od -An -c | tr -d ' ')" = "211PNG\r\n032\n" ]
ok "significance map" map --data "$AI" --by year --lisa ai_index --w "$TMP/q.gal" --significance -o "$TMP/sig.pdf" --json
check "significance: levels a 999-permutation test reaches" [ "$(jq -r '[.classes[].label] | join(",")' "$OUT")" = "Not significant,p = 0.05,p = 0.01,p = 0.001,p = 0.0001,Neighborless" ]
check "PDF written" [ "$(head -c 5 "$TMP/sig.pdf")" = "%PDF-" ]
check "PDF creation date fixed" grep -aq "CreationDate (20000101000000Z)" "$TMP/sig.pdf"
ok "hotspot" map --data "$AI" --by year --hotspot ai_index --w "$TMP/q.gal" -o "$TMP/hot.svg" --json
check "hotspot: ArcGIS's seven bins" [ "$(jq -r '.classes[0].label, .classes[6].label, .classes[3].label' "$OUT" | tr '\n' '|')" = "Hot Spot - 99% Confidence|Cold Spot - 99% Confidence|Not Significant|" ]
check "hotspot: counts match spill hotspot" [ "$(jq '[.classes[].count] | add' "$OUT")" = 124 ]
if command -v xmllint >/dev/null 2>&1; then
    check "SVG parses as XML" xmllint --noout "$TMP/hot.svg"
else
    echo "t_map.sh: xmllint not installed: SVG parse check skipped" >&2
fi
check "SVG: 34 unit paths in each of 4 panels" [ "$(grep -o 'fill-rule:evenodd' "$TMP/hot.svg" | wc -l)" = 136 ]
ok "choropleth, jenks" map --data "$AI" --by year --choropleth ai_index --classes jenks --k 4 -o "$TMP/ch.png" --json
check "choropleth: 4 classes" [ "$(jq '.classes | length' "$OUT")" = 4 ]
check "choropleth: all 124 values classed" [ "$(jq '[.classes[].count] | add' "$OUT")" = 124 ]
ok "choropleth, user breaks, diverging" map --data "$AI" --by year --choropleth ai_index --classes breaks:2,5,10 --palette RdBu -o "$TMP/cb.png" --json
check "breaks: classes from the cut-offs" [ "$(jq -r '.classes[0].label, .classes[3].label' "$OUT" | tr '\n' '|')" = "≤ 2|> 10|" ]
ok "choropleth of a layer field" map --choropleth cap_lat --classes equal -o "$TMP/lat.png" --json
check "no data when every unit has a value" [ "$(jq .no_data "$OUT")" = 0 ]
ok "each period its own file" map --data "$AI" --by year --choropleth ai_index --each -o "$TMP/each.png" --json
check "four files named by period" [ "$(jq -r '.files | join(",")' "$OUT")" = "$TMP/each_2011.png,$TMP/each_2015.png,$TMP/each_2019.png,$TMP/each_2022.png" ]
check "each file exists" [ -s "$TMP/each_2011.png" ] && [ -s "$TMP/each_2022.png" ]
ok "ellipse" map --data "$AI" --by year --ellipse ai_index -o "$TMP/ell.png" --label name_zh
ok "cropped, own CRS, title" map --choropleth cap_lat --extent 105,18,125,42 --crs EPSG:32650 --title "东部 cap_lat" -o "$TMP/east.png" --json
check "the given CRS" [ "$(jq -r .crs "$OUT")" = EPSG:32650 ]

# identical bytes, all three formats
for ext in png svg pdf; do
    map --data "$AI" --by year --lisa ai_index --w "$TMP/q.gal" --label name_zh -o "$TMP/r1.$ext" 2>/dev/null
    map --data "$AI" --by year --lisa ai_index --w "$TMP/q.gal" --label name_zh -o "$TMP/r2.$ext" 2>/dev/null
    check "two runs give the same $ext bytes" cmp -s "$TMP/r1.$ext" "$TMP/r2.$ext"
done

# --dpi sets the PNG's pixel size (IHDR width, bytes 17-20)
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}'; }
map --choropleth cap_lat --dpi 100 -o "$TMP/d100.png" 2>/dev/null
map --choropleth cap_lat --dpi 300 -o "$TMP/d300.png" 2>/dev/null
check "6.5 in at 100 dpi: 650 px" [ "$(png_width "$TMP/d100.png")" = 650 ]
check "6.5 in at 300 dpi: 1950 px" [ "$(png_width "$TMP/d300.png")" = 1950 ]

# Chinese labels: glyphs with Noto Sans CJK; boxes (and a warning) on a
# machine whose only fonts lack CJK, so the two renders differ.
ok "Chinese labels" map --choropleth cap_lat --label name_zh --title "省会纬度" -o "$TMP/zh.png"
check "no missing-glyph warning with CJK fonts" not grep -q "no glyph" "$ERR"
if [ -d /usr/share/fonts/truetype/dejavu ]; then
    mkdir -p "$TMP/fc"
    cat >"$TMP/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>$TMP/fc</cachedir></fontconfig>
EOF
    FONTCONFIG_FILE=$TMP/fonts.conf "$SPILL" map "$P" --id adcode --choropleth cap_lat --label name_zh \
        --title "省会纬度" -o "$TMP/nozh.png" >"$OUT" 2>"$ERR"
    check "without CJK fonts: the default font falls back with a warning" grep -q "font 'Noto Sans CJK SC' not found; using 'DejaVu Sans'" "$ERR"
    check "without CJK fonts: missing glyphs are named" grep -q "have no glyph" "$ERR"
    check "the CJK render differs from the one without CJK fonts" not cmp -s "$TMP/zh.png" "$TMP/nozh.png"
else
    echo "t_map.sh: DejaVu fonts not installed: the no-CJK comparison skipped" >&2
fi
ok "an unknown font falls back" map --choropleth cap_lat --font "No Such Font" -o "$TMP/f.png"
check "the fallback is named" grep -q "font 'No Such Font' not found; using 'Noto Sans CJK SC'" "$ERR"

# --- bad input
fails 1 "give one map kind" "no kind" map -o "$TMP/x.png"
fails 1 "give one map kind" "two kinds" map --lisa ai_index --hotspot ai_index --w "$TMP/q.gal" -o "$TMP/x.png"
fails 1 "--lisa needs --w" "lisa without weights" map --lisa cap_lat -o "$TMP/x.png"
fails 1 "unknown figure format" "bad extension" map --choropleth cap_lat -o "$TMP/x.jpg"
fails 1 "kmeans" "unknown class scheme" map --choropleth cap_lat --classes kmeans -o "$TMP/x.png"
fails 1 "unknown palette 'Rainbow'" "unknown palette" map --choropleth cap_lat --palette Rainbow -o "$TMP/x.png"
fails 1 "--each needs --by" "each without by" map --choropleth cap_lat --each -o "$TMP/x.png"
fails 1 "--dpi must lie between" "dpi out of range" map --choropleth cap_lat --dpi 5 -o "$TMP/x.png"
fails 1 "--extent: expected" "bad extent" map --choropleth cap_lat --extent 1,2,3 -o "$TMP/x.png"
fails 2 "no field 'nope'" "missing field" map --choropleth nope -o "$TMP/x.png"
fails 2 "the folder does not exist" "missing output folder" map --choropleth cap_lat -o "$TMP/no/such/x.png"
fails 2 "not a polygon" "a point layer" "$SPILL" map "$FIX/bad/same_point.geojson" --choropleth x -o "$TMP/x.png"
check "no partial figure" [ ! -e "$TMP/x.png" ] && [ -z "$(ls -A "$TMP" | grep spill-tmp)" ]
# --strict and --w-by, as lisa and hotspot take them
fails 2 "--strict" "--strict: units of W without data are an error" map --data "$AI" --by year --lisa ai_index --w "$TMP/q.gal" --strict -o "$TMP/st.png"
for y in 2011 2015 2019 2022; do cp "$TMP/q.gal" "$TMP/w_$y.gal"; done
ok "lisa with one W" map --data "$AI" --by year --lisa ai_index --w "$TMP/q.gal" -o "$TMP/one.svg" --json
jq -c .classes "$OUT" >"$TMP/one.classes"
ok "lisa with a W per period (--w-by)" map --data "$AI" --w-by year --lisa ai_index --w "$TMP/w_{}.gal" -o "$TMP/per.svg" --json
check "the same classes as one W" [ "$(jq -c .classes "$OUT")" = "$(cat "$TMP/one.classes")" ]
fails 1 "name different period fields" "--w-by and --by differ" map --data "$AI" --by year --w-by period --lisa ai_index --w "$TMP/w_{}.gal" -o "$TMP/x.png"
fails 1 "goes with --w" "--strict without --w" map --data "$AI" --by year --choropleth ai_index --strict -o "$TMP/x.png"
finish t_map.sh
