/* sp_job: job files for `spill run`, one spill command per line; see sp_job.h. */
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_job.h"

#define JOB_MAX_WORD 65536
#define JOB_MAX_WORDS 4096

/* The word being built and the words of the current command. */
typedef struct job_state {
    char *word;
    size_t len;
    int in_word;
    char **words;
    int nwords;
} job_state;

static int word_char(job_state *s, char c)
{
    if (s->len + 1 >= JOB_MAX_WORD)
        return -1;
    s->word[s->len++] = c;
    s->in_word = 1;
    return 0;
}

static int word_end(job_state *s)
{
    if (!s->in_word)
        return 0;
    if (s->nwords + 1 >= JOB_MAX_WORDS)
        return -1;
    s->word[s->len] = '\0';
    if (!(s->words[s->nwords] = sp_strdup(s->word)))
        return -1;
    s->nwords++;
    s->len = 0;
    s->in_word = 0;
    return 0;
}

static int jobs_push(sp_jobs *jobs, job_state *s, int line)
{
    int skip = s->nwords > 0 && strcmp(s->words[0], "spill") == 0;
    if (s->nwords - skip == 0) {
        for (int k = 0; k < s->nwords; k++)
            free(s->words[k]);
        s->nwords = 0;
        return 0;
    }
    sp_job *grown = sp_realloc(jobs->job, (size_t)(jobs->count + 1) * sizeof *grown);
    char **argv = sp_malloc((size_t)(s->nwords - skip + 1) * sizeof *argv);
    if (!grown || !argv) {
        if (grown)
            jobs->job = grown;
        free(argv);
        return -1;
    }
    jobs->job = grown;
    if (skip)
        free(s->words[0]);
    for (int k = skip; k < s->nwords; k++)
        argv[k - skip] = s->words[k];
    argv[s->nwords - skip] = NULL;
    jobs->job[jobs->count++] = (sp_job){line, s->nwords - skip, argv};
    s->nwords = 0;
    return 0;
}

void sp_job_free(sp_jobs *jobs)
{
    if (!jobs)
        return;
    for (int j = 0; j < jobs->count; j++) {
        for (int k = 0; k < jobs->job[j].argc; k++)
            free(jobs->job[j].argv[k]);
        free(jobs->job[j].argv);
    }
    free(jobs->job);
    free(jobs);
}

int sp_job_parse(const char *text, size_t size, const char *source, sp_jobs **out)
{
    *out = NULL;
    sp_jobs *jobs = sp_calloc(1, sizeof *jobs);
    job_state s = {sp_malloc(JOB_MAX_WORD), 0, 0, sp_calloc(JOB_MAX_WORDS, sizeof(char *)), 0};
    int rc = (!jobs || !s.word || !s.words) ? SP_ENOMEM : SP_OK;
    int line = 1, start = 1;
    char quote = 0;
    for (size_t i = 0; i < size && !rc; i++) {
        char c = text[i];
        if (c == '\0') {
            rc = sp_error_set(SP_EDATA, "%s: line %d: NUL byte", source, line);
            break;
        }
        if (c == '\n')
            line++;
        int bad = 0;
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                bad = word_char(&s, c);
        } else if (quote == '"') {
            if (c == '"')
                quote = 0;
            else if (c == '\\' && i + 1 < size && (text[i + 1] == '"' || text[i + 1] == '\\'))
                bad = word_char(&s, text[++i]);
            else
                bad = word_char(&s, c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            s.in_word = 1;
        } else if (c == '\\' && i + 1 < size) {
            char next = text[++i];
            if (next == '\n')
                line++;           /* line continuation */
            else if (!(next == '\r' && i + 1 < size && text[i + 1] == '\n'))
                bad = word_char(&s, next);
            else
                line++, i++;
        } else if (c == '#' && !s.in_word) {
            while (i + 1 < size && text[i + 1] != '\n')
                i++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            bad = word_end(&s);
        } else if (c == '\n') {
            bad = word_end(&s) || jobs_push(jobs, &s, start);
            start = line;
        } else {
            bad = word_char(&s, c);
        }
        if (bad)
            rc = sp_error_set(SP_EDATA, "%s: line %d: command too long", source, line);
    }
    if (!rc && quote)
        rc = sp_error_set(SP_EDATA, "%s: line %d: unterminated %c quote", source, start, quote);
    if (!rc && (word_end(&s) || jobs_push(jobs, &s, start)))
        rc = sp_error_set(SP_EDATA, "%s: line %d: command too long", source, line);
    for (int k = 0; k < s.nwords; k++)
        free(s.words[k]);
    free(s.word);
    free(s.words);
    if (rc) {
        sp_job_free(jobs);
        return rc;
    }
    *out = jobs;
    return SP_OK;
}
