#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * JSON in networkx's node-link shape ({"directed", "multigraph", "graph",
 * "nodes", "links"}), which d3, sigma.js and networkx's node_link_graph
 * read; edges refer to nodes by id. Streamed by hand rather than through
 * jansson: jansson 2.14 prints every real with 17 digits (0.1 becomes
 * 0.10000000000000001) and holds the whole tree in memory, while a large
 * corpus has hundreds of thousands of edges.
 *
 * Strings escape < > & as \u003c \u003e \u0026 and U+2028/U+2029, so the
 * file can be pasted into an HTML <script> block and stays inert.
 */

/* Writes b->data (already clean) as a JSON string: runs of plain bytes go
 * out in one fwrite, the few that need escaping one by one. */
static void emit(FILE *fp, const ccg_buf *b)
{
    const unsigned char *s = (const unsigned char *)b->data, *run = s;
    fputc('"', fp);
    for (;; s++) {
        unsigned char c = *s;
        bool special = c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' ||
                       (c == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9));
        if (!special && c)
            continue;
        if (s > run)
            fwrite(run, 1, (size_t)(s - run), fp);
        if (!c)
            break;
        switch (c) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '<': fputs("\\u003c", fp); break;
        case '>': fputs("\\u003e", fp); break;
        case '&': fputs("\\u0026", fp); break;
        default: /* U+2028, U+2029: line breaks to JavaScript */
            fputs(s[2] == 0xA8 ? "\\u2028" : "\\u2029", fp);
            s += 2;
            break;
        }
        run = s + 1;
    }
    fputc('"', fp);
}

int ccg__json_string(FILE *fp, ccg_buf *b, const char *text)
{
    b->len = 0;
    if (ccg__export_clean(b, text) < 0)
        return CCG_ENOMEM;
    emit(fp, b);
    return 0;
}

void ccg__json_number(FILE *fp, double d)
{
    char num[32];
    fputs(isfinite(d) ? ccg__fmt_double(num, d) : "null", fp);
}

static int json_column(FILE *fp, ccg_buf *b, const ccg_column *c, size_t row)
{
    /* A column called like a fixed field ("label", "x", …) gets a prefix:
     * JSON readers keep only one of two equal keys. */
    b->len = 0;
    if ((ccg__reserved_name(c->name) && ccg__buf_puts(b, "ccg_") < 0) ||
        ccg__export_clean(b, c->name) < 0)
        return CCG_ENOMEM;
    fputs(", ", fp);
    emit(fp, b);
    fputs(": ", fp);
    switch (c->type) {
    case CCG_COL_STRING:
        if (c->s[row])
            return ccg__json_string(fp, b, c->s[row]);
        fputs("null", fp);
        break;
    case CCG_COL_INT: fprintf(fp, "%lld", (long long)c->i[row]); break;
    case CCG_COL_BOOL: fputs(c->i[row] ? "true" : "false", fp); break;
    case CCG_COL_DOUBLE: ccg__json_number(fp, c->d[row]); break;
    }
    return 0;
}

int ccg__export_json(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                     const ccg_export_options *o)
{
    int err = 0;
    ccg_buf b = CCG_BUF_INIT;
    long *ranks = NULL;
    size_t nranks = 0;
    ccg_frame fr;
    ccg__frame(net, &fr);
    double max_size = ccg__max_size(net);
    const char *title = o->title ? o->title : net->title;

    if ((err = ccg__community_ranks(net, &ranks, &nranks)) < 0)
        goto cleanup;
    fprintf(fp, "{\n\"directed\": %s,\n\"multigraph\": false,\n\"graph\": {\"title\": ",
            net->directed ? "true" : "false");
    if (title) {
        if ((err = ccg__json_string(fp, &b, title)) < 0)
            goto cleanup;
    } else {
        fputs("null", fp);
    }
    fputs(", \"notes\": [", fp);
    for (size_t k = 0; k < net->n_notes; k++) {
        if (k)
            fputs(", ", fp);
        if ((err = ccg__json_string(fp, &b, net->notes[k])) < 0)
            goto cleanup;
    }
    fputs("]", fp);
    if (net->community_label) {
        fputs(", \"communities\": [", fp);
        for (size_t k = 0; k < net->n_communities; k++) {
            if (k)
                fputs(", ", fp);
            if ((err = ccg__json_string(fp, &b, net->community_label[k])) < 0)
                goto cleanup;
        }
        fputs("]", fp);
    }
    fputs("},\n\"nodes\": [", fp);
    for (size_t i = 0; i < net->n_nodes; i++) {
        unsigned char rgb[3];
        fputs(i ? ",\n{\"id\": " : "\n{\"id\": ", fp);
        if ((err = ccg__json_string(fp, &b, net->node_id[i])) < 0)
            goto cleanup;
        fputs(", \"label\": ", fp);
        if ((err = ccg__json_string(fp, &b, net->node_label[i])) < 0)
            goto cleanup;
        fputs(", \"type\": ", fp);
        if ((err = ccg__json_string(fp, &b, net->node_type[i])) < 0)
            goto cleanup;
        if (net->community)
            fprintf(fp, ", \"community\": %d", net->community[i]);
        fputs(", \"size\": ", fp);
        ccg__json_number(fp, ccg__node_size(net, max_size, i));
        ccg__node_rgb(net, ranks, nranks, i, rgb);
        fprintf(fp, ", \"color\": \"#%02x%02x%02x\"", rgb[0], rgb[1], rgb[2]);
        if (fr.has && isfinite(net->x[i]) && isfinite(net->y[i])) {
            fputs(", \"x\": ", fp);
            ccg__json_number(fp, ccg__fx(&fr, net->x[i]));
            fputs(", \"y\": ", fp);
            ccg__json_number(fp, ccg__fy(&fr, net->y[i]));
        }
        if (net->start) {
            fputs(", \"start\": ", fp);
            ccg__json_number(fp, net->start[i]);
        }
        for (size_t c = 0; c < net->n_node_cols; c++)
            if ((err = json_column(fp, &b, &net->node_cols[c], i)) < 0)
                goto cleanup;
        fputc('}', fp);
    }
    fputs("\n],\n\"links\": [", fp);
    for (size_t e = 0; e < net->n_edges; e++) {
        fputs(e ? ",\n{\"source\": " : "\n{\"source\": ", fp);
        if ((err = ccg__json_string(fp, &b, net->node_id[net->source[e]])) < 0)
            goto cleanup;
        fputs(", \"target\": ", fp);
        if ((err = ccg__json_string(fp, &b, net->node_id[net->target[e]])) < 0)
            goto cleanup;
        fputs(", \"weight\": ", fp);
        ccg__json_number(fp, net->weight[e]);
        if (net->edge_label && net->edge_label[e]) {
            fputs(", \"label\": ", fp);
            if ((err = ccg__json_string(fp, &b, net->edge_label[e])) < 0)
                goto cleanup;
        }
        for (size_t c = 0; c < net->n_edge_cols; c++)
            if ((err = json_column(fp, &b, &net->edge_cols[c], e)) < 0)
                goto cleanup;
        fputc('}', fp);
    }
    fputs("\n]\n}\n", fp);
cleanup:
    free(ranks);
    ccg__buf_free(&b);
    (void)a;
    return err;
}
