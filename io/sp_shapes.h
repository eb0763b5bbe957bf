/* sp_shapes: writing a small generated vector layer (the ellipses and centre
 * points of spill ellipse): per feature one text field, real fields and a
 * point or a polygon given by its coordinates.
 *
 * sp_shapes_write() writes through sp_output (no partial file on failure),
 * with the GDAL driver of the extension (sp_gdal_driver_for).  It owns
 * nothing of the description.  Errors follow sp_error.h: an unknown
 * extension is SP_EUSAGE, a driver failure SP_EDATA naming the file. */
#ifndef SP_SHAPES_H
#define SP_SHAPES_H

typedef struct sp_shapes {
    const char *layer;              /* layer name */
    const char *crs;                /* PROJ string, WKT, EPSG:n, or "unknown" */
    const char *label_name;         /* name of the text field */
    const char *const *field_names; /* nfields real fields */
    int nfields;
    int n;                          /* features */
    const char *const *labels;      /* n texts */
    const double *values;           /* n * nfields, row-major; not finite: NULL */
    int npts;                       /* 1: points; else rings of npts vertices */
    const double *xy;               /* n * npts (x, y) pairs */
} sp_shapes;

int sp_shapes_write(const char *path, const sp_shapes *s);

#endif
