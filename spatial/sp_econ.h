/* sp_econ: economic-distance and nested economic-geographic weights.
 *
 * Economic distance (e.g. Lin, Long and Wu; common in Chinese regional papers):
 *   w_ij = 1 / |m_i - m_j|,  i != j,
 * where m_i is unit i's mean of a variable over the chosen years.  The matrix
 * is dense by nature (every pair is linked).  Two units with equal means have
 * no finite weight: an SP_EDATA error naming both (ids may be NULL).
 *
 * Nested economic-geographic weights:
 *   W = W_geo * diag(m_1 / mbar, ..., m_n / mbar),  mbar = mean of the m_i,
 * i.e. column j of the geographic matrix scaled by m_j / mbar.
 *
 * Results are new n x n sp_csr matrices owned by the caller. */
#ifndef SP_ECON_H
#define SP_ECON_H

#include "sp_csr.h"

/* The mean of each unit's values over the rows given: row r belongs to unit
 * unit[r] (0..n-1; -1: not counted) with value[r]; count[u] rows make mean[u]
 * (NAN when count[u] is 0).  The values of economic distance and nesting. */
void sp_econ_unit_means(const int *unit, const double *value, int nrow, int n, double *mean,
                        int *count);

int sp_econ_distance(const double *means, int n, const char *const *ids, sp_csr **out);
int sp_econ_nested(const sp_csr *w_geo, const double *means, sp_csr **out);

#endif
