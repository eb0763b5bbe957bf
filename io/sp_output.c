/* sp_output: write-then-rename for every output file, so a failed run leaves none; see
 * sp_output.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_error.h"
#include "sp_output.h"

/* dir part of path ("." when none), malloc'd. */
static char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return sp_strdup(".");
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    char *dir = sp_malloc(len + 1);
    if (dir) {
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    return dir;
}

static const char *path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void output_free(sp_output *o)
{
    free(o->final_path);
    free(o->tmp_dir);
    free(o->tmp_path);
    o->final_path = o->tmp_dir = o->tmp_path = NULL;
}

int sp_output_begin(const char *path, sp_output *o)
{
    memset(o, 0, sizeof *o);
    char *dir = path_dir(path);
    if (!dir)
        return SP_ENOMEM;
    size_t len = strlen(dir) + 32;
    o->tmp_dir = sp_malloc(len);
    o->final_path = sp_strdup(path);
    if (!o->tmp_dir || !o->final_path) {
        free(dir);
        output_free(o);
        return SP_ENOMEM;
    }
    snprintf(o->tmp_dir, len, "%s/.spill-tmp-XXXXXX", dir);
    free(dir);
    if (!mkdtemp(o->tmp_dir)) { /* the reason: the folder is missing, or not writable */
        int rc = errno == ENOENT || errno == ENOTDIR
                     ? sp_error_set(SP_EDATA, "%s: the folder does not exist (spill does not "
                                    "create folders for a file)", path)
                     : sp_error_set(SP_EDATA, "%s: cannot write in this folder: %s", path,
                                    strerror(errno));
        output_free(o);
        return rc;
    }
    len = strlen(o->tmp_dir) + strlen(path_base(path)) + 2;
    if (!(o->tmp_path = sp_malloc(len))) {
        rmdir(o->tmp_dir);
        output_free(o);
        return SP_ENOMEM;
    }
    snprintf(o->tmp_path, len, "%s/%s", o->tmp_dir, path_base(path));
    return SP_OK;
}

/* Calls fn(tmp_dir/name, final_dir/name) for each file in the temp folder. */
static int output_each(sp_output *o, int (*fn)(const char *from, const char *to))
{
    DIR *d = opendir(o->tmp_dir);
    if (!d)
        return -1;
    char *dir = path_dir(o->final_path);
    struct dirent *e;
    int failed = 0;
    while (dir && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char from[4096], to[4096];
        snprintf(from, sizeof from, "%s/%s", o->tmp_dir, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        if (fn(from, to) != 0)
            failed = -1;
    }
    closedir(d);
    free(dir);
    return failed;
}

static int remove_from(const char *from, const char *to) { (void)to; return unlink(from); }

int sp_output_commit(sp_output *o)
{
    int failed = output_each(o, rename);
    rmdir(o->tmp_dir);
    int rc = failed ? sp_error_set(SP_EDATA, "%s: cannot move the finished file into place",
                                   o->final_path)
                    : SP_OK;
    output_free(o);
    return rc;
}

void sp_output_abort(sp_output *o)
{
    if (o->tmp_dir) {
        output_each(o, remove_from);
        rmdir(o->tmp_dir);
    }
    output_free(o);
}
