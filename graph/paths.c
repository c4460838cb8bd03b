/*
 * paths.c: betweenness, closeness and harmonic centrality, exact (every
 * source) or estimated from sampled sources for big graphs.
 *
 * One Dijkstra per sampled source s (lengths 1/weight) gives the distances
 * (closeness, harmonic: by symmetry of the undirected view, d(s,v) counts
 * for v) and Brandes' dependencies (betweenness) at once, where igraph
 * would need two passes (igraph_betweenness_subset, then
 * igraph_distances_dijkstra), and igraph's exact functions would need three
 * single-threaded all-sources passes. Ties are igraph's (see same()).
 * The exact results agree with igraph's (test_exact_paths_igraph in
 * tests/unit/test_graph.c) and networkx's (tests/graph/check_networkx.py).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

typedef struct {
    size_t n;
    size_t *start;  /* n + 1 */
    uint32_t *to;
    double *len;
} csr;

static void csr_free(csr *g)
{
    free(g->start);
    free(g->to);
    free(g->len);
    memset(g, 0, sizeof *g); /* csr_make frees on failure, and its caller again */
}

/* Adjacency of net: out-edges (dir = 1), in-edges (dir = -1) or both
 * (dir = 0, the undirected view; u->v and v->u of a directed net merge into
 * one edge whose weight is their sum, as in metrics.c). */
typedef struct {
    uint64_t key; /* from << 32 | to: first, so ccg__sort_by_key sorts by it */
    double w;
} keyed;

static int csr_make(const ccg_network *net, int dir, csr *g)
{
    size_t n = net->n_nodes, m = net->n_edges, ne = 0;
    keyed *v = NULL;
    memset(g, 0, sizeof *g);
    g->n = n;
    v = ccg__malloc((2 * m + 1) * sizeof *v);
    g->start = ccg__calloc(n + 2, sizeof *g->start);
    if (!v || !g->start)
        goto nomem;
    for (size_t e = 0; e < m; e++) {
        uint64_t s = net->source[e], t = net->target[e];
        if (dir >= 0)
            v[ne++] = (keyed){s << 32 | t, net->weight[e]};
        if (dir <= 0)
            v[ne++] = (keyed){t << 32 | s, net->weight[e]};
    }
    if (ccg__sort_by_key(v, ne, sizeof *v) < 0)
        goto nomem;
    size_t k2 = 0;
    for (size_t k = 0; k < ne; k++) {
        if (k2 && v[k2 - 1].key == v[k].key)
            v[k2 - 1].w += v[k].w; /* only u->v plus v->u in the undirected view */
        else
            v[k2++] = v[k];
    }
    ne = k2;
    g->to = ccg__malloc((ne + 1) * sizeof *g->to);
    g->len = ccg__malloc((ne + 1) * sizeof *g->len);
    if (!g->to || !g->len)
        goto nomem;
    for (size_t k = 0; k < ne; k++) {
        g->start[(v[k].key >> 32) + 1]++;
        g->to[k] = (uint32_t)v[k].key;
        g->len[k] = v[k].w > 0 ? 1.0 / v[k].w : 1e12;
    }
    for (size_t u = 0; u < n; u++)
        g->start[u + 1] += g->start[u];
    free(v);
    return 0;
nomem:
    free(v);
    csr_free(g);
    return ccg__err(CCG_ENOMEM, "out of memory");
}

/* A binary min-heap of (distance, node) with lazy deletion. */
typedef struct {
    double d;
    uint32_t v;
} hitem;

static void heap_push(hitem *h, size_t *n, hitem x)
{
    size_t i = (*n)++;
    while (i && h[(i - 1) / 2].d > x.d) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = x;
}

static hitem heap_pop(hitem *h, size_t *n)
{
    hitem top = h[0], x = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1].d < h[c].d)
            c++;
        if (h[c].d >= x.d)
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
    return top;
}

/* Whether two path lengths are equal for Brandes: igraph's weighted
 * betweenness keeps each distance plus one and compares with
 * igraph_cmp_epsilon(a + 1, b + 1, 1e-10) (|diff| / sum < eps); the same
 * test here, so ties count as igraph counts them. */
static bool same(double a, double b)
{
    if (!isfinite(a) || !isfinite(b))
        return false;
    double fa = a + 1, fb = b + 1; /* a, b >= 0 */
    return fa == fb || fabs(fa - fb) < 1e-10 * (fa + fb);
}

/* Dijkstra from s over g: dist (INFINITY = unreached) and the settle
 * order (*ns nodes). heap has room for m + 1 items. */
static void dijkstra(const csr *g, uint32_t s, double *dist, uint32_t *order, size_t *ns,
                     hitem *heap)
{
    size_t nh = 0;
    *ns = 0;
    dist[s] = 0;
    heap_push(heap, &nh, (hitem){0, s});
    while (nh) {
        hitem x = heap_pop(heap, &nh);
        if (x.d > dist[x.v])
            continue; /* a stale entry: the node was reached shorter since */
        order[(*ns)++] = x.v;
        for (size_t k = g->start[x.v]; k < g->start[x.v + 1]; k++) {
            uint32_t w = g->to[k];
            double nd = x.d + g->len[k];
            if (nd < dist[w] && !same(nd, dist[w])) {
                dist[w] = nd;
                heap_push(heap, &nh, (hitem){nd, w});
            }
        }
    }
}

/* splitmix64: a small seeded generator for the sample of sources. */
static uint64_t next_rand(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* One thread's working arrays for a source. */
typedef struct {
    double *dist, *sigma;
    uint32_t *order;
    hitem *heap;
    bool *pred; /* per in-edge: on a shortest path from the source */
    double *d2; /* all sources, directed: distances in the undirected view */
} walker;

static void walker_free(walker *w)
{
    free(w->dist);
    free(w->sigma);
    free(w->order);
    free(w->heap);
    free(w->pred);
    free(w->d2);
    memset(w, 0, sizeof *w);
}

static int walker_new(walker *w, size_t n, size_t m, bool d2)
{
    w->dist = ccg__malloc((n + 1) * sizeof *w->dist);
    w->sigma = ccg__malloc((n + 1) * sizeof *w->sigma);
    w->order = ccg__malloc((n + 1) * sizeof *w->order);
    w->heap = ccg__malloc((m + 2) * sizeof *w->heap);
    w->pred = ccg__malloc((m + 1) * sizeof *w->pred);
    w->d2 = d2 ? ccg__malloc((n + 1) * sizeof *w->d2) : NULL;
    if (!w->dist || !w->sigma || !w->order || !w->heap || !w->pred || (d2 && !w->d2)) {
        walker_free(w);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    return 0;
}

/*
 * Sources are walked by several threads, a batch at a time; each source
 * leaves its own vectors (dependencies, distances), which are then added in
 * source order, so the sums are the ones one thread makes, bit for bit,
 * whatever the number of threads. With all sources (rows), closeness and
 * harmonic of a source are sums over its own distances, as igraph sums
 * them: the source writes them to its own slot, and no distance vector is
 * kept.
 */
typedef struct {
    const ccg_network *net;
    const csr *fwd, *back, *sym;
    const uint32_t *src; /* the batch's sources */
    size_t count;
    double *dep;         /* count x n: dependencies of each node (0: none) */
    double *d;           /* count x n: distances for closeness and harmonic */
    double *dsum, *hsum; /* rows: per source, sums of d and of 1/d */
    size_t *reach;       /* rows: per source, nodes reached */
    walker *w;           /* one per thread */
} batch;

static void walk_source(const batch *b, walker *wk, size_t i)
{
    const csr *fwd = b->fwd, *back = b->back;
    size_t n = b->net->n_nodes, ns;
    uint32_t s = b->src[i];
    double *dist = wk->dist, *sigma = wk->sigma, *delta = b->dep + i * n;
    for (size_t v = 0; v < n; v++) {
        dist[v] = INFINITY;
        sigma[v] = 0;
        delta[v] = 0;
    }
    dijkstra(fwd, s, dist, wk->order, &ns, wk->heap);
    /* Shortest-path counts in settle order, then dependencies backwards,
     * over the in-edges the first pass marks as on a shortest path. */
    bool *pred = wk->pred;
    sigma[s] = 1;
    for (size_t j = 1; j < ns; j++) {
        uint32_t w = wk->order[j];
        for (size_t e = back->start[w]; e < back->start[w + 1]; e++) {
            uint32_t v = back->to[e];
            pred[e] = isfinite(dist[v]) && same(dist[v] + back->len[e], dist[w]);
            if (pred[e])
                sigma[w] += sigma[v];
        }
    }
    for (size_t j = ns; j-- > 1;) {
        uint32_t w = wk->order[j];
        for (size_t e = back->start[w]; e < back->start[w + 1]; e++)
            if (pred[e])
                delta[back->to[e]] += sigma[back->to[e]] / sigma[w] * (1 + delta[w]);
    }
    delta[s] = 0; /* the source depends on no one */
    bool rows = b->dsum != NULL;
    double *d = rows ? (b->net->directed ? wk->d2 : dist) : b->d + i * n;
    if (b->net->directed) {
        for (size_t v = 0; v < n; v++)
            d[v] = INFINITY;
        dijkstra(b->sym, s, d, wk->order, &ns, wk->heap);
    } else if (!rows) {
        memcpy(d, dist, n * sizeof *d);
    }
    if (rows) { /* in settle order, as igraph adds */
        double sum = 0, h = 0;
        size_t r = 0;
        for (size_t j = 1; j < ns; j++) {
            double x = d[wk->order[j]];
            if (x > 0) {
                sum += x;
                h += 1.0 / x;
                r++;
            }
        }
        b->dsum[s] = sum;
        b->hsum[s] = h;
        b->reach[s] = r;
    }
}

/* Source i of the batch, on thread w (ccg__parallel_for): its own rows. */
static int walk_index(void *ctx, size_t i, unsigned w)
{
    const batch *b = ctx;
    walk_source(b, &b->w[w], i);
    return 0;
}

unsigned ccg__paths_threads;

/* The paths from k sources sampled with seed, scaled by n/k, or (all)
 * from every source in order, exact. */
static int paths(const ccg_network *net, size_t k, uint64_t seed, bool all, unsigned threads,
                 double *btw, double *clo, double *har)
{
    size_t n = net->n_nodes;
    csr out = {0}, in = {0}, und = {0};
    double *dsum = NULL, *dep = NULL, *dd = NULL;
    uint32_t *pick = NULL;
    size_t *reach = NULL;
    walker w[8];
    unsigned nw = 0;
    int err = 0;
    memset(w, 0, sizeof w);

    if (k > n || all)
        k = n;
    if ((err = csr_make(net, net->directed ? 1 : 0, &out)) < 0 ||
        (net->directed && (err = csr_make(net, -1, &in)) < 0) ||
        (net->directed && (err = csr_make(net, 0, &und)) < 0))
        goto cleanup;
    const csr *sym = net->directed ? &und : &out;
    size_t m = out.start[n] > sym->start[n] ? out.start[n] : sym->start[n];
    if (net->directed && in.start[n] > m)
        m = in.start[n];
    if (!threads)
        threads = ccg__paths_threads ? ccg__paths_threads : ccg__cpu_count();
    if (threads > 8)
        threads = 8;
    if (threads > k)
        threads = k ? (unsigned)k : 1;
    /* a batch: a few sources a thread (more with all sources, to join the
     * threads less often), its vectors under ~64 MB */
    size_t per = (all ? 16 : 4) * (size_t)threads;
    while (per > 1 && per * (n + 1) * 2 * sizeof(double) > ((size_t)64 << 20))
        per--;
    dsum = ccg__calloc(n + 1, sizeof *dsum);
    reach = ccg__calloc(n + 1, sizeof *reach);
    pick = ccg__malloc((n + 1) * sizeof *pick);
    dep = ccg__malloc((per * n + 1) * sizeof *dep);
    dd = all ? ccg__malloc((n + 1) * sizeof *dd) : ccg__malloc((per * n + 1) * sizeof *dd);
    if (!dsum || !reach || !pick || !dep || !dd) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (; nw < threads; nw++)
        if ((err = walker_new(&w[nw], n, m, all && net->directed)) < 0)
            goto cleanup;
    /* k sources without replacement: a seeded partial Fisher-Yates. */
    for (size_t v = 0; v < n; v++)
        pick[v] = (uint32_t)v;
    uint64_t state = seed;
    for (size_t i = 0; i < k && !all; i++) {
        size_t j = i + (size_t)(next_rand(&state) % (n - i));
        uint32_t t = pick[i];
        pick[i] = pick[j];
        pick[j] = t;
    }
    for (size_t v = 0; v < n; v++) {
        btw[v] = 0;
        har[v] = 0;
    }
    /* all: dd holds the per-source sums of 1/d */
    batch b = {net, &out, net->directed ? &in : &out, sym, NULL, 0, dep, dd,
               all ? dsum : NULL, dd, reach, w};
    for (size_t first = 0; first < k; first += per) {
        b.src = pick + first;
        b.count = k - first < per ? k - first : per;
        if ((err = ccg__parallel_for(b.count, nw, walk_index, &b)) < 0)
            goto cleanup;
        /* in source order, as one thread adds */
        for (size_t i = 0; i < b.count; i++) {
            uint32_t s = b.src[i];
            const double *delta = dep + i * n, *d = dd + i * n;
            for (size_t v = 0; v < n; v++)
                btw[v] += delta[v];
            for (size_t v = 0; v < n && !all; v++)
                if (v != s && isfinite(d[v]) && d[v] > 0) {
                    har[v] += 1.0 / d[v];
                    dsum[v] += d[v];
                    reach[v]++;
                }
        }
    }
    if (all)
        memcpy(har, dd, n * sizeof *har);
    /* Scale to all n sources; undirected pairs count once (as igraph). */
    double scale = all ? 1 : k ? (double)n / (double)k : 0;
    for (size_t v = 0; v < n; v++) {
        btw[v] *= scale * (net->directed ? 1.0 : 0.5);
        har[v] *= n > 1 ? scale / (double)(n - 1) : 0;
        clo[v] = reach[v] ? (double)reach[v] / dsum[v] : 0;
    }
cleanup:
    csr_free(&out);
    csr_free(&in);
    csr_free(&und);
    for (unsigned t = 0; t < nw; t++)
        walker_free(&w[t]);
    free(dsum);
    free(reach);
    free(pick);
    free(dep);
    free(dd);
    return err;
}

int ccg__sampled_paths(const ccg_network *net, size_t k, uint64_t seed, unsigned threads,
                       double *btw, double *clo, double *har)
{
    return paths(net, k, seed, false, threads, btw, clo, har);
}

int ccg__exact_paths(const ccg_network *net, unsigned threads, double *btw, double *clo,
                     double *har)
{
    return paths(net, net->n_nodes, 0, true, threads, btw, clo, har);
}
