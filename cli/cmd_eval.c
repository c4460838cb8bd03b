#include "cli.h"

/* Placeholder until this command is written; fails loudly. */
int cmd_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("eval: not implemented yet");
    return CLI_ERROR;
}
