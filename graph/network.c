#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ccg_network.h"
#include "graph_internal.h"
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

static int copy_strings(char ***dst, char *const *src, const size_t *map, size_t n)
{
    if (!src)
        return 0;
    if (!(*dst = ccg__calloc(n ? n : 1, sizeof **dst)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (src[map[k]] && !((*dst)[k] = ccg__strdup(src[map[k]])))
            return ccg__err(CCG_ENOMEM, "out of memory");
    return 0;
}

static int copy_doubles(double **dst, const double *src, const size_t *map, size_t n)
{
    if (!src)
        return 0;
    if (!(*dst = ccg__malloc((n ? n : 1) * sizeof **dst)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        (*dst)[k] = src[map[k]];
    return 0;
}

static int copy_columns(ccg_column **dst, size_t *ndst, const ccg_column *src, size_t nsrc,
                        const size_t *map, size_t n)
{
    int err;
    for (size_t c = 0; c < nsrc; c++) {
        ccg_column *col;
        if ((err = add_column(dst, ndst, n, src[c].name, src[c].type, &col)) < 0)
            return err;
        for (size_t k = 0; k < n; k++) {
            switch (src[c].type) {
            case CCG_COL_STRING:
                if (src[c].s[map[k]] && !(col->s[k] = ccg__strdup(src[c].s[map[k]])))
                    return ccg__err(CCG_ENOMEM, "out of memory");
                break;
            case CCG_COL_INT:
            case CCG_COL_BOOL: col->i[k] = src[c].i[map[k]]; break;
            case CCG_COL_DOUBLE: col->d[k] = src[c].d[map[k]]; break;
            }
        }
    }
    return 0;
}

int ccg__network_select(const ccg_network *net, const bool *keep_node, const bool *keep_edge,
                        ccg_network **out)
{
    ccg_network *sub = NULL;
    size_t *nmap = NULL, *emap = NULL, *newidx = NULL;
    size_t nn = 0, ne = 0;
    int err = 0;

    nmap = ccg__malloc((net->n_nodes + 1) * sizeof *nmap);
    newidx = ccg__malloc((net->n_nodes + 1) * sizeof *newidx);
    emap = ccg__malloc((net->n_edges + 1) * sizeof *emap);
    if (!nmap || !newidx || !emap) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t v = 0; v < net->n_nodes; v++) {
        newidx[v] = nn;
        if (!keep_node || keep_node[v])
            nmap[nn++] = v;
    }
    for (size_t e = 0; e < net->n_edges; e++)
        if ((!keep_node || (keep_node[net->source[e]] && keep_node[net->target[e]])) &&
            (!keep_edge || keep_edge[e]))
            emap[ne++] = e;
    if ((err = ccg_network_new(&sub, net->kind, nn, ne)) < 0)
        goto cleanup;
    sub->directed = net->directed;
    if (net->title && !(sub->title = ccg__strdup(net->title))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    free(sub->node_id);
    free(sub->node_label);
    free(sub->node_type);
    free(sub->weight);
    sub->node_id = sub->node_label = sub->node_type = NULL;
    sub->weight = NULL;
    if ((err = copy_strings(&sub->node_id, net->node_id, nmap, nn)) < 0 ||
        (err = copy_strings(&sub->node_label, net->node_label, nmap, nn)) < 0 ||
        (err = copy_strings(&sub->node_type, net->node_type, nmap, nn)) < 0 ||
        (err = copy_doubles(&sub->size, net->size, nmap, nn)) < 0 ||
        (err = copy_doubles(&sub->x, net->x, nmap, nn)) < 0 ||
        (err = copy_doubles(&sub->y, net->y, nmap, nn)) < 0 ||
        (err = copy_doubles(&sub->start, net->start, nmap, nn)) < 0 ||
        (err = copy_doubles(&sub->weight, net->weight, emap, ne)) < 0 ||
        (err = copy_strings(&sub->edge_label, net->edge_label, emap, ne)) < 0 ||
        (err = copy_columns(&sub->node_cols, &sub->n_node_cols, net->node_cols,
                            net->n_node_cols, nmap, nn)) < 0 ||
        (err = copy_columns(&sub->edge_cols, &sub->n_edge_cols, net->edge_cols,
                            net->n_edge_cols, emap, ne)) < 0)
        goto cleanup;
    for (size_t k = 0; k < ne; k++) {
        sub->source[k] = (uint32_t)newidx[net->source[emap[k]]];
        sub->target[k] = (uint32_t)newidx[net->target[emap[k]]];
    }
    if (net->community) {
        if (!(sub->community = ccg__malloc((nn ? nn : 1) * sizeof *sub->community))) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        for (size_t k = 0; k < nn; k++)
            sub->community[k] = net->community[nmap[k]];
        if (net->n_communities) {
            size_t all = net->n_communities;
            size_t *ident = ccg__malloc(all * sizeof *ident);
            if (!ident) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
            for (size_t k = 0; k < all; k++)
                ident[k] = k;
            /* Counted before the copy, so a failure half-way frees what was copied. */
            sub->n_communities = all;
            err = copy_strings(&sub->community_label, net->community_label, ident, all);
            free(ident);
            if (err < 0)
                goto cleanup;
        }
    }
    for (size_t k = 0; k < net->n_notes; k++)
        if ((err = ccg_network_note(sub, "%s", net->notes[k])) < 0)
            goto cleanup;
    *out = sub;
    sub = NULL;
cleanup:
    ccg_network_free(sub);
    free(nmap);
    free(newidx);
    free(emap);
    return err;
}

int ccg__network_column(ccg_network *net, bool node, const char *name, ccg_column_type type,
                        ccg_column **out)
{
    ccg_column *cols = node ? net->node_cols : net->edge_cols;
    size_t n = node ? net->n_node_cols : net->n_edge_cols;
    for (size_t i = 0; i < n; i++)
        if (strcmp(cols[i].name, name) == 0 && cols[i].type == type) {
            *out = &cols[i];
            return 0;
        }
    return node ? ccg_network_add_node_column(net, name, type, out)
                : ccg_network_add_edge_column(net, name, type, out);
}

double ccg__column_value(const ccg_column *c, size_t k)
{
    switch (c->type) {
    case CCG_COL_DOUBLE: return c->d[k];
    case CCG_COL_INT:
    case CCG_COL_BOOL: return (double)c->i[k];
    default: return NAN;
    }
}

/* The ranking behind subgraph/top: descending by key, NaN last, ties by
 * index. Keys travel with their indices (C11's qsort has no user pointer),
 * so the graph's igraph thread can rank while the caller's thread works. */
typedef struct {
    double key;
    size_t index;
} ranked;

static int cmp_rank(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    bool nx = isnan(a->key), ny = isnan(b->key);
    if (nx != ny)
        return nx ? 1 : -1;
    if (!nx && a->key != b->key)
        return a->key > b->key ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int ccg__rank_nodes(const double *keys, size_t n, size_t top, bool *keep)
{
    ranked *order = ccg__malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        order[k] = (ranked){keys[k], k};
        keep[k] = false;
    }
    ccg__sort(order, n, sizeof *order, cmp_rank);
    for (size_t k = 0; k < n && k < top; k++)
        keep[order[k].index] = true;
    free(order);
    return 0;
}

int ccg_network_subgraph(const ccg_network *net, size_t top_n, ccg_network **out)
{
    bool *keep = NULL;
    double *keys = NULL;
    int err = 0;
    if (top_n == 0 || top_n >= net->n_nodes)
        return ccg__network_select(net, NULL, NULL, out);
    keep = ccg__malloc(net->n_nodes * sizeof *keep);
    keys = ccg__malloc(net->n_nodes * sizeof *keys);
    if (!keep || !keys) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t k = 0; k < net->n_nodes; k++)
        keys[k] = net->size ? net->size[k] : (double)(net->n_nodes - k);
    if ((err = ccg__rank_nodes(keys, net->n_nodes, top_n, keep)) < 0 ||
        (err = ccg__network_select(net, keep, NULL, out)) < 0)
        goto cleanup;
    err = ccg_network_note(*out, "drawn: top %zu of %zu nodes by size", top_n, net->n_nodes);
    if (err < 0) {
        ccg_network_free(*out);
        *out = NULL;
    }
cleanup:
    free(keep);
    free(keys);
    return err;
}

ccg_column *ccg__node_col(ccg_network *net, const char *name)
{
    return (ccg_column *)find_column(net->node_cols, net->n_node_cols, name);
}

ccg_column *ccg__edge_col(ccg_network *net, const char *name)
{
    return (ccg_column *)find_column(net->edge_cols, net->n_edge_cols, name);
}
