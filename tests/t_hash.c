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

int main(void)
{
    RUN(test_buffer_vectors);
    RUN(test_file_vectors);
    RUN(test_missing_file);
    return th_report("t_hash");
}
