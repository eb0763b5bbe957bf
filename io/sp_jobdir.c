/* Atomic output folders for YAML jobs (see sp_jobdir.h). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sp_error.h"
#include "sp_jobdir.h"
#include "sp_jobexec.h"

/* Whether the folder dir may be replaced: it is empty, or an earlier output
 * of spill run or merge (its manifest.json, or a shard's shard.json). */
static int replaceable(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1, ours = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            ours |= !strcmp(e->d_name, "manifest.json") || !strcmp(e->d_name, "shard.json");
        }
    closedir(d);
    return empty || ours;
}

/* The temporary folder: PARENT/.NAME.tmpXXXXXX, after checking that an
 * existing target is a folder that commit may replace (a user's folder of
 * data is never deleted). */
int sp_jobdir_begin(const char *final, char **tmp)
{
    char buf[PATH_MAX];
    const char *slash = strrchr(final, '/');
    struct stat st;
    if (slash && !slash[1])
        return sp_error_set(SP_EUSAGE, "-o %s: give the folder without a trailing /", final);
    if (stat(final, &st) == 0 && !S_ISDIR(st.st_mode))
        return sp_error_set(SP_EUSAGE, "-o %s: it exists and is not a folder", final);
    if (stat(final, &st) == 0 && !replaceable(final))
        return sp_error_set(SP_EUSAGE, "-o %s: the folder holds files and is not an earlier "
                                       "output of spill run (no manifest.json): it would be "
                                       "replaced; give a new or empty folder", final);
    if (slash)
        snprintf(buf, sizeof buf, "%.*s/.%s.tmpXXXXXX", (int)(slash - final), final, slash + 1);
    else
        snprintf(buf, sizeof buf, ".%s.tmpXXXXXX", final);
    if (sp_jobexec_mkdirs(buf))
        return SP_EDATA;
    if (!mkdtemp(buf))
        return sp_error_set(SP_EDATA, "%s: cannot create a temporary folder beside it", final);
    return (*tmp = sp_strdup(buf)) ? SP_OK : SP_ENOMEM;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int sp_jobdir_commit(char *tmp, const char *final)
{
    char old[PATH_MAX];
    struct stat st;
    int rc = SP_OK, moved = 0;
    if (stat(final, &st) == 0) {
        snprintf(old, sizeof old, "%s.old.%ld", tmp, (long)getpid());
        if (!S_ISDIR(st.st_mode))
            rc = sp_error_set(SP_EUSAGE, "%s exists and is not a folder", final);
        else if (rename(final, old) != 0)
            rc = sp_error_set(SP_EDATA, "%s: cannot replace it: %s", final, strerror(errno));
        else
            moved = 1;
    }
    if (!rc && rename(tmp, final) != 0) {
        rc = sp_error_set(SP_EDATA, "%s: cannot rename the output folder into place: %s", final,
                          strerror(errno));
        if (moved)
            rename(old, final), moved = 0;
    }
    if (moved)
        remove_tree(old);
    if (rc)
        remove_tree(tmp);
    free(tmp);
    return rc;
}

void sp_jobdir_abort(char *tmp)
{
    if (tmp)
        remove_tree(tmp);
    free(tmp);
}

int sp_jobdir_copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
    char buf[65536];
    size_t got;
    int rc = in && out ? SP_OK : sp_error_set(SP_EDATA, "cannot copy %s to %s", src, dst);
    while (!rc && (got = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, got, out) != got)
            rc = sp_error_set(SP_EDATA, "%s: write error", dst);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0 && !rc)
        rc = sp_error_set(SP_EDATA, "%s: write error", dst);
    return rc;
}

int sp_jobdir_copy_tree(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    if (!d)
        return SP_OK;
    if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
        closedir(d);
        return sp_error_set(SP_EDATA, "%s: cannot create the folder", dst);
    }
    struct dirent *e;
    int rc = SP_OK;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char s[PATH_MAX], t[PATH_MAX];
        snprintf(s, sizeof s, "%s/%s", src, e->d_name);
        snprintf(t, sizeof t, "%s/%s", dst, e->d_name);
        struct stat st;
        if (stat(s, &st) != 0)
            continue;
        rc = S_ISDIR(st.st_mode) ? sp_jobdir_copy_tree(s, t) : sp_jobdir_copy_file(s, t);
    }
    closedir(d);
    return rc;
}
