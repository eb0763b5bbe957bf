/* sp_gpkg: GeoPackage geometry blobs (the GPKG header, then WKB) read byte
 * by byte, without GDAL's geometry objects.
 *
 * A blob is "GP", version 0, flags (bit 0 little-endian header, bits 1-3 the
 * envelope: 0 none, 1 xy, 2 xyz, 3 xym, 4 xyzm; bit 4 empty; bit 5 extended),
 * the srs_id, the envelope doubles, then the WKB (GeoPackage 1.3, 2.1.3).
 * sp_gpkg_parse walks the WKB of the linear types (Point, LineString,
 * Polygon, Multi*, GeometryCollection; XY, Z, M, ZM; either byte order, ISO or
 * 0x80000000-flagged codes), counts its vertices and computes its envelope.
 *
 * A geometry is "plain" when its bytes are the ones GDAL writes for it: WKB
 * little-endian throughout, ISO type codes, parts of their collection's
 * dimension (and kind), no NaN coordinate.  For a plain geometry the vertices
 * in xy are the ones OGR_G_GetPoints gives ring by ring and part by part, and
 * the WKB is what OGR_G_ExportToWkb writes when it is 2D; anything else
 * (curves, TIN, NaN points, big-endian parts) is left to GDAL by the callers.
 * sp_gpkg_as_gdal says whether the whole blob is the one GDAL's GPKG driver
 * writes for the geometry (flags, envelope rule, envelope values) apart from
 * its srs_id, so that a writer may copy it instead of a round trip.
 *
 * Nothing is allocated.  Errors: sp_gpkg_parse returns NULL or a static text
 * saying what is wrong with the blob (the caller names the file and feature). */
#ifndef SP_GPKG_H
#define SP_GPKG_H

#include <stddef.h>

typedef struct sp_gpkg_geom {
    const unsigned char *wkb; /* the WKB inside the blob */
    size_t wkb_len, header_len;
    int flags, srs_id;
    const unsigned char *header_env; /* the header's envelope doubles (NULL: none) */
    int header_env_n;                /* 0, 4, 6 or 8 doubles */
    unsigned type;                   /* the root's ISO type code (1 Point ... 7, + 1000 Z ...) */
    int has_z, has_m;
    int walked;                      /* the WKB is of the linear types and well formed */
    int plain;                       /* walked, and as GDAL writes it (see above) */
    size_t nvert;                    /* vertices (when walked) */
    double env[6];                   /* minx maxx miny maxy minz maxz of the vertices (nvert > 0) */
} sp_gpkg_geom;

/* Parse blob[0..len).  xy: NULL, or room for len / 16 vertices (x, y pairs)
 * that receive the vertices in order when walked.  Returns NULL when the
 * header is valid (the WKB may still not be walked: see g->walked), else
 * what is wrong with the header. */
const char *sp_gpkg_parse(const unsigned char *blob, size_t len, double *xy, sp_gpkg_geom *g);

/* 1 when g is plain and blob (parsed into g) has GDAL's header: little-endian,
 * no envelope for a point or an empty geometry (then the empty flag), else
 * envelope xy (xyz with Z) equal to the vertices' envelope. */
int sp_gpkg_as_gdal(const sp_gpkg_geom *g);

/* The vertices' envelope (minx maxx miny maxy) into box: for a blob of
 * sp_gpkg_as_gdal also its header's; 0 when there are no vertices. */
int sp_gpkg_box(const sp_gpkg_geom *g, double box[4]);

#endif
