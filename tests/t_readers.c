/* Tests for the readers users bring files to (sp_table with sp_readstat,
 * sp_wide, the encodings of sp_gdal; sp_wdense): each fixture of
 * tests/fixtures/readers (made from the bundled China files by
 * scripts/make-reader-fixtures.sh and scripts/make-xlsx-fixtures.sh) must give back the original's values
 * exactly: numbers as the same doubles, text as the same UTF-8 strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_readopt.h"
#include "sp_table.h"
#include "sp_wio.h"

#define FIX TH_FIXTURES "/readers"

static sp_table *read_with(const char *path, const char *sheet, int skip, const char *wide)
{
    sp_readopt o = {.command = "t_readers", .sheet = sheet, .skip_rows = skip};
    if (wide)
        o.wide[o.nwide++] = wide;
    sp_readopt_set(&o);
    sp_table *t = NULL;
    int rc = sp_table_read(path, NULL, &t);
    TH_RECORD(rc == SP_OK, "read %s: %s", path, sp_error_msg());
    sp_readopt none = {0};
    sp_readopt_set(&none);
    return t;
}

/* Cells equal: the same text, or numbers that parse to the same double. */
static int same_cell(const char *a, const char *b)
{
    double x, y;
    if (!a || !b)
        return a == b;
    if (strcmp(a, b) == 0)
        return 1;
    return sp_table_parse_double(a, &x) == 0 && sp_table_parse_double(b, &y) == 0 && x == y;
}

/* Every cell of t equals the reference's, column by column in order. */
static void check_same_table(const sp_table *t, const sp_table *ref, const char *what)
{
    if (!t || !ref)
        return;
    TH_RECORD(t->nrow == ref->nrow && t->ncol == ref->ncol, "%s: %d x %d, want %d x %d", what,
              t->nrow, t->ncol, ref->nrow, ref->ncol);
    int bad = 0;
    for (int r = 0; r < t->nrow && r < ref->nrow; r++)
        for (int c = 0; c < t->ncol && c < ref->ncol; c++)
            if (!same_cell(sp_table_cell(t, r, c), sp_table_cell(ref, r, c)) && bad++ < 3)
                TH_RECORD(0, "%s: row %d column %s: '%s', want '%s'", what, r + 1, ref->names[c],
                          sp_table_cell(t, r, c) ? sp_table_cell(t, r, c) : "(null)",
                          sp_table_cell(ref, r, c) ? sp_table_cell(ref, r, c) : "(null)");
    TH_RECORD(bad == 0, "%s: %d cells differ", what, bad);
}

static void test_stat_files(void)
{
    sp_table *ref = read_with(FIX "/ai_index_utf8.csv", NULL, 0, NULL);
    const char *files[] = {FIX "/ai_index.dta", FIX "/ai_index.sav", FIX "/ai_index_v13_gbk.dta"};
    for (int k = 0; k < 3; k++) { /* the last: Stata 13, GBK text, decoded as GB18030 */
        sp_table *t = read_with(files[k], NULL, 0, NULL);
        check_same_table(t, ref, files[k]);
        if (t) {
            CHECK_STR(t->names[1], "name_zh");
            CHECK_STR(sp_table_cell(t, 0, 1), "北京"); /* UTF-8 text */
            CHECK_STR(sp_table_cell(t, 0, 4), "东部"); /* value label, not 1 */
        }
        sp_table_free(t);
    }
    /* SAS (transport v8 and sas7bdat): the same first four columns. */
    const char *sas[] = {FIX "/ai_index.xpt", FIX "/ai_index.sas7bdat"};
    for (int k = 0; ref && k < 2; k++) {
        sp_table *t = read_with(sas[k], NULL, 0, NULL);
        int bad = !t || t->nrow != ref->nrow || t->ncol != 4;
        for (int r = 0; !bad && r < t->nrow; r++)
            for (int c = 0; c < 4; c++)
                bad += !same_cell(sp_table_cell(t, r, c), sp_table_cell(ref, r, c));
        TH_RECORD(!bad, "%s: the values of the CSV", sas[k]);
        sp_table_free(t);
    }
    /* The converted CSV holds the bundled file's values exactly. */
    sp_table *orig = read_with("shapefiles/ai_index_province.csv", NULL, 0, NULL);
    if (orig && ref)
        for (int r = 0; r < orig->nrow; r++)
            TH_RECORD(same_cell(sp_table_cell(orig, r, 3), sp_table_cell(ref, r, 3)),
                      "row %d: ai_index", r + 1);
    sp_table_free(orig);
    sp_table_free(ref);
}

static void test_gbk(void)
{
    sp_table *ref = read_with(FIX "/ai_index_utf8.csv", NULL, 0, NULL);
    sp_table *t = read_with(FIX "/ai_index_gbk.csv", NULL, 0, NULL);
    check_same_table(t, ref, "GBK CSV");
    if (t) {
        CHECK_STR(t->names[0], "代码");
        CHECK_STR(t->names[3], "人工智能指数");
    }
    sp_table_free(t);
    sp_table_free(ref);
    /* A GBK DBF without .cpg gives the same strings as the bundled UTF-8 one. */
    ref = read_with("shapefiles/china_provinces.dbf", NULL, 0, NULL);
    t = read_with(FIX "/provinces_gbk.dbf", NULL, 0, NULL);
    check_same_table(t, ref, "GBK DBF");
    sp_table_free(t);
    sp_table_free(ref);
    /* Neither UTF-8 nor GB18030: an error naming --encoding; with it, read. */
    sp_table *bad = NULL;
    CHECK_INT(sp_table_read(FIX "/latin1.csv", NULL, &bad), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "neither UTF-8 nor GB18030") && strstr(sp_error_msg(), "--encoding"));
    sp_readopt o = {.encoding = "LATIN1"};
    sp_readopt_set(&o);
    CHECK_INT(sp_table_read(FIX "/latin1.csv", NULL, &bad), SP_OK);
    if (bad)
        CHECK_STR(sp_table_cell(bad, 0, 1), "Björkÿ");
    sp_table_free(bad);
    sp_readopt none = {0};
    sp_readopt_set(&none);
}

/* The wide sheets, reshaped, hold the long table's ai_index for each unit and year. */
static void check_wide(const sp_table *w, const sp_table *ref, const char *what)
{
    int ci = sp_table_col(w, "adcode"), cy = sp_table_col(w, "year"), cv = sp_table_col(w, "ai");
    TH_RECORD(ci >= 0 && cy >= 0 && cv >= 0, "%s: columns adcode, year, ai", what);
    if (ci < 0 || cy < 0 || cv < 0)
        return;
    int found = 0;
    for (int r = 0; r < ref->nrow; r++)
        for (int s = 0; s < w->nrow; s++)
            if (same_cell(sp_table_cell(w, s, ci), sp_table_cell(ref, r, 0)) &&
                same_cell(sp_table_cell(w, s, cy), sp_table_cell(ref, r, 2))) {
                found++;
                TH_RECORD(same_cell(sp_table_cell(w, s, cv), sp_table_cell(ref, r, 3)),
                          "%s: %s %s", what, sp_table_cell(ref, r, 0), sp_table_cell(ref, r, 2));
            }
    TH_RECORD(found == ref->nrow, "%s: %d of %d unit-years", what, found, ref->nrow);
    TH_RECORD(w->nrow == ref->nrow, "%s: %d rows, want %d", what, w->nrow, ref->nrow);
}

static void test_excel(void)
{
    sp_table *ref = read_with(FIX "/ai_index_utf8.csv", NULL, 0, NULL);
    sp_table *w = read_with(FIX "/ai_wide.xlsx", "指数", 2, "ai");
    if (w && ref)
        check_wide(w, ref, "sheet 指数");
    if (w)
        CHECK_STR(w->names[1], "name_zh");
    sp_table_free(w);
    w = read_with(FIX "/ai_wide.xlsx", "years", 0, "ai:{year}");
    if (w && ref)
        check_wide(w, ref, "sheet years");
    sp_table_free(w);
    sp_table_free(ref);
    /* A field missing from the first sheet: the message names the sheets. */
    sp_table *t = NULL;
    CHECK_INT(sp_table_read(FIX "/ai_wide.xlsx", NULL, &t), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "sheets: 说明, 指数, years") != NULL);
    w = read_with(FIX "/ai_wide.xlsx", "years", 0, NULL);
    int col;
    if (w) {
        CHECK_INT(sp_table_require(w, "ai_index", &col), SP_EDATA);
        CHECK(strstr(sp_error_msg(), "fields: adcode, 2011, 2015, 2019, 2022; on sheet 'years'"));
    }
    sp_table_free(w);
}

/* Sheets as pandas to_excel(index = False) and ogr2ogr write them (row 1 a
 * text header over numbers, which GDAL's header guess kept for itself): the
 * bundled CSV's names and cells (scripts/make-xlsx-fixtures.sh). */
static void test_header_row(void)
{
    sp_table *ref = read_with("shapefiles/ai_index_province.csv", NULL, 0, NULL);
    const char *files[] = {FIX "/ai_pandas.xlsx", FIX "/ai_ogr.xlsx", FIX "/ai_ogr.ods"};
    for (int k = 0; ref && k < 3; k++) {
        sp_table *t = read_with(files[k], NULL, 0, NULL);
        for (int c = 0; t && c < t->ncol && c < ref->ncol; c++)
            TH_RECORD(strcmp(t->names[c], ref->names[c]) == 0, "%s: field %d is '%s', want '%s'",
                      files[k], c + 1, t->names[c], ref->names[c]);
        check_same_table(t, ref, files[k]);
        sp_table_free(t);
    }
    sp_table_free(ref);
    /* Years as text header cells ("2011") over numbers: names, not data. */
    ref = read_with(FIX "/ai_index_utf8.csv", NULL, 0, NULL);
    sp_table *w = read_with(FIX "/ai_years_text.xlsx", NULL, 0, "ai:{year}");
    if (w && ref)
        check_wide(w, ref, "years as text header");
    sp_table_free(w);
    sp_table_free(ref);
}

/* A header row of text ids and no id column (pandas index = False), as CSV
 * and on a sheet: the ids kept, the same matrix from both. */
static void test_dense_id_header(void)
{
    sp_weights *C = NULL, *X = NULL, *G = NULL;
    CHECK_INT(sp_wio_read(FIX "/w_abcd.csv", &C), SP_OK);
    CHECK_INT(sp_wio_read(FIX "/w_abcd.xlsx", &X), SP_OK);
    for (int k = 0; k < 2; k++) {
        const sp_weights *W = k ? X : C;
        CHECK(W && W->n == 4 && sp_csr_nnz(W->w) == 8);
        if (W && W->n == 4)
            TH_RECORD(!strcmp(W->ids[0], "a") && !strcmp(W->ids[3], "d"), "abcd %s: ids %s..%s",
                      k ? "xlsx" : "csv", W->ids[0], W->ids[3]);
    }
    sp_weights_free(C);
    sp_weights_free(X);
    C = X = NULL;
    CHECK_INT(sp_wio_read(FIX "/provinces_dense_names.csv", &C), SP_OK);
    CHECK_INT(sp_wio_read(FIX "/provinces_dense_names.xlsx", &X), SP_OK);
    CHECK_INT(sp_wio_read(FIX "/provinces_libpysal.gal", &G), SP_OK);
    if (C && X && G) {
        CHECK(C->n == 34 && X->n == 34 && sp_csr_equal(C->w, X->w));
        CHECK(sp_csr_nnz(C->w) == sp_csr_nnz(G->w));
        CHECK_STR(C->ids[0], "Beijing");
        CHECK_STR(X->ids[33], C->ids[33]);
    }
    sp_weights_free(C);
    sp_weights_free(X);
    sp_weights_free(G);
}

/* Same neighbour sets as libpysal's GAL of the same W. */
static void test_dense(void)
{
    sp_weights *G = NULL;
    CHECK_INT(sp_wio_read(FIX "/provinces_libpysal.gal", &G), SP_OK);
    const char *files[] = {FIX "/provinces_dense.csv", FIX "/provinces_dense.xlsx",
                           FIX "/provinces_spmat.txt"};
    for (int k = 0; G && k < 3; k++) {
        sp_weights *W = NULL, *A = NULL;
        int rc = sp_wio_read(files[k], &W);
        TH_RECORD(rc == SP_OK, "%s: %s", files[k], sp_error_msg());
        if (!rc)
            rc = sp_weights_align(W, (const char *const *)G->ids, G->n, files[k], &A);
        TH_RECORD(rc == SP_OK && W->n == G->n && sp_csr_equal(A->w, G->w), "%s equals the GAL",
                  files[k]);
        sp_weights_free(A);
        sp_weights_free(W);
    }
    sp_weights *N = NULL;
    CHECK_INT(sp_wio_read(FIX "/provinces_dense_noheader.csv", &N), SP_OK);
    CHECK(N && G && N->n == G->n && sp_csr_nnz(N->w) == sp_csr_nnz(G->w));
    sp_weights_free(N);
    sp_weights_free(G);
    /* libpysal's GWT of a W with islands: 32 units named, 2 counted. */
    sp_weights *T = NULL;
    CHECK_INT(sp_wio_read(FIX "/provinces_libpysal.gwt", &T), SP_OK);
    CHECK(T && T->n == 32 && T->unnamed == 2);
    sp_weights_free(T);
    CHECK_INT(sp_wio_read(FIX "/dense_not_square.csv", &T), SP_EDATA);
    CHECK_INT(sp_wio_read(FIX "/dense_not_numeric.csv", &T), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "'x' is not a finite number") != NULL);
}

/* --wide on small tables: two specs, a missing period, order, conflicts. */
static void test_wide_cases(void)
{
    const char *path = "/tmp/t_readers_wide.csv";
    FILE *f = fopen(path, "w");
    fputs("id,gdp2012,gdp2011,pop2012,gdpx\nA,2,1,20,k\nB,4,3,,m\n", f);
    fclose(f);
    sp_readopt o = {.wide = {"gdp:gdp{t}", "pop:pop{t}"}, .nwide = 2};
    sp_readopt_set(&o);
    sp_table *t = NULL;
    CHECK_INT(sp_table_read(path, NULL, &t), SP_OK);
    if (t) {
        CHECK(t->nrow == 4 && t->ncol == 5);
        CHECK_STR(t->names[0], "id");
        CHECK_STR(t->names[1], "gdpx"); /* not a period: kept */
        CHECK_STR(t->names[2], "t");
        CHECK_STR(t->names[3], "gdp");
        CHECK_STR(t->names[4], "pop");
        CHECK_STR(sp_table_cell(t, 0, 2), "2011"); /* numeric order */
        CHECK_STR(sp_table_cell(t, 0, 3), "1");
        CHECK(sp_table_cell(t, 0, 4) == NULL);     /* no pop2011 column */
        CHECK_STR(sp_table_cell(t, 1, 4), "20");
        CHECK_STR(sp_table_cell(t, 3, 0), "B");
        CHECK(sp_table_cell(t, 3, 4) == NULL);     /* empty cell */
    }
    sp_table_free(t);
    sp_readopt clash = {.wide = {"gdp:gdp{id}"}, .nwide = 1};
    sp_readopt_set(&clash);
    CHECK_INT(sp_table_read(path, NULL, &t), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "column 'id' exists already") != NULL);
    sp_readopt none = {0};
    sp_readopt_set(&none);
    unlink(path);
}

static void test_truncated(void)
{
    sp_table *t = NULL;
    CHECK_INT(sp_table_read(FIX "/truncated.dta", NULL, &t), SP_EDATA);
    CHECK(t == NULL && strstr(sp_error_msg(), "truncated.dta: cannot read this file"));
    CHECK_INT(sp_table_read("tests/t_readers.c", NULL, &t), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "Stata .dta") != NULL); /* names the formats */
}

int main(void)
{
    RUN(test_stat_files);
    RUN(test_gbk);
    RUN(test_excel);
    RUN(test_header_row);
    RUN(test_dense);
    RUN(test_dense_id_header);
    RUN(test_wide_cases);
    RUN(test_truncated);
    return th_report("t_readers");
}
