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
                                 except LaTeX, which shows papers, first_seen and the
                                 size_by metric (those present) so it fits a page */
} ccg_export_options;

void ccg_export_options_init(ccg_export_options *o);

/**
 * Writes net in format f to path, atomically ("-" = stdout). The thesaurus
 * format needs the annotation; pass NULL for other formats.
 * Returns 0, CCG_EIO, CCG_ENOMEM, CCG_ERENDER.
 */
int ccg_export_file(const ccg_network *net, const ccg_annotation *a,
                    ccg_output_format f, const char *path,
                    const ccg_export_options *o);

#ifdef __cplusplus
}
#endif
#endif
