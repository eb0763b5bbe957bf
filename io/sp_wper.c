/* sp_wper: a weights matrix per period (--w FILE, a LABEL=FILE list, a {} pattern); see sp_wper.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_wio.h"
#include "sp_wper.h"

void sp_wper_free(sp_wper *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->n; i++) {
        free(w->labels[i]), free(w->paths[i]);
        sp_weights_free(w->W[i]);
    }
    free(w->labels), free(w->paths), free(w->W);
    free(w->pattern), free(w->single);
    sp_weights_free(w->one);
    free(w);
}

/* Room for one more entry. */
static int grow(sp_wper *w)
{
    if (w->n < w->cap)
        return SP_OK;
    int cap = w->cap ? 2 * w->cap : 8;
    char **l = sp_realloc(w->labels, (size_t)cap * sizeof *l);
    if (l)
        w->labels = l;
    char **p = l ? sp_realloc(w->paths, (size_t)cap * sizeof *p) : NULL;
    if (p)
        w->paths = p;
    sp_weights **m = p ? sp_realloc(w->W, (size_t)cap * sizeof *m) : NULL;
    if (m)
        w->W = m;
    if (!m)
        return SP_ENOMEM;
    w->cap = cap;
    return SP_OK;
}

static int add(sp_wper *w, const char *label, size_t llen, const char *path, size_t plen)
{
    int rc = grow(w);
    if (rc)
        return rc;
    w->labels[w->n] = strndup(label, llen);
    w->paths[w->n] = strndup(path, plen);
    w->W[w->n] = NULL;
    if (!w->labels[w->n] || !w->paths[w->n]) {
        free(w->labels[w->n]), free(w->paths[w->n]);
        return SP_ENOMEM;
    }
    w->n++;
    return SP_OK;
}

/* "2011=a.gal,2012=b.gal" */
static int parse_list(sp_wper *w, const char *spec)
{
    for (const char *s = spec; *s;) {
        const char *end = strchr(s, ','), *eq = strchr(s, '=');
        if (!end)
            end = s + strlen(s);
        if (!eq || eq > end || eq == s || eq + 1 == end)
            return sp_error_set(SP_EUSAGE, "--w: expected PERIOD=FILE[,PERIOD=FILE...], got '%.*s' "
                                           "in '%s'", (int)(end - s), s, spec);
        for (int i = 0; i < w->n; i++)
            if (strlen(w->labels[i]) == (size_t)(eq - s) && !strncmp(w->labels[i], s, eq - s))
                return sp_error_set(SP_EUSAGE, "--w: period %.*s named twice", (int)(eq - s), s);
        int rc = add(w, s, (size_t)(eq - s), eq + 1, (size_t)(end - eq - 1));
        if (rc)
            return rc;
        s = *end ? end + 1 : end;
    }
    return SP_OK;
}

int sp_wper_parse(const char *spec, sp_wper **out)
{
    *out = NULL;
    sp_wper *w = sp_calloc(1, sizeof *w);
    if (!w)
        return SP_ENOMEM;
    int rc = SP_OK;
    if (strstr(spec, "{}"))
        rc = (w->pattern = sp_strdup(spec)) ? SP_OK : SP_ENOMEM;
    else if (strchr(spec, '='))
        rc = parse_list(w, spec);
    else
        rc = (w->single = sp_strdup(spec)) ? SP_OK : SP_ENOMEM;
    if (rc) {
        sp_wper_free(w);
        return rc;
    }
    *out = w;
    return SP_OK;
}

int sp_wper_get(sp_wper *w, const char *label, const sp_weights **W, const char **path)
{
    *W = NULL;
    if (w->single) {
        *path = w->single;
        int rc = w->one ? SP_OK : sp_wio_read(w->single, &w->one);
        *W = w->one;
        return rc;
    }
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->labels[i], label) == 0) {
            *path = w->paths[i];
            int rc = w->W[i] ? SP_OK : sp_wio_read(w->paths[i], &w->W[i]);
            *W = w->W[i];
            return rc;
        }
    if (!w->pattern)
        return sp_error_set(SP_EDATA, "--w names no weights for period %s (it lists %d period%s)",
                            label, w->n, w->n == 1 ? "" : "s");
    /* a pattern: {} -> label, read and kept */
    const char *at = strstr(w->pattern, "{}");
    size_t len = strlen(w->pattern) + strlen(label);
    char *p = sp_malloc(len);
    if (!p)
        return SP_ENOMEM;
    snprintf(p, len, "%.*s%s%s", (int)(at - w->pattern), w->pattern, label, at + 2);
    int rc = add(w, label, strlen(label), p, strlen(p));
    free(p);
    if (rc)
        return rc;
    *path = w->paths[w->n - 1];
    rc = sp_wio_read(*path, &w->W[w->n - 1]);
    *W = w->W[w->n - 1];
    return rc ? sp_error_prefix(rc, "--w pattern, period %s", label) : SP_OK;
}
