/* spill fit: not built yet. */
#include "sp_cli.h"
#include "sp_error.h"

int sp_cmd_fit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_error_set(SP_EUSAGE, "'fit' is not implemented yet");
}
