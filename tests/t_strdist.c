/* Unit tests for core/sp_strdist: edit distances and the closest candidate. */
#include "harness.h"
#include "sp_strdist.h"

static void test_distances(void)
{
    CHECK_INT(sp_strdist_levenshtein("kitten", "sitting"), 3);
    CHECK_INT(sp_strdist_levenshtein("", "abc"), 3);
    CHECK_INT(sp_strdist_levenshtein("model", "model"), 0);
    CHECK_INT(sp_strdist_levenshtein("modle", "model"), 2);
    CHECK_INT(sp_strdist_levenshtein("SDM", "sdm"), 0); /* case-insensitive */
}

static void test_closest(void)
{
    const char *const models[] = {"ols", "slx", "sar", "sdm", "sem", "sdem", "sac", NULL};
    const char *const opts[] = {"model", "effects", "draws", "seed"};
    CHECK_STR(sp_strdist_closest("sdn", models, -1), "sdm");
    CHECK_STR(sp_strdist_closest("modle", opts, 4), "model");
    CHECK_STR(sp_strdist_closest("effect", opts, 4), "effects");
    CHECK(sp_strdist_closest("zzzzzz", opts, 4) == NULL);
    CHECK(sp_strdist_closest("x", models, -1) == NULL); /* one letter: nothing is a typo of it */
}

int main(void)
{
    RUN(test_distances);
    RUN(test_closest);
    return th_report("t_strdist");
}
