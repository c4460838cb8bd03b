#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * DOT through Graphviz's cgraph (agopen, agnode, agedge, agxset, agwrite).
 * Two facts about Graphviz 2.42/2.43 shape the escaping (see NOTES):
 * agwrite quotes strings and escapes '"' but not backslashes, and labels
 * interpret \N \n \l (escString). So every backslash in every string value
 * is doubled: labels then read back as the text, and no value can end in a
 * backslash that would swallow its closing quote.
 *
 * The same builder serves figures (figure.c): there nodes are small fixed
 * shapes with a label only for the top nodes (as xlabel, which Graphviz
 * places off the node), plus a legend and a title.
 */

static char gv_msg[512];

static int gv_errf(char *msg)
{
    size_t n = strlen(gv_msg);
    if (n + 2 < sizeof gv_msg)
        snprintf(gv_msg + n, sizeof gv_msg - n, "%s", msg);
    return 0;
}

void ccg__gv_begin(void)
{
    gv_msg[0] = '\0';
    agseterr(AGERR); /* warnings (fonts, overlaps) are not failures */
    agseterrf(gv_errf);
    agreseterrors();
}

int ccg__gv_end(const char *what)
{
    agseterrf(NULL);
    if (!gv_msg[0] && !agerrors())
        return 0;
    size_t n = strlen(gv_msg);
    while (n && (gv_msg[n - 1] == '\n' || gv_msg[n - 1] == ' '))
        gv_msg[--n] = '\0';
    return ccg__err(CCG_ERENDER, "%s: Graphviz: %s", what, gv_msg[0] ? gv_msg : "error");
}

/* Cleans text and doubles its backslashes (see the file comment). If max is
 * non-zero, cuts it to max characters with an ellipsis (figures only). */
static int gv_text(ccg_buf *out, ccg_buf *tmp, const char *text, size_t max)
{
    tmp->len = 0;
    out->len = 0;
    if (ccg__export_clean(tmp, text) < 0 || ccg__buf_reserve(out, tmp->len * 2 + 4) < 0)
        return ccg__err(CCG_ENOMEM, "out of memory");
    size_t chars = 0;
    for (const char *s = tmp->data; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80 && max && ++chars > max) {
            while (out->len && out->data[out->len - 1] == ' ')
                out->len--;
            ccg__buf_puts(out, "\xE2\x80\xA6"); /* reserved above */
            break;
        }
        if (*s == '\\')
            out->data[out->len++] = '\\';
        out->data[out->len++] = *s;
    }
    out->data[out->len] = '\0';
    return 0;
}

/* Graphviz attribute names a data column must not take over. */
static bool gv_reserved(const char *name)
{
    static const char *const names[] = {
        "label", "xlabel", "pos", "size", "width", "height", "shape", "color", "fillcolor",
        "style", "fontsize", "fontname", "fontcolor", "weight", "penwidth", "fixedsize", "tooltip",
        "URL", "href", "id", "class", "group", "rank", "pin", "comment", "layer", "margin",
        "peripheries", "sides", "skew", "distortion", "orientation", "regular", "image", "z",
        "area", "dir", "len", "arrowhead", "arrowtail", "headlabel", "taillabel", "target"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (strcmp(name, names[k]) == 0)
            return true;
    return ccg__reserved_name(name);
}

static const char *shape_of(const char *type, bool figure)
{
    static const struct {
        const char *type, *shape, *figure_shape;
    } shapes[] = {
        {"method", "ellipse", "circle"}, {"dataset", "box", "square"},
        {"model", "diamond", "diamond"}, {"metric", "hexagon", "triangle"},
        {"tool", "octagon", "hexagon"},  {"paper", "note", "invtriangle"},
    };
    for (size_t k = 0; type && k < sizeof shapes / sizeof *shapes; k++)
        if (strcmp(type, shapes[k].type) == 0)
            return figure ? shapes[k].figure_shape : shapes[k].shape;
    return figure ? "circle" : "ellipse";
}

/* Declares a column attribute and returns its symbol. The name becomes an
 * identifier (letters, digits, . - _; found by random names: agwrite does
 * not escape a backslash in a name either), "ccg_" prefixed if it would
 * clash with a Graphviz attribute. */
static Agsym_t *column_sym(Agraph_t *g, int kind, ccg_buf *name, const char *colname)
{
    name->len = 0;
    if ((gv_reserved(colname) && !ccg__reserved_name(colname) && ccg__buf_puts(name, "ccg_") < 0) ||
        ccg__xml_name(name, colname) < 0)
        return NULL;
    return agattr(g, kind, name->data, "");
}

#define CK(call)                                                                                   \
    do {                                                                                           \
        if ((call) < 0) {                                                                          \
            err = ccg__err(CCG_ENOMEM, "out of memory");                                           \
            goto cleanup;                                                                          \
        }                                                                                          \
    } while (0)

/* Sets a string attribute to untrusted text. */
#define SETTEXT(obj, sym, text, max)                                                               \
    do {                                                                                           \
        if ((err = gv_text(&val, &tmp, (text), (max))) < 0)                                       \
            goto cleanup;                                                                          \
        agxset((obj), (sym), val.data);                                                            \
    } while (0)

/* A figure node's diameter in inches: area in proportion to its size
 * metric, scaled to the mean spacing of nodes on the canvas, so a few
 * hundred nodes do not pile up. */
static double figure_diameter(const ccg_network *net, const ccg_dot_mode *m, double max_size,
                              size_t i)
{
    double s = max_size > 0 && net->size ? sqrt(fmax(net->size[i], 0) / max_size) : 0.3;
    double spacing = m->width_pt / sqrt(fmax((double)net->n_nodes, 4));
    /* as written to the graph, to the thousandth of an inch */
    return round(fmin(spacing * (0.16 + 0.64 * s), m->width_pt * 0.06) / 72 * 1000) / 1000;
}

/*
 * Pushes apart the figure's nodes whose boxes (side d, and pad around
 * each) overlap: x, y, d in points, changed in place. Graphviz's prism did
 * this, but its Delaunay step (GTS) hashes pointers, and the xlabel
 * placement after it flipped with the memory layout of the run, so the
 * same input drew labels in two places. Written by hand to be
 * deterministic: sweeps over pairs in index order, found through a
 * uniform grid of cells one box wide, until no pair overlaps (at most
 * 200 sweeps). Each pair moves apart along the line between its centres,
 * as far as its boxes need, half each.
 */
static int separate(double *x, double *y, const double *d, size_t n, double pad)
{
    if (n < 2)
        return 0;
    double maxd = 0;
    for (size_t i = 0; i < n; i++)
        maxd = fmax(maxd, d[i]);
    double cell = maxd + 2 * pad;
    size_t *start = NULL, *items = NULL, *cellof = NULL;
    int err = 0;
    if (!(cellof = ccg__calloc(n, sizeof *cellof)) || !(items = ccg__calloc(n, sizeof *items))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    for (int sweep = 0; sweep < 200; sweep++) {
        double minx = x[0], maxx = x[0], miny = y[0], maxy = y[0];
        for (size_t i = 1; i < n; i++) {
            minx = fmin(minx, x[i]);
            maxx = fmax(maxx, x[i]);
            miny = fmin(miny, y[i]);
            maxy = fmax(maxy, y[i]);
        }
        /* cells one box wide, but never more cells than 4 n */
        double c = cell;
        while (((maxx - minx) / c + 1) * ((maxy - miny) / c + 1) > 4.0 * (double)n + 16)
            c *= 2;
        size_t gw = (size_t)((maxx - minx) / c) + 1, gh = (size_t)((maxy - miny) / c) + 1;
        free(start);
        if (!(start = ccg__calloc(gw * gh + 1, sizeof *start))) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        /* nodes by cell (a counting sort: index order within a cell) */
        size_t cells = gw * gh;
        for (size_t i = 0; i < n; i++) {
            size_t cx = (size_t)((x[i] - minx) / c), cy = (size_t)((y[i] - miny) / c);
            cellof[i] = (cy < gh ? cy : gh - 1) * gw + (cx < gw ? cx : gw - 1);
            start[cellof[i] + 1]++;
        }
        for (size_t k = 0; k < cells; k++)
            start[k + 1] += start[k];
        for (size_t i = 0; i < n; i++)
            items[start[cellof[i]]++] = i;
        for (size_t k = cells; k > 0; k--)
            start[k] = start[k - 1];
        start[0] = 0; /* cell k: items[start[k], start[k + 1]) */
        bool moved = false;
        for (size_t i = 0; i < n; i++) {
            size_t cx = cellof[i] % gw, cy = cellof[i] / gw;
            for (size_t yy = cy ? cy - 1 : 0; yy <= cy + 1 && yy < gh; yy++)
                for (size_t xx = cx ? cx - 1 : 0; xx <= cx + 1 && xx < gw; xx++) {
                    size_t k = yy * gw + xx;
                    for (size_t q = start[k]; q < start[k + 1]; q++) {
                        size_t j = items[q];
                        if (j <= i)
                            continue;
                        double dx = x[j] - x[i], dy = y[j] - y[i];
                        double half = (d[i] + d[j]) / 2 + 2 * pad; /* centre distance, per axis */
                        if (fabs(dx) >= half || fabs(dy) >= half)
                            continue;
                        double dist = hypot(dx, dy), ux = 1, uy = 0;
                        if (dist > 1e-9) {
                            ux = dx / dist;
                            uy = dy / dist;
                        }
                        double need = half / fmax(fabs(ux), fabs(uy));
                        if (need - dist < 1e-6)
                            continue;
                        double mv = (need - dist) / 2 + 1e-6;
                        x[i] -= ux * mv;
                        y[i] -= uy * mv;
                        x[j] += ux * mv;
                        y[j] += uy * mv;
                        moved = true;
                    }
                }
        }
        if (!moved)
            break;
    }
cleanup:
    free(start);
    free(items);
    free(cellof);
    return err;
}

int ccg__dot_build(const ccg_network *net, const ccg_dot_mode *m, Agraph_t **out)
{
    int err = 0;
    Agraph_t *g = NULL;
    Agnode_t **nodes = NULL;
    Agsym_t **ncols = NULL, **ecols = NULL;
    ccg_buf val = CCG_BUF_INIT, tmp = CCG_BUF_INIT;
    long *ranks = NULL;
    size_t nranks = 0, *order = NULL;
    bool *labelled = NULL;
    double *px = NULL, *py = NULL, *pd = NULL; /* figure: node positions, diameters (points) */
    size_t *pi = NULL;
    char num[64];
    ccg_frame fr;
    ccg__frame(net, &fr);
    double max_size = ccg__max_size(net), max_w = 0;
    for (size_t e = 0; e < net->n_edges; e++)
        max_w = fmax(max_w, net->weight[e]);
    double pt = m->figure ? m->width_pt / CCG__FRAME : 1; /* frame unit -> points */

    if ((err = ccg__community_ranks(net, &ranks, &nranks)) < 0)
        goto cleanup;
    nodes = ccg__calloc(net->n_nodes + 1, sizeof *nodes);
    ncols = ccg__calloc(net->n_node_cols + 1, sizeof *ncols);
    ecols = ccg__calloc(net->n_edge_cols + 1, sizeof *ecols);
    labelled = ccg__calloc(net->n_nodes + 1, sizeof *labelled);
    if (!nodes || !ncols || !ecols || !labelled) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (m->figure) {
        if ((err = ccg__export_order(net, NULL, &order)) < 0)
            goto cleanup;
        for (size_t r = 0; r < m->label_top && r < net->n_nodes; r++)
            labelled[order[r]] = true;
    }

    g = agopen("ccgraph", net->directed ? Agdirected : Agundirected, NULL);
    if (!g) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* Graph attributes. */
    if (m->title) {
        if ((err = gv_text(&val, &tmp, m->title, 0)) < 0)
            goto cleanup;
        agattr(g, AGRAPH, "label", val.data);
        agattr(g, AGRAPH, "labelloc", "t");
        agattr(g, AGRAPH, "fontsize", m->figure ? "22" : "16");
    }
    agattr(g, AGRAPH, "fontname", "Helvetica");
    agattr(g, AGRAPH, "outputorder", "edgesfirst");
    if (m->figure) {
        agattr(g, AGRAPH, "bgcolor", "white");
        agattr(g, AGRAPH, "pad", "0.3");
        agattr(g, AGRAPH, "splines", "false");
        /* forcelabels=false would drop every label Graphviz cannot place
         * clear of others: about half of the top 40 on a 300-node drawing. */
        agattr(g, AGRAPH, "forcelabels", "true");
    } else {
        agattr(g, AGRAPH, "overlap", "prism");
        for (size_t k = 0; k < net->n_notes; k++) {
            snprintf(num, sizeof num, "ccg_note%zu", k + 1);
            if ((err = gv_text(&val, &tmp, net->notes[k], 0)) < 0)
                goto cleanup;
            agattr(g, AGRAPH, num, val.data);
        }
    }

    /* Node attributes, declared once with their defaults. */
    Agsym_t *a_label = agattr(g, AGNODE, "label", m->figure ? "" : "\\N");
    Agsym_t *a_xlabel = m->figure ? agattr(g, AGNODE, "xlabel", "") : NULL;
    Agsym_t *a_fontsize = agattr(g, AGNODE, "fontsize", m->figure ? "10" : "12");
    agattr(g, AGNODE, "fontname", "Helvetica");
    agattr(g, AGNODE, "style", "filled");
    Agsym_t *a_shape = agattr(g, AGNODE, "shape", "ellipse");
    Agsym_t *a_fill = agattr(g, AGNODE, "fillcolor", "#bbbbbb");
    agattr(g, AGNODE, "color", m->figure ? "#ffffff" : "#333333"); /* outline */
    Agsym_t *a_width = agattr(g, AGNODE, "width", "0.75");
    Agsym_t *a_height = agattr(g, AGNODE, "height", "0.5");
    Agsym_t *a_pos = fr.has && m->fixed_pos ? agattr(g, AGNODE, "pos", "") : NULL;
    Agsym_t *a_type = NULL, *a_comm = NULL, *a_id = NULL, *a_size = NULL;
    if (m->figure) {
        agattr(g, AGNODE, "fixedsize", "true");
        agattr(g, AGNODE, "penwidth", "0.6");
    } else {
        a_id = agattr(g, AGNODE, "ccg_id", "");
        a_type = agattr(g, AGNODE, "ccg_type", "");
        a_comm = net->community ? agattr(g, AGNODE, "ccg_community", "") : NULL;
        a_size = net->size ? agattr(g, AGNODE, "ccg_size", "") : NULL;
        for (size_t c = 0; c < net->n_node_cols; c++)
            if (!(ncols[c] = column_sym(g, AGNODE, &tmp, net->node_cols[c].name))) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
    }

    /* Figure positions in points, overlaps removed here (separate) */
    if (a_pos && m->figure) {
        size_t np = 0;
        px = ccg__calloc(net->n_nodes + 1, sizeof *px);
        py = ccg__calloc(net->n_nodes + 1, sizeof *py);
        pd = ccg__calloc(net->n_nodes + 1, sizeof *pd);
        pi = ccg__calloc(net->n_nodes + 1, sizeof *pi);
        if (!px || !py || !pd || !pi) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        for (size_t i = 0; i < net->n_nodes; i++)
            if (isfinite(net->x[i]) && isfinite(net->y[i])) {
                px[np] = ccg__fx(&fr, net->x[i]) * pt;
                py[np] = ccg__fy(&fr, net->y[i]) * pt;
                /* a labelled node keeps room about it for its label */
                pd[np] = figure_diameter(net, m, max_size, i) * 72 + (labelled[i] ? 14 : 0);
                pi[np++] = i;
            }
        /* Denser than the layout's frame, as Graphviz's prism drew it (its
         * overlap_scaling shrinks a layout before removing overlaps):
         * node sizes follow the frame's mean spacing, so one factor fits
         * every size of drawing. */
        double cx = 0, cy = 0;
        for (size_t k = 0; k < np; k++) {
            cx += px[k];
            cy += py[k];
        }
        cx = np ? cx / (double)np : 0;
        cy = np ? cy / (double)np : 0;
        for (size_t k = 0; k < np; k++) {
            px[k] = cx + (px[k] - cx) * 0.7;
            py[k] = cy + (py[k] - cy) * 0.7;
        }
        if (separate(px, py, pd, np, 2) < 0) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        /* back to node order: px[i], py[i] for node i */
        for (size_t k = np; k-- > 0;) {
            size_t i = pi[k];
            double xk = px[k], yk = py[k];
            px[i] = xk;
            py[i] = yk;
        }
    }

    for (size_t i = 0; i < net->n_nodes; i++) {
        unsigned char rgb[3];
        snprintf(num, sizeof num, "n%zu", i);
        Agnode_t *n = nodes[i] = agnode(g, num, 1);
        if (!n) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        if (!m->figure) {
            SETTEXT(n, a_label, net->node_label[i], 0);
        } else if (labelled[i]) {
            SETTEXT(n, a_xlabel, net->node_label[i], 32);
            double s = max_size > 0 && net->size ? sqrt(fmax(net->size[i], 0) / max_size) : 0.5;
            snprintf(num, sizeof num, "%.0f", 9 + 7 * s);
            agxset(n, a_fontsize, num);
        }
        /* In a citation graph every node is a paper: plain circles. */
        agxset(n, a_shape, m->figure && net->kind == CCG_NET_PAPERS
                               ? "circle"
                               : (char *)shape_of(net->node_type[i], m->figure));
        ccg__node_rgb(net, ranks, nranks, i, rgb);
        snprintf(num, sizeof num, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
        agxset(n, a_fill, num);
        if (m->figure) {
            snprintf(num, sizeof num, "%.3f", figure_diameter(net, m, max_size, i));
            agxset(n, a_width, num);
            agxset(n, a_height, num);
        } else if (net->size) {
            double s = max_size > 0 ? sqrt(fmax(net->size[i], 0) / max_size) : 0;
            snprintf(num, sizeof num, "%.2f", 0.4 + 1.1 * s);
            agxset(n, a_width, num);
            snprintf(num, sizeof num, "%.2f", 0.3 + 0.7 * s);
            agxset(n, a_height, num);
        }
        if (a_pos && isfinite(net->x[i]) && isfinite(net->y[i])) {
            /* pinned ("!") in DOT files; figures: where separate put them */
            if (m->figure)
                snprintf(num, sizeof num, "%.2f,%.2f", px[i], py[i]);
            else
                snprintf(num, sizeof num, "%.2f,%.2f!", ccg__fx(&fr, net->x[i]) * pt,
                         ccg__fy(&fr, net->y[i]) * pt);
            agxset(n, a_pos, num);
        }
        if (!m->figure) {
            SETTEXT(n, a_id, net->node_id[i], 0);
            SETTEXT(n, a_type, net->node_type[i], 0);
            if (a_comm) {
                snprintf(num, sizeof num, "%d", net->community[i]);
                agxset(n, a_comm, num);
            }
            if (a_size)
                agxset(n, a_size, (char *)ccg__fmt_double(num, net->size[i]));
            for (size_t c = 0; c < net->n_node_cols; c++)
                SETTEXT(n, ncols[c], ccg__column_text(&net->node_cols[c], i, num), 0);
        }
    }

    Agsym_t *e_weight = agattr(g, AGEDGE, "weight", "1");
    Agsym_t *e_pen = agattr(g, AGEDGE, "penwidth", "1");
    agattr(g, AGEDGE, "color", m->figure ? "#8a8f9880" : "#666666");
    if (m->figure && net->directed)
        agattr(g, AGEDGE, "arrowsize", "0.4");
    Agsym_t *e_label = NULL;
    if (!m->figure) {
        if (net->edge_label)
            e_label = agattr(g, AGEDGE, "ccg_label", "");
        for (size_t c = 0; c < net->n_edge_cols; c++)
            if (!(ecols[c] = column_sym(g, AGEDGE, &tmp, net->edge_cols[c].name))) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        Agedge_t *ed = agedge(g, nodes[net->source[e]], nodes[net->target[e]], NULL, 1);
        if (!ed) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        agxset(ed, e_weight, (char *)ccg__fmt_double(num, net->weight[e]));
        double w = max_w > 0 ? sqrt(fmax(net->weight[e], 0) / max_w) : 0;
        snprintf(num, sizeof num, "%.2f", m->figure ? 0.3 + 2.7 * w : 0.5 + 4.5 * w);
        agxset(ed, e_pen, num);
        if (e_label && net->edge_label[e])
            SETTEXT(ed, e_label, net->edge_label[e], 0);
        for (size_t c = 0; !m->figure && c < net->n_edge_cols; c++)
            SETTEXT(ed, ecols[c], ccg__column_text(&net->edge_cols[c], e, num), 0);
    }
    *out = g;
    g = NULL;
cleanup:
    if (g)
        agclose(g);
    free(px);
    free(py);
    free(pd);
    free(pi);
    free(labelled);
    free(order);
    free(ecols);
    free(ncols);
    free(nodes);
    free(ranks);
    ccg__buf_free(&val);
    ccg__buf_free(&tmp);
    return err;
}

int ccg__export_dot(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                    const ccg_export_options *o)
{
    (void)a;
    Agraph_t *g = NULL;
    ccg_dot_mode m = {.figure = false, .title = o->title ? o->title : net->title,
                      .fixed_pos = true};
    ccg__gv_begin();
    int err = ccg__dot_build(net, &m, &g);
    if (err == 0 && agwrite(g, fp) != 0)
        err = ccg__err(CCG_EIO, "DOT: write error");
    if (g)
        agclose(g);
    int gverr = ccg__gv_end("DOT");
    return err < 0 ? err : gverr;
}
