/*
 * ccgraph rank: the top entities (or papers) of the graph with their
 * metrics and community, as a TSV, CSV, Markdown or LaTeX table.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_opts.h"

enum { OPT_TO = 1, OPT_SORT_BY, OPT_COLUMNS };

static const struct option own_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"to", required_argument, NULL, OPT_TO},
    {"rows", required_argument, NULL, 'n'},
    {"sort-by", required_argument, NULL, OPT_SORT_BY},
    {"columns", required_argument, NULL, OPT_COLUMNS},
    {"help", no_argument, NULL, 'h'},
};
static const char *const own_argnames[] = {"FILE", "FMT", "N", "METRIC", "LIST", NULL};
static const char *const own_help[] = {
    "write the table to FILE (format from its extension) instead of stdout",
    "table format: tsv (default), csv, markdown (md) or latex",
    "rows (default 50; 0 = all)",
    "sort rows by this node column, descending (default: the --size-by metric)",
    ("node columns to show, comma-separated (default: all; markdown, latex: papers, "
     "first_seen, the size metric)"),
    "show this help",
};
#define N_OWN (sizeof own_opts / sizeof own_opts[0])

static bool is_table(ccg_output_format f)
{
    return f == CCG_OUT_TSV || f == CCG_OUT_CSV || f == CCG_OUT_MARKDOWN || f == CCG_OUT_LATEX;
}

int cmd_rank(int argc, char **argv)
{
    struct option opts[N_OWN + 64];
    const char *argnames[N_OWN + 64], *help[N_OWN + 64];
    cli_pipeline_opts po;
    ccg_graph_options go;
    ccg_export_options eo;
    const char *out = NULL, *to = NULL, *sort_by = NULL;
    ccg_output_format fmt = CCG_OUT_TSV;
    ccg_network *net = NULL;
    int c, rc, err;

    _Static_assert(N_OWN + 64 > N_OWN + 1, "room for the shared options");
    memcpy(opts, own_opts, sizeof own_opts);
    memcpy(argnames, own_argnames, sizeof own_argnames);
    memcpy(help, own_help, sizeof own_help);
    if (N_OWN + CLI_GRAPH_NOPTS + 1 > sizeof opts / sizeof opts[0]) {
        cli_error("rank: option table too small");
        return CLI_ERROR;
    }
    cli_graph_opts_append(opts, argnames, help, N_OWN);
    cli_pipeline_opts_init(&po, &go);
    ccg_export_options_init(&eo);

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:n:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case OPT_TO: to = optarg; break;
        case 'n': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (!*optarg || *end || n < 0) {
                cli_error("--rows: expected a non-negative integer, not '%s'", optarg);
                return CLI_USAGE;
            }
            eo.table_rows = (size_t)n;
            break;
        }
        case OPT_SORT_BY: sort_by = optarg; break;
        case OPT_COLUMNS: eo.columns = optarg; break;
        case 'h':
            cli_usage(stdout, "ccgraph rank [options] [FILE...]",
                      "Builds the graph (concepts by default) and prints its top nodes with\n"
                      "every metric and their community, sorted by the size metric.",
                      opts, argnames, help);
            return CLI_OK;
        case '?': return CLI_USAGE;
        default:
            switch (cli_graph_opt(c, optarg, &go, &po)) {
            case 1: break;
            case 0: cli_error("rank: unhandled option"); return CLI_USAGE;
            default: return CLI_USAGE;
            }
        }
    }
    if (to) {
        if (ccg_output_format_parse(to, &fmt) < 0 || !is_table(fmt)) {
            cli_error("--to: expected tsv, csv, markdown or latex, not '%s'", to);
            return CLI_USAGE;
        }
    } else if (out && strcmp(out, "-") != 0) {
        if (ccg_output_format_from_path(out, &fmt) < 0 || !is_table(fmt)) {
            cli_error("%s: a table file ends in .tsv, .csv, .md or .tex (or use --to)", out);
            return CLI_USAGE;
        }
    }
    if ((rc = cli_build_network(argv + optind, argc - optind, &po, &go, NULL, NULL, &net)) !=
        CLI_OK)
        return rc;
    eo.sort_by = sort_by ? sort_by : go.size_by;
    eo.size_by = go.size_by;
    if ((err = ccg_export_file(net, NULL, fmt, out ? out : "-", &eo)) < 0) {
        cli_lib_error(err);
        rc = CLI_ERROR;
    }
    ccg_network_free(net);
    return rc;
}
