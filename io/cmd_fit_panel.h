/* spill fit --panel: spatial panel models (io/cmd_fit_panel.c).  cmd_fit.c
 * hands the whole command line over when --panel is given. */
#ifndef CMD_FIT_PANEL_H
#define CMD_FIT_PANEL_H

/* 1 when argv (a `spill fit` command line) asks for a panel model. */
int sp_fit_panel_requested(int argc, char **argv);

int sp_cmd_fit_panel(int argc, char **argv);

#endif
