#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_export_net.h"

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

ccg_network *test_export_net(int hostile)
{
    static const char *const plain[] = {"DPO", "RLHF", "PPO", "GSM8K", "MATH",
                                        "LLaMA-3", "GPT-4", "accuracy", "vLLM"};
    static char longname[601];
    memset(longname, 'W', 600);
    memcpy(longname, "Very-long ", 10);
    const char *const evil[] = {
        "<script>alert(1)</script>",
        "]]> & \"quoted\" 'single' <!-- -->",
        "C:\\new\\N \\l back\\slash",
        "ctl\x01\x02\x1b[31m\x7f tab\there\nnewline\rcr",
        "bad\xff\xfe utf8 \xc3\x28 \xed\xa0\x80 end\xe2\x82",
        longname,
        "pipe | cell || $x^2_{i}$ % # & ~ \\",
        "=HYPERLINK(\"http://x\")",
        "Se\xc3\xb1or \xe6\xa8\xa1\xe5\x9e\x8b \xf0\x9f\x9a\x80 \xef\xbf\xbe",
    };
    static const char *const types[] = {"method", "method", "method", "dataset", "dataset",
                                        "model", "model", "metric", "tool"};
    static const int comm[] = {0, 0, 0, 1, 1, 2, 2, 1, 2};
    static const double size[] = {0.21, 0.15, 0.12, 0.11, 0.09, 0.13, 0.09, 0.05, 0.05};
    static const double xy[][2] = {{0, 0}, {1.5, 0.5}, {0.8, 1.6}, {4, 3}, {5, 2.2},
                                   {-3, 2}, {-2.5, 3.5}, {4.6, 4.1}, {-4, 1}};
    static const double start[] = {2023.5, 2022.25, 2022.0, 2021.9, 2021.0,
                                   2024.3, 2023.2, NAN, 2024.9};
    static const long papers[] = {40, 31, 25, 22, 18, 27, 19, 12, 12};
    static const unsigned edges[][2] = {{0, 1}, {0, 2}, {1, 2}, {0, 5}, {3, 4}, {3, 7},
                                        {4, 7}, {5, 6}, {5, 8}, {6, 8}, {2, 3}};
    static const double w[] = {12, 9, 7, 5, 6, 4, 3, 8, 2, 2, 1};
    size_t n = 9, m = 11;
    ccg_network *net = NULL;
    if (ccg_network_new(&net, CCG_NET_CONCEPTS, n, m) < 0)
        return NULL;
    net->title = dup(hostile ? "Hostile <b>title</b> & \"co\" \\ $%" : "Preference optimisation");
    net->community = calloc(n, sizeof *net->community);
    net->size = calloc(n, sizeof *net->size);
    net->x = calloc(n, sizeof *net->x);
    net->y = calloc(n, sizeof *net->y);
    net->start = calloc(n, sizeof *net->start);
    ccg_column *cp, *cpr, *cfs, *cal, *cin, *ep;
    if (ccg_network_add_node_column(net, "papers", CCG_COL_INT, &cp) < 0 ||
        ccg_network_add_node_column(net, "pagerank", CCG_COL_DOUBLE, &cpr) < 0 ||
        ccg_network_add_node_column(net, "first_seen", CCG_COL_STRING, &cfs) < 0 ||
        ccg_network_add_node_column(net, "aliases", CCG_COL_STRING, &cal) < 0 ||
        ccg_network_add_node_column(net, "introduced", CCG_COL_BOOL, &cin) < 0 ||
        ccg_network_add_edge_column(net, "papers", CCG_COL_STRING, &ep) < 0)
        goto fail;
    /* Adding a column may move the others: look them up once all exist. */
    cp = &net->node_cols[0], cpr = &net->node_cols[1], cfs = &net->node_cols[2];
    cal = &net->node_cols[3], cin = &net->node_cols[4];
    for (size_t i = 0; i < n; i++) {
        const char *label = hostile ? evil[i] : plain[i];
        char id[16];
        snprintf(id, sizeof id, "n%zu", i);
        net->node_id[i] = dup(hostile && i == 0 ? "<id&\"0\">" : id);
        net->node_label[i] = dup(label);
        net->node_type[i] = dup(types[i]);
        net->community[i] = comm[i];
        net->size[i] = size[i];
        net->x[i] = xy[i][0];
        net->y[i] = xy[i][1];
        net->start[i] = start[i];
        cp->i[i] = papers[i];
        cpr->d[i] = i == 7 ? NAN : size[i] / 1.07;
        if (!isnan(start[i])) {
            char fs[16];
            snprintf(fs, sizeof fs, "%d-%02d", (int)start[i], 1 + (int)((start[i] - (int)start[i]) * 12));
            cfs->s[i] = dup(fs);
        }
        cal->s[i] = dup(hostile ? label : i % 2 ? "alias-a; alias-b" : "x, \"y\"");
        cin->i[i] = i % 3 == 0;
    }
    /* Edge labels (the entity behind a "uses" link, in a papers graph). */
    net->edge_label = calloc(m, sizeof *net->edge_label);
    for (size_t e = 0; e < m; e++) {
        if (e % 3 == 0)
            net->edge_label[e] = dup(hostile ? "<uses> \"&\" \\" : "uses");
        net->source[e] = edges[e][0];
        net->target[e] = edges[e][1];
        net->weight[e] = w[e];
        ep->s[e] = dup(e % 2 ? "2408.13518 2409.00001" : "2410.00002");
    }
    net->n_communities = 3;
    net->community_label = calloc(3, sizeof *net->community_label);
    net->community_label[0] = dup(hostile ? "<c0> & co" : "DPO, RLHF, PPO");
    net->community_label[1] = dup("GSM8K, MATH, accuracy");
    net->community_label[2] = dup("LLaMA-3, GPT-4, vLLM");
    ccg_network_note(net, "hand-made test network%s", hostile ? " -- <hostile> -->" : "");
    return net;
fail:
    ccg_network_free(net);
    return NULL;
}

/* rand_r is POSIX; a local LCG keeps the test portable and reproducible. */
static unsigned next(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

static char *random_bytes(unsigned *state, size_t max)
{
    size_t n = 1 + next(state) % max;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned c = next(state) % 256;
        s[i] = (char)(c ? c : 'x');
    }
    s[n] = '\0';
    return s;
}

ccg_network *test_export_random_net(unsigned seed)
{
    size_t n = 30, m = 60;
    unsigned st = seed;
    ccg_network *net = NULL;
    if (ccg_network_new(&net, CCG_NET_CONCEPTS, n, m) < 0)
        return NULL;
    char *colname = random_bytes(&st, 12);
    if (!colname || ccg_network_add_node_column(net, colname, CCG_COL_STRING, NULL) < 0) {
        free(colname);
        ccg_network_free(net);
        return NULL;
    }
    free(colname);
    net->title = random_bytes(&st, 40);
    net->community = calloc(n, sizeof *net->community);
    net->size = calloc(n, sizeof *net->size);
    net->x = calloc(n, sizeof *net->x);
    net->y = calloc(n, sizeof *net->y);
    net->edge_label = calloc(m, sizeof *net->edge_label);
    for (size_t i = 0; i < n; i++) {
        net->node_id[i] = random_bytes(&st, 20);
        net->node_label[i] = random_bytes(&st, 60);
        net->node_type[i] = random_bytes(&st, 8);
        net->community[i] = (int)(next(&st) % 12) - 1;
        net->size[i] = (next(&st) % 100) / 10.0;
        net->x[i] = next(&st) % 1000;
        net->y[i] = next(&st) % 1000;
        net->node_cols[0].s[i] = random_bytes(&st, 30);
    }
    for (size_t e = 0; e < m; e++) {
        unsigned a = next(&st) % n, b = next(&st) % n;
        if (a == b)
            b = (b + 1) % n;
        net->source[e] = a < b ? a : b;
        net->target[e] = a < b ? b : a;
        net->weight[e] = 1 + next(&st) % 9;
        net->edge_label[e] = random_bytes(&st, 20);
    }
    net->n_communities = 11;
    net->community_label = calloc(11, sizeof *net->community_label);
    for (size_t c = 0; c < 11; c++)
        net->community_label[c] = random_bytes(&st, 50);
    return net;
}
