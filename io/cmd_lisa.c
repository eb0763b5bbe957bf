/* spill lisa: not built yet. */
#include "sp_cli.h"
#include "sp_error.h"

int sp_cmd_lisa(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_error_set(SP_EUSAGE, "'lisa' is not implemented yet");
}
