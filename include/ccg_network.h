/*
 * ccg_network.h: a built graph as plain data, the hand-over from the graph
 * layer (which builds it with igraph, computes metrics, communities and a
 * layout) to the exporters (which only read it).
 *
 * Nodes and edges are numbered 0..n-1 in a deterministic order. Well-known
 * attributes have fixed fields; every other attribute (each metric, counts,
 * dates, provenance) is a named column, so exporters write "every metric"
 * without knowing them.
 */
#ifndef CCG_NETWORK_H
#define CCG_NETWORK_H

#include "ccg_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CCG_NET_CONCEPTS = 0, /**< entity co-mention graph (undirected) */
    CCG_NET_PAPERS,       /**< paper citation graph (directed) */
    CCG_NET_BIPARTITE,    /**< paper-entity graph (undirected) */
} ccg_network_kind;

typedef enum {
    CCG_COL_STRING = 0,
    CCG_COL_INT,
    CCG_COL_DOUBLE,
    CCG_COL_BOOL,
} ccg_column_type;

/** A named attribute with one value per node (or per edge). */
typedef struct {
    char *name;           /**< e.g. "pagerank", "papers", "first_seen" */
    ccg_column_type type;
    char **s;             /**< CCG_COL_STRING: n strings (NULL = missing) */
    int64_t *i;           /**< CCG_COL_INT and CCG_COL_BOOL (0/1) */
    double *d;            /**< CCG_COL_DOUBLE (NaN = missing) */
} ccg_column;

typedef struct ccg_network {
    ccg_network_kind kind;
    bool directed;
    char *title;              /**< a caption for figures, may be NULL */

    size_t n_nodes;
    char **node_id;           /**< unique, stable ids ("DPO", "2408.13518") */
    char **node_label;        /**< display label */
    char **node_type;         /**< entity type name, or "paper" */
    int *community;           /**< community index or -1; NULL if not computed */
    double *size;             /**< the centrality chosen for node size (>= 0); NULL if none */
    double *x, *y;            /**< layout positions; NULL if no layout */
    double *start;            /**< first-seen time as a decimal year (2024.67), NaN unknown; NULL if none */

    size_t n_edges;
    uint32_t *source, *target;/**< node indices; for undirected graphs source < target */
    double *weight;
    char **edge_label;        /**< e.g. the entity behind a "uses" edge; NULL array if none */

    ccg_column *node_cols;    /**< further node attributes, in output order */
    size_t n_node_cols;
    ccg_column *edge_cols;
    size_t n_edge_cols;

    char **community_label;   /**< "DPO, RLHF, PPO" for each community */
    size_t n_communities;

    char **notes;             /**< what was kept/filtered/approximated, for output headers */
    size_t n_notes;
} ccg_network;

/** An empty network with n nodes and m edges allocated (all fields zero). */
int ccg_network_new(ccg_network **out, ccg_network_kind kind, size_t n_nodes, size_t n_edges);
void ccg_network_free(ccg_network *net);

/**
 * Adds a node (or edge) column of n_nodes (n_edges) zeroed values and
 * returns it in *out (owned by net). Returns 0 or CCG_ENOMEM.
 */
int ccg_network_add_node_column(ccg_network *net, const char *name,
                                ccg_column_type type, ccg_column **out);
int ccg_network_add_edge_column(ccg_network *net, const char *name,
                                ccg_column_type type, ccg_column **out);

/** Finds a node column by name, or NULL. */
const ccg_column *ccg_network_node_column(const ccg_network *net, const char *name);
const ccg_column *ccg_network_edge_column(const ccg_network *net, const char *name);

/** Appends a note (printf-style). Returns 0 or CCG_ENOMEM. */
int ccg_network_note(ccg_network *net, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/**
 * The top_n nodes by net->size (all nodes if size is NULL: the first top_n;
 * ties by node order), the edges among them, and every column, community
 * and note, in the original order; adds a note "drawn: top N of M nodes".
 * top_n == 0 or >= n_nodes copies the whole network. For figures, which
 * draw and lay out only the top of a big graph. O(n log n + m).
 * Returns 0 or CCG_ENOMEM; free *out with ccg_network_free.
 */
int ccg_network_subgraph(const ccg_network *net, size_t top_n, ccg_network **out);

#ifdef __cplusplus
}
#endif
#endif
