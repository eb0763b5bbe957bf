/* spill: command-line entry point.  Each subcommand lives in io/cmd_*.c and
 * returns an sp_status; this file maps it to the exit code of the contract
 * and prints the error message. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_geos.h"
#include "sp_simd.h"
#include "sp_strdist.h"
#include "sp_threads.h"

/* SPILL_SIMD=plain|avx2|avx512 caps the kernels' vector paths (the same
 * bits on every path; tests run the plain one on any machine).  0, or 1
 * with a message on stderr for a value that is none of these. */
static int simd_from_env(void)
{
    static const char *const names[] = {"plain", "avx2", "avx512"};
    static const int levels[] = {SP_SIMD_PLAIN, SP_SIMD_AVX2, SP_SIMD_AVX512};
    const char *v = getenv("SPILL_SIMD");
    if (!v)
        return 0;
    for (int k = 0; k < 3; k++)
        if (strcmp(v, names[k]) == 0) {
            sp_simd_cap(levels[k]);
            return 0;
        }
    fprintf(stderr, "spill: SPILL_SIMD='%s': expected plain, avx2 or avx512\n", v);
    return 1;
}

static void usage(FILE *to)
{
    fprintf(to, "usage: spill COMMAND [options]   (spill COMMAND --help for details)\n\ncommands:\n");
    int count;
    const sp_command *commands = sp_commands(&count);
    for (int k = 0; k < count; k++)
        fprintf(to, "  %-9s %s\n", commands[k].name, commands[k].summary);
}

int main(int argc, char **argv)
{
    /* Large work arrays (n-vectors, factors) come and go many times per fit:
     * keep them on the heap for reuse instead of fresh, page-faulting mmaps. */
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    sp_threads_libraries_env(); /* before the sparse plugin loads OpenBLAS */
    if (simd_from_env())
        return 1;
    sp_error_init(); /* GSL reports failures through return values (core/sp_error.h) */
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("spill %s\n", SP_VERSION);
        return 0;
    }
    const sp_command *cmd = sp_commands_find(argv[1]);
    if (cmd) {
        int rc = cmd->run(argc - 1, argv + 1);
        if (rc > SP_HELP_SHOWN) /* spill run: 100 + the number of failed tasks, already told */
            return rc;
        if (rc != SP_OK && rc != SP_HELP_SHOWN)
            fprintf(stderr, "spill %s: %s\n", cmd->name, sp_error_msg());
        sp_geos_finish();
        return rc == SP_HELP_SHOWN ? 0 : sp_error_exit_code(rc);
    }
    int count;
    const sp_command *all = sp_commands(&count);
    const char *names[64];
    for (int k = 0; k < count && k < 64; k++)
        names[k] = all[k].name;
    const char *near = sp_strdist_closest(argv[1], names, count < 64 ? count : 64);
    if (near)
        fprintf(stderr, "spill: unknown command '%s' (did you mean %s?)\n", argv[1], near);
    else
        fprintf(stderr, "spill: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 1;
}
