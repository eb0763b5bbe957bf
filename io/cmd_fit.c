/* spill fit: not built yet. */
#include "cmd_fit_panel.h" /* panel hook (build-panel) */
#include "sp_cli.h"
#include "sp_error.h"

int sp_cmd_fit(int argc, char **argv)
{
    /* panel hook (build-panel): --panel ID,TIME goes to io/cmd_fit_panel.c */
    if (sp_fit_panel_requested(argc, argv))
        return sp_cmd_fit_panel(argc, argv);
    (void)argc;
    (void)argv;
    return sp_error_set(SP_EUSAGE, "'fit' is not implemented yet");
}
