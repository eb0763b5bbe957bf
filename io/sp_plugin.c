/* sp_plugin: the binary's side of its plugins (see sp_plugin.h): finding and
 * loading each shared object once, and the wrappers that call into it. */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_plugin.h"

/* The path of plugin `file` into buf: in $SPILL_PLUGIN_DIR, else next to the
 * binary, else in ../lib/spill of the binary's folder (the last when neither
 * exists, for the message). */
static void plugin_path(const char *file, char *buf, size_t cap)
{
    const char *env = getenv("SPILL_PLUGIN_DIR");
    if (env && *env) {
        snprintf(buf, cap, "%s/%s", env, file);
        return;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(buf, cap, "%s/%s", slash ? exe : ".", file);
    if (access(buf, F_OK) != 0)
        snprintf(buf, cap, "%s/../lib/spill/%s", slash ? exe : ".", file);
}

/* A plugin that cannot be used ends the command: the reason, exit status 2. */
static void fail(const char *path, const char *what, const char *why)
{
    fflush(stdout);
    fprintf(stderr, "spill: cannot load the plugin %s (needed %s): %s\n", path, what,
            why ? why : "unknown error");
    exit(2);
}

/* Plugin `file` opened with every symbol bound (RTLD_NOW), or fail(). */
static void *plugin_open(const char *file, const char *what, char *path, size_t cap)
{
    plugin_path(file, path, cap);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        fail(path, what, dlerror());
    return h;
}

/* Symbol `name` of h into *fn (a function pointer, POSIX's dlsym idiom), or fail(). */
static void plugin_symbol(void *h, const char *name, void *fn, const char *path,
                          const char *what)
{
    void *sym = dlsym(h, name);
    if (!sym)
        fail(path, what, dlerror());
    memcpy(fn, &sym, sizeof sym);
}

/* One plugin: TAG names its table, FILE its shared object, WHAT what it is
 * needed for; CALLS and RELEASES its lists of sp_plugin.h.  Defines the table
 * of resolved functions, its loader (run once) and the wrappers. */
#define FIELD_X(ret, name, params, args) ret(*name) params;
#define FIELD_V(name, params, args) void(*name) params;
#define RESOLVE_X(ret, name, params, args) RESOLVE_V(name, params, args)
#define RESOLVE_V(name, params, args) plugin_symbol(h, #name, &T.name, path, WHAT);
#define SP_PLUGIN_DEFINE(TAG, FILE, WHAT_TEXT, CALLS, RELEASES)                                  \
    static struct {                                                                              \
        CALLS(FIELD_X, FIELD_V)                                                                  \
        RELEASES(FIELD_V)                                                                        \
        atomic_int loaded;                                                                       \
        pthread_once_t once;                                                                     \
    } TAG = {.once = PTHREAD_ONCE_INIT};                                                          \
    static void TAG##_load(void)                                                                 \
    {                                                                                            \
        char path[PATH_MAX + 64];                                                                \
        const char *WHAT = WHAT_TEXT;                                                            \
        void *h = plugin_open(FILE, WHAT, path, sizeof path);                                    \
        CALLS(RESOLVE_X, RESOLVE_V)                                                              \
        RELEASES(RESOLVE_V)                                                                      \
        atomic_store(&TAG.loaded, 1);                                                            \
    }

/* T names the table that RESOLVE_* (here) and WRAP_* (below) use. */
#define T gdal
SP_PLUGIN_DEFINE(gdal, "libspill-gdal.so", "to read or write layers and non-CSV tables",
                 SP_PLUGIN_GDAL_CALLS, SP_PLUGIN_GDAL_RELEASES)
#undef T
#define T sparse
SP_PLUGIN_DEFINE(sparse, "libspill-sparse.so",
                 "for fits: sparse factorisations and eigenvalues (CHOLMOD, UMFPACK, LAPACK)",
                 SP_PLUGIN_SPARSE_CALLS, SP_PLUGIN_SPARSE_RELEASES)
#undef T
#define T draw
SP_PLUGIN_DEFINE(draw, "libspill-draw.so", "to draw figures (cairo, pango)", SP_PLUGIN_DRAW_CALLS,
                 SP_PLUGIN_DRAW_RELEASES)
#undef T

/* The wrappers of table T: load on first use, then call; releases do nothing
 * before the plugin made anything. */
#define WRAP_X(ret, name, params, args)                                                          \
    ret name params                                                                              \
    {                                                                                            \
        pthread_once(&T.once, LOAD);                                                             \
        return T.name args;                                                                      \
    }
#define WRAP_V(name, params, args)                                                               \
    void name params                                                                             \
    {                                                                                            \
        pthread_once(&T.once, LOAD);                                                             \
        T.name args;                                                                             \
    }
#define WRAP_RELEASE(name, params, args)                                                         \
    void name params                                                                             \
    {                                                                                            \
        if (atomic_load(&T.loaded))                                                              \
            T.name args;                                                                         \
    }

#define T gdal
#define LOAD gdal_load
SP_PLUGIN_GDAL_CALLS(WRAP_X, WRAP_V)
SP_PLUGIN_GDAL_RELEASES(WRAP_RELEASE)
#undef T
#undef LOAD
#define T sparse
#define LOAD sparse_load
SP_PLUGIN_SPARSE_CALLS(WRAP_X, WRAP_V)
SP_PLUGIN_SPARSE_RELEASES(WRAP_RELEASE)
#undef T
#undef LOAD
#define T draw
#define LOAD draw_load
SP_PLUGIN_DRAW_CALLS(WRAP_X, WRAP_V)
#undef T
#undef LOAD
