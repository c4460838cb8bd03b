/*
 * ccg_graph.h: graphs from an annotated corpus, with igraph.
 *
 * ccg_graph_build() builds the chosen graph (concept co-mention, paper
 * citation, or bipartite), applies the filters, computes the metrics and
 * communities, and returns it as a ccg_network. ccg_graph_layout() adds
 * positions. No igraph type leaves this layer.
 *
 * GRAPHS
 *
 * Concepts (CCG_NET_CONCEPTS, undirected). Nodes: the kept entities, in
 * order of papers (descending), then name; id = name (with " [type]"
 * appended when one name has two types). Edge i-j when i and j are in the
 * same paper (CCG_WINDOW_PAPER) or the same sentence of a paper
 * (CCG_WINDOW_SENTENCE); edges in (source, target) order, source < target.
 * With c_ij the number of papers with such a co-mention and s_i the number
 * of (date-selected) papers of i, the weight is
 *     count        c_ij
 *     association  c_ij / (s_i s_j)          (VOSviewer's association strength,
 *                                             van Eck & Waltman 2009, without
 *                                             its constant factor)
 *     jaccard      c_ij / (s_i + s_j - c_ij)
 *     cosine       c_ij / sqrt(s_i s_j)      (Salton)
 *     inclusion    c_ij / min(s_i, s_j)
 * With fractional counting (Perianes-Rodriguez, Waltman & van Eck 2016) a
 * paper with n kept entities adds 1/(n-1) to c_ij instead of 1, so each
 * entity's links from one paper add up to 1; the normalisations then use
 * that fractional c_ij.
 * Node columns: papers, mentions, introduced_by (id of the earliest paper
 * that introduces the name), aliases ("; "-joined surface forms),
 * first_seen, last_seen ("YYYY-MM", or "YYYY" when the month is unknown),
 * papers_by_year ("2024:3;2025:10"), papers_by_month ("2025-01:2;..."),
 * rising (below); net->start = first-seen decimal year (2024.5 = July).
 * Edge columns: n_papers (c_ij by full counting), papers (ids of the first
 * provenance_max papers, in corpus order, ";"-joined), evidence (a sentence
 * naming both ends, else the sentence of the first mention in the first
 * paper; whitespace collapsed; a long one cut to ~400 bytes around a
 * mention, with "...").
 *
 * rising: with T the latest month of any selected dated paper, r and p the
 * entity's papers in the 12 months up to T and the 12 before, R and P all
 * selected papers in those windows (an unknown month counts as June):
 *     rising = ((r + 1) / (R + 1)) / ((p + 1) / (P + 1)),
 * its share of recent papers over its earlier share, add-one smoothed; > 1
 * means rising. NaN if no paper is dated.
 *
 * Papers (CCG_NET_PAPERS, directed, nodes in corpus order). B -> A when B
 * cites A: a reference of B (record refs: DOIs, arXiv ids, OpenAlex or S2
 * ids, compared in lower case without URL/"doi:"/"arXiv:" prefixes or
 * arXiv versions) or an arXiv id / DOI written in B's abstract resolves to
 * A's id, DOI or arXiv id; or when B "uses" a name A introduced (A is the
 * entity's introduced_by, B mentions it without introducing it, A is not
 * dated after B). One edge per pair: kind "cites", "uses" or "cites+uses",
 * edge_label = the names used ("; "), weight = 1 per citation + 1 per name.
 * external_refs: unresolved references become nodes (type "external", id =
 * the normalised reference) after the papers, in id order. cocitation and
 * coupling add integer edge columns on the existing edges (not a separate
 * graph): for B -> A, "cocitation" = papers citing both B and A,
 * "coupling" = works both cite; explicit citations only. Node label: the
 * first name the paper introduces, else its title cut to ~40 bytes, else
 * its id. Node columns: title, date, introduces, n_refs.
 *
 * Bipartite (CCG_NET_BIPARTITE, undirected): the kept entities (as in the
 * concept graph, with its node columns), then the papers mentioning them,
 * in corpus order; node column "part" = "entity" | "paper"; an edge per
 * mention pair, weight = mentions of the entity in the paper; net->start
 * of a paper = its date.
 *
 * FILTERS, in this order, before any metric: papers by date (since/until;
 * undated papers fail any bound), entities by types and min_papers, edges
 * by min_weight, the k-core, the largest connected component, the top N by
 * top_by. net->notes[0] says what was kept ("kept 312 of 4120 entities:
 * min-papers 3, top 300 by papers").
 *
 * METRICS (node columns; weights w, lengths 1/w for path metrics):
 *   degree (and in_degree, out_degree if directed), strength (sum of w),
 *   betweenness (Brandes, weighted; undirected pairs counted once, as
 *   igraph and networkx unnormalised), closeness ((reached - 1) / sum of
 *   distances to the reached nodes: igraph normalised, networkx
 *   wf_improved=False; 0 when isolated), harmonic (sum of 1/d over n - 1),
 *   eigenvector (scaled to max 1), pagerank (damping 0.85, weighted,
 *   dangling nodes jump uniformly), coreness, clustering (local, 0 for
 *   degree < 2, unweighted). Closeness, harmonic, eigenvector, coreness,
 *   clustering and communities of a directed graph use its undirected view
 *   (u->v and v->u merged, weights summed). Path metrics are exact while
 *   n (n + m) <= 2e7 (or n <= exact_betweenness_max if set), else
 *   estimated from k sampled sources scaled by n/k (noted in net->notes).
 * Communities: Leiden optimising modularity (resolution gamma) or Louvain;
 * numbered by size (largest 0), ties by first node; community_label = the
 * top 3 nodes by net->size. net->size = the size_by column (default
 * pagerank). Every random choice is seeded with o->seed, so the same input
 * and options give identical bytes.
 *
 * Not thread-safe: igraph 0.10.2 is built without thread-local state, and
 * the graph layer swaps its error handler around each call.
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
    const char *top_by;       /**< ... by "papers" (default; "in_degree" for the papers
                                   graph) or any numeric node column ("pagerank", ...) */
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
    ccg_layout_algo layout;   /**< positions made by the build itself (default
                                   CCG_LAYOUT_NONE), as ccg_graph_layout would on ... */
    size_t layout_top;        /**< ... ccg_network_subgraph(net, layout_top) (0 = every
                                   node); the other nodes get NaN */
} ccg_graph_options;

/** Fills the defaults (window paper, weight count, Leiden, resolution 1, fixed seed,
 *  no layout). */
void ccg_graph_options_init(ccg_graph_options *o);

/**
 * Builds, filters and measures a graph (see the top of this file). c and a
 * are read only; a->docs must index like c->records. *out is set on success
 * only; free it with ccg_network_free.
 *
 * Time: O(sum over papers of n_p^2) for the pairs (n_p entities of paper
 * p), plus the metrics: O(m) degree, strength, coreness; O(m sqrt m)
 * clustering; O(iterations m) PageRank, eigenvector and communities;
 * O(n m log n) exact or O(k m log n) sampled path metrics.
 *
 * With o->layout, net->x and net->y hold the positions ccg_graph_layout
 * gives ccg_network_subgraph(net, o->layout_top), laid out while the
 * metrics are computed (for size_by a metric), which is what makes it
 * faster than building and then laying out.
 *
 * Returns 0, CCG_ENOMEM, CCG_EINVAL (a bad option: unknown size_by or
 * top_by column, resolution <= 0, ...) or CCG_EGRAPH (igraph's message in
 * ccg_error_last()).
 */
int ccg_graph_build(const ccg_corpus *c, const ccg_annotation *a,
                    const ccg_graph_options *o, ccg_network **out);

/**
 * Computes positions (net->x, net->y, replacing any) with igraph, seeded
 * with seed so the same network gives the same positions:
 * CCG_LAYOUT_FR = Fruchterman-Reingold with edge weights (500 iterations,
 * 100 above 5000 nodes; about O(iterations n^2), grid above 1000 nodes),
 * CCG_LAYOUT_DRL = DrL (O(n log n) per iteration; slow and memory-hungry
 * beyond ~10k nodes: lay out ccg_network_subgraph() of the drawn nodes).
 * CCG_LAYOUT_NONE does nothing. Returns 0, CCG_EINVAL, CCG_ENOMEM or
 * CCG_EGRAPH.
 */
int ccg_graph_layout(ccg_network *net, ccg_layout_algo algo, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
