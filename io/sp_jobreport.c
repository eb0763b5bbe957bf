/* A YAML job's tables, results.jsonl, report.md, report.html and manifest.json
 * from its tasks' raw files (see sp_jobreport.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_hash.h"
#include "sp_jobexec.h"
#include "sp_jobreport.h"
#include "sp_jobtab.h"

#define MAX_TABLES 4096

/* Everything being assembled. */
typedef struct rep {
    const sp_jobspec *J;
    const char *dir;
    int ntab;
    sp_jobtab *tab[MAX_TABLES];
    int tab_task[MAX_TABLES];   /* the task (single analyses, weights) or -1 - analysis */
    json_t *tasks;              /* manifest "tasks" */
} rep;

int sp_jobreport_status(const char *dir, const sp_jobspec_task *t)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.status", dir, t->stem);
    FILE *f = fopen(path, "r");
    int code = -1;
    if (f) {
        if (fscanf(f, "%d", &code) != 1)
            code = -1;
        fclose(f);
    }
    return code;
}

/* The task's JSON output (NULL when it failed or is not JSON). */
static json_t *task_json(const rep *R, const sp_jobspec_task *t)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.json", R->dir, t->stem);
    return json_load_file(path, JSON_DECODE_ANY, NULL);
}

/* The rows of the table a SP_JF_TABLE command wrote (-o STEM.table.json:
 * {"columns", "rows"}), NULL when none. */
static json_t *task_table(const rep *R, const sp_jobspec_task *t)
{
    char path[PATH_MAX];
    if (t->analysis < 0 || !(R->J->analysis[t->analysis].cmd->flags & SP_JF_TABLE))
        return NULL;
    snprintf(path, sizeof path, "%s/%s.table.json", R->dir, t->stem);
    return json_load_file(path, 0, NULL);
}

/* The last line of the task's log (its error message when it failed). */
static json_t *task_error(const rep *R, const sp_jobspec_task *t)
{
    char path[PATH_MAX], line[2048], last[2048] = "";
    snprintf(path, sizeof path, "%s/%s.log", R->dir, t->stem);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (line[0] != '\n')
            snprintf(last, sizeof last, "%s", line);
    if (f)
        fclose(f);
    last[strcspn(last, "\n")] = '\0';
    return json_string(last);
}

static int add_table(rep *R, sp_jobtab *t, int owner)
{
    if (!t)
        return SP_ENOMEM;
    if (R->ntab == MAX_TABLES) {
        sp_jobtab_free(t);
        return sp_error_set(SP_EDATA, "more than %d tables", MAX_TABLES);
    }
    R->tab_task[R->ntab] = owner;
    R->tab[R->ntab++] = t;
    return SP_OK;
}

/* The table named tname of the task owner, made (with title) when new. */
static sp_jobtab *table_named(rep *R, const char *tname, const char *title, int owner)
{
    for (int k = R->ntab - 1; k >= 0 && R->tab_task[k] == owner; k--)
        if (!strcmp(R->tab[k]->name, tname))
            return R->tab[k];
    return add_table(R, sp_jobtab_new(tname, title), owner) ? NULL : R->tab[R->ntab - 1];
}

/* The labels of an n-element dimension of a matrix member of obj: its
 * "labels" member when it has n elements, else the first array of n strings
 * (markov's periods), else NULL (numbered); *key its name. */
static json_t *labels_in(json_t *obj, size_t n, const char **key)
{
    json_t *l = json_object_get(obj, "labels"), *m;
    const char *k;
    *key = "labels";
    if (json_is_array(l) && json_array_size(l) == n)
        return l;
    json_object_foreach(obj, k, m) {
        if (!json_is_array(m) || json_array_size(m) != n || !json_is_string(json_array_get(m, 0)))
            continue;
        *key = k;
        return m;
    }
    *key = "row";
    return NULL;
}

/* labels_in obj, else in top (the command's whole JSON: a conditional
 * chain's matrices have the labels of the chain). */
static json_t *labels_of(json_t *obj, json_t *top, size_t n, const char **key)
{
    json_t *l = labels_in(obj, n, key);
    return l || !top || top == obj ? l : labels_in(top, n, key);
}

/* A list nested in a row that becomes a table of its own: a non-empty
 * array of objects not named by "name" (gini's pairs; named ones, as a fit's
 * coefficients, stay flattened into their row). */
static int is_sublist(json_t *v)
{
    return json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0)) &&
           !json_object_get(json_array_get(v, 0), "name");
}

static int rows_of(rep *R, const char *tname, const char *title, json_t *lead, json_t *list,
                   json_t *top, int owner, int depth);

/* The matrices of obj, one table each: PREFIX_KEY (markov's p, transitions),
 * rows and columns labelled (labels_of). */
static int matrices_of(rep *R, const char *prefix, const char *what, json_t *obj, json_t *top,
                       int owner)
{
    const char *key;
    json_t *m;
    int rc = SP_OK;
    json_object_foreach(obj, key, m) {
        if (rc || !sp_jobtab_is_matrix(m))
            continue;
        char tname[300], title[400];
        const char *rk, *ck;
        json_t *rows = labels_of(obj, top, json_array_size(m), &rk);
        json_t *cols = labels_of(obj, top, json_array_size(json_array_get(m, 0)), &ck);
        snprintf(tname, sizeof tname, "%s_%s", prefix, key);
        snprintf(title, sizeof title, "%s: %s", what, key);
        const sp_jobspec_task *task = owner >= 0 ? &R->J->task[owner] : NULL;
        int turned = task && task->analysis >= 0 /* as the command prints it */
                         ? sp_jobcmds_matrix_layout(task->argv[0], task->argc, task->argv, key, &rk)
                         : -1;
        sp_jobtab *t = table_named(R, tname, title, owner);
        rc = t ? sp_jobtab_add_matrix(t, m, rows, rk, cols, turned == 1) : SP_ENOMEM;
    }
    return rc;
}

/* One row e of table t (tname): its nested lists and matrices become tables
 * of their own, TNAME_KEY (rows of every e together, led by e's first member,
 * e.g. gini's pairs by year) and TNAME_KEY_FIRST_MATRIX; the rest one row. */
static int row_of(rep *R, sp_jobtab *t, const char *tname, json_t *lead, json_t *e, json_t *top,
                  int owner, int depth)
{
    const char *key, *k0 = NULL;
    json_t *m, *v0 = NULL, *rest = json_object(), *sublead = NULL;
    int rc = rest ? SP_OK : SP_ENOMEM;
    void *it = json_object_iter(e);
    if (it && !json_is_array(json_object_iter_value(it)) && !json_is_object(json_object_iter_value(it)))
        k0 = json_object_iter_key(it), v0 = json_object_iter_value(it);
    if (!rc && k0 && depth < 3) {
        sublead = lead ? json_deep_copy(lead) : json_object();
        rc = sublead && !json_object_set(sublead, k0, v0) ? SP_OK : SP_ENOMEM;
    }
    json_object_foreach(e, key, m) {
        if (rc)
            break;
        char name[300], title[400];
        snprintf(name, sizeof name, "%s_%s", tname, key);
        snprintf(title, sizeof title, "%s: %s", tname, key);
        if (sublead && is_sublist(m))
            rc = rows_of(R, name, title, sublead, m, top, owner, depth + 1);
        else if (!sp_jobtab_is_matrix(m))
            rc = json_object_set(rest, key, m) ? SP_ENOMEM : SP_OK;
    }
    if (!rc && sublead && depth < 3) { /* e's matrices: TNAME_FIRST_KEY (conditional_1_p) */
        char prefix[300], what[400], v[64];
        if (json_is_string(v0))
            snprintf(v, sizeof v, "%s", json_string_value(v0));
        else
            snprintf(v, sizeof v, "%.17g", json_number_value(v0));
        snprintf(prefix, sizeof prefix, "%s_%s", tname, v);
        snprintf(what, sizeof what, "%s (%s %s)", tname, k0, v);
        rc = matrices_of(R, prefix, what, e, top, owner);
    }
    if (!rc)
        rc = sp_jobtab_add_object(t, lead, rest);
    json_decref(rest);
    json_decref(sublead);
    return rc;
}

/* The rows of a list of objects into the table tname (made when new). */
static int rows_of(rep *R, const char *tname, const char *title, json_t *lead, json_t *list,
                   json_t *top, int owner, int depth)
{
    sp_jobtab *t = table_named(R, tname, title, owner);
    size_t i;
    json_t *e;
    int rc = t ? SP_OK : SP_ENOMEM;
    json_array_foreach(list, i, e) if (!rc) rc = row_of(R, t, tname, lead, e, top, owner, depth);
    return rc;
}

/* The tables of one command's JSON: one per array of objects (NAME_KEY; the
 * "results" array is NAME) with their nested lists and matrices (row_of),
 * one per matrix (NAME_KEY, labelled), the rest as one row (NAME or
 * NAME_summary). */
static int tables_of(rep *R, const char *name, json_t *obj, int owner)
{
    char tname[300], title[400];
    const char *key;
    json_t *m, *rest = json_object();
    int rc = rest ? SP_OK : SP_ENOMEM, arrays = 0;
    json_object_foreach(obj, key, m) {
        if (rc)
            break;
        if (!(json_is_array(m) && json_array_size(m) && json_is_object(json_array_get(m, 0)))) {
            if (!sp_jobtab_is_matrix(m))
                rc = json_object_set(rest, key, m) ? SP_ENOMEM : SP_OK;
            continue;
        }
        arrays++;
        snprintf(tname, sizeof tname, strcmp(key, "results") ? "%s_%s" : "%s", name, key);
        snprintf(title, sizeof title, "%s: %s", name, key);
        rc = rows_of(R, tname, title, NULL, m, obj, owner, 0);
    }
    if (!rc)
        rc = matrices_of(R, name, name, obj, NULL, owner);
    if (!rc && json_object_size(rest)) {
        snprintf(tname, sizeof tname, arrays ? "%s_summary" : "%s", name);
        snprintf(title, sizeof title, "%s%s", name, arrays ? ": summary" : "");
        sp_jobtab *t = sp_jobtab_new(tname, title);
        rc = t ? sp_jobtab_add_object(t, NULL, rest) : SP_ENOMEM;
        rc = rc ? (sp_jobtab_free(t), rc) : add_table(R, t, owner);
    }
    json_decref(rest);
    return rc;
}

/* The command line as a shell would take it back. */
static json_t *command_line(const sp_jobspec_task *t)
{
    size_t len = 8;
    for (int k = 0; k < t->argc; k++)
        len += 3 * strlen(t->argv[k]) + 3;
    char *s = sp_malloc(len), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "spill");
    for (int k = 0; k < t->argc; k++) {
        const char *a = t->argv[k];
        int plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789_-./=,:+@%") == strlen(a);
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++)
            p += *a == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *a);
        *p++ = '\'';
        *p = '\0';
    }
    json_t *v = json_string(s);
    free(s);
    return v;
}

/* {"path", "sha256"} of a file (relative paths inside dir), or null when absent. */
static json_t *file_entry(const rep *R, const char *path)
{
    char full[PATH_MAX], hex[65];
    snprintf(full, sizeof full, "%s%s%s", path[0] == '/' ? "" : R->dir,
             path[0] == '/' ? "" : "/", path);
    struct stat st;
    if (stat(full, &st) != 0)
        return NULL;
    if (sp_hash_file_sha256(full, hex, NULL))
        return NULL;
    return json_pack("{s:s, s:s}", "path", path, "sha256", hex);
}

/* The manifest entry of task k: command, inputs and raw outputs with checksums. */
static int task_entry(rep *R, int k)
{
    const sp_jobspec_task *t = &R->J->task[k];
    json_t *e = json_object(), *in = json_array(), *out = json_array();
    if (!e || !in || !out) {
        json_decref(e), json_decref(in), json_decref(out);
        return SP_ENOMEM;
    }
    json_object_set_new(e, "task", json_string(t->id));
    json_object_set_new(e, "command", command_line(t));
    json_object_set_new(e, "status", json_integer(sp_jobreport_status(R->dir, t)));
    for (int i = 0; i < t->nin; i++) {
        json_t *f = file_entry(R, t->inputs[i]);
        json_array_append_new(in, f ? f : json_pack("{s:s, s:n}", "path", t->inputs[i],
                                                    "sha256"));
    }
    static const char *const ext[] = {"json", "log", "status"};
    char path[PATH_MAX];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s.%s", t->stem, ext[i]);
        json_t *f = file_entry(R, path);
        if (f)
            json_array_append_new(out, f);
    }
    for (int i = 0; i + 1 < t->argc; i++)
        if (!strcmp(t->argv[i], "-o")) {
            json_t *f = file_entry(R, t->argv[i + 1]);
            if (f)
                json_array_append_new(out, f);
        }
    json_object_set_new(e, "inputs", in);
    json_object_set_new(e, "outputs", out);
    return json_array_append_new(R->tasks, e) ? SP_ENOMEM : SP_OK;
}

/* results.jsonl and the combined table of the grids. */
static int grids(rep *R, FILE *jsonl)
{
    const sp_jobspec *J = R->J;
    int rc = SP_OK;
    for (int a = 0; a < J->nanalysis && !rc; a++) {
        const sp_jobspec_analysis *an = &J->analysis[a];
        if (!an->naxes)
            continue;
        char title[300];
        snprintf(title, sizeof title, "%s: %d specifications", an->name, an->nspec);
        sp_jobtab *t = sp_jobtab_new(an->name, title);
        if (!t)
            return SP_ENOMEM;
        for (int k = 0; k < J->ntask && !rc; k++) {
            const sp_jobspec_task *tk = &J->task[k];
            if (tk->analysis != a)
                continue;
            json_t *lead = json_object(), *values = json_object();
            json_object_set_new(lead, "spec", json_integer(tk->spec + 1));
            for (int i = 0; i < tk->naxes; i++) {
                json_object_set_new(lead, an->axis[i], json_string(tk->axis_value[i]));
                json_object_set_new(values, an->axis[i], json_string(tk->axis_value[i]));
            }
            int status = sp_jobreport_status(R->dir, tk);
            json_object_set_new(lead, "status", json_integer(status));
            json_t *res = status == 0 ? task_json(R, tk) : NULL;
            json_t *line = json_pack("{s:s, s:i, s:s, s:o, s:i}", "analysis", an->name, "spec",
                                     tk->spec + 1, "id", tk->id, "values", values, "status",
                                     status);
            json_object_set_new(line, "result", res ? json_incref(res) : json_null());
            if (status != 0)
                json_object_set_new(line, "error", task_error(R, tk));
            char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
            if (!s || fprintf(jsonl, "%s\n", s) < 0)
                rc = SP_ENOMEM;
            free(s);
            json_decref(line);
            json_t *row = res ? json_incref(res) : json_object();  /* failed: axes only */
            if (!rc)
                rc = sp_jobtab_add_object(t, lead, row);
            json_decref(row);
            json_decref(lead);
            json_decref(res);
        }
        rc = rc ? (sp_jobtab_free(t), rc) : add_table(R, t, -1 - a);
    }
    return rc;
}

/* The tables of the weights builds and of the single analyses. */
static int singles(rep *R)
{
    const sp_jobspec *J = R->J;
    int rc = SP_OK;
    for (int k = 0; k < J->ntask && !rc; k++) {
        const sp_jobspec_task *t = &J->task[k];
        if (t->spec >= 0 || sp_jobreport_status(R->dir, t) != 0)
            continue;
        json_t *obj = task_json(R, t), *table = task_table(R, t);
        const char *name = t->analysis < 0 ? t->stem + 4 : J->analysis[t->analysis].name;
        if (json_is_object(obj))
            rc = tables_of(R, name, obj, k);
        json_t *rows = json_object_get(table, "rows");
        if (!rc && json_is_array(rows) && json_array_size(rows)) { /* index's scores */
            char tname[300], title[400];
            snprintf(tname, sizeof tname, "%s_table", name);
            snprintf(title, sizeof title, "%s: table (%s.table.json)", name, t->stem);
            rc = rows_of(R, tname, title, NULL, rows, table, k, 0);
        }
        json_decref(obj);
        json_decref(table);
    }
    return rc;
}

/* ---- report.md and report.html ---- */

static void base64(FILE *out, FILE *in)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char b[3];
    size_t n;
    while ((n = fread(b, 1, 3, in)) > 0) {
        unsigned v = (unsigned)b[0] << 16 | (n > 1 ? b[1] : 0) << 8 | (n > 2 ? b[2] : 0);
        fputc(b64[v >> 18 & 63], out);
        fputc(b64[v >> 12 & 63], out);
        fputc(n > 1 ? b64[v >> 6 & 63] : '=', out);
        fputc(n > 2 ? b64[v & 63] : '=', out);
    }
}

/* The figure files of task t (figures/NAME.png), NULL when none. */
static const char *figure_of(const rep *R, const sp_jobspec_task *t, char *buf, size_t size)
{
    for (int i = 0; i + 1 < t->argc; i++)
        if (!strcmp(t->argv[i], "-o") && !strncmp(t->argv[i + 1], "figures/", 8)) {
            snprintf(buf, size, "%s/%s", R->dir, t->argv[i + 1]);
            struct stat st;
            return stat(buf, &st) == 0 ? t->argv[i + 1] : NULL;
        }
    return NULL;
}

/* One section per task group (weights, each analysis): its commands, tables,
 * layers and figures, in Markdown (html 0) or HTML (html 1). */
static void section(const rep *R, FILE *f, int html, int owner_lo, int owner_hi,
                    const char *heading)
{
    const sp_jobspec *J = R->J;
    if (html) {
        fputs("<h2>", f);
        sp_jobtab_html_text(f, heading);
        fputs("</h2>\n", f);
    } else {
        fprintf(f, "## %s\n\n", heading);
    }
    for (int k = owner_lo; k <= owner_hi && k < J->ntask; k++) {
        const sp_jobspec_task *t = &J->task[k];
        if (t->spec > 0)
            continue;
        json_t *cmd = command_line(t);
        int st = sp_jobreport_status(R->dir, t);
        if (html) {
            fputs("<pre class=\"cmd\">$ ", f);
            sp_jobtab_html_text(f, json_string_value(cmd));
            fputs(t->spec == 0 ? "\n(first specification of the grid)" : "", f);
            fputs("</pre>\n", f);
        } else {
            fprintf(f, "```console\n$ %s\n```\n%s\n", json_string_value(cmd),
                    t->spec == 0 ? "(first specification of the grid)\n" : "");
        }
        json_decref(cmd);
        if (st != 0 && t->spec < 0) {
            json_t *err = task_error(R, t);
            if (html) {
                fputs("<p class=\"failed\">FAILED: ", f);
                sp_jobtab_html_text(f, json_string_value(err));
                fputs("</p>\n", f);
            } else {
                fprintf(f, "**FAILED** (exit %d): %s\n\n", st, json_string_value(err));
            }
            json_decref(err);
        }
        char buf[PATH_MAX];
        const char *fig = figure_of(R, t, buf, sizeof buf);
        if (fig && html) {
            FILE *in = fopen(buf, "rb");
            fputs("<p><img alt=\"figure\" src=\"data:image/png;base64,", f);
            if (in)
                base64(f, in), fclose(in);
            fputs("\"></p>\n", f);
        } else if (fig) {
            fprintf(f, "![%s](%s)\n\n", t->id, fig);
        }
        for (int i = 0; i + 1 < t->argc; i++)
            if (!strcmp(t->argv[i], "-o") && !strncmp(t->argv[i + 1], "layers/", 7) && !st)
                fprintf(f, html ? "<p>layer: <code>%s</code></p>\n" : "layer: `%s`\n\n",
                        t->argv[i + 1]);
    }
}

static void section_tables(const rep *R, FILE *f, int html, int owner_lo, int owner_hi)
{
    for (int i = 0; i < R->ntab; i++) {
        if (R->tab_task[i] < owner_lo || R->tab_task[i] > owner_hi)
            continue;
        const sp_jobtab *t = R->tab[i];
        if (html) {
            fputs("<h3>", f);
            sp_jobtab_html_text(f, t->title);
            fputs("</h3>\n", f);
            sp_jobtab_html(f, t);
        } else {
            fprintf(f, "### %s\n\n", t->title);
            sp_jobtab_markdown(f, t);
            fprintf(f, "\n(tables/%s.csv, .md, .tex, .xlsx)\n\n", t->name);
        }
    }
}

static const char css[] =
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #aaa}"
    "pre.cmd{background:#f4f4f4;padding:.6em;overflow-x:auto;white-space:pre-wrap}"
    ".table{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0;font-size:90%}"
    "th,td{border-top:1px solid #ccc;padding:.2em .6em}th{border-bottom:2px solid #444}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}.failed{color:#a00}"
    "img{max-width:100%}";

static void document(const rep *R, FILE *f, int html)
{
    const sp_jobspec *J = R->J;
    const char *title = J->title ? J->title : J->name;
    if (html) {
        fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
        sp_jobtab_html_text(f, title);
        fprintf(f, "</title>\n<style>%s</style>\n</head><body>\n<h1>", css);
        sp_jobtab_html_text(f, title);
        fprintf(f, "</h1>\n<p>job <code>%s</code>, spill %s, seed %d</p>\n", J->name, SP_VERSION,
                J->seed);
    } else {
        fprintf(f, "# %s\n\njob `%s`, spill %s, seed %d\n\n", title, J->name, SP_VERSION,
                J->seed);
    }
    int nw = 0;
    while (nw < J->ntask && J->task[nw].analysis < 0)
        nw++;
    if (nw) {
        section(R, f, html, 0, nw - 1, "weights matrices");
        section_tables(R, f, html, 0, nw - 1);
    }
    for (int a = 0; a < J->nanalysis; a++) {
        int lo = -1, hi = -1;
        for (int k = nw; k < J->ntask; k++)
            if (J->task[k].analysis == a)
                hi = k, lo = lo < 0 ? k : lo;
        char heading[300];
        snprintf(heading, sizeof heading, "%s (%s%s)", J->analysis[a].name,
                 J->analysis[a].command, J->analysis[a].naxes ? ", grid" : "");
        section(R, f, html, lo, hi, heading);
        section_tables(R, f, html, lo, hi);
        section_tables(R, f, html, -1 - a, -1 - a);
    }
    if (html)
        fputs("</body></html>\n", f);
}

static int write_doc(const rep *R, const char *name, int html)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", R->dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot write", path);
    document(R, f, html);
    return fclose(f) == 0 ? SP_OK : sp_error_set(SP_EDATA, "%s: write error", path);
}

/* ---- manifest ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file under dir/sub, sorted, into the manifest's "files". */
static int list_files(const rep *R, const char *sub, json_t *files)
{
    char path[2 * PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", R->dir, sub);
    DIR *d = opendir(path);
    if (!d)
        return SP_OK;
    char *names[16384];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 16384)
        if (e->d_name[0] != '.')
            names[n++] = sp_strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    int rc = SP_OK;
    for (int k = 0; k < n; k++) {
        char rel[PATH_MAX];
        snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", names[k] ? names[k] : "");
        snprintf(path, sizeof path, "%s/%s", R->dir, rel);
        struct stat st;
        if (!rc && names[k] && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc = list_files(R, rel, files);
        else if (!rc && names[k] && strcmp(rel, "manifest.json"))
            json_array_append_new(files, file_entry(R, rel));
        free(names[k]);
    }
    return rc;
}

static int manifest(rep *R, int argc, char **argv, double seconds)
{
    const sp_jobspec *J = R->J;
    char hex[65] = "", path[PATH_MAX], job[PATH_MAX];
    if (sp_hash_file_sha256(J->path, hex, NULL))
        return SP_EDATA;
    if (!realpath(J->path, job))   /* the same name whether run or merged */
        snprintf(job, sizeof job, "%s", J->path);
    json_t *inv = json_array(), *files = json_array();
    for (int k = 0; k < argc; k++)
        json_array_append_new(inv, json_string(argv[k]));
    char started[64];
    time_t now = time(NULL) - (time_t)seconds;
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    int rc = list_files(R, "", files);
    json_t *m = json_pack("{s:s, s:s, s:{s:s, s:s}, s:i, s:O, s:o, s:{s:s, s:f, s:o}}",
                          "spill_version", SP_VERSION, "job_name", J->name, "job", "file",
                          job, "sha256", hex, "seed", J->seed, "tasks", R->tasks, "files",
                          files, "run", "started", started, "seconds", seconds, "invocation",
                          inv);
    snprintf(path, sizeof path, "%s/manifest.json", R->dir);
    if (!rc && (!m || json_dump_file(m, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0))
        rc = sp_error_set(SP_EDATA, "%s: cannot write", path);
    json_decref(m);
    return rc;
}

int sp_jobreport_write(const sp_jobspec *J, const char *dir, int argc, char **argv,
                       double seconds)
{
    rep *R = sp_calloc(1, sizeof *R);
    if (!R)
        return SP_ENOMEM;
    R->J = J;
    R->dir = dir;
    R->tasks = json_array();
    char path[PATH_MAX];
    int rc = R->tasks ? SP_OK : SP_ENOMEM, any_grid = 0;
    for (int a = 0; a < J->nanalysis; a++)
        any_grid |= J->analysis[a].naxes > 0;
    if (!rc)
        rc = singles(R);
    if (!rc && any_grid) {
        snprintf(path, sizeof path, "%s/results.jsonl", dir);
        FILE *f = fopen(path, "w");
        rc = f ? grids(R, f) : sp_error_set(SP_EDATA, "%s: cannot write", path);
        if (f && fclose(f) != 0 && !rc)
            rc = sp_error_set(SP_EDATA, "%s: write error", path);
    }
    snprintf(path, sizeof path, "%s/tables/x", dir);
    for (int i = 0; i < R->ntab && !rc; i++) {
        char stem[PATH_MAX];
        if (!i && sp_jobexec_mkdirs(path))
            rc = SP_EDATA;
        snprintf(stem, sizeof stem, "%s/tables/%s", dir, R->tab[i]->name);
        if (!rc)
            rc = sp_jobtab_write_all(R->tab[i], stem);
    }
    if (!rc)
        rc = write_doc(R, "report.md", 0);
    if (!rc)
        rc = write_doc(R, "report.html", 1);
    for (int k = 0; k < J->ntask && !rc; k++)
        rc = task_entry(R, k);
    if (!rc)
        rc = manifest(R, argc, argv, seconds);
    for (int i = 0; i < R->ntab; i++)
        sp_jobtab_free(R->tab[i]);
    json_decref(R->tasks);
    free(R);
    return rc;
}
