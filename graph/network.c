#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ccg_network.h"
#include "util.h"

int ccg_network_new(ccg_network **out, ccg_network_kind kind, size_t n_nodes, size_t n_edges)
{
    ccg_network *net = ccg__calloc(1, sizeof *net);
    if (!net)
        return ccg__err(CCG_ENOMEM, "out of memory");
    net->kind = kind;
    net->directed = kind == CCG_NET_PAPERS;
    net->n_nodes = n_nodes;
    net->n_edges = n_edges;
    net->node_id = ccg__calloc(n_nodes, sizeof *net->node_id);
    net->node_label = ccg__calloc(n_nodes, sizeof *net->node_label);
    net->node_type = ccg__calloc(n_nodes, sizeof *net->node_type);
    net->source = ccg__calloc(n_edges, sizeof *net->source);
    net->target = ccg__calloc(n_edges, sizeof *net->target);
    net->weight = ccg__calloc(n_edges, sizeof *net->weight);
    if (!net->node_id || !net->node_label || !net->node_type || !net->source ||
        !net->target || !net->weight) {
        ccg_network_free(net);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    *out = net;
    return 0;
}

static void free_strings(char **s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

static void free_columns(ccg_column *cols, size_t ncols, size_t n)
{
    for (size_t c = 0; c < ncols; c++) {
        free(cols[c].name);
        free_strings(cols[c].s, n);
        free(cols[c].i);
        free(cols[c].d);
    }
    free(cols);
}

void ccg_network_free(ccg_network *net)
{
    if (!net)
        return;
    free(net->title);
    free_strings(net->node_id, net->n_nodes);
    free_strings(net->node_label, net->n_nodes);
    free_strings(net->node_type, net->n_nodes);
    free(net->community);
    free(net->size);
    free(net->x);
    free(net->y);
    free(net->start);
    free(net->source);
    free(net->target);
    free(net->weight);
    free_strings(net->edge_label, net->n_edges);
    free_columns(net->node_cols, net->n_node_cols, net->n_nodes);
    free_columns(net->edge_cols, net->n_edge_cols, net->n_edges);
    free_strings(net->community_label, net->n_communities);
    free_strings(net->notes, net->n_notes);
    free(net);
}

static int add_column(ccg_column **cols, size_t *ncols, size_t n, const char *name,
                      ccg_column_type type, ccg_column **out)
{
    ccg_column *nc = ccg__realloc(*cols, (*ncols + 1) * sizeof *nc);
    if (!nc)
        return ccg__err(CCG_ENOMEM, "out of memory");
    *cols = nc;
    ccg_column *c = &nc[*ncols];
    memset(c, 0, sizeof *c);
    c->name = ccg__strdup(name);
    c->type = type;
    switch (type) {
    case CCG_COL_STRING: c->s = ccg__calloc(n, sizeof *c->s); break;
    case CCG_COL_INT:
    case CCG_COL_BOOL: c->i = ccg__calloc(n, sizeof *c->i); break;
    case CCG_COL_DOUBLE:
        c->d = ccg__calloc(n, sizeof *c->d);
        for (size_t k = 0; c->d && k < n; k++)
            c->d[k] = NAN;
        break;
    }
    if (!c->name || (!c->s && !c->i && !c->d)) {
        free(c->name);
        free(c->s);
        free(c->i);
        free(c->d);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    (*ncols)++;
    if (out)
        *out = c;
    return 0;
}

int ccg_network_add_node_column(ccg_network *net, const char *name, ccg_column_type type,
                                ccg_column **out)
{
    return add_column(&net->node_cols, &net->n_node_cols, net->n_nodes, name, type, out);
}

int ccg_network_add_edge_column(ccg_network *net, const char *name, ccg_column_type type,
                                ccg_column **out)
{
    return add_column(&net->edge_cols, &net->n_edge_cols, net->n_edges, name, type, out);
}

static const ccg_column *find_column(const ccg_column *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cols[i].name, name) == 0)
            return &cols[i];
    return NULL;
}

const ccg_column *ccg_network_node_column(const ccg_network *net, const char *name)
{
    return find_column(net->node_cols, net->n_node_cols, name);
}

const ccg_column *ccg_network_edge_column(const ccg_network *net, const char *name)
{
    return find_column(net->edge_cols, net->n_edge_cols, name);
}

int ccg_network_note(ccg_network *net, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char **nn = ccg__realloc(net->notes, (net->n_notes + 1) * sizeof *nn);
    if (!nn)
        return ccg__err(CCG_ENOMEM, "out of memory");
    net->notes = nn;
    if (!(nn[net->n_notes] = ccg__strdup(line)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    net->n_notes++;
    return 0;
}
