/*
 * cli.h: what the subcommands of the ccgraph binary share. The commands
 * are thin: parse options, call the library, report.
 */
#ifndef CCG_CLI_H
#define CCG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "ccgraph.h"

/* Exit codes, as jq and most Unix tools: */
enum { CLI_OK = 0, CLI_ERROR = 1, CLI_USAGE = 2 };

/** One subcommand: `ccgraph NAME ...`. */
typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_command;

int cmd_read(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_build(int argc, char **argv);

/** Prints "ccgraph: MESSAGE" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/** Prints "ccgraph: " and ccg_error_last() (or ccg_strerror(err) if empty). */
void cli_lib_error(int err);

/** True if --quiet was given (silences warnings and progress). */
extern bool cli_quiet;

/** A ccg_diag_fn printing "ccgraph: file:line: msg" (warnings unless quiet). */
void cli_diag(void *ud, ccg_diag_kind kind, const char *file, unsigned long line,
              const char *msg);

/**
 * Prints usage generated from a getopt_long table: one line per option,
 * with help[i] its description (same index as opts[i]) and argname[i] the
 * name of its argument (NULL when it takes none).
 */
void cli_usage(FILE *fp, const char *synopsis, const char *description,
               const struct option *opts, const char *const *argname,
               const char *const *help);

/**
 * Reads files (or stdin when nfiles == 0) into a new corpus, reporting
 * skipped records via cli_diag. Returns CLI_OK or CLI_ERROR (message printed).
 */
/** Wall-clock seconds (monotonic), and CPU seconds of the process (all threads). */
double cli_seconds(void);
double cli_cpu_seconds(void);
/** The process's peak resident memory so far, in MB (for --timings). */
double cli_peak_mb(void);

int cli_load_corpus(char **files, int nfiles, const ccg_reader_options *ropts,
                    ccg_corpus **out);

#endif
