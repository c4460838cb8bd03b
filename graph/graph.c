/*
 * graph.c: ccg_graph_build, the concept, paper and bipartite graphs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph_internal.h"
#include "util.h"

void ccg_graph_options_init(ccg_graph_options *o)
{
    memset(o, 0, sizeof *o);
    o->kind = CCG_NET_CONCEPTS;
    o->window = CCG_WINDOW_PAPER;
    o->weight = CCG_WEIGHT_COUNT;
    o->min_papers = 0;
    o->auto_max_entities = 5000;
    o->top_by = "papers";
    o->community = CCG_COMMUNITY_LEIDEN;
    o->resolution = 1.0;
    o->seed = 42;
    o->provenance_max = 20;
    o->exact_betweenness_max = 0;
    o->size_by = "pagerank";
    o->betweenness_samples = 0;
    o->layout = CCG_LAYOUT_NONE;
    o->layout_top = 0;
}

int ccg__cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static ccg__timing timings[32];
static size_t n_timings;

/* CPU time of the calling thread: stage figures that the other processes
 * of a shared machine disturb less than wall time. */
double ccg__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ccg__timing_reset(void)
{
    n_timings = 0;
}

double ccg__timing_add(const char *name, double t0)
{
    double t = ccg__now();
    if (n_timings < sizeof timings / sizeof timings[0])
        timings[n_timings++] = (ccg__timing){name, t - t0};
    return t;
}

void ccg__timing_record(const char *name, double seconds)
{
    if (n_timings < sizeof timings / sizeof timings[0])
        timings[n_timings++] = (ccg__timing){name, seconds};
}

const ccg__timing *ccg__timings(size_t *n)
{
    *n = n_timings;
    return timings;
}

void ccg__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    /* qsort(NULL, 0, ...) is undefined behaviour; empty arrays are NULL here. */
    if (n > 1)
        qsort(base, n, size, cmp);
}

int ccg__sort_by_key(void *base, size_t n, size_t size)
{
    /* LSD radix, 16 bits a pass: node pairs (a << 32 | b) with fewer than
     * 65536 nodes take two passes, as the passes whose digit every key
     * shares are skipped. Stable, as glibc's qsort (a merge sort) is. */
    enum { BITS = 16, BUCKETS = 1 << BITS };
    if (n < 2)
        return 0;
    unsigned char *a = base, *b = ccg__malloc(n * size);
    size_t *count = ccg__malloc(4 * BUCKETS * sizeof *count);
    if (!b || !count) {
        free(b);
        free(count);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    memset(count, 0, 4 * BUCKETS * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        uint64_t k;
        memcpy(&k, a + i * size, sizeof k);
        for (int d = 0; d < 4; d++)
            count[d * BUCKETS + ((k >> (d * BITS)) & (BUCKETS - 1))]++;
    }
    for (int d = 0; d < 4; d++) {
        size_t *c = count + d * BUCKETS, sum = 0;
        uint64_t k0;
        memcpy(&k0, a, sizeof k0);
        if (c[(k0 >> (d * BITS)) & (BUCKETS - 1)] == n)
            continue;
        for (size_t j = 0; j < BUCKETS; j++) {
            size_t t = c[j];
            c[j] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t k;
            memcpy(&k, a + i * size, sizeof k);
            memcpy(b + c[(k >> (d * BITS)) & (BUCKETS - 1)]++ * size, a + i * size, size);
        }
        unsigned char *t = a;
        a = b;
        b = t;
    }
    if (a != base) {
        memcpy(base, a, n * size);
        b = a;
    }
    free(b);
    free(count);
    return 0;
}

int ccg__cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

int ccg__record_date(const ccg_record *r)
{
    if (r->year <= 0)
        return 0;
    return r->year * 100 + (r->month >= 1 && r->month <= 12 ? r->month : 0);
}

double ccg__decimal_year(int date)
{
    if (!date)
        return NAN;
    return date / 100 + (date % 100 ? (date % 100 - 1) / 12.0 : 0);
}

/* Inclusive bounds; a paper whose month is unknown passes when any month
 * of its year could. Undated papers fail any bound. */
static bool date_ok(const ccg_record *r, int since, int until)
{
    if (!since && !until)
        return true;
    int d = ccg__record_date(r);
    if (!d)
        return false;
    int lo = d % 100 ? d : d + 12, hi = d % 100 ? d : d + 1;
    return (!since || lo >= since) && (!until || hi <= until);
}

void ccg__selection_free(ccg__selection *sel)
{
    free(sel->paper_ok);
    free(sel->papers);
    free(sel->mentions);
    free(sel->node_of);
    free(sel->entity_of);
    memset(sel, 0, sizeof *sel);
}

static const ccg__selection *order_sel;
static const ccg_annotation *order_ann;
static int cmp_node_order(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (order_sel->papers[a] != order_sel->papers[b])
        return order_sel->papers[a] > order_sel->papers[b] ? -1 : 1;
    int c = strcmp(order_ann->entities[a].name, order_ann->entities[b].name);
    if (c)
        return c;
    return a < b ? -1 : a > b;
}

int ccg__select(const ccg_corpus *c, const ccg_annotation *a, const ccg_graph_options *o,
                ccg__selection *sel)
{
    size_t ne = a->n_entities;
    memset(sel, 0, sizeof *sel);
    if (a->n_docs != c->n_records)
        return ccg__err(CCG_EINVAL, "annotation has %zu documents for %zu records",
                        a->n_docs, c->n_records);
    sel->paper_ok = ccg__calloc(c->n_records + 1, sizeof *sel->paper_ok);
    sel->papers = ccg__calloc(ne + 1, sizeof *sel->papers);
    sel->mentions = ccg__calloc(ne + 1, sizeof *sel->mentions);
    sel->node_of = ccg__malloc((ne + 1) * sizeof *sel->node_of);
    sel->entity_of = ccg__malloc((ne + 1) * sizeof *sel->entity_of);
    if (!sel->paper_ok || !sel->papers || !sel->mentions || !sel->node_of || !sel->entity_of) {
        ccg__selection_free(sel);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < c->n_records; p++) {
        if (!(sel->paper_ok[p] = date_ok(c->records[p], o->since, o->until)))
            continue;
        sel->n_papers_ok++;
        for (size_t i = 0; i < a->docs[p].n; i++) {
            const ccg_doc_entity *d = &a->docs[p].items[i];
            if (d->entity >= ne) {
                ccg__selection_free(sel);
                return ccg__err(CCG_EINVAL, "annotation: entity %u out of range", d->entity);
            }
            sel->papers[d->entity]++;
            sel->mentions[d->entity] += d->count;
        }
    }
    size_t min = o->min_papers;
    if (!min) {
        /* auto: the smallest threshold keeping at most auto_max_entities
         * (a count of entities per number of papers, read from the top). */
        size_t *hist = ccg__calloc(sel->n_papers_ok + 2, sizeof *hist), kept = 0;
        if (!hist) {
            ccg__selection_free(sel);
            return ccg__err(CCG_ENOMEM, "out of memory");
        }
        for (size_t e = 0; e < ne; e++)
            if (sel->papers[e] && (!o->types || (o->types & (1u << a->entities[e].type))))
                hist[sel->papers[e]]++;
        size_t cap = o->auto_max_entities ? o->auto_max_entities : SIZE_MAX;
        min = sel->n_papers_ok + 1;
        while (min > 1 && kept + hist[min - 1] <= cap)
            kept += hist[--min];
        free(hist);
    }
    sel->min_papers = min;
    for (size_t e = 0; e < ne; e++) {
        sel->node_of[e] = UINT32_MAX;
        if (!sel->papers[e])
            continue;
        sel->n_candidates++;
        if (o->types && !(o->types & (1u << a->entities[e].type)))
            continue;
        if (sel->papers[e] >= min)
            sel->entity_of[sel->n_nodes++] = (uint32_t)e;
    }
    order_sel = sel;
    order_ann = a;
    ccg__sort(sel->entity_of, sel->n_nodes, sizeof *sel->entity_of, cmp_node_order);
    for (size_t v = 0; v < sel->n_nodes; v++)
        sel->node_of[sel->entity_of[v]] = (uint32_t)v;
    return 0;
}

int ccg__label_communities(ccg_network *net, size_t nc)
{
    /* Top nodes of each community: by size, ties by node order. */
    size_t *top = NULL;
    int err = 0;
    ccg_buf b = CCG_BUF_INIT;
    for (size_t k = 0; k < net->n_communities; k++)
        free(net->community_label[k]);
    free(net->community_label);
    net->n_communities = 0;
    if (!(net->community_label = ccg__calloc(nc + 1, sizeof *net->community_label)) ||
        !(top = ccg__malloc((3 * nc + 1) * sizeof *top))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    net->n_communities = nc;
    for (size_t k = 0; k < 3 * nc; k++)
        top[k] = SIZE_MAX;
    for (size_t v = 0; v < net->n_nodes; v++) {
        int cm = net->community[v];
        if (cm < 0 || (size_t)cm >= nc)
            continue;
        size_t *t = &top[3 * (size_t)cm];
        double sv = net->size ? net->size[v] : 0;
        for (int j = 0; j < 3; j++) {
            if (t[j] == SIZE_MAX || (net->size && sv > net->size[t[j]])) {
                for (int m = 2; m > j; m--)
                    t[m] = t[m - 1];
                t[j] = v;
                break;
            }
        }
    }
    for (size_t k = 0; k < nc; k++) {
        ccg__buf_clear(&b);
        for (int j = 0; j < 3 && top[3 * k + j] != SIZE_MAX; j++)
            if (ccg__buf_printf(&b, "%s%s", j ? ", " : "", net->node_label[top[3 * k + j]]) < 0) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
        if (!(net->community_label[k] = ccg__buf_detach(&b)) &&
            !(net->community_label[k] = ccg__strdup(""))) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
cleanup:
    ccg__buf_free(&b);
    free(top);
    return err;
}

/* Replaces *net by its selection keep (no-op when every node is kept). */
static int apply_keep(ccg_network **net, const bool *keep)
{
    size_t k = 0;
    for (size_t v = 0; v < (*net)->n_nodes; v++)
        k += keep[v];
    if (k == (*net)->n_nodes)
        return 0;
    ccg_network *sub;
    int err = ccg__network_select(*net, keep, NULL, &sub);
    if (err < 0)
        return err;
    ccg_network_free(*net);
    *net = sub;
    return 0;
}

static int set_size(ccg_network *net, const char *size_by)
{
    const ccg_column *col = ccg_network_node_column(net, size_by);
    if (!col || col->type == CCG_COL_STRING)
        return ccg__err(CCG_EINVAL, "size-by: no numeric node column '%s'", size_by);
    free(net->size);
    if (!(net->size = ccg__malloc((net->n_nodes + 1) * sizeof *net->size)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t v = 0; v < net->n_nodes; v++) {
        double x = ccg__column_value(col, v);
        net->size[v] = isfinite(x) && x > 0 ? x : 0;
    }
    return 0;
}

/* ccg__build_concepts' edges_ready: the measure starts as soon as the
 * edges exist, beside the node columns, provenance and evidence. */
typedef struct {
    const ccg_graph_options *o;
    ccg__measure *m;
} early_measure;

static int measure_early(const ccg_network *net, void *ctx)
{
    early_measure *em = ctx;
    return ccg__measure_start(net, em->o, /* communities = */ true, /* layout = */ true, &em->m);
}

static const char *kind_name(ccg_network_kind k)
{
    return k == CCG_NET_PAPERS ? "papers" : k == CCG_NET_BIPARTITE ? "nodes" : "entities";
}

int ccg_graph_build(const ccg_corpus *c, const ccg_annotation *a,
                    const ccg_graph_options *o, ccg_network **out)
{
    ccg__selection sel;
    ccg_network *net = NULL;
    bool *keep = NULL;
    double *keys = NULL;
    ccg_buf why = CCG_BUF_INIT;
    ccg__membership *memb = NULL;
    early_measure em = {o, NULL};
    size_t before;
    int err;

    if (o->kind > CCG_NET_BIPARTITE || o->window > CCG_WINDOW_SENTENCE ||
        o->weight > CCG_WEIGHT_INCLUSION || o->community > CCG_COMMUNITY_NONE ||
        o->layout > CCG_LAYOUT_NONE || !(o->resolution > 0) || !(o->min_weight >= 0))
        return ccg__err(CCG_EINVAL, "invalid graph options");
    ccg__timing_reset();
    double t = ccg__now();
    if ((err = ccg__select(c, a, o, &sel)) < 0)
        return err;
    t = ccg__timing_add("select papers and entities", t);
    /* Without node filters the measured network is the one built: its
     * measure starts with its edges. */
    bool early = o->k_core <= 0 && !o->largest_component && !(o->top && o->top < sel.n_nodes);
    switch (o->kind) {
    case CCG_NET_CONCEPTS:
        err = ccg__build_concepts(c, a, o, &sel, early ? measure_early : NULL, &em, &net);
        break;
    case CCG_NET_BIPARTITE: err = ccg__build_bipartite(c, a, o, &sel, &net); break;
    case CCG_NET_PAPERS: err = ccg__build_papers(c, a, o, &sel, &net); break;
    }
    if (err < 0)
        goto cleanup;
    t = ccg__timing_add("build nodes, edges, provenance", t);
    before = o->kind == CCG_NET_PAPERS ? c->n_records : sel.n_candidates;
    if (o->since)
        err = ccg__buf_printf(&why, "since %04d-%02d", o->since / 100, o->since % 100);
    if (err >= 0 && o->until)
        err = ccg__buf_printf(&why, "%suntil %04d-%02d", why.len ? ", " : "", o->until / 100,
                              o->until % 100);
    if (err >= 0 && (o->since || o->until))
        err = ccg__buf_printf(&why, " (%zu of %zu papers)", sel.n_papers_ok, c->n_records);
    if (err >= 0 && o->types && o->kind != CCG_NET_PAPERS)
        err = ccg__buf_printf(&why, "%stypes 0x%x", why.len ? ", " : "", o->types);
    if (err >= 0 && sel.min_papers > 1 && o->kind != CCG_NET_PAPERS)
        err = o->min_papers
                  ? ccg__buf_printf(&why, "%smin-papers %zu", why.len ? ", " : "", sel.min_papers)
                  : ccg__buf_printf(&why, "%smin-papers %zu (auto: at most %zu entities)",
                                    why.len ? ", " : "", sel.min_papers, o->auto_max_entities);
    if (err >= 0 && o->min_weight > 0)
        err = ccg__buf_printf(&why, "%smin-weight %g", why.len ? ", " : "", o->min_weight);
    if (err < 0)
        goto cleanup;

    if (!(keep = ccg__malloc((net->n_nodes + 1) * sizeof *keep))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (o->k_core > 0 || o->largest_component) {
        if ((err = ccg__graph_structure(net, o->k_core, o->largest_component, keep)) < 0 ||
            (err = apply_keep(&net, keep)) < 0)
            goto cleanup;
        if (o->k_core > 0 && (err = ccg__buf_printf(&why, "%s%d-core", why.len ? ", " : "",
                                                    o->k_core)) < 0)
            goto cleanup;
        if (o->largest_component &&
            (err = ccg__buf_printf(&why, "%slargest component", why.len ? ", " : "")) < 0)
            goto cleanup;
    }
    const char *top_by = o->top_by && *o->top_by ? o->top_by : "papers";
    if (o->top && o->top < net->n_nodes) {
        const ccg_column *col = ccg_network_node_column(net, top_by);
        if (!col && (err = ccg__graph_metrics(net, o)) < 0)
            goto cleanup;
        col = ccg_network_node_column(net, top_by);
        if (!col && strcmp(top_by, "papers") == 0) {
            /* The papers graph has no "papers" column: its default ranking
             * is by links received (citations and uses). */
            top_by = "in_degree";
            col = ccg_network_node_column(net, top_by);
        }
        if (!col || col->type == CCG_COL_STRING) {
            err = ccg__err(CCG_EINVAL, "top-by: no numeric node column '%s'", top_by);
            goto cleanup;
        }
        if (!(keys = ccg__malloc((net->n_nodes + 1) * sizeof *keys))) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        for (size_t v = 0; v < net->n_nodes; v++)
            keys[v] = ccg__column_value(col, v);
        if ((err = ccg__rank_nodes(keys, net->n_nodes, o->top, keep)) < 0 ||
            (err = apply_keep(&net, keep)) < 0 ||
            (err = ccg__buf_printf(&why, "%stop %zu by %s", why.len ? ", " : "", o->top,
                                   top_by)) < 0)
            goto cleanup;
    }
    t = ccg__timing_add("filters", t);
    if ((err = ccg_network_note(net, "kept %zu of %zu %s%s%s", net->n_nodes, before,
                                kind_name(o->kind), why.len ? ": " : "",
                                why.len ? why.data : "")) < 0 ||
        (!em.m && (err = ccg__measure_start(net, o, /* communities = */ true,
                                            /* layout = */ true, &em.m)) < 0))
        goto cleanup;
    t = ccg__now();
    if ((err = ccg__measure_finish(net, em.m, &memb)) < 0)
        goto cleanup;
    t = ccg__timing_add("wait for the measure", t);
    if ((err = set_size(net, o->size_by && *o->size_by ? o->size_by : "pagerank")) < 0 ||
        (memb && (err = ccg__graph_communities_apply(net, o, memb)) < 0))
        goto cleanup;
    t = ccg__timing_add("communities (numbers, labels)", t);
    /* A layout by a column the measure does not make, now that sizes exist. */
    if (o->layout != CCG_LAYOUT_NONE && net->n_nodes && !net->x) {
        if ((err = ccg__graph_layout_top(net, o->layout, o->layout_top, o->seed)) < 0)
            goto cleanup;
        ccg__timing_add("layout", t);
    }
    *out = net;
    net = NULL;
cleanup:
    ccg__measure_free(em.m);
    ccg__membership_free(memb);
    ccg__buf_free(&why);
    free(keep);
    free(keys);
    ccg_network_free(net);
    ccg__selection_free(&sel);
    return err;
}
