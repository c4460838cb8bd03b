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

/*
 * The metrics, communities and layout of a network are measured on two
 * threads while the caller goes on (ccg__measure_start, then
 * ccg__measure_finish):
 *
 *  - the own thread: the metrics ccgraph computes itself, PageRank first
 *    (it says when that is ready) and then the path metrics;
 *  - the igraph thread: every igraph call, as igraph 0.10.2 is not
 *    thread-safe: degree, strength, eigenvector, coreness, clustering and
 *    communities, then the layout of the top nodes by size as soon as the
 *    size column is known (PageRank by default, from the own thread).
 *
 * The layout is the longest igraph call of a build (Fruchterman-Reingold
 * on the drawn top), and a build only starts it once the metrics are done:
 * here it runs beside the own thread and, when the build starts measuring
 * as soon as the edges exist (ccg__build_concepts), beside the node
 * columns, provenance and evidence too.
 *
 * Both threads read a copy of the edges that nothing writes, and write
 * only their own arrays; ccg__measure_finish adds the columns in their
 * fixed order. Every
 * random choice is seeded right before its call, so results do not depend
 * on the threads' timing.
 */
typedef enum {
    LAY_NONE,     /* no layout asked, or no node */
    LAY_ALL,      /* every node */
    LAY_IGRAPH,   /* the top by a metric of the igraph thread */
    LAY_PAGERANK, /* the top by PageRank (own thread, first) */
    LAY_PATHS,    /* the top by a path metric (own thread, last) */
    LAY_LATER,    /* the top by a column the measure does not make: the caller's */
} lay_plan;

/* Own thread's progress, under lock. */
enum { OWN_RUNNING, OWN_PAGERANK, OWN_DONE };

#define MAX_STEPS 8

struct ccg__measure {
    ccg_network view;     /* a copy of the edges: no column, nothing shared */
    ccg_graph_options o;  /* community NONE / layout NONE when not asked */
    lay_plan plan;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool have_sync, own_threaded, ig_threaded;
    pthread_t own_tid, ig_tid;
    /* own thread */
    size_t k; /* sampled sources; 0: exact, from all sources */
    unsigned paths_threads; /* 0: ccg__paths_threads or one a core */
    double *btw, *clo, *har, *pr;
    double paths_seconds, pagerank_seconds; /* CPU time of the thread */
    int own_state, own_err;
    char own_msg[256];
    /* igraph thread */
    bool have_vectors;
    igraph_vector_int_t deg, indeg, outdeg, core;
    ccg__membership *memb; /* NULL: no communities asked */
    igraph_vector_t strength, eig, clust;
    double *x, *y; /* the layout, or NULL */
    ccg__timing steps[MAX_STEPS];
    size_t n_steps;
    int ig_err;
    char ig_msg[256];
};

static void own_announce(ccg__measure *m, int state, int err)
{
    pthread_mutex_lock(&m->lock);
    m->own_state = state;
    if (err < 0)
        m->own_err = err;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

static void *own_run(void *arg)
{
    ccg__measure *m = arg;
    double t = ccg__now();
    int err = pagerank(&m->view, m->pr);
    m->pagerank_seconds = ccg__now() - t;
    if (err < 0) /* the message is the thread's own */
        snprintf(m->own_msg, sizeof m->own_msg, "%s", ccg_error_last());
    own_announce(m, err < 0 ? OWN_DONE : OWN_PAGERANK, err);
    if (err < 0)
        return NULL;
    t = ccg__now();
    if (m->k)
        err = ccg__sampled_paths(&m->view, m->k, m->o.seed, m->paths_threads, m->btw, m->clo,
                                 m->har);
    else
        err = ccg__exact_paths(&m->view, m->paths_threads, m->btw, m->clo, m->har);
    m->paths_seconds = ccg__now() - t;
    if (err < 0)
        snprintf(m->own_msg, sizeof m->own_msg, "%s", ccg_error_last());
    own_announce(m, OWN_DONE, err);
    return NULL;
}

/* Waits until the own thread reaches state; returns its error, if any. */
static int own_wait(ccg__measure *m, int state)
{
    pthread_mutex_lock(&m->lock);
    while (m->own_state < state)
        pthread_cond_wait(&m->cond, &m->lock);
    int err = m->own_err;
    pthread_mutex_unlock(&m->lock);
    return err;
}

static double step(ccg__measure *m, const char *name, double t0)
{
    double t = ccg__now();
    if (m->n_steps < MAX_STEPS)
        m->steps[m->n_steps++] = (ccg__timing){name, t - t0};
    return t;
}

/* The layout of view (all nodes) into new arrays *xo, *yo (igraph handlers installed). */
static int layout_all(const ccg_network *view, ccg_layout_algo algo, uint64_t seed, double **xo,
                      double **yo)
{
    ig_graph ig = {0};
    igraph_matrix_t pos;
    double *x = NULL, *y = NULL;
    int err = 0;

    if (igraph_matrix_init(&pos, 0, 0) != IGRAPH_SUCCESS)
        return ccg__err(CCG_ENOMEM, "out of memory (in igraph)");
    if ((err = ig_make(view, false, &ig)) < 0)
        goto cleanup;
    seed_rng(seed);
    if (algo == CCG_LAYOUT_FR) {
        /* 500 iterations is igraph's default; above 5000 nodes fewer, as
         * each costs O(n^2) without the grid (measured 14 s at 100k). */
        igraph_integer_t niter = view->n_nodes > 5000 ? 100 : 500;
        IG(igraph_layout_fruchterman_reingold(&ig.g, &pos, /* use_seed = */ false, niter,
                                              sqrt((double)view->n_nodes) / 10,
                                              IGRAPH_LAYOUT_AUTOGRID, &ig.w, NULL, NULL,
                                              NULL, NULL));
    } else {
        igraph_layout_drl_options_t dopt;
        IG(igraph_layout_drl_options_init(&dopt, IGRAPH_LAYOUT_DRL_DEFAULT));
        IG(igraph_layout_drl(&ig.g, &pos, /* use_seed = */ false, &dopt, &ig.w));
    }
    if (!(x = ccg__malloc((view->n_nodes + 1) * sizeof *x)) ||
        !(y = ccg__malloc((view->n_nodes + 1) * sizeof *y))) {
        free(x);
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t v = 0; v < view->n_nodes; v++) {
        x[v] = MATRIX(pos, v, 0);
        y[v] = MATRIX(pos, v, 1);
    }
    *xo = x;
    *yo = y;
cleanup:
    igraph_matrix_destroy(&pos);
    ig_free(&ig);
    return err;
}

/*
 * The layout of the top nodes of view by keys (all nodes when top is 0 or
 * n <= top; the others get NaN), into new arrays *xo, *yo: the positions
 * ccg_graph_layout gives ccg_network_subgraph(net, top) when net->size is
 * keys (negative and non-finite keys count as 0, as in net->size), as only
 * the subgraph's edges, in their order, reach igraph. Igraph handlers
 * installed.
 */
static int layout_top(const ccg_network *view, const double *keys, ccg_layout_algo algo,
                      size_t top, uint64_t seed, double **xo, double **yo)
{
    size_t n = view->n_nodes, nn = 0, ne = 0;
    ccg_network sub = {0};
    bool *keep = NULL;
    double *size = NULL, *sx = NULL, *sy = NULL, *x = NULL, *y = NULL;
    uint32_t *newidx = NULL;
    int err = 0;

    if (!top || n <= top)
        return layout_all(view, algo, seed, xo, yo);
    keep = ccg__malloc((n + 1) * sizeof *keep);
    size = ccg__malloc((n + 1) * sizeof *size);
    newidx = ccg__malloc((n + 1) * sizeof *newidx);
    sub.source = ccg__malloc((view->n_edges + 1) * sizeof *sub.source);
    sub.target = ccg__malloc((view->n_edges + 1) * sizeof *sub.target);
    sub.weight = ccg__malloc((view->n_edges + 1) * sizeof *sub.weight);
    x = ccg__malloc((n + 1) * sizeof *x);
    y = ccg__malloc((n + 1) * sizeof *y);
    if (!keep || !size || !newidx || !sub.source || !sub.target || !sub.weight || !x || !y) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t v = 0; v < n; v++)
        size[v] = isfinite(keys[v]) && keys[v] > 0 ? keys[v] : 0;
    if ((err = ccg__rank_nodes(size, n, top, keep)) < 0)
        goto cleanup;
    for (size_t v = 0; v < n; v++) {
        newidx[v] = (uint32_t)nn;
        nn += keep[v];
    }
    for (size_t e = 0; e < view->n_edges; e++) {
        uint32_t s = view->source[e], t = view->target[e];
        if (keep[s] && keep[t]) {
            sub.source[ne] = newidx[s];
            sub.target[ne] = newidx[t];
            sub.weight[ne++] = view->weight[e];
        }
    }
    sub.directed = view->directed;
    sub.n_nodes = nn;
    sub.n_edges = ne;
    if ((err = layout_all(&sub, algo, seed, &sx, &sy)) < 0)
        goto cleanup;
    for (size_t v = 0; v < n; v++) {
        x[v] = keep[v] ? sx[newidx[v]] : NAN;
        y[v] = keep[v] ? sy[newidx[v]] : NAN;
    }
    *xo = x;
    *yo = y;
    x = y = NULL;
cleanup:
    free(keep);
    free(size);
    free(newidx);
    free(sub.source);
    free(sub.target);
    free(sub.weight);
    free(sx);
    free(sy);
    free(x);
    free(y);
    return err;
}

/* The size keys of the layout in the igraph thread (LAY_IGRAPH, LAY_PAGERANK,
 * LAY_PATHS), once they exist: the values set_size reads from the column
 * of that name. Returns 0, 1 when the own thread failed (no keys: its
 * error is reported by ccg__measure_finish) or CCG_ENOMEM. */
static int layout_keys(ccg__measure *m, double **out)
{
    const char *s = m->o.size_by && *m->o.size_by ? m->o.size_by : "pagerank";
    size_t n = m->view.n_nodes;
    const double *d = NULL;
    const igraph_vector_int_t *vi = NULL;
    const igraph_vector_t *vr = NULL;
    *out = NULL;
    if (m->plan == LAY_PAGERANK || m->plan == LAY_PATHS) {
        if (own_wait(m, m->plan == LAY_PAGERANK ? OWN_PAGERANK : OWN_DONE) < 0)
            return 1;
        d = m->plan == LAY_PAGERANK            ? m->pr
            : strcmp(s, "betweenness") == 0    ? m->btw
            : strcmp(s, "closeness") == 0      ? m->clo
                                               : m->har;
    } else if (strcmp(s, "degree") == 0) {
        vi = &m->deg;
    } else if (strcmp(s, "in_degree") == 0) {
        vi = &m->indeg;
    } else if (strcmp(s, "out_degree") == 0) {
        vi = &m->outdeg;
    } else if (strcmp(s, "coreness") == 0) {
        vi = &m->core;
    } else {
        vr = strcmp(s, "strength") == 0 ? &m->strength
             : strcmp(s, "eigenvector") == 0 ? &m->eig
                                             : &m->clust;
    }
    double *k = ccg__malloc((n + 1) * sizeof *k);
    if (!k)
        return ccg__err(CCG_ENOMEM, "out of memory");
    /* as the columns hold them: int64 (put_int) or double */
    for (size_t v = 0; v < n; v++)
        k[v] = d ? d[v] : vi ? (double)(int64_t)VECTOR(*vi)[v] : VECTOR(*vr)[v];
    *out = k;
    return 0;
}

static int find_communities(const ccg_network *net, const ccg_graph_options *o,
                            const ig_graph *ig, igraph_vector_int_t *memb);

static void *igraph_run(void *arg)
{
    ccg__measure *m = arg;
    const ccg_network *net = &m->view;
    ig_graph ig = {0}, und = {0};
    igraph_real_t value;
    ccg__igraph_state st;
    double *keys = NULL;
    int err = 0;

    double t = ccg__now();
    ccg__igraph_enter(&st);
    if ((err = ig_make(net, net->directed, &ig)) < 0 ||
        (net->directed && (err = ig_make(net, false, &und)) < 0))
        goto cleanup;
    t = step(m, "(igraph thread) graph", t);
    ig_graph *u = net->directed ? &und : &ig;

    IG(igraph_degree(&ig.g, &m->deg, igraph_vss_all(), IGRAPH_ALL, IGRAPH_NO_LOOPS));
    if (net->directed) {
        IG(igraph_degree(&ig.g, &m->indeg, igraph_vss_all(), IGRAPH_IN, IGRAPH_NO_LOOPS));
        IG(igraph_degree(&ig.g, &m->outdeg, igraph_vss_all(), IGRAPH_OUT, IGRAPH_NO_LOOPS));
    }
    IG(igraph_strength(&ig.g, &m->strength, igraph_vss_all(), IGRAPH_ALL, IGRAPH_NO_LOOPS,
                       &ig.w));
    t = step(m, "(igraph thread) degree, strength", t);

    seed_rng(m->o.seed);
    if (net->n_edges > 0) {
        IG(igraph_eigenvector_centrality(&u->g, &m->eig, &value, /* directed = */ false,
                                         /* scale = */ true, &u->w, NULL));
    } else {
        IG(igraph_vector_resize(&m->eig, (igraph_integer_t)net->n_nodes));
        igraph_vector_fill(&m->eig, 0);
    }
    t = step(m, "(igraph thread) eigenvector", t);
    IG(igraph_coreness(&u->g, &m->core, IGRAPH_ALL));
    IG(igraph_transitivity_local_undirected(&u->g, &m->clust, igraph_vss_all(),
                                            IGRAPH_TRANSITIVITY_ZERO));
    t = step(m, "(igraph thread) coreness, clustering", t);
    /* Communities need only the undirected view; they are numbered by the
     * caller once sizes exist. */
    if (m->memb) {
        if ((err = find_communities(net, &m->o, u, &m->memb->v)) < 0)
            goto cleanup;
        t = step(m, "(igraph thread) communities", t);
    }
    if (m->plan == LAY_ALL || m->plan == LAY_IGRAPH || m->plan == LAY_PAGERANK ||
        m->plan == LAY_PATHS) {
        if (m->plan != LAY_ALL && (err = layout_keys(m, &keys)) != 0) {
            err = err > 0 ? 0 : err;
            goto cleanup;
        }
        if ((err = layout_top(net, keys, m->o.layout, m->o.layout_top, m->o.seed, &m->x,
                              &m->y)) < 0)
            goto cleanup;
        step(m, "(igraph thread) layout", t);
    }
cleanup:
    free(keys);
    ig_free(&ig);
    ig_free(&und);
    ccg__igraph_leave(&st);
    if (err < 0)
        snprintf(m->ig_msg, sizeof m->ig_msg, "%s", ccg_error_last());
    m->ig_err = err;
    return NULL;
}

/* Where the layout of the top nodes of net by o->size_by can be made (see lay_plan). */
static lay_plan plan_layout(const ccg_network *net, const ccg_graph_options *o)
{
    static const struct {
        const char *name;
        lay_plan plan;
        ccg_column_type type; /* as the metric's column */
        bool directed;        /* made for directed networks only */
    } metric[] = {
        {"pagerank", LAY_PAGERANK, CCG_COL_DOUBLE, false},
        {"betweenness", LAY_PATHS, CCG_COL_DOUBLE, false},
        {"closeness", LAY_PATHS, CCG_COL_DOUBLE, false},
        {"harmonic", LAY_PATHS, CCG_COL_DOUBLE, false},
        {"degree", LAY_IGRAPH, CCG_COL_INT, false},
        {"in_degree", LAY_IGRAPH, CCG_COL_INT, true},
        {"out_degree", LAY_IGRAPH, CCG_COL_INT, true},
        {"strength", LAY_IGRAPH, CCG_COL_DOUBLE, false},
        {"eigenvector", LAY_IGRAPH, CCG_COL_DOUBLE, false},
        {"coreness", LAY_IGRAPH, CCG_COL_INT, false},
        {"clustering", LAY_IGRAPH, CCG_COL_DOUBLE, false},
    };
    const char *s = o->size_by && *o->size_by ? o->size_by : "pagerank";
    if (o->layout == CCG_LAYOUT_NONE || net->n_nodes == 0)
        return LAY_NONE;
    if (!o->layout_top || net->n_nodes <= o->layout_top)
        return LAY_ALL;
    for (size_t k = 0; k < sizeof metric / sizeof *metric; k++) {
        if (strcmp(s, metric[k].name) != 0 || (metric[k].directed && !net->directed))
            continue;
        /* set_size reads the first column of that name: the metric's own,
         * unless the network already has one of another type. */
        const ccg_column *col = ccg_network_node_column(net, s);
        return !col || col->type == metric[k].type ? metric[k].plan : LAY_LATER;
    }
    return LAY_LATER;
}

void ccg__measure_free(ccg__measure *m)
{
    if (!m)
        return;
    if (m->own_threaded)
        pthread_join(m->own_tid, NULL);
    if (m->ig_threaded)
        pthread_join(m->ig_tid, NULL);
    if (m->have_sync) {
        pthread_mutex_destroy(&m->lock);
        pthread_cond_destroy(&m->cond);
    }
    if (m->have_vectors) {
        igraph_vector_int_destroy(&m->deg);
        igraph_vector_int_destroy(&m->indeg);
        igraph_vector_int_destroy(&m->outdeg);
        igraph_vector_int_destroy(&m->core);
        igraph_vector_destroy(&m->strength);
        igraph_vector_destroy(&m->eig);
        igraph_vector_destroy(&m->clust);
    }
    ccg__membership_free(m->memb);
    free(m->view.source);
    free(m->view.target);
    free(m->view.weight);
    free(m->btw);
    free(m->clo);
    free(m->har);
    free(m->pr);
    free(m->x);
    free(m->y);
    free(m);
}

/* Every vector of the igraph thread, empty (igraph resizes them), and the
 * membership when communities are asked. */
static int init_vectors(ccg__measure *m)
{
    igraph_vector_int_t *vi[] = {&m->deg, &m->indeg, &m->outdeg, &m->core};
    igraph_vector_t *vr[] = {&m->strength, &m->eig, &m->clust};
    size_t i = 0, r = 0;
    for (; i < 4; i++)
        if (igraph_vector_int_init(vi[i], 0) != IGRAPH_SUCCESS)
            goto nomem;
    for (; r < 3; r++)
        if (igraph_vector_init(vr[r], 0) != IGRAPH_SUCCESS)
            goto nomem;
    m->have_vectors = true;
    if (m->o.community != CCG_COMMUNITY_NONE) {
        if (!(m->memb = ccg__calloc(1, sizeof *m->memb)))
            return ccg__err(CCG_ENOMEM, "out of memory");
        if (igraph_vector_int_init(&m->memb->v, 0) != IGRAPH_SUCCESS) {
            free(m->memb);
            m->memb = NULL;
            return ccg__err(CCG_ENOMEM, "out of memory (in igraph)");
        }
    }
    return 0;
nomem:
    while (i)
        igraph_vector_int_destroy(vi[--i]);
    while (r)
        igraph_vector_destroy(vr[--r]);
    return ccg__err(CCG_ENOMEM, "out of memory (in igraph)");
}

int ccg__measure_start(const ccg_network *net, const ccg_graph_options *o, bool communities,
                       bool layout, ccg__measure **out)
{
    size_t n = net->n_nodes, ne = net->n_edges;
    ccg__measure *m = ccg__calloc(1, sizeof *m);
    int err = 0;
    *out = NULL;
    if (!m)
        return ccg__err(CCG_ENOMEM, "out of memory");
    m->o = *o;
    if (!communities)
        m->o.community = CCG_COMMUNITY_NONE;
    if (!layout)
        m->o.layout = CCG_LAYOUT_NONE;
    m->plan = plan_layout(net, &m->o);
    m->view.kind = net->kind;
    m->view.directed = net->directed;
    m->view.n_nodes = n;
    m->view.n_edges = ne;
    if (!(m->view.source = ccg__malloc((ne + 1) * sizeof *m->view.source)) ||
        !(m->view.target = ccg__malloc((ne + 1) * sizeof *m->view.target)) ||
        !(m->view.weight = ccg__malloc((ne + 1) * sizeof *m->view.weight)) ||
        !(m->pr = ccg__malloc((n + 1) * sizeof *m->pr)) ||
        !(m->btw = ccg__malloc((n + 1) * sizeof *m->btw)) ||
        !(m->clo = ccg__malloc((n + 1) * sizeof *m->clo)) ||
        !(m->har = ccg__malloc((n + 1) * sizeof *m->har))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto fail;
    }
    memcpy(m->view.source, net->source, ne * sizeof *net->source);
    memcpy(m->view.target, net->target, ne * sizeof *net->target);
    memcpy(m->view.weight, net->weight, ne * sizeof *net->weight);
    if ((err = init_vectors(m)) < 0)
        goto fail;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        err = ccg__err(CCG_ENOMEM, "cannot create a mutex");
        goto fail;
    }
    if (pthread_cond_init(&m->cond, NULL) != 0) {
        pthread_mutex_destroy(&m->lock);
        err = ccg__err(CCG_ENOMEM, "cannot create a condition variable");
        goto fail;
    }
    m->have_sync = true;

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
    double work = (double)n * (double)(n + ne);
    bool exact = o->exact_betweenness_max ? n <= o->exact_betweenness_max : work <= 2e7;
    if (!exact && n > 1) {
        size_t k = o->betweenness_samples;
        if (!k) {
            double kk = 4e6 / (double)(n + ne);
            k = kk < 16 ? 16 : kk > 256 ? 256 : (size_t)kk;
        }
        m->k = k > n ? n : k;
        /* Sampled, the paths cost about 4e6 steps (0.06-0.1 s) whatever the
         * size, less than the igraph thread's calls and layout: leave that
         * thread a core of its own (a second walker on 2 cores only took
         * turns with it). Exact paths on all cores: they are the longer. */
        unsigned cores = ccg__cpu_count();
        if (m->plan != LAY_NONE && m->plan != LAY_LATER && cores > 1)
            m->paths_threads = cores - 1;
    }
    /* Without a thread, each runs here, the own one first (the igraph one
     * may wait for its PageRank). */
    if (!(m->own_threaded = pthread_create(&m->own_tid, NULL, own_run, m) == 0))
        own_run(m);
    if (!(m->ig_threaded = pthread_create(&m->ig_tid, NULL, igraph_run, m) == 0))
        igraph_run(m);
    *out = m;
    return 0;
fail:
    ccg__measure_free(m);
    return err;
}

int ccg__measure_finish(ccg_network *net, ccg__measure *m, ccg__membership **memb)
{
    int err;
    if (memb)
        *memb = NULL;
    if (m->own_threaded)
        pthread_join(m->own_tid, NULL);
    if (m->ig_threaded)
        pthread_join(m->ig_tid, NULL);
    m->own_threaded = m->ig_threaded = false;
    for (size_t k = 0; k < m->n_steps; k++)
        ccg__timing_record(m->steps[k].name, m->steps[k].seconds);
    ccg__timing_record(m->k ? "(thread) betweenness+closeness+harmonic (sampled)"
                            : "(thread) betweenness+closeness+harmonic (exact)",
                       m->paths_seconds);
    ccg__timing_record("(thread) pagerank", m->pagerank_seconds);
    if (m->ig_err < 0)
        return ccg__err(m->ig_err, "%s", m->ig_msg);
    if (m->own_err < 0)
        return ccg__err(m->own_err, "%s", m->own_msg);
    size_t n = net->n_nodes;
    if ((err = put_int(net, "degree", &m->deg)) < 0 ||
        (net->directed && ((err = put_int(net, "in_degree", &m->indeg)) < 0 ||
                           (err = put_int(net, "out_degree", &m->outdeg)) < 0)) ||
        (err = put_real(net, "strength", &m->strength)) < 0 ||
        (err = put_array(net, "betweenness", m->btw)) < 0 ||
        (err = put_array(net, "closeness", m->clo)) < 0 ||
        (err = put_array(net, "harmonic", m->har)) < 0 ||
        (m->k && (err = ccg_network_note(net,
                                         "betweenness, closeness and harmonic centrality "
                                         "estimated from %zu of %zu nodes as sources (seed %llu)",
                                         m->k, n, (unsigned long long)m->o.seed)) < 0) ||
        (err = put_real(net, "eigenvector", &m->eig)) < 0 ||
        (err = put_array(net, "pagerank", m->pr)) < 0 ||
        (err = put_int(net, "coreness", &m->core)) < 0 ||
        (err = put_real(net, "clustering", &m->clust)) < 0)
        return err;
    if (m->x) {
        free(net->x);
        free(net->y);
        net->x = m->x;
        net->y = m->y;
        m->x = m->y = NULL;
    }
    if (memb) {
        *memb = m->memb;
        m->memb = NULL;
    }
    return 0;
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
    ccg__measure *m;
    int err = ccg__measure_start(net, o, /* communities = */ false, /* layout = */ false, &m);
    if (err == 0)
        err = ccg__measure_finish(net, m, NULL);
    ccg__measure_free(m);
    return err;
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

/* Checked here for ccg_graph_layout and ccg__graph_layout_top. */
static int check_algo(ccg_layout_algo algo)
{
    if (algo != CCG_LAYOUT_FR && algo != CCG_LAYOUT_DRL && algo != CCG_LAYOUT_NONE)
        return ccg__err(CCG_EINVAL, "unknown layout algorithm %d", (int)algo);
    return 0;
}

int ccg__graph_layout_top(ccg_network *net, ccg_layout_algo algo, size_t top, uint64_t seed)
{
    ccg__igraph_state st;
    double *x = NULL, *y = NULL;
    int err;
    if ((err = check_algo(algo)) < 0 || algo == CCG_LAYOUT_NONE)
        return err;
    if (!net->size && top && top < net->n_nodes)
        return ccg__err(CCG_EINVAL, "layout: the top %zu nodes of a network without sizes", top);
    ccg__igraph_enter(&st);
    err = layout_top(net, net->size, algo, top, seed, &x, &y);
    ccg__igraph_leave(&st);
    if (err < 0)
        return err;
    free(net->x);
    free(net->y);
    net->x = x;
    net->y = y;
    return 0;
}

int ccg_graph_layout(ccg_network *net, ccg_layout_algo algo, uint64_t seed)
{
    return ccg__graph_layout_top(net, algo, /* top = */ 0, seed);
}
