/* sp_strdist: edit distances between short words, for "did you mean"
 * suggestions on misspelled options and values.
 *
 * Ownership: nothing is allocated; the returned pointers point into the
 * caller's candidate list.  No function fails. */
#ifndef SP_STRDIST_H
#define SP_STRDIST_H

/* Levenshtein distance between a and b, case-insensitive (words up to 63
 * bytes; longer words compare their first 63). */
int sp_strdist_levenshtein(const char *a, const char *b);

/* The candidate closest to word when close enough to be a likely typo
 * (distance <= 1 for words up to 4 letters, <= 2 up to 8, else <= 3, and less
 * than the word's length), or NULL.  candidates: count words, or a
 * NULL-terminated list when count < 0. */
const char *sp_strdist_closest(const char *word, const char *const *candidates, int count);

#endif
