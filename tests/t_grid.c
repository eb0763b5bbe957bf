/* Unit tests of io/sp_grid: the six formats, display width, sticky errors, atomic files,
 * -o FILE's format by extension. */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_table.h"

/* The table rendered in one format, as a string the caller frees. */
static char *render(const sp_grid *g, sp_grid_format format, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *rc = sp_grid_write(g, format, f);
    fclose(f);
    return buf;
}

static sp_grid *sample(void)
{
    static const sp_grid_col cols[] = {
        {.name = "省份", .align = SP_GRID_LEFT, .key = "province"}, {.name = "I", .width = 6},
        {.name = "p"}};
    sp_grid *g = sp_grid_new("Moran's I_t", cols, 3);
    sp_grid_row(g);
    sp_grid_str(g, "北京");
    sp_grid_est(g, "%.3f", 0.5, 0.004);
    sp_grid_num(g, "%.2f", 0.004);
    sp_grid_row(g);
    sp_grid_str(g, "Hebei, x");
    sp_grid_num(g, "%.3f", NAN);
    sp_grid_int(g, 7);
    sp_grid_note(g, "p two-sided");
    return g;
}

static void test_width(void)
{
    CHECK_INT(sp_grid_width("abc"), 3);
    CHECK_INT(sp_grid_width("北京市"), 6);
    CHECK_INT(sp_grid_width("Ａ"), 2);       /* full-width A */
    CHECK_INT(sp_grid_width("e\xcc\x81"), 1); /* e + combining acute */
    CHECK_INT(sp_grid_width("\xff" "a"), 2);  /* an invalid byte counts one */
    CHECK_STR(sp_grid_stars(0.004), "***");
    CHECK_STR(sp_grid_stars(0.07), "*");
    CHECK_STR(sp_grid_stars(NAN), "");
    CHECK_STR(sp_grid_tex_stars(0.03), "^{**}");
    CHECK_INT(sp_grid_format_for("a/b.TEX", SP_GRID_CSV), SP_GRID_LATEX);
    CHECK_INT(sp_grid_format_for("b.md", SP_GRID_CSV), SP_GRID_MARKDOWN);
    CHECK_INT(sp_grid_format_for("b.txt", SP_GRID_CSV), SP_GRID_TEXT);
    CHECK_INT(sp_grid_format_for("a.d/b", SP_GRID_CSV), SP_GRID_CSV);
    CHECK_INT(sp_grid_format_for("b.dat", SP_GRID_TEXT), SP_GRID_TEXT);
    CHECK_INT(sp_grid_format_for("b.XLSX", SP_GRID_CSV), SP_GRID_XLSX);
}

/* -o FILE: the extension chooses unless a flag did; a flag against the
 * extension and .xlsx (a stream of tables) are usage errors. */
static void test_by_extension(void)
{
    sp_grid_dest d = {.format = SP_GRID_TEXT, .path = "m.md"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_OK);
    CHECK_INT(d.format, SP_GRID_MARKDOWN);
    d = (sp_grid_dest){.format = SP_GRID_TEXT, .path = "m.out"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_OK);
    CHECK_INT(d.format, SP_GRID_CSV);
    d = (sp_grid_dest){.format = SP_GRID_LATEX, .flag = "latex", .path = "m.out"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_OK);
    CHECK_INT(d.format, SP_GRID_LATEX);
    d = (sp_grid_dest){.format = SP_GRID_CSV, .flag = "csv", .path = "m.CSV"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_OK);
    d = (sp_grid_dest){.format = SP_GRID_LATEX, .flag = "latex", .path = "m.txt"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_EUSAGE);
    CHECK(strstr(sp_error_msg(), "--latex and -o m.txt: the extension asks for text"));
    d = (sp_grid_dest){.format = SP_GRID_TEXT, .path = "m.xlsx"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_EUSAGE);
    d = (sp_grid_dest){.format = SP_GRID_JSON, .flag = "json"};
    CHECK_INT(sp_grid_dest_by_extension(&d, SP_GRID_CSV), SP_OK); /* no -o: stdout */
    CHECK_INT(d.format, SP_GRID_JSON);
}

static void test_text(void)
{
    sp_grid *g = sample();
    int rc;
    char *s = render(g, SP_GRID_TEXT, &rc);
    CHECK_INT(rc, SP_OK);
    /* the Chinese header and cell take two columns a character: all aligned */
    CHECK_STR(s, "Moran's I_t\n"
                 "省份             I     p\n"
                 "北京      0.500***  0.00\n"
                 "Hebei, x         -     7\n"
                 "p two-sided\n");
    free(s);
    sp_grid_text_layout(g, 0, 1, 1);
    s = render(g, SP_GRID_TEXT, &rc);
    CHECK(strstr(s, "\n北京     0.500*** 0.00\n") != NULL);
    free(s);
    sp_grid_text_layout(g, 2, 1, 0); /* indented, no header */
    s = render(g, SP_GRID_TEXT, &rc);
    const char *want = "Moran's I_t\n  北京     0.500*** 0.00\n";
    CHECK(strncmp(s, want, strlen(want)) == 0);
    free(s);
    sp_grid_free(g);
    /* a left-aligned last column has no trailing blanks; long cells are kept whole */
    static const sp_grid_col kv[] = {{.name = "k", .width = 6, .align = SP_GRID_LEFT},
                                     {.name = "v", .align = SP_GRID_LEFT}};
    g = sp_grid_new(NULL, kv, 2);
    sp_grid_text_layout(g, 2, 0, 0);
    sp_grid_row(g);
    sp_grid_str(g, "units");
    sp_grid_str(g, "1");
    sp_grid_row(g);
    sp_grid_str(g, "links");
    sp_grid_strf(g, "%0600d", 7);
    s = render(g, SP_GRID_TEXT, &rc);
    CHECK(strncmp(s, "  units 1\n  links 000", 21) == 0);
    CHECK_INT((int)strlen(s), 10 + 8 + 600 + 1);
    free(s);
    sp_grid_free(g);
}

static void test_csv_markdown(void)
{
    sp_grid *g = sample();
    int rc;
    char *s = render(g, SP_GRID_CSV, &rc);
    CHECK_INT(rc, SP_OK);
    CHECK_STR(s, "province,I,p\n北京,0.500,0.00\n\"Hebei, x\",,7\n");
    free(s);
    s = render(g, SP_GRID_MARKDOWN, &rc);
    CHECK_STR(s, "**Moran's I_t**\n\n| 省份 | I | p |\n|:---|---:|---:|\n"
                 "| 北京 | 0.500*** | 0.00 |\n| Hebei, x | - | 7 |\n\np two-sided\n");
    free(s);
    sp_grid_free(g);
}

static void test_latex_json(void)
{
    sp_grid *g = sample();
    int rc;
    char *s = render(g, SP_GRID_LATEX, &rc);
    CHECK_INT(rc, SP_OK);
    CHECK_STR(s, "\\begin{table}[htbp]\\centering\n\\caption{Moran's I\\_t}\n"
                 "\\begin{tabular}{lrr}\n\\toprule\n省份 & I & p \\\\\n\\midrule\n"
                 "北京 & $0.500^{***}$ & 0.00 \\\\\nHebei, x & - & 7 \\\\\n\\bottomrule\n"
                 "\\multicolumn{3}{l}{\\footnotesize p two-sided}\n\\end{tabular}\n\\end{table}\n");
    free(s);
    s = render(g, SP_GRID_JSON, &rc);
    CHECK_INT(rc, SP_OK);
    CHECK(strstr(s, "\"columns\": [\n    \"province\",\n    \"I\",\n    \"p\"\n  ]") != NULL);
    CHECK(strstr(s, "\"I\": null") != NULL);
    CHECK(strstr(s, "\"p\": 7") != NULL);
    free(s);
    sp_grid_free(g);
}

static void test_errors(void)
{
    static const sp_grid_col cols[] = {{.name = "a"}};
    sp_grid *g = sp_grid_new(NULL, cols, 1);
    CHECK_INT(sp_grid_str(g, "no row yet"), SP_EUSAGE);
    sp_grid_row(g);
    CHECK_INT(sp_grid_str(g, "x"), SP_EUSAGE); /* sticky: the first failure stays */
    int rc;
    char *s = render(g, SP_GRID_TEXT, &rc);
    CHECK_INT(rc, SP_EUSAGE);
    CHECK_STR(s, "");
    free(s);
    sp_grid_free(g);
    CHECK_INT(sp_grid_row(NULL), SP_ENOMEM);
    CHECK_INT(sp_grid_write(NULL, SP_GRID_CSV, stdout), SP_ENOMEM);
}

static void test_save(void)
{
    char dir[] = "/tmp/t_grid_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    sp_grid *g = sample();
    CHECK_INT(sp_grid_save(g, SP_GRID_CSV, path), SP_OK);
    FILE *f = fopen(path, "r");
    char line[64] = "";
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "province,I,p\n");
    if (f)
        fclose(f);
    sp_grid_free(g);
    /* a failed grid leaves no file */
    static const sp_grid_col cols[] = {{.name = "a"}};
    g = sp_grid_new(NULL, cols, 1);
    sp_grid_str(g, "x");
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    CHECK_INT(sp_grid_save(g, SP_GRID_CSV, path), SP_EUSAGE);
    CHECK(access(path, F_OK) != 0);
    sp_grid_free(g);
    /* a workbook: the keys as its header row, numbers as numbers (NaN empty),
     * read back by spill's reader; not to a stream */
    g = sample();
    snprintf(path, sizeof path, "%s/t.xlsx", dir);
    CHECK_INT(sp_grid_save(g, SP_GRID_XLSX, path), SP_OK);
    CHECK_INT(sp_grid_write(g, SP_GRID_XLSX, stdout), SP_EUSAGE);
    sp_grid_free(g);
    sp_table *t = NULL;
    CHECK_INT(sp_table_read(path, NULL, &t), SP_OK);
    double x = 0.0;
    if (t && t->ncol == 3 && t->nrow == 2) {
        CHECK_STR(t->names[0], "province");
        CHECK_STR(t->names[2], "p");
        CHECK_STR(sp_table_cell(t, 0, 0), "北京");
        CHECK(sp_table_parse_double(sp_table_cell(t, 0, 1), &x) == 0 && x == 0.5);
        CHECK(sp_table_parse_double(sp_table_cell(t, 0, 2), &x) == 0 && x == 0.004);
        CHECK(sp_table_cell(t, 1, 1) == NULL);
        CHECK(sp_table_parse_double(sp_table_cell(t, 1, 2), &x) == 0 && x == 7.0);
    } else {
        TH_RECORD(0, "t.xlsx: %d x %d, want 2 x 3", t ? t->nrow : -1, t ? t->ncol : -1);
    }
    sp_table_free(t);
    unlink(path);
    snprintf(path, sizeof path, "%s/t.csv", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    RUN(test_width);
    RUN(test_text);
    RUN(test_csv_markdown);
    RUN(test_latex_json);
    RUN(test_errors);
    RUN(test_save);
    RUN(test_by_extension);
    return th_report("t_grid");
}
