/* sp_plugin: the binary's side of the GDAL plugin (see sp_plugin.h): finding
 * and loading libspill-gdal.so once, and the wrappers that call into it. */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_plugin.h"

#define PLUGIN_NAME "libspill-gdal.so"

/* The plugin's functions, resolved once by load(). */
static struct {
#define FIELD_X(ret, name, params, args) ret(*name) params;
#define FIELD_V(name, params, args) void(*name) params;
    SP_PLUGIN_CALLS(FIELD_X, FIELD_V)
    SP_PLUGIN_RELEASES(FIELD_V)
} fns;
static atomic_int loaded;

/* The plugin's path into buf: $SPILL_PLUGIN, else next to the binary, else
 * in ../lib/spill of the binary's folder (the last when neither exists). */
static void plugin_path(char *buf, size_t cap)
{
    const char *env = getenv("SPILL_PLUGIN");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(buf, cap, "%s/" PLUGIN_NAME, slash ? exe : ".");
    if (access(buf, F_OK) != 0)
        snprintf(buf, cap, "%s/../lib/spill/" PLUGIN_NAME, slash ? exe : ".");
}

/* A plugin that cannot be used is the end of the command: the reason and
 * exit status 2. */
static void fail(const char *path, const char *why)
{
    fflush(stdout);
    fprintf(stderr, "spill: cannot load the GDAL plugin %s (needed to read or write layers and "
            "non-CSV tables): %s\n", path, why ? why : "unknown error");
    exit(2);
}

/* dlopen and dlsym of every function (run once through pthread_once). */
static void load(void)
{
    char path[PATH_MAX + 64];
    plugin_path(path, sizeof path);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        fail(path, dlerror());
    void *sym;
#define RESOLVE(name)                                                                              \
    if (!(sym = dlsym(h, #name)))                                                                  \
        fail(path, dlerror());                                                                     \
    memcpy(&fns.name, &sym, sizeof sym);
#define RESOLVE_X(ret, name, params, args) RESOLVE(name)
#define RESOLVE_V(name, params, args) RESOLVE(name)
    SP_PLUGIN_CALLS(RESOLVE_X, RESOLVE_V)
    SP_PLUGIN_RELEASES(RESOLVE_V)
    atomic_store(&loaded, 1);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The wrappers: load on first use, then call. */
#define WRAP_X(ret, name, params, args)                                                            \
    ret name params                                                                                \
    {                                                                                              \
        pthread_once(&once, load);                                                                 \
        return fns.name args;                                                                      \
    }
#define WRAP_V(name, params, args)                                                                 \
    void name params                                                                               \
    {                                                                                              \
        pthread_once(&once, load);                                                                 \
        fns.name args;                                                                             \
    }
SP_PLUGIN_CALLS(WRAP_X, WRAP_V)

/* Releases: nothing to release before the plugin made anything. */
#define WRAP_RELEASE(name, params, args)                                                           \
    void name params                                                                               \
    {                                                                                              \
        if (atomic_load(&loaded))                                                                  \
            fns.name args;                                                                         \
    }
SP_PLUGIN_RELEASES(WRAP_RELEASE)
