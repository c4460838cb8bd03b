/*
 * ccg_export.h: writing a ccg_network as files: DOT (cgraph), GraphML,
 * GEXF 1.3, SVG/PDF/PNG (gvc), JSON (nodes/links), VOSviewer JSON, CSV
 * node and edge tables, Markdown and LaTeX top-k tables, and the
 * thesaurus of merges. Every writer escapes untrusted text for its format,
 * writes deterministic bytes, and writes files atomically (temp + rename).
 */
#ifndef CCG_EXPORT_H
#define CCG_EXPORT_H

#include <stdio.h>

#include "ccg_common.h"
#include "ccg_extract.h"
#include "ccg_network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CCG_OUT_DOT = 0,
    CCG_OUT_GRAPHML,
    CCG_OUT_GEXF,
    CCG_OUT_SVG,
    CCG_OUT_PDF,
    CCG_OUT_PNG,
    CCG_OUT_JSON,       /**< {"nodes":[…],"links":[…]} for d3/sigma/Cytoscape */
    CCG_OUT_VOSVIEWER,  /**< VOSviewer Online network JSON */
    CCG_OUT_CSV,        /**< node table; edges go to NAME.edges.csv beside it */
    CCG_OUT_TSV,        /**< node table as TSV (`ccgraph rank` default) */
    CCG_OUT_MARKDOWN,   /**< top-k table */
    CCG_OUT_LATEX,      /**< top-k table, booktabs */
    CCG_OUT_THESAURUS,  /**< VOSviewer thesaurus of merges made */
    CCG_OUT_COUNT
} ccg_output_format;

/** Short name ("dot", "graphml", …), as --to takes it. */
const char *ccg_output_format_name(ccg_output_format f);
/** Parses a --to name. CCG_EINVAL if unknown. */
int ccg_output_format_parse(const char *name, ccg_output_format *out);
/**
 * The format for a path by its extension (.dot .gv .graphml .gexf .svg .pdf
 * .png .json .vos.json .csv .tsv .md .tex .thesaurus.txt). CCG_EINVAL if none.
 */
int ccg_output_format_from_path(const char *path, ccg_output_format *out);

typedef struct {
    size_t draw_top;        /**< figures: draw at most this many nodes (default 300) */
    size_t label_top;       /**< figures: label only the top nodes (default 40) */
    size_t table_rows;      /**< tables: rows (default 50; 0 = all for CSV/TSV) */
    const char *engine;     /**< figures: NULL = positions from the layout; or "sfdp", "neato", "fdp" */
    const char *title;      /**< figure/table caption; NULL = net->title */
    const char *size_by;    /**< the metric behind node size, for legends */
    const char *sort_by;    /**< tables: sort rows by this node column, descending;
                                 NULL = by net->size, ties by label */
    const char *columns;    /**< tables: comma-separated node columns to show after
                                 rank, label, type, community; NULL = every column,
                                 except Markdown and LaTeX, which show papers,
                                 first_seen and the size_by metric (those present)
                                 so a survey table fits a page */
} ccg_export_options;

/** Fills the defaults: draw_top 300, label_top 40, table_rows 50, the rest NULL. */
void ccg_export_options_init(ccg_export_options *o);

/**
 * Writes net in format f to path, atomically ("-" = stdout): the bytes go
 * to a temporary file beside path, renamed over it only when complete, so
 * a failure leaves no partial file. Same network and options, same bytes
 * (PDF aside: cairo's text positions can differ in the 6th decimal).
 *
 * Conventions shared by the formats:
 * - Untrusted text (labels, ids, values) is made valid UTF-8 (an invalid
 *   byte becomes U+FFFD) with control characters as spaces, then escaped
 *   for the format; SVG, JSON and Markdown outputs stay inert.
 * - Positions are net->x/y scaled to a box 1000 units wide centred on 0,
 *   the same numbers in every format; nodes with NaN positions get none.
 * - Colours: communities by size get the Okabe-Ito palette, grey beyond
 *   eight. Sizes (Gephi, VOSviewer): area in proportion to net->size.
 * - CSV writes the node table to path and the edges to NAME.edges.csv
 *   beside it (path "x.csv" -> "x.edges.csv"; only nodes on stdout).
 * - SVG/PDF/PNG draw the top o->draw_top nodes by size and, among them,
 *   each node's four strongest edges; Graphviz lays them out only if
 *   o->engine says so, otherwise positions come from net->x/y.
 * The thesaurus format needs the annotation; pass NULL for other formats.
 *
 * Returns 0, CCG_EIO (cannot write path), CCG_ENOMEM, CCG_EINVAL (unknown
 * o->sort_by or o->columns name, unknown o->engine, thesaurus without
 * annotation), or CCG_ERENDER (Graphviz failed; its message is in
 * ccg_error_last()). Graphviz is not thread-safe: export figures and DOT
 * from one thread. Time: O(n log n + m) for every format but the figures,
 * whose cost is Graphviz's (about 0.1 s for 300 nodes).
 */
int ccg_export_file(const ccg_network *net, const ccg_annotation *a,
                    ccg_output_format f, const char *path,
                    const ccg_export_options *o);

/** One output of ccg_export_files, and what became of it. */
typedef struct {
    ccg_output_format format;
    const char *path;         /**< "-" for standard output */
    ccg_export_options opts;
    int err;                  /**< out: 0 or the error code of this output */
    double seconds;           /**< out: wall-clock seconds it took */
    double cpu_seconds;       /**< out: CPU seconds of the thread that wrote it */
} ccg_export_job;

/**
 * Writes every output of a run, as ccg_export_file would one after another,
 * on up to threads threads (0: all cores): outputs are independent files of
 * one network. DOT and figures (Graphviz is not thread-safe) are written one
 * at a time, outputs to standard output last and in order. Every output is
 * attempted; each is written atomically, so a failed one leaves no file.
 * Returns 0, or the error of the first failed output in the order given
 * (its message in ccg_error_last()); jobs[i].err tells each. Do not use
 * Graphviz from another thread meanwhile.
 */
int ccg_export_files(const ccg_network *net, const ccg_annotation *a, ccg_export_job *jobs,
                     size_t n, unsigned threads);

#ifdef __cplusplus
}
#endif
#endif
