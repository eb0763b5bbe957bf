/* sp_text: text encodings of the files users bring: UTF-8 validity, GB18030
 * (GBK) detection, recoding to UTF-8 through iconv, and cutting on a
 * character boundary (display width: sp_grid_width in sp_grid.h).
 *
 * Ownership: sp_text_recode() returns a new NUL-terminated string the caller
 * frees.  Errors follow sp_error.h: an invalid byte sequence is SP_EDATA
 * naming `what` (the file, the field) and the byte offset; an encoding name
 * iconv does not know is SP_EUSAGE. */
#ifndef SP_TEXT_H
#define SP_TEXT_H

#include <stddef.h>

typedef enum sp_text_kind {
    SP_TEXT_ASCII,   /* 7-bit only: every encoding agrees */
    SP_TEXT_UTF8,    /* valid UTF-8 with some non-ASCII character */
    SP_TEXT_GB18030, /* not UTF-8, but well-formed GB18030 (GBK is a subset) */
    SP_TEXT_UNKNOWN  /* neither */
} sp_text_kind;

/* Whether s[0..len) is valid UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF); *bad (may be NULL) gets the offset of the first
 * invalid byte. */
int sp_text_utf8_valid(const char *s, size_t len, size_t *bad);

/* Whether s[0..len) is well-formed GB18030: ASCII, two-byte [81-FE][40-7E
 * 80-FE] and four-byte [81-FE][30-39][81-FE][30-39] sequences. */
int sp_text_gb18030_valid(const char *s, size_t len, size_t *bad);

/* Which of the kinds above s[0..len) is (UTF-8 wins when both fit). */
sp_text_kind sp_text_detect(const char *s, size_t len);

/* The name of a kind: "ASCII", "UTF-8", "GB18030", "unknown". */
const char *sp_text_kind_name(sp_text_kind kind);

/* Whether iconv can convert from `encoding` to UTF-8 (a usage check). */
int sp_text_encoding_known(const char *encoding);

/* s[0..len) converted from `from` to UTF-8 into a new string (*outlen may be
 * NULL).  An invalid sequence is SP_EDATA "WHAT: byte OFFSET is not valid
 * FROM". */
int sp_text_recode(const char *s, size_t len, const char *from, const char *what, char **out,
                   size_t *outlen);

/* A whole file into a new NUL-terminated buffer of *size bytes (plus the
 * NUL) the caller frees: read directly, or through GDAL (sp_gdal_read_file)
 * for a GDAL virtual path (/vsimem/, /vsizip/ ...).  SP_EDATA naming the
 * file when it cannot be opened or read. */
int sp_text_read_file(const char *path, char **data, size_t *size);

/* The longest prefix of the UTF-8 string s that fits in max_bytes bytes and
 * ends on a character boundary: its length in bytes. */
size_t sp_text_cut(const char *s, size_t max_bytes);

#endif
