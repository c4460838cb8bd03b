#include "cli.h"

/* Placeholder until this command is written; fails loudly. */
int cmd_stats(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("stats: not implemented yet");
    return CLI_ERROR;
}
