/* sp_idmap: a string -> index hash map for unit identifiers.
 *
 * When every id is a decimal integer without sign or leading zero, below
 * 10^9 and at most 4n + 1024 (ids 1..n, the usual case), the map is a table
 * by value instead (a look-up parses the id; no hashing, no string compare):
 * the same answers, since a string written any other way equals none of them.
 *
 * The map does not copy the keys: they must outlive it (they normally belong
 * to an sp_weights or a table).  Free with sp_idmap_free(). */
#ifndef SP_IDMAP_H
#define SP_IDMAP_H

typedef struct sp_idmap sp_idmap;

/* Index ids[0..n-1].  A repeated id is an SP_EDATA error naming it and its
 * two positions (1-based), with `what` (e.g. a file name) as context. */
int sp_idmap_build(const char *const *ids, int n, const char *what, sp_idmap **out);
void sp_idmap_free(sp_idmap *m);

/* Position of id, or -1 when absent. */
int sp_idmap_find(const sp_idmap *m, const char *id);

#endif
