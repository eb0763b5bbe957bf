/* libFuzzer target: the CSV panel reader's own logic.  The bytes become an
 * in-memory CSV (GDAL /vsimem/); its first three columns are read as unit id,
 * period and value through sp_table and sp_panel, as `spill moran --by` does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cpl_vsi.h>

#include "sp_gdal.h"
#include "sp_panel.h"
#include "sp_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_gdal_init();
    const char *path = "/vsimem/fuzz.csv";
    VSILFILE *f = VSIFileFromMemBuffer(path, (GByte *)data, (vsi_l_offset)size, FALSE);
    if (!f)
        return 0;
    VSIFCloseL(f);
    sp_table *t = NULL;
    if (sp_table_read(path, NULL, &t) == 0 && t->ncol >= 3) {
        sp_panel *P = NULL;
        if (sp_panel_build(t, t->names[0], t->names[1], &P) == 0) {
            for (int g = 0; g < P->nperiods; g++) {
                double *x = malloc(sizeof *x * (size_t)(P->periods[g].n + 1));
                if (x)
                    sp_panel_numeric(P, g, t->names[2], x);
                free(x);
            }
            sp_panel_balanced(P);
            sp_panel_free(P);
        }
    }
    sp_table_free(t);
    VSIUnlink(path);
    return 0;
}
