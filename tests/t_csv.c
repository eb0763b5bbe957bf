/* Tests of sp_csv: every table it reads equals GDAL's CSV driver's (the
 * reader it replaces), on a corpus of tricky files, on random files and on
 * the bundled data; the files it leaves to GDAL are the ones sp_csv.h lists. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <float.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

#include "harness.h"
#include "sp_csv.h"
#include "sp_gdal.h"
#include "sp_readopt.h"
#include "sp_rng.h"
#include "sp_table.h"

#define CORPUS TH_FIXTURES "/csv"

/* Whether two tables are the same: sizes, names, every cell (NULL too). */
static int same_table(const sp_table *a, const sp_table *b, char *why, size_t cap)
{
    if (a->nrow != b->nrow || a->ncol != b->ncol) {
        snprintf(why, cap, "%d x %d, GDAL %d x %d", a->nrow, a->ncol, b->nrow, b->ncol);
        return 0;
    }
    for (int c = 0; c < a->ncol; c++)
        if (strcmp(a->names[c], b->names[c]) != 0) {
            snprintf(why, cap, "column %d '%s', GDAL '%s'", c + 1, a->names[c], b->names[c]);
            return 0;
        }
    for (int r = 0; r < a->nrow; r++)
        for (int c = 0; c < a->ncol; c++) {
            const char *x = sp_table_cell(a, r, c), *y = sp_table_cell(b, r, c);
            if ((!x) != (!y) || (x && strcmp(x, y) != 0)) {
                snprintf(why, cap, "row %d column %d '%s', GDAL '%s'", r + 1, c + 1,
                         x ? x : "NULL", y ? y : "NULL");
                return 0;
            }
        }
    return 1;
}

/* Read path both ways: 1 when sp_csv read it and the tables agree, 0 when
 * sp_csv left it to GDAL, -1 (a failed check) otherwise. */
static int both_ways(const char *path)
{
    sp_table *mine = NULL, *gdal = NULL;
    int rc = sp_csv_read(path, &mine);
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size == 0) { /* an empty file: said so, not left to GDAL */
        TH_RECORD(rc == SP_EDATA && strstr(sp_error_msg(), "the file is empty"), "%s: %s", path,
                  sp_error_msg());
        return 0;
    }
    if (rc != SP_OK) {
        TH_RECORD(0, "%s: sp_csv: %s", path, sp_error_msg());
        return -1;
    }
    if (!mine)
        return 0;
    rc = sp_gdal_read_table(path, NULL, &gdal);
    char why[512] = "";
    int same = rc == SP_OK && same_table(mine, gdal, why, sizeof why);
    TH_RECORD(same, "%s: %s", path, rc ? sp_error_msg() : why);
    sp_table_free(mine);
    sp_table_free(gdal);
    return same ? 1 : -1;
}

/* The files sp_csv.h says GDAL reads (or refuses, as before). */
static const char *const left_to_gdal[] = {
    "bs.csv",    "empty.csv",  "lead.csv",     "nlhdr.csv",   "one3.csv",   "onecol.csv",
    "pipe.csv",  "sidecar.csv", "space.csv",   "space2.csv",  "tabcomma.csv", "tabname.csv",
    "tabsemi.csv", "wkt2.csv", NULL};

static int expected_gdal(const char *name)
{
    for (int k = 0; left_to_gdal[k]; k++)
        if (strcmp(left_to_gdal[k], name) == 0)
            return 1;
    return 0;
}

static void test_corpus(void)
{
    sp_readopt o = {.command = "t_csv"};
    sp_readopt_set(&o);
    DIR *d = opendir(CORPUS);
    CHECK(d != NULL);
    struct dirent *e;
    int read = 0;
    while (d && (e = readdir(d)) != NULL) {
        char path[600];
        snprintf(path, sizeof path, CORPUS "/%s", e->d_name);
        if (!sp_csv_handles(path))
            continue;
        int got = both_ways(path);
        if (got >= 0)
            TH_RECORD(got == !expected_gdal(e->d_name), "%s: %s, want %s", e->d_name,
                      got ? "read by sp_csv" : "left to GDAL",
                      expected_gdal(e->d_name) ? "GDAL" : "sp_csv");
        read += got == 1;
    }
    if (d)
        closedir(d);
    TH_RECORD(read >= 40, "%d corpus files read by sp_csv", read);
}

/* Random files over an alphabet of separators, quotes, line ends and
 * blanks, below a fixed header: sp_csv and GDAL agree on every one. */
static void test_random(void)
{
    static const char alphabet[] = "a1.,,,\"\"\n\n\r ;\t-";
    char dir[] = "/tmp/t_csv_XXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/r.csv", dir);
    sp_rng rng;
    sp_rng_init(&rng, 12345, 0, 0);
    int agree = 0, n = 300;
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY); /* the open-quote warnings */
    dup2(null, 2);
    for (int f = 0; f < n; f++) {
        FILE *out = fopen(path, "wb");
        fputs(f % 3 ? "id,x,y\n" : "id;x;y\r\n", out);
        int len = (int)sp_rng_below(&rng, 120);
        for (int k = 0; k < len; k++)
            fputc(alphabet[sp_rng_below(&rng, sizeof alphabet - 1)], out);
        fclose(out);
        agree += both_ways(path) == 1;
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(null);
    unlink(path);
    rmdir(dir);
    TH_RECORD(agree == n, "%d of %d random files read alike", agree, n);
}

/* The bundled tables, GB18030 and --skip-rows included, and their numbers. */
static void test_bundled(void)
{
    static const char *const files[] = {"shapefiles/ai_index_province.csv",
                                        TH_FIXTURES "/readers/ai_index_gbk.csv",
                                        TH_FIXTURES "/readers/ai_index_utf8.csv"};
    sp_readopt o = {.command = "t_csv"};
    for (int skip = 0; skip <= 1; skip++) {
        o.skip_rows = skip;
        sp_readopt_set(&o);
        for (int k = 0; k < 3; k++) {
            TH_RECORD(both_ways(files[k]) == 1, "%s (--skip-rows %d)", files[k], skip);
        }
    }
    o.skip_rows = 0;
    sp_readopt_set(&o);
    sp_table *t = NULL;
    CHECK(sp_csv_read(files[0], &t) == SP_OK && t && t->nrow > 0);
    if (t) {
        int c = sp_table_col(t, "ai_index");
        CHECK(c >= 0);
        double x;
        CHECK(c < 0 || sp_table_number(t, 0, c, NULL, &x) == SP_OK);
    }
    sp_table_free(t);
}

/* The old reading of a number, strtod alone: the reference for the fast
 * path (blanks around it allowed, nothing else; finite, not overflowing:
 * an underflow keeps strtod's subnormal or 0). */
static int strtod_reading(const char *s, double *out)
{
    s += strspn(s, " \t");
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    int ok = end != s && (errno != ERANGE || fabs(*out) <= DBL_MIN) && isfinite(*out);
    return ok && end[strspn(end, " \t\r")] == '\0' ? 0 : -1;
}

/* 1 when sp_table_parse_double and strtod agree on s: status and bits. */
static int reads_alike(const char *s)
{
    double a = 0, b = 0;
    int ra = sp_table_parse_double(s, &a), rb = strtod_reading(s, &b);
    return ra == rb && (ra != 0 || memcmp(&a, &b, sizeof a) == 0);
}

/* sp_table_parse_double's plain-decimal fast path gives strtod's double,
 * bit for bit, and strtod's verdict on everything else. */
static void test_parse_double(void)
{
    static const char *const cases[] = {
        "0", "-0", "+0", "-0.0", "1.", ".5", "-.5", "+.5", ".", "-", "+", "", " ", "1 ",
        "1\r", " 2.5\t", "1.5.3", "1e3", "1E-3", "0x1p3", "inf", "-nan", "1,5",
        "123456789012345", "1234567890123456", "0.000000000000001", "0.1234567890123456",
        "999999999999999", "-999999999999999.", "0.3", "0.7", "2.675", "1.0000000000000002",
        "00000000000000000001", "1e400", "1e-400", "12a", "1 2", "-0.626453810742332",
        "0.000000000000000000001234", "0.0000000000000000000001234", "-0.00000123456789012345",
        "000.1234567890123456", "0.1000000000000000000000"};
    int agree = 0, n = 0;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++, n++)
        if (reads_alike(cases[k]))
            agree++;
        else
            TH_RECORD(0, "'%s' read differently from strtod", cases[k]);
    static const char alphabet[] = "0123456789012345678901234567890123456789..-+e ";
    sp_rng rng;
    sp_rng_init(&rng, 2026, 0, 0);
    char buf[64];
    for (int f = 0; f < 200000; f++, n++) {
        if (f % 2) {
            int len = (int)sp_rng_below(&rng, 20);
            for (int k = 0; k < len; k++)
                buf[k] = alphabet[sp_rng_below(&rng, sizeof alphabet - 1)];
            buf[len] = '\0';
        } else {
            double x = ((double)sp_rng_below(&rng, 1u << 30) - (1 << 29)) /
                       (double)(1 + sp_rng_below(&rng, 1u << 20));
            if (f % 4) /* R's way: 15 significant digits */
                snprintf(buf, sizeof buf, "%.*f", (int)sp_rng_below(&rng, 14), x);
            else
                snprintf(buf, sizeof buf, "%.15g", x * pow(10.0, -(double)sp_rng_below(&rng, 12)));
        }
        agree += reads_alike(buf);
    }
    TH_RECORD(agree == n, "%d of %d strings read as strtod reads them", agree, n);
}

/* sp_table_read with the cache on, from four threads at once, each table
 * read twice per thread (a miss or a hit, in whatever order the threads
 * come): every read the same table (the cache's lists under its lock). */
#define CACHE_THREADS 4
#define CACHE_FILES 3
static char cache_path[CACHE_FILES][64];

static void *cache_reader(void *arg)
{
    int *same = arg;
    for (int r = 0; r < 2 * CACHE_FILES; r++) {
        int f = r % CACHE_FILES;
        sp_table *t = NULL;
        char want[16];
        snprintf(want, sizeof want, "%d", 100 * f + 7);
        if (sp_table_read(cache_path[f], NULL, &t) == SP_OK && t->nrow == 50 && t->ncol == 2 &&
            strcmp(t->cells[2 * 49 + 1], want) == 0)
            (*same)++;
        sp_table_free(t);
    }
    return NULL;
}

static void test_cache_threads(void)
{
    char dir[] = "/tmp/t_csv_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (int f = 0; f < CACHE_FILES; f++) {
        snprintf(cache_path[f], sizeof cache_path[f], "%s/t%d.csv", dir, f);
        FILE *fp = fopen(cache_path[f], "w");
        fprintf(fp, "id,v\n");
        for (int i = 0; i < 50; i++)
            fprintf(fp, "%d,%d\n", i, i == 49 ? 100 * f + 7 : i);
        fclose(fp);
    }
    sp_table_cache_enable();
    pthread_t tid[CACHE_THREADS];
    int same[CACHE_THREADS] = {0};
    for (int k = 0; k < CACHE_THREADS; k++)
        CHECK(pthread_create(&tid[k], NULL, cache_reader, &same[k]) == 0);
    for (int k = 0; k < CACHE_THREADS; k++) {
        pthread_join(tid[k], NULL);
        TH_RECORD(same[k] == 2 * CACHE_FILES, "thread %d: %d of %d reads the table written", k,
                  same[k], 2 * CACHE_FILES);
    }
    for (int f = 0; f < CACHE_FILES; f++)
        remove(cache_path[f]);
    rmdir(dir);
}

/* Numbers below the smallest normal double read as strtod (and R, Python)
 * read them, the subnormal or 0; beyond the largest they are refused. */
static void test_parse_tiny(void)
{
    double x = -1.0;
    CHECK_INT(sp_table_parse_double("8.3e-311", &x), 0);
    CHECK(x == strtod("8.3e-311", NULL) && x > 0.0);
    CHECK_INT(sp_table_parse_double("-4.9e-324", &x), 0);
    CHECK(x == -4.9e-324);
    CHECK_INT(sp_table_parse_double("1e-400", &x), 0);
    CHECK(x == 0.0);
    CHECK_INT(sp_table_parse_double("1e400", &x), -1);
    CHECK_INT(sp_table_parse_double("-1e309", &x), -1);
}

int main(void)
{
    sp_gdal_init();
    RUN(test_corpus);
    RUN(test_random);
    RUN(test_bundled);
    RUN(test_parse_double);
    RUN(test_parse_tiny);
    RUN(test_cache_threads); /* last: the cache stays on */
    return th_report("t_csv");
}
