/*
 * metrics.c: everything ccgraph asks of igraph (centralities, communities,
 * cores, components, layout), on a ccg_network. The only igraph calls of
 * the project, so a move to igraph 1.0 (new signatures for Leiden,
 * betweenness, eigenvector, PageRank) touches this file only.
 */
#include <igraph.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

/* igraph's default error handler aborts and its warning handler prints:
 * the library must do neither. The handler keeps the message; igraph then
 * unwinds its own allocations (as igraph_error_handler_ignore does) and
 * the call returns the error code, which guard() maps to CCG_EGRAPH. */
static char igraph_msg[256];

static void on_igraph_error(const char *reason, const char *file, int line,
                            igraph_error_t igraph_errno)
{
    snprintf(igraph_msg, sizeof igraph_msg, "igraph: %s (%s)", reason,
             igraph_strerror(igraph_errno));
    igraph_error_handler_ignore(reason, file, line, igraph_errno);
}

static void on_igraph_warning(const char *reason, const char *file, int line)
{
    (void)reason;
    (void)file;
    (void)line;
}

void ccg__igraph_enter(ccg__igraph_state *st)
{
    igraph_msg[0] = '\0';
    st->err = (void (*)(void))igraph_set_error_handler(on_igraph_error);
    st->warn = (void (*)(void))igraph_set_warning_handler(on_igraph_warning);
}

void ccg__igraph_leave(ccg__igraph_state *st)
{
    igraph_set_error_handler((igraph_error_handler_t *)st->err);
    igraph_set_warning_handler((igraph_warning_handler_t *)st->warn);
}

static int guard(igraph_error_t rc)
{
    if (rc == IGRAPH_SUCCESS)
        return 0;
    if (rc == IGRAPH_ENOMEM)
        return ccg__err(CCG_ENOMEM, "out of memory (in igraph)");
    return ccg__err(CCG_EGRAPH, "%s", igraph_msg[0] ? igraph_msg : "igraph failed");
}

#define IG(call)                                                                           \
    do {                                                                                   \
        if ((err = guard(call)) < 0)                                                       \
            goto cleanup;                                                                  \
    } while (0)

static void seed_rng(uint64_t seed)
{
    igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
}

/* The network as an igraph graph (directed as net unless undirected is
 * asked), with its weights and lengths (1/weight: igraph's path-based
 * centralities read weights as distances). */
typedef struct {
    igraph_t g;
    igraph_vector_t w, len;
    bool have_g;
} ig_graph;

static void ig_free(ig_graph *ig)
{
    if (ig->have_g)
        igraph_destroy(&ig->g);
    igraph_vector_destroy(&ig->w);
    igraph_vector_destroy(&ig->len);
    memset(ig, 0, sizeof *ig);
}

/* One undirected edge of a directed network's undirected view. */
typedef struct {
    uint64_t key; /* first: ccg__sort_by_key sorts by it */
    double w;
} und_edge;

/*
 * The network as an igraph graph, directed as net unless undirected is
 * asked. The undirected view of a directed network merges u->v and v->u
 * into one edge whose weight is their sum (a mutual citation is one tie,
 * twice as strong), so cores and distances see a simple graph.
 */
static int ig_make(const ccg_network *net, bool directed, ig_graph *ig)
{
    igraph_vector_int_t edges;
    und_edge *ue = NULL;
    size_t m = net->n_edges;
    int err = 0;
    memset(ig, 0, sizeof *ig);
    if (net->directed && !directed) {
        if (!(ue = ccg__malloc((m + 1) * sizeof *ue)))
            return ccg__err(CCG_ENOMEM, "out of memory");
        for (size_t e = 0; e < m; e++) {
            uint64_t a = net->source[e], b = net->target[e];
            ue[e].key = a < b ? a << 32 | b : b << 32 | a;
            ue[e].w = net->weight[e];
        }
        if ((err = ccg__sort_by_key(ue, m, sizeof *ue)) < 0) {
            free(ue);
            return err;
        }
        size_t k = 0;
        for (size_t e = 0; e < m; e++) {
            if (k && ue[k - 1].key == ue[e].key)
                ue[k - 1].w += ue[e].w;
            else
                ue[k++] = ue[e];
        }
        m = k;
    }
    if (igraph_vector_int_init(&edges, 2 * (igraph_integer_t)m) != 0) {
        free(ue);
        return ccg__err(CCG_ENOMEM, "out of memory (in igraph)");
    }
    if (igraph_vector_init(&ig->w, (igraph_integer_t)m) != 0 ||
        igraph_vector_init(&ig->len, (igraph_integer_t)m) != 0) {
        err = ccg__err(CCG_ENOMEM, "out of memory (in igraph)");
        goto cleanup;
    }
    for (size_t e = 0; e < m; e++) {
        VECTOR(edges)[2 * e] = ue ? (igraph_integer_t)(ue[e].key >> 32) : net->source[e];
        VECTOR(edges)[2 * e + 1] = ue ? (igraph_integer_t)(ue[e].key & 0xffffffffu) : net->target[e];
        double w = ue ? ue[e].w : net->weight[e];
        if (!(w > 0))
            w = 1e-12; /* lengths 1/w must stay finite */
        VECTOR(ig->w)[e] = w;
        VECTOR(ig->len)[e] = 1.0 / w;
    }
    IG(igraph_create(&ig->g, &edges, (igraph_integer_t)net->n_nodes, directed));
    ig->have_g = true;
cleanup:
    igraph_vector_int_destroy(&edges);
    free(ue);
    if (err < 0)
        ig_free(ig);
    return err;
}

static int put_real(ccg_network *net, const char *name, const igraph_vector_t *v)
{
    ccg_column *c;
    int err = ccg__network_column(net, true, name, CCG_COL_DOUBLE, &c);
    if (err < 0)
        return err;
    for (size_t k = 0; k < net->n_nodes; k++)
        c->d[k] = VECTOR(*v)[k];
    return 0;
}

static int put_int(ccg_network *net, const char *name, const igraph_vector_int_t *v)
{
    ccg_column *c;
    int err = ccg__network_column(net, true, name, CCG_COL_INT, &c);
    if (err < 0)
        return err;
    for (size_t k = 0; k < net->n_nodes; k++)
        c->i[k] = VECTOR(*v)[k];
    return 0;
}

/*
 * PageRank (damping 0.85, weighted, dangling nodes jump uniformly: the
 * definition of igraph and networkx) by power iteration until the L1
 * change is below 1e-13 (at most 1000 rounds). Not igraph's PRPACK:
 * Debian's igraph 0.10.2 runs PRPACK with OpenMP reductions, and its last
 * bits then differ from run to run (measured), which breaks byte-identical
 * output. O(iterations * m); about 200 iterations.
 */
static int pagerank(const ccg_network *net, double *pr)
{
    size_t n = net->n_nodes, m = net->n_edges;
    double *outs = ccg__calloc(n + 1, sizeof *outs), *next = ccg__malloc((n + 1) * sizeof *next);
    const double d = 0.85;
    int err = 0;
    if (!outs || !next) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t e = 0; e < m; e++) {
        outs[net->source[e]] += net->weight[e];
        if (!net->directed)
            outs[net->target[e]] += net->weight[e];
    }
    for (size_t v = 0; v < n; v++)
        pr[v] = 1.0 / (double)n;
    for (int it = 0; it < 1000 && n; it++) {
        double dangling = 0, delta = 0, total = 0;
        for (size_t v = 0; v < n; v++) {
            if (!(outs[v] > 0))
                dangling += pr[v];
            next[v] = 0;
        }
        for (size_t e = 0; e < m; e++) {
            uint32_t s = net->source[e], t = net->target[e];
            double w = net->weight[e];
            next[t] += pr[s] * w / outs[s];
            if (!net->directed)
                next[s] += pr[t] * w / outs[t];
        }
        for (size_t v = 0; v < n; v++) {
            next[v] = (1 - d) / (double)n + d * (next[v] + dangling / (double)n);
            total += next[v];
        }
        for (size_t v = 0; v < n; v++) {
            next[v] /= total;
            delta += fabs(next[v] - pr[v]);
            pr[v] = next[v];
        }
        if (delta < 1e-13)
            break;
    }
cleanup:
    free(outs);
    free(next);
    return err;
}

/*
 * The metrics ccgraph computes itself (path metrics, PageRank) read only
 * the edges of the network: they run on a thread of their own while the
 * calling thread makes the igraph calls (igraph 0.10.2 is not thread-safe,
 * so all of them stay on one thread). Results go to arrays; the caller
 * adds the columns, in their fixed order, once both are done.
 */
typedef struct {
    const ccg_network *net;
    size_t k;                /* sampled sources; 0: exact, from all sources */
    uint64_t seed;
    double *btw, *clo, *har;
    double *pr;
    double paths_seconds, pagerank_seconds; /* CPU time of the thread */
    int err;
    char msg[256];
} own_metrics;

static void *own_metrics_run(void *arg)
{
    own_metrics *m = arg;
    double t = ccg__now();
    int err = 0;
    if (m->k)
        err = ccg__sampled_paths(m->net, m->k, m->seed, m->btw, m->clo, m->har);
    else
        err = ccg__exact_paths(m->net, m->btw, m->clo, m->har);
    m->paths_seconds = ccg__now() - t;
    t = ccg__now();
    if (err == 0)
        err = pagerank(m->net, m->pr);
    m->pagerank_seconds = ccg__now() - t;
    if (err < 0) /* the message is the thread's own */
        snprintf(m->msg, sizeof m->msg, "%s", ccg_error_last());
    m->err = err;
    return NULL;
}

static int put_array(ccg_network *net, const char *name, const double *x)
{
    ccg_column *c;
    int err = ccg__network_column(net, true, name, CCG_COL_DOUBLE, &c);
    if (err < 0)
        return err;
    memcpy(c->d, x, net->n_nodes * sizeof *x);
    return 0;
}

struct ccg__membership {
    igraph_vector_int_t v; /* igraph's community of each node */
};

void ccg__membership_free(ccg__membership *m)
{
    if (!m)
        return;
    igraph_vector_int_destroy(&m->v);
    free(m);
}

static int find_communities(const ccg_network *net, const ccg_graph_options *o,
                            const ig_graph *ig, igraph_vector_int_t *memb);

/* The metrics and, when memb, the communities (see graph_internal.h). */
static int measure(ccg_network *net, const ccg_graph_options *o, ccg__membership **memb)
{
    ig_graph ig = {0}, und = {0};
    igraph_vector_t r, eig, clust;
    igraph_vector_int_t vi, core;
    igraph_real_t value;
    ccg__igraph_state st;
    size_t n = net->n_nodes;
    own_metrics om = {net, 0, o->seed, NULL, NULL, NULL, NULL, 0, 0, 0, {0}};
    pthread_t tid;
    bool threaded = false;
    int err = 0;

    double t = ccg__now();
    ccg__igraph_enter(&st);
    igraph_vector_init(&r, (igraph_integer_t)n);
    igraph_vector_init(&eig, (igraph_integer_t)n);
    igraph_vector_init(&clust, (igraph_integer_t)n);
    igraph_vector_int_init(&vi, (igraph_integer_t)n);
    igraph_vector_int_init(&core, (igraph_integer_t)n);

    /* Path metrics come from paths.c at every size, exact or sampled:
     * exact, they agree with igraph_betweenness, igraph_closeness and
     * igraph_harmonic_centrality to the order of floating-point sums
     * (test_exact_paths_igraph; bit for bit on the seed goldens), so no
     * igraph path for small graphs. Exact costs n (n + m) steps (one
     * Dijkstra and Brandes pass per source), sampled k (n + m) ~ 4e6 by
     * default (Brandes & Pich 2007; Eppstein & Wang 2004 for closeness):
     * the same walk over fewer sources, so exact costs n / k times the
     * sampled pass and any budget above ~4e6 is a step up in time. Measured
     * on 2 cores, 1.5e-8 s a step: 0.12 s for a 5k-abstract corpus
     * (1,153 nodes, 7.8e6 steps; igraph took 0.78 s), 0.54 s at 10k (3.5e7),
     * 1.6 s at 30k (1.2e8), against 0.04-0.08 s sampled. The budget stays
     * at 2e7 (at most ~0.3 s, five times the sampled pass): raising it
     * would bring back the cliff this replaced, lowering it would estimate
     * graphs that were exact before. Above it, or above
     * exact_betweenness_max nodes, sample. */
    double work = (double)n * (double)(n + net->n_edges);
    bool exact = o->exact_betweenness_max ? n <= o->exact_betweenness_max : work <= 2e7;
    if (!exact && n > 1) {
        size_t k = o->betweenness_samples;
        if (!k) {
            double kk = 4e6 / (double)(n + net->n_edges);
            k = kk < 16 ? 16 : kk > 256 ? 256 : (size_t)kk;
        }
        om.k = k > n ? n : k;
    }
    if (!(om.pr = ccg__malloc((n + 1) * sizeof *om.pr)) ||
        !(om.btw = ccg__malloc((n + 1) * sizeof *om.btw)) ||
        !(om.clo = ccg__malloc((n + 1) * sizeof *om.clo)) ||
        !(om.har = ccg__malloc((n + 1) * sizeof *om.har))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    threaded = pthread_create(&tid, NULL, own_metrics_run, &om) == 0;

    if ((err = ig_make(net, net->directed, &ig)) < 0)
        goto cleanup;
    if (net->directed) {
        if ((err = ig_make(net, false, &und)) < 0)
            goto cleanup;
    }
    t = ccg__timing_add("igraph graph", t);
    ig_graph *u = net->directed ? &und : &ig;

    IG(igraph_degree(&ig.g, &vi, igraph_vss_all(), IGRAPH_ALL, IGRAPH_NO_LOOPS));
    if ((err = put_int(net, "degree", &vi)) < 0)
        goto cleanup;
    if (net->directed) {
        IG(igraph_degree(&ig.g, &vi, igraph_vss_all(), IGRAPH_IN, IGRAPH_NO_LOOPS));
        if ((err = put_int(net, "in_degree", &vi)) < 0)
            goto cleanup;
        IG(igraph_degree(&ig.g, &vi, igraph_vss_all(), IGRAPH_OUT, IGRAPH_NO_LOOPS));
        if ((err = put_int(net, "out_degree", &vi)) < 0)
            goto cleanup;
    }
    IG(igraph_strength(&ig.g, &r, igraph_vss_all(), IGRAPH_ALL, IGRAPH_NO_LOOPS, &ig.w));
    if ((err = put_real(net, "strength", &r)) < 0)
        goto cleanup;
    t = ccg__timing_add("degree, strength", t);

    seed_rng(o->seed);
    if (net->n_edges > 0) {
        IG(igraph_eigenvector_centrality(&u->g, &eig, &value, /* directed = */ false,
                                         /* scale = */ true, &u->w, NULL));
    } else {
        igraph_vector_fill(&eig, 0);
    }
    t = ccg__timing_add("eigenvector", t);
    IG(igraph_coreness(&u->g, &core, IGRAPH_ALL));
    IG(igraph_transitivity_local_undirected(&u->g, &clust, igraph_vss_all(),
                                            IGRAPH_TRANSITIVITY_ZERO));
    t = ccg__timing_add("coreness, clustering", t);
    /* Communities need only the undirected view: found here, while the
     * thread still works, and numbered by the caller once sizes exist. */
    if (memb && o->community != CCG_COMMUNITY_NONE) {
        if (!(*memb = ccg__calloc(1, sizeof **memb)) ||
            igraph_vector_int_init(&(*memb)->v, 0) != IGRAPH_SUCCESS) {
            free(*memb);
            *memb = NULL;
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        if ((err = find_communities(net, o, u, &(*memb)->v)) < 0)
            goto cleanup;
        t = ccg__timing_add("communities (igraph)", t);
    }

    if (threaded)
        pthread_join(tid, NULL);
    else
        own_metrics_run(&om);
    threaded = false;
    ccg__timing_record(om.k ? "(thread) betweenness+closeness+harmonic (sampled)"
                            : "(thread) betweenness+closeness+harmonic (exact)",
                       om.paths_seconds);
    ccg__timing_record("(thread) pagerank", om.pagerank_seconds);
    if (om.err < 0) {
        err = ccg__err(om.err, "%s", om.msg);
        goto cleanup;
    }
    if ((err = put_array(net, "betweenness", om.btw)) < 0 ||
        (err = put_array(net, "closeness", om.clo)) < 0 ||
        (err = put_array(net, "harmonic", om.har)) < 0 ||
        (om.k && (err = ccg_network_note(net,
                                         "betweenness, closeness and harmonic centrality "
                                         "estimated from %zu of %zu nodes as sources (seed %llu)",
                                         om.k, n, (unsigned long long)o->seed)) < 0))
        goto cleanup;
    if ((err = put_real(net, "eigenvector", &eig)) < 0 ||
        (err = put_array(net, "pagerank", om.pr)) < 0 ||
        (err = put_int(net, "coreness", &core)) < 0 ||
        (err = put_real(net, "clustering", &clust)) < 0)
        goto cleanup;
cleanup:
    if (threaded)
        pthread_join(tid, NULL);
    if (err < 0 && memb) {
        ccg__membership_free(*memb);
        *memb = NULL;
    }
    free(om.btw);
    free(om.clo);
    free(om.har);
    free(om.pr);
    igraph_vector_destroy(&r);
    igraph_vector_destroy(&eig);
    igraph_vector_destroy(&clust);
    igraph_vector_int_destroy(&vi);
    igraph_vector_int_destroy(&core);
    ig_free(&ig);
    ig_free(&und);
    ccg__igraph_leave(&st);
    return err;
}

/* Communities get numbers by size (largest 0), ties by their first node,
 * so the numbering is independent of igraph's internal order. */
typedef struct {
    size_t size, first;
    int old;
} comm_rank;

static int cmp_comm(const void *pa, const void *pb)
{
    const comm_rank *a = pa, *b = pb;
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

static int number_communities(ccg_network *net, const igraph_vector_int_t *memb)
{
    size_t n = net->n_nodes, nc = 0;
    comm_rank *cr = NULL;
    int *newid = NULL, err = 0;
    for (size_t v = 0; v < n; v++)
        if ((size_t)VECTOR(*memb)[v] + 1 > nc)
            nc = (size_t)VECTOR(*memb)[v] + 1;
    cr = ccg__calloc(nc ? nc : 1, sizeof *cr);
    newid = ccg__malloc((nc ? nc : 1) * sizeof *newid);
    free(net->community);
    net->community = ccg__malloc((n ? n : 1) * sizeof *net->community);
    if (!cr || !newid || !net->community) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t c = 0; c < nc; c++) {
        cr[c].old = (int)c;
        cr[c].first = SIZE_MAX;
    }
    for (size_t v = 0; v < n; v++) {
        comm_rank *c = &cr[VECTOR(*memb)[v]];
        if (c->size++ == 0)
            c->first = v;
    }
    ccg__sort(cr, nc, sizeof *cr, cmp_comm);
    size_t used = 0;
    for (size_t c = 0; c < nc; c++)
        if (cr[c].size) {
            newid[cr[c].old] = (int)c;
            used++;
        }
    for (size_t v = 0; v < n; v++)
        net->community[v] = newid[VECTOR(*memb)[v]];
    err = ccg__label_communities(net, used);
cleanup:
    free(cr);
    free(newid);
    return err;
}

/* The communities igraph finds for o->community on ig, the undirected view
 * of net. */
static int find_communities(const ccg_network *net, const ccg_graph_options *o,
                            const ig_graph *ig, igraph_vector_int_t *memb)
{
    igraph_vector_t nw;
    int err = 0;
    igraph_vector_init(&nw, 0);
    seed_rng(o->seed);
    if (net->n_edges == 0) {
        IG(igraph_vector_int_resize(memb, (igraph_integer_t)net->n_nodes));
        for (size_t v = 0; v < net->n_nodes; v++)
            VECTOR(*memb)[v] = (igraph_integer_t)v;
    } else if (o->community == CCG_COMMUNITY_LOUVAIN) {
        IG(igraph_community_multilevel(&ig->g, &ig->w, o->resolution, memb, NULL, NULL));
    } else {
        /* Leiden optimises modularity when node weights are the strengths
         * and the resolution is gamma/(2W) (igraph docs; NULL node weights
         * would mean CPM). Two iterations, python-igraph's default:
         * n_iterations < 0 does not iterate to convergence before igraph
         * 0.10.17, and further rounds cost 0.27 s CPU on the 267k-edge
         * benchmark graph and found the same 7 communities (measured). */
        igraph_real_t q = 0, total = 0;
        igraph_integer_t nclu = 0;
        IG(igraph_strength(&ig->g, &nw, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, &ig->w));
        for (igraph_integer_t e = 0; e < igraph_vector_size(&ig->w); e++)
            total += VECTOR(ig->w)[e]; /* the undirected view may have fewer edges */
        IG(igraph_community_leiden(&ig->g, &ig->w, &nw, o->resolution / (2 * total),
                                   /* beta = */ 0.01, /* start = */ false,
                                   /* n_iterations = */ 2, memb, &nclu, &q));
    }
cleanup:
    igraph_vector_destroy(&nw);
    return err;
}

int ccg__graph_metrics(ccg_network *net, const ccg_graph_options *o)
{
    return measure(net, o, NULL);
}

int ccg__graph_metrics_communities(ccg_network *net, const ccg_graph_options *o,
                                   ccg__membership **memb)
{
    *memb = NULL;
    return measure(net, o, memb);
}

int ccg__graph_communities_apply(ccg_network *net, const ccg_graph_options *o,
                                 const ccg__membership *memb)
{
    const char *algo = o->community == CCG_COMMUNITY_LOUVAIN ? "Louvain" : "Leiden";
    int err;
    if ((err = number_communities(net, &memb->v)) < 0)
        return err;
    return ccg_network_note(net, "communities: %s, modularity, resolution %g, seed %llu: %zu",
                            algo, o->resolution, (unsigned long long)o->seed,
                            net->n_communities);
}

int ccg__graph_communities(ccg_network *net, const ccg_graph_options *o)
{
    ig_graph ig = {0};
    ccg__membership m;
    ccg__igraph_state st;
    int err = 0;

    if (o->community == CCG_COMMUNITY_NONE)
        return 0;
    ccg__igraph_enter(&st);
    igraph_vector_int_init(&m.v, 0);
    /* Modularity is defined on the undirected graph: a citation graph is
     * clustered as if its links had no direction. */
    if ((err = ig_make(net, false, &ig)) < 0 || (err = find_communities(net, o, &ig, &m.v)) < 0)
        goto cleanup;
    err = ccg__graph_communities_apply(net, o, &m);
cleanup:
    igraph_vector_int_destroy(&m.v);
    ig_free(&ig);
    ccg__igraph_leave(&st);
    return err;
}

int ccg__graph_structure(const ccg_network *net, int k_core, bool largest, bool *keep)
{
    ig_graph ig = {0};
    igraph_vector_int_t v1, csize;
    ccg__igraph_state st;
    int err = 0;

    ccg__igraph_enter(&st);
    igraph_vector_int_init(&v1, 0);
    igraph_vector_int_init(&csize, 0);
    for (size_t v = 0; v < net->n_nodes; v++)
        keep[v] = true;
    if ((err = ig_make(net, false, &ig)) < 0)
        goto cleanup;
    if (k_core > 0) {
        IG(igraph_coreness(&ig.g, &v1, IGRAPH_ALL));
        for (size_t v = 0; v < net->n_nodes; v++)
            keep[v] = VECTOR(v1)[v] >= k_core;
    }
    if (largest && net->n_nodes) {
        /* The component of the kept subgraph: drop edges touching removed nodes. */
        ig_graph sub = {0};
        bool *ke = ccg__malloc((net->n_edges + 1) * sizeof *ke);
        ccg_network *tmp = NULL;
        if (!ke) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        for (size_t e = 0; e < net->n_edges; e++)
            ke[e] = keep[net->source[e]] && keep[net->target[e]];
        /* Same node numbering, fewer edges: select with all nodes kept. */
        err = ccg__network_select(net, NULL, ke, &tmp);
        free(ke);
        if (err == 0)
            err = ig_make(tmp, false, &sub);
        ccg_network_free(tmp);
        if (err < 0)
            goto cleanup;
        igraph_integer_t no;
        err = guard(igraph_connected_components(&sub.g, &v1, &csize, &no, IGRAPH_WEAK));
        if (err == 0) {
            /* Sizes count only kept nodes; the biggest wins, ties by first node. */
            for (igraph_integer_t c = 0; c < no; c++)
                VECTOR(csize)[c] = 0;
            for (size_t v = 0; v < net->n_nodes; v++)
                if (keep[v])
                    VECTOR(csize)[VECTOR(v1)[v]]++;
            igraph_integer_t best = 0;
            for (igraph_integer_t c = 1; c < no; c++)
                if (VECTOR(csize)[c] > VECTOR(csize)[best])
                    best = c;
            for (size_t v = 0; v < net->n_nodes; v++)
                keep[v] = keep[v] && VECTOR(v1)[v] == best;
        }
        ig_free(&sub);
    }
cleanup:
    igraph_vector_int_destroy(&v1);
    igraph_vector_int_destroy(&csize);
    ig_free(&ig);
    ccg__igraph_leave(&st);
    return err;
}

int ccg_graph_layout(ccg_network *net, ccg_layout_algo algo, uint64_t seed)
{
    ig_graph ig = {0};
    igraph_matrix_t pos;
    ccg__igraph_state st;
    int err = 0;

    if (algo == CCG_LAYOUT_NONE)
        return 0;
    if (algo != CCG_LAYOUT_FR && algo != CCG_LAYOUT_DRL)
        return ccg__err(CCG_EINVAL, "unknown layout algorithm %d", (int)algo);
    ccg__igraph_enter(&st);
    igraph_matrix_init(&pos, 0, 0);
    if ((err = ig_make(net, false, &ig)) < 0)
        goto cleanup;
    seed_rng(seed);
    if (algo == CCG_LAYOUT_FR) {
        /* 500 iterations is igraph's default; above 5000 nodes fewer, as
         * each costs O(n^2) without the grid (measured 14 s at 100k). */
        igraph_integer_t niter = net->n_nodes > 5000 ? 100 : 500;
        IG(igraph_layout_fruchterman_reingold(&ig.g, &pos, /* use_seed = */ false, niter,
                                              sqrt((double)net->n_nodes) / 10,
                                              IGRAPH_LAYOUT_AUTOGRID, &ig.w, NULL, NULL,
                                              NULL, NULL));
    } else {
        igraph_layout_drl_options_t dopt;
        IG(igraph_layout_drl_options_init(&dopt, IGRAPH_LAYOUT_DRL_DEFAULT));
        IG(igraph_layout_drl(&ig.g, &pos, /* use_seed = */ false, &dopt, &ig.w));
    }
    double *x = ccg__malloc((net->n_nodes + 1) * sizeof *x);
    double *y = ccg__malloc((net->n_nodes + 1) * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t v = 0; v < net->n_nodes; v++) {
        x[v] = MATRIX(pos, v, 0);
        y[v] = MATRIX(pos, v, 1);
    }
    free(net->x);
    free(net->y);
    net->x = x;
    net->y = y;
cleanup:
    igraph_matrix_destroy(&pos);
    ig_free(&ig);
    ccg__igraph_leave(&st);
    return err;
}
