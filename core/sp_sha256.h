/* sp_sha256: the SHA-256 digest (FIPS 180-4), to record which input files a
 * run read (fit --json "inputs").
 *
 *   sp_sha256 h;
 *   sp_sha256_init(&h);
 *   sp_sha256_update(&h, buf, n);      // any number of times
 *   char hex[65];
 *   sp_sha256_hex(&h, hex);            // 64 lower-case hex digits
 *
 * Ownership: a plain value, nothing allocated.  No function fails. */
#ifndef SP_SHA256_H
#define SP_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sp_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
} sp_sha256;

void sp_sha256_init(sp_sha256 *s);
void sp_sha256_update(sp_sha256 *s, const void *data, size_t size);
/* Finish and write the digest as 64 hex digits and a NUL into hex. */
void sp_sha256_hex(sp_sha256 *s, char hex[65]);

#endif
