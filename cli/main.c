#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#ifdef CCG_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

#include "cli.h"

bool cli_quiet = false;

static const cli_command commands[] = {
    {"read", "read abstracts in any format, write clean JSON Lines", cmd_read},
    {"stats", "count papers per format and year, empty abstracts, duplicates", cmd_stats},
    {"extract", "extract named methods, datasets, models, metrics, tools", cmd_extract},
    {"eval", "score extraction against a gold file", cmd_eval},
    {"rank", "table of the top entities or papers with metrics and communities", cmd_rank},
    {"build", "the whole pipeline: graph files, figures and tables in one run", cmd_build},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("ccgraph: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_lib_error(int err)
{
    const char *msg = ccg_error_last();
    cli_error("%s", msg && *msg ? msg : ccg_strerror(err));
}

void cli_diag(void *ud, ccg_diag_kind kind, const char *file, unsigned long line,
              const char *msg)
{
    (void)ud;
    if (cli_quiet && kind == CCG_DIAG_WARNING)
        return;
    fprintf(stderr, "ccgraph: %s:%lu: %s%s\n", file, line,
            kind == CCG_DIAG_WARNING ? "warning: " : "", msg);
}

void cli_usage(FILE *fp, const char *synopsis, const char *description,
               const struct option *opts, const char *const *argname,
               const char *const *help)
{
    fprintf(fp, "Usage: %s\n\n%s\n\nOptions:\n", synopsis, description);
    for (size_t i = 0; opts[i].name; i++) {
        char left[64];
        if (argname && argname[i])
            snprintf(left, sizeof left, "--%s %s", opts[i].name, argname[i]);
        else
            snprintf(left, sizeof left, "--%s", opts[i].name);
        char shortopt[8] = "    ";
        if (opts[i].flag == NULL && opts[i].val > ' ' && opts[i].val < 127)
            snprintf(shortopt, sizeof shortopt, "-%c, ", opts[i].val);
        fprintf(fp, "  %s%-24s %s\n", shortopt, left, help[i] ? help[i] : "");
    }
}

double cli_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* On a loaded machine the honest measure. */
double cli_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double cli_peak_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0)
        return 0;
    return (double)ru.ru_maxrss / 1024; /* KB on Linux */
}

int cli_load_corpus(char **files, int nfiles, const ccg_reader_options *ropts,
                    ccg_corpus **out)
{
    ccg_corpus *c = NULL;
    int err = ccg_corpus_new(&c);
    if (err < 0) {
        cli_lib_error(err);
        return CLI_ERROR;
    }
    char *stdin_only[] = {"-"};
    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    for (int i = 0; i < nfiles; i++) {
        if ((err = ccg_corpus_read_file(c, files[i], ropts)) < 0) {
            cli_lib_error(err);
            ccg_corpus_free(c);
            return CLI_ERROR;
        }
    }
    *out = c;
    return CLI_OK;
}

static void print_help(FILE *fp)
{
    fprintf(fp, "Usage: ccgraph COMMAND [options] [FILE...]\n\n"
                "Citation and concept graphs from research abstracts.\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "  %-9s %s\n", "help", "help COMMAND: the options of a command");
    fprintf(fp, "\nFILE is any supported format (arXiv listing, JSON Lines, JSON, Atom,\n"
                "BibTeX, RIS, Web of Science, Scopus CSV, plain text), .gz or not;\n"
                "no FILE or - reads stdin.\n\n"
                "  ccgraph --version   versions of ccgraph and its libraries\n");
}

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc < 2) {
        print_help(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_help(stdout);
        rc = CLI_OK;
    } else if (strcmp(cmd, "--version") == 0) {
        char buf[1024];
        ccg_library_versions(buf, sizeof buf);
        printf("ccgraph %s\n%s", ccg_version(), buf);
#ifdef CCG_HAVE_MIMALLOC
        int mv = mi_version(); /* 209: 2.0.9 */
        printf("allocator: mimalloc %d.%d.%d\n", mv / 100, mv / 10 % 10, mv % 10);
#else
        printf("allocator: C library malloc\n");
#endif
        rc = CLI_OK;
    } else if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            print_help(stdout);
            rc = CLI_OK;
        } else {
            const cli_command *c = find_command(argv[2]);
            if (!c) {
                cli_error("no such command: %s (see ccgraph --help)", argv[2]);
                return CLI_USAGE;
            }
            char *hargv[] = {argv[2], "--help", NULL};
            rc = c->run(2, hargv);
        }
    } else {
        const cli_command *c = find_command(cmd);
        if (!c) {
            cli_error("no such command: %s (see ccgraph --help)", cmd);
            return CLI_USAGE;
        }
        rc = c->run(argc - 1, argv + 1);
    }
    /* A full disk shows up only when stdout is flushed: that is an error too. */
    if (ferror(stdout) || fclose(stdout) != 0) {
        cli_error("stdout: write error");
        return CLI_ERROR;
    }
    return rc;
}
