#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/gvc.h>

#include "export_internal.h"

/*
 * SVG, PDF and PNG through Graphviz's gvc, meant for a paper: the top
 * draw_top nodes only, node area by centrality, colour by community
 * (Okabe-Ito, grey beyond eight), shape by type, labels for the top
 * label_top nodes only (as xlabels, which Graphviz places beside their node
 * and away from other labels), and a legend of types and communities under
 * the title. Positions come from the graph layer's layout (Graphviz only
 * routes straight edges: engine "nop", i.e. neato -n), unless o->engine
 * asks Graphviz to lay the graph out itself.
 */

static const struct {
    const char *type, *glyph;
} glyphs[] = {
    {"method", "\xE2\x97\x8F"},  /* ● circle */
    {"dataset", "\xE2\x96\xA0"}, /* ■ square */
    {"model", "\xE2\x97\x86"},   /* ◆ diamond */
    {"metric", "\xE2\x96\xB2"},  /* ▲ triangle */
    {"tool", "\xE2\xAC\xA2"},    /* ⬢ hexagon */
    {"paper", "\xE2\x96\xBC"},   /* ▼ inverted triangle (a circle in citation graphs) */
};

/* Appends untrusted text to an HTML-like label: cleaned, & < > " escaped,
 * cut to max characters. Backslashes mean nothing in HTML-like labels. */
static int html_text(ccg_buf *b, ccg_buf *tmp, const char *text, size_t max)
{
    tmp->len = 0;
    if (ccg__export_clean(tmp, text) < 0)
        return CCG_ENOMEM;
    size_t chars = 0;
    for (const char *s = tmp->data; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80 && ++chars > max)
            return ccg__buf_puts(b, "\xE2\x80\xA6");
        int rc;
        switch (*s) {
        case '&': rc = ccg__buf_puts(b, "&amp;"); break;
        case '<': rc = ccg__buf_puts(b, "&lt;"); break;
        case '>': rc = ccg__buf_puts(b, "&gt;"); break;
        case '"': rc = ccg__buf_puts(b, "&quot;"); break;
        default: rc = ccg__buf_putc(b, *s);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The title and legend as one HTML-like graph label. */
static int legend(const ccg_network *net, const ccg_export_options *o, const char *title,
                  ccg_buf *h)
{
    ccg_buf tmp = CCG_BUF_INIT;
    long *ranks = NULL;
    size_t nranks = 0;
    int err = 0;
    bool seen[sizeof glyphs / sizeof *glyphs] = {false};
    for (size_t i = 0; i < net->n_nodes; i++)
        for (size_t k = 0; k < sizeof glyphs / sizeof *glyphs; k++)
            if (net->node_type[i] && strcmp(net->node_type[i], glyphs[k].type) == 0)
                seen[k] = true;
    if ((err = ccg__community_ranks(net, &ranks, &nranks)) < 0)
        goto cleanup;

#define PUT(s)                                                                                     \
    do {                                                                                           \
        if (ccg__buf_puts(h, (s)) < 0)                                                             \
            goto nomem;                                                                            \
    } while (0)
    PUT("<TABLE BORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"1\">");
    if (title) {
        PUT("<TR><TD><FONT POINT-SIZE=\"22\">");
        if (html_text(h, &tmp, title, 120) < 0)
            goto nomem;
        PUT("</FONT></TD></TR>");
    }
    /* Types, on one line; the row only if it has something to say (an
     * empty <FONT></FONT> is a syntax error to Graphviz's HTML parser). */
    bool any = false;
    for (size_t k = 0; k < sizeof glyphs / sizeof *glyphs; k++)
        any |= seen[k];
    if (any || o->size_by) {
        PUT("<TR><TD><FONT POINT-SIZE=\"12\" COLOR=\"#333333\">");
        bool first = true;
        for (size_t k = 0; k < sizeof glyphs / sizeof *glyphs; k++) {
            if (!seen[k])
                continue;
            PUT(first ? "" : "&#160;&#160;&#160;");
            PUT(net->kind == CCG_NET_PAPERS ? "\xE2\x97\x8F" : glyphs[k].glyph);
            PUT(" ");
            PUT(glyphs[k].type);
            first = false;
        }
        if (o->size_by) {
            PUT(first ? "node area: " : "&#160;&#160;&#160;&#160;node area: ");
            if (html_text(h, &tmp, o->size_by, 40) < 0)
                goto nomem;
        }
        PUT("</FONT></TD></TR>");
    }
    /* Communities by size, two to a line, with their colour. */
    size_t shown = 0;
    if (net->community && nranks) {
        PUT("<TR><TD><TABLE BORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"0\">");
        for (long r = 0; r < CCG__PALETTE_N && (size_t)r < nranks; r++) {
            size_t c = 0;
            while (ranks[c] != r)
                c++;
            unsigned char rgb[3];
            char cell[160];
            ccg__palette_rgb(r, rgb);
            if (shown % 2 == 0)
                PUT("<TR>");
            /* A coloured square glyph as the swatch: table cells with a
             * BGCOLOR stretch with the legend's width. */
            snprintf(cell, sizeof cell,
                     "<TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"14\" COLOR=\"#%02x%02x%02x\">"
                     "\xE2\x96\xA0</FONT><FONT POINT-SIZE=\"11\"> ",
                     rgb[0], rgb[1], rgb[2]);
            PUT(cell);
            if (net->community_label && c < net->n_communities && net->community_label[c]) {
                if (html_text(h, &tmp, net->community_label[c], 48) < 0)
                    goto nomem;
            } else {
                snprintf(cell, sizeof cell, "community %zu", c + 1);
                PUT(cell);
            }
            PUT("</FONT></TD>");
            if (shown % 2 == 1)
                PUT("</TR>");
            shown++;
        }
        if (nranks > CCG__PALETTE_N) {
            if (shown % 2 == 0)
                PUT("<TR>");
            PUT("<TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"14\" COLOR=\"#bbbbbb\">\xE2\x96\xA0</FONT>"
                "<FONT POINT-SIZE=\"11\"> other communities</FONT></TD>");
            shown++;
            if (shown % 2 == 0)
                PUT("</TR>");
        }
        if (shown % 2 == 1)
            PUT("</TR>");
        PUT("</TABLE></TD></TR>");
    }
    PUT("</TABLE>");
#undef PUT
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    free(ranks);
    ccg__buf_free(&tmp);
    return err;
}

/*
 * Cairo (1.16) writes the time of rendering into every PDF as
 * /CreationDate (D:YYYYMMDDhhmmss+hh'mm'): overwrite its digits in place
 * with a fixed date, keeping the length so the xref offsets stay right.
 */
static void pdf_fix_date(char *data, size_t len)
{
    static const char key[] = "/CreationDate (D:";
    for (size_t i = 0; i + sizeof key < len; i++) {
        if (memcmp(data + i, key, sizeof key - 1) != 0)
            continue;
        for (size_t k = i + sizeof key - 1; k < len && data[k] != ')'; k++)
            if (data[k] >= '0' && data[k] <= '9')
                data[k] = k - (i + sizeof key - 1) < 8 ? "20000101"[k - (i + sizeof key - 1)] : '0';
    }
}

/* Edges kept per node in a drawing: each node's strongest few. Drawing
 * every co-mention among a few hundred nodes gives a grey hairball; the
 * union of each node's top edges (the "backbone") keeps the structure. */
#define BACKBONE_K 4

static const double *edge_w;

static int by_weight(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (edge_w[a] != edge_w[b])
        return edge_w[a] > edge_w[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Clamps v[keep] into the [2%, 98%] quantile range (widened by a margin):
 * a few far-flung nodes (small components, leaves) would otherwise shrink
 * the rest of the drawing into a corner. */
static int clamp_outliers(double *v, size_t n)
{
    if (n < 20)
        return 0;
    double *s = ccg__malloc(n * sizeof *s);
    if (!s)
        return ccg__err(CCG_ENOMEM, "out of memory");
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double lo = s[n / 50], hi = s[n - 1 - n / 50], pad = (hi - lo) * 0.04;
    lo -= pad;
    hi += pad;
    for (size_t i = 0; i < n; i++)
        v[i] = v[i] < lo ? lo : v[i] > hi ? hi : v[i];
    free(s);
    return 0;
}

static char *copy_str(const char *s, int *err)
{
    if (!s)
        return NULL;
    char *d = ccg__strdup(s);
    if (!d)
        *err = CCG_ENOMEM;
    return d;
}

/*
 * The network as drawn: the top draw_top nodes by size, the backbone of
 * the edges among them, no node left without an edge (when there are
 * edges at all), outlying positions clamped. Copies only what a drawing
 * shows. O(n log n + m log m).
 */
static int drawing(const ccg_network *net, const ccg_export_options *o, ccg_network **out)
{
    int err = 0;
    size_t n = net->n_nodes, *order = NULL, *newid = NULL, *start = NULL;
    uint32_t *inc = NULL;
    bool *keep = NULL, *keep_e = NULL, *has_edge = NULL;
    ccg_network *d = NULL;

    if ((err = ccg__export_order(net, NULL, &order)) < 0)
        goto cleanup;
    keep = ccg__calloc(n + 1, sizeof *keep);
    has_edge = ccg__calloc(n + 1, sizeof *has_edge);
    keep_e = ccg__calloc(net->n_edges + 1, sizeof *keep_e);
    start = ccg__calloc(n + 2, sizeof *start);
    newid = ccg__calloc(n + 1, sizeof *newid);
    inc = ccg__malloc((2 * net->n_edges + 1) * sizeof *inc);
    if (!keep || !has_edge || !keep_e || !start || !newid || !inc)
        goto nomem;
    /* The top nodes among those with a position: a layout may cover only
     * the drawn top (ccgraph build), whose ties at the cut can break
     * differently from ours. */
    size_t top = o->draw_top && o->draw_top < n ? o->draw_top : n;
    for (size_t r = 0, kept = 0; r < n && kept < top; r++) {
        size_t i = order[r];
        if (net->x && net->y && !(isfinite(net->x[i]) && isfinite(net->y[i])))
            continue;
        keep[i] = true;
        kept++;
    }

    /* Incidence lists of the kept edges, each sorted by weight. */
    for (size_t e = 0; e < net->n_edges; e++)
        if (keep[net->source[e]] && keep[net->target[e]] && net->source[e] != net->target[e]) {
            start[net->source[e] + 1]++;
            start[net->target[e] + 1]++;
        }
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t e = 0; e < net->n_edges; e++)
        if (keep[net->source[e]] && keep[net->target[e]] && net->source[e] != net->target[e]) {
            inc[start[net->source[e]]++] = (uint32_t)e;
            inc[start[net->target[e]]++] = (uint32_t)e;
        }
    for (size_t i = n; i > 0; i--)
        start[i] = start[i - 1];
    start[0] = 0;
    edge_w = net->weight;
    size_t any_edge = 0;
    for (size_t i = 0; i < n; i++) {
        size_t deg = start[i + 1] - start[i];
        qsort(inc + start[i], deg, sizeof *inc, by_weight);
        for (size_t k = 0; k < deg && k < BACKBONE_K; k++)
            keep_e[inc[start[i] + k]] = true;
    }
    for (size_t e = 0; e < net->n_edges; e++)
        if (keep_e[e]) {
            has_edge[net->source[e]] = has_edge[net->target[e]] = true;
            any_edge++;
        }
    size_t nn = 0, nm = any_edge;
    /* Smallest first: Graphviz draws in node order, so the big, labelled
     * nodes come last and their labels are not hidden under small nodes. */
    for (size_t r = n; r-- > 0;) {
        size_t i = order[r];
        if (keep[i] && any_edge && !has_edge[i])
            keep[i] = false;
        if (keep[i])
            newid[i] = nn++;
    }

    if ((err = ccg_network_new(&d, net->kind, nn, nm)) < 0)
        goto cleanup;
    d->directed = net->directed;
    d->title = copy_str(net->title, &err);
    if (net->community && !(d->community = ccg__malloc((nn + 1) * sizeof *d->community)))
        goto nomem;
    if (net->size && !(d->size = ccg__malloc((nn + 1) * sizeof *d->size)))
        goto nomem;
    if (net->x && net->y && (!(d->x = ccg__malloc((nn + 1) * sizeof *d->x)) ||
                             !(d->y = ccg__malloc((nn + 1) * sizeof *d->y))))
        goto nomem;
    for (size_t r = n; r-- > 0;) {
        size_t i = order[r], k = newid[i];
        if (!keep[i])
            continue;
        d->node_id[k] = copy_str(net->node_id[i], &err);
        d->node_label[k] = copy_str(net->node_label[i], &err);
        d->node_type[k] = copy_str(net->node_type[i], &err);
        if (d->community)
            d->community[k] = net->community[i];
        if (d->size)
            d->size[k] = net->size[i];
        if (d->x) {
            d->x[k] = isfinite(net->x[i]) ? net->x[i] : 0;
            d->y[k] = isfinite(net->y[i]) ? net->y[i] : 0;
        }
    }
    for (size_t e = 0, k = 0; e < net->n_edges; e++) {
        if (!keep_e[e])
            continue;
        uint32_t a = (uint32_t)newid[net->source[e]], b = (uint32_t)newid[net->target[e]];
        bool swap = !net->directed && a > b; /* undirected: source < target */
        d->source[k] = swap ? b : a;
        d->target[k] = swap ? a : b;
        d->weight[k] = net->weight[e];
        k++;
    }
    if (net->community_label && net->n_communities) {
        if (!(d->community_label = ccg__calloc(net->n_communities, sizeof *d->community_label)))
            goto nomem;
        d->n_communities = net->n_communities;
        for (size_t c = 0; c < net->n_communities; c++)
            d->community_label[c] = copy_str(net->community_label[c], &err);
    } else {
        d->n_communities = net->n_communities;
    }
    if (err < 0)
        goto nomem;
    if (d->x && ((err = clamp_outliers(d->x, nn)) < 0 || (err = clamp_outliers(d->y, nn)) < 0))
        goto cleanup;
    *out = d;
    d = NULL;
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg_network_free(d);
    free(inc);
    free(newid);
    free(start);
    free(keep_e);
    free(has_edge);
    free(keep);
    free(order);
    return err;
}

/*
 * One Graphviz context for the whole process. Graphviz 2.43's pango
 * plugin remembers the last font name by pointer; freeing a context frees
 * that name, and the next context's first text measurement reads freed
 * memory (found by ASan rendering an SVG and then a PDF in one run). Kept
 * in a static, so it is still reachable at exit, not a leak.
 */
static GVC_t *shared_gvc;

int ccg__export_figure(const ccg_network *net, ccg_output_format f, FILE *fp,
                       const ccg_export_options *o)
{
    int err = 0;
    ccg_network *sub = NULL;
    const ccg_network *draw = net;
    Agraph_t *g = NULL;
    GVC_t *gvc = NULL;
    bool laid_out = false;
    char *data = NULL;
    unsigned int len = 0;
    ccg_buf html = CCG_BUF_INIT;
    const char *title = o->title ? o->title : net->title;

    const char *engine = o->engine;
    if (engine && strcmp(engine, "sfdp") && strcmp(engine, "neato") && strcmp(engine, "fdp") &&
        strcmp(engine, "nop"))
        return ccg__err(CCG_EINVAL, "unknown layout engine '%s' (sfdp, neato, fdp)", engine);
    if (engine && strcmp(engine, "nop") == 0 && !(net->x && net->y))
        return ccg__err(CCG_EINVAL, "engine nop needs a computed layout");
    if ((err = drawing(net, o, &sub)) < 0)
        goto cleanup;
    draw = sub;
    if (!engine)
        engine = draw->x ? "nop" : draw->n_nodes > 200 ? "sfdp" : "neato";
    char deftitle[96];
    if (!title || !*title) {
        const char *what = net->kind == CCG_NET_PAPERS      ? "Citation network"
                           : net->kind == CCG_NET_BIPARTITE ? "Papers and concepts"
                                                            : "Concept co-mention network";
        if (draw->n_nodes < net->n_nodes)
            snprintf(deftitle, sizeof deftitle, "%s: the top %zu of %zu nodes", what,
                     draw->n_nodes, net->n_nodes);
        else
            snprintf(deftitle, sizeof deftitle, "%s (%zu nodes)", what, net->n_nodes);
        title = deftitle;
    }

    /* Canvas: wider for more nodes, so labels keep a readable size. */
    double width_pt = 480 + 36 * sqrt((double)draw->n_nodes);
    ccg_dot_mode m = {.figure = true, .label_top = o->label_top, .width_pt = width_pt,
                      .title = NULL, .fixed_pos = strcmp(engine, "nop") == 0};
    ccg__gv_begin();
    if ((err = ccg__dot_build(draw, &m, &g)) < 0)
        goto cleanup;
    if ((err = legend(draw, o, title, &html)) < 0)
        goto cleanup;
    char *hl = agstrdup_html(g, html.data);
    agattr(g, AGRAPH, "label", hl);
    agstrfree(g, hl);
    agattr(g, AGRAPH, "labelloc", "t");
    if (strcmp(engine, "nop") != 0) {
        /* Graphviz lays out: prism (Gansner & Hu) removes node overlaps
         * while keeping the layout's shape. Our own layout's overlaps are
         * gone already (dot.c), by a deterministic pass: prism's output
         * moved labels with the memory layout of the run. */
        agattr(g, AGRAPH, "overlap", "prism");
        agattr(g, AGRAPH, "sep", "+3");
        agattr(g, AGRAPH, "size", "10,10");
    }
    if (f == CCG_OUT_PNG)
        agattr(g, AGRAPH, "dpi", "150");

    if (!shared_gvc)
        shared_gvc = gvContext();
    if (!(gvc = shared_gvc)) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (gvLayout(gvc, g, engine) != 0) {
        err = ccg__gv_end("layout");
        if (!err)
            err = ccg__err(CCG_ERENDER, "Graphviz layout with %s failed", engine);
        goto cleanup;
    }
    laid_out = true;
    const char *fmt = f == CCG_OUT_SVG ? "svg" : f == CCG_OUT_PDF ? "pdf" : "png";
    if (gvRenderData(gvc, g, fmt, &data, &len) != 0 || !data) {
        err = ccg__gv_end(fmt);
        if (!err)
            err = ccg__err(CCG_ERENDER, "Graphviz could not render %s", fmt);
        goto cleanup;
    }
    if (f == CCG_OUT_PDF)
        pdf_fix_date(data, len);
    if (fwrite(data, 1, len, fp) != len)
        err = ccg__err(CCG_EIO, "write error");
cleanup:
    if (data)
        gvFreeRenderData(data);
    if (laid_out)
        gvFreeLayout(gvc, g);
    if (g)
        agclose(g);
    int gverr = ccg__gv_end(ccg_output_format_name(f));
    if (!err)
        err = gverr;
    ccg__buf_free(&html);
    ccg_network_free(sub);
    return err;
}
