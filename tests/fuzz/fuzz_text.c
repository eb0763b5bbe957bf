/* libFuzzer target: the encoding detector and recoder (sp_text) on arbitrary
 * bytes, as the readers use them: detect, validate, recode from GB18030
 * (what the readers do with text that is not UTF-8); cutting on the result,
 * which must be UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t bad;
    sp_text_kind kind = sp_text_detect(s, size);
    int utf8 = sp_text_utf8_valid(s, size, &bad);
    if ((kind == SP_TEXT_ASCII || kind == SP_TEXT_UTF8) != utf8)
        abort(); /* the detector and the validator disagree */
    if (kind == SP_TEXT_GB18030 && !sp_text_gb18030_valid(s, size, &bad))
        abort();
    char *out = NULL;
    size_t len = 0;
    if (sp_text_recode(s, size, "GB18030", "fuzz", &out, &len) == 0) {
        if (memchr(out, '\0', len) == NULL && !sp_text_utf8_valid(out, len, NULL))
            abort(); /* recoding must give UTF-8 */
        if (memchr(out, '\0', len) == NULL && sp_text_cut(out, 10) > 10)
            abort();
        free(out);
    }
    return 0;
}
