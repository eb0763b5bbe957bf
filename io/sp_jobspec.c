/* YAML job files: reading with libyaml, validation with line numbers, and the
 * expansion into command lines (see sp_jobspec.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "sp_error.h"
#include "sp_jobspec.h"
#include "sp_readopt.h"
#include "sp_table.h"

#define NAME_MAX_LEN 64

typedef struct jtable {  /* a named input table (or the boundaries) */
    char *name, *file, *id, *time;
    sp_readopt ro;       /* its reader options (strings in the YAML document) */
    sp_table *t;         /* read whole for its columns, with them */
} jtable;

typedef struct jnamed {  /* a named W, variable set or subsample */
    char *name;
    char *value;         /* W: the file commands read; set: "a,b"; subsample: "F=V,V" */
    char *column;        /* subsample: its column */
    int node;            /* W builds: the YAML mapping of the options */
} jnamed;

typedef struct sp_jobspec_priv {
    yaml_document_t doc;
    int have_doc;
    char *dir;           /* the job file's folder, absolute */
    jtable bound;        /* boundaries (name NULL when none) */
    int ntab, nw, nset, nsub;
    jtable *tab;
    jnamed *w, *set, *sub;
} jpriv;

/* A growing NULL-terminated argv. */
typedef struct argvb {
    int argc, cap;
    char **argv;
} argvb;

/* ---- YAML helpers ---- */

static yaml_node_t *node(jpriv *P, int id) { return yaml_document_get_node(&P->doc, id); }
static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

/* A usage error "JOB:LINE: message" at node n. */
static int bad(const sp_jobspec *J, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sp_error_set(SP_EUSAGE, "%s:%d: %s", J->path, n ? line_of(n) : 1, msg);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

#define PAIRS(n, p) \
    for (yaml_node_pair_t *p = (n)->data.mapping.pairs.start; p < (n)->data.mapping.pairs.top; p++)
#define ITEMS(n, i) \
    for (yaml_node_item_t *i = (n)->data.sequence.items.start; i < (n)->data.sequence.items.top; i++)

static int nitems(const yaml_node_t *n)
{
    return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* A mapping with scalar keys out of `allowed` (blank-separated), no key twice. */
static int check_map(sp_jobspec *J, yaml_node_t *n, const char *allowed, const char *what)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return bad(J, n, "%s: expected a mapping (key: value lines)", what);
    PAIRS(n, p) {
        yaml_node_t *k = node(J->priv, p->key);
        const char *key = scalar(k);
        if (!key)
            return bad(J, k, "%s: a key must be a plain word", what);
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++)
            if (strcmp(scalar(node(J->priv, q->key)), key) == 0)
                return bad(J, k, "%s: key '%s' given twice", what, key);
        if (!allowed)
            continue;
        if (!sp_jobcmds_listed(allowed, key))
            return bad(J, k, "%s: unknown key '%s' (expected one of: %s)", what, key, allowed);
    }
    return SP_OK;
}

/* The value node of key in mapping n, or NULL. */
static yaml_node_t *get(jpriv *P, yaml_node_t *n, const char *key)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    PAIRS(n, p) {
        const char *k = scalar(node(P, p->key));
        if (k && strcmp(k, key) == 0)
            return node(P, p->value);
    }
    return NULL;
}

/* A scalar value (or NULL when absent); a non-scalar is an error. */
static int get_str(sp_jobspec *J, yaml_node_t *map, const char *key, const char **out)
{
    yaml_node_t *v = get(J->priv, map, key);
    *out = NULL;
    if (!v)
        return SP_OK;
    if (!scalar(v) || !*scalar(v))
        return bad(J, v, "%s: expected a single value", key);
    *out = scalar(v);
    return SP_OK;
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > NAME_MAX_LEN)
        return 0;
    for (; *s; s++)
        if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* ---- argv builder ---- */

static int push(argvb *b, const char *s)
{
    if (b->argc + 2 > b->cap) {
        int cap = b->cap ? 2 * b->cap : 32;
        char **grown = sp_realloc(b->argv, (size_t)cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        b->argv = grown;
        b->cap = cap;
    }
    if (!(b->argv[b->argc] = sp_strdup(s)))
        return SP_ENOMEM;
    b->argv[++b->argc] = NULL;
    return SP_OK;
}

static int push2(argvb *b, const char *opt, const char *val)
{
    int rc = push(b, opt);
    return rc ? rc : push(b, val);
}

static void argv_free(int argc, char **argv)
{
    for (int k = 0; k < argc; k++)
        free(argv[k]);
    free(argv);
}

/* ---- inputs ---- */

/* The absolute path of a file named in the job (relative to its folder); it must exist. */
static int input_path(sp_jobspec *J, yaml_node_t *n, char **out)
{
    const char *s = scalar(n);
    if (!s || !*s)
        return bad(J, n, "expected a file name");
    char joined[PATH_MAX], real[PATH_MAX];
    snprintf(joined, sizeof joined, "%s%s%s", s[0] == '/' ? "" : J->priv->dir,
             s[0] == '/' ? "" : "/", s);
    if (!realpath(joined, real) || access(real, R_OK) != 0)
        return sp_error_set(SP_EDATA, "%s:%d: %s: no such file (or not readable)", J->path,
                            line_of(n), s);
    return (*out = sp_strdup(real)) ? SP_OK : SP_ENOMEM;
}

/* A file pattern with {} (a matrix per period, --w-by): its folder must
 * exist; the files are the command's to find. */
static int pattern_path(sp_jobspec *J, yaml_node_t *n, char **out)
{
    const char *s = scalar(n), *slash = strrchr(s, '/');
    char dir[PATH_MAX], real[PATH_MAX], path[2 * PATH_MAX];
    snprintf(dir, sizeof dir, "%s%s%.*s", s[0] == '/' ? "" : J->priv->dir, s[0] == '/' ? "" : "/",
             slash ? (int)(slash - s) : 0, s);
    if (strstr(dir, "{}") || !realpath(dir, real))
        return sp_error_set(SP_EDATA, "%s:%d: %s: no such folder (the {} of a matrix per "
                            "period goes in the file name)", J->path, line_of(n), s);
    snprintf(path, sizeof path, "%s/%s", real, slash ? slash + 1 : s);
    return (*out = sp_strdup(path)) ? SP_OK : SP_ENOMEM;
}

/* A column of t named at node n must exist. */
static int need_col(sp_jobspec *J, const jtable *t, yaml_node_t *n, const char *col)
{
    if (sp_table_col(t->t, col) >= 0)
        return SP_OK;
    return bad(J, n, "unknown column '%s' in %s", col, t->file);
}

static int read_table(sp_jobspec *J, yaml_node_t *where, jtable *t)
{
    sp_readopt none = {0};
    sp_readopt_set(&t->ro);
    int rc = sp_table_read(t->file, NULL, &t->t);
    sp_readopt_set(&none);
    if (rc)
        return sp_error_prefix(rc, "%s:%d", J->path, line_of(where));
    return SP_OK;
}

static int parse_boundaries(sp_jobspec *J, yaml_node_t *in)
{
    jpriv *P = J->priv;
    yaml_node_t *b = get(P, in, "boundaries");
    const char *id;
    int rc = get_str(J, in, "id", &id);
    if (!rc && id && !(P->bound.id = sp_strdup(id)))  /* also the tables' default id */
        rc = SP_ENOMEM;
    if (rc || !b)
        return rc;
    if ((rc = input_path(J, b, &P->bound.file)))
        return rc;
    P->bound.name = sp_strdup("boundaries");
    if (!P->bound.name)
        return SP_ENOMEM;
    if ((rc = read_table(J, b, &P->bound)))
        return rc;
    return id ? need_col(J, &P->bound, get(P, in, "id"), id) : SP_OK;
}

static int want_list(sp_jobspec *J, yaml_node_t *v, const char *what);

/* The reader options of table t (encoding, sheet, skip-rows, wide, value-labels), the
 * options every command takes (sp_readopt.h), checked as the commands do. */
static int table_readopts(sp_jobspec *J, const char *name, yaml_node_t *v, jtable *t)
{
    jpriv *P = J->priv;
    yaml_node_t *n;
    int rc;
    t->ro.command = "run";
    if ((rc = get_str(J, v, "encoding", &t->ro.encoding)) ||
        (rc = get_str(J, v, "sheet", &t->ro.sheet)))
        return rc;
    if (t->ro.encoding && !strcmp(t->ro.encoding, "auto"))
        t->ro.encoding = NULL;
    if ((n = get(P, v, "value-labels"))) {
        const char *s = scalar(n);
        if (!s || (strcmp(s, "labels") && strcmp(s, "codes")))
            return bad(J, n, "value-labels: expected labels or codes");
        t->ro.codes = !strcmp(s, "codes");
    }
    if ((n = get(P, v, "skip-rows"))) {
        char *end;
        long k = scalar(n) ? strtol(scalar(n), &end, 10) : -1;
        if (k < 0 || k > 1000000 || *end)
            return bad(J, n, "skip-rows: expected an integer >= 0");
        t->ro.skip_rows = (int)k;
    }
    if ((n = get(P, v, "wide"))) {
        if (!scalar(n) && want_list(J, n, "wide"))
            return SP_EUSAGE;
        if (!scalar(n) && nitems(n) > SP_READOPT_MAX_WIDE)
            return bad(J, n, "wide: at most %d specs", SP_READOPT_MAX_WIDE);
        if (scalar(n))
            t->ro.wide[t->ro.nwide++] = scalar(n);
        else
            ITEMS(n, i) t->ro.wide[t->ro.nwide++] = scalar(node(P, *i));
    }
    rc = sp_readopt_check(&t->ro);
    return rc ? sp_error_prefix(rc, "%s:%d: table %s", J->path, line_of(v), name) : SP_OK;
}

/* Table t's reader options on a command line (every file it reads). */
static int push_readopts(argvb *b, const jtable *t)
{
    char rows[32];
    int rc = t->ro.encoding ? push2(b, "--encoding", t->ro.encoding) : SP_OK;
    if (!rc && t->ro.sheet)
        rc = push2(b, "--sheet", t->ro.sheet);
    snprintf(rows, sizeof rows, "%d", t->ro.skip_rows);
    if (!rc && t->ro.skip_rows)
        rc = push2(b, "--skip-rows", rows);
    for (int k = 0; k < t->ro.nwide && !rc; k++)
        rc = push2(b, "--wide", t->ro.wide[k]);
    if (!rc && t->ro.codes)
        rc = push2(b, "--value-labels", "codes");
    return rc;
}

static int parse_table(sp_jobspec *J, const char *name, yaml_node_t *v, const char *dflt_id,
                       jtable *t)
{
    int rc = check_map(J, v, "file id time encoding sheet skip-rows wide value-labels",
                       "tables");
    if (!rc)
        rc = table_readopts(J, name, v, t);
    if (rc)
        return rc;
    const char *id, *time;
    if ((rc = get_str(J, v, "id", &id)) || (rc = get_str(J, v, "time", &time)))
        return rc;
    if (!get(J->priv, v, "file"))
        return bad(J, v, "table %s: missing 'file'", name);
    if (!id && !(id = dflt_id))
        return bad(J, v, "table %s: missing 'id' (and inputs has no 'id')", name);
    if (!(t->name = sp_strdup(name)) || !(t->id = sp_strdup(id)) ||
        (time && !(t->time = sp_strdup(time))))
        return SP_ENOMEM;
    if ((rc = input_path(J, get(J->priv, v, "file"), &t->file)) || (rc = read_table(J, v, t)))
        return rc;
    yaml_node_t *idn = get(J->priv, v, "id") ? get(J->priv, v, "id") : v;
    if ((rc = need_col(J, t, idn, id)))
        return rc;
    return time ? need_col(J, t, get(J->priv, v, "time"), time) : SP_OK;
}

static int parse_inputs(sp_jobspec *J, yaml_node_t *in)
{
    jpriv *P = J->priv;
    int rc = check_map(J, in, "boundaries id tables", "inputs");
    if (rc || (rc = parse_boundaries(J, in)))
        return rc;
    yaml_node_t *tabs = get(P, in, "tables");
    if (!tabs)
        return SP_OK;
    if ((rc = check_map(J, tabs, NULL, "tables")))
        return rc;
    int n = (int)(tabs->data.mapping.pairs.top - tabs->data.mapping.pairs.start);
    if (!(P->tab = sp_calloc((size_t)n + 1, sizeof *P->tab)))
        return SP_ENOMEM;
    PAIRS(tabs, p) {
        const char *name = scalar(node(P, p->key));
        if (!valid_name(name))
            return bad(J, node(P, p->key), "'%s': a name is letters, digits, _ and -", name);
        if ((rc = parse_table(J, name, node(P, p->value), P->bound.id, &P->tab[P->ntab++])))
            return rc;
    }
    return SP_OK;
}

static const jtable *find_table(const jpriv *P, const char *name)
{
    for (int k = 0; k < P->ntab; k++)
        if (strcmp(P->tab[k].name, name) == 0)
            return &P->tab[k];
    return NULL;
}

static const jnamed *find_named(const jnamed *list, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcmp(list[k].name, name) == 0)
            return &list[k];
    return NULL;
}

/* ---- named matrices, variable sets, subsamples ---- */

/* The mapping n holds named entries: allocate them and check the names. */
static int named_list(sp_jobspec *J, yaml_node_t *n, const char *what, jnamed **out, int *count)
{
    int rc = check_map(J, n, NULL, what);
    if (rc)
        return rc;
    int len = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (!(*out = sp_calloc((size_t)len + 1, sizeof **out)))
        return SP_ENOMEM;
    PAIRS(n, p) {
        const char *name = scalar(node(J->priv, p->key));
        if (!valid_name(name))
            return bad(J, node(J->priv, p->key), "'%s': a name is letters, digits, _ and -",
                       name);
        if (!((*out)[*count].name = sp_strdup(name)))
            return SP_ENOMEM;
        (*out)[(*count)++].node = p->value;
    }
    return SP_OK;
}

static int check_value(sp_jobspec *J, char type, yaml_node_t *v, const jtable *data,
                       const jtable *alt, const char *key);
static int unknown_key(sp_jobspec *J, yaml_node_t *k, const char *what,
                       const sp_jobcmds_entry *c, const char *key);

static int parse_weights(sp_jobspec *J, yaml_node_t *n)
{
    jpriv *P = J->priv;
    int rc = named_list(J, n, "weights", &P->w, &P->nw);
    for (int k = 0; k < P->nw && !rc; k++) {
        yaml_node_t *v = node(P, P->w[k].node);
        if (get(P, v, "file")) {
            yaml_node_t *f = get(P, v, "file");
            if ((rc = check_map(J, v, "file", "weights")))
                continue;
            if (scalar(f) && strstr(scalar(f), "{}")) /* w_{}.gal: for --w-by */
                rc = pattern_path(J, f, &P->w[k].value);
            else
                rc = input_path(J, f, &P->w[k].value);
            continue;
        }
        if (!P->bound.file)
            return bad(J, v, "weights %s: building a matrix needs inputs: boundaries",
                       P->w[k].name);
        if ((rc = check_map(J, v, NULL, "weights")))
            return rc;
        PAIRS(v, p) {
            const char *key = scalar(node(P, p->key));
            yaml_node_t *val = node(P, p->value);
            if (strcmp(key, "data") == 0) { /* an input table's name */
                if (!scalar(val) || !find_table(P, scalar(val)))
                    return bad(J, val, "weights %s: data: expected the name of an input table",
                               P->w[k].name);
                continue;
            }
            char type = sp_jobcmds_type(sp_jobcmds_weights(), key);
            if (!type && strcmp(key, "format") != 0) {
                char what[128];
                snprintf(what, sizeof what, "weights %s", P->w[k].name);
                return unknown_key(J, node(P, p->key), what, sp_jobcmds_weights(), key);
            }
            if (type && (rc = check_value(J, type, val, NULL, &P->bound, key)))
                return rc;
        }
        const char *fmt = scalar(get(P, v, "format"));
        const char *type = scalar(get(P, v, "type"));
        if (!fmt)
            fmt = !type || !strcmp(type, "queen") || !strcmp(type, "rook") ? "gal" : "gwt";
        char path[256];
        snprintf(path, sizeof path, "weights/%s.%s", P->w[k].name, fmt);
        if (!(P->w[k].value = sp_strdup(path)))
            return SP_ENOMEM;
    }
    return rc;
}

/* "a,b" of a sequence of columns (or the scalar itself). */
static char *join_values(jpriv *P, yaml_node_t *v)
{
    if (scalar(v))
        return sp_strdup(scalar(v));
    size_t len = 1;
    ITEMS(v, i) len += strlen(scalar(node(P, *i)) ? scalar(node(P, *i)) : "") + 1;
    char *s = sp_calloc(len, 1);
    if (!s)
        return NULL;
    ITEMS(v, i) {
        if (i != v->data.sequence.items.start)
            strcat(s, ",");
        strcat(s, scalar(node(P, *i)));
    }
    return s;
}

/* A non-empty sequence of scalars. */
static int want_list(sp_jobspec *J, yaml_node_t *v, const char *what)
{
    if (!v || v->type != YAML_SEQUENCE_NODE || nitems(v) == 0)
        return bad(J, v, "%s: expected a list [a, b, ...]", what);
    ITEMS(v, i) if (!scalar(node(J->priv, *i)) || !*scalar(node(J->priv, *i)))
        return bad(J, node(J->priv, *i), "%s: expected single values in the list", what);
    return SP_OK;
}

static int parse_sets(sp_jobspec *J, yaml_node_t *n)
{
    jpriv *P = J->priv;
    int rc = named_list(J, n, "variables", &P->set, &P->nset);
    for (int k = 0; k < P->nset && !rc; k++) {
        yaml_node_t *v = node(P, P->set[k].node);
        if (!(rc = want_list(J, v, "variables")) && !(P->set[k].value = join_values(P, v)))
            rc = SP_ENOMEM;
    }
    return rc;
}

/* where: "COL == VALUE" or "COL in [A, B]" into column and "COL=A,B". */
static int parse_where(sp_jobspec *J, yaml_node_t *v, jnamed *s)
{
    const char *w = scalar(v);
    char col[256], rest[1024];
    if (!w || sscanf(w, " %255[A-Za-z0-9_.] %1023[^\n]", col, rest) != 2)
        return bad(J, v, "subsample %s: where: expected 'COLUMN == VALUE' or 'COLUMN in [A, B]'",
                   s->name);
    char *vals = rest;
    if (strncmp(vals, "==", 2) == 0) {
        vals += 2;
    } else if (strncmp(vals, "in", 2) == 0 && strchr(vals, '[') && strchr(vals, ']')) {
        vals = strchr(vals, '[') + 1;
        *strchr(vals, ']') = '\0';
    } else {
        return bad(J, v, "subsample %s: where: expected 'COLUMN == VALUE' or "
                   "'COLUMN in [A, B]'", s->name);
    }
    char buf[1300];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s=", col);
    for (char *tok = strtok(vals, ","); tok; tok = strtok(NULL, ",")) {
        while (*tok == ' ' || *tok == '"' || *tok == '\'')
            tok++;
        size_t e = strlen(tok);
        while (e && (tok[e - 1] == ' ' || tok[e - 1] == '"' || tok[e - 1] == '\''))
            tok[--e] = '\0';
        if (e && len + e + 2 < sizeof buf)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                                    buf[len - 1] == '=' ? "" : ",", tok);
    }
    if (buf[len - 1] == '=')
        return bad(J, v, "subsample %s: where: no value", s->name);
    s->column = sp_strdup(col);
    s->value = sp_strdup(buf);
    return s->column && s->value ? SP_OK : SP_ENOMEM;
}

static int parse_subsamples(sp_jobspec *J, yaml_node_t *n)
{
    jpriv *P = J->priv;
    int rc = named_list(J, n, "subsamples", &P->sub, &P->nsub);
    for (int k = 0; k < P->nsub && !rc; k++) {
        yaml_node_t *v = node(P, P->sub[k].node);
        if (!strcmp(P->sub[k].name, "all"))
            return bad(J, node(P, P->sub[k].node), "subsample 'all' is the whole sample");
        if ((rc = check_map(J, v, "where ids", "subsamples")))
            return rc;
        if (get(P, v, "where") && get(P, v, "ids"))
            return bad(J, v, "subsample %s: where or ids, not both", P->sub[k].name);
        if (get(P, v, "where")) {
            rc = parse_where(J, get(P, v, "where"), &P->sub[k]);
        } else if (!(rc = want_list(J, get(P, v, "ids"), "ids"))) {
            char *ids = join_values(P, get(P, v, "ids"));
            size_t len = ids ? strlen(ids) + 2 : 0;
            P->sub[k].column = sp_strdup("");  /* the analysis' id column */
            if (!ids || !P->sub[k].column || !(P->sub[k].value = sp_malloc(len)))
                rc = SP_ENOMEM;
            else
                snprintf(P->sub[k].value, len, "=%s", ids);
            free(ids);
        }
        if (!rc && !get(P, v, "where") && !get(P, v, "ids"))
            rc = bad(J, v, "subsample %s: expected where: or ids:", P->sub[k].name);
    }
    return rc;
}

/* ---- analyses ---- */

static int is_int(const char *s)
{
    char *end;
    if (!s || !*s)
        return 0;
    long v = strtol(s, &end, 10);
    return *end == '\0' && v >= INT_MIN && v <= INT_MAX;
}

static int is_num(const char *s)
{
    char *end;
    return s && *s && (strtod(s, &end), *end == '\0');
}

static int is_bool(const char *s) { return s && (!strcmp(s, "true") || !strcmp(s, "false")); }

/* A column named in the data table or in alt (the boundaries). */
static int need_col2(sp_jobspec *J, yaml_node_t *n, const char *col, const jtable *data,
                     const jtable *alt)
{
    if ((data && sp_table_col(data->t, col) >= 0) || (alt && sp_table_col(alt->t, col) >= 0))
        return SP_OK;
    return bad(J, n, "%s: unknown column '%s' in %s", col, col,
               data ? data->file : alt ? alt->file : "the data");
}

/* One value of a key with schema type `type`. */
static int check_value(sp_jobspec *J, char type, yaml_node_t *v, const jtable *data,
                       const jtable *alt, const char *key)
{
    const char *s = scalar(v);
    if (type == 'C') {
        const jnamed *set = s ? find_named(J->priv->set, J->priv->nset, s) : NULL;
        if (set)
            return SP_OK;
        if (!s && want_list(J, v, key))
            return SP_EUSAGE;
        char *list = join_values(J->priv, v);
        if (!list)
            return SP_ENOMEM;
        int rc = SP_OK;
        for (char *tok = strtok(list, ","); tok && !rc; tok = strtok(NULL, ","))
            rc = need_col2(J, v, tok, data, alt);
        free(list);
        return rc;
    }
    if ((type == 'N' || type == 'l') && !s) {
        if (want_list(J, v, key))
            return SP_EUSAGE;
        ITEMS(v, i) if (type == 'N' && !is_num(scalar(node(J->priv, *i))))
            return bad(J, node(J->priv, *i), "%s: expected numbers, got '%s'", key,
                       scalar(node(J->priv, *i)));
        return SP_OK;
    }
    if (v && v->type == YAML_SEQUENCE_NODE)
        return bad(J, v, "%s: expected a single value, not a list (--%s takes one value)", key,
                   key);
    if (!s || !*s)
        return bad(J, v, "%s: expected a single value", key);
    if (type == 'N') { /* "a,b" */
        char *list = sp_strdup(s), *save = NULL;
        int rc = list ? SP_OK : SP_ENOMEM;
        for (char *tok = list ? strtok_r(list, ",", &save) : NULL; tok && !rc;
             tok = strtok_r(NULL, ",", &save))
            if (!is_num(tok))
                rc = bad(J, v, "%s: expected numbers, got '%s'", key, s);
        free(list);
        return rc;
    }
    if (type == 'f') {
        char *path = NULL;
        int rc = input_path(J, v, &path);
        free(path);
        return rc;
    }
    if (type == 'c')
        return need_col2(J, v, s, data, alt);
    if (type == 'i' && !is_int(s))
        return bad(J, v, "%s: expected an integer, got '%s'", key, s);
    if (type == 'n' && !is_num(s))
        return bad(J, v, "%s: expected a number, got '%s'", key, s);
    if (type == 'b' && !is_bool(s))
        return bad(J, v, "%s: expected true or false, got '%s'", key, s);
    return SP_OK;
}

/* The keys of an analysis that are not options of its command (a command
 * option of the same name goes under options:, as kde's grid). */
static const char *const frame_keys = "name command data grid options";

/* The value of the command option key of analysis a (NULL when absent):
 * under options:, or a key of the analysis itself unless a frame key. */
static yaml_node_t *get_opt(jpriv *P, yaml_node_t *a, const char *key)
{
    yaml_node_t *v = get(P, get(P, a, "options"), key);
    return v || sp_jobcmds_listed(frame_keys, key) ? v : get(P, a, key);
}

/* The type of key for command c ('w', 'u' for w/subsample, else
 * sp_jobcmds_type: from the command's option table; 0 unknown). */
static char key_type(const sp_jobcmds_entry *c, const char *key)
{
    if (!strcmp(key, "w"))
        return (c->flags & (SP_JF_W | SP_JF_WOPT)) || c->input == SP_JI_W ? 'w' : 0;
    if (!strcmp(key, "subsample"))
        return c->flags & SP_JF_WHERE ? 'u' : 0;
    if (!strcmp(key, "seed"))
        return c->flags & SP_JF_SEED ? 'i' : 0;
    return sp_jobcmds_type(c, key);
}

/* "WHAT: unknown key 'KEY' for CMD", with the option it may have meant or why
 * the job sets it itself. */
static int unknown_key(sp_jobspec *J, yaml_node_t *k, const char *what,
                       const sp_jobcmds_entry *c, const char *key)
{
    const char *why = sp_jobcmds_reserved(key), *near = sp_jobcmds_closest(c, key);
    if (why)
        return bad(J, k, "%s: '%s' is not a key of a job's %s: %s", what, key, c->name, why);
    if (near)
        return bad(J, k, "%s: unknown key '%s' for %s (did you mean '%s'? the keys are spill %s's "
                   "long options)", what, key, c->name, near, c->name);
    return bad(J, k, "%s: unknown key '%s' for %s (the keys are spill %s's long options, see "
               "spill %s --help)", what, key, c->name, c->name, c->name);
}

static int check_key_value(sp_jobspec *J, const sp_jobcmds_entry *c, const char *key,
                           yaml_node_t *v, const jtable *data)
{
    jpriv *P = J->priv;
    char type = key_type(c, key);
    const jtable *alt = c->input == SP_JI_LAYER ? &P->bound : NULL;
    if (type == 'w' && !(scalar(v) && find_named(P->w, P->nw, scalar(v))))
        return bad(J, v, "w: expected the name of a matrix under weights:");
    if (type == 'u') {
        const char *s = scalar(v);
        const jnamed *sub = s ? find_named(P->sub, P->nsub, s) : NULL;
        if (s && !strcmp(s, "all"))
            return SP_OK;
        if (!sub)
            return bad(J, v, "subsample: expected all or the name of one under subsamples:");
        return sub->column[0] ? need_col2(J, v, sub->column, data, alt) : SP_OK;
    }
    if (type == 'w')
        return SP_OK;
    return check_value(J, type, v, data, alt && alt->file ? alt : NULL, key);
}

/* The options: map of an analysis: the command's options, none also given
 * as a key of the analysis. */
static int check_options(sp_jobspec *J, yaml_node_t *a, yaml_node_t *o,
                         const sp_jobcmds_entry *c, const jtable *data)
{
    jpriv *P = J->priv;
    int rc = check_map(J, o, NULL, "options");
    PAIRS(o, p) {
        yaml_node_t *k = node(P, p->key), *v = node(P, p->value);
        const char *key = scalar(k);
        if (rc)
            break;
        if (!key_type(c, key))
            rc = unknown_key(J, k, "options", c, key);
        else if (!sp_jobcmds_listed(frame_keys, key) && get(P, a, key))
            rc = bad(J, k, "options: '%s' is also a key of the analysis: give it once", key);
        else
            rc = check_key_value(J, c, key, v, data);
    }
    return rc;
}

/* The keys of one analysis, its options:, its grid and the data table it reads. */
static int check_analysis(sp_jobspec *J, yaml_node_t *a, const sp_jobcmds_entry *c,
                          const jtable *data)
{
    jpriv *P = J->priv;
    PAIRS(a, p) {
        yaml_node_t *k = node(P, p->key), *v = node(P, p->value);
        const char *key = scalar(k);
        if (sp_jobcmds_listed(frame_keys, key))
            continue;
        if (!key_type(c, key))
            return unknown_key(J, k, c->name, c, key);
        int rc = check_key_value(J, c, key, v, data);
        if (rc)
            return rc;
    }
    yaml_node_t *o = get(P, a, "options");
    if (o) {
        int rc = check_options(J, a, o, c, data);
        if (rc)
            return rc;
    }
    yaml_node_t *g = get(P, a, "grid");
    if (g) {
        int rc = check_map(J, g, NULL, "grid");
        if (rc)
            return rc;
        PAIRS(g, p) {
            yaml_node_t *k = node(P, p->key), *v = node(P, p->value);
            if (!key_type(c, scalar(k)))
                return unknown_key(J, k, "grid", c, scalar(k));
            if (!v || v->type != YAML_SEQUENCE_NODE || nitems(v) == 0)
                return bad(J, v, "grid: %s: expected a list of values", scalar(k));
            ITEMS(v, i) if ((rc = check_key_value(J, c, scalar(k), node(P, *i), data)))
                return rc;
        }
    }
    for (const char *s = c->keys; (s = strchr(s, '!')); s++) {
        const char *start = s;
        while (start > c->keys && start[-1] != ' ')
            start--;
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(s - 2 - start), start);
        if (!get_opt(P, a, key) && !get(P, g, key))
            return bad(J, a, "%s: missing '%s'", c->name, key);
    }
    yaml_node_t *where = get_opt(P, a, "where") ? get_opt(P, a, "where") : get(P, g, "where");
    if (where && (get_opt(P, a, "subsample") || get(P, g, "subsample")))
        return bad(J, where, "%s: where: and subsample: both give --where: give one", c->name);
    if ((c->flags & SP_JF_W || c->input == SP_JI_W) && !get_opt(P, a, "w") && !get(P, g, "w"))
        return bad(J, a, "%s: missing 'w' (the name of a matrix under weights:)", c->name);
    return SP_OK;
}

/* The data table of an analysis: data:, else the only table. */
static int analysis_data(sp_jobspec *J, yaml_node_t *a, const sp_jobcmds_entry *c,
                         const jtable **out)
{
    jpriv *P = J->priv;
    yaml_node_t *d = get(P, a, "data");
    *out = NULL;
    if (d) {
        if (!scalar(d) || !(*out = find_table(P, scalar(d))))
            return bad(J, d, "data: expected the name of a table under inputs: tables:");
    } else if (P->ntab == 1 && c->input != SP_JI_W) {
        *out = &P->tab[0];
    } else if (c->input == SP_JI_TABLE || c->input == SP_JI_PANEL) {
        return bad(J, a, "%s: missing 'data' (the name of an input table)", c->name);
    }
    if (c->input == SP_JI_LAYER && !P->bound.file)
        return bad(J, a, "%s: needs inputs: boundaries", c->name);
    return SP_OK;
}

static int parse_analyses(sp_jobspec *J, yaml_node_t *n)
{
    jpriv *P = J->priv;
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return bad(J, n, "analyses: expected a list of analyses (lines starting with '- ')");
    if (!(J->analysis = sp_calloc((size_t)nitems(n) + 1, sizeof *J->analysis)))
        return SP_ENOMEM;
    ITEMS(n, i) {
        yaml_node_t *a = node(P, *i);
        int rc = check_map(J, a, NULL, "analysis");
        if (rc)
            return rc;
        const char *name, *command;
        if ((rc = get_str(J, a, "name", &name)) || (rc = get_str(J, a, "command", &command)))
            return rc;
        if (!name || !valid_name(name))
            return bad(J, a, "analysis: 'name' missing or not letters, digits, _ and -");
        for (int k = 0; k < J->nanalysis; k++)
            if (!strcmp(J->analysis[k].name, name))
                return bad(J, a, "analysis name '%s' used twice", name);
        const sp_jobcmds_entry *c = command ? sp_jobcmds_find(command) : NULL;
        if (!c)
            return bad(J, command ? get(P, a, "command") : a, "analysis %s: command: expected "
                       "one of %s", name, sp_jobcmds_names());
        const jtable *data;
        if ((rc = analysis_data(J, a, c, &data)) || (rc = check_analysis(J, a, c, data)))
            return rc;
        sp_jobspec_analysis *an = &J->analysis[J->nanalysis++];
        an->name = sp_strdup(name);
        an->command = sp_strdup(command);
        an->cmd = c;
        an->line = line_of(a);
        an->nspec = 1;
        if (!an->name || !an->command)
            return SP_ENOMEM;
        yaml_node_t *g = get(P, a, "grid");
        if (g) {
            int na = (int)(g->data.mapping.pairs.top - g->data.mapping.pairs.start);
            if (na > 64)
                return bad(J, g, "grid: more than 64 keys");
            if (!(an->axis = sp_calloc((size_t)na, sizeof *an->axis)))
                return SP_ENOMEM;
            PAIRS(g, p) {
                if (!(an->axis[an->naxes++] = sp_strdup(scalar(node(P, p->key)))))
                    return SP_ENOMEM;
                an->nspec *= nitems(node(P, p->value));
            }
        }
    }
    return SP_OK;
}

/* ---- expansion into tasks ---- */

/* The value to pass for key (type from the schema) from node v. */
static char *option_value(jpriv *P, char type, yaml_node_t *v)
{
    const char *s = scalar(v);
    if (type == 'C' && s) {
        const jnamed *set = find_named(P->set, P->nset, s);
        return sp_strdup(set ? set->value : s);
    }
    if (type == 'w')
        return sp_strdup(find_named(P->w, P->nw, s)->value);
    if (type == 'f') { /* checked by the validation: the file exists */
        char joined[PATH_MAX], real[PATH_MAX];
        snprintf(joined, sizeof joined, "%s%s%s", s[0] == '/' ? "" : P->dir,
                 s[0] == '/' ? "" : "/", s);
        return sp_strdup(realpath(joined, real) ? real : joined);
    }
    return join_values(P, v);
}

static int add_input(sp_jobspec_task *t, const char *path)
{
    char **grown = sp_realloc(t->inputs, (size_t)(t->nin + 1) * sizeof *grown);
    if (!grown)
        return SP_ENOMEM;
    t->inputs = grown;
    return (t->inputs[t->nin] = sp_strdup(path)) ? (t->nin++, SP_OK) : SP_ENOMEM;
}

/* Add the --key value of an analysis key. */
static int add_option(jpriv *P, argvb *b, const sp_jobcmds_entry *c, const char *key,
                      yaml_node_t *v, const jtable *data, sp_jobspec_task *t)
{
    char type = key_type(c, key), opt[80];
    snprintf(opt, sizeof opt, "--%s", key);
    if (type == 'b')
        return strcmp(scalar(v), "true") == 0 ? push(b, opt) : SP_OK;
    if (type == 'u') {
        const jnamed *sub = find_named(P->sub, P->nsub, scalar(v));
        if (!sub)
            return SP_OK; /* all */
        char where[1400];
        snprintf(where, sizeof where, "%s%s", sub->column[0] ? "" : data->id, sub->value);
        return push2(b, "--where", where);
    }
    char *val = option_value(P, type, v);
    if (!val)
        return SP_ENOMEM;
    int rc = push2(b, opt, val);
    if (!rc && (type == 'w' || type == 'f'))
        rc = add_input(t, val);
    free(val);
    return rc;
}

/* The positional argument and the standard options of command c. */
static int add_frame(jpriv *P, argvb *b, const sp_jobcmds_entry *c, const jtable *data,
                     sp_jobspec_task *t, const char *name)
{
    int rc = push(b, c->name);
    if (rc)
        return rc;
    if (c->input == SP_JI_TABLE || c->input == SP_JI_PANEL) {
        if ((rc = push(b, data->file)) || (rc = add_input(t, data->file)))
            return rc;
        if ((rc = push_readopts(b, data)))
            return rc;
        if (c->input == SP_JI_PANEL && data->time) {
            char panel[600];
            snprintf(panel, sizeof panel, "%s,%s", data->id, data->time);
            rc = push2(b, "--panel", panel);
        } else {
            rc = push2(b, "--id", data->id);
        }
    } else if (c->input == SP_JI_LAYER) {
        if ((rc = push(b, P->bound.file)) || (rc = add_input(t, P->bound.file)))
            return rc;
        if (P->bound.id && (rc = push2(b, "--id", P->bound.id)))
            return rc;
        if (data && ((rc = push2(b, "--data", data->file)) || (rc = add_input(t, data->file)) ||
                     (rc = push2(b, "--data-id", data->id)) || (rc = push_readopts(b, data))))
            return rc;
    }
    char out[300];
    if (!rc && c->flags & SP_JF_LAYER) {
        snprintf(out, sizeof out, "layers/%s.gpkg", name);
        rc = push2(b, "-o", out);
    } else if (!rc && c->flags & SP_JF_FIGURE) {
        snprintf(out, sizeof out, "figures/%s.png", name);
        rc = push2(b, "-o", out);
    } else if (!rc && c->flags & SP_JF_TABLE) {
        snprintf(out, sizeof out, "%s.table.json", t->stem);
        rc = push2(b, "-o", out);
    }
    return rc;
}

/* The grid values of specification spec (mixed-radix digits, the last axis
 * fastest) into val[] and t->axis_value. */
static int spec_values(jpriv *P, const sp_jobspec_analysis *an, yaml_node_t *g, int spec,
                       yaml_node_t **val, sp_jobspec_task *t)
{
    int rest = spec, k = an->naxes;
    if (!(t->axis_value = sp_calloc((size_t)an->naxes, sizeof *t->axis_value)))
        return SP_ENOMEM;
    t->naxes = an->naxes;
    for (yaml_node_pair_t *p = g->data.mapping.pairs.top - 1; p >= g->data.mapping.pairs.start;
         p--) {
        yaml_node_t *list = node(P, p->value);
        val[--k] = node(P, list->data.sequence.items.start[rest % nitems(list)]);
        rest /= nitems(list);
        if (!(t->axis_value[k] = join_values(P, val[k])))
            return SP_ENOMEM;
    }
    return SP_OK;
}

/* The task's canonical id "NAME[key=value,...]" and its output stem. */
static int task_names(const sp_jobspec_analysis *an, sp_jobspec_task *t)
{
    char idbuf[4096], stem[300];
    size_t len = (size_t)snprintf(idbuf, sizeof idbuf, "%s", an->name);
    for (int k = 0; k < t->naxes; k++)
        len += (size_t)snprintf(idbuf + len, len < sizeof idbuf ? sizeof idbuf - len : 0,
                                "%s%s=%s", k ? "," : "[", an->axis[k], t->axis_value[k]);
    if (len + 2 >= sizeof idbuf)
        return sp_error_set(SP_EUSAGE, "%s: a specification's values are too long", an->name);
    if (t->naxes)
        snprintf(idbuf + len, sizeof idbuf - len, "]");
    if (t->spec >= 0)
        snprintf(stem, sizeof stem, "raw/%s/%04d", an->name, t->spec + 1);
    else
        snprintf(stem, sizeof stem, "raw/%s", an->name);
    return (t->id = sp_strdup(idbuf)) && (t->stem = sp_strdup(stem)) ? SP_OK : SP_ENOMEM;
}

/* The task of specification `spec` (-1: none) of analysis a. */
static int make_task(sp_jobspec *J, yaml_node_t *a, int ia, int spec, sp_jobspec_task *t)
{
    jpriv *P = J->priv;
    const sp_jobspec_analysis *an = &J->analysis[ia];
    const sp_jobcmds_entry *c = an->cmd;
    const jtable *data = NULL;
    analysis_data(J, a, c, &data);
    yaml_node_t *val[64] = {0};
    char name[200];
    t->analysis = ia;
    t->spec = spec;
    int rc = spec >= 0 ? spec_values(P, an, get(P, a, "grid"), spec, val, t) : SP_OK;
    if (!rc)
        rc = task_names(an, t);
    if (rc)
        return rc;
    if (spec >= 0)
        snprintf(name, sizeof name, "%s_%04d", an->name, spec + 1);
    else
        snprintf(name, sizeof name, "%s", an->name);
    argvb b = {0};
    rc = add_frame(P, &b, c, data, t, name);
    if (!rc && c->input == SP_JI_W) {
        yaml_node_t *w = get_opt(P, a, "w");
        for (int k = 0; k < an->naxes; k++)
            if (!strcmp(an->axis[k], "w"))
                w = val[k];
        char *path = option_value(P, 'w', w);
        rc = path ? push(&b, path) : SP_ENOMEM;
        if (!rc)
            rc = add_input(t, path);
        free(path);
    }
    int seeded = 0;
    yaml_node_t *opts[2] = {a, get(P, a, "options")};
    for (int m = 0; m < 2 && opts[m]; m++)
        PAIRS(opts[m], p) {   /* the keys as written, grid values in place of their keys */
            const char *key = scalar(node(P, p->key));
            if (rc || (m == 0 && sp_jobcmds_listed(frame_keys, key)))
                continue;
            if (c->input == SP_JI_W && !strcmp(key, "w"))
                continue;
            yaml_node_t *v = node(P, p->value);
            for (int k = 0; k < an->naxes; k++)
                if (!strcmp(an->axis[k], key))
                    v = val[k], val[k] = NULL;
            seeded |= !strcmp(key, "seed");
            rc = add_option(P, &b, c, key, v, data, t);
        }
    for (int k = 0; k < an->naxes && !rc; k++) {
        if (!val[k] || (c->input == SP_JI_W && !strcmp(an->axis[k], "w")))
            continue;
        seeded |= !strcmp(an->axis[k], "seed");
        rc = add_option(P, &b, c, an->axis[k], val[k], data, t);
    }
    char seed[32];
    snprintf(seed, sizeof seed, "%d", J->seed);
    if (!rc && c->flags & SP_JF_SEED && !seeded)
        rc = push2(&b, "--seed", seed);
    if (!rc)
        rc = push(&b, "--json");
    t->argc = b.argc;
    t->argv = b.argv;
    return rc;
}

/* The task building matrix k (spill weights ... -o weights/NAME.EXT --json). */
static int make_weights_task(sp_jobspec *J, int k, sp_jobspec_task *t)
{
    jpriv *P = J->priv;
    jnamed *w = &P->w[k];
    yaml_node_t *v = node(P, w->node);
    char buf[300];
    t->analysis = -1;
    t->spec = -1;
    t->every_shard = 1;
    snprintf(buf, sizeof buf, "weights:%s", w->name);
    if (!(t->id = sp_strdup(buf)))
        return SP_ENOMEM;
    snprintf(buf, sizeof buf, "raw/weights_%s", w->name);
    if (!(t->stem = sp_strdup(buf)))
        return SP_ENOMEM;
    argvb b = {0};
    int rc = push(&b, "weights");
    if (!rc && !(rc = push(&b, P->bound.file)))
        rc = add_input(t, P->bound.file);
    if (!rc && P->bound.id)
        rc = push2(&b, "--id", P->bound.id);
    PAIRS(v, p) {
        const char *key = scalar(node(P, p->key));
        yaml_node_t *val = node(P, p->value);
        char opt[80];
        snprintf(opt, sizeof opt, "--%s", key);
        if (rc || !strcmp(key, "format"))
            continue;
        if (!strcmp(key, "data")) {
            const jtable *d = find_table(P, scalar(val));
            if (!(rc = push2(&b, "--data", d->file)) && !(rc = add_input(t, d->file)) &&
                !(rc = push_readopts(&b, d)) && !get(P, v, "data-id"))
                rc = push2(&b, "--data-id", d->id);
            continue;
        }
        if (sp_jobcmds_type(sp_jobcmds_weights(), key) == 'b') {
            if (!strcmp(scalar(val), "true"))
                rc = push(&b, opt);
            continue;
        }
        char *s = join_values(P, val);
        rc = s ? push2(&b, opt, s) : SP_ENOMEM;
        free(s);
    }
    if (!rc)
        rc = push2(&b, "-o", w->value);
    if (!rc)
        rc = push(&b, "--json");
    t->argc = b.argc;
    t->argv = b.argv;
    return rc;
}

static int expand(sp_jobspec *J, yaml_node_t *analyses)
{
    jpriv *P = J->priv;
    int n = 0;
    for (int k = 0; k < P->nw; k++)
        n += P->w[k].value[0] != '/';
    for (int a = 0; a < J->nanalysis; a++)
        n += J->analysis[a].nspec;
    if (!(J->task = sp_calloc((size_t)n + 1, sizeof *J->task)))
        return SP_ENOMEM;
    int rc = SP_OK;
    for (int k = 0; k < P->nw && !rc; k++)
        if (P->w[k].value[0] != '/')
            rc = make_weights_task(J, k, &J->task[J->ntask++]);
    int a = 0;
    ITEMS(analyses, i) {
        const sp_jobspec_analysis *an = &J->analysis[a];
        for (int s = 0; s < an->nspec && !rc; s++)
            rc = make_task(J, node(P, *i), a, an->axis ? s : -1, &J->task[J->ntask++]);
        a++;
    }
    return rc;
}

/* ---- the whole file ---- */

static int load_yaml(sp_jobspec *J)
{
    FILE *f = fopen(J->path, "rb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot open the job file", J->path);
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &J->priv->doc);
    int rc = SP_OK;
    if (!ok)
        rc = sp_error_set(SP_EUSAGE, "%s:%d: not valid YAML: %s", J->path,
                          (int)parser.problem_mark.line + 1,
                          parser.problem ? parser.problem : "syntax error");
    else
        J->priv->have_doc = 1;
    yaml_parser_delete(&parser);
    fclose(f);
    if (!rc && !yaml_document_get_root_node(&J->priv->doc))
        rc = sp_error_set(SP_EUSAGE, "%s:1: empty job file", J->path);
    return rc;
}

static int parse_top(sp_jobspec *J)
{
    jpriv *P = J->priv;
    yaml_node_t *root = yaml_document_get_root_node(&P->doc);
    int rc = check_map(J, root, "job title seed inputs weights variables subsamples analyses",
                       "the job");
    const char *name = NULL, *title = NULL, *seed = NULL;
    if (!rc && !(rc = get_str(J, root, "job", &name)) && !(rc = get_str(J, root, "title", &title)))
        rc = get_str(J, root, "seed", &seed);
    if (rc)
        return rc;
    if (name && !valid_name(name))
        return bad(J, get(P, root, "job"), "job: a name is letters, digits, _ and -");
    if (seed && (!is_int(seed) || atoi(seed) < 0))
        return bad(J, get(P, root, "seed"), "seed: expected a non-negative integer, got '%s'",
                   seed);
    J->seed = seed ? atoi(seed) : 12345;
    if (name)
        J->name = sp_strdup(name);
    if (title && !(J->title = sp_strdup(title)))
        return SP_ENOMEM;
    if (get(P, root, "inputs") && (rc = parse_inputs(J, get(P, root, "inputs"))))
        return rc;
    if (get(P, root, "weights") && (rc = parse_weights(J, get(P, root, "weights"))))
        return rc;
    if (get(P, root, "variables") && (rc = parse_sets(J, get(P, root, "variables"))))
        return rc;
    if (get(P, root, "subsamples") && (rc = parse_subsamples(J, get(P, root, "subsamples"))))
        return rc;
    if (!get(P, root, "analyses"))
        return bad(J, root, "the job: missing 'analyses'");
    if ((rc = parse_analyses(J, get(P, root, "analyses"))))
        return rc;
    return expand(J, get(P, root, "analyses"));
}

/* The job's default name: the file name without folder and extension. */
static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *s = sp_strdup(base);
    char *dot = s ? strrchr(s, '.') : NULL;
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

int sp_jobspec_read(const char *path, sp_jobspec **out)
{
    *out = NULL;
    sp_jobspec *J = sp_calloc(1, sizeof *J);
    if (!J || !(J->priv = sp_calloc(1, sizeof *J->priv)) || !(J->path = sp_strdup(path))) {
        sp_jobspec_free(J);
        return SP_ENOMEM;
    }
    char dir[PATH_MAX], real[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int rc = load_yaml(J);
    if (!rc && !realpath(dir, real))
        rc = sp_error_set(SP_EDATA, "%s: cannot resolve its folder", path);
    if (!rc && !(J->priv->dir = sp_strdup(real)))
        rc = SP_ENOMEM;
    if (!rc)
        rc = parse_top(J);
    if (!rc && !J->name && !(J->name = file_stem(path)))
        rc = SP_ENOMEM;
    if (rc) {
        sp_jobspec_free(J);
        return rc;
    }
    *out = J;
    return SP_OK;
}

static void table_free(jtable *t)
{
    free(t->name);
    free(t->file);
    free(t->id);
    free(t->time);
    sp_table_free(t->t);
}

static void named_free(jnamed *list, int n)
{
    for (int k = 0; k < n; k++) {
        free(list[k].name);
        free(list[k].value);
        free(list[k].column);
    }
    free(list);
}

void sp_jobspec_free(sp_jobspec *J)
{
    if (!J)
        return;
    jpriv *P = J->priv;
    if (P) {
        if (P->have_doc)
            yaml_document_delete(&P->doc);
        free(P->dir);
        table_free(&P->bound);
        for (int k = 0; k < P->ntab; k++)
            table_free(&P->tab[k]);
        free(P->tab);
        named_free(P->w, P->nw);
        named_free(P->set, P->nset);
        named_free(P->sub, P->nsub);
        free(P);
    }
    for (int k = 0; k < J->nanalysis; k++) {
        free(J->analysis[k].name);
        free(J->analysis[k].command);
        for (int a = 0; a < J->analysis[k].naxes; a++)
            free(J->analysis[k].axis[a]);
        free(J->analysis[k].axis);
    }
    free(J->analysis);
    for (int k = 0; k < J->ntask; k++) {
        sp_jobspec_task *t = &J->task[k];
        free(t->id);
        free(t->stem);
        argv_free(t->naxes, t->axis_value);
        argv_free(t->argc, t->argv);
        argv_free(t->nin, t->inputs);
    }
    free(J->task);
    free(J->path);
    free(J->name);
    free(J->title);
    free(J);
}

int sp_jobspec_is_yaml(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

int sp_jobspec_shard(const sp_jobspec_task *t, int n)
{
    uint64_t h = 1469598103934665603ULL;            /* FNV-1a 64 */
    for (const unsigned char *p = (const unsigned char *)t->id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (int)(h % (uint64_t)n);
}
