/* spill winfo: not built yet. */
#include "sp_cli.h"
#include "sp_error.h"

int sp_cmd_winfo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_error_set(SP_EUSAGE, "'winfo' is not implemented yet");
}
