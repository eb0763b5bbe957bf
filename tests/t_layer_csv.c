/* Tests for sp_layer_csv: spill's CSV formatter writes the bytes GDAL's CSV
 * driver writes (SPILL_CSV_WRITER=gdal forces the driver), on a table of
 * quoted, numeric-looking, empty and multi-line texts and reals across
 * magnitudes, NULLs of each type, repeated rows and replaced fields. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sp_layer_write.h"

static char dir[64] = "/tmp/t_layer_csv_XXXXXX";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = b ? fread(b, 1, (size_t)n, f) : 0;
    fclose(f);
    return b;
}

/* Write src twice (own formatter, GDAL's driver) and compare the bytes. */
static int same_both_ways(const char *src, int nrow, const int *src_row, const sp_field *f,
                          int nf)
{
    char own[128], gdal[128];
    snprintf(own, sizeof own, "%s/own.csv", dir);
    snprintf(gdal, sizeof gdal, "%s/gdal.csv", dir);
    unsetenv("SPILL_CSV_WRITER");
    int rc1 = sp_layer_write(src, NULL, own, nrow, src_row, f, nf);
    setenv("SPILL_CSV_WRITER", "gdal", 1);
    int rc2 = sp_layer_write(src, NULL, gdal, nrow, src_row, f, nf);
    unsetenv("SPILL_CSV_WRITER");
    size_t n1 = 0, n2 = 0;
    char *a = slurp(own, &n1), *b = slurp(gdal, &n2);
    int same = rc1 == SP_OK && rc2 == SP_OK && a && b && n1 == n2 && memcmp(a, b, n1) == 0;
    if (rc1 || rc2)
        fprintf(stderr, "rc %d %d: %s\n", rc1, rc2, sp_error_msg());
    else if (!same && a && b)
        fprintf(stderr, "own:\n%.*s\ngdal:\n%.*s\n", (int)n1, a, (int)n2, b);
    free(a);
    free(b);
    return same;
}

static const char *varied_csv =
    "id,name,code,note,x\n"
    "1,plain,007,\"has, comma\",1.5\n"
    "2,\"say \"\"hi\"\"\",12,semi;colon,-0\n"
    "3,,1e5,\"two\nlines\",\n"
    "4,tab\there,-3.25,  spaced  ,abc\n"
    "5,北京,0x1F,NaN,1E-300\n"
    "6,\"\",+7,inf,\" 12 \"\n";

static void test_varied_table(void)
{
    char src[128];
    snprintf(src, sizeof src, "%s/varied.csv", dir);
    FILE *f = fopen(src, "w");
    fputs(varied_csv, f);
    fclose(f);
    double real[] = {0.1, -0.0, 1e300, 123456789012345678.0, NAN, 1.0 / 3.0, -2.5e-7, INFINITY};
    int integer[] = {0, -4, 2147483647, SP_FIELD_INT_NULL, 12, 1, 7, -1};
    const char *text[] = {"HH", NULL, "", "a\"b", "1.5", "x,y", "LL", "  "};
    int rows[] = {0, 1, 2, 3, 4, 5, 5, 0};
    sp_field fields[] = {{"LMiIndex", SP_FIELD_REAL, .real = real},
                         {"NNeighbors", SP_FIELD_INT, .integer = integer},
                         {"COType", SP_FIELD_TEXT, .text = text},
                         {"note", SP_FIELD_REAL, .real = real}};
    CHECK(same_both_ways(src, 6, NULL, fields, 4));
    CHECK(same_both_ways(src, 8, rows, fields, 4));
    CHECK(same_both_ways(src, 8, rows, fields + 1, 2));
    CHECK(same_both_ways(src, 0, rows, fields, 3));
    /* added fields replacing every input field of the same name */
    snprintf(src, sizeof src, "%s/one.csv", dir);
    f = fopen(src, "w");
    fputs("id,v\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n8,h\n", f);
    fclose(f);
    sp_field only_v[] = {{"id", SP_FIELD_TEXT, .text = text}, {"v", SP_FIELD_REAL, .real = real}};
    CHECK(same_both_ways(src, 8, NULL, only_v, 2));
}

/* Reals over many magnitudes: %.15g as the driver prints them. */
static void test_reals(void)
{
    enum { N = 20000 };
    char src[128];
    snprintf(src, sizeof src, "%s/n.csv", dir);
    FILE *f = fopen(src, "w");
    fputs("id,name\n", f);
    for (int i = 0; i < N; i++)
        fprintf(f, "%d,u%d\n", i, i);
    fclose(f);
    double *x = malloc(N * sizeof *x);
    int *k = malloc(N * sizeof *k);
    unsigned long long s = 88172645463325252ULL;
    for (int i = 0; i < N; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        double u = (double)(s >> 11) / 9007199254740992.0;
        x[i] = (i % 2 ? -1 : 1) * u * pow(10.0, (double)(i % 60) - 30.0);
        if (i % 97 == 0)
            x[i] = (double)(i / 97);
        k[i] = (int)(s % 2000001) - 1000000;
    }
    sp_field fields[] = {{"x", SP_FIELD_REAL, .real = x}, {"k", SP_FIELD_INT, .integer = k}};
    CHECK(same_both_ways(src, N, NULL, fields, 2));
    free(x);
    free(k);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_varied_table);
    RUN(test_reals);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return th_report("t_layer_csv");
}
