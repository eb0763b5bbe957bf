/* sp_mapdraw: the page layout of `spill map` and its drawing: title, one
 * panel (or a grid of small multiples with one shared legend), north arrow,
 * scale bar, legend, labels, the ellipse overlay with its inset of the
 * centre's path, and the --debug-points file.
 *
 * Layout, in points: the figure is --width inches wide; the panels fill it
 * left of the legend column, each as wide as the grid allows and as high as
 * the projected extent's aspect ratio asks; the height follows.
 *
 * Ownership: sp_mapdraw_all records the files it wrote in J->files (freed by
 * sp_mapjob_free); sp_mapdraw_json returns a new object.  Errors follow
 * sp_error.h; a failed figure leaves no file (earlier files of --each stay). */
#ifndef SP_MAPDRAW_H
#define SP_MAPDRAW_H

#include <jansson.h>

#include "sp_mapjob.h"

/* Draw J->output (one panel, or all periods as small multiples), or with
 * --each one file per period. */
int sp_mapdraw_all(sp_mapjob *J);

/* {kind, var, crs, files, classes: [{label, color, count}], no_data}. */
json_t *sp_mapdraw_json(const sp_mapjob *J);

#endif
