/* sp_sort: LSD radix sort of 64-bit keys carrying a 32-bit payload, for the
 * large sorts of neighbour search (linear time, stable).
 *
 * Sorts keys[0..n-1] ascending and permutes payload[] (may be NULL) along.
 * Uses O(n) scratch memory; SP_ENOMEM when it cannot get it. */
#ifndef SP_SORT_H
#define SP_SORT_H

#include <stddef.h>
#include <stdint.h>

int sp_sort_u64(uint64_t *keys, uint32_t *payload, size_t n);

#endif
