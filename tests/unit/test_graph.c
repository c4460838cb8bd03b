/*
 * Graph layer on a four-paper corpus whose every number was computed by
 * hand (see the comments at each assertion).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <igraph.h>

#include "ccg_graph.h"
#include "graph_internal.h"
#include "test_graph_corpus.h"

enum { ADAM, BERT, CIFAR, DPO };
static const tg_entity ents[] = {
    {"Adam", CCG_TYPE_METHOD},
    {"BERT", CCG_TYPE_MODEL},
    {"CIFAR-10", CCG_TYPE_DATASET},
    {"DPO", CCG_TYPE_METHOD},
};
#define END {-1u, 0}
static const tg_paper papers[] = {
    {"2401.00001", 2024, 1, "We train BERT with Adam. We test on CIFAR-10.",
     {{BERT, 0}, {ADAM, 0}, {CIFAR, 1}, END}, 0, {NULL}},
    {"2406.00002", 2024, 6, "Adam is used. BERT is fine-tuned.",
     {{ADAM, 0}, {BERT, 1}, END}, 0, {NULL}},
    {"2503.00003", 2025, 3, "We introduce DPO for BERT. It beats CIFAR-10 baselines.",
     {{DPO, 0}, {BERT, 0}, {CIFAR, 1}, END}, 1u << DPO, {NULL}},
    {"2505.00004", 2025, 5, "Adam alone.", {{ADAM, 0}, END}, 0, {NULL}},
};

typedef struct {
    ccg_corpus *c;
    ccg_annotation *a;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    tg_build(papers, 4, ents, 4, &f->c, &f->a);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tg_free(f->c, f->a);
    free(f);
    return 0;
}

static ccg_network *build(void **state, const ccg_graph_options *o)
{
    fixture *f = *state;
    ccg_network *net = NULL;
    int err = ccg_graph_build(f->c, f->a, o, &net);
    if (err < 0)
        fail_msg("ccg_graph_build: %s", ccg_error_last());
    return net;
}

/* Index of edge (s, t), or -1. */
static long edge(const ccg_network *net, uint32_t s, uint32_t t)
{
    for (size_t e = 0; e < net->n_edges; e++)
        if (net->source[e] == s && net->target[e] == t)
            return (long)e;
    return -1;
}

static double node_d(const ccg_network *net, const char *col, size_t v)
{
    const ccg_column *c = ccg_network_node_column(net, col);
    assert_non_null(c);
    return c->type == CCG_COL_DOUBLE ? c->d[v] : (double)c->i[v];
}

static const char *node_s(const ccg_network *net, const char *col, size_t v)
{
    const ccg_column *c = ccg_network_node_column(net, col);
    assert_non_null(c);
    assert_int_equal(c->type, CCG_COL_STRING);
    return c->s[v];
}

static const char *edge_s(const ccg_network *net, const char *col, long e)
{
    const ccg_column *c = ccg_network_edge_column(net, col);
    assert_non_null(c);
    assert_true(e >= 0);
    return c->s[e];
}

static void test_concepts_counts(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    ccg_network *net = build(state, &o);

    /* Nodes by papers desc, then name: Adam 3, BERT 3, CIFAR-10 2, DPO 1. */
    assert_int_equal(net->n_nodes, 4);
    assert_string_equal(net->node_id[0], "Adam");
    assert_string_equal(net->node_id[1], "BERT");
    assert_string_equal(net->node_id[2], "CIFAR-10");
    assert_string_equal(net->node_id[3], "DPO");
    assert_string_equal(net->node_type[2], "dataset");
    assert_false(net->directed);
    assert_int_equal(node_d(net, "papers", 0), 3);
    assert_int_equal(node_d(net, "mentions", 3), 1);
    assert_string_equal(node_s(net, "introduced_by", 3), "2503.00003");
    assert_null(node_s(net, "introduced_by", 0));

    /* Pairs: AB in P1,P2; AC in P1; BC in P1,P3; BD and CD in P3. */
    assert_int_equal(net->n_edges, 5);
    uint32_t want[5][2] = {{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}};
    double w[5] = {2, 1, 2, 1, 1};
    for (int e = 0; e < 5; e++) {
        assert_int_equal(net->source[e], want[e][0]);
        assert_int_equal(net->target[e], want[e][1]);
        assert_true(net->weight[e] == w[e]);
    }
    assert_string_equal(edge_s(net, "papers", 0), "2401.00001;2406.00002");
    assert_string_equal(edge_s(net, "papers", 2), "2401.00001;2503.00003");
    assert_int_equal(ccg_network_edge_column(net, "n_papers")->i[2], 2);
    /* Evidence: a sentence naming both, else the first mention's sentence. */
    assert_string_equal(edge_s(net, "evidence", 0), "We train BERT with Adam.");
    assert_string_equal(edge_s(net, "evidence", 3), "We introduce DPO for BERT.");
    assert_string_equal(edge_s(net, "evidence", 4), "We introduce DPO for BERT.");

    /* Degree, strength; weighted betweenness with lengths 1/w: A-C has two
     * shortest paths of length 1 (direct, and via B 0.5+0.5), A-D one via B
     * (1.5): B = 0.5 + 1 = 1.5, all others 0. */
    assert_int_equal(node_d(net, "degree", 1), 3);
    assert_true(node_d(net, "strength", 1) == 5);
    assert_true(fabs(node_d(net, "betweenness", 1) - 1.5) < 1e-12);
    assert_true(node_d(net, "betweenness", 0) == 0);
    assert_true(node_d(net, "coreness", 0) == 2);
    /* Clustering of B: neighbours A, C, D; links AC and CD: 2 of 3. */
    assert_true(fabs(node_d(net, "clustering", 1) - 2.0 / 3) < 1e-12);

    /* Time: Adam in 2024-01, 2024-06, 2025-05. Latest month T = 2025-05;
     * recent window 2024-06..2025-05 has R = 3 papers, the year before P = 1.
     * Adam r = 2, p = 1: (3/4)/(2/2) = 0.75; DPO r = 1, p = 0: (2/4)/(1/2) = 1. */
    assert_string_equal(node_s(net, "first_seen", 0), "2024-01");
    assert_string_equal(node_s(net, "last_seen", 0), "2025-05");
    assert_string_equal(node_s(net, "papers_by_year", 0), "2024:2;2025:1");
    assert_string_equal(node_s(net, "papers_by_month", 0), "2024-01:1;2024-06:1;2025-05:1");
    assert_true(fabs(node_d(net, "rising", 0) - 0.75) < 1e-12);
    assert_true(fabs(node_d(net, "rising", 3) - 1.0) < 1e-12);
    assert_true(fabs(net->start[3] - (2025 + 2.0 / 12)) < 1e-12);

    /* Size defaults to PageRank; communities labelled. */
    assert_non_null(net->size);
    assert_true(net->size[1] == node_d(net, "pagerank", 1));
    assert_non_null(net->community);
    assert_true(net->n_communities >= 1);
    for (size_t v = 0; v < 4; v++)
        assert_true(net->community[v] >= 0 && (size_t)net->community[v] < net->n_communities);
    assert_non_null(net->community_label[0]);
    ccg_network_free(net);
}

static void test_weights(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    /* s_A = s_B = 3, s_C = 2, s_D = 1; c_AB = 2, c_BC = 2, c_BD = 1. */
    struct {
        ccg_weight w;
        double ab, bc, bd;
    } cases[] = {
        {CCG_WEIGHT_ASSOCIATION, 2.0 / 9, 2.0 / 6, 1.0 / 3},
        {CCG_WEIGHT_JACCARD, 2.0 / 4, 2.0 / 3, 1.0 / 3},
        {CCG_WEIGHT_COSINE, 2.0 / 3, 2.0 / sqrt(6), 1.0 / sqrt(3)},
        {CCG_WEIGHT_INCLUSION, 2.0 / 3, 1.0, 1.0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        o.weight = cases[k].w;
        ccg_network *net = build(state, &o);
        assert_true(fabs(net->weight[edge(net, 0, 1)] - cases[k].ab) < 1e-12);
        assert_true(fabs(net->weight[edge(net, 1, 2)] - cases[k].bc) < 1e-12);
        assert_true(fabs(net->weight[edge(net, 1, 3)] - cases[k].bd) < 1e-12);
        ccg_network_free(net);
    }
    /* Fractional: P1 and P3 have 3 entities (1/2 per pair), P2 has 2 (1). */
    o.weight = CCG_WEIGHT_COUNT;
    o.fractional = true;
    ccg_network *net = build(state, &o);
    assert_true(net->weight[edge(net, 0, 1)] == 1.5);
    assert_true(net->weight[edge(net, 1, 2)] == 1.0);
    assert_true(net->weight[edge(net, 2, 3)] == 0.5);
    ccg_network_free(net);
}

static void test_sentence_window(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    o.window = CCG_WINDOW_SENTENCE;
    ccg_network *net = build(state, &o);
    /* Only AB (P1 sentence 0) and BD (P3 sentence 0) share a sentence. */
    assert_int_equal(net->n_edges, 2);
    assert_true(edge(net, 0, 1) >= 0 && edge(net, 1, 3) >= 0);
    assert_string_equal(edge_s(net, "papers", edge(net, 0, 1)), "2401.00001");
    ccg_network_free(net);
}

static void test_filters(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    o.min_papers = 2;
    ccg_network *net = build(state, &o);
    assert_int_equal(net->n_nodes, 3);
    assert_int_equal(net->n_edges, 3);
    assert_string_equal(net->notes[0], "kept 3 of 4 entities: min-papers 2");
    ccg_network_free(net);

    ccg_graph_options_init(&o);
    o.top = 2;
    net = build(state, &o);
    assert_int_equal(net->n_nodes, 2);
    assert_string_equal(net->node_id[1], "BERT");
    assert_int_equal(net->n_edges, 1);
    assert_string_equal(net->notes[0], "kept 2 of 4 entities: top 2 by papers");
    ccg_network_free(net);

    /* Top by degree: B and C have 3. */
    o.top_by = "degree";
    net = build(state, &o);
    assert_int_equal(net->n_nodes, 2);
    assert_string_equal(net->node_id[0], "BERT");
    assert_string_equal(net->node_id[1], "CIFAR-10");
    ccg_network_free(net);

    ccg_graph_options_init(&o);
    o.types = 1u << CCG_TYPE_METHOD;
    net = build(state, &o);
    assert_int_equal(net->n_nodes, 2);
    assert_int_equal(net->n_edges, 0);
    ccg_network_free(net);

    ccg_graph_options_init(&o);
    o.since = 202501;
    net = build(state, &o);
    assert_int_equal(net->n_nodes, 4);
    assert_string_equal(net->node_id[0], "Adam"); /* all 1 paper: by name */
    assert_int_equal(node_d(net, "papers", 1), 1);
    assert_int_equal(net->n_edges, 3); /* BC, BD, CD from P3 */
    ccg_network_free(net);

    ccg_graph_options_init(&o);
    o.until = 202406;
    o.min_weight = 2;
    net = build(state, &o);
    assert_int_equal(net->n_edges, 1); /* AB: P1 + P2 */
    assert_string_equal(net->notes[0],
                        "kept 3 of 3 entities: until 2024-06 (2 of 4 papers), min-weight 2");
    ccg_network_free(net);

    /* The graph is two triangles sharing B-C: a 2-core, no 3-core. */
    ccg_graph_options_init(&o);
    o.k_core = 2;
    net = build(state, &o);
    assert_int_equal(net->n_nodes, 4);
    ccg_network_free(net);
    o.k_core = 3;
    net = build(state, &o);
    assert_int_equal(net->n_nodes, 0);
    assert_int_equal(net->n_edges, 0);
    ccg_network_free(net);

    ccg_graph_options_init(&o);
    o.types = 1u << CCG_TYPE_METHOD | 1u << CCG_TYPE_MODEL;
    o.largest_component = true;
    net = build(state, &o); /* Adam-BERT-DPO: a path, all connected */
    assert_int_equal(net->n_nodes, 3);
    ccg_network_free(net);
}

static void test_bad_options(void **state)
{
    fixture *f = *state;
    ccg_graph_options o;
    ccg_network *net = NULL;
    ccg_graph_options_init(&o);
    o.size_by = "nonsense";
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), CCG_EINVAL);
    assert_null(net);
    assert_non_null(strstr(ccg_error_last(), "nonsense"));
    ccg_graph_options_init(&o);
    o.top = 1;
    o.top_by = "title";
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), CCG_EINVAL);
    ccg_graph_options_init(&o);
    o.resolution = 0;
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), CCG_EINVAL);
}

static void assert_same_network(const ccg_network *x, const ccg_network *y)
{
    assert_int_equal(x->n_nodes, y->n_nodes);
    assert_int_equal(x->n_edges, y->n_edges);
    assert_int_equal(x->n_node_cols, y->n_node_cols);
    for (size_t v = 0; v < x->n_nodes; v++) {
        assert_string_equal(x->node_id[v], y->node_id[v]);
        assert_int_equal(x->community[v], y->community[v]);
        for (size_t k = 0; k < x->n_node_cols; k++)
            if (x->node_cols[k].type == CCG_COL_DOUBLE)
                assert_memory_equal(&x->node_cols[k].d[v], &y->node_cols[k].d[v],
                                    sizeof(double));
    }
    for (size_t e = 0; e < x->n_edges; e++)
        assert_true(x->source[e] == y->source[e] && x->target[e] == y->target[e] &&
                    x->weight[e] == y->weight[e]);
}

static void test_deterministic(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    o.community = CCG_COMMUNITY_LOUVAIN;
    ccg_network *x = build(state, &o), *y = build(state, &o);
    assert_same_network(x, y);
    ccg_network_free(x);
    ccg_network_free(y);
}

/* An evidence sentence cut where a space and a 4-byte character end at
 * byte 407: the excerpt buffer once had room for 409 bytes and a NUL, one
 * short of "...". */
static void test_evidence_cut(void **state)
{
    (void)state;
    char text[600];
    strcpy(text, "We train BERT with Adam on");
    while (strlen(text) + 5 <= 402)
        strcat(text, " word");
    while (strlen(text) < 402)
        strcat(text, "z");
    strcat(text, " \xf0\x9f\x9a\x80x and more. The end.");
    const tg_paper one[] = {
        {"2401.00009", 2024, 1, text, {{BERT, 0}, {ADAM, 0}, END}, 0, {NULL}}};
    ccg_corpus *c;
    ccg_annotation *a;
    ccg_network *net = NULL;
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    tg_build(one, 1, ents, 4, &c, &a);
    assert_int_equal(ccg_graph_build(c, a, &o, &net), 0);
    const char *ev = edge_s(net, "evidence", 0);
    assert_int_equal(strlen(ev), 402 + 1 + 4 + 3);
    assert_string_equal(ev + 402, " \xf0\x9f\x9a\x80...");
    ccg_network_free(net);
    tg_free(c, a);
}

static void test_bipartite(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    o.kind = CCG_NET_BIPARTITE;
    ccg_network *net = build(state, &o);
    /* 4 entities then the 4 papers; one edge per (entity, paper) mention. */
    assert_int_equal(net->n_nodes, 8);
    assert_int_equal(net->n_edges, 9);
    assert_string_equal(node_s(net, "part", 0), "entity");
    assert_string_equal(node_s(net, "part", 4), "paper");
    assert_string_equal(net->node_id[4], "2401.00001");
    for (size_t e = 1; e < net->n_edges; e++)
        assert_true(net->source[e - 1] < net->source[e] ||
                    (net->source[e - 1] == net->source[e] &&
                     net->target[e - 1] < net->target[e]));
    assert_true(net->source[0] == 0 && net->target[0] == 4); /* Adam - P1 */
    assert_true(net->start[5] == 2024 + 5.0 / 12); /* P2: 2024-06 */
    ccg_network_free(net);
}

static void test_subgraph_layout(void **state)
{
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    o.size_by = "degree";
    ccg_network *net = build(state, &o), *sub = NULL, *again = NULL;
    assert_int_equal(ccg_network_subgraph(net, 2, &sub), 0);
    /* degree: A 2, B 3, C 3, D 2 -> B, C, kept in node order */
    assert_int_equal(sub->n_nodes, 2);
    assert_string_equal(sub->node_id[0], "BERT");
    assert_string_equal(sub->node_id[1], "CIFAR-10");
    assert_int_equal(sub->n_edges, 1);
    assert_true(sub->source[0] == 0 && sub->target[0] == 1);
    assert_string_equal(ccg_network_edge_column(sub, "papers")->s[0],
                        "2401.00001;2503.00003");
    assert_int_equal(sub->n_communities, net->n_communities);

    assert_int_equal(ccg_graph_layout(net, CCG_LAYOUT_FR, 7), 0);
    assert_int_equal(ccg_network_subgraph(net, 0, &again), 0);
    assert_int_equal(ccg_graph_layout(again, CCG_LAYOUT_FR, 7), 0);
    for (size_t v = 0; v < 4; v++) {
        assert_true(isfinite(net->x[v]) && isfinite(net->y[v]));
        assert_true(net->x[v] == again->x[v] && net->y[v] == again->y[v]);
    }
    assert_int_equal(ccg_graph_layout(again, CCG_LAYOUT_DRL, 7), 0);
    assert_int_equal(ccg_graph_layout(net, CCG_LAYOUT_DRL, 7), 0);
    for (size_t v = 0; v < 4; v++)
        assert_true(isfinite(again->x[v]) && net->x[v] == again->x[v] && net->y[v] == again->y[v]);
    assert_int_equal(ccg_graph_layout(net, (ccg_layout_algo)99, 7), CCG_EINVAL);
    ccg_network_free(net);
    ccg_network_free(sub);
    ccg_network_free(again);
}

/* Citations: explicit refs (normalised), ids in the abstract, inferred uses. */
static const tg_entity cents[] = {{"LoRA", CCG_TYPE_METHOD}, {"QLoRA", CCG_TYPE_METHOD}};
static const tg_paper cpapers[] = {
    {"2401.00001", 2024, 1, "We introduce LoRA.", {{0, 0}, END}, 1u << 0, {NULL}},
    {"2402.00002", 2024, 2, "We tune with LoRA.", {{0, 0}, END}, 0, {"arXiv:2401.00001v2"}},
    {"10.1000/xyz", 2024, 5,
     "QLoRA builds on arXiv:2402.00002 and https://doi.org/10.5555/ext1. It quantises LoRA.",
     {{1, 0}, {0, 1}, END}, 1u << 1, {"W999"}},
    {"2312.00004", 2023, 12, "An early QLoRA.", {{1, 0}, END}, 0,
     {"https://doi.org/10.1000/XYZ", "2402.00002"}},
};

static void test_papers(void **state)
{
    ccg_corpus *c;
    ccg_annotation *a;
    ccg_network *net = NULL;
    ccg_graph_options o;
    (void)state;
    tg_build(cpapers, 4, cents, 2, &c, &a);
    ccg_graph_options_init(&o);
    o.kind = CCG_NET_PAPERS;
    o.cocitation = o.coupling = true;
    assert_int_equal(ccg_graph_build(c, a, &o, &net), 0);
    assert_true(net->directed);
    assert_int_equal(net->n_nodes, 4);
    assert_string_equal(net->node_label[0], "LoRA"); /* the name it introduces */
    assert_string_equal(net->node_label[1], "2402.00002");
    /* Q2 cites Q1 (ref with arXiv: prefix and version) and uses LoRA;
     * Q3 uses LoRA and cites Q2 in its abstract; Q4 cites Q3 (DOI in
     * another case) and Q2, but does not "use" QLoRA: it is older. */
    const struct {
        uint32_t s, t;
        const char *kind, *label;
        double w;
    } want[] = {
        {1, 0, "cites+uses", "LoRA", 2}, {2, 0, "uses", "LoRA", 1}, {2, 1, "cites", NULL, 1},
        {3, 1, "cites", NULL, 1},        {3, 2, "cites", NULL, 1},
    };
    assert_int_equal(net->n_edges, 5);
    const ccg_column *kind = ccg_network_edge_column(net, "kind");
    for (size_t e = 0; e < 5; e++) {
        assert_int_equal(net->source[e], want[e].s);
        assert_int_equal(net->target[e], want[e].t);
        assert_string_equal(kind->s[e], want[e].kind);
        assert_true(net->weight[e] == want[e].w);
        if (want[e].label)
            assert_string_equal(net->edge_label[e], want[e].label);
        else
            assert_null(net->edge_label[e]);
    }
    /* Q4 cites Q3 and Q2: co-cited; Q4 and Q3 both cite Q2: coupled. */
    assert_int_equal(ccg_network_edge_column(net, "cocitation")->i[2], 1);
    assert_int_equal(ccg_network_edge_column(net, "coupling")->i[4], 1);
    assert_int_equal(ccg_network_edge_column(net, "coupling")->i[0], 0);
    assert_non_null(ccg_network_node_column(net, "in_degree"));
    ccg_network_free(net);

    /* Top by links received: Q1 (2), Q2 (2), Q3 (1): Q1 and Q2. */
    o.top = 2;
    assert_int_equal(ccg_graph_build(c, a, &o, &net), 0);
    assert_int_equal(net->n_nodes, 2);
    assert_string_equal(net->node_id[1], "2402.00002");
    assert_string_equal(net->notes[1], "kept 2 of 4 papers: top 2 by in_degree");
    ccg_network_free(net);
    o.top = 0;

    o.external_refs = true;
    assert_int_equal(ccg_graph_build(c, a, &o, &net), 0);
    assert_int_equal(net->n_nodes, 6);
    assert_string_equal(net->node_id[4], "10.5555/ext1");
    assert_string_equal(net->node_id[5], "w999");
    assert_string_equal(net->node_type[5], "external");
    assert_int_equal(net->n_edges, 7);
    assert_true(edge(net, 2, 4) >= 0 && edge(net, 2, 5) >= 0);
    ccg_network_free(net);
    tg_free(c, a);
}

/* Every allocation of a build fails in turn: each must return CCG_ENOMEM
 * with nothing leaked (ASan) and nothing returned, then the build works. */
static void fail_each_allocation(ccg_corpus *c, ccg_annotation *a, const ccg_graph_options *o)
{
    int err = CCG_ENOMEM;
    unsigned long n;
    for (n = 1; err == CCG_ENOMEM && n < 100000; n++) {
        ccg_network *net = NULL;
        ccg_alloc_fail_after(n);
        err = ccg_graph_build(c, a, o, &net);
        ccg_alloc_fail_after(0);
        if (err == CCG_ENOMEM) {
            assert_null(net);
        } else {
            assert_int_equal(err, 0);
            ccg_network_free(net);
        }
    }
    assert_int_equal(err, 0);
    assert_true(n > 20);
}

static void test_out_of_memory(void **state)
{
    fixture *f = *state;
    ccg_graph_options o;
    ccg_graph_options_init(&o);
    o.top = 3;
    o.largest_component = true;
    fail_each_allocation(f->c, f->a, &o);
    o.window = CCG_WINDOW_SENTENCE;
    fail_each_allocation(f->c, f->a, &o);
    ccg_graph_options_init(&o);
    o.layout = CCG_LAYOUT_FR; /* measured beside the build, laid out by PageRank */
    o.layout_top = 2;
    fail_each_allocation(f->c, f->a, &o);
    o.size_by = "papers"; /* laid out after the measure */
    fail_each_allocation(f->c, f->a, &o);
    ccg_graph_options_init(&o);
    o.kind = CCG_NET_BIPARTITE;
    fail_each_allocation(f->c, f->a, &o);

    ccg_corpus *c;
    ccg_annotation *a;
    tg_build(cpapers, 4, cents, 2, &c, &a);
    ccg_graph_options_init(&o);
    o.kind = CCG_NET_PAPERS;
    o.external_refs = o.cocitation = o.coupling = true;
    fail_each_allocation(c, a, &o);
    tg_free(c, a);
}

/* The positions the CLI made before the build laid out itself: build,
 * then lay out ccg_network_subgraph(net, top) and map them back. */
static void layout_after(ccg_network *net, ccg_layout_algo algo, size_t top, uint64_t seed,
                         double *x, double *y)
{
    ccg_network *sub = NULL;
    if (!top || net->n_nodes <= top) {
        assert_int_equal(ccg_graph_layout(net, algo, seed), 0);
        memcpy(x, net->x, net->n_nodes * sizeof *x);
        memcpy(y, net->y, net->n_nodes * sizeof *y);
        return;
    }
    assert_int_equal(ccg_network_subgraph(net, top, &sub), 0);
    assert_int_equal(ccg_graph_layout(sub, algo, seed), 0);
    for (size_t i = 0, j = 0; j < net->n_nodes; j++) {
        bool drawn = i < sub->n_nodes && strcmp(sub->node_id[i], net->node_id[j]) == 0;
        x[j] = drawn ? sub->x[i] : NAN;
        y[j] = drawn ? sub->y[i++] : NAN;
    }
    ccg_network_free(sub);
}

/* o->layout gives, bit for bit, those positions, and nothing else changes:
 * for sizes by a metric of either measure thread (laid out beside the
 * metrics), by a column of the build (laid out after them), with and
 * without node filters, on the concept and the (directed) paper graph. */
static void check_build_layout(ccg_corpus *c, ccg_annotation *a, ccg_graph_options o)
{
    ccg_network *ref = NULL, *net = NULL;
    o.layout = CCG_LAYOUT_NONE;
    assert_int_equal(ccg_graph_build(c, a, &o, &ref), 0);
    double *x = calloc(ref->n_nodes + 1, sizeof *x), *y = calloc(ref->n_nodes + 1, sizeof *y);
    layout_after(ref, CCG_LAYOUT_FR, o.layout_top, o.seed, x, y);
    o.layout = CCG_LAYOUT_FR;
    assert_int_equal(ccg_graph_build(c, a, &o, &net), 0);
    assert_same_network(ref, net);
    assert_non_null(net->x);
    for (size_t v = 0; v < net->n_nodes; v++) {
        assert_memory_equal(&net->x[v], &x[v], sizeof *x);
        assert_memory_equal(&net->y[v], &y[v], sizeof *y);
    }
    assert_int_equal(net->n_notes, ref->n_notes);
    for (size_t k = 0; k < net->n_notes; k++)
        assert_string_equal(net->notes[k], ref->notes[k]);
    free(x);
    free(y);
    ccg_network_free(ref);
    ccg_network_free(net);
}

static void test_build_layout(void **state)
{
    fixture *f = *state;
    static const char *const size_by[] = {"pagerank", "degree", "strength", "betweenness",
                                          "harmonic", "clustering", "papers", "rising"};
    ccg_graph_options o;
    ccg_network *net = NULL;
    for (size_t k = 0; k < sizeof size_by / sizeof *size_by; k++)
        for (size_t top = 0; top <= 4; top++) {
            ccg_graph_options_init(&o);
            o.size_by = size_by[k];
            o.layout_top = top;
            check_build_layout(f->c, f->a, o);
            o.top = 3; /* a node filter: the measure starts after it */
            check_build_layout(f->c, f->a, o);
            o.top_by = "pagerank"; /* measured twice */
            check_build_layout(f->c, f->a, o);
        }
    ccg_graph_options_init(&o);
    o.layout = CCG_LAYOUT_DRL;
    o.layout_top = 2;
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), 0);
    assert_int_equal(isnan(net->x[0]) + isnan(net->x[1]) + isnan(net->x[2]) + isnan(net->x[3]), 2);
    ccg_network_free(net);
    net = NULL;
    o.layout = (ccg_layout_algo)99;
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), CCG_EINVAL);
    assert_null(net);

    ccg_corpus *c;
    ccg_annotation *a;
    tg_build(cpapers, 4, cents, 2, &c, &a);
    static const char *const psize[] = {"pagerank", "in_degree", "closeness", "n_refs"};
    for (size_t k = 0; k < sizeof psize / sizeof *psize; k++) {
        ccg_graph_options_init(&o);
        o.kind = CCG_NET_PAPERS;
        o.size_by = psize[k];
        o.layout_top = 2;
        check_build_layout(c, a, o);
    }
    tg_free(c, a);
}

/*
 * Exact betweenness, closeness and harmonic centrality (graph/paths.c)
 * against igraph's own functions, called here as the independent
 * reference, with the lengths and views metrics.c used to give them:
 * lengths 1/weight; betweenness directed as the network; closeness
 * (reachable nodes only, normalised) and harmonic (over n - 1) on the
 * undirected view, where u->v and v->u merge into one edge of summed
 * weight; isolated nodes 0. Only the order of floating-point sums may
 * differ.
 */
typedef struct {
    uint64_t key;
    double w;
} ref_edge;

static int cmp_ref_edge(const void *a, const void *b)
{
    uint64_t x = ((const ref_edge *)a)->key, y = ((const ref_edge *)b)->key;
    return x < y ? -1 : x > y;
}

static void igraph_of(const ccg_network *net, bool directed, igraph_t *g, igraph_vector_t *len)
{
    size_t m = net->n_edges, k = 0;
    ref_edge *re = malloc((m + 1) * sizeof *re);
    assert_non_null(re);
    for (size_t e = 0; e < m; e++) {
        uint64_t a = net->source[e], b = net->target[e];
        if (!directed && a > b) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        re[e] = (ref_edge){a << 32 | b, net->weight[e]};
    }
    qsort(re, m, sizeof *re, cmp_ref_edge);
    for (size_t e = 0; e < m; e++) {
        if (k && re[k - 1].key == re[e].key)
            re[k - 1].w += re[e].w;
        else
            re[k++] = re[e];
    }
    igraph_vector_int_t edges;
    assert_int_equal(igraph_vector_int_init(&edges, 2 * (igraph_integer_t)k), 0);
    assert_int_equal(igraph_vector_init(len, (igraph_integer_t)k), 0);
    for (size_t e = 0; e < k; e++) {
        VECTOR(edges)[2 * e] = (igraph_integer_t)(re[e].key >> 32);
        VECTOR(edges)[2 * e + 1] = (igraph_integer_t)(re[e].key & 0xffffffffu);
        VECTOR(*len)[e] = 1.0 / (re[e].w > 0 ? re[e].w : 1e-12);
    }
    assert_int_equal(igraph_create(g, &edges, (igraph_integer_t)net->n_nodes, directed), 0);
    igraph_vector_int_destroy(&edges);
    free(re);
}

static double max_rel_diff(const double *a, const igraph_vector_t *b, size_t n, bool nan0)
{
    double worst = 0;
    for (size_t v = 0; v < n; v++) {
        double x = a[v], y = VECTOR(*b)[v];
        if (nan0 && isnan(y))
            y = 0;
        double scale = fmax(fabs(x), fabs(y)), d = fabs(x - y);
        double r = d == 0 ? 0 : scale > 0 ? d / scale : INFINITY;
        if (!(r <= worst))
            worst = r;
    }
    return worst;
}

/* Checks ccg__exact_paths on net against igraph; returns the largest
 * relative difference of the three metrics. */
static double check_exact_paths(const ccg_network *net, const char *what)
{
    size_t n = net->n_nodes;
    double *btw = malloc((n + 1) * sizeof *btw), *clo = malloc((n + 1) * sizeof *clo),
           *har = malloc((n + 1) * sizeof *har), *one = malloc((3 * n + 1) * sizeof *one);
    assert_true(btw && clo && har && one);
    /* the same bits with 1, 3 or 8 threads */
    unsigned threads[] = {1, 3, 8};
    for (size_t t = 0; t < 3; t++) {
        ccg__paths_threads = threads[t];
        assert_int_equal(ccg__exact_paths(net, 0, btw, clo, har), 0);
        if (t == 0) {
            memcpy(one, btw, n * sizeof *btw);
            memcpy(one + n, clo, n * sizeof *clo);
            memcpy(one + 2 * n, har, n * sizeof *har);
        } else {
            assert_memory_equal(one, btw, n * sizeof *btw);
            assert_memory_equal(one + n, clo, n * sizeof *clo);
            assert_memory_equal(one + 2 * n, har, n * sizeof *har);
        }
    }
    ccg__paths_threads = 0;

    igraph_t g, u;
    igraph_vector_t len, ulen, r;
    igraph_vector_init(&r, 0);
    igraph_of(net, net->directed, &g, &len);
    igraph_of(net, false, &u, &ulen);
    assert_int_equal(igraph_betweenness(&g, &r, igraph_vss_all(), net->directed, &len), 0);
    double db = max_rel_diff(btw, &r, n, false);
    assert_int_equal(igraph_closeness(&u, &r, NULL, NULL, igraph_vss_all(), IGRAPH_ALL, &ulen,
                                      /* normalized = */ true),
                     0);
    double dc = max_rel_diff(clo, &r, n, true);
    assert_int_equal(igraph_harmonic_centrality(&u, &r, igraph_vss_all(), IGRAPH_ALL, &ulen,
                                                /* normalized = */ true),
                     0);
    double dh = max_rel_diff(har, &r, n, false);
    printf("  exact paths vs igraph, %s (%zu nodes, %zu edges%s): max relative difference "
           "betweenness %.2g, closeness %.2g, harmonic %.2g\n",
           what, n, net->n_edges, net->directed ? ", directed" : "", db, dc, dh);
    igraph_vector_destroy(&r);
    igraph_vector_destroy(&len);
    igraph_vector_destroy(&ulen);
    igraph_destroy(&g);
    igraph_destroy(&u);
    free(btw);
    free(clo);
    free(har);
    free(one);
    return fmax(db, fmax(dc, dh));
}

/* A graph of several components, isolated nodes and small integer weights
 * (many equal path lengths), directed (some links both ways) or not. */
static ccg_network *components_net(bool directed)
{
    enum { N = 240, PARTS = 5, ISOLATED = 12 };
    uint64_t x = 12345;
    size_t m = 0, cap = 4 * N;
    ccg_network *net;
    assert_int_equal(ccg_network_new(&net, directed ? CCG_NET_PAPERS : CCG_NET_CONCEPTS, N, cap),
                     0);
    size_t part = (N - ISOLATED) / PARTS;
    for (size_t v = 0; v < N - ISOLATED && m + 3 <= cap; v++) {
        size_t base = v / part * part, size = part;
        if (base + size > N - ISOLATED)
            size = N - ISOLATED - base;
        for (int j = 0; j < 3 && m < cap; j++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t t = base + (size_t)((x >> 33) % size);
            if (t == v || (!directed && t < v))
                continue;
            bool dup = false;
            for (size_t e = 0; e < m && !dup; e++)
                dup = net->source[e] == v && net->target[e] == t;
            if (dup)
                continue;
            net->source[m] = (uint32_t)v;
            net->target[m] = (uint32_t)t;
            net->weight[m] = (double)(1 + (x >> 40) % 3);
            m++;
        }
    }
    net->n_edges = m;
    for (size_t k = 0; k < N; k++) {
        char id[32];
        snprintf(id, sizeof id, "%zu", k);
        net->node_id[k] = strdup(id);
        net->node_label[k] = strdup(id);
    }
    return net;
}

/* Both graphs of a corpus file: concepts, and papers (directed). */
static double check_corpus(const char *path)
{
    ccg_corpus *c = NULL;
    ccg_extractor *x = NULL;
    ccg_annotation *a = NULL;
    ccg_reader_options ro = {0};
    ccg_extractor_options xo;
    double worst = 0;
    ccg_extractor_options_init(&xo);
    if (ccg_corpus_new(&c) < 0 || ccg_corpus_read_file(c, path, &ro) < 0 ||
        ccg_extractor_new(&x, &xo) < 0 || ccg_extractor_annotate(x, c, &a) < 0)
        fail_msg("%s: %s", path, ccg_error_last());
    const char *base = strrchr(path, '/');
    for (int kind = 0; kind < 2; kind++) {
        ccg_graph_options o;
        ccg_network *net = NULL;
        char what[256];
        ccg_graph_options_init(&o);
        o.kind = kind ? CCG_NET_PAPERS : CCG_NET_CONCEPTS;
        if (ccg_graph_build(c, a, &o, &net) < 0)
            fail_msg("%s: %s", path, ccg_error_last());
        snprintf(what, sizeof what, "%s, %s", base ? base + 1 : path,
                 kind ? "papers" : "concepts");
        worst = fmax(worst, check_exact_paths(net, what));
        ccg_network_free(net);
    }
    ccg_annotation_free(a);
    ccg_extractor_free(x);
    ccg_corpus_free(c);
    return worst;
}

static void test_exact_paths_igraph(void **state)
{
    (void)state;
    ccg__igraph_state st;
    ccg__igraph_enter(&st);
    const double tol = 1e-11; /* summation order only: measured ~1e-15 */
    for (int directed = 0; directed < 2; directed++) {
        ccg_network *net = components_net(directed);
        assert_true(check_exact_paths(net, "components") <= tol);
        ccg_network_free(net);
    }
    const char *corpora[] = {CCG_FIXTURES "/graph/arxiv_listing_seed.txt",
                             CCG_FIXTURES "/../../examples/llm_alignment_eval.jsonl.gz",
                             getenv("CCG_TEST_EXACT_CORPUS")};
    for (size_t k = 0; k < sizeof corpora / sizeof *corpora; k++) {
        if (!corpora[k])
            continue;
        assert_true(check_corpus(corpora[k]) <= tol);
    }
    ccg__igraph_leave(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concepts_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentence_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bipartite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subgraph_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_layout, setup, teardown),
        cmocka_unit_test(test_papers),
        cmocka_unit_test(test_evidence_cut),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
        cmocka_unit_test(test_exact_paths_igraph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
