#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * VOSviewer Online's JSON network format (VOSviewer 1.6.17+ and VOSviewer
 * Online): {"network": {"items": [...], "links": [...]}, "config": {...}}.
 * Items have a positive integer id, label, x, y, a 1-based cluster,
 * "weights" (which VOSviewer can size items by) and "scores" (which it can
 * colour items by); links have source_id, target_id and strength.
 * VOSviewer draws y upwards, as our frame does. No item "description":
 * VOSviewer Online renders it as HTML, and nothing here needs markup.
 */

/* Every number column is offered as a weight (papers, degree …) if it is a
 * count, and as a score if it is a real-valued metric. */
static void item_numbers(FILE *fp, const ccg_network *net, size_t i, bool want_counts,
                         const double *links, const double *strength)
{
    bool first = true;
    if (want_counts) {
        fprintf(fp, "\"Links\": %.0f", links[i]);
        fputs(", \"Total link strength\": ", fp);
        ccg__json_number(fp, strength[i]);
        first = false;
    } else if (net->start && isfinite(net->start[i])) {
        fputs("\"First seen\": ", fp);
        ccg__json_number(fp, net->start[i]);
        first = false;
    }
    for (size_t c = 0; c < net->n_node_cols; c++) {
        const ccg_column *col = &net->node_cols[c];
        bool count = col->type == CCG_COL_INT;
        if (count != want_counts || (col->type != CCG_COL_INT && col->type != CCG_COL_DOUBLE))
            continue;
        double v = count ? (double)col->i[i] : col->d[i];
        if (!isfinite(v))
            continue;
        ccg_buf b = CCG_BUF_INIT;
        fputs(first ? "" : ", ", fp);
        /* VOSviewer calls a concept's paper count "Occurrences". Other names
         * are the graph layer's ASCII identifiers; escaped anyway. */
        if (strcmp(col->name, "papers") == 0 && net->kind != CCG_NET_PAPERS)
            fputs("\"Occurrences\"", fp);
        else if (ccg__json_string(fp, &b, col->name) < 0)
            fputs("\"?\"", fp);
        ccg__buf_free(&b);
        fputs(": ", fp);
        ccg__json_number(fp, v);
        first = false;
    }
}

int ccg__export_vosviewer(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                          const ccg_export_options *o)
{
    int err = 0;
    ccg_buf b = CCG_BUF_INIT;
    double *links = NULL, *strength = NULL;
    ccg_frame fr;
    ccg__frame(net, &fr);

    links = ccg__calloc(net->n_nodes + 1, sizeof *links);
    strength = ccg__calloc(net->n_nodes + 1, sizeof *strength);
    if (!links || !strength) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        links[net->source[e]]++;
        links[net->target[e]]++;
        strength[net->source[e]] += net->weight[e];
        strength[net->target[e]] += net->weight[e];
    }

    fputs("{\n\"network\": {\n\"items\": [", fp);
    for (size_t i = 0; i < net->n_nodes; i++) {
        fprintf(fp, "%s{\"id\": %zu, \"label\": ", i ? ",\n" : "\n", i + 1);
        if ((err = ccg__json_string(fp, &b, net->node_label[i])) < 0)
            goto cleanup;
        if (fr.has && isfinite(net->x[i]) && isfinite(net->y[i])) {
            /* VOSviewer's own layouts span a few units: divide the frame. */
            fputs(", \"x\": ", fp);
            ccg__json_number(fp, round(ccg__fx(&fr, net->x[i])) / 100);
            fputs(", \"y\": ", fp);
            ccg__json_number(fp, round(ccg__fy(&fr, net->y[i])) / 100);
        }
        if (net->community && net->community[i] >= 0)
            fprintf(fp, ", \"cluster\": %d", net->community[i] + 1);
        fputs(", \"weights\": {", fp);
        item_numbers(fp, net, i, true, links, strength);
        fputs("}, \"scores\": {", fp);
        item_numbers(fp, net, i, false, links, strength);
        fputs("}}", fp);
    }
    fputs("\n],\n\"links\": [", fp);
    for (size_t e = 0; e < net->n_edges; e++) {
        fprintf(fp, "%s{\"source_id\": %u, \"target_id\": %u, \"strength\": ", e ? ",\n" : "\n",
                (unsigned)net->source[e] + 1, (unsigned)net->target[e] + 1);
        ccg__json_number(fp, net->weight[e]);
        fputc('}', fp);
    }
    fputs("\n]\n},\n\"config\": {\"terminology\": {", fp);
    if (net->kind == CCG_NET_PAPERS)
        fputs("\"item\": \"Paper\", \"items\": \"Papers\", \"link\": \"Citation link\", "
              "\"links\": \"Citation links\"",
              fp);
    else
        fputs("\"item\": \"Concept\", \"items\": \"Concepts\", \"link\": \"Co-mention link\", "
              "\"links\": \"Co-mention links\"",
              fp);
    fputs("}}\n}\n", fp);
cleanup:
    free(links);
    free(strength);
    ccg__buf_free(&b);
    (void)a;
    return err;
}
