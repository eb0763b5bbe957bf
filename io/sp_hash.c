/* sp_hash: SHA-256 digests of buffers and files through nettle (see sp_hash.h). */
#include <stdio.h>

#include <nettle/sha2.h>

#include "sp_error.h"
#include "sp_hash.h"

/* The finished digest of ctx as lower-case hex. */
static void hex_digest(struct sha256_ctx *ctx, char hex[65])
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, SHA256_DIGEST_SIZE, digest);
    for (int k = 0; k < SHA256_DIGEST_SIZE; k++)
        snprintf(hex + 2 * k, 3, "%02x", digest[k]);
}

/* One buffer. */
void sp_hash_sha256(const void *data, size_t size, char hex[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, size, data);
    hex_digest(&ctx, hex);
}

/* A file read in 64 KiB pieces. */
int sp_hash_file_sha256(const char *path, char hex[65], long long *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot read", path);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[65536];
    size_t got;
    long long total = 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(&ctx, got, buf);
        total += (long long)got;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return sp_error_set(SP_EDATA, "%s: read error", path);
    hex_digest(&ctx, hex);
    if (bytes)
        *bytes = total;
    return SP_OK;
}
