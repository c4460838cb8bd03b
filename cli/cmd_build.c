/*
 * ccgraph build: the whole pipeline in one command, every output in one
 * run: read -> extract -> graph -> layout (once) -> each -o file.
 *
 *   ccgraph build papers.jsonl -o landscape.svg -o landscape.graphml \
 *       -o landscape.gexf -o top.md --draw-top 200
 *
 * Each output's format comes from its extension; --to FORMAT sets it for
 * the next -o only (for odd names, or "-" for stdout). The layout is
 * computed once, by the graph build (ccg_graph_options.layout), on the
 * drawn top of the graph when the graph is bigger than --draw-top, and
 * every output of the run carries the same coordinates (nodes outside the
 * drawing have none).
 */
#include <errno.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "graph_opts.h"

enum { OPT_DRAW_TOP = 0x200, OPT_LABEL_TOP, OPT_ENGINE, OPT_TITLE, OPT_LAYOUT, OPT_ROWS,
       OPT_SORT_BY, OPT_COLUMNS, OPT_TIMINGS };

static const struct option own_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"to", required_argument, NULL, 't'},
    {"draw-top", required_argument, NULL, OPT_DRAW_TOP},
    {"label-top", required_argument, NULL, OPT_LABEL_TOP},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {"layout", required_argument, NULL, OPT_LAYOUT},
    {"title", required_argument, NULL, OPT_TITLE},
    {"rows", required_argument, NULL, OPT_ROWS},
    {"sort-by", required_argument, NULL, OPT_SORT_BY},
    {"columns", required_argument, NULL, OPT_COLUMNS},
    {"timings", no_argument, NULL, OPT_TIMINGS},
    {"help", no_argument, NULL, 'h'},
};
#define N_OWN (sizeof own_options / sizeof *own_options)
static const char *const own_argnames[N_OWN] = {"FILE", "FORMAT", "N", "N", "E", "ALGO",
                                                "TEXT", "N", "COLUMN", "LIST", NULL, NULL};
static const char *const own_help[N_OWN] = {
    "write FILE, format from its extension (.svg .pdf .png .dot .graphml .gexf .json "
    ".vos.json .csv .tsv .md .tex .thesaurus.txt); repeatable",
    "format of the next -o (dot, graphml, gexf, svg, pdf, png, json, vosviewer, csv, tsv, "
    "markdown, latex, thesaurus)",
    "figures: draw the top N nodes (default 300; 0 = all); data files keep every node",
    "figures: label the top N nodes (default 40)",
    "figures: let Graphviz lay out the drawing (sfdp, neato, fdp) instead of --layout",
    "layout computed once for every output: fr (default), drl, none",
    "figure title and table caption",
    "tables (.md .tex): rows (default 50); .csv .tsv get every node unless given",
    "tables: sort rows by this node column (default: the size metric)",
    "tables: node columns to show, comma-separated (default: all; .md .tex: papers, "
    "first_seen, the size metric)",
    "print the seconds each stage and each output took on stderr",
    "show this help",
};

typedef struct {
    const char *path;
    ccg_output_format format;
} output;

static void usage(FILE *fp, const struct option *opts, const char *const *argn,
                  const char *const *help)
{
    cli_usage(fp, "ccgraph build [OPTIONS] [FILE...] -o OUT [-o OUT...]",
              "Reads abstracts, extracts entities, builds and measures the graph, lays it\n"
              "out once, and writes every output asked for: figures (SVG, PDF, PNG),\n"
              "graph files (DOT, GraphML, GEXF, JSON, VOSviewer) and tables (CSV, TSV,\n"
              "Markdown, LaTeX), plus the thesaurus of merged names. No FILE or - is stdin.",
              opts, argn, help);
}

static int parse_count(const char *opt, const char *arg, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-') {
        cli_error("build: --%s wants a count, not '%s'", opt, arg);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* What the outputs do not read: the corpus and, unless the thesaurus is
 * written, the annotation. Freeing them (74.5k records: ~0.03 s) is done on
 * a thread of its own while the outputs are written, not before or after. */
typedef struct {
    ccg_corpus *corpus;
    ccg_annotation *ann;
} garbage;

static void *free_garbage(void *arg)
{
    garbage *g = arg;
    ccg_corpus_free(g->corpus);
    ccg_annotation_free(g->ann);
    return NULL;
}

int cmd_build(int argc, char **argv)
{
    struct option opts[N_OWN + CLI_GRAPH_NOPTS + 1];
    const char *argn[N_OWN + CLI_GRAPH_NOPTS + 1], *help[N_OWN + CLI_GRAPH_NOPTS + 1];
    memcpy(opts, own_options, sizeof own_options);
    memcpy(argn, own_argnames, sizeof own_argnames);
    memcpy(help, own_help, sizeof own_help);
    cli_graph_opts_append(opts, argn, help, N_OWN);

    cli_pipeline_opts po;
    ccg_graph_options go;
    cli_pipeline_opts_init(&po, &go);
    ccg_export_options eo;
    ccg_export_options_init(&eo);
    ccg_layout_algo layout = CCG_LAYOUT_FR;
    bool rows_given = false, timings = false;
    output *outs = calloc((size_t)argc + 1, sizeof *outs);
    size_t nouts = 0;
    bool have_to = false;
    ccg_output_format next_to = CCG_OUT_DOT;
    int rc = CLI_OK;
    ccg_annotation *ann = NULL;
    ccg_network *net = NULL;
    garbage g = {NULL, NULL};
    pthread_t gtid;
    bool gthread = false;
    if (!outs) {
        cli_error("build: out of memory");
        return CLI_ERROR;
    }

    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            outs[nouts].path = optarg;
            if (have_to) {
                outs[nouts].format = next_to;
                have_to = false;
            } else if (ccg_output_format_from_path(optarg, &outs[nouts].format) < 0) {
                cli_error("build: %s (or give --to FORMAT before -o)", ccg_error_last());
                rc = CLI_USAGE;
                goto done;
            }
            nouts++;
            break;
        case 't':
            if (ccg_output_format_parse(optarg, &next_to) < 0) {
                cli_error("build: %s", ccg_error_last());
                rc = CLI_USAGE;
                goto done;
            }
            have_to = true;
            break;
        case OPT_DRAW_TOP:
            if (parse_count("draw-top", optarg, &eo.draw_top) < 0)
                goto usage_error;
            break;
        case OPT_LABEL_TOP:
            if (parse_count("label-top", optarg, &eo.label_top) < 0)
                goto usage_error;
            break;
        case OPT_ROWS:
            if (parse_count("rows", optarg, &eo.table_rows) < 0)
                goto usage_error;
            rows_given = true;
            break;
        case OPT_ENGINE:
            if (strcmp(optarg, "sfdp") && strcmp(optarg, "neato") && strcmp(optarg, "fdp")) {
                cli_error("build: --engine wants sfdp, neato or fdp, not '%s'", optarg);
                goto usage_error;
            }
            eo.engine = optarg;
            break;
        case OPT_LAYOUT:
            if (strcmp(optarg, "fr") == 0)
                layout = CCG_LAYOUT_FR;
            else if (strcmp(optarg, "drl") == 0)
                layout = CCG_LAYOUT_DRL;
            else if (strcmp(optarg, "none") == 0)
                layout = CCG_LAYOUT_NONE;
            else {
                cli_error("build: --layout wants fr, drl or none, not '%s'", optarg);
                goto usage_error;
            }
            break;
        case OPT_TITLE: eo.title = optarg; break;
        case OPT_SORT_BY: eo.sort_by = optarg; break;
        case OPT_COLUMNS: eo.columns = optarg; break;
        case OPT_TIMINGS: timings = true; break;
        case 'h':
            usage(stdout, opts, argn, help);
            goto done;
        default:
            switch (cli_graph_opt(c, optarg, &go, &po)) {
            case 1: break;
            case 0:
                cli_error("build: see ccgraph build --help");
                goto usage_error;
            default: goto usage_error;
            }
        }
    }
    if (have_to) {
        cli_error("build: --to must come before the -o it is for");
        goto usage_error;
    }
    if (nouts == 0) {
        cli_error("build: no output: give at least one -o FILE (e.g. -o landscape.svg)");
        goto usage_error;
    }
    for (size_t k = 0; k < nouts; k++)
        for (size_t j = 0; j < k; j++)
            if (strcmp(outs[k].path, outs[j].path) == 0 && strcmp(outs[k].path, "-") != 0) {
                cli_error("build: %s is given twice", outs[k].path);
                goto usage_error;
            }
    eo.size_by = go.size_by;
    /* The build lays out the drawn top itself, beside the metrics. */
    go.layout = layout;
    go.layout_top = eo.draw_top;

    po.x.timings = timings;
    if ((rc = cli_build_network(argv + optind, argc - optind, &po, &go, &g.corpus, &ann,
                                &net)) != CLI_OK)
        goto done;
    bool thesaurus = false;
    for (size_t k = 0; k < nouts; k++)
        thesaurus |= outs[k].format == CCG_OUT_THESAURUS;
    if (!thesaurus) {
        g.ann = ann;
        ann = NULL;
    }
    if (!(gthread = pthread_create(&gtid, NULL, free_garbage, &g) == 0))
        free_garbage(&g);
    /* Every output at once (ccg_export_files); a line per output when asked. */
    ccg_export_job *jobs = calloc(nouts, sizeof *jobs);
    if (!jobs) {
        cli_lib_error(CCG_ENOMEM);
        rc = CLI_ERROR;
        goto done;
    }
    for (size_t k = 0; k < nouts; k++) {
        jobs[k].format = outs[k].format;
        jobs[k].path = outs[k].path;
        jobs[k].opts = eo;
        if (!rows_given && (outs[k].format == CCG_OUT_CSV || outs[k].format == CCG_OUT_TSV))
            jobs[k].opts.table_rows = 0; /* data tables keep every node */
    }
    bool progress = !timings && !cli_quiet && isatty(STDERR_FILENO);
    if (progress)
        fprintf(stderr, "ccgraph: build: writing %zu output%s\r", nouts, nouts > 1 ? "s" : "");
    int err = ccg_export_files(net, ann, jobs, nouts, po.x.xo.threads);
    if (progress)
        fputs("\033[K", stderr); /* clear the progress line */
    if (err < 0) {
        cli_lib_error(err);
        rc = CLI_ERROR;
    }
    for (size_t k = 0; timings && k < nouts; k++) {
        struct stat st;
        if (jobs[k].err == 0)
            fprintf(stderr, "ccgraph: %s: %.2f s, %.2f s CPU, %.1f MB\n", outs[k].path,
                    jobs[k].seconds, jobs[k].cpu_seconds,
                    stat(outs[k].path, &st) == 0 ? (double)st.st_size / 1e6 : 0.0);
    }
    free(jobs);
    goto done;
usage_error:
    rc = CLI_USAGE;
done:
    if (gthread)
        pthread_join(gtid, NULL);
    ccg_network_free(net);
    ccg_annotation_free(ann);
    free(outs);
    return rc;
}
