/* libFuzzer target: the weights file parsers on arbitrary bytes.
 * Built once per format with -DFUZZ_FORMAT=SP_WF_GAL (GWT, SWM, MTX, CSV, SPMAT;
 * CSV and SPMAT are the dense n x n reader of sp_wdense).  For GAL and GWT
 * also a differential check: whatever the one-pass readers (sp_wfast) take,
 * the general parser (SPILL_WIO_PARSER=general) reads to the same weights. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_wfast.h"
#include "sp_weights.h"
#include "sp_wio.h"

static int same_weights(const sp_weights *a, const sp_weights *b)
{
    if (a->n != b->n || a->unnamed != b->unnamed || !sp_csr_equal(a->w, b->w))
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->ids[i], b->ids[i]) != 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_weights *W = NULL;
    if (sp_wio_read_buffer((const char *)data, size, FUZZ_FORMAT, "fuzz", &W) == 0)
        sp_weights_free(W);
    if (FUZZ_FORMAT == SP_WF_GAL || FUZZ_FORMAT == SP_WF_GWT) {
        sp_weights *F = NULL, *G = NULL;
        int fast = FUZZ_FORMAT == SP_WF_GAL ? sp_wfast_gal((const char *)data, size, &F)
                                            : sp_wfast_gwt((const char *)data, size, &F);
        if (fast == 0 && F) {
            setenv("SPILL_WIO_PARSER", "general", 1);
            int rc = sp_wio_read_buffer((const char *)data, size, FUZZ_FORMAT, "fuzz", &G);
            unsetenv("SPILL_WIO_PARSER");
            if (rc != 0 || !same_weights(F, G))
                abort(); /* the two GAL readers disagree */
            sp_weights_free(G);
        }
        sp_weights_free(F);
    }
    return 0;
}
