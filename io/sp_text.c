/* sp_text: UTF-8 and GB18030 validity, recoding through iconv, cutting names. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_text.h"

/* Length of the UTF-8 sequence at s (at most len bytes), 0 if invalid;
 * *cp receives the code point. */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

int sp_text_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t k = 0; k < len;) {
        uint32_t cp;
        size_t n = utf8_seq(u + k, len - k, &cp);
        if (!n) {
            if (bad)
                *bad = k;
            return 0;
        }
        k += n;
    }
    return 1;
}

int sp_text_gb18030_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t k = 0; k < len;) {
        unsigned c = u[k];
        if (c < 0x80) {
            k++;
            continue;
        }
        int ok = c >= 0x81 && c <= 0xFE && k + 1 < len;
        if (ok && u[k + 1] >= 0x30 && u[k + 1] <= 0x39) {
            ok = k + 3 < len && u[k + 2] >= 0x81 && u[k + 2] <= 0xFE && u[k + 3] >= 0x30 &&
                 u[k + 3] <= 0x39;
            if (ok) {
                k += 4;
                continue;
            }
        } else if (ok) {
            unsigned t = u[k + 1];
            ok = (t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE);
            if (ok) {
                k += 2;
                continue;
            }
        }
        if (bad)
            *bad = k;
        return 0;
    }
    return 1;
}

sp_text_kind sp_text_detect(const char *s, size_t len)
{
    size_t k = 0;
    for (uint64_t word; k + 8 <= len; k += 8) { /* eight bytes at a time: no high bit */
        memcpy(&word, s + k, 8);
        if (word & 0x8080808080808080ULL)
            break;
    }
    while (k < len && (unsigned char)s[k] < 0x80)
        k++;
    if (k == len)
        return SP_TEXT_ASCII;
    if (sp_text_utf8_valid(s + k, len - k, NULL))
        return SP_TEXT_UTF8;
    if (sp_text_gb18030_valid(s + k, len - k, NULL))
        return SP_TEXT_GB18030;
    return SP_TEXT_UNKNOWN;
}

const char *sp_text_kind_name(sp_text_kind kind)
{
    static const char *const names[] = {"ASCII", "UTF-8", "GB18030", "unknown"};
    return kind <= SP_TEXT_UNKNOWN ? names[kind] : "unknown";
}

int sp_text_encoding_known(const char *encoding)
{
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return 0;
    iconv_close(cd);
    return 1;
}

int sp_text_recode(const char *s, size_t len, const char *from, const char *what, char **out,
                   size_t *outlen)
{
    *out = NULL;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return sp_error_set(SP_EUSAGE, "%s: unknown encoding '%s'", what, from);
    size_t cap = len * 2 + 16; /* GB18030 -> UTF-8 grows at most 3/2; latin-1 2x */
    char *buf = sp_malloc(cap + 1);
    if (!buf) {
        iconv_close(cd);
        return SP_ENOMEM;
    }
    char *in = (char *)s, *o = buf;
    size_t left = len, room = cap;
    int rc = SP_OK;
    while (left > 0 && !rc) {
        if (iconv(cd, &in, &left, &o, &room) != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - buf);
            char *grown = cap < SIZE_MAX / 2 - 1 ? sp_realloc(buf, 2 * cap + 1) : NULL;
            if (!grown) {
                rc = SP_ENOMEM;
                break;
            }
            buf = grown;
            o = buf + used;
            room += cap;
            cap *= 2;
        } else {
            rc = sp_error_set(SP_EDATA, "%s: byte %zu is not valid %s", what,
                              (size_t)(in - s) + 1, from);
        }
    }
    iconv_close(cd);
    if (rc) {
        free(buf);
        return rc;
    }
    *o = '\0';
    if (outlen)
        *outlen = (size_t)(o - buf);
    *out = buf;
    return SP_OK;
}

size_t sp_text_cut(const char *s, size_t max_bytes)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), k = 0;
    while (k < len) {
        uint32_t cp;
        size_t n = utf8_seq(u + k, len - k, &cp);
        if (!n)
            n = 1;
        if (k + n > max_bytes)
            break;
        k += n;
    }
    return k;
}

/* Grow buf (capacity *cap) to hold more than n bytes; NULL (buf freed) when
 * memory is short. */
static char *grow_buffer(char *buf, size_t *cap)
{
    char *grown = sp_realloc(buf, 2 * *cap + 1);
    if (!grown)
        free(buf);
    else
        *cap *= 2;
    return grown;
}

/* read(2) into a buffer of the file's size (+ 1 for the NUL): a regular file
 * is read up to the size it had when opened; a pipe or device to its end. */
int sp_text_read_file(const char *path, char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    if (strncmp(path, "/vsi", 4) == 0)
        return sp_gdal_read_file(path, data, size);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int err = fd < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : errno;
        if (fd >= 0)
            close(fd);
        return sp_error_set(SP_EDATA, "%s: cannot open: %s", path, strerror(err));
    }
    int regular = S_ISREG(st.st_mode);
    size_t cap = regular ? (size_t)st.st_size : 1 << 16, n = 0;
    char *buf = sp_malloc(cap + 1);
    while (buf && (n < cap || !regular)) {
        if (n == cap && !(buf = grow_buffer(buf, &cap)))
            break;
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            close(fd);
            return sp_error_set(SP_EDATA, "%s: cannot read: %s", path, strerror(err));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (!buf)
        return SP_ENOMEM;
    buf[n] = '\0';
    *data = buf;
    *size = n;
    return SP_OK;
}
