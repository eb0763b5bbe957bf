/* The table of spill's subcommands, shared by main() and `spill run`. */
#include <string.h>

#include "sp_cli.h"

static const sp_command command_table[] = {
    {"weights", sp_cmd_weights, "build a spatial weights matrix from a boundary or point layer"},
    {"winfo", sp_cmd_winfo, "summarise a weights file"},
    {"moran", sp_cmd_moran, "global Moran's I (and Geary's C), per period with --by"},
    {"lisa", sp_cmd_lisa, "local Moran's I (LISA) clusters and outliers"},
    {"hotspot", sp_cmd_hotspot, "Getis-Ord Gi* hot spots"},
    {"ellipse", sp_cmd_ellipse, "standard deviational ellipse and centre migration"},
    {"fit", sp_cmd_fit, "spatial regression (SDM, SAR, SEM, SLX, SDEM, SAC, OLS)"},
    {"map", sp_cmd_map, "maps: LISA clusters, hot spots, choropleths, ellipses (PNG, SVG, PDF)"},
    {"plot", sp_cmd_plot, "figures: Moran scatterplots, densities, effects, Markov heat maps"},
    {"markov", sp_cmd_markov, "Markov chains of classes: classic, spatial (--w), LISA (--lisa)"},
    {"detector", sp_cmd_detector, "geographical detector: factor, interaction, risk, ecological"},
    {"gini", sp_cmd_gini, "Gini, Dagum's decomposition by groups, Theil T and L, CV"},
    {"kde", sp_cmd_kde, "kernel density per period on one grid, with its peaks"},
    {"index", sp_cmd_index, "composite index (entropy, TOPSIS, CRITIC, CV weights) and coupling coordination"},
    {"decouple", sp_cmd_decouple, "Tapio decoupling elasticity and its eight states"},
    {"run", sp_cmd_run, "run a job: a YAML job with its report, or one command per line"},
    {"merge", sp_cmd_merge, "join the shard folders of a YAML job (spill run --shard)"},
};

const sp_command *sp_commands(int *count)
{
    *count = (int)(sizeof command_table / sizeof command_table[0]);
    return command_table;
}

const sp_command *sp_commands_find(const char *name)
{
    for (size_t k = 0; k < sizeof command_table / sizeof command_table[0]; k++)
        if (strcmp(name, command_table[k].name) == 0)
            return &command_table[k];
    return NULL;
}
