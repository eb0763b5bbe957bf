/* Tests for sp_wio: bit-exact round trips in every format, the libpysal
 * example files against libpysal's readers (tests/fixtures/wio, made by
 * scripts/ref-wio.py), tolerant reading (CRLF, blanks, BOM), malformed files,
 * write errors, and truncated or corrupted buffers (no crash, SP_EDATA). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_rng.h"
#include "sp_wfast.h"
#include "sp_wio.h"

#define FIX TH_FIXTURES "/wio"

static char tmpdir[] = "/tmp/t_wio.XXXXXX";

static const char *tmp(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    return path[k];
}

static sp_weights *make_w(int n, const char *const *ids, int nnz, const int *ti, const int *tj,
                          const double *tx)
{
    sp_csr *w;
    sp_weights *W;
    if (sp_csr_from_triplets(n, n, nnz, ti, tj, tx, &w))
        return NULL;
    if (sp_weights_new(n, ids, w, &W)) {
        sp_csr_free(w);
        return NULL;
    }
    return W;
}

/* Ids with blanks, commas and quotes; asymmetric weights that need all 17
 * digits; a negative and a tiny weight; unit 3 an island. */
static sp_weights *w_text(void)
{
    static const char *ids[] = {"Beijing City", "Tianjin", "He bei", "island x",
                                "Shanxi, \"Taiyuan\""};
    static const int ti[] = {0, 0, 1, 1, 2, 4, 4, 2};
    static const int tj[] = {1, 2, 0, 4, 1, 0, 2, 2};
    double tx[] = {1.0 / 3.0, 0.1 + 0.2, 2.0 / 3.0, 1e-300, -1.25, 2.5e10, 7.0, 0.5};
    return make_w(5, ids, 8, ti, tj, tx);
}

/* Integer ids (negative, not sorted), an island, a self weight, asymmetric. */
static sp_weights *w_int(void)
{
    static const char *ids[] = {"10", "-3", "7", "42", "5"};
    static const int ti[] = {0, 0, 1, 2, 2, 2, 4, 4};
    static const int tj[] = {1, 4, 0, 0, 1, 2, 0, 1};
    double tx[] = {0.25, 0.75, 1.0, 1.0 / 7.0, 3.0 / 7.0, 3.0 / 7.0, 1e-17, 123456.789};
    return make_w(5, ids, 8, ti, tj, tx);
}

static int same_ids(const sp_weights *a, const sp_weights *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->ids[i], b->ids[i]) != 0)
            return 0;
    return 1;
}

/* A copy of W with every weight 1: what GAL gives back. */
static sp_weights *binary_copy(const sp_weights *W)
{
    sp_weights *B;
    if (sp_weights_copy(W, &B))
        return NULL;
    for (int k = 0; k < sp_csr_nnz(B->w); k++)
        B->w->x[k] = 1.0;
    return B;
}

/* Whether every row of W has one weight (what a GAL file can hold). */
static int rows_equal(const sp_weights *W)
{
    for (int i = 0; i < W->n; i++)
        for (int k = W->w->p[i] + 1; k < W->w->p[i + 1]; k++)
            if (W->w->x[k] != W->w->x[W->w->p[i]])
                return 0;
    return 1;
}

static void check_roundtrip(const sp_weights *W, const char *name)
{
    const char *path = tmp(name);
    if (sp_wio_format(path) == SP_WF_GAL && !rows_equal(W)) { /* refused, nothing written */
        int rc = sp_wio_write(path, W);
        TH_RECORD(rc == SP_EUSAGE && strstr(sp_error_msg(), "a GAL file holds neighbour lists "
                  "only") && access(path, F_OK) != 0, "write %s (unequal weights): rc %d, %s",
                  name, rc, sp_error_msg());
        sp_weights *B = binary_copy(W);
        if (B)
            check_roundtrip(B, name); /* its binary pattern goes through */
        sp_weights_free(B);
        return;
    }
    int rc = sp_wio_write(path, W);
    TH_RECORD(rc == SP_OK, "write %s: %s", name, sp_error_msg());
    sp_weights *R = NULL;
    rc = rc ? rc : sp_wio_read(path, &R);
    TH_RECORD(rc == SP_OK, "read %s: %s", name, sp_error_msg());
    if (rc)
        return;
    sp_weights *want = sp_wio_format(path) == SP_WF_GAL ? binary_copy(W) : (sp_weights *)W;
    if (sp_wio_format(path) == SP_WF_GWT) {
        /* GWT leaves islands out (libpysal, GeoDa): W without them, counted. */
        int *isl, nisl = 0;
        if (sp_weights_islands(W, &isl, &nisl) == SP_OK)
            free(isl);
        TH_RECORD(R->unnamed == nisl, "%s: %d unnamed islands, want %d", name, R->unnamed, nisl);
        if (sp_weights_align(W, (const char *const *)R->ids, R->n, name, &want) != SP_OK)
            want = (sp_weights *)W;
    }
    TH_RECORD(same_ids(R, want), "%s: ids differ", name);
    TH_RECORD(sp_csr_equal(R->w, want->w), "%s: matrix differs", name);
    if (want != W)
        sp_weights_free(want);
    sp_weights_free(R);
    unlink(path);
}

static void test_roundtrip(void)
{
    sp_weights *T = w_text(), *I = w_int();
    CHECK(T && I);
    if (!T || !I)
        return;
    check_roundtrip(T, "text.mtx");
    check_roundtrip(T, "text.csv");
    check_roundtrip(I, "int.gal");
    check_roundtrip(I, "int.gwt");
    check_roundtrip(I, "int.swm");
    check_roundtrip(I, "int.mtx");
    check_roundtrip(I, "int.csv");
    check_roundtrip(I, "INT.GWT"); /* extension case does not matter */
    sp_weights_free(T);
    sp_weights_free(I);

    /* Text ids without blanks in GAL and GWT; GWT keeps islands and unit order. */
    static const char *ids[] = {"z-last", "a:first", "lonely", "m"};
    static const int ti[] = {0, 1, 3}, tj[] = {3, 0, 1};
    double tx[] = {0.1, 0.7, 1.0 / 9.0};
    sp_weights *S = make_w(4, ids, 3, ti, tj, tx);
    check_roundtrip(S, "s.gal");
    check_roundtrip(S, "s.gwt");
    check_roundtrip(S, "s.mtx");
    check_roundtrip(S, "s.csv");
    sp_weights_free(S);

    /* Many units: writing and reading stay exact. */
    enum { N = 3000, K = 5 };
    static int bi[N * K], bj[N * K];
    static double bx[N * K];
    for (int i = 0, e = 0; i < N; i++)
        for (int k = 1; k <= K; k++, e++) {
            bi[e] = i;
            bj[e] = (i + k * 37) % N;
            bx[e] = 1.0 / (1.0 + i + k * 1e-3);
        }
    sp_weights *B = make_w(N, NULL, N * K, bi, bj, bx);
    check_roundtrip(B, "big.gwt");
    check_roundtrip(B, "big.swm");
    check_roundtrip(B, "big.mtx");
    check_roundtrip(B, "big.gal");
    sp_weights_free(B);
}

/* ---- the libpysal examples against libpysal's readers ------------------- */

static int read_csv_line(FILE *f, char **cells, int max, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, f))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    int n = 0;
    for (char *s = buf; n < max;) {
        cells[n++] = s;
        char *c = strchr(s, ',');
        if (!c)
            break;
        *c = '\0';
        s = c + 1;
    }
    return n;
}

static void test_libpysal_files(void)
{
    char buf[512], *c[8];
    FILE *f = fopen(FIX "/libpysal_summary.csv", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    int files = 0;
    read_csv_line(f, c, 8, buf, sizeof buf);
    while (read_csv_line(f, c, 8, buf, sizeof buf) == 7) {
        char path[256];
        snprintf(path, sizeof path, FIX "/%s", c[0]);
        sp_weights *W;
        int rc = sp_wio_read(path, &W);
        TH_RECORD(rc == SP_OK, "%s: %s", c[0], sp_error_msg());
        if (rc)
            continue;
        files++;
        sp_weights_summary s;
        sp_weights_summarize(W, &s);
        double s0 = 0.0;
        for (int k = 0; k < sp_csr_nnz(W->w); k++)
            s0 += W->w->x[k];
        TH_RECORD(s.n == atoi(c[1]) && s.nnz == atoi(c[2]), "%s: n %d nnz %d, libpysal %s %s",
                  c[0], s.n, s.nnz, c[1], c[2]);
        CHECK_REL(s0, atof(c[3]), 1e-12);
        TH_RECORD(s.min_neighbors == atoi(c[4]) && s.max_neighbors == atoi(c[5]) &&
                      s.n_islands == atoi(c[6]), "%s: neighbour counts", c[0]);
        sp_weights_free(W);
    }
    fclose(f);
    CHECK_INT(files, 10);

    f = fopen(FIX "/libpysal_links.csv", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    read_csv_line(f, c, 8, buf, sizeof buf);
    char current[128] = "";
    sp_weights *W = NULL;
    int links = 0;
    while (read_csv_line(f, c, 8, buf, sizeof buf) == 4) {
        if (strcmp(c[0], current) != 0) {
            sp_weights_free(W);
            W = NULL;
            char path[256];
            snprintf(path, sizeof path, FIX "/%s", c[0]);
            snprintf(current, sizeof current, "%s", c[0]);
            if (sp_wio_read(path, &W))
                continue;
        }
        if (!W)
            continue;
        int i = sp_weights_find(W, c[1]), j = sp_weights_find(W, c[2]);
        TH_RECORD(i >= 0 && j >= 0, "%s: link %s -> %s not found", c[0], c[1], c[2]);
        if (i >= 0 && j >= 0) {
            TH_RECORD(sp_csr_get(W->w, i, j) == atof(c[3]), "%s: w(%s, %s) = %.17g, libpysal %s",
                      c[0], c[1], c[2], sp_csr_get(W->w, i, j), c[3]);
            links++;
        }
    }
    sp_weights_free(W);
    fclose(f);
    CHECK(links > 100);
}

/* ---- tolerant reading ---------------------------------------------------- */

static sp_weights *parse(const char *text, sp_wformat fmt, int *rc)
{
    sp_weights *W = NULL;
    *rc = sp_wio_read_buffer(text, strlen(text), fmt, "test.w", &W);
    return W;
}

static void check_same_text(const char *clean, const char *messy, sp_wformat fmt)
{
    int rc1, rc2;
    sp_weights *A = parse(clean, fmt, &rc1), *B = parse(messy, fmt, &rc2);
    TH_RECORD(rc1 == SP_OK && rc2 == SP_OK, "format %d: %s", fmt, sp_error_msg());
    if (A && B)
        TH_RECORD(same_ids(A, B) && sp_csr_equal(A->w, B->w), "format %d: messy file differs", fmt);
    sp_weights_free(A);
    sp_weights_free(B);
}

/* The one-pass readers (io/sp_wfast.h) against the general parser
 * (SPILL_WIO_PARSER=general): a file they take gives the same ids, matrix
 * and unnamed count; a file they decline (fast = 0) is still read, by the
 * general parser. */
static void check_fast_paths(const char *text, sp_wformat fmt, int fast)
{
    sp_weights *F = NULL, *G, *D;
    int rc = fmt == SP_WF_GAL ? sp_wfast_gal(text, strlen(text), &F)
                              : sp_wfast_gwt(text, strlen(text), &F);
    TH_RECORD(rc == SP_OK && (F != NULL) == fast, "fast path %s: %.60s", fast ? "declined" : "took",
              text);
    setenv("SPILL_WIO_PARSER", "general", 1);
    G = parse(text, fmt, &rc);
    unsetenv("SPILL_WIO_PARSER");
    D = parse(text, fmt, &rc);
    TH_RECORD(G && D, "not read: %s", sp_error_msg());
    if (F && G)
        TH_RECORD(same_ids(F, G) && sp_csr_equal(F->w, G->w) && F->unnamed == G->unnamed,
                  "fast and general differ: %.60s", text);
    if (D && G)
        TH_RECORD(same_ids(D, G) && sp_csr_equal(D->w, G->w) && D->unnamed == G->unnamed,
                  "default and general differ: %.60s", text);
    sp_weights_free(F);
    sp_weights_free(G);
    sp_weights_free(D);
}

static void check_gal_paths(const char *text, int fast)
{
    check_fast_paths(text, SP_WF_GAL, fast);
}

static void test_gal_fast(void)
{
    check_gal_paths("3\n1 1\n2\n2 2\n1 3\n3 1\n2\n", 1);
    check_gal_paths("3\r\n1 1\r\n2\r\n2 2\r\n1 3\r\n3 1\r\n2\r\n", 1);           /* CRLF */
    check_gal_paths("3 \t\n1 1 \n2\t\n2 2  \r\n1 3 \r \n3 1\n 2 \n", 1);       /* trailing blanks */
    check_gal_paths("\n\n3\n\n1 1\n\n2\n \r\n2\t2\n1\t3\n3 1\n2\n\n\n", 1);   /* blank lines, tabs */
    check_gal_paths("3\n1 1\n2\n2 2\n1 3\n3 1\n2", 1);                          /* no final newline */
    check_gal_paths("0 3 columbus POLYID\n1 1\n2\n2 2\n1 3\n3 1\n2\n", 1);      /* GeoDa, spill */
    check_gal_paths("0 3 grid ID\n1 1\n2\n2 2\n3 1\n3 1\n2\n", 1);             /* R oldstyle=FALSE */
    check_gal_paths("4\n0 2\n1 2\n1 2\n0 3\n2 2\n0 3\n3 2\n1 2\n", 1);          /* libpysal, 0-based */
    check_gal_paths("\xEF\xBB\xBF" "2\n1 1\n2\n2 1\n1\n", 1);                     /* byte order mark */
    check_gal_paths("3\n1 2\n3 2\n2 1\n1\n3 1\n1\n", 1);                        /* unsorted list */
    check_gal_paths("3\n1 0\n2 1\n3\n3 1\n2\n", 1);                            /* an island */
    check_gal_paths("3\n1 0\n\n2 1\n3\n3 1\n2\n", 1);                          /* its blank line */
    check_gal_paths("3\n30 1\n10\n10 1\n30\n20 0\n", 1);                       /* ids not 1..n */
    check_gal_paths("0 +3 x id\n1 1\n2\n2 1\n1\n3 0\n", 0);                    /* declined: */
    check_gal_paths("3\na 1\nb\nb 1\na\nc 0\n", 0);                            /* text ids */
    check_gal_paths("3\n110000 1\n120000\n120000 1\n110000\n130000 0\n", 0);   /* large ids */
    check_gal_paths("2\n1 1\n2\n2 01\n1\n", 0);                                /* "01" */
    check_gal_paths("0 2 la\ryer id\n1 1\n2\n2 1\n1\n", 1);                      /* CR in a name */
}

/* A random small GAL text: ids 1..n in a random order (or shifted, or one
 * repeated), lists in random order, random blanks, CRs, blank lines, and now
 * and then a wrong count, an unknown neighbour or a repeated link. */
static void random_gal(sp_rng *r, char *buf, size_t cap)
{
    int n = 1 + (int)(sp_rng_uniform(r) * 6), shift = sp_rng_uniform(r) < 0.2 ? 7 : 1;
    const char *blanks[] = {" ", "  ", "\t", " \t"}, *ends[] = {"\n", "\r\n", " \n", "\t\r\n"};
    size_t at = 0;
#define PUT(...) (at += (size_t)snprintf(buf + at, at < cap ? cap - at : 0, __VA_ARGS__))
#define END() PUT("%s%s", ends[(int)(sp_rng_uniform(r) * 4)], sp_rng_uniform(r) < 0.1 ? "\n" : "")
    PUT(sp_rng_uniform(r) < 0.5 ? "%d" : "0 %d layer id", n);
    END();
    for (int u = 0; u < n; u++) {
        int k = (int)(sp_rng_uniform(r) * n), id = u + shift;
        if (sp_rng_uniform(r) < 0.02)
            id = shift; /* a repeated id */
        PUT("%d%s%d", id, blanks[(int)(sp_rng_uniform(r) * 4)],
            k + (sp_rng_uniform(r) < 0.02));
        END();
        for (int q = 0; q < k; q++) {
            int v = (int)(sp_rng_uniform(r) * n) + shift;
            if (sp_rng_uniform(r) < 0.02)
                v = n + shift + 3; /* not a unit */
            PUT("%s%d", q ? blanks[(int)(sp_rng_uniform(r) * 4)] : "", v);
        }
        if (k > 0 || sp_rng_uniform(r) < 0.3)
            END();
    }
    if (sp_rng_uniform(r) < 0.3 && at > 0)
        at--; /* no final newline */
    buf[at < cap ? at : cap - 1] = '\0';
#undef PUT
#undef END
}

/* The fast and the general reader of fmt on 5000 random texts (generated by
 * make_text from seed): the same weights whenever the fast one reads a
 * file (the general parser's error otherwise); it must read at least `least`. */
static void check_random_texts(sp_wformat fmt, uint64_t seed, int least,
                               void (*make_text)(sp_rng *, char *, size_t))
{
    sp_rng r;
    sp_rng_init(&r, seed, 0, 0);
    int fast = 0, differ = 0;
    for (int iter = 0; iter < 5000; iter++) {
        char text[2048];
        make_text(&r, text, sizeof text);
        sp_weights *F = NULL, *G = NULL;
        int rc;
        if (fmt == SP_WF_GAL)
            sp_wfast_gal(text, strlen(text), &F);
        else
            sp_wfast_gwt(text, strlen(text), &F);
        setenv("SPILL_WIO_PARSER", "general", 1);
        G = parse(text, fmt, &rc);
        unsetenv("SPILL_WIO_PARSER");
        fast += F != NULL;
        if (F && !(G && same_ids(F, G) && sp_csr_equal(F->w, G->w) && F->unnamed == G->unnamed) &&
            differ++ == 0)
            TH_RECORD(0, "readers differ on: %s", text);
        sp_weights_free(F);
        sp_weights_free(G);
    }
    CHECK(differ == 0);
    TH_RECORD(fast >= least, "the fast reader took only %d of 5000 texts", fast);
}

static void test_gal_fast_random(void)
{
    check_random_texts(SP_WF_GAL, 17, 1000, random_gal);
}

static void test_gwt_fast(void)
{
    check_fast_paths("0 3 x id\n1 2 0.5\n2 1 0.5\n2 3 0.25\n3 2 1\n", SP_WF_GWT, 1);
    check_fast_paths("0 3 x id\r\n1 2 0.5 \r\n\r\n2\t1\t0.5\n 2 3 1e-3\n3 2 .75", SP_WF_GWT, 1);
    check_fast_paths("4\n2 1 0.16666666666666666\n1 2 0.16666666666666666\n", SP_WF_GWT, 1);
    check_fast_paths("0 4 x id\n1 2 1\n2 1 1\n3 3 0\n", SP_WF_GWT, 1);   /* "ID ID 0", unnamed */
    check_fast_paths("0 2 x id\n1 1 2.5\n2 1 1\n", SP_WF_GWT, 1);         /* a self link */
    check_fast_paths("0 2 x id\n2 1 -0.5\n1 2 0x1p-2\n", SP_WF_GWT, 1);    /* strtod's forms */
    check_fast_paths("0 2 x id\n2 1 000000000000000000012.5\n", SP_WF_GWT, 1);
    check_fast_paths("0 2 x id\na b 1\nb a 1\n", SP_WF_GWT, 0);            /* text ids */
    check_fast_paths("0 2 x id\n110000 120000 1\n", SP_WF_GWT, 0);          /* large ids */
}

/* A random small GWT text, as random_gal: ids shifted or not, weights in
 * several forms, markers, repeats and bad weights now and then. */
static void random_gwt(sp_rng *r, char *buf, size_t cap)
{
    int n = 1 + (int)(sp_rng_uniform(r) * 6), shift = sp_rng_uniform(r) < 0.2 ? 7 : 1;
    int lines = (int)(sp_rng_uniform(r) * 10);
    const char *weights[] = {"1", "0.5", "0.16666666666666666", "2e-1", "-3", ".25", "x", "1e999",
                             "0", "7.0000000000000000001"};
    const char *ends[] = {"\n", "\r\n", " \n", "\t\r\n"};
    size_t at = 0;
    at += (size_t)snprintf(buf + at, cap - at, sp_rng_uniform(r) < 0.5 ? "%d\n" : "0 %d x id\n",
                           n + (sp_rng_uniform(r) < 0.1));
    for (int k = 0; k < lines && at < cap - 64; k++)
        at += (size_t)snprintf(buf + at, cap - at, "%d %d %s%s",
                               (int)sp_rng_below(r, (uint32_t)n) + shift,
                               (int)sp_rng_below(r, (uint32_t)n) + shift,
                               weights[sp_rng_below(r, 10)], ends[sp_rng_below(r, 4)]);
}

static void test_gwt_fast_random(void)
{
    check_random_texts(SP_WF_GWT, 19, 500, random_gwt);
}

static void test_messy_text(void)
{
    check_same_text("3\na 2\nb c\nb 1\na\nc 1\na\n",
                    "\xEF\xBB\xBF" "3 \r\n\r\na 2\r\nb  c \r\n\nb 1\r\na\t\r\nc 1\r\n a\r\n\r\n\n",
                    SP_WF_GAL);
    /* An island's empty neighbour line may be missing or blank. */
    check_same_text("0 3 layer id\na 1\nb\nb 1\na\nc 0\n\n", "3\na 1\nb\nb 1\na\nc 0\n", SP_WF_GAL);
    check_same_text("0 3 x id\na b 0.5\nb a 2\nc c 0\n",
                    "0 3 x id \r\n\r\n a\tb  0.5 \r\nb a 2\r\n\r\nc c 0", SP_WF_GWT);
    check_same_text("%%MatrixMarket matrix coordinate real general\n% id 1 a\n% id 2 b c\n"
                    "2 2 1\n1 2 0.25\n",
                    "%%matrixmarket Matrix Coordinate Real General\r\n% other comment\r\n"
                    "% id 2 b c  \r\n%  id 1 a\r\n\r\n2 2 1 \r\n 1 2 0.25\r\n\r\n",
                    SP_WF_MTX);
    check_same_text("id,a,b c\na,0,1.5\nb c,2,0\n",
                    "\xEF\xBB\xBF" "id, a ,\"b c\"\r\n\r\na , 0 ,1.5 \r\n\"b c\",2,0\r\n\r\n",
                    SP_WF_CSV);

    /* Matrix Market variants: pattern, integer, symmetric, and no id comments. */
    int rc;
    sp_weights *W = parse("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 3\n",
                          SP_WF_MTX, &rc);
    CHECK(rc == SP_OK && W && W->n == 3 && sp_csr_nnz(W->w) == 3);
    if (W) {
        CHECK_STR(W->ids[2], "3");
        CHECK(sp_csr_get(W->w, 0, 1) == 1.0 && sp_csr_get(W->w, 1, 0) == 1.0);
        CHECK(sp_csr_get(W->w, 2, 2) == 1.0);
    }
    sp_weights_free(W);
    W = parse("%%MatrixMarket matrix coordinate integer general\n2 2 1\n2 1 4\n", SP_WF_MTX, &rc);
    CHECK(rc == SP_OK && W && sp_csr_get(W->w, 1, 0) == 4.0);
    sp_weights_free(W);

    /* GWT: units the header counts and no line names are unnamed islands
     * (libpysal, GeoDa); an old "ID ID 0" line names an island. */
    W = parse("0 4 x id\na b 1\nb a 1\nc c 0\n", SP_WF_GWT, &rc);
    CHECK(rc == SP_OK && W && W->n == 3 && W->unnamed == 1 && sp_csr_nnz(W->w) == 2);
    if (W) {
        const char *data[] = {"c", "q", "a", "b"};
        sp_weights *A = NULL;
        CHECK_INT(sp_weights_align(W, data, 4, "data", &A), SP_OK);
        CHECK(A && sp_weights_cardinality(A, 1) == 0 && sp_csr_get(A->w, 2, 3) == 1.0);
        sp_weights_free(A);
        const char *two[] = {"q", "r", "a"};
        CHECK_INT(sp_weights_align(W, two, 3, "data", &A), SP_EDATA);
        CHECK(strstr(sp_error_msg(), "2 units not in the weights: q, r") != NULL);
    }
    sp_weights_free(W);
    /* GWT: a unit that only receives links comes after the origins. */
    W = parse("0 3 x id\nb a 1\nc a 1\n", SP_WF_GWT, &rc);
    CHECK(rc == SP_OK && W);
    if (W) {
        CHECK_STR(W->ids[0], "b");
        CHECK_STR(W->ids[2], "a");
        CHECK_INT(sp_weights_cardinality(W, 2), 0);
    }
    sp_weights_free(W);
    /* GAL: the header may be just n; ids are any tokens. */
    W = parse("2\nx/1 1\ny.2\ny.2 0\n", SP_WF_GAL, &rc);
    CHECK(rc == SP_OK && W && W->n == 2 && sp_csr_nnz(W->w) == 1);
    sp_weights_free(W);
}

/* ---- malformed files ------------------------------------------------------ */

typedef struct bad_case {
    sp_wformat fmt;
    const char *text;
    const char *msg; /* expected in the message, after "test.w: " */
} bad_case;

static const bad_case bad_cases[] = {
    {SP_WF_GAL, "", "empty file"},
    {SP_WF_GAL, "\n\n  \n", "empty file"},
    {SP_WF_GAL, "-3\na 0\n", "line 1: GAL header: expected the number of units, got '-3'"},
    {SP_WF_GAL, "0 x layer id\n", "line 1: GAL header"},
    {SP_WF_GAL, "0\n", "line 1: GAL header: no units"},
    {SP_WF_GAL, "3\na 1\nb\nb 1\na\n", "line 5: file ends after 2 of 3 units"},
    {SP_WF_GAL, "2\na 2\nb\nb 1\na\n", "line 3: unit 'a' has 2 neighbours but the line lists 1"},
    {SP_WF_GAL, "2\na 1\nb b\nb 1\na\n", "line 3: unit 'a' has 1 neighbour but the line lists more"},
    {SP_WF_GAL, "2\na 1\n", "line 2: unit 'a': file ends before its 1 neighbour"},
    {SP_WF_GAL, "2\na x\nb\n", "line 2: expected 'ID COUNT' for unit 1 of 2"},
    {SP_WF_GAL, "2\na -1\n", "line 2: expected 'ID COUNT'"},
    {SP_WF_GAL, "2\na 1\nq\nb 1\na\n", "line 3: unit 'q' of link a -> q is not a unit of the file"},
    {SP_WF_GAL, "2\na 1\nb\na 1\nb\n", "duplicate id 'a'"},
    {SP_WF_GAL, "2\na 2\nb b\nb 1\na\n", "line 3: link a -> b is given twice (also line 3)"},
    {SP_WF_GAL, "1\na 0\n\nb 0\n", "line 4: more units than the 1 of the header"},
    /* integer ids (resolved through a table by value): the same messages */
    {SP_WF_GAL, "3\n1 1\n2\n2 1\n1\n1 1\n2\n", "duplicate id '1' (units 1 and 3)"},
    {SP_WF_GAL, "3\n1 2\n3 3\n2 1\n1\n3 2\n1 1\n", "line 3: link 1 -> 3 is given twice (also line 3)"},
    {SP_WF_GAL, "3\n1 2\n2 9\n2 1\n1\n3 1\n1\n", "line 3: unit '9' of link 1 -> 9 is not a unit of the file"},
    {SP_WF_GAL, "3\n1 2\n2 02\n2 1\n1\n3 1\n1\n", "line 3: unit '02' of link 1 -> 02 is not a unit"},
    {SP_WF_GAL, "2\n1 1\n99999999999\n2 1\n1\n", "line 3: unit '99999999999' of link 1 -> 99999999999 is not a unit of the file"},
    {SP_WF_GWT, "0 2 x id\n1 2 1\n2 3 1\n", "the header gives 2 units but the lines name 3"},
    {SP_WF_GAL, "1\na\x01 0\n", "line 2: id 'a\x01' contains a control character"},
    {SP_WF_GAL, "1\na 0\n\0\n", "line 3: NUL byte"},
    {SP_WF_GWT, "0 2 x id\na b 1\nb a\n", "line 3: expected 'ORIGIN DESTINATION WEIGHT'"},
    {SP_WF_GWT, "0 2 x id\na b 1\nb a 1 2\n", "line 3: expected 'ORIGIN DESTINATION WEIGHT'"},
    {SP_WF_GWT, "0 2 x id\na b nan\n", "line 2: weight 'nan' of link a -> b is not a finite number"},
    {SP_WF_GWT, "0 2 x id\na b inf\n", "line 2: weight 'inf'"},
    {SP_WF_GWT, "0 2 x id\na b 1e999\n", "line 2: weight '1e999'"},
    {SP_WF_GWT, "0 2 x id\na b 0.5x\n", "line 2: weight '0.5x'"},
    {SP_WF_GWT, "0 1 x id\na b 1\nb a 1\n", "the header gives 1 units but the lines name 2"},
    {SP_WF_GWT, "0 2 x id\na b 1\na b 2\nb a 1\n", "line 3: link a -> b is given twice (also line 2)"},
    {SP_WF_GWT, "0 -2 x id\na b 1\n", "line 1: GWT header"},
    {SP_WF_GWT, "", "empty file"},
    {SP_WF_MTX, "", "empty file"},
    {SP_WF_MTX, "2 2 1\n1 2 1\n", "line 1: expected '%%MatrixMarket matrix coordinate real general'"},
    {SP_WF_MTX, "%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n1\n", "line 1: only 'matrix coordinate'"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate complex general\n", "line 1: field 'complex'"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real hermitian\n", "line 1: symmetry 'hermitian'"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n% only comments\n", "line 2: no size line"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 3 0\n", "line 2: the matrix is 2 x 3, not square"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n0 0 0\n", "line 2: no units"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n-2 -2 0\n", "line 2: expected the size line"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n", "line 3: file ends 1 entry short"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 1\n2 1 1\n", "line 4: more entries"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 1\n", "line 3: row or column '1 3' is not in 1..2"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n", "line 3: row or column"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 NaN\n", "line 3: value 'NaN' is not a finite number"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2\n", "line 3: expected 'ROW COLUMN VALUE'"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n1 2 1\n", "line 4: link 1 -> 2 is given twice (also line 3)"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n", "line 3: entry 1 2 above the diagonal"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n% id 1 a\n2 2 0\n", "1 '% id' comment lines for 2 units"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n% id 1 a\n% id 1 b\n2 2 0\n", "line 3: unit number 1 is named twice"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n% id 1 a\n% id 3 b\n2 2 0\n", "line 3: unit number 3 is out of range"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n% id 1 a\n% id 2 a\n2 2 0\n", "duplicate id 'a'"},
    {SP_WF_MTX, "%%MatrixMarket matrix coordinate real general\n20000000 20000000 0\n", "20000000 units without '% id' comments: too many"},
    {SP_WF_CSV, "", "empty file"},
    {SP_WF_CSV, "id\n", "line 1: expected the header"},
    {SP_WF_CSV, "id,a,,c\n", "line 1: column 3 has no id"},
    {SP_WF_CSV, "id,a,b\na,0,1\n", "line 2: file ends after 1 of 2 rows"},
    {SP_WF_CSV, "id,a,b\na,0,1\nb,1\n", "line 3: 2 cells, expected 3"},
    {SP_WF_CSV, "id,a,b\na,0,1\nb,1,0,0\n", "line 3: 4 cells, expected 3"},
    {SP_WF_CSV, "id,a,b\nb,0,1\na,1,0\n", "line 2: row id 'b' differs from column 2's id 'a'"},
    {SP_WF_CSV, "id,a,b\na,0,x\nb,1,0\n", "line 2: unit 'a', column 'b': 'x' is not a finite number"},
    {SP_WF_CSV, "id,a,b\na,0,\nb,1,0\n", "line 2: unit 'a', column 'b': '' is not a finite number"},
    {SP_WF_CSV, "id,a,b\na,0,-inf\nb,1,0\n", "line 2: unit 'a', column 'b': '-inf'"},
    {SP_WF_CSV, "id,a,b\na,0,1\nb,1,0\nc,0,0\n", "line 4: more rows than the 2 columns"},
    {SP_WF_CSV, "id,a,a\na,0,1\na,1,0\n", "duplicate id 'a'"},
    {SP_WF_CSV, "id,\"a,b\n", "line 1: cell 2: unterminated quote"},
    {SP_WF_CSV, "id,\"a\"x,b\n", "line 1: cell 2: text after the closing quote"},
};

static void test_malformed(void)
{
    for (size_t k = 0; k < sizeof bad_cases / sizeof bad_cases[0]; k++) {
        const bad_case *b = &bad_cases[k];
        size_t len = strlen(b->text);
        if (strstr(b->msg, "NUL byte"))
            len += 2; /* "1\na 0\n\0\n" holds a NUL */
        sp_weights *W = NULL;
        sp_error_clear();
        int rc = sp_wio_read_buffer(b->text, len, b->fmt, "test.w", &W);
        char want[300];
        snprintf(want, sizeof want, "test.w: %s", b->msg);
        TH_RECORD(rc == SP_EDATA && W == NULL && strstr(sp_error_msg(), want),
                  "case %zu: rc %d, message \"%s\", want \"%s\"", k, rc, sp_error_msg(), want);
        sp_weights_free(W);
    }
}

/* ---- SWM: layouts and malformed records ----------------------------------- */

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)len + 1);
    *size = fread(data, 1, (size_t)len, f);
    fclose(f);
    return data;
}

/* A little-endian buffer being assembled. */
typedef struct bytes {
    unsigned char b[4096];
    size_t n;
} bytes;

static void put(bytes *o, const void *p, size_t len)
{
    memcpy(o->b + o->n, p, len);
    o->n += len;
}
static void put_i32(bytes *o, int32_t v) { put(o, &v, 4); } /* the test machine is little-endian */
static void put_f64(bytes *o, double v) { put(o, &v, 8); }

static int swm_parse(const bytes *o, sp_weights **W)
{
    return sp_wio_read_buffer((const char *)o->b, o->n, SP_WF_SWM, "t.swm", W);
}

/* Three units 7, 8, 9; 9 an island.  island_sum: libpysal's writer adds a sum for islands. */
static void swm_small(bytes *o, const char *header, int fixed, int island_sum)
{
    o->n = 0;
    put(o, header, strlen(header));
    put_i32(o, 3);
    put_i32(o, 0);
    put_i32(o, 7);
    put_i32(o, 1);
    put_i32(o, 8);
    put_f64(o, 0.5);
    put_f64(o, 0.5);
    put_i32(o, 8);
    put_i32(o, 2);
    put_i32(o, 7);
    put_i32(o, 9);
    put_f64(o, 0.25);
    if (!fixed)
        put_f64(o, 0.75);
    put_f64(o, 1.0);
    put_i32(o, 9);
    put_i32(o, 0);
    if (island_sum)
        put_f64(o, 0.0);
}

static void test_swm_layouts(void)
{
    bytes o;
    sp_weights *W;
    const char *v10 = "VERSION@10.1;UNIQUEID@ID;SPATIALREFNAME@Unknown;FIXEDWEIGHTS@False\n";
    const char *v10f = "VERSION@10.1;UNIQUEID@ID;SPATIALREFNAME@Unknown;FIXEDWEIGHTS@True\r\n";
    swm_small(&o, v10, 0, 0);
    CHECK(swm_parse(&o, &W) == SP_OK && W && sp_csr_nnz(W->w) == 3);
    if (W) {
        CHECK_STR(W->ids[2], "9");
        CHECK(sp_csr_get(W->w, 1, 2) == 0.75 && sp_csr_get(W->w, 0, 1) == 0.5);
    }
    sp_weights_free(W);
    swm_small(&o, v10f, 1, 0);
    CHECK(swm_parse(&o, &W) == SP_OK && W && sp_csr_get(W->w, 1, 2) == 0.25 &&
          sp_csr_get(W->w, 1, 0) == 0.25);
    sp_weights_free(W);
    swm_small(&o, "ID;Unknown\n", 0, 0);
    CHECK(swm_parse(&o, &W) == SP_OK && W && W->n == 3);
    sp_weights_free(W);
    swm_small(&o, "ID;Unknown\n", 0, 1);
    CHECK(swm_parse(&o, &W) == SP_OK && W && W->n == 3 && sp_csr_nnz(W->w) == 3);
    sp_weights_free(W);

    /* Malformed: each must be SP_EDATA naming the record. */
    struct {
        size_t at; /* byte offset after the header to patch, or SIZE_MAX */
        int32_t value;
        const char *msg;
    } patches[] = {
        {0, -5, "t.swm: the header gives -5 units"},
        {0, 0, "t.swm: the header gives 0 units"},
        {0, 1000000, "holds at most"},
        {0, 4, "record 4 of 4: file ends"},
        {0, 2, "t.swm: 8 bytes after the last of 2 records"},
        {12, -1, "record 1 of 3 (unit 7): bad neighbour count"},
        {80, 1, "record 3 of 3 (unit 9): file ends inside the record"},
        {16, 99, "record 1 of 3 (unit 7): neighbour 99 is not a unit of the file"},
        {36, 7, "duplicate id '7'"},
        {44, 2, "record 2 of 3 (unit 8): neighbour 2 is not a unit"},
    };
    size_t hl = strlen(v10);
    for (size_t k = 0; k < sizeof patches / sizeof patches[0]; k++) {
        swm_small(&o, v10, 0, 0);
        memcpy(o.b + hl + patches[k].at, &patches[k].value, 4);
        W = NULL;
        int rc = swm_parse(&o, &W);
        TH_RECORD(rc == SP_EDATA && !W && strstr(sp_error_msg(), patches[k].msg),
                  "patch %zu: rc %d \"%s\", want \"%s\"", k, rc, sp_error_msg(), patches[k].msg);
        sp_weights_free(W);
    }
    /* A NaN weight, a duplicate neighbour, a missing header line. */
    swm_small(&o, v10, 0, 0);
    double nan = NAN;
    memcpy(o.b + hl + 20, &nan, 8);
    CHECK(swm_parse(&o, &W) == SP_EDATA && strstr(sp_error_msg(), "record 1 of 3 (unit 7): weight is not a finite"));
    swm_small(&o, v10, 0, 0);
    int32_t seven = 7;
    memcpy(o.b + hl + 48, &seven, 4);
    CHECK(swm_parse(&o, &W) == SP_EDATA && strstr(sp_error_msg(), "record 2: link 8 -> 7 is given twice"));
    o.n = 0;
    put_i32(&o, 3);
    CHECK(swm_parse(&o, &W) == SP_EDATA && strstr(sp_error_msg(), "t.swm: no header line"));
    o.n = 0;
    put(&o, "x\n", 2);
    CHECK(swm_parse(&o, &W) == SP_EDATA && strstr(sp_error_msg(), "inside the unit count"));
}

/* ---- write errors ------------------------------------------------------- */

static void test_write_errors(void)
{
    sp_weights *T = w_text(), *I = w_int();
    const char *path = tmp("bad.swm");
    int rc = sp_wio_write(path, T);
    CHECK_INT(rc, SP_EDATA);
    CHECK(strstr(sp_error_msg(), "unit 'Beijing City': ArcGIS SWM files need integer ids") != NULL);
    CHECK(access(path, F_OK) != 0);
    static const char *lead[] = {"007"};
    static const int z[] = {0};
    sp_weights *L = make_w(1, lead, 0, z, z, NULL);
    CHECK_INT(sp_wio_write(path, L), SP_EDATA); /* "007" would come back as "7" */
    sp_weights_free(L);
    rc = sp_wio_write(tmp("bad.gal"), T);
    CHECK(rc == SP_EDATA && strstr(sp_error_msg(), "GAL ids cannot contain blanks"));
    rc = sp_wio_write(tmp("bad.gwt"), T);
    CHECK(rc == SP_EDATA && strstr(sp_error_msg(), "GWT ids cannot contain blanks"));
    CHECK_INT(sp_wio_write(tmp("bad.doc"), I), SP_EUSAGE);
    CHECK_INT(sp_wio_write("/nonexistent-dir/x.gwt", I), SP_EDATA);
    I->w->x[0] = NAN;
    rc = sp_wio_write(tmp("nan.gwt"), I);
    CHECK(rc == SP_EDATA && strstr(sp_error_msg(), "weight of link 10 -> -3 is not a finite number"));
    CHECK(access(tmp("nan.gwt"), F_OK) != 0);
    I->w->x[0] = 0.25;
    /* Writing over an existing file replaces it; nothing else is left in the folder. */
    CHECK_INT(sp_wio_write(tmp("over.gwt"), I), SP_OK);
    CHECK_INT(sp_wio_write(tmp("over.gwt"), I), SP_OK);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = over.gwt", tmpdir);
    CHECK(system(cmd) == 0);
    unlink(tmp("over.gwt"));
    sp_weights *R;
    CHECK_INT(sp_wio_read(tmp("missing.gal"), &R), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "missing.gal: cannot open") != NULL);
    CHECK_INT(sp_wio_read(tmp("x.dat"), &R), SP_EUSAGE);
    sp_weights_free(T);
    sp_weights_free(I);
}

/* ---- truncated and corrupted buffers: SP_OK or SP_EDATA, never a crash ---- */

static void fuzz_file(const char *path, sp_wformat fmt)
{
    size_t size;
    unsigned char *data = slurp(path, &size);
    CHECK(data != NULL);
    if (!data)
        return;
    int bad = 0;
    size_t step = size > 3000 ? size / 1500 : 1;
    for (size_t len = 0; len < size; len += step) {
        sp_weights *W = NULL;
        int rc = sp_wio_read_buffer((const char *)data, len, fmt, "f", &W);
        bad += (rc != SP_OK && rc != SP_EDATA) || (rc == SP_OK) != (W != NULL);
        sp_weights_free(W);
    }
    uint64_t s = 88172645463325252ULL;
    unsigned char *copy = malloc(size);
    for (int round = 0; round < 400; round++) {
        memcpy(copy, data, size);
        for (int m = 0; m < 1 + round % 4; m++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            copy[s % size] = (unsigned char)(s >> 32);
        }
        sp_weights *W = NULL;
        int rc = sp_wio_read_buffer((const char *)copy, size, fmt, "f", &W);
        bad += (rc != SP_OK && rc != SP_EDATA) || (rc == SP_OK) != (W != NULL);
        sp_weights_free(W);
    }
    TH_RECORD(bad == 0, "%s: %d bad results", path, bad);
    free(copy);
    free(data);
}

static void test_fuzz(void)
{
    sp_weights *T = w_text(), *I = w_int();
    const char *names[] = {"f.gal", "f.gwt", "f.swm", "f.mtx", "f.csv"};
    for (int k = 0; k < 5; k++) {
        const char *path = tmp(names[k]);
        if (sp_wio_write(path, k < 3 ? I : T) == SP_OK)
            fuzz_file(path, sp_wio_format(path));
        unlink(path);
    }
    fuzz_file(FIX "/us48_INVERSE_DISTANCE.swm", SP_WF_SWM);
    fuzz_file(FIX "/us48_CONTIGUITY_EDGES_ONLY.swm", SP_WF_SWM);
    fuzz_file(FIX "/ohio.swm", SP_WF_SWM);
    fuzz_file(FIX "/columbus.gal", SP_WF_GAL);
    fuzz_file(FIX "/wmat.mtx", SP_WF_MTX);
    sp_weights_free(T);
    sp_weights_free(I);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_roundtrip);
    RUN(test_libpysal_files);
    RUN(test_messy_text);
    RUN(test_gal_fast);
    RUN(test_gal_fast_random);
    RUN(test_gwt_fast);
    RUN(test_gwt_fast_random);
    RUN(test_malformed);
    RUN(test_swm_layouts);
    RUN(test_write_errors);
    RUN(test_fuzz);
    rmdir(tmpdir);
    return th_report("t_wio");
}
