/* sp_sort: LSD radix sort of 64-bit keys carrying a 32-bit payload; see sp_sort.h. */
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_sort.h"

#define SHORT_N 65536      /* below: 8-bit digits */
#define INSERTION_N 24     /* below: insertion sort */
#define MAX_DIGITS 8       /* 64 bits in digits of 8 or more */

/* Stable insertion sort of a few keys (and payloads). */
static void insertion_sort(uint64_t *keys, uint32_t *payload, size_t n)
{
    for (size_t a = 1; a < n; a++) {
        uint64_t k = keys[a];
        uint32_t p = payload ? payload[a] : 0;
        size_t b = a;
        for (; b > 0 && keys[b - 1] > k; b--) {
            keys[b] = keys[b - 1];
            if (payload)
                payload[b] = payload[b - 1];
        }
        keys[b] = k;
        if (payload)
            payload[b] = p;
    }
}

/* One stable pass on the digit at shift: src -> dst by the prefix sums in count. */
static void scatter(const uint64_t *src, const uint32_t *psrc, uint64_t *dst, uint32_t *pdst,
                    size_t n, int shift, uint64_t mask, size_t *count)
{
    if (psrc) {
        for (size_t i = 0; i < n; i++) {
            size_t slot = count[(src[i] >> shift) & mask]++;
            dst[slot] = src[i];
            pdst[slot] = psrc[i];
        }
    } else {
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & mask]++] = src[i];
    }
}

/* LSD radix sort: the histograms of every digit in one read, then one
 * scatter per digit that is not the same in every key (the 8-bit
 * histograms on the stack; the 11-bit ones from calloc, or 8-bit digits
 * when it fails: plain calloc, a failure only costs speed). */
void sp_sort_u64_buf(uint64_t *keys, uint32_t *payload, size_t n, uint64_t *kscratch,
                     uint32_t *pscratch)
{
    if (n < INSERTION_N) {
        insertion_sort(keys, payload, n);
        return;
    }
    int bits = n < SHORT_N ? 8 : 11;
    size_t radix = (size_t)1 << bits;
    uint64_t mask = radix - 1, all_or = 0, all_and = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        all_or |= keys[i];
        all_and &= keys[i];
    }
    uint64_t differ = all_or ^ all_and;
    if (!differ)
        return;
    int lo = __builtin_ctzll(differ), hi = 64 - __builtin_clzll(differ), digits = 0;
    int shifts[MAX_DIGITS];
    for (int s = lo; s < hi; s += bits)
        shifts[digits++] = s;
    size_t stack_count[MAX_DIGITS * 256];
    size_t *count = bits == 8 ? NULL : calloc((size_t)digits * radix, sizeof *count);
    if (!count) {
        bits = 8, radix = 256, mask = 255, digits = 0;
        for (int s = lo; s < hi; s += bits)
            shifts[digits++] = s;
        memset(stack_count, 0, (size_t)digits * 256 * sizeof *stack_count);
        count = stack_count;
    }
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < digits; d++)
            count[d * radix + ((keys[i] >> shifts[d]) & mask)]++;
    uint64_t *src = keys, *dst = kscratch;
    uint32_t *psrc = payload, *pdst = pscratch;
    for (int d = 0; d < digits; d++) {
        size_t *c = count + d * radix, total = 0;
        for (size_t v = 0; v < radix; v++) {
            size_t k = c[v];
            c[v] = total;
            total += k;
        }
        scatter(src, psrc, dst, pdst, n, shifts[d], mask, c);
        uint64_t *t = src; src = dst; dst = t;
        uint32_t *pt = psrc; psrc = pdst; pdst = pt;
    }
    if (src != keys) {
        memcpy(keys, src, n * sizeof *keys);
        if (payload)
            memcpy(payload, psrc, n * sizeof *payload);
    }
    if (count != stack_count)
        free(count);
}

int sp_sort_u64(uint64_t *keys, uint32_t *payload, size_t n)
{
    if (n < 2)
        return SP_OK;
    uint64_t *k2 = sp_malloc(n * sizeof *k2);
    uint32_t *p2 = payload ? sp_malloc(n * sizeof *p2) : NULL;
    if (!k2 || (payload && !p2)) {
        free(k2);
        free(p2);
        return SP_ENOMEM;
    }
    sp_sort_u64_buf(keys, payload, n, k2, p2);
    free(k2);
    free(p2);
    return SP_OK;
}
