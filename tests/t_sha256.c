/* Unit tests for core/sp_sha256: the FIPS 180-4 example digests, and the same
 * digest whatever the pieces the data is fed in. */
#include <string.h>

#include "harness.h"
#include "sp_sha256.h"

static void digest(const char *msg, size_t piece, char hex[65])
{
    sp_sha256 h;
    sp_sha256_init(&h);
    size_t n = strlen(msg);
    for (size_t k = 0; k < n; k += piece)
        sp_sha256_update(&h, msg + k, n - k < piece ? n - k : piece);
    sp_sha256_hex(&h, hex);
}

static void test_fips_examples(void)
{
    char hex[65];
    digest("", 1, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 448 bits */
    digest(two, 56, hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    for (size_t piece = 1; piece <= 9; piece += 4) {
        digest(two, piece, hex);
        CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
}

int main(void)
{
    RUN(test_fips_examples);
    return th_report("t_sha256");
}
