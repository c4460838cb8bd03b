#include "cli.h"

/* Placeholder until this command is written; fails loudly. */
int cmd_read(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("read: not implemented yet");
    return CLI_ERROR;
}
