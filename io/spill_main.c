/* spill: command-line entry point.  Each subcommand lives in io/cmd_*.c and
 * returns an sp_status; this file maps it to the exit code of the contract
 * and prints the error message. */
#include <stdio.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_geos.h"

static const sp_command commands[] = {
    {"weights", sp_cmd_weights, "build a spatial weights matrix from a boundary or point layer"},
    {"winfo", sp_cmd_winfo, "summarise a weights file"},
    {"moran", sp_cmd_moran, "global Moran's I (and Geary's C), per period with --by"},
    {"lisa", sp_cmd_lisa, "local Moran's I (LISA) clusters and outliers"},
    {"hotspot", sp_cmd_hotspot, "Getis-Ord Gi* hot spots"},
    {"ellipse", sp_cmd_ellipse, "standard deviational ellipse and centre migration"},
    {"fit", sp_cmd_fit, "spatial regression (SDM, SAR, SEM, SLX, SDEM, SAC, OLS)"},
};

static void usage(FILE *to)
{
    fprintf(to, "usage: spill COMMAND [options]   (spill COMMAND --help for details)\n\ncommands:\n");
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        fprintf(to, "  %-9s %s\n", commands[k].name, commands[k].summary);
}

int main(int argc, char **argv)
{
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
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(argv[1], commands[k].name) != 0)
            continue;
        int rc = commands[k].run(argc - 1, argv + 1);
        if (rc != SP_OK && rc != SP_HELP_SHOWN)
            fprintf(stderr, "spill %s: %s\n", commands[k].name, sp_error_msg());
        sp_geos_finish();
        return rc == SP_HELP_SHOWN ? 0 : sp_error_exit_code(rc);
    }
    fprintf(stderr, "spill: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 1;
}
