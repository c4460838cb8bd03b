/*
 * papers.c: the paper citation graph. Directed edges B -> A where B cites
 * A explicitly (record refs, and arXiv ids / DOIs written in B's abstract)
 * or uses a name A introduced ("uses", labelled with the names).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

/* A normalised work id -> node, sorted by key for bsearch. */
typedef struct {
    char *key;
    uint32_t node;
} id_entry;

typedef struct {
    id_entry *v;
    size_t n, cap;
} id_index;

static int cmp_id(const void *pa, const void *pb)
{
    const id_entry *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->node < b->node ? -1 : a->node > b->node);
}

static void idx_free(id_index *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i].key);
    free(x->v);
}

static bool has_prefix_ci(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if (tolower((unsigned char)*s) != *p)
            return false;
    return true;
}

/* Is s (len n) a new-style arXiv id "YYMM.NNNN(N)" with a valid month? */
static bool arxiv_shape(const char *s, size_t n)
{
    if (n != 9 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++)
        if (i == 4 ? s[i] != '.' : !isdigit((unsigned char)s[i]))
            return false;
    int month = (s[2] - '0') * 10 + (s[3] - '0');
    return month >= 1 && month <= 12;
}

/*
 * The comparable form of a work id: lower case, without a DOI/arXiv/
 * OpenAlex URL or prefix, without an arXiv version suffix. NULL on ENOMEM.
 */
static char *norm_ref(const char *ref)
{
    static const char *const prefixes[] = {
        "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
        "doi:", "https://arxiv.org/abs/", "http://arxiv.org/abs/", "arxiv:",
        "https://openalex.org/", "https://api.semanticscholar.org/",
    };
    while (isspace((unsigned char)*ref))
        ref++;
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
        if (has_prefix_ci(ref, prefixes[k])) {
            ref += strlen(prefixes[k]);
            break;
        }
    size_t n = strlen(ref);
    while (n && isspace((unsigned char)ref[n - 1]))
        n--;
    /* "2401.01234v2" -> "2401.01234" */
    size_t v = n;
    while (v && isdigit((unsigned char)ref[v - 1]))
        v--;
    if (v > 0 && v < n && (ref[v - 1] == 'v' || ref[v - 1] == 'V') && arxiv_shape(ref, v - 1))
        n = v - 1;
    char *s = ccg__strndup(ref, n);
    if (s)
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return s;
}

static int idx_add(id_index *x, const char *raw, uint32_t node)
{
    int err;
    if (!raw || !*raw)
        return 0;
    char *k = norm_ref(raw);
    if (!k)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if ((err = ccg__grow((void **)&x->v, &x->cap, x->n + 1, sizeof *x->v)) < 0) {
        free(k);
        return err;
    }
    x->v[x->n++] = (id_entry){k, node};
    return 0;
}

static uint32_t idx_find(const id_index *x, const char *key)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(x->v[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* First of equal keys: the earliest node with that id. */
    return lo < x->n && strcmp(x->v[lo].key, key) == 0 ? x->v[lo].node : UINT32_MAX;
}

/* One link before merging: entity UINT32_MAX = an explicit citation. */
typedef struct {
    uint64_t key; /* source << 32 | target */
    uint32_t entity;
} link;

static int cmp_link(const void *pa, const void *pb)
{
    const link *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    /* citation (UINT32_MAX) after names: names in entity (= name) order */
    return a->entity < b->entity ? -1 : a->entity > b->entity;
}

typedef struct {
    link *v;
    size_t n, cap;
} links;

static int add_link(links *L, uint32_t s, uint32_t t, uint32_t entity)
{
    int err;
    if (s == t)
        return 0;
    if ((err = ccg__grow((void **)&L->v, &L->cap, L->n + 1, sizeof *L->v)) < 0)
        return err;
    L->v[L->n++] = (link){(uint64_t)s << 32 | t, entity};
    return 0;
}

/* Resolves a reference of paper node s to a corpus paper, else to an
 * external node. With collect (first pass, external_refs), unresolved ids
 * are only gathered into ext, which is then sorted and numbered. */
typedef struct {
    links *L;
    const id_index *ids;
    id_index *ext;
    bool collect;
} resolver;

static int cite(resolver *R, uint32_t s, const char *ref)
{
    char *k = norm_ref(ref);
    int err = 0;
    if (!k)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (!*k)
        goto cleanup;
    uint32_t t = idx_find(R->ids, k);
    if (R->collect) {
        if (t == UINT32_MAX) {
            err = idx_add(R->ext, k, 0);
        }
        goto cleanup;
    }
    if (t == UINT32_MAX)
        t = idx_find(R->ext, k);
    if (t != UINT32_MAX)
        err = add_link(R->L, s, t, UINT32_MAX);
cleanup:
    free(k);
    return err;
}

/* arXiv ids ("arXiv:2401.01234", or a bare YYMM.NNNNN) and DOIs ("10.NNNN/...")
 * written in an abstract. */
static int cite_text(resolver *R, uint32_t s, const char *text)
{
    int err;
    for (const char *p = text; p && *p; p++) {
        if (p != text && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
            continue;
        size_t n = 0;
        if (isdigit((unsigned char)*p)) {
            if (p[0] == '1' && p[1] == '0' && p[2] == '.') {
                /* DOI: 10.<digits>/<non-space>, trailing punctuation trimmed */
                const char *q = p + 3;
                while (isdigit((unsigned char)*q))
                    q++;
                if (q - p < 7 || *q != '/')
                    continue;
                while (q[1] && !isspace((unsigned char)q[1]) && q[1] != '"' && q[1] != '<')
                    q++;
                while (q > p && strchr(".,;:)]}'", *q))
                    q--;
                n = (size_t)(q - p + 1);
            } else {
                while (n < 10 && (isdigit((unsigned char)p[n]) || p[n] == '.'))
                    n++;
                if (!arxiv_shape(p, n) || isdigit((unsigned char)p[n]))
                    continue;
            }
            char *ref = ccg__strndup(p, n);
            if (!ref)
                return ccg__err(CCG_ENOMEM, "out of memory");
            err = cite(R, s, ref);
            free(ref);
            if (err < 0)
                return err;
            p += n - 1;
        }
    }
    return 0;
}

/* A display label: the first name the paper introduces, else its title cut
 * to ~40 bytes at a space, else its id. */
static char *paper_label(const ccg_record *r, const ccg_annotation *a, const ccg_doc_entities *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].introduced)
            return ccg__strdup(a->entities[d->items[i].entity].name);
    if (!r->title || !*r->title)
        return ccg__strdup(r->id);
    size_t n = strlen(r->title);
    if (n <= 40)
        return ccg__strdup(r->title);
    size_t cut = 40;
    while (cut > 20 && r->title[cut] != ' ')
        cut--;
    while (cut && (r->title[cut] & 0xC0) == 0x80)
        cut--;
    char *s = ccg__malloc(cut + 4);
    if (s) {
        memcpy(s, r->title, cut);
        memcpy(s + cut, "...", 4);
    }
    return s;
}

static size_t intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            k++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return k;
}

/*
 * Co-citation and bibliographic coupling as edge columns on the existing
 * edges (a separate undirected graph would double the output): for edge
 * B -> A, "cocitation" = papers citing both B and A, "coupling" = works
 * cited by both. Only explicit citations count.
 */
static int citation_columns(ccg_network *net, const bool *is_cite, bool cocit, bool coup)
{
    size_t n = net->n_nodes, m = net->n_edges;
    size_t *ostart = ccg__calloc(n + 1, sizeof *ostart), *istart = ccg__calloc(n + 1, sizeof *istart);
    uint32_t *out = ccg__malloc((m + 1) * sizeof *out), *in = ccg__malloc((m + 1) * sizeof *in);
    size_t *fill = ccg__malloc((n + 1) * sizeof *fill);
    ccg_column *cc = NULL, *cp = NULL;
    int err = 0;
    if (!ostart || !istart || !out || !in || !fill) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t e = 0; e < m; e++)
        if (is_cite[e]) {
            ostart[net->source[e] + 1]++;
            istart[net->target[e] + 1]++;
        }
    for (size_t v = 0; v < n; v++) {
        ostart[v + 1] += ostart[v];
        istart[v + 1] += istart[v];
    }
    /* Edges are sorted by (source, target): out-lists come out sorted. */
    memcpy(fill, ostart, n * sizeof *fill);
    for (size_t e = 0; e < m; e++)
        if (is_cite[e])
            out[fill[net->source[e]]++] = net->target[e];
    memcpy(fill, istart, n * sizeof *fill);
    for (size_t e = 0; e < m; e++)
        if (is_cite[e])
            in[fill[net->target[e]]++] = net->source[e];
    for (size_t v = 0; v < n; v++)
        ccg__sort(in + istart[v], istart[v + 1] - istart[v], sizeof *in, ccg__cmp_u32);
    if ((cocit && (err = ccg_network_add_edge_column(net, "cocitation", CCG_COL_INT, NULL)) < 0) ||
        (coup && (err = ccg_network_add_edge_column(net, "coupling", CCG_COL_INT, NULL)) < 0))
        goto cleanup;
    cc = ccg__edge_col(net, "cocitation");
    cp = ccg__edge_col(net, "coupling");
    for (size_t e = 0; e < m; e++) {
        uint32_t s = net->source[e], t = net->target[e];
        if (cc)
            cc->i[e] = (int64_t)intersect(in + istart[s], istart[s + 1] - istart[s],
                                          in + istart[t], istart[t + 1] - istart[t]);
        if (cp)
            cp->i[e] = (int64_t)intersect(out + ostart[s], ostart[s + 1] - ostart[s],
                                          out + ostart[t], ostart[t + 1] - ostart[t]);
    }
cleanup:
    free(ostart);
    free(istart);
    free(out);
    free(in);
    free(fill);
    return err;
}

int ccg__build_papers(const ccg_corpus *c, const ccg_annotation *a,
                      const ccg_graph_options *o, const ccg__selection *sel,
                      ccg_network **out)
{
    id_index ids = {0}, ext = {0};
    links L = {0};
    ccg_network *net = NULL;
    uint32_t *node_of = NULL;
    bool *is_cite = NULL;
    size_t np = 0, n_ext = 0, ne = 0;
    ccg_buf b = CCG_BUF_INIT;
    int err = 0;

    if (!(node_of = ccg__malloc((c->n_records + 1) * sizeof *node_of)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t p = 0; p < c->n_records; p++) {
        node_of[p] = UINT32_MAX;
        if (!sel->paper_ok[p])
            continue;
        node_of[p] = (uint32_t)np++;
        const ccg_record *r = c->records[p];
        if ((err = idx_add(&ids, r->id, node_of[p])) < 0 ||
            (err = idx_add(&ids, r->doi, node_of[p])) < 0 ||
            (err = idx_add(&ids, r->arxiv_id, node_of[p])) < 0)
            goto cleanup;
    }
    ccg__sort(ids.v, ids.n, sizeof *ids.v, cmp_id);

    size_t n_cites = 0, n_uses = 0;
    resolver R = {&L, &ids, &ext, true};
    for (size_t p = 0; o->external_refs && p < c->n_records; p++) {
        const ccg_record *r = c->records[p];
        if (node_of[p] == UINT32_MAX)
            continue;
        for (size_t k = 0; k < r->n_refs; k++)
            if ((err = cite(&R, node_of[p], r->refs[k])) < 0)
                goto cleanup;
        if ((err = cite_text(&R, node_of[p], r->abstract)) < 0)
            goto cleanup;
    }
    /* External works: sorted by id, one node each, after the papers. */
    ccg__sort(ext.v, ext.n, sizeof *ext.v, cmp_id);
    for (size_t i = 0; i < ext.n; i++) {
        if (n_ext && strcmp(ext.v[i].key, ext.v[n_ext - 1].key) == 0) {
            free(ext.v[i].key);
            continue;
        }
        ext.v[n_ext] = ext.v[i];
        ext.v[n_ext].node = (uint32_t)(np + n_ext);
        n_ext++;
    }
    ext.n = n_ext;
    R.collect = false;
    for (size_t p = 0; p < c->n_records; p++) {
        uint32_t s = node_of[p];
        if (s == UINT32_MAX)
            continue;
        const ccg_record *r = c->records[p];
        for (size_t k = 0; k < r->n_refs; k++)
            if ((err = cite(&R, s, r->refs[k])) < 0)
                goto cleanup;
        if ((err = cite_text(&R, s, r->abstract)) < 0)
            goto cleanup;
        /* Inferred uses: s mentions a name that an earlier paper introduced. */
        int ds = ccg__record_date(r);
        for (size_t i = 0; i < a->docs[p].n; i++) {
            const ccg_doc_entity *d = &a->docs[p].items[i];
            const ccg_entity *en = &a->entities[d->entity];
            if (d->introduced || en->introduced_by < 0 ||
                (size_t)en->introduced_by >= c->n_records)
                continue;
            if (o->types && !(o->types & (1u << en->type)))
                continue;
            uint32_t t = node_of[en->introduced_by];
            int dt = ccg__record_date(c->records[en->introduced_by]);
            if (t == UINT32_MAX || t == s || (ds && dt && dt > ds))
                continue;
            if ((err = add_link(&L, s, t, d->entity)) < 0)
                goto cleanup;
        }
    }
    ccg__sort(L.v, L.n, sizeof *L.v, cmp_link);
    for (size_t k = 0; k < L.n; k++)
        ne += k == 0 || L.v[k].key != L.v[k - 1].key;
    if ((err = ccg_network_new(&net, CCG_NET_PAPERS, np + n_ext, ne)) < 0 ||
        (err = ccg_network_add_node_column(net, "title", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "date", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "introduces", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "n_refs", CCG_COL_INT, NULL)) < 0 ||
        (err = ccg_network_add_edge_column(net, "kind", CCG_COL_STRING, NULL)) < 0)
        goto cleanup;
    if (!(net->edge_label = ccg__calloc(ne + 1, sizeof *net->edge_label)) ||
        !(net->start = ccg__malloc((np + n_ext + 1) * sizeof *net->start)) ||
        !(is_cite = ccg__calloc(ne + 1, sizeof *is_cite)))
        goto nomem;
    ccg_column *title = ccg__node_col(net, "title"), *date = ccg__node_col(net, "date"),
               *intro = ccg__node_col(net, "introduces"), *nrefs = ccg__node_col(net, "n_refs"),
               *kind = ccg__edge_col(net, "kind");
    for (size_t p = 0; p < c->n_records; p++) {
        uint32_t v = node_of[p];
        if (v == UINT32_MAX)
            continue;
        const ccg_record *r = c->records[p];
        int d = ccg__record_date(r);
        char buf[16];
        ccg__buf_clear(&b);
        for (size_t i = 0; i < a->docs[p].n; i++)
            if (a->docs[p].items[i].introduced &&
                ccg__buf_printf(&b, "%s%s", b.len ? "; " : "",
                                a->entities[a->docs[p].items[i].entity].name) < 0)
                goto nomem;
        if (d % 100)
            snprintf(buf, sizeof buf, "%04d-%02d", d / 100, d % 100);
        else
            snprintf(buf, sizeof buf, "%04d", d / 100);
        if (!(net->node_id[v] = ccg__strdup(r->id)) ||
            !(net->node_label[v] = paper_label(r, a, &a->docs[p])) ||
            !(net->node_type[v] = ccg__strdup("paper")) ||
            (r->title && !(title->s[v] = ccg__strdup(r->title))) ||
            (d && !(date->s[v] = ccg__strdup(buf))) ||
            (b.len && !(intro->s[v] = ccg__buf_detach(&b))))
            goto nomem;
        nrefs->i[v] = (int64_t)r->n_refs;
        net->start[v] = ccg__decimal_year(d);
    }
    for (size_t i = 0; i < ext.n; i++) {
        uint32_t v = ext.v[i].node;
        if (!(net->node_id[v] = ccg__strdup(ext.v[i].key)) ||
            !(net->node_label[v] = ccg__strdup(ext.v[i].key)) ||
            !(net->node_type[v] = ccg__strdup("external")))
            goto nomem;
        net->start[v] = NAN;
    }
    for (size_t k = 0, e = 0; k < L.n; e++) {
        size_t j = k;
        bool cites = false;
        size_t names = 0;
        ccg__buf_clear(&b);
        for (; j < L.n && L.v[j].key == L.v[k].key; j++) {
            if (L.v[j].entity == UINT32_MAX) {
                cites = true;
            } else if (j == k || L.v[j].entity != L.v[j - 1].entity) {
                names++;
                if (ccg__buf_printf(&b, "%s%s", b.len ? "; " : "",
                                    a->entities[L.v[j].entity].name) < 0)
                    goto nomem;
            }
        }
        net->source[e] = (uint32_t)(L.v[k].key >> 32);
        net->target[e] = (uint32_t)L.v[k].key;
        /* weight: 1 for a citation, plus 1 per name used */
        net->weight[e] = (double)(cites + names);
        is_cite[e] = cites;
        n_cites += cites;
        n_uses += names > 0;
        if ((names && !(net->edge_label[e] = ccg__buf_detach(&b))) ||
            !(kind->s[e] = ccg__strdup(cites && names ? "cites+uses" : cites ? "cites" : "uses")))
            goto nomem;
        k = j;
    }
    if ((o->cocitation || o->coupling) &&
        (err = citation_columns(net, is_cite, o->cocitation, o->coupling)) < 0)
        goto cleanup;
    if ((err = ccg_network_note(net, "links: %zu with an explicit citation, %zu inferred from "
                                     "names introduced earlier%s",
                                n_cites, n_uses,
                                n_ext ? "; cited works outside the corpus as nodes" : "")) < 0)
        goto cleanup;
    *out = net;
    net = NULL;
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg__buf_free(&b);
    ccg_network_free(net);
    idx_free(&ids);
    idx_free(&ext);
    free(L.v);
    free(node_of);
    free(is_cite);
    return err;
}
