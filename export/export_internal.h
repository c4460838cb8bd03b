/*
 * export_internal.h: what the format writers in export/ share: text
 * cleaning and escaping, number formatting, node order, palette. Private.
 */
#ifndef CCG_EXPORT_INTERNAL_H
#define CCG_EXPORT_INTERNAL_H

#include <stdio.h>

#include "ccg_export.h"
#include "util.h"

/*
 * Untrusted text (labels, ids, column values) goes through clean before any
 * format-specific escaping: the result is valid UTF-8 (each invalid byte
 * becomes U+FFFD), with every C0 control, DEL and C1 control turned into a
 * space and U+FFFE/U+FFFF into U+FFFD. That alone keeps XML 1.0, JSON, TSV
 * and DOT writers from producing invalid files. NULL becomes "".
 * Appends to b; returns 0 or CCG_ENOMEM.
 */
int ccg__export_clean(ccg_buf *b, const char *s);

/* Writers for one format. Each writes to fp and returns 0 or an error. */
typedef int (*ccg__writer)(const ccg_network *net, const ccg_annotation *a,
                           FILE *fp, const ccg_export_options *o);

int ccg__export_table(const ccg_network *net, ccg_output_format f, FILE *fp,
                      const ccg_export_options *o);
/** CSV of the edges (source,target,weight,…): the companion of a CSV node table. */
int ccg__export_csv_edges(const ccg_network *net, FILE *fp);
int ccg__export_thesaurus(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                          const ccg_export_options *o);
int ccg__export_graphml(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                        const ccg_export_options *o);
int ccg__export_gexf(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                     const ccg_export_options *o);
int ccg__export_json(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                     const ccg_export_options *o);
int ccg__export_vosviewer(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                          const ccg_export_options *o);
int ccg__export_dot(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                    const ccg_export_options *o);
int ccg__export_figure(const ccg_network *net, ccg_output_format f, FILE *fp,
                       const ccg_export_options *o);

/**
 * Node order for tables and figures: by the node column sort_by (or
 * net->size when NULL), descending, missing values last, ties by label then
 * id. *out gets n_nodes indices (caller frees). 0, CCG_ENOMEM, or CCG_EINVAL
 * if sort_by names no node column.
 */
int ccg__export_order(const ccg_network *net, const char *sort_by, size_t **out);

/**
 * Shortest text that reads back as exactly d ("%.17g" trimmed to the fewest
 * digits that round-trip); "" for NaN, "inf"/"-inf" never occur in our data
 * but are written as such. buf must hold 32 bytes.
 */
const char *ccg__fmt_double(char buf[32], double d);

/** v in decimal as "%" PRId64 writes it, into buf (32 bytes); returns buf. */
const char *ccg__fmt_int(char buf[32], int64_t v);

/** prefix followed by the decimal digits of v, into buf (32 bytes); returns buf. */
const char *ccg__fmt_id(char *buf, const char *prefix, uint64_t v);

/** A column's value for row i as text (cleaned of nothing; NULL string = ""). */
const char *ccg__column_text(const ccg_column *c, size_t i, char buf[32]);

/** True if row i has no value (NULL string, NaN double): XML formats omit it. */
bool ccg__column_missing(const ccg_column *c, size_t i);

/**
 * Colour of a community, as RGB: a colour-blind-safe palette (Okabe–Ito)
 * for the largest communities, grey beyond them and for -1. rank is the
 * community's rank by size (see ccg__community_ranks).
 */
void ccg__palette_rgb(long rank, unsigned char rgb[3]);
/** Number of distinct palette colours before grey. */
#define CCG__PALETTE_N 8

/**
 * Ranks communities by node count (largest first, ties by index), so the
 * big ones get the distinct colours. *out has net->n_communities (or
 * max community + 1) entries; *n gets their number. Caller frees.
 */
int ccg__community_ranks(const ccg_network *net, long **out, size_t *n);

/** RGB of node i (by its community's rank; grey when none). */
void ccg__node_rgb(const ccg_network *net, const long *ranks, size_t nranks, size_t i,
                   unsigned char rgb[3]);

/* ---- XML (xml.c): a buffered writer giving the bytes of libxml2's
 * xmlTextWriter (indent 2, UTF-8, its escaping of " < > & and CR, plus TAB
 * and LF in attributes); see xml.c for why it is not xmlTextWriter itself.
 * Untrusted text is cleaned (ccg__export_clean) before escaping. The first
 * error sticks: every later call returns it. ---- */
typedef struct ccg_xml ccg_xml;

/** A writer on fp with the XML declaration written. 0 or CCG_ENOMEM. */
int ccg__xml_open(FILE *fp, ccg_xml **out);
/** Ends the open elements, flushes to fp and frees w (fp stays open). 0 or the first error. */
int ccg__xml_close(ccg_xml *w);
/** Frees w without writing what is left (error paths). NULL is fine. */
void ccg__xml_free(ccg_xml *w);
/** An attribute whose value is untrusted text (cleaned first). */
int ccg__xml_attr(ccg_xml *w, const char *name, const char *text);
/** An attribute with a trusted value (escaped, not cleaned). */
int ccg__xml_attr_raw(ccg_xml *w, const char *name, const char *value);
/** An attribute with a number (shortest round-trip form). */
int ccg__xml_attr_num(ccg_xml *w, const char *name, double value);
/** Untrusted text as the content of the innermost element. */
int ccg__xml_text(ccg_xml *w, const char *text);
/** <name>text</name> with untrusted text. */
int ccg__xml_element(ccg_xml *w, const char *name, const char *text);
/** <name>text</name> with text already cleaned (escaped, not cleaned again). */
int ccg__xml_element_raw(ccg_xml *w, const char *name, const char *text);
/** Element start and end (trusted names, kept by the writer until the end). */
int ccg__xml_start(ccg_xml *w, const char *name);
int ccg__xml_end(ccg_xml *w);
/**
 * <name attr="value">text</name> (value trusted, text untrusted): the bytes
 * of ccg__xml_start, ccg__xml_attr_raw, ccg__xml_text and ccg__xml_end, in
 * one call (GraphML's <data>, about 650,000 of them in the 74.5k-abstract
 * build).
 */
int ccg__xml_leaf(ccg_xml *w, const char *name, const char *attr, const char *value,
                  const char *text);

/*
 * Node layout in the frame every data format shares: the layout scaled to
 * a box CCG__FRAME units wide (aspect kept), centred on 0, y up. Filled by
 * ccg__frame; x/y NULL (no layout) gives has = false.
 */
#define CCG__FRAME 1000.0
typedef struct {
    bool has;
    double scale, cx, cy;
} ccg_frame;
void ccg__frame(const ccg_network *net, ccg_frame *fr);
/* Rounded to 0.01 frame units (1e-5 of the width): short, stable text. */
double ccg__fx(const ccg_frame *fr, double x);
double ccg__fy(const ccg_frame *fr, double y);

/**
 * The size data formats give node i for Gephi and VOSviewer: area in
 * proportion to net->size, from 4 (zero) to 40 (the largest). 10 when the
 * network has no size.
 */
double ccg__node_size(const ccg_network *net, double max_size, size_t i);
/** The largest net->size (0 if none). */
double ccg__max_size(const ccg_network *net);

/**
 * A column name as an XML NMTOKEN (GraphML attr.name): characters other
 * than letters, digits, '.', '-', '_' become '_'; names that would clash
 * with the keys Gephi maps get a "ccg_" prefix. Appends to b.
 */
int ccg__xml_name(ccg_buf *b, const char *name);

/** The attr.type (GraphML) or attribute type (GEXF) of a column: long, double, boolean, string. */
const char *ccg__xml_type(ccg_column_type t);
/** True for the attribute names the writers use themselves (label, x, size, …). */
bool ccg__reserved_name(const char *name);

/* ---- JSON (json.c): streamed by hand, see json.c for why. ---- */
/** Writes untrusted text as a JSON string, quotes included. */
int ccg__json_string(FILE *fp, ccg_buf *b, const char *text);
/** Writes a number (shortest round-trip form; null for NaN). */
void ccg__json_number(FILE *fp, double d);

/* ---- Graphviz (dot.c builds the cgraph graph; dot.c writes it, figure.c
 * lays it out and renders it). Not thread-safe: Graphviz is not. ---- */
#include <graphviz/cgraph.h>

typedef struct {
    bool figure;        /**< a drawing: top labels only, legend, fixed-size nodes */
    size_t label_top;   /**< figure: nodes that get a label */
    double width_pt;    /**< figure: canvas width in points (positions scale to it) */
    const char *title;
    bool fixed_pos;     /**< write pos "x,y!" from the layout */
} ccg_dot_mode;

/** Builds net as a cgraph graph. *out is closed with agclose. */
int ccg__dot_build(const ccg_network *net, const ccg_dot_mode *m, Agraph_t **out);
/** Starts capturing Graphviz error messages; ccg__gv_end returns the error. */
void ccg__gv_begin(void);
/** CCG_ERENDER with Graphviz's message if one was reported since begin, else 0. */
int ccg__gv_end(const char *what);

#endif
