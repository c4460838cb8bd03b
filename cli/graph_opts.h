/*
 * graph_opts.h: the options shared by `ccgraph rank` and `ccgraph build`
 * (reading, extraction, graph kind, filters, metrics), and the pipeline
 * corpus -> annotation -> network both run.
 *
 * A command appends cli_graph_longopts to its own getopt_long table with
 * cli_graph_opts_append(), and in its getopt loop hands every option it does
 * not know to cli_graph_opt(). All shared options are long-only (val >=
 * CLI_GRAPH_OPT_BASE), so they never clash with a command's short options.
 *
 *   struct option opts[N_OWN + CLI_GRAPH_NOPTS + 1];
 *   const char *argn[...], *help[...];
 *   memcpy own entries; cli_graph_opts_append(opts, argn, help, N_OWN);
 *   ...
 *   default: switch (cli_graph_opt(c, optarg, &go, &po)) {
 *            case 1: break; case 0: usage error; default: return CLI_USAGE; }
 *   ...
 *   rc = cli_build_network(files, nfiles, &po, &go, &corpus, &ann, &net);
 */
#ifndef CCG_CLI_GRAPH_OPTS_H
#define CCG_CLI_GRAPH_OPTS_H

#include "cli.h"
#include "cmd_extract.h"

/** First getopt value used by the shared options. */
#define CLI_GRAPH_OPT_BASE 0x1000

/**
 * Options of the stages before the graph: reading (--format, --strict) and
 * extraction (the options of `ccgraph extract`, handled by xcli_option:
 * --granularity, --threads, --lexicon, --stoplist, --thesaurus,
 * --no-builtin-lexicon, --quiet).
 */
typedef struct {
    xcli x;
} cli_pipeline_opts;

/** The shared getopt_long entries (without the terminating zero entry). */
extern const struct option cli_graph_longopts[];
/** Argument names (NULL: no argument) and help, same index as cli_graph_longopts. */
extern const char *const cli_graph_argnames[];
extern const char *const cli_graph_help[];
/** Number of entries in the three arrays above. */
extern const size_t CLI_GRAPH_NOPTS;

/**
 * Copies the shared entries into opts/argname/help from index n on and
 * terminates opts with a zero entry. The arrays must have room for
 * n + CLI_GRAPH_NOPTS + 1 items. Returns the new count (without the
 * terminator).
 */
size_t cli_graph_opts_append(struct option *opts, const char **argname, const char **help,
                             size_t n);

/** Defaults: ccg_graph_options_init and xcli_init. */
void cli_pipeline_opts_init(cli_pipeline_opts *po, ccg_graph_options *go);

/**
 * Handles one getopt result c with its optarg. Returns 1 if c is a shared
 * option and was applied, 0 if c is not one of them, or -1 if its value is
 * invalid (a message was printed: exit with CLI_USAGE).
 */
int cli_graph_opt(int c, const char *arg, ccg_graph_options *go, cli_pipeline_opts *po);

/**
 * The pipeline: reads files (stdin when nfiles == 0) into a corpus,
 * extracts entities (extractor + lexicons from po), builds and measures
 * the network. On CLI_OK the caller owns *corpus, *ann and *net (free with
 * ccg_network_free, ccg_annotation_free, ccg_corpus_free, in that order);
 * corpus or ann may be NULL if the caller does not want them (they are
 * then freed here). On CLI_ERROR a message was printed and nothing is
 * returned.
 */
int cli_build_network(char **files, int nfiles, const cli_pipeline_opts *po,
                      const ccg_graph_options *go, ccg_corpus **corpus,
                      ccg_annotation **ann, ccg_network **net);

#endif
