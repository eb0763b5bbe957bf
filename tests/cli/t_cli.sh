#!/bin/bash
# CLI tests for the first steps: "did you mean" on misspelled options and
# values, case-insensitive model names, the layers named on a --layer miss,
# both forms of `spill fit` in its help.
source "$(dirname "$0")/lib.sh"
F=$FIX/fit
FIT="$F/columbus.csv --id POLYID --w $F/columbus_queen.gal --y CRIME --x INC,HOVAL"
# shellcheck disable=SC2086
fails 1 "unknown option '--modle' \(did you mean --model\? see --help\)" "misspelled option" "$SPILL" fit $FIT --modle sar
# shellcheck disable=SC2086
fails 1 "unknown option '--effect' \(did you mean --effects\?" "option missing a letter" "$SPILL" fit $FIT --effect
# shellcheck disable=SC2086
fails 1 "unknown option '--zzzzzz' \(see --help\)" "no suggestion when nothing is close" "$SPILL" fit $FIT --zzzzzz
fails 1 "unknown option '-perm' \(did you mean --perm\?" "single dash" "$SPILL" moran x.csv --w x.gal --var v -perm 9
# shellcheck disable=SC2086
fails 1 "unknown model 'sdn' \(did you mean sdm\?" "misspelled model" "$SPILL" fit $FIT --model sdn
# shellcheck disable=SC2086
fails 1 "--logdet: unknown value 'chek' \(did you mean cheb\? expected auto, eigen, chol, lu, cheb or mc\)" \
    "misspelled choice" "$SPILL" fit $FIT --logdet chek
fails 1 "unknown standardisation 'rows' \(did you mean row\?" "misspelled standardisation" \
    "$SPILL" moran x.csv --w x.gal --var v --standardize rows
fails 1 "unknown fixed effects 'twoways' \(did you mean twoway\?" "misspelled fixed effects" \
    "$SPILL" fit x.csv --panel a,b --w x.gal --y y --x x --fe twoways
# shellcheck disable=SC2086
ok "model name in capitals" "$SPILL" fit $FIT --model SAR --json
check "SAR is sar" [ "$(jq -r .model "$OUT")" = sar ]
# shellcheck disable=SC2086
ok "choice values ignore case" "$SPILL" fit $FIT --model Sdm --logdet EIGEN --json
check "Sdm is sdm" [ "$(jq -r .model "$OUT")" = sdm ]
fails 2 "no layer named 'china_province' \(layers: china_provinces; did you mean china_provinces\?; choose with --layer NAME\)" \
    "--layer miss names the layers" "$SPILL" weights "$SHP/china_provinces.shp" --layer china_province -o "$TMP/w.gal"
ok "fit --help" "$SPILL" fit --help
check "fit --help shows the cross-section form" grep -q "^usage: spill fit DATA --w W --y Y --x X1,X2,... \[--id FIELD\] \[options\]   (cross-section)" "$OUT"
check "fit --help shows the panel form" grep -q "spill fit DATA --panel ID,TIME --w W" "$OUT"
fails 1 "unknown command 'moarn' \(did you mean moran\?\)" "misspelled command" "$SPILL" moarn
fails 1 "unknown --type 'quen' \(did you mean queen\?" "misspelled weights type, before any file is read" \
    "$SPILL" weights "$TMP/none.shp" --type quen -o "$TMP/w.gal"
fails 1 "SPILL_SIMD='sse9': expected plain, avx2 or avx512" "an unknown SPILL_SIMD is an error" \
    env SPILL_SIMD=sse9 "$SPILL" winfo "$FIX/autocorr/china_queen.gal"
ok "SPILL_SIMD=plain runs" env SPILL_SIMD=plain "$SPILL" winfo "$FIX/autocorr/china_queen.gal"
finish t_cli.sh
