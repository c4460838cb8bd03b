/*
 * bench_build_export [NODES] [EDGES] [FORMAT]: times every writer of export/ on a
 * synthetic concept network (default 20,000 nodes, 400,000 edges, a
 * layout, 3 metric columns, edge provenance) and prints CPU seconds and MB/s
 * per format. Prints figures; asserts nothing. Numbers are noisy on a
 * shared machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ccg_export.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU: the machine is shared */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    memcpy(d, s, n);
    return d;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
    size_t m = argc > 2 ? strtoul(argv[2], NULL, 10) : 400000;
    static const char *const types[] = {"method", "dataset", "model", "metric", "tool"};
    ccg_network *net;
    if (ccg_network_new(&net, CCG_NET_CONCEPTS, n, m) < 0)
        return 1;
    net->title = dup("Synthetic benchmark network");
    net->community = calloc(n, sizeof *net->community);
    net->size = calloc(n, sizeof *net->size);
    net->x = calloc(n, sizeof *net->x);
    net->y = calloc(n, sizeof *net->y);
    net->start = calloc(n, sizeof *net->start);
    ccg_network_add_node_column(net, "papers", CCG_COL_INT, NULL);
    ccg_network_add_node_column(net, "pagerank", CCG_COL_DOUBLE, NULL);
    ccg_network_add_node_column(net, "betweenness", CCG_COL_DOUBLE, NULL);
    ccg_network_add_edge_column(net, "papers", CCG_COL_STRING, NULL);
    srand(42);
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "Entity-%zu", i);
        net->node_id[i] = dup(buf);
        net->node_label[i] = dup(buf);
        net->node_type[i] = dup(types[i % 5]);
        net->community[i] = (int)(i % 23);
        net->size[i] = 1.0 / (double)(i + 1);
        net->x[i] = (double)rand() / RAND_MAX * 100;
        net->y[i] = (double)rand() / RAND_MAX * 100;
        net->start[i] = 2020 + (double)(rand() % 60) / 12;
        net->node_cols[0].i[i] = rand() % 500;
        net->node_cols[1].d[i] = net->size[i] / 3.3;
        net->node_cols[2].d[i] = (double)rand() / RAND_MAX;
    }
    for (size_t e = 0; e < m; e++) {
        /* Preferential towards low ids, like a real co-mention graph. */
        uint32_t a = (uint32_t)(pow((double)rand() / RAND_MAX, 2) * (double)(n - 1));
        uint32_t b = (uint32_t)(rand() % (int)n);
        if (a == b)
            b = (b + 1) % (uint32_t)n;
        net->source[e] = a < b ? a : b;
        net->target[e] = a < b ? b : a;
        net->weight[e] = 1 + rand() % 20;
        snprintf(buf, sizeof buf, "2408.%05d 2409.%05d", rand() % 99999, rand() % 99999);
        net->edge_cols[0].s[e] = dup(buf);
    }
    net->n_communities = 23;
    static const ccg_output_format fmts[] = {CCG_OUT_GRAPHML, CCG_OUT_GEXF, CCG_OUT_JSON,
                                             CCG_OUT_VOSVIEWER, CCG_OUT_CSV, CCG_OUT_TSV,
                                             CCG_OUT_DOT, CCG_OUT_SVG, CCG_OUT_MARKDOWN};
    ccg_export_options o;
    ccg_export_options_init(&o);
    printf("export benchmark: %zu nodes, %zu edges (SVG draws the top %zu)\n", n, m, o.draw_top);
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        if (argc > 3 && strcmp(argv[3], ccg_output_format_name(fmts[k])) != 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/tmp/ccg_bench_export.%s", ccg_output_format_name(fmts[k]));
        double t0 = now();
        int err = ccg_export_file(net, NULL, fmts[k], path, &o);
        double t = now() - t0;
        struct stat st = {0};
        stat(path, &st);
        if (err < 0)
            printf("  %-10s failed: %s\n", ccg_output_format_name(fmts[k]), ccg_error_last());
        else
            printf("  %-10s %7.3f s  %8.1f MB  %6.0f MB/s\n", ccg_output_format_name(fmts[k]), t,
                   st.st_size / 1e6, st.st_size / 1e6 / t);
        remove(path);
        if (fmts[k] == CCG_OUT_CSV)
            remove("/tmp/ccg_bench_export.edges.csv");
    }
    ccg_network_free(net);
    return 0;
}
