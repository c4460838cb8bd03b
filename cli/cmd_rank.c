#include "cli.h"

/* Placeholder until this command is written; fails loudly. */
int cmd_rank(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("rank: not implemented yet");
    return CLI_ERROR;
}
