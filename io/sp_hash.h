/* sp_hash: the SHA-256 digest of a file (nettle), for fit --json "inputs" and
 * the job manifests, reports and merge checks.
 *
 *   char hex[65];
 *   long long bytes;
 *   if (sp_hash_file_sha256(path, hex, &bytes)) ...   // SP_EDATA, message set
 *
 * Ownership: the caller owns hex (65 chars: 64 lower-case hex digits and a
 * NUL); nothing is allocated.  Errors: SP_EDATA when the file cannot be opened
 * or read (message names the file); hex and *bytes are then unspecified. */
#ifndef SP_HASH_H
#define SP_HASH_H

#include <stddef.h>

/* The SHA-256 of size bytes at data, as 64 hex digits and a NUL. */
void sp_hash_sha256(const void *data, size_t size, char hex[65]);

/* The SHA-256 of the file at path as 64 hex digits; *bytes (when bytes is not
 * NULL) its length in bytes. */
int sp_hash_file_sha256(const char *path, char hex[65], long long *bytes);

/* Digests computed ahead: sp_hash_ahead_start hashes the files at path_a and
 * path_b (either may be NULL) on a thread of its own from now on, while the
 * caller reads them (fit --json: the inputs' digests, 4 ms at 50,000 units, off
 * the command's path); sp_hash_ahead_file waits for it and gives path's digest
 * as sp_hash_file_sha256 would (computing it here for a path not asked ahead,
 * or when h is NULL); sp_hash_ahead_free waits for the thread and frees h.
 * The paths must outlive h.  Start returns SP_ENOMEM, *out NULL, when not
 * even h can be allocated (callers go on without it). */
typedef struct sp_hash_ahead sp_hash_ahead;
int sp_hash_ahead_start(const char *path_a, const char *path_b, sp_hash_ahead **out);
int sp_hash_ahead_file(sp_hash_ahead *h, const char *path, char hex[65], long long *bytes);
void sp_hash_ahead_free(sp_hash_ahead *h);

#endif
