/* sp_contig: queen and rook contiguity from polygon boundaries.
 *
 * Two units are neighbours when their boundaries share vertices: queen needs
 * at least one pair of vertices (one from each unit) within `snap` of each
 * other, rook at least two such pairs.  This is the criterion of R spdep's
 * poly2nb, computed without the n^2 pair loop: every vertex goes into one
 * grid of cell size >= snap, and only vertices in adjacent cells are compared,
 * so the cost is linear in the number of vertices.  All rings count (shells,
 * holes, every part of a multipart unit); polygon validity does not matter.
 *
 * The result is a binary, symmetric n x n sp_csr owned by the caller.
 * Errors follow sp_error.h: a negative or non-finite snap is SP_EUSAGE, a
 * vertex with a non-finite coordinate SP_EDATA naming the unit (1-based). */
#ifndef SP_CONTIG_H
#define SP_CONTIG_H

#include "sp_csr.h"
#include "sp_geos.h"

typedef enum sp_contig_rule { SP_CONTIG_QUEEN, SP_CONTIG_ROOK } sp_contig_rule;

int sp_contig_build(GEOSGeometry *const *geoms, int n, sp_contig_rule rule, double snap,
                    sp_csr **out);

/* The same from vertices alone, without GEOS geometries: unit i's vertices
 * (every ring and part, in any order) are xy[2k], xy[2k+1] for start[i] <= k
 * < start[i+1]; start has n + 1 entries.  Same result as sp_contig_build on
 * the geometries those vertices come from; xy and start stay the caller's. */
int sp_contig_build_xy(const double *xy, const size_t *start, int n, sp_contig_rule rule,
                       double snap, sp_csr **out);

/* sp_contig_build_xy on `threads` threads (1 or more; more than 8 count as
 * 8): the same matrix, bit for bit, whatever the number. */
int sp_contig_build_xy_threads(const double *xy, const size_t *start, int n, sp_contig_rule rule,
                               double snap, int threads, sp_csr **out);

/* The default snap distance for a layer: 1e-7 degrees (about 1 cm) for
 * geographic coordinates, 0.01 CRS units (1 cm in metres) for projected ones,
 * sqrt(DBL_EPSILON) without a CRS (spdep's historical default). */
double sp_contig_default_snap(int has_crs, int geographic);

#endif
