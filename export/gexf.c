#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * GEXF 1.3 for Gephi: viz:color, viz:position, viz:size, and each node's
 * first-seen time as its start (mode="dynamic", timeformat="double", a
 * decimal year) so Gephi's timeline replays the field's growth. Validated
 * against the 1.3 RelaxNG (the official 1.3 XSD wrongly rejects viz).
 */

#define CK(call)                                                                                   \
    do {                                                                                           \
        if ((err = (call)) < 0)                                                                    \
            goto cleanup;                                                                          \
    } while (0)

static int attribute(ccg_xml *w, const char *id, const char *title, const char *type)
{
    int err = 0;
    CK(ccg__xml_start(w, "attribute"));
    CK(ccg__xml_attr_raw(w, "id", id));
    CK(ccg__xml_attr(w, "title", title));
    CK(ccg__xml_attr_raw(w, "type", type));
    CK(ccg__xml_end(w));
cleanup:
    return err;
}

static int columns_decl(ccg_xml *w, const ccg_column *cols, size_t n, const char *prefix)
{
    int err = 0;
    char id[32];
    for (size_t c = 0; c < n; c++) {
        ccg__fmt_id(id, prefix, c);
        CK(attribute(w, id, cols[c].name, ccg__xml_type(cols[c].type)));
    }
cleanup:
    return err;
}

/* Errors stick in w, so the last call returns the first. */
static int attvalue(ccg_xml *w, const char *for_, const char *value)
{
    ccg__xml_start(w, "attvalue");
    ccg__xml_attr_raw(w, "for", for_);
    ccg__xml_attr(w, "value", value);
    return ccg__xml_end(w);
}

static int columns_values(ccg_xml *w, const ccg_column *cols, size_t n, const char *prefix,
                          size_t row)
{
    int err = 0;
    char id[32], num[32];
    for (size_t c = 0; c < n; c++) {
        const ccg_column *col = &cols[c];
        if (ccg__column_missing(col, row))
            continue;
        ccg__fmt_id(id, prefix, c);
        CK(attvalue(w, id, ccg__column_text(col, row, num)));
    }
cleanup:
    return err;
}

int ccg__export_gexf(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                     const ccg_export_options *o)
{
    int err = 0;
    ccg_xml *w = NULL;
    ccg_buf desc = CCG_BUF_INIT;
    long *ranks = NULL;
    size_t nranks = 0;
    char id[32];
    ccg_frame fr;
    ccg__frame(net, &fr);
    double max_size = ccg__max_size(net);
    const char *title = o->title ? o->title : net->title;
    bool has_community_label = net->community && net->community_label;

    CK(ccg__community_ranks(net, &ranks, &nranks));
    CK(ccg__xml_open(fp, &w));
    CK(ccg__xml_start(w, "gexf"));
    CK(ccg__xml_attr_raw(w, "xmlns", "http://gexf.net/1.3"));
    CK(ccg__xml_attr_raw(w, "xmlns:viz", "http://gexf.net/1.3/viz"));
    /* No xsi:schemaLocation: the 1.3 RelaxNG does not allow it. */
    CK(ccg__xml_attr_raw(w, "version", "1.3"));

    /* No lastmodifieddate: same input, same bytes. */
    CK(ccg__xml_start(w, "meta"));
    CK(ccg__xml_element(w, "creator", "ccgraph " CCG_VERSION));
    if (title && ccg__export_clean(&desc, title) < 0)
        goto nomem;
    for (size_t k = 0; k < net->n_notes; k++)
        if ((desc.len && ccg__buf_putc(&desc, '\n') < 0) || ccg__export_clean(&desc, net->notes[k]) < 0)
            goto nomem;
    if (desc.len)
        CK(ccg__xml_element_raw(w, "description", desc.data));
    CK(ccg__xml_end(w));

    CK(ccg__xml_start(w, "graph"));
    CK(ccg__xml_attr_raw(w, "defaultedgetype", net->directed ? "directed" : "undirected"));
    if (net->start) {
        CK(ccg__xml_attr_raw(w, "mode", "dynamic"));
        CK(ccg__xml_attr_raw(w, "timeformat", "double"));
    } else {
        CK(ccg__xml_attr_raw(w, "mode", "static"));
    }

    CK(ccg__xml_start(w, "attributes"));
    CK(ccg__xml_attr_raw(w, "class", "node"));
    CK(ccg__xml_attr_raw(w, "mode", "static"));
    CK(attribute(w, "name", "name", "string"));
    CK(attribute(w, "type", "type", "string"));
    if (net->community)
        CK(attribute(w, "community", "community", "integer"));
    if (has_community_label)
        CK(attribute(w, "community_label", "community_label", "string"));
    if (net->start)
        CK(attribute(w, "start", "first seen", "double"));
    CK(columns_decl(w, net->node_cols, net->n_node_cols, "v"));
    CK(ccg__xml_end(w));
    if (net->n_edge_cols) {
        CK(ccg__xml_start(w, "attributes"));
        CK(ccg__xml_attr_raw(w, "class", "edge"));
        CK(ccg__xml_attr_raw(w, "mode", "static"));
        CK(columns_decl(w, net->edge_cols, net->n_edge_cols, "e"));
        CK(ccg__xml_end(w));
    }

    CK(ccg__xml_start(w, "nodes"));
    snprintf(id, sizeof id, "%zu", net->n_nodes);
    CK(ccg__xml_attr_raw(w, "count", id));
    for (size_t i = 0; i < net->n_nodes; i++) {
        unsigned char rgb[3];
        CK(ccg__xml_start(w, "node"));
        ccg__fmt_id(id, "n", i);
        CK(ccg__xml_attr_raw(w, "id", id));
        CK(ccg__xml_attr(w, "label", net->node_label[i]));
        if (net->start && !isnan(net->start[i]))
            CK(ccg__xml_attr_num(w, "start", net->start[i]));
        CK(ccg__xml_start(w, "attvalues"));
        CK(attvalue(w, "name", net->node_id[i]));
        CK(attvalue(w, "type", net->node_type[i]));
        if (net->community) {
            ccg__fmt_int(id, net->community[i]);
            CK(attvalue(w, "community", id));
        }
        if (has_community_label) {
            int c = net->community[i];
            if (c >= 0 && (size_t)c < net->n_communities && net->community_label[c])
                CK(attvalue(w, "community_label", net->community_label[c]));
        }
        if (net->start && !isnan(net->start[i])) {
            char num[32];
            CK(attvalue(w, "start", ccg__fmt_double(num, net->start[i])));
        }
        CK(columns_values(w, net->node_cols, net->n_node_cols, "v", i));
        CK(ccg__xml_end(w));
        ccg__node_rgb(net, ranks, nranks, i, rgb);
        CK(ccg__xml_start(w, "viz:color"));
        for (int k = 0; k < 3; k++)
            CK(ccg__xml_attr_num(w, (const char *[]){"r", "g", "b"}[k], rgb[k]));
        CK(ccg__xml_end(w));
        if (fr.has && isfinite(net->x[i]) && isfinite(net->y[i])) {
            CK(ccg__xml_start(w, "viz:position"));
            CK(ccg__xml_attr_num(w, "x", ccg__fx(&fr, net->x[i])));
            CK(ccg__xml_attr_num(w, "y", ccg__fy(&fr, net->y[i])));
            CK(ccg__xml_attr_raw(w, "z", "0"));
            CK(ccg__xml_end(w));
        }
        CK(ccg__xml_start(w, "viz:size"));
        CK(ccg__xml_attr_num(w, "value", ccg__node_size(net, max_size, i)));
        CK(ccg__xml_end(w));
        CK(ccg__xml_end(w));
    }
    CK(ccg__xml_end(w));

    CK(ccg__xml_start(w, "edges"));
    snprintf(id, sizeof id, "%zu", net->n_edges);
    CK(ccg__xml_attr_raw(w, "count", id));
    for (size_t e = 0; e < net->n_edges; e++) {
        char end[32];
        CK(ccg__xml_start(w, "edge"));
        ccg__fmt_id(id, "e", e);
        CK(ccg__xml_attr_raw(w, "id", id));
        ccg__fmt_id(end, "n", net->source[e]);
        CK(ccg__xml_attr_raw(w, "source", end));
        ccg__fmt_id(end, "n", net->target[e]);
        CK(ccg__xml_attr_raw(w, "target", end));
        CK(ccg__xml_attr_num(w, "weight", net->weight[e]));
        if (net->edge_label && net->edge_label[e])
            CK(ccg__xml_attr(w, "label", net->edge_label[e]));
        if (net->n_edge_cols) {
            CK(ccg__xml_start(w, "attvalues"));
            CK(columns_values(w, net->edge_cols, net->n_edge_cols, "e", e));
            CK(ccg__xml_end(w));
        }
        CK(ccg__xml_end(w));
    }
    CK(ccg__xml_end(w)); /* edges */
    CK(ccg__xml_end(w)); /* graph */
    CK(ccg__xml_end(w)); /* gexf */
    err = ccg__xml_close(w);
    w = NULL;
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg__xml_free(w);
    free(ranks);
    ccg__buf_free(&desc);
    (void)a;
    return err;
}
