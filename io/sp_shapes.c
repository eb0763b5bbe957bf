/* sp_shapes: a generated point or polygon layer written through GDAL. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <ogr_srs_api.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_output.h"
#include "sp_shapes.h"

/* The layer's CRS: spill's fitted Albers (sp_crs_albers_for) as a named
 * projected CRS on WGS 84, so that GIS software recognises it (a PROJ string
 * alone becomes PROJCRS["unknown"]); any other CRS as given.  NULL when
 * unknown.  The caller destroys it. */
static OGRSpatialReferenceH output_srs(const char *crs)
{
    if (strcmp(crs, "unknown") == 0)
        return NULL;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    double lat1, lat2, lat0, lon0;
    if (sscanf(crs, "+proj=aea +lat_1=%lf +lat_2=%lf +lat_0=%lf +lon_0=%lf", &lat1, &lat2, &lat0,
               &lon0) == 4) {
        char name[200];
        snprintf(name, sizeof name, "Albers Equal Area Conic (spill: lat_1 %.4f, lat_2 %.4f, "
                 "lat_0 %.4f, lon_0 %.4f)", lat1, lat2, lat0, lon0);
        if (OSRSetWellKnownGeogCS(srs, "WGS84") == OGRERR_NONE &&
            OSRSetProjCS(srs, name) == OGRERR_NONE &&
            OSRSetACEA(srs, lat1, lat2, lat0, lon0, 0.0, 0.0) == OGRERR_NONE &&
            OSRSetLinearUnits(srs, SRS_UL_METER, 1.0) == OGRERR_NONE)
            return srs;
    } else if (OSRSetFromUserInput(srs, crs) == OGRERR_NONE) {
        return srs;
    }
    OSRDestroySpatialReference(srs);
    return NULL;
}

/* The text field, then the real fields. */
static int create_fields(OGRLayerH layer, const sp_shapes *s, const char *path)
{
    int rc = SP_OK;
    for (int f = -1; f < s->nfields && !rc; f++) {
        OGRFieldDefnH fd = f < 0 ? OGR_Fld_Create(s->label_name, OFTString)
                                 : OGR_Fld_Create(s->field_names[f], OFTReal);
        if (OGR_L_CreateField(layer, fd, 1) != OGRERR_NONE)
            rc = sp_error_set(SP_EDATA, "%s: cannot create fields", path);
        OGR_Fld_Destroy(fd);
    }
    return rc;
}

/* Feature i: its fields and its point or ring. */
static int write_feature(OGRLayerH layer, const sp_shapes *s, int i, const char *path)
{
    OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGR_F_SetFieldString(feat, 0, s->labels[i]);
    for (int f = 0; f < s->nfields; f++) {
        double v = s->values[(long)i * s->nfields + f];
        if (isfinite(v))
            OGR_F_SetFieldDouble(feat, f + 1, v);
    }
    const double *xy = s->xy + (long)i * s->npts * 2;
    OGRGeometryH g = OGR_G_CreateGeometry(s->npts == 1 ? wkbPoint : wkbPolygon);
    if (s->npts == 1) {
        OGR_G_SetPoint_2D(g, 0, xy[0], xy[1]);
    } else {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (int k = 0; k < s->npts; k++)
            OGR_G_AddPoint_2D(ring, xy[2 * k], xy[2 * k + 1]);
        OGR_G_AddGeometryDirectly(g, ring);
    }
    OGR_F_SetGeometryDirectly(feat, g);
    int rc = OGR_L_CreateFeature(layer, feat) != OGRERR_NONE
                 ? sp_error_set(SP_EDATA, "%s: cannot write feature %d", path, i + 1) : SP_OK;
    OGR_F_Destroy(feat);
    return rc;
}

int sp_shapes_write(const char *path, const sp_shapes *s)
{
    const char *driver = sp_gdal_driver_for(path);
    if (!driver)
        return sp_error_set(SP_EUSAGE, "%s: unknown output format", path);
    sp_output o;
    int rc = sp_output_begin(path, &o);
    if (rc)
        return rc;
    sp_gdal_init();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName(driver), o.tmp_path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH srs = output_srs(s->crs);
    OGRLayerH layer = ds ? GDALDatasetCreateLayer(ds, s->layer, srs,
                                                  s->npts == 1 ? wkbPoint : wkbPolygon, NULL) : NULL;
    rc = layer ? create_fields(layer, s, path)
               : sp_error_set(SP_EDATA, "%s: cannot create the layer", path);
    for (int i = 0; i < s->n && !rc; i++)
        rc = write_feature(layer, s, i, path);
    if (srs)
        OSRDestroySpatialReference(srs);
    rc = sp_gdal_close_written(ds, path, rc);
    if (rc)
        sp_output_abort(&o);
    else
        rc = sp_output_commit(&o);
    return rc;
}
