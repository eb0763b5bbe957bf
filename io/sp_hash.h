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

#endif
