/* Unit tests for io/sp_hash: the FIPS 180-4 example digests of buffers, the
 * same digests of files holding them (one larger than the 64 KiB read piece),
 * and the error for a file that cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sp_hash.h"

#define EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define TWO "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define TWO_TEXT "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" /* 448 bits */
#define MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_buffer_vectors(void)
{
    char hex[65];
    sp_hash_sha256("", 0, hex);
    CHECK_STR(hex, EMPTY);
    sp_hash_sha256("abc", 3, hex);
    CHECK_STR(hex, ABC);
    sp_hash_sha256(TWO_TEXT, strlen(TWO_TEXT), hex);
    CHECK_STR(hex, TWO);
}

/* Write size bytes to a new temporary file; its name into path. */
static void write_temp(const void *data, size_t size, char path[32])
{
    strcpy(path, "/tmp/t_hash_XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(data, 1, size, f) == size);
        fclose(f);
    }
}

/* The digest and the length of the file written with data. */
static void check_file(const void *data, size_t size, const char *want)
{
    char path[32], hex[65];
    long long bytes = -1;
    write_temp(data, size, path);
    CHECK_INT(sp_hash_file_sha256(path, hex, &bytes), SP_OK);
    CHECK_STR(hex, want);
    CHECK(bytes == (long long)size);
    CHECK_INT(sp_hash_file_sha256(path, hex, NULL), SP_OK); /* bytes optional */
    CHECK_STR(hex, want);
    unlink(path);
}

static void test_file_vectors(void)
{
    check_file("", 0, EMPTY);
    check_file("abc", 3, ABC);
    check_file(TWO_TEXT, strlen(TWO_TEXT), TWO);
    size_t n = 1000000; /* FIPS 180-2 example: one million 'a', 16 read pieces */
    char *a = malloc(n);
    CHECK(a != NULL);
    if (a) {
        memset(a, 'a', n);
        check_file(a, n, MILLION_A);
        free(a);
    }
}

static void test_missing_file(void)
{
    char hex[65];
    CHECK_INT(sp_hash_file_sha256("/nonexistent/t_hash.bin", hex, NULL), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "/nonexistent/t_hash.bin: cannot read") != NULL);
}

/* Digests computed ahead (sp_hash_ahead) are those of sp_hash_file_sha256:
 * both paths asked, a third computed when asked, a missing file SP_EDATA
 * naming it, one path NULL, and no handle at all. */
static void test_ahead(void)
{
    char a[32], b[32], c[32], hex[65];
    long long bytes = -1;
    write_temp("abc", 3, a);
    write_temp(TWO_TEXT, strlen(TWO_TEXT), b);
    write_temp("", 0, c);
    sp_hash_ahead *h = NULL;
    CHECK_INT(sp_hash_ahead_start(a, b, &h), SP_OK);
    CHECK_INT(sp_hash_ahead_file(h, b, hex, &bytes), SP_OK);
    CHECK_STR(hex, TWO);
    CHECK(bytes == (long long)strlen(TWO_TEXT));
    CHECK_INT(sp_hash_ahead_file(h, a, hex, NULL), SP_OK);
    CHECK_STR(hex, ABC);
    CHECK_INT(sp_hash_ahead_file(h, c, hex, &bytes), SP_OK); /* not asked ahead */
    CHECK_STR(hex, EMPTY);
    sp_hash_ahead_free(h);
    CHECK_INT(sp_hash_ahead_start("/nonexistent/t_hash_ahead.bin", NULL, &h), SP_OK);
    CHECK_INT(sp_hash_ahead_file(h, "/nonexistent/t_hash_ahead.bin", hex, NULL), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "/nonexistent/t_hash_ahead.bin: cannot read") != NULL);
    sp_hash_ahead_free(h);
    CHECK_INT(sp_hash_ahead_start(a, NULL, &h), SP_OK);
    sp_hash_ahead_free(h); /* never asked: freed all the same */
    CHECK_INT(sp_hash_ahead_file(NULL, a, hex, NULL), SP_OK);
    CHECK_STR(hex, ABC);
    unlink(a), unlink(b), unlink(c);
}

int main(void)
{
    RUN(test_buffer_vectors);
    RUN(test_file_vectors);
    RUN(test_missing_file);
    RUN(test_ahead);
    return th_report("t_hash");
}
