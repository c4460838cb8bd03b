/*
 * bench_graph CORPUS [MIN_PAPERS...]: reads and annotates a corpus once,
 * then builds the concept graph (with every metric, communities and, as
 * ccgraph build, the layout of the top 300) for each --min-papers value
 * given (default: 1 3 5), and the paper graph; for
 * each prints node/edge counts, the CPU time of every stage (thread CPU
 * time: the machine is shared), the wall time and the peak RSS.
 * Prints figures, asserts nothing: it is not a ctest.
 *
 *   build-graph/tests/bench_graph /work/shared/corpus/arxiv_cs_2025_2026.jsonl.gz
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "ccg_graph.h"
#include "graph_internal.h"

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(const ccg_corpus *c, const ccg_annotation *a, const ccg_graph_options *o,
               const char *what)
{
    ccg_network *net = NULL;
    double t0 = ccg__now(), w0 = wall();
    int err = ccg_graph_build(c, a, o, &net);
    double total = ccg__now() - t0, wtotal = wall() - w0;
    if (err < 0) {
        fprintf(stderr, "bench_graph: %s: %s\n", what, ccg_error_last());
        return 1;
    }
    printf("\n%s: %zu nodes, %zu edges, %zu communities: %.3f s CPU (%.3f s wall), "
           "peak RSS %.0f MB\n",
           what, net->n_nodes, net->n_edges, net->n_communities, total, wtotal, peak_mb());
    size_t n;
    const ccg__timing *t = ccg__timings(&n);
    for (size_t k = 0; k < n; k++)
        printf("  %-44s %8.3f s\n", t[k].name, t[k].seconds);
    for (size_t k = 0; k < net->n_notes; k++)
        printf("  note: %s\n", net->notes[k]);
    ccg_network_free(net);
    return 0;
}

int main(int argc, char **argv)
{
    ccg_corpus *c = NULL;
    ccg_extractor *x = NULL;
    ccg_annotation *a = NULL;
    ccg_reader_options ro = {0};
    ccg_extractor_options xo;
    ccg_graph_options o;
    char label[64];
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: bench_graph CORPUS [MIN_PAPERS...]\n");
        return 2;
    }
    double t = wall();
    if (ccg_corpus_new(&c) < 0 || ccg_corpus_read_file(c, argv[1], &ro) < 0) {
        fprintf(stderr, "bench_graph: %s\n", ccg_error_last());
        return 1;
    }
    printf("read %zu papers: %.2f s wall\n", c->n_records, wall() - t);
    t = wall();
    ccg_extractor_options_init(&xo);
    if (ccg_extractor_new(&x, &xo) < 0 || ccg_extractor_annotate(x, c, &a) < 0) {
        fprintf(stderr, "bench_graph: %s\n", ccg_error_last());
        return 1;
    }
    printf("extracted %zu entities: %.2f s wall (all cores); peak RSS %.0f MB\n",
           a->n_entities, wall() - t, peak_mb());

    const char *defaults[] = {"1", "3", "5"};
    char **mins = argc > 2 ? argv + 2 : (char **)defaults;
    int nmins = argc > 2 ? argc - 2 : 3;
    for (int k = 0; k < nmins && !rc; k++) {
        ccg_graph_options_init(&o);
        o.min_papers = strtoul(mins[k], NULL, 10);
        o.layout = CCG_LAYOUT_FR; /* as ccgraph build: the drawn top laid out */
        o.layout_top = 300;
        snprintf(label, sizeof label, "concepts, min-papers %zu", o.min_papers);
        rc = run(c, a, &o, label);
    }
    ccg_graph_options_init(&o);
    o.kind = CCG_NET_PAPERS;
    if (!rc)
        rc = run(c, a, &o, "papers (citations + inferred uses)");
    ccg_annotation_free(a);
    ccg_extractor_free(x);
    ccg_corpus_free(c);
    return rc;
}
