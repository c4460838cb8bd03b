/*
 * ccg_graph.h: graphs from an annotated corpus, with igraph.
 *
 * ccg_graph_build() builds the chosen graph (concept co-mention, paper
 * citation, or bipartite), applies the filters, computes the metrics and
 * communities, and returns it as a ccg_network. ccg_graph_layout() adds
 * positions. No igraph type leaves this layer.
 */
#ifndef CCG_GRAPH_H
#define CCG_GRAPH_H

#include "ccg_common.h"
#include "ccg_extract.h"
#include "ccg_network.h"
#include "ccg_record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { CCG_WINDOW_PAPER = 0, CCG_WINDOW_SENTENCE } ccg_window;

typedef enum {
    CCG_WEIGHT_COUNT = 0,
    CCG_WEIGHT_ASSOCIATION, /**< c_ij / (s_i s_j), as VOSviewer */
    CCG_WEIGHT_JACCARD,
    CCG_WEIGHT_COSINE,
    CCG_WEIGHT_INCLUSION,
} ccg_weight;

typedef enum { CCG_COMMUNITY_LEIDEN = 0, CCG_COMMUNITY_LOUVAIN, CCG_COMMUNITY_NONE } ccg_community_algo;

typedef enum { CCG_LAYOUT_FR = 0, CCG_LAYOUT_DRL, CCG_LAYOUT_NONE } ccg_layout_algo;

typedef struct {
    ccg_network_kind kind;
    ccg_window window;
    ccg_weight weight;
    bool fractional;          /**< each paper contributes 1 in total */
    unsigned types;           /**< bit mask of 1u << ccg_entity_type; 0 = all */
    size_t min_papers;        /**< drop entities in fewer papers; 0 = auto: the smallest
                                   threshold that keeps at most auto_max_entities */
    size_t top;               /**< keep the top N nodes (0 = all) ... */
    const char *top_by;       /**< ... by "papers" (default) or a metric name */
    double min_weight;        /**< drop lighter edges */
    int since, until;         /**< YYYYMM bounds on paper dates, 0 = open */
    bool largest_component;
    int k_core;               /**< keep the K-core, 0 = off */
    ccg_community_algo community;
    double resolution;        /**< modularity resolution (1.0) */
    uint64_t seed;            /**< fixes every random choice */
    size_t provenance_max;    /**< paper ids kept per edge (0 = all) */
    bool external_refs;       /**< papers graph: cited works outside the corpus as nodes */
    bool cocitation;          /**< papers graph: add co-citation weights column */
    bool coupling;            /**< papers graph: add bibliographic-coupling column */
    size_t exact_betweenness_max; /**< above this many nodes, path metrics are sampled;
                                       0 = auto: exact while n (n + m) <= 2e7 */
    const char *size_by;      /**< node column behind net->size: "pagerank" (default),
                                   "degree", "strength", "betweenness", "papers", ... */
    size_t auto_max_entities; /**< the bound of min_papers = 0 (default 5000; 0 = no bound) */
    size_t betweenness_samples; /**< sources sampled when approximating; 0 = auto:
                                     about 4e6 / (n + m), between 16 and 256 */
} ccg_graph_options;

/** Fills the defaults (window paper, weight count, Leiden, resolution 1, fixed seed). */
void ccg_graph_options_init(ccg_graph_options *o);

/**
 * Builds, filters and measures a graph. Returns 0, CCG_ENOMEM, CCG_EINVAL
 * or CCG_EGRAPH (igraph's message in ccg_error_last()).
 */
int ccg_graph_build(const ccg_corpus *c, const ccg_annotation *a,
                    const ccg_graph_options *o, ccg_network **out);

/**
 * Computes positions (net->x, net->y) with igraph, seeded. Returns 0,
 * CCG_ENOMEM or CCG_EGRAPH.
 */
int ccg_graph_layout(ccg_network *net, ccg_layout_algo algo, uint64_t seed);

/**
 * Time profile of entities: counts per year, rising score. Added as node
 * columns by ccg_graph_build for concept graphs.
 */

#ifdef __cplusplus
}
#endif
#endif
