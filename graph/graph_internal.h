/*
 * graph_internal.h: what the files of graph/ share. Not public.
 */
#ifndef CCG_GRAPH_INTERNAL_H
#define CCG_GRAPH_INTERNAL_H

#include "ccg_graph.h"

/**
 * A copy of net with the nodes where keep_node[v] (NULL: all) and the edges
 * among them where keep_edge[e] (NULL: all), in the same order, with every
 * column, community and note. Returns 0 or CCG_ENOMEM.
 */
int ccg__network_select(const ccg_network *net, const bool *keep_node, const bool *keep_edge,
                        ccg_network **out);

/** The node (node=true) or edge column name of that type, added if missing. */
int ccg__network_column(ccg_network *net, bool node, const char *name, ccg_column_type type,
                        ccg_column **out);

/** A numeric column's k-th value as double (NaN for strings). */
double ccg__column_value(const ccg_column *c, size_t k);

/**
 * keep[k] = true for the top nodes by keys (descending, NaN last, ties by
 * index). Thread-safe. Returns 0 or CCG_ENOMEM.
 */
int ccg__rank_nodes(const double *keys, size_t n, size_t top, bool *keep);

/* igraph handlers saved by enter and restored by leave (opaque here). */
typedef struct {
    void (*err)(void);
    void (*warn)(void);
} ccg__igraph_state;

/** Installs ccgraph's igraph error/warning handlers (record, never abort or print). */
void ccg__igraph_enter(ccg__igraph_state *st);
void ccg__igraph_leave(ccg__igraph_state *st);

/**
 * Node metric columns: degree (in_degree, out_degree if directed), strength,
 * betweenness, closeness, harmonic, eigenvector, pagerank, coreness,
 * clustering (see ccg_graph.h for definitions). Existing columns of those
 * names are overwritten. Returns 0, CCG_ENOMEM or CCG_EGRAPH.
 */
int ccg__graph_metrics(ccg_network *net, const ccg_graph_options *o);

/** Communities (o->community) into net->community and labels. */
int ccg__graph_communities(ccg_network *net, const ccg_graph_options *o);

/** Communities found by igraph, not numbered yet (opaque: igraph types stay in metrics.c). */
typedef struct ccg__membership ccg__membership;
void ccg__membership_free(ccg__membership *m);

/**
 * The metrics of ccg__graph_metrics, the communities of o->community (if
 * communities) and the layout of o->layout (if layout: the top
 * o->layout_top nodes by o->size_by) of net, measured on threads of their
 * own from a copy of net's edges: the caller may go on adding columns to
 * net (not changing its nodes or edges) until ccg__measure_finish. A
 * layout by a column the measure does not make (not a metric) is left to
 * the caller (net->x stays NULL; see ccg__graph_layout_top). Every igraph
 * call of the measure runs on one of its threads: make none elsewhere
 * until ccg__measure_finish. Returns 0 or CCG_ENOMEM; free *out with
 * ccg__measure_free.
 */
typedef struct ccg__measure ccg__measure;
int ccg__measure_start(const ccg_network *net, const ccg_graph_options *o, bool communities,
                       bool layout, ccg__measure **out);
/**
 * Waits for the measure and adds its metric columns to net (in their fixed
 * order), its note, the layout (net->x, net->y) and, when memb, the
 * communities found (NULL if none were asked; the caller frees them) for
 * ccg__graph_communities_apply, once node sizes exist. net has the nodes
 * and edges it had at the start. Returns 0, CCG_ENOMEM or CCG_EGRAPH.
 */
int ccg__measure_finish(ccg_network *net, ccg__measure *m, ccg__membership **memb);
/** Waits for the measure if it still runs, and frees it. NULL is fine. */
void ccg__measure_free(ccg__measure *m);

/** Numbers and labels the communities memb into net (by size), with their note. */
int ccg__graph_communities_apply(ccg_network *net, const ccg_graph_options *o,
                                 const ccg__membership *memb);

/**
 * Positions (net->x, net->y) for the top nodes by net->size (all nodes
 * when top is 0 or n <= top; the others NaN): the positions
 * ccg_graph_layout gives ccg_network_subgraph(net, top). Returns 0,
 * CCG_EINVAL, CCG_ENOMEM or CCG_EGRAPH.
 */
int ccg__graph_layout_top(ccg_network *net, ccg_layout_algo algo, size_t top, uint64_t seed);

/** Labels communities 0..nc-1 by their top 3 nodes (by net->size, else node order). */
int ccg__label_communities(ccg_network *net, size_t nc);

/**
 * keep[v] for the nodes of the K-core (k_core > 0) and then, if largest,
 * of the largest connected component of what remains. Returns 0 or an error.
 */
int ccg__graph_structure(const ccg_network *net, int k_core, bool largest, bool *keep);

/* The papers and entities that pass the paper/entity filters, and the node
 * number of each kept entity (nodes sorted by papers desc, then name). */
typedef struct {
    bool *paper_ok;        /* per record: within --since/--until */
    size_t n_papers_ok;
    size_t *papers;        /* per entity: selected papers mentioning it */
    size_t *mentions;      /* per entity: mentions in selected papers */
    uint32_t *node_of;     /* per entity: node index or UINT32_MAX */
    uint32_t *entity_of;   /* per node: entity index */
    size_t n_nodes;
    size_t n_candidates;   /* entities in selected papers, before type/min-papers */
    size_t min_papers;     /* the threshold used (o->min_papers, or the auto one) */
} ccg__selection;

/** Selects papers (dates) and entities (types, min_papers) of a corpus. */
int ccg__select(const ccg_corpus *c, const ccg_annotation *a, const ccg_graph_options *o,
                ccg__selection *sel);
void ccg__selection_free(ccg__selection *sel);

/** YYYYMM of a record for the date filters (month 0 when unknown), 0 if undated. */
int ccg__record_date(const ccg_record *r);

/** A YYYYMM date as a decimal year (2024-07 -> 2024.5; month 0 -> the year), NaN for 0. */
double ccg__decimal_year(int date);

/**
 * The entity co-mention graph of the selection, with all attributes. When
 * edges_ready is not NULL it is called once the nodes are counted and the
 * edges (source, target, weight) are final, before any column is filled:
 * the build can start measuring them meanwhile. Its error ends the build.
 */
int ccg__build_concepts(const ccg_corpus *c, const ccg_annotation *a,
                        const ccg_graph_options *o, const ccg__selection *sel,
                        int (*edges_ready)(const ccg_network *net, void *ctx), void *ctx,
                        ccg_network **out);
/** The bipartite paper-entity graph. */
int ccg__build_bipartite(const ccg_corpus *c, const ccg_annotation *a,
                         const ccg_graph_options *o, const ccg__selection *sel,
                         ccg_network **out);
/** The paper citation graph (explicit references and inferred uses). */
int ccg__build_papers(const ccg_corpus *c, const ccg_annotation *a,
                      const ccg_graph_options *o, const ccg__selection *sel,
                      ccg_network **out);

/** qsort that accepts an empty NULL array. */
void ccg__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/**
 * Sorts n items of size bytes by the uint64_t each starts with, in O(n)
 * (radix), stable: the order qsort with ccg__cmp_u64 gives. 0 or CCG_ENOMEM.
 */
int ccg__sort_by_key(void *base, size_t n, size_t size);

/** qsort comparators for uint64_t and uint32_t. */
int ccg__cmp_u64(const void *a, const void *b);
int ccg__cmp_u32(const void *a, const void *b);

/** Mutable lookup of a column (pointers move when columns are added). */
ccg_column *ccg__node_col(ccg_network *net, const char *name);
ccg_column *ccg__edge_col(ccg_network *net, const char *name);

/* Stage timings of the last ccg_graph_build (for tests/bench; not
 * thread-safe, as igraph itself). */
typedef struct {
    const char *name;
    double seconds;
} ccg__timing;

double ccg__now(void);
void ccg__timing_reset(void);
/** Records name with the time since t0 (from ccg__now); returns ccg__now(). */
double ccg__timing_add(const char *name, double t0);
/** Records name with seconds measured elsewhere (another thread's CPU time). */
void ccg__timing_record(const char *name, double seconds);
const ccg__timing *ccg__timings(size_t *n);

/**
 * Betweenness (lengths 1/weight, directed as net, undirected pairs once),
 * closeness ((reached - 1) / sum of distances, undirected view) and
 * harmonic centrality (sum of 1/d over n - 1, undirected view) estimated
 * from k sources sampled with seed, scaled by n/k; exact when k = n, on
 * threads threads (0: ccg__paths_threads), results independent of their
 * number. O(k m log n). Arrays of n_nodes. Returns 0 or CCG_ENOMEM.
 */
int ccg__sampled_paths(const ccg_network *net, size_t k, uint64_t seed, unsigned threads,
                       double *btw, double *clo, double *har);

/**
 * The same three metrics exact, from every source (igraph_betweenness,
 * igraph_closeness and igraph_harmonic_centrality, normalised, with the
 * same lengths and views; isolated nodes 0): one Dijkstra per source (two
 * for a directed net) on threads threads (0: ccg__paths_threads), results
 * independent of their number. O(n m log n). Arrays of n_nodes. Returns 0
 * or CCG_ENOMEM.
 */
int ccg__exact_paths(const ccg_network *net, unsigned threads, double *btw, double *clo,
                     double *har);

/** Threads of the two above when not given (at most 8); 0 = one a core. For
 * tests, which check that the results do not depend on it. */
extern unsigned ccg__paths_threads;

#endif
