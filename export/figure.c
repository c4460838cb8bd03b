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
    /* Types, on one line. */
    PUT("<TR><TD><FONT POINT-SIZE=\"12\" COLOR=\"#333333\">");
    bool any = false;
    for (size_t k = 0; k < sizeof glyphs / sizeof *glyphs; k++) {
        if (!seen[k])
            continue;
        PUT(any ? "&#160;&#160;&#160;" : "");
        PUT(glyphs[k].glyph);
        PUT(" ");
        PUT(glyphs[k].type);
        any = true;
    }
    if (o->size_by) {
        PUT(any ? "&#160;&#160;&#160;&#160;node area: " : "node area: ");
        if (html_text(h, &tmp, o->size_by, 40) < 0)
            goto nomem;
    }
    PUT("</FONT></TD></TR>");
    /* Communities by size, two to a line, with their colour. */
    size_t shown = 0;
    if (net->community && nranks) {
        PUT("<TR><TD><TABLE BORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"0\">");
        for (long r = 0; r < CCG__PALETTE_N && (size_t)r < nranks; r++) {
            size_t c = 0;
            while (ranks[c] != r)
                c++;
            unsigned char rgb[3];
            char cell[160];
            ccg__palette_rgb(r, rgb);
            if (shown % 2 == 0)
                PUT("<TR>");
            snprintf(cell, sizeof cell,
                     "<TD BGCOLOR=\"#%02x%02x%02x\" WIDTH=\"11\" HEIGHT=\"11\" FIXEDSIZE=\"TRUE\"> "
                     "</TD><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"11\">",
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
            PUT("<TD BGCOLOR=\"#bbbbbb\" WIDTH=\"11\" HEIGHT=\"11\" FIXEDSIZE=\"TRUE\"> </TD>"
                "<TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"11\">other communities</FONT></TD>");
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

    if (o->draw_top && net->n_nodes > o->draw_top) {
        if ((err = ccg_network_subgraph(net, o->draw_top, &sub)) < 0)
            goto cleanup;
        draw = sub;
    }
    bool have_pos = draw->x && draw->y;
    const char *engine = o->engine;
    if (!engine)
        engine = have_pos ? "nop" : draw->n_nodes > 200 ? "sfdp" : "neato";
    else if (strcmp(engine, "sfdp") && strcmp(engine, "neato") && strcmp(engine, "fdp") &&
             strcmp(engine, "nop") && strcmp(engine, "circo") && strcmp(engine, "dot"))
        return ccg__err(CCG_EINVAL, "unknown layout engine '%s' (sfdp, neato, fdp)", engine);
    if (strcmp(engine, "nop") == 0 && !have_pos)
        return ccg__err(CCG_EINVAL, "engine nop needs a computed layout");

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
        agattr(g, AGRAPH, "overlap", strcmp(engine, "fdp") == 0 ? "prism" : "false");
        agattr(g, AGRAPH, "size", "10,10");
    }
    if (f == CCG_OUT_PNG)
        agattr(g, AGRAPH, "dpi", "150");

    if (!(gvc = gvContext())) {
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
    if (gvc)
        gvFreeContext(gvc);
    int gverr = ccg__gv_end(ccg_output_format_name(f));
    if (!err)
        err = gverr;
    ccg__buf_free(&html);
    ccg_network_free(sub);
    return err;
}
