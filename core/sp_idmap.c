/* sp_idmap: a string -> index hash map for unit identifiers; see sp_idmap.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_idmap.h"

/* A slot: an index into keys (-1 when empty) and the high bits of its key's
 * hash, so that probing compares strings only when the tags agree. */
typedef struct idmap_slot {
    int index;
    uint32_t tag;
} idmap_slot;

struct sp_idmap {
    size_t cap;              /* power of two */
    const char *const *keys; /* borrowed */
    idmap_slot *slot;
    int *table;              /* ids by value when all are small integers, else NULL */
    int max;                 /* the largest such id */
};

/* The value of a canonical decimal integer below 10^9 (no sign, no leading
 * zero), or -1: such strings are equal exactly when their values are. */
static int canonical_int(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1]))
        return -1;
    int v = 0, len = 0;
    for (; *s; s++, len++) {
        if (*s < '0' || *s > '9' || len == 9)
            return -1;
        v = 10 * v + (*s - '0');
    }
    return v;
}

/* The table by value when every id is a canonical integer at most 4n + 1024
 * (ids 1..n, 0..n-1, the usual case: one look-up, no string compare):
 * 1 when built, 0 when the ids do not allow it (or memory for it is short:
 * plain malloc, the hash map then serves), SP_EDATA on a repeated id. */
static int idmap_table(sp_idmap *m, const char *const *ids, int n, const char *what)
{
    int max = -1;
    for (int i = 0; i < n; i++) {
        int v = canonical_int(ids[i]);
        if (v < 0 || v > 4 * (long long)n + 1024)
            return 0;
        max = v > max ? v : max;
    }
    if (n == 0 || !(m->table = malloc(((size_t)max + 1) * sizeof *m->table)))
        return 0;
    memset(m->table, 0xff, ((size_t)max + 1) * sizeof *m->table);
    m->max = max;
    for (int i = 0; i < n; i++) {
        int *slot = &m->table[canonical_int(ids[i])];
        if (*slot >= 0)
            return -sp_error_set(SP_EDATA, "%s: duplicate id '%s' (units %d and %d)", what, ids[i],
                                 *slot + 1, i + 1);
        *slot = i;
    }
    return 1;
}

static uint64_t idmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= h >> 32; /* FNV's low bits, which index the table, mix poorly on short ids */
    h *= 0xd6e8feb86659fd93ULL;
    return h ^ (h >> 32);
}

int sp_idmap_build(const char *const *ids, int n, const char *what, sp_idmap **out)
{
    *out = NULL;
    sp_idmap *m = sp_calloc(1, sizeof *m);
    if (!m)
        return SP_ENOMEM;
    m->keys = ids;
    int by_value = idmap_table(m, ids, n, what);
    if (by_value) {
        if (by_value < 0) {
            sp_idmap_free(m);
            return -by_value;
        }
        *out = m;
        return SP_OK;
    }
    m->cap = 16;
    while (m->cap < (size_t)n * 2)
        m->cap <<= 1;
    m->keys = ids;
    m->slot = sp_malloc(m->cap * sizeof *m->slot);
    if (!m->slot) {
        free(m);
        return SP_ENOMEM;
    }
    memset(m->slot, 0xff, m->cap * sizeof *m->slot);
    for (int i = 0; i < n; i++) {
        uint64_t hash = idmap_hash(ids[i]);
        size_t h = hash & (m->cap - 1);
        uint32_t tag = (uint32_t)(hash >> 32);
        while (m->slot[h].index >= 0) {
            if (m->slot[h].tag == tag && strcmp(ids[m->slot[h].index], ids[i]) == 0) {
                int first = m->slot[h].index;
                sp_idmap_free(m);
                return sp_error_set(SP_EDATA, "%s: duplicate id '%s' (units %d and %d)",
                                    what, ids[i], first + 1, i + 1);
            }
            h = (h + 1) & (m->cap - 1);
        }
        m->slot[h] = (idmap_slot){i, tag};
    }
    *out = m;
    return SP_OK;
}

void sp_idmap_free(sp_idmap *m)
{
    if (!m)
        return;
    free(m->slot);
    free(m->table);
    free(m);
}

int sp_idmap_find(const sp_idmap *m, const char *id)
{
    if (m->table) {
        int v = canonical_int(id);
        return v >= 0 && v <= m->max ? m->table[v] : -1;
    }
    uint64_t hash = idmap_hash(id);
    size_t h = hash & (m->cap - 1);
    uint32_t tag = (uint32_t)(hash >> 32);
    for (; m->slot[h].index >= 0; h = (h + 1) & (m->cap - 1))
        if (m->slot[h].tag == tag && strcmp(m->keys[m->slot[h].index], id) == 0)
            return m->slot[h].index;
    return -1;
}
