/*
 * graph_metrics_tool EDGES [EXACT_MAX SAMPLES]: reads a graph ("N DIRECTED"
 * then one "u v weight" per line), computes ccgraph's node metrics and
 * communities on it, prints them as TSV for tests/graph/check_networkx.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

static const char *const cols[] = {"degree", "strength", "betweenness", "closeness",
                                   "harmonic", "eigenvector", "pagerank", "coreness",
                                   "clustering"};

int main(int argc, char **argv)
{
    FILE *fp = argc > 1 ? fopen(argv[1], "r") : NULL;
    size_t n, m = 0, cap = 64;
    int directed, err;
    if (!fp || fscanf(fp, "%zu %d", &n, &directed) != 2) {
        fprintf(stderr, "usage: graph_metrics_tool EDGES [EXACT_MAX SAMPLES]\n");
        return 2;
    }
    unsigned *u = malloc(cap * sizeof *u), *v = malloc(cap * sizeof *v);
    double *w = malloc(cap * sizeof *w);
    while (fscanf(fp, "%u %u %lf", &u[m], &v[m], &w[m]) == 3) {
        if (++m == cap) {
            cap *= 2;
            u = realloc(u, cap * sizeof *u);
            v = realloc(v, cap * sizeof *v);
            w = realloc(w, cap * sizeof *w);
        }
    }
    fclose(fp);
    ccg_network *net;
    if (ccg_network_new(&net, directed ? CCG_NET_PAPERS : CCG_NET_CONCEPTS, n, m) < 0)
        return 1;
    for (size_t e = 0; e < m; e++) {
        net->source[e] = u[e];
        net->target[e] = v[e];
        net->weight[e] = w[e];
    }
    for (size_t k = 0; k < n; k++) {
        char id[32];
        snprintf(id, sizeof id, "%zu", k);
        net->node_id[k] = strdup(id);
        net->node_label[k] = strdup(id);
    }
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    if (argc > 3) {
        o.exact_betweenness_max = strtoul(argv[2], NULL, 10);
        o.betweenness_samples = strtoul(argv[3], NULL, 10);
    }
    if ((err = ccg__graph_metrics(net, &o)) < 0 || (err = ccg__graph_communities(net, &o)) < 0) {
        fprintf(stderr, "graph_metrics_tool: %s\n", ccg_error_last());
        return 1;
    }
    printf("node");
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        printf("\t%s", cols[c]);
    printf("\tcommunity\n");
    for (size_t k = 0; k < n; k++) {
        printf("%zu", k);
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            const ccg_column *col = ccg_network_node_column(net, cols[c]);
            printf("\t%.17g", col->type == CCG_COL_DOUBLE ? col->d[k] : (double)col->i[k]);
        }
        printf("\t%d\n", net->community[k]);
    }
    ccg_network_free(net);
    free(u);
    free(v);
    free(w);
    return 0;
}
