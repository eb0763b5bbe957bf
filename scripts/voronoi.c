/* voronoi: writes a Voronoi tessellation of N random points as a polygon layer,
 * the synthetic boundary file of spill's benchmarks.
 *
 *   voronoi N SEED OUT.gpkg|OUT.shp
 *
 * Points are uniform on a 100 km x 100 km square in UTM zone 50N (EPSG:32650);
 * cells are clipped to the square.  Field `id` numbers the cells 1..N. */
#include <stdio.h>
#include <stdlib.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "sp_gdal.h"
#include "sp_geos.h"
#include "sp_rng.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: voronoi N SEED OUT\n");
        return 1;
    }
    int n = atoi(argv[1]);
    sp_rng rng;
    sp_rng_init(&rng, strtoull(argv[2], NULL, 10), 0, 0);
    GEOSContextHandle_t ctx = sp_geos();
    const double side = 100000.0, x0 = 400000.0, y0 = 3500000.0;
    GEOSGeometry **pts = malloc((size_t)n * sizeof *pts);
    for (int i = 0; i < n; i++)
        pts[i] = GEOSGeom_createPointFromXY_r(ctx, x0 + side * sp_rng_uniform(&rng),
                                              y0 + side * sp_rng_uniform(&rng));
    GEOSGeometry *multi = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, pts, (unsigned)n);
    GEOSGeometry *box = GEOSGeom_createRectangle_r(ctx, x0, y0, x0 + side, y0 + side);
    GEOSGeometry *cells = GEOSVoronoiDiagram_r(ctx, multi, box, 0.0, 0);
    sp_gdal_init();
    GDALDriverH drv = GDALGetDriverByName(sp_gdal_driver_for(argv[3]));
    GDALDatasetH ds = GDALCreate(drv, argv[3], 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        fprintf(stderr, "voronoi: cannot create %s\n", argv[3]);
        return 1;
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32650);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "voronoi", srs, wkbPolygon, NULL);
    OGRFieldDefnH fld = OGR_Fld_Create("id", OFTInteger);
    OGR_L_CreateField(layer, fld, 1);
    OGR_Fld_Destroy(fld);
    GEOSWKBWriter *writer = GEOSWKBWriter_create_r(ctx);
    int failed = OGR_L_StartTransaction(layer) != OGRERR_NONE;
    for (int i = 0; i < GEOSGetNumGeometries_r(ctx, cells); i++) {
        GEOSGeometry *clipped = GEOSIntersection_r(ctx, GEOSGetGeometryN_r(ctx, cells, i), box);
        size_t size;
        unsigned char *wkb = GEOSWKBWriter_write_r(ctx, writer, clipped, &size);
        OGRGeometryH g;
        OGR_G_CreateFromWkb(wkb, srs, &g, (int)size);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldInteger(f, 0, i + 1);
        OGR_F_SetGeometryDirectly(f, g);
        failed |= OGR_L_CreateFeature(layer, f) != OGRERR_NONE;
        OGR_F_Destroy(f);
        GEOSFree_r(ctx, wkb);
        GEOSGeom_destroy_r(ctx, clipped);
    }
    failed |= OGR_L_CommitTransaction(layer) != OGRERR_NONE;
    GDALClose(ds);
    OSRDestroySpatialReference(srs);
    GEOSWKBWriter_destroy_r(ctx, writer);
    GEOSGeom_destroy_r(ctx, cells);
    GEOSGeom_destroy_r(ctx, box);
    GEOSGeom_destroy_r(ctx, multi);
    free(pts);
    sp_geos_finish();
    if (failed)
        fprintf(stderr, "voronoi: writing %s failed\n", argv[3]);
    return failed;
}
