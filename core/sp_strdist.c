/* sp_strdist: Levenshtein distances and the closest candidate (sp_strdist.h). */
#include <ctype.h>
#include <string.h>

#include "sp_strdist.h"

#define WORD_MAX 63

/* The classic two-row dynamic programme: d(i, j) = min(d(i-1, j) + 1,
 * d(i, j-1) + 1, d(i-1, j-1) + [a_i != b_j]). */
int sp_strdist_levenshtein(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > WORD_MAX)
        na = WORD_MAX;
    if (nb > WORD_MAX)
        nb = WORD_MAX;
    int prev[WORD_MAX + 1], cur[WORD_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + !same;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (nb + 1) * sizeof *prev);
    }
    return prev[nb];
}

const char *sp_strdist_closest(const char *word, const char *const *candidates, int count)
{
    size_t len = strlen(word);
    int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    if ((size_t)limit >= len)
        limit = (int)len - 1;
    const char *best = NULL;
    int best_d = limit + 1;
    for (int k = 0; count < 0 ? candidates[k] != NULL : k < count; k++) {
        int d = sp_strdist_levenshtein(word, candidates[k]);
        if (d < best_d)
            best = candidates[k], best_d = d;
    }
    return best;
}
