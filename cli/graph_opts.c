#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_opts.h"

enum {
    OPT_GRAPH = CLI_GRAPH_OPT_BASE,
    OPT_WINDOW,
    OPT_WEIGHT,
    OPT_FRACTIONAL,
    OPT_TYPES,
    OPT_MIN_PAPERS,
    OPT_TOP,
    OPT_TOP_BY,
    OPT_MIN_WEIGHT,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_LARGEST,
    OPT_KCORE,
    OPT_COMMUNITY,
    OPT_RESOLUTION,
    OPT_SEED,
    OPT_SIZE_BY,
    OPT_PROVENANCE,
    OPT_EXTERNAL,
    OPT_COCITATION,
    OPT_COUPLING,
    OPT_EXACT_BTW,
    OPT_FORMAT,
};

const struct option cli_graph_longopts[] = {
    {"graph", required_argument, NULL, OPT_GRAPH},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"weight", required_argument, NULL, OPT_WEIGHT},
    {"fractional", no_argument, NULL, OPT_FRACTIONAL},
    {"types", required_argument, NULL, OPT_TYPES},
    {"min-papers", required_argument, NULL, OPT_MIN_PAPERS},
    {"top", required_argument, NULL, OPT_TOP},
    {"top-by", required_argument, NULL, OPT_TOP_BY},
    {"min-weight", required_argument, NULL, OPT_MIN_WEIGHT},
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"largest-component", no_argument, NULL, OPT_LARGEST},
    {"k-core", required_argument, NULL, OPT_KCORE},
    {"community", required_argument, NULL, OPT_COMMUNITY},
    {"resolution", required_argument, NULL, OPT_RESOLUTION},
    {"seed", required_argument, NULL, OPT_SEED},
    {"size-by", required_argument, NULL, OPT_SIZE_BY},
    {"provenance-max", required_argument, NULL, OPT_PROVENANCE},
    {"external-refs", no_argument, NULL, OPT_EXTERNAL},
    {"cocitation", no_argument, NULL, OPT_COCITATION},
    {"coupling", no_argument, NULL, OPT_COUPLING},
    {"exact-betweenness-max", required_argument, NULL, OPT_EXACT_BTW},
    {"format", required_argument, NULL, OPT_FORMAT},
    XCLI_OPTIONS,
};
const size_t CLI_GRAPH_NOPTS = sizeof cli_graph_longopts / sizeof cli_graph_longopts[0];

const char *const cli_graph_argnames[] = {
    "KIND", "W", "NORM", NULL, "LIST", "N", "N", "METRIC", "X", "DATE", "DATE", NULL,
    "K", "ALGO", "X", "N", "METRIC", "N", NULL, NULL, NULL, "N",
    "FMT", XCLI_ARGNAMES,
};

const char *const cli_graph_help[] = {
    "concepts (default), papers (citations + inferred uses) or bipartite",
    "co-mention window: paper (default) or sentence",
    "edge weight: count (default), association, jaccard, cosine, inclusion",
    "fractional counting: a pair in a paper of n entities adds 1/(n-1)",
    "entity types to keep, comma-separated (model,method,dataset,metric,tool)",
    "drop entities in fewer than N papers (default: the least N keeping <= 5000)",
    "keep the top N nodes (0 = all)",
    "rank for --top: papers (default; in_degree for papers) or a metric",
    "drop edges lighter than X",
    "only papers dated YYYY or YYYY-MM or later",
    "only papers dated YYYY or YYYY-MM or earlier",
    "keep the largest connected component only",
    "keep the K-core only",
    "communities: leiden (default, modularity), louvain or none",
    "modularity resolution (default 1)",
    "seed of every random choice (default 42)",
    "node size metric: pagerank (default), degree, strength, papers, ...",
    "paper ids kept per edge (default 20, 0 = all)",
    "papers graph: cited works outside the corpus become nodes",
    "papers graph: add a co-citation count edge column",
    "papers graph: add a bibliographic-coupling edge column",
    "exact path metrics up to N nodes, sampled above (default: by cost)",
    "input format (default: detected)",
    XCLI_HELP,
};

_Static_assert(sizeof cli_graph_argnames / sizeof cli_graph_argnames[0] ==
                   sizeof cli_graph_longopts / sizeof cli_graph_longopts[0],
               "one argument name per shared option");
_Static_assert(sizeof cli_graph_help / sizeof cli_graph_help[0] ==
                   sizeof cli_graph_longopts / sizeof cli_graph_longopts[0],
               "one help line per shared option");

size_t cli_graph_opts_append(struct option *opts, const char **argname, const char **help,
                             size_t n)
{
    for (size_t i = 0; i < CLI_GRAPH_NOPTS; i++, n++) {
        opts[n] = cli_graph_longopts[i];
        argname[n] = cli_graph_argnames[i];
        help[n] = cli_graph_help[i];
    }
    memset(&opts[n], 0, sizeof opts[n]);
    argname[n] = NULL;
    help[n] = NULL;
    return n;
}

void cli_pipeline_opts_init(cli_pipeline_opts *po, ccg_graph_options *go)
{
    xcli_init(&po->x);
    ccg_graph_options_init(go);
}

static const char *opt_name(int c)
{
    return cli_graph_longopts[c - CLI_GRAPH_OPT_BASE].name;
}

static int bad_value(int c, const char *arg, const char *expected)
{
    cli_error("--%s: invalid value '%s' (expected %s)", opt_name(c), arg, expected);
    return -1;
}

static int parse_size(int c, const char *arg, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || v > SIZE_MAX / 2)
        return bad_value(c, arg, "a non-negative integer");
    *out = (size_t)v;
    return 1;
}

static int parse_double(int c, const char *arg, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(v) || v < 0)
        return bad_value(c, arg, "a non-negative number");
    *out = v;
    return 1;
}

/* "YYYY" or "YYYY-MM" as YYYYMM; a bare year means its first month for
 * --since and its last for --until, so both bounds are inclusive. */
static int parse_date(int c, const char *arg, int *out)
{
    int y = 0, m = 0;
    size_t len = strlen(arg);
    for (size_t i = 0; i < 4 && i < len; i++)
        if (arg[i] < '0' || arg[i] > '9')
            return bad_value(c, arg, "YYYY or YYYY-MM");
    if (len == 4) {
        y = atoi(arg);
        m = c == OPT_SINCE ? 1 : 12;
    } else if (len == 7 && arg[4] == '-' && arg[5] >= '0' && arg[5] <= '1' &&
               arg[6] >= '0' && arg[6] <= '9') {
        y = atoi(arg);
        m = (arg[5] - '0') * 10 + (arg[6] - '0');
        if (m < 1 || m > 12)
            return bad_value(c, arg, "YYYY or YYYY-MM");
    } else {
        return bad_value(c, arg, "YYYY or YYYY-MM");
    }
    *out = y * 100 + m;
    return 1;
}

static int parse_types(int c, const char *arg, unsigned *out)
{
    unsigned mask = 0;
    const char *p = arg;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[32];
        ccg_entity_type t;
        if (len == 0 || len >= sizeof name)
            return bad_value(c, arg, "a comma-separated list of model,method,dataset,metric,tool");
        memcpy(name, p, len);
        name[len] = '\0';
        if (ccg_entity_type_parse(name, &t) < 0)
            return bad_value(c, arg, "a comma-separated list of model,method,dataset,metric,tool");
        mask |= 1u << t;
        p += len + (comma != NULL);
    }
    if (!mask)
        return bad_value(c, arg, "a comma-separated list of model,method,dataset,metric,tool");
    *out = mask;
    return 1;
}

/* Picks one of names[] by exact match; returns its index or -1. */
static int pick(const char *arg, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(arg, names[i]) == 0)
            return i;
    return -1;
}

int cli_graph_opt(int c, const char *arg, ccg_graph_options *go, cli_pipeline_opts *po)
{
    static const char *const kinds[] = {"concepts", "papers", "bipartite"};
    static const char *const windows[] = {"paper", "sentence"};
    static const char *const weights[] = {"count", "association", "jaccard", "cosine",
                                          "inclusion"};
    static const char *const algos[] = {"leiden", "louvain", "none"};
    int k;
    size_t n;

    switch (c) {
    case OPT_GRAPH:
        if ((k = pick(arg, kinds, 3)) < 0)
            return bad_value(c, arg, "concepts, papers or bipartite");
        go->kind = (ccg_network_kind)k;
        return 1;
    case OPT_WINDOW:
        if ((k = pick(arg, windows, 2)) < 0)
            return bad_value(c, arg, "paper or sentence");
        go->window = (ccg_window)k;
        return 1;
    case OPT_WEIGHT:
        if ((k = pick(arg, weights, 5)) < 0)
            return bad_value(c, arg, "count, association, jaccard, cosine or inclusion");
        go->weight = (ccg_weight)k;
        return 1;
    case OPT_FRACTIONAL: go->fractional = true; return 1;
    case OPT_TYPES: return parse_types(c, arg, &go->types);
    case OPT_MIN_PAPERS: return parse_size(c, arg, &go->min_papers);
    case OPT_TOP: return parse_size(c, arg, &go->top);
    case OPT_TOP_BY: go->top_by = arg; return 1;
    case OPT_MIN_WEIGHT: return parse_double(c, arg, &go->min_weight);
    case OPT_SINCE: return parse_date(c, arg, &go->since);
    case OPT_UNTIL: return parse_date(c, arg, &go->until);
    case OPT_LARGEST: go->largest_component = true; return 1;
    case OPT_KCORE:
        if (parse_size(c, arg, &n) < 0)
            return -1;
        if (n > INT_MAX)
            return bad_value(c, arg, "a core number below 2^31");
        go->k_core = (int)n;
        return 1;
    case OPT_COMMUNITY:
        if ((k = pick(arg, algos, 3)) < 0)
            return bad_value(c, arg, "leiden, louvain or none");
        go->community = (ccg_community_algo)k;
        return 1;
    case OPT_RESOLUTION:
        if (parse_double(c, arg, &go->resolution) < 0)
            return -1;
        if (!(go->resolution > 0))
            return bad_value(c, arg, "a positive number");
        return 1;
    case OPT_SEED:
        if (parse_size(c, arg, &n) < 0)
            return -1;
        go->seed = n;
        return 1;
    case OPT_SIZE_BY: go->size_by = arg; return 1;
    case OPT_PROVENANCE: return parse_size(c, arg, &go->provenance_max);
    case OPT_EXTERNAL: go->external_refs = true; return 1;
    case OPT_COCITATION: go->cocitation = true; return 1;
    case OPT_COUPLING: go->coupling = true; return 1;
    case OPT_EXACT_BTW: return parse_size(c, arg, &go->exact_betweenness_max);
    case OPT_FORMAT:
        if (ccg_format_parse(arg, &po->x.ro.format) < 0)
            return bad_value(c, arg, "a format name (see ccgraph read --help)");
        return 1;
    default:
        return xcli_option(&po->x, c, arg);
    }
}

int cli_build_network(char **files, int nfiles, const cli_pipeline_opts *po,
                      const ccg_graph_options *go, ccg_corpus **corpus_out,
                      ccg_annotation **ann_out, ccg_network **net_out)
{
    ccg_corpus *corpus = NULL;
    ccg_extractor *x = NULL;
    ccg_annotation *ann = NULL;
    ccg_network *net = NULL;
    xcli xo = po->x;
    int err;

    if (xcli_run(&xo, files, nfiles, &corpus, &x, &ann) != CLI_OK)
        return CLI_ERROR;
    double t0 = cli_seconds(), c0 = cli_cpu_seconds();
    err = ccg_graph_build(corpus, ann, go, &net);
    if (err >= 0 && xo.timings)
        fprintf(stderr, "ccgraph: graph%s: %.2f s, %.2f s CPU (%zu nodes, %zu edges, peak RSS %.0f MB)\n",
                go->layout != CCG_LAYOUT_NONE ? " and layout" : "", cli_seconds() - t0,
                cli_cpu_seconds() - c0, net->n_nodes, net->n_edges, cli_peak_mb());
    if (err < 0) {
        cli_lib_error(err);
        ccg_annotation_free(ann);
        ccg_extractor_free(x);
        ccg_corpus_free(corpus);
        return CLI_ERROR;
    }
    *net_out = net;
    if (ann_out)
        *ann_out = ann;
    else
        ccg_annotation_free(ann);
    ccg_extractor_free(x);
    if (corpus_out)
        *corpus_out = corpus;
    else
        ccg_corpus_free(corpus);
    return CLI_OK;
}
