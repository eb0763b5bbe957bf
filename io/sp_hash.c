/* sp_hash: SHA-256 digests of buffers and files through nettle (see sp_hash.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "sp_error.h"
#include "sp_hash.h"
#include "sp_threads.h"

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

/* Up to two digests made on a thread of their own (sp_hash.h). */
struct sp_hash_ahead {
    const char *path[2];
    char hex[2][65];
    long long bytes[2];
    int rc[2];
    sp_threads_task *task; /* NULL once joined */
};

static int ahead_work(void *ctx)
{
    sp_hash_ahead *h = ctx;
    for (int k = 0; k < 2; k++)
        if (h->path[k])
            h->rc[k] = sp_hash_file_sha256(h->path[k], h->hex[k], &h->bytes[k]);
    return SP_OK;
}

int sp_hash_ahead_start(const char *path_a, const char *path_b, sp_hash_ahead **out)
{
    sp_hash_ahead *h = *out = sp_calloc(1, sizeof *h);
    if (!h)
        return SP_ENOMEM;
    h->path[0] = path_a, h->path[1] = path_b;
    if (sp_threads_start(ahead_work, h, &h->task)) { /* not even the handle: none ahead */
        h->path[0] = h->path[1] = NULL;
        h->task = NULL;
    }
    return SP_OK;
}

int sp_hash_ahead_file(sp_hash_ahead *h, const char *path, char hex[65], long long *bytes)
{
    if (h && h->task) {
        sp_threads_join(h->task);
        h->task = NULL;
    }
    for (int k = 0; h && k < 2; k++)
        if (h->path[k] && strcmp(h->path[k], path) == 0) {
            memcpy(hex, h->hex[k], sizeof h->hex[k]);
            if (bytes)
                *bytes = h->bytes[k];
            return h->rc[k] ? sp_error_set(h->rc[k], "%s: cannot read", path) : SP_OK;
        }
    return sp_hash_file_sha256(path, hex, bytes);
}

void sp_hash_ahead_free(sp_hash_ahead *h)
{
    if (h && h->task)
        sp_threads_join(h->task);
    free(h);
}
