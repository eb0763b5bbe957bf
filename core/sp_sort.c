/* sp_sort: LSD radix sort of 64-bit keys carrying a 32-bit payload; see sp_sort.h. */
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_sort.h"

#define RADIX_BITS 16
#define RADIX_SIZE (1u << RADIX_BITS)

int sp_sort_u64(uint64_t *keys, uint32_t *payload, size_t n)
{
    if (n < 2)
        return SP_OK;
    uint64_t *k2 = sp_malloc(n * sizeof *k2);
    uint32_t *p2 = payload ? sp_malloc(n * sizeof *p2) : NULL;
    size_t *count = sp_malloc(RADIX_SIZE * sizeof *count);
    if (!k2 || (payload && !p2) || !count) {
        free(k2); free(p2); free(count);
        return SP_ENOMEM;
    }
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        all_or |= keys[i];
        all_and &= keys[i];
    }
    uint64_t *src = keys, *dst = k2;
    uint32_t *psrc = payload, *pdst = p2;
    for (int shift = 0; shift < 64; shift += RADIX_BITS) {
        /* A digit that is the same in every key cannot change the order. */
        if ((((all_or ^ all_and) >> shift) & (RADIX_SIZE - 1)) == 0)
            continue;
        memset(count, 0, RADIX_SIZE * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & (RADIX_SIZE - 1)]++;
        size_t total = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t c = count[d];
            count[d] = total;
            total += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t slot = count[(src[i] >> shift) & (RADIX_SIZE - 1)]++;
            dst[slot] = src[i];
            if (payload)
                pdst[slot] = psrc[i];
        }
        uint64_t *t = src; src = dst; dst = t;
        uint32_t *pt = psrc; psrc = pdst; pdst = pt;
    }
    if (src != keys) {
        memcpy(keys, src, n * sizeof *keys);
        if (payload)
            memcpy(payload, psrc, n * sizeof *payload);
    }
    free(k2); free(p2); free(count);
    return SP_OK;
}
