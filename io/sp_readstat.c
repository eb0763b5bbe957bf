/* sp_readstat: statistical packages' data files through ReadStat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readstat.h>

#include "sp_error.h"
#include "sp_readopt.h"
#include "sp_readstat.h"
#include "sp_text.h"

/* One value label: set name, the value as text (its cell), the label. */
typedef struct rs_label {
    char *set, *value, *label;
} rs_label;

typedef struct rs_ctx {
    sp_table *t;
    long cap_rows;
    char **col_set; /* value-label set of each column, or NULL */
    rs_label *labels;
    int nlabels, cap_labels;
    int rc;
} rs_ctx;

int sp_readstat_handles(const char *path)
{
    static const char *const ext[] = {".dta", ".sav", ".zsav", ".por", ".sas7bdat", ".xpt"};
    const char *dot = strrchr(path, '.');
    for (size_t k = 0; dot && k < sizeof ext / sizeof ext[0]; k++)
        if (strcasecmp(dot, ext[k]) == 0)
            return 1;
    return 0;
}

/* A value as cell text into buf (NULL for missing). */
static const char *value_text(readstat_value_t v, readstat_variable_t *var, char *buf, size_t cap)
{
    if (readstat_value_is_missing(v, var))
        return NULL;
    switch (readstat_value_type(v)) {
    case READSTAT_TYPE_STRING:
    case READSTAT_TYPE_STRING_REF: {
        const char *s = readstat_string_value(v);
        return s && *s ? s : NULL;
    }
    case READSTAT_TYPE_INT8:
    case READSTAT_TYPE_INT16:
    case READSTAT_TYPE_INT32:
        snprintf(buf, cap, "%d", (int)readstat_int32_value(v));
        return buf;
    default:
        sp_table_number_text(readstat_double_value(v), buf, cap);
        return buf;
    }
}

/* ReadStat metadata: the number of variables sizes the names. */
static int on_metadata(readstat_metadata_t *m, void *p)
{
    rs_ctx *c = p;
    int n = readstat_get_var_count(m);
    if (n < 0 || n > 1000000) {
        c->rc = sp_error_set(SP_EDATA, "%s: %d variables", c->t->source, n);
        return READSTAT_HANDLER_ABORT;
    }
    c->t->ncol = n;
    c->t->names = sp_calloc((size_t)n + 1, sizeof *c->t->names);
    c->col_set = sp_calloc((size_t)n + 1, sizeof *c->col_set);
    if (!c->t->names || !c->col_set) {
        c->rc = SP_ENOMEM;
        return READSTAT_HANDLER_ABORT;
    }
    return READSTAT_HANDLER_OK;
}

/* ReadStat variable: its name and its value-label set. */
static int on_variable(int index, readstat_variable_t *var, const char *val_labels, void *p)
{
    rs_ctx *c = p;
    if (index < 0 || index >= c->t->ncol) {
        c->rc = sp_error_set(SP_EDATA, "%s: variable %d beyond the %d of the header",
                             c->t->source, index + 1, c->t->ncol);
        return READSTAT_HANDLER_ABORT;
    }
    const char *name = readstat_variable_get_name(var);
    if (!(c->t->names[index] = sp_strdup(name ? name : "")) ||
        (val_labels && *val_labels && !(c->col_set[index] = sp_strdup(val_labels)))) {
        c->rc = SP_ENOMEM;
        return READSTAT_HANDLER_ABORT;
    }
    return READSTAT_HANDLER_OK;
}

/* Room for row `row` in the cell array. */
static int grow_rows(rs_ctx *c, long row)
{
    sp_table *t = c->t;
    long ncol = t->ncol ? t->ncol : 1;
    if (row < c->cap_rows)
        return SP_OK;
    long cap = c->cap_rows ? c->cap_rows : 64;
    while (cap <= row)
        cap *= 2;
    char **grown = sp_realloc(t->cells, (size_t)cap * ncol * sizeof *grown);
    if (!grown)
        return SP_ENOMEM;
    memset(grown + c->cap_rows * ncol, 0, (size_t)(cap - c->cap_rows) * ncol * sizeof *grown);
    t->cells = grown;
    c->cap_rows = cap;
    return SP_OK;
}

/* ReadStat value: one cell as text (missing: NULL). */
static int on_value(int obs, readstat_variable_t *var, readstat_value_t v, void *p)
{
    rs_ctx *c = p;
    int col = readstat_variable_get_index(var);
    char buf[64];
    if (obs < 0 || col < 0 || col >= c->t->ncol || (c->rc = grow_rows(c, obs)))
        return READSTAT_HANDLER_ABORT;
    const char *s = value_text(v, var, buf, sizeof buf);
    if (obs >= c->t->nrow)
        c->t->nrow = obs + 1;
    if (s && !(c->t->cells[(long)obs * c->t->ncol + col] = sp_strdup(s))) {
        c->rc = SP_ENOMEM;
        return READSTAT_HANDLER_ABORT;
    }
    return READSTAT_HANDLER_OK;
}

/* ReadStat value label: kept until the data are read. */
static int on_label(const char *set, readstat_value_t v, const char *label, void *p)
{
    rs_ctx *c = p;
    char buf[64];
    const char *s = readstat_value_is_system_missing(v) ? NULL : value_text(v, NULL, buf, sizeof buf);
    if (!s || !label)
        return READSTAT_HANDLER_OK;
    if (c->nlabels == c->cap_labels) {
        int cap = c->cap_labels ? 2 * c->cap_labels : 64;
        rs_label *grown = sp_realloc(c->labels, (size_t)cap * sizeof *grown);
        if (!grown) {
            c->rc = SP_ENOMEM;
            return READSTAT_HANDLER_ABORT;
        }
        c->labels = grown;
        c->cap_labels = cap;
    }
    rs_label *l = &c->labels[c->nlabels];
    l->set = sp_strdup(set);
    l->value = sp_strdup(s);
    l->label = sp_strdup(label);
    c->nlabels++;
    if (!l->set || !l->value || !l->label) {
        c->rc = SP_ENOMEM;
        return READSTAT_HANDLER_ABORT;
    }
    return READSTAT_HANDLER_OK;
}

/* Replace labelled values by their labels (value labels come after the data
 * in .dta files, so this runs once everything is read), and say which
 * variables were (an id read as names then matches no W: --value-labels codes). */
static int apply_labels(rs_ctx *c)
{
    sp_table *t = c->t;
    char said[400] = "";
    for (int col = 0; col < t->ncol; col++) {
        if (!c->col_set[col])
            continue;
        if (strlen(said) + strlen(t->names[col]) + 3 < sizeof said)
            snprintf(said + strlen(said), sizeof said - strlen(said), "%s%s", said[0] ? ", " : "",
                     t->names[col]);
        for (int r = 0; r < t->nrow; r++) {
            char **cell = &t->cells[(long)r * t->ncol + col];
            for (int k = 0; *cell && k < c->nlabels; k++)
                if (strcmp(c->labels[k].set, c->col_set[col]) == 0 &&
                    strcmp(c->labels[k].value, *cell) == 0) {
                    char *s = sp_strdup(c->labels[k].label);
                    if (!s)
                        return SP_ENOMEM;
                    free(*cell);
                    *cell = s;
                    break;
                }
        }
    }
    if (said[0]) /* through the readers' warnings: held in order on a reader thread */
        sp_readopt_warn("%s: value labels read as the values of %s (--value-labels codes "
                        "reads the codes)", t->source, said);
    return SP_OK;
}

/* Every name and cell must be UTF-8 (the decoded form); else name --encoding. */
static int check_utf8(const sp_table *t)
{
    for (long k = 0; k < (long)t->nrow * t->ncol + t->ncol; k++) {
        const char *s = k < t->ncol ? t->names[k] : t->cells[k - t->ncol];
        if (s && !sp_text_utf8_valid(s, strlen(s), NULL))
            return sp_error_set(SP_EDATA, "%s: %s%s is not valid UTF-8: give the file's "
                                "encoding with --encoding ENC (e.g. GB18030)", t->source,
                                k < t->ncol ? "variable name " : "a value of ",
                                k < t->ncol ? s : t->names[(k - t->ncol) % t->ncol]);
    }
    return SP_OK;
}

/* Free the labels and label-set names (not the table). */
static void ctx_free(rs_ctx *c)
{
    for (int k = 0; k < c->nlabels; k++) {
        free(c->labels[k].set);
        free(c->labels[k].value);
        free(c->labels[k].label);
    }
    free(c->labels);
    for (int k = 0; c->col_set && k < c->t->ncol; k++)
        free(c->col_set[k]);
    free(c->col_set);
}

/* The ReadStat parser for the extension. */
static readstat_error_t parse(readstat_parser_t *p, const char *path, rs_ctx *c)
{
    const char *dot = strrchr(path, '.');
    if (strcasecmp(dot, ".dta") == 0)
        return readstat_parse_dta(p, path, c);
    if (strcasecmp(dot, ".sav") == 0 || strcasecmp(dot, ".zsav") == 0)
        return readstat_parse_sav(p, path, c);
    if (strcasecmp(dot, ".por") == 0)
        return readstat_parse_por(p, path, c);
    if (strcasecmp(dot, ".xpt") == 0)
        return readstat_parse_xport(p, path, c);
    return readstat_parse_sas7bdat(p, path, c);
}

/* Whether path is a Stata file older than format 118 (Stata 14), whose
 * strings carry no encoding (Stata wrote the Windows code page). */
static int old_dta(const char *path)
{
    const char *dot = strrchr(path, '.');
    FILE *f = dot && strcasecmp(dot, ".dta") == 0 ? fopen(path, "rb") : NULL;
    if (!f)
        return 0;
    char head[64] = "";
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    const char *rel = strstr(head, "<release>");
    if (strncmp(head, "<stata_dta>", 11) == 0 && rel)
        return atoi(rel + 9) < 118;
    return n > 0 && (unsigned char)head[0] >= 104 && (unsigned char)head[0] <= 115;
}

/* One parse into a new table with the given file encoding (NULL: ReadStat's). */
static int parse_once(const char *path, const char *enc, sp_table **out, int *convert_failed)
{
    *out = NULL;
    *convert_failed = 0;
    rs_ctx c = {0};
    if (!(c.t = sp_calloc(1, sizeof *c.t)) || !(c.t->source = sp_strdup(path))) {
        free(c.t);
        return SP_ENOMEM;
    }
    readstat_parser_t *p = readstat_parser_init();
    if (!p) {
        sp_table_free(c.t);
        return SP_ENOMEM;
    }
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_label);
    if (enc)
        readstat_set_file_character_encoding(p, enc);
    readstat_error_t err = parse(p, path, &c);
    readstat_parser_free(p);
    int rc = c.rc;
    *convert_failed = err >= READSTAT_ERROR_CONVERT && err <= READSTAT_ERROR_CONVERT_LONG_STRING;
    if (!rc && err != READSTAT_OK)
        rc = sp_error_set(SP_EDATA, "%s: cannot read this file: %s%s", path,
                          readstat_error_message(err),
                          err == READSTAT_ERROR_OPEN ? "" : " (truncated or not the format "
                          "its extension says)");
    if (!rc && c.t->ncol == 0)
        rc = sp_error_set(SP_EDATA, "%s: no variables", path);
    for (int k = 0; !rc && k < c.t->ncol; k++)
        if (!c.t->names[k])
            rc = sp_error_set(SP_EDATA, "%s: variable %d has no name", path, k + 1);
    if (!rc && !sp_readopt_current()->codes) /* --value-labels codes keeps the values */
        rc = apply_labels(&c);
    if (!rc)
        rc = check_utf8(c.t);
    ctx_free(&c);
    if (rc) {
        sp_table_free(c.t);
        return rc;
    }
    *out = c.t;
    return SP_OK;
}

int sp_readstat_read(const char *path, sp_table **out)
{
    const char *enc = sp_readopt_current()->encoding;
    int convert_failed, old = !enc && old_dta(path);
    /* An old .dta: its bytes as UTF-8 if they are, else as GB18030 with a
     * warning (ReadStat alone takes CP1252 and garbles Chinese silently). */
    int rc = parse_once(path, old ? "UTF-8" : enc, out, &convert_failed);
    if (rc && old && convert_failed) {
        rc = parse_once(path, "GB18030", out, &convert_failed);
        if (!rc)
            sp_readopt_warn("%s: a Stata file before format 118 whose text is not UTF-8; read "
                            "as GB18030 (GBK); give --encoding ENC if that is wrong", path);
        else if (convert_failed)
            rc = sp_error_set(SP_EDATA, "%s: text neither UTF-8 nor GB18030: give the file's "
                              "encoding with --encoding ENC (e.g. CP1252)", path);
    }
    return rc;
}
