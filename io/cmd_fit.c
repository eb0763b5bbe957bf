/* spill fit: spatial regression.  Cross-sections are the one-period case of
 * the panel estimator (io/cmd_fit_panel.c): the same likelihood with T = 1
 * and no fixed effects. */
#include "cmd_fit_panel.h"
#include "sp_cli.h"

int sp_cmd_fit(int argc, char **argv)
{
    return sp_cmd_fit_panel(argc, argv);
}
