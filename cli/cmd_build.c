#include "cli.h"

/* Placeholder until this command is written; fails loudly. */
int cmd_build(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("build: not implemented yet");
    return CLI_ERROR;
}
