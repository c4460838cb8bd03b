#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * GraphML for Gephi, networkx and igraph, written with xml.c's writer
 * (igraph 0.10.2's writer fails on control characters and passes invalid
 * UTF-8 through, see NOTES). Gephi maps the keys label, x, y, size and r,
 * g, b (integers 0-255) by key id; everything else becomes a column. Node
 * ids are "n0", "n1", … since GraphML ids are NMTOKENs and entity names
 * have spaces; the original id is the "name" key, which igraph reads as
 * vertex names.
 */

#define CK(call)                                                                                   \
    do {                                                                                           \
        if ((err = (call)) < 0)                                                                    \
            goto cleanup;                                                                          \
    } while (0)

static int key(ccg_xml *w, const char *id, const char *for_, const char *name,
               const char *type)
{
    int err = 0;
    CK(ccg__xml_start(w, "key"));
    CK(ccg__xml_attr_raw(w, "id", id));
    CK(ccg__xml_attr_raw(w, "for", for_));
    CK(ccg__xml_attr_raw(w, "attr.name", name));
    CK(ccg__xml_attr_raw(w, "attr.type", type));
    CK(ccg__xml_end(w));
cleanup:
    return err;
}

static int column_keys(ccg_xml *w, ccg_buf *b, const ccg_column *cols, size_t n,
                       const char *prefix, const char *for_)
{
    int err = 0;
    char id[32];
    for (size_t c = 0; c < n; c++) {
        b->len = 0;
        if (ccg__xml_name(b, cols[c].name) < 0)
            return CCG_ENOMEM;
        ccg__fmt_id(id, prefix, c);
        CK(key(w, id, for_, b->data, ccg__xml_type(cols[c].type)));
    }
cleanup:
    return err;
}

/* <data key="k">text</data>; errors stick in w, so the last call returns the first. */
static int data(ccg_xml *w, const char *k, const char *text)
{
    return ccg__xml_leaf(w, "data", "key", k, text);
}

static int data_num(ccg_xml *w, const char *k, double v)
{
    char num[32];
    if (isnan(v))
        return 0;
    return data(w, k, ccg__fmt_double(num, v));
}

/* The key ids of n columns, prefix0, prefix1, ... (made once: a row of
 * every column is written for each node and edge). NULL on ENOMEM. */
static char (*column_ids(const char *prefix, size_t n))[32]
{
    char (*ids)[32] = ccg__malloc((n + 1) * sizeof *ids);
    for (size_t c = 0; ids && c < n; c++)
        ccg__fmt_id(ids[c], prefix, c);
    return ids;
}

static int column_data(ccg_xml *w, const ccg_column *cols, size_t n, char (*ids)[32],
                       size_t row)
{
    int err = 0;
    char num[32];
    for (size_t c = 0; c < n; c++) {
        const ccg_column *col = &cols[c];
        if (ccg__column_missing(col, row))
            continue; /* missing: no <data>, the reader's default applies */
        CK(data(w, ids[c], ccg__column_text(col, row, num)));
    }
cleanup:
    return err;
}

int ccg__export_graphml(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                        const ccg_export_options *o)
{
    int err = 0;
    ccg_xml *w = NULL;
    ccg_buf b = CCG_BUF_INIT, desc = CCG_BUF_INIT;
    long *ranks = NULL;
    size_t nranks = 0;
    char id[32], (*vids)[32] = NULL, (*eids)[32] = NULL;
    ccg_frame fr;
    ccg__frame(net, &fr);
    double max_size = ccg__max_size(net);
    const char *title = o->title ? o->title : net->title;

    CK(ccg__community_ranks(net, &ranks, &nranks));
    if (!(vids = column_ids("v", net->n_node_cols)) || !(eids = column_ids("e", net->n_edge_cols)))
        goto nomem;
    CK(ccg__xml_open(fp, &w));
    CK(ccg__xml_start(w, "graphml"));
    CK(ccg__xml_attr_raw(w, "xmlns", "http://graphml.graphdrawing.org/xmlns"));
    CK(ccg__xml_attr_raw(w, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"));
    CK(ccg__xml_attr_raw(w, "xsi:schemaLocation",
                         "http://graphml.graphdrawing.org/xmlns "
                         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"));

    CK(key(w, "label", "node", "label", "string"));
    CK(key(w, "name", "node", "name", "string"));
    CK(key(w, "type", "node", "type", "string"));
    if (net->community) {
        CK(key(w, "community", "node", "community", "int"));
        if (net->community_label)
            CK(key(w, "community_label", "node", "community_label", "string"));
    }
    CK(key(w, "size", "node", "size", "double"));
    CK(key(w, "r", "node", "r", "int"));
    CK(key(w, "g", "node", "g", "int"));
    CK(key(w, "b", "node", "b", "int"));
    if (fr.has) {
        CK(key(w, "x", "node", "x", "double"));
        CK(key(w, "y", "node", "y", "double"));
    }
    if (net->start)
        CK(key(w, "start", "node", "start", "double"));
    CK(column_keys(w, &b, net->node_cols, net->n_node_cols, "v", "node"));
    CK(key(w, "weight", "edge", "weight", "double"));
    /* Key ids are unique across node and edge keys; Gephi finds this one
     * by its attr.name. */
    if (net->edge_label)
        CK(key(w, "edge_label", "edge", "label", "string"));
    CK(column_keys(w, &b, net->edge_cols, net->n_edge_cols, "e", "edge"));

    CK(ccg__xml_start(w, "graph"));
    CK(ccg__xml_attr_raw(w, "id", "G"));
    CK(ccg__xml_attr_raw(w, "edgedefault", net->directed ? "directed" : "undirected"));
    /* Title and notes (what was filtered or approximated) travel with the data. */
    if (title && ccg__export_clean(&desc, title) < 0)
        goto nomem;
    for (size_t k = 0; k < net->n_notes; k++)
        if ((desc.len && ccg__buf_putc(&desc, '\n') < 0) || ccg__export_clean(&desc, net->notes[k]) < 0)
            goto nomem;
    if (desc.len)
        CK(ccg__xml_element_raw(w, "desc", desc.data));

    for (size_t i = 0; i < net->n_nodes; i++) {
        unsigned char rgb[3];
        CK(ccg__xml_start(w, "node"));
        ccg__fmt_id(id, "n", i);
        CK(ccg__xml_attr_raw(w, "id", id));
        CK(data(w, "label", net->node_label[i]));
        CK(data(w, "name", net->node_id[i]));
        CK(data(w, "type", net->node_type[i]));
        if (net->community) {
            ccg__fmt_int(id, net->community[i]);
            CK(data(w, "community", id));
            int c = net->community[i];
            if (net->community_label && c >= 0 && (size_t)c < net->n_communities &&
                net->community_label[c])
                CK(data(w, "community_label", net->community_label[c]));
        }
        CK(data_num(w, "size", ccg__node_size(net, max_size, i)));
        ccg__node_rgb(net, ranks, nranks, i, rgb);
        for (int k = 0; k < 3; k++) {
            ccg__fmt_id(id, "", rgb[k]);
            CK(data(w, (const char *[]){"r", "g", "b"}[k], id));
        }
        if (fr.has) {
            CK(data_num(w, "x", ccg__fx(&fr, net->x[i])));
            CK(data_num(w, "y", ccg__fy(&fr, net->y[i])));
        }
        if (net->start)
            CK(data_num(w, "start", net->start[i]));
        CK(column_data(w, net->node_cols, net->n_node_cols, vids, i));
        CK(ccg__xml_end(w));
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        char src[32], dst[32];
        CK(ccg__xml_start(w, "edge"));
        ccg__fmt_id(id, "e", e);
        ccg__fmt_id(src, "n", net->source[e]);
        ccg__fmt_id(dst, "n", net->target[e]);
        CK(ccg__xml_attr_raw(w, "id", id));
        CK(ccg__xml_attr_raw(w, "source", src));
        CK(ccg__xml_attr_raw(w, "target", dst));
        CK(data_num(w, "weight", net->weight[e]));
        if (net->edge_label && net->edge_label[e])
            CK(data(w, "edge_label", net->edge_label[e]));
        CK(column_data(w, net->edge_cols, net->n_edge_cols, eids, e));
        CK(ccg__xml_end(w));
    }
    CK(ccg__xml_end(w)); /* graph */
    CK(ccg__xml_end(w)); /* graphml */
    err = ccg__xml_close(w);
    w = NULL;
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg__xml_free(w);
    free(vids);
    free(eids);
    free(ranks);
    ccg__buf_free(&desc);
    ccg__buf_free(&b);
    (void)a;
    return err;
}
