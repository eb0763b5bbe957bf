/* sp_gdal: opening vector sources with GDAL and choosing drivers; see sp_gdal.h. */
#include <string.h>
#include <strings.h>

#include <cpl_error.h>

#include "sp_error.h"
#include "sp_gdal.h"

static void gdal_quiet(CPLErr cls, CPLErrorNum num, const char *msg) { (void)cls; (void)num; (void)msg; }

void sp_gdal_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    GDALAllRegister();
    CPLSetErrorHandler(gdal_quiet);
}

int sp_gdal_open_layer(const char *path, const char *layer_name, GDALDatasetH *ds,
                       OGRLayerH *layer)
{
    sp_gdal_init();
    *ds = NULL;
    *layer = NULL;
    CPLErrorReset();
    /* CSV: the first line is always the header (GDAL's default guesses, and
     * takes a header of numeric names, e.g. unit codes, for data). */
    const char *const open_options[] = {"HEADERS=YES", NULL};
    GDALDatasetH d = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_options, NULL);
    if (!d) {
        const char *why = CPLGetLastErrorMsg();
        return sp_error_set(SP_EDATA, "%s: cannot open as a vector data source%s%s", path,
                            why && *why ? ": " : "", why ? why : "");
    }
    OGRLayerH l = layer_name ? GDALDatasetGetLayerByName(d, layer_name)
                             : GDALDatasetGetLayerCount(d) > 0 ? GDALDatasetGetLayer(d, 0) : NULL;
    if (!l) {
        GDALClose(d);
        return layer_name ? sp_error_set(SP_EDATA, "%s: no layer named '%s'", path, layer_name)
                          : sp_error_set(SP_EDATA, "%s: no layer in this data source", path);
    }
    *ds = d;
    *layer = l;
    return SP_OK;
}

const char *sp_gdal_driver_for(const char *path)
{
    static const char *const map[][2] = {
        {".gpkg", "GPKG"},     {".shp", "ESRI Shapefile"}, {".geojson", "GeoJSON"},
        {".json", "GeoJSON"},  {".fgb", "FlatGeobuf"},     {".csv", "CSV"},
        {".gml", "GML"},       {".kml", "KML"},            {".sqlite", "SQLite"},
    };
    const char *dot = strrchr(path, '.');
    if (!dot)
        return NULL;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcasecmp(dot, map[k][0]) == 0)
            return map[k][1];
    return NULL;
}
