/* Unit tests for io/sp_job: the job-file word splitter of `spill run`. */
#include "harness.h"
#include "sp_error.h"
#include "sp_job.h"

static sp_jobs *parse(const char *text)
{
    sp_jobs *jobs = NULL;
    int rc = sp_job_parse(text, strlen(text), "jobs.txt", &jobs);
    return rc ? NULL : jobs;
}

static void test_words_and_quotes(void)
{
    sp_jobs *j = parse("spill fit a.csv --w 'my w.gal' --x \"x1,\\\"x2\\\"\" esc\\ aped\n");
    CHECK(j != NULL);
    if (!j)
        return;
    CHECK_INT(j->count, 1);
    CHECK_INT(j->job[0].argc, 7);
    CHECK_STR(j->job[0].argv[0], "fit");
    CHECK_STR(j->job[0].argv[3], "my w.gal");
    CHECK_STR(j->job[0].argv[5], "x1,\"x2\"");
    CHECK_STR(j->job[0].argv[6], "esc aped");
    CHECK(j->job[0].argv[7] == NULL);
    sp_job_free(j);
}

static void test_comments_blank_lines_continuations(void)
{
    sp_jobs *j = parse("# header\n\n  winfo a.gal # trailing\nweights x.shp \\\n  -o y.gal\r\n''\n");
    CHECK(j != NULL);
    if (!j)
        return;
    CHECK_INT(j->count, 3);
    CHECK_INT(j->job[0].line, 3);
    CHECK_INT(j->job[0].argc, 2);
    CHECK_INT(j->job[1].line, 4);
    CHECK_INT(j->job[1].argc, 4);
    CHECK_STR(j->job[1].argv[3], "y.gal");
    CHECK_INT(j->job[2].argc, 1); /* an empty quoted word is a word */
    CHECK_STR(j->job[2].argv[0], "");
    sp_job_free(j);
}

static void test_errors_name_the_line(void)
{
    sp_jobs *j;
    CHECK_INT(sp_job_parse("winfo a\nfit 'open\n", 17, "jobs.txt", &j), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "jobs.txt: line 2: unterminated ' quote") != NULL);
    CHECK_INT(sp_job_parse("winfo a\0b", 9, "jobs.txt", &j), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "NUL byte") != NULL);
    CHECK(j == NULL);
    CHECK_INT(sp_job_parse("", 0, "empty.txt", &j), SP_OK);
    CHECK_INT(j->count, 0);
    sp_job_free(j);
}

int main(void)
{
    RUN(test_words_and_quotes);
    RUN(test_comments_blank_lines_continuations);
    RUN(test_errors_name_the_line);
    return th_report("t_job");
}
