/* sp_sort: LSD radix sort of 64-bit keys carrying a 32-bit payload, for the
 * large sorts of neighbour search (linear time, stable).
 *
 * Sorts keys[0..n-1] ascending and permutes payload[] (may be NULL) along;
 * equal keys keep their order, so the result is the one sorted order of the
 * (key, position) pairs.  Digits of 8 bits for short arrays (the histogram
 * stays in L1 cache), 11 bits for long ones; digits that are the same in
 * every key are skipped.
 * sp_sort_u64 allocates O(n) scratch memory (SP_ENOMEM when it cannot get
 * it); sp_sort_u64_buf uses the caller's: kscratch n keys, pscratch n
 * payloads (NULL when payload is NULL), and never fails. */
#ifndef SP_SORT_H
#define SP_SORT_H

#include <stddef.h>
#include <stdint.h>

int sp_sort_u64(uint64_t *keys, uint32_t *payload, size_t n);
void sp_sort_u64_buf(uint64_t *keys, uint32_t *payload, size_t n, uint64_t *kscratch,
                     uint32_t *pscratch);

#endif
