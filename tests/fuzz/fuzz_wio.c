/* libFuzzer target: the weights file parsers on arbitrary bytes.
 * Built once per format with -DFUZZ_FORMAT=SP_WF_GAL (GWT, SWM, MTX, CSV, SPMAT;
 * CSV and SPMAT are the dense n x n reader of sp_wdense). */
#include <stddef.h>
#include <stdint.h>

#include "sp_weights.h"
#include "sp_wio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_weights *W = NULL;
    if (sp_wio_read_buffer((const char *)data, size, FUZZ_FORMAT, "fuzz", &W) == 0)
        sp_weights_free(W);
    return 0;
}
