/* sp_readopt: the shared reader options of the running command. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_readopt.h"
#include "sp_text.h"

const sp_optspec sp_readopt_spec[] = {
    {"encoding", 1}, {"sheet", 1}, {"skip-rows", 1}, {"wide", 1}, {"value-labels", 1}, {NULL, 0},
};

const char sp_readopt_help[] =
    "\n"
    "reader options (every command; see docs/data.md):\n"
    "  --encoding ENC       text encoding of inputs that do not declare one (CSV,\n"
    "                       shapefiles without .cpg, old .dta/.sav, GAL/GWT ids), e.g.\n"
    "                       GB18030, GBK, BIG5, LATIN1 (default: UTF-8, else GB18030\n"
    "                       with a warning)\n"
    "  --sheet NAME         sheet of an Excel/ODS workbook (default: the first)\n"
    "  --skip-rows N        title lines above the header of a CSV or sheet\n"
    "  --wide VAR[:PATTERN] read one column per period (gdp2011, gdp2012, ...) as a\n"
    "                       long table: PATTERN names the columns with {TIME} where\n"
    "                       the period is (default VAR{year}; e.g. gdp:{year} for\n"
    "                       columns 2011, 2012); repeatable\n"
    "  --value-labels V     Stata/SPSS/SAS files: labels (default: a labelled variable\n"
    "                       reads as its labels) or codes (the values stored, e.g. ids)\n";

/* the running command's options and the files already warned about in it (a
 * layer is opened twice when a command reads it and then copies it to its
 * output), per thread: `spill run` runs fits in threads */
static _Thread_local sp_readopt_state st;

static int warned_before(const sp_readopt_state *s, const char *what)
{
    for (int k = 0; k < s->nwarned; k++)
        if (strcmp(s->warned[k], what) == 0)
            return 1;
    return 0;
}

static int warn_once(const char *what)
{
    if (warned_before(&st, what))
        return 0;
    if (st.nwarned < SP_READOPT_WARNED_MAX)
        snprintf(st.warned[st.nwarned++], sizeof st.warned[0], "%s", what);
    return 1;
}

int sp_readopt_parse_wide(const char *spec, sp_readopt_wide *w)
{
    memset(w, 0, sizeof *w);
    const char *colon = strchr(spec, ':');
    size_t vlen = colon ? (size_t)(colon - spec) : strlen(spec);
    char pattern[300];
    if (vlen == 0 || vlen >= sizeof w->var)
        return sp_error_set(SP_EUSAGE, "--wide '%s': expected VAR or VAR:PATTERN", spec);
    memcpy(w->var, spec, vlen);
    if (colon)
        snprintf(pattern, sizeof pattern, "%s", colon + 1);
    else
        snprintf(pattern, sizeof pattern, "%s{year}", w->var);
    const char *open = strchr(pattern, '{'), *close = open ? strchr(open, '}') : NULL;
    if (!open || !close || close == open + 1 || strchr(close + 1, '{') ||
        (size_t)(open - pattern) >= sizeof w->prefix || strlen(close + 1) >= sizeof w->suffix ||
        (size_t)(close - open - 1) >= sizeof w->time)
        return sp_error_set(SP_EUSAGE, "--wide '%s': the pattern needs one {TIME} placeholder, "
                            "e.g. %s:%s{year}", spec, w->var, w->var);
    memcpy(w->prefix, pattern, (size_t)(open - pattern));
    memcpy(w->time, open + 1, (size_t)(close - open - 1));
    snprintf(w->suffix, sizeof w->suffix, "%s", close + 1);
    return SP_OK;
}

int sp_readopt_check(const sp_readopt *o)
{
    if (o->encoding && !sp_text_encoding_known(o->encoding))
        return sp_error_set(SP_EUSAGE, "--encoding: unknown encoding '%s' (e.g. UTF-8, GB18030, "
                            "GBK, BIG5, LATIN1; `iconv -l` lists all)", o->encoding);
    if (o->sheet && !*o->sheet)
        return sp_error_set(SP_EUSAGE, "--sheet: empty sheet name");
    sp_readopt_wide w, first;
    for (int k = 0; k < o->nwide; k++) {
        int rc = sp_readopt_parse_wide(o->wide[k], &w);
        if (rc)
            return rc;
        if (k == 0)
            first = w;
        else if (strcmp(w.time, first.time) != 0)
            return sp_error_set(SP_EUSAGE, "--wide: every spec must name the same period "
                                "column ({%s} and {%s})", first.time, w.time);
    }
    return SP_OK;
}

void sp_readopt_set(const sp_readopt *o)
{
    st.opts = *o;
    st.nwarned = 0;
}

const sp_readopt *sp_readopt_current(void) { return &st.opts; }

void sp_readopt_hold_init(sp_readopt_hold *h)
{
    memset(h, 0, sizeof *h);
    h->state = st;
}

void sp_readopt_hold_enter(sp_readopt_hold *h)
{
    h->saved = st;
    st = h->state;
    st.hold = h;
}

void sp_readopt_hold_leave(sp_readopt_hold *h)
{
    st.hold = NULL;
    h->state = st;
    st = h->saved;
}

void sp_readopt_hold_replay(const sp_readopt_hold *h)
{
    if (h->len)
        fputs(h->text, stderr);
    for (int k = 0; k < h->state.nwarned; k++)
        if (!warned_before(&st, h->state.warned[k]) && st.nwarned < SP_READOPT_WARNED_MAX)
            memcpy(st.warned[st.nwarned++], h->state.warned[k], sizeof st.warned[0]);
}

void sp_readopt_hold_free(sp_readopt_hold *h)
{
    free(h->text);
    h->text = NULL;
    h->len = 0;
}

/* Appends a formatted line to the held warnings (printed at once when memory
 * is short: out of order, but said). */
static void hold_line(sp_readopt_hold *h, const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int body = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    size_t plen = strlen(prefix), need = h->len + plen + (body > 0 ? (size_t)body : 0) + 2;
    char *grown = body >= 0 ? realloc(h->text, need) : NULL;
    if (!grown) {
        fputs(prefix, stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        return;
    }
    h->text = grown;
    memcpy(h->text + h->len, prefix, plen);
    vsnprintf(h->text + h->len + plen, (size_t)body + 1, fmt, ap);
    h->len = need - 1;
    h->text[h->len - 1] = '\n';
    h->text[h->len] = '\0';
}

/* The encoding to read text of `what` in (NULL: it is UTF-8 or ASCII
 * already), from --encoding or by looking at the bytes. */
int sp_readopt_encoding(const char *what, const char *text, size_t len, const char **enc)
{
    const sp_readopt *o = &st.opts;
    *enc = NULL;
    if (o->encoding) {
        *enc = strcasecmp(o->encoding, "UTF-8") == 0 || strcasecmp(o->encoding, "UTF8") == 0
                   ? NULL : o->encoding;
        if (!*enc && !sp_text_utf8_valid(text, len, NULL))
            return sp_error_set(SP_EDATA, "%s: not valid UTF-8 although --encoding says so",
                                what);
        return SP_OK;
    }
    sp_text_kind kind = sp_text_detect(text, len);
    if (kind == SP_TEXT_GB18030) {
        if (warn_once(what))
            sp_readopt_warn("%s: not UTF-8; read as GB18030 (GBK, what Chinese Windows and "
                            "its Excel save); give --encoding ENC if that is wrong", what);
        *enc = "GB18030";
    } else if (kind == SP_TEXT_UNKNOWN) {
        size_t bad = 0;
        sp_text_utf8_valid(text, len, &bad);
        return sp_error_set(SP_EDATA, "%s: neither UTF-8 nor GB18030 (byte %zu): give the "
                            "file's encoding with --encoding ENC (e.g. BIG5, LATIN1, CP1252)",
                            what, bad + 1);
    }
    return SP_OK;
}

void sp_readopt_warn(const char *fmt, ...)
{
    char prefix[160];
    snprintf(prefix, sizeof prefix, "spill%s%s: warning: ", st.opts.command ? " " : "",
             st.opts.command ? st.opts.command : "");
    va_list ap;
    va_start(ap, fmt);
    if (st.hold) {
        hold_line(st.hold, prefix, fmt, ap);
    } else {
        fputs(prefix, stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}
