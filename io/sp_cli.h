/* sp_cli: the command line's shared declarations: the version, the subcommand
 * table (io/sp_commands.c) and the subcommands themselves (io/cmd_NAME.c,
 * each exporting sp_cmd_NAME).  It includes the parser (sp_args.h) and the
 * JSON helpers (sp_json.h) every subcommand uses. */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stdio.h>

#include "sp_args.h"
#include "sp_json.h"

#define SP_VERSION "0.1.0"

typedef struct sp_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} sp_command;

/* The subcommand table (io/sp_commands.c) and a look-up by name (NULL if none). */
const sp_command *sp_commands(int *count);
const sp_command *sp_commands_find(const char *name);

/* Subcommands (io/cmd_*.c). */
int sp_cmd_weights(int argc, char **argv);
int sp_cmd_winfo(int argc, char **argv);
int sp_cmd_moran(int argc, char **argv);
int sp_cmd_lisa(int argc, char **argv);
int sp_cmd_hotspot(int argc, char **argv);
int sp_cmd_ellipse(int argc, char **argv);
int sp_cmd_fit(int argc, char **argv);
int sp_cmd_run(int argc, char **argv);
int sp_cmd_map(int argc, char **argv);
int sp_cmd_plot(int argc, char **argv);
int sp_cmd_markov(int argc, char **argv);
int sp_cmd_detector(int argc, char **argv);
int sp_cmd_gini(int argc, char **argv);
int sp_cmd_kde(int argc, char **argv);
int sp_cmd_index(int argc, char **argv);
int sp_cmd_decouple(int argc, char **argv);
int sp_cmd_merge(int argc, char **argv);

/* The option tables of the commands YAML jobs run (io/cmd_NAME.c, static,
 * {NULL, 0}-terminated): an analysis' keys are its command's long options. */
const sp_optspec *sp_cmd_weights_opts(void);
const sp_optspec *sp_cmd_winfo_opts(void);
const sp_optspec *sp_cmd_moran_opts(void);
const sp_optspec *sp_cmd_lisa_opts(void);
const sp_optspec *sp_cmd_hotspot_opts(void);
const sp_optspec *sp_cmd_ellipse_opts(void);
const sp_optspec *sp_cmd_fit_opts(void);
const sp_optspec *sp_cmd_map_opts(void);
const sp_optspec *sp_cmd_plot_opts(void); /* in the draw plugin: loads it (sp_plugin.h) */
const sp_optspec *sp_cmd_markov_opts(void);
const sp_optspec *sp_cmd_detector_opts(void);
const sp_optspec *sp_cmd_gini_opts(void);
const sp_optspec *sp_cmd_kde_opts(void);
const sp_optspec *sp_cmd_index_opts(void);
const sp_optspec *sp_cmd_decouple_opts(void);

#endif
