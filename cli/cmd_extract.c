#include "cli.h"

/* Placeholder until this command is written; fails loudly. */
int cmd_extract(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("extract: not implemented yet");
    return CLI_ERROR;
}
