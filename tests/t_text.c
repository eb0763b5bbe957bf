/* Tests for sp_text: UTF-8 and GB18030 validity, detection, recoding against
 * iconv's GBK tables (known strings) and cutting names on characters. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_text.h"

/* 代码 and 人工智能指数 in GBK (what Excel on Chinese Windows saves). */
static const char gbk_daima[] = "\xB4\xFA\xC2\xEB";
static const char gbk_ai[] = "\xC8\xCB\xB9\xA4\xD6\xC7\xC4\xDC\xD6\xB8\xCA\xFD";

static void test_utf8(void)
{
    size_t bad = 99;
    CHECK(sp_text_utf8_valid("abc", 3, NULL));
    CHECK(sp_text_utf8_valid("代码", strlen("代码"), NULL));
    CHECK(sp_text_utf8_valid("\xF0\x9F\x98\x80", 4, NULL));         /* U+1F600 */
    CHECK(!sp_text_utf8_valid("\xC0\xAF", 2, &bad) && bad == 0);    /* overlong '/' */
    CHECK(!sp_text_utf8_valid("ab\xED\xA0\x80", 5, &bad) && bad == 2); /* surrogate */
    CHECK(!sp_text_utf8_valid("\xF4\x90\x80\x80", 4, NULL));        /* > U+10FFFF */
    CHECK(!sp_text_utf8_valid("\xE4\xBB", 2, NULL));                /* cut short */
    CHECK(!sp_text_utf8_valid(gbk_daima, 4, &bad) && bad == 0);
}

static void test_detect(void)
{
    CHECK_INT(sp_text_detect("a,b\n1,2\n", 8), SP_TEXT_ASCII);
    CHECK_INT(sp_text_detect("代码,x", strlen("代码,x")), SP_TEXT_UTF8);
    CHECK_INT(sp_text_detect(gbk_ai, strlen(gbk_ai)), SP_TEXT_GB18030);
    CHECK_INT(sp_text_detect("\x81\x30\x81\x30", 4), SP_TEXT_GB18030); /* four-byte form */
    CHECK_INT(sp_text_detect("Bj\xf6rk\xff", 6), SP_TEXT_UNKNOWN);      /* 0xFF in neither */
    CHECK_INT(sp_text_detect("x\x80", 2), SP_TEXT_UNKNOWN);
    CHECK_INT(sp_text_detect("\xB4", 1), SP_TEXT_UNKNOWN);              /* lead byte alone */
    CHECK_STR(sp_text_kind_name(SP_TEXT_GB18030), "GB18030");
    /* The ASCII scan goes eight bytes at a time: a high byte at any offset,
     * in or after a word, is seen; the bytes past len are not read. */
    char buf[40];
    int seen = 0;
    for (int at = 0; at < 24; at++) {
        memset(buf, 'a', sizeof buf);
        buf[at] = (char)0xFF;
        seen += sp_text_detect(buf, 24) == SP_TEXT_UNKNOWN &&
                sp_text_detect(buf, (size_t)at) == SP_TEXT_ASCII;
    }
    CHECK_INT(seen, 24);
}

static void test_recode(void)
{
    char *s = NULL;
    size_t len = 0;
    CHECK_INT(sp_text_recode(gbk_ai, strlen(gbk_ai), "GB18030", "t", &s, &len), SP_OK);
    CHECK_STR(s, "人工智能指数");
    CHECK_INT((int)len, (int)strlen("人工智能指数"));
    free(s);
    CHECK_INT(sp_text_recode(gbk_daima, 4, "GBK", "t", &s, NULL), SP_OK);
    CHECK_STR(s, "代码");
    free(s);
    CHECK_INT(sp_text_recode("x\xB4", 2, "GB18030", "f.csv", &s, NULL), SP_EDATA);
    CHECK(s == NULL && strstr(sp_error_msg(), "f.csv: byte 2 is not valid GB18030"));
    CHECK_INT(sp_text_recode("x", 1, "NO-SUCH-CODE", "f.csv", &s, NULL), SP_EUSAGE);
    CHECK(sp_text_encoding_known("GB18030") && !sp_text_encoding_known("NO-SUCH-CODE"));
    /* A long input grows the output buffer. */
    enum { N = 5000 };
    char *big = malloc(N * 4 + 1);
    for (int k = 0; k < N; k++)
        memcpy(big + 4 * k, gbk_daima, 4);
    CHECK_INT(sp_text_recode(big, N * 4, "GB18030", "t", &s, &len), SP_OK);
    CHECK_INT((int)len, N * 6);
    free(s);
    free(big);
}

static void test_cut(void)
{
    CHECK_INT((int)sp_text_cut("人工智能指数", 10), 9); /* 3 characters, not 10 bytes */
    CHECK_INT((int)sp_text_cut("ai_index_2011", 10), 10);
    CHECK_INT((int)sp_text_cut("ab", 10), 2);
}

int main(void)
{
    RUN(test_utf8);
    RUN(test_detect);
    RUN(test_recode);
    RUN(test_cut);
    return th_report("t_text");
}
