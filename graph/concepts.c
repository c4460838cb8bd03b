/*
 * concepts.c: the entity co-mention graph (weights, provenance, evidence)
 * and the bipartite paper-entity graph.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

/* Pair -> edge index, open addressing on the key (a << 32 | b), a < b. */
typedef struct {
    uint64_t *keys;  /* UINT64_MAX = empty */
    uint32_t *vals;
    size_t cap, n;
} pair_map;

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static int pm_grow(pair_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *keys = ccg__malloc(cap * sizeof *keys);
    uint32_t *vals = ccg__malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    memset(keys, 0xff, cap * sizeof *keys);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == UINT64_MAX)
            continue;
        size_t h = mix(m->keys[i]) & (cap - 1);
        while (keys[h] != UINT64_MAX)
            h = (h + 1) & (cap - 1);
        keys[h] = m->keys[i];
        vals[h] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

/* Finds the key; if absent inserts it with value *val (and sets *isnew). */
static int pm_get(pair_map *m, uint64_t key, uint32_t *val, bool *isnew)
{
    int err;
    if ((m->n + 1) * 2 > m->cap && (err = pm_grow(m)) < 0)
        return err;
    size_t h = mix(key) & (m->cap - 1);
    while (m->keys[h] != UINT64_MAX) {
        if (m->keys[h] == key) {
            *val = m->vals[h];
            *isnew = false;
            return 0;
        }
        h = (h + 1) & (m->cap - 1);
    }
    m->keys[h] = key;
    m->vals[h] = *val;
    m->n++;
    *isnew = true;
    return 0;
}

typedef struct {
    uint64_t key;
    uint32_t count;      /* papers */
    uint32_t last_paper; /* dedup within a paper (sentence window) */
    double frac;         /* fractional count */
    uint32_t ev_paper, ev_sent;
    uint32_t ev_off;     /* byte offset of a mention of an end in it, or UINT32_MAX */
    bool ev_shared;      /* evidence sentence names both */
} pair_acc;

typedef struct {
    uint32_t edge, paper;
} instance;

typedef struct {
    pair_acc *pairs;
    size_t n_pairs, cap_pairs;
    instance *inst;
    size_t n_inst, cap_inst;
    pair_map map;
} acc;

static void acc_free(acc *A)
{
    free(A->pairs);
    free(A->inst);
    free(A->map.keys);
    free(A->map.vals);
}

/* First sentence both doc entities are mentioned in, or UINT32_MAX. */
static uint32_t shared_sentence(const ccg_doc_entity *x, const ccg_doc_entity *y)
{
    if (!x->sentences || !y->sentences)
        return UINT32_MAX;
    size_t i = 0, j = 0;
    while (i < x->count && j < y->count) {
        if (x->sentences[i] == y->sentences[j])
            return x->sentences[i];
        if (x->sentences[i] < y->sentences[j])
            i++;
        else
            j++;
    }
    return UINT32_MAX;
}

/* Offset of d's first mention in sentence s (UINT32_MAX if unknown). */
static uint32_t mention_in(const ccg_doc_entity *d, uint32_t s)
{
    for (size_t k = 0; d->spans && d->sentences && k < d->count; k++)
        if (d->sentences[k] == s)
            return d->spans[2 * k];
    return UINT32_MAX;
}

static int add_pair(acc *A, uint32_t a, uint32_t b, uint32_t paper, double frac,
                    const ccg_doc_entity *da, const ccg_doc_entity *db, uint32_t sent)
{
    int err;
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
        const ccg_doc_entity *dt = da;
        da = db;
        db = dt;
    }
    uint64_t key = (uint64_t)a << 32 | b;
    uint32_t e = (uint32_t)A->n_pairs;
    bool isnew;
    if ((err = pm_get(&A->map, key, &e, &isnew)) < 0)
        return err;
    if (isnew) {
        if ((err = ccg__grow((void **)&A->pairs, &A->cap_pairs, A->n_pairs + 1,
                             sizeof *A->pairs)) < 0)
            return err;
        pair_acc *p = &A->pairs[A->n_pairs++];
        memset(p, 0, sizeof *p);
        p->key = key;
        p->last_paper = UINT32_MAX;
        p->ev_paper = UINT32_MAX;
    }
    pair_acc *p = &A->pairs[e];
    if (p->last_paper == paper)
        return 0;
    p->last_paper = paper;
    p->count++;
    p->frac += frac;
    if (!p->ev_shared) {
        uint32_t s = sent != UINT32_MAX ? sent : shared_sentence(da, db);
        if (s != UINT32_MAX) {
            p->ev_paper = paper;
            p->ev_sent = s;
            p->ev_off = mention_in(da, s);
            p->ev_shared = true;
        } else if (p->ev_paper == UINT32_MAX) {
            uint32_t sa = da->sentences && da->count ? da->sentences[0] : 0;
            uint32_t sb = db->sentences && db->count ? db->sentences[0] : 0;
            p->ev_paper = paper;
            p->ev_sent = sa < sb ? sa : sb;
            p->ev_off = mention_in(sa < sb ? da : db, p->ev_sent);
        }
    }
    if ((err = ccg__grow((void **)&A->inst, &A->cap_inst, A->n_inst + 1, sizeof *A->inst)) < 0)
        return err;
    A->inst[A->n_inst++] = (instance){e, paper};
    return 0;
}

/* (sentence, position in doc->items) for the sentence window. */
typedef struct {
    uint32_t sent, item;
} sent_item;

static int cmp_sent_item(const void *pa, const void *pb)
{
    const sent_item *a = pa, *b = pb;
    if (a->sent != b->sent)
        return a->sent < b->sent ? -1 : 1;
    return a->item < b->item ? -1 : a->item > b->item;
}

static int paper_pairs(acc *A, const ccg_doc_entities *doc, const uint32_t *node_of,
                       uint32_t paper, const ccg_graph_options *o, sent_item **scratch,
                       size_t *scratch_cap)
{
    int err;
    size_t n = 0;
    for (size_t i = 0; i < doc->n; i++)
        n += node_of[doc->items[i].entity] != UINT32_MAX;
    if (n < 2)
        return 0;
    /* Fractional counting (Perianes-Rodriguez, Waltman & van Eck 2016):
     * each pair of a paper with n entities counts 1/(n-1), so each entity's
     * links from one paper sum to 1. */
    double frac = 1.0 / (double)(n - 1);
    if (o->window == CCG_WINDOW_PAPER) {
        for (size_t i = 0; i < doc->n; i++) {
            uint32_t a = node_of[doc->items[i].entity];
            if (a == UINT32_MAX)
                continue;
            for (size_t j = i + 1; j < doc->n; j++) {
                uint32_t b = node_of[doc->items[j].entity];
                if (b == UINT32_MAX || b == a)
                    continue;
                if ((err = add_pair(A, a, b, paper, frac, &doc->items[i], &doc->items[j],
                                    UINT32_MAX)) < 0)
                    return err;
            }
        }
        return 0;
    }
    size_t m = 0;
    for (size_t i = 0; i < doc->n; i++)
        if (node_of[doc->items[i].entity] != UINT32_MAX && doc->items[i].sentences)
            m += doc->items[i].count;
    if ((err = ccg__grow((void **)scratch, scratch_cap, m + 1, sizeof **scratch)) < 0)
        return err;
    sent_item *si = *scratch;
    m = 0;
    for (size_t i = 0; i < doc->n; i++) {
        const ccg_doc_entity *d = &doc->items[i];
        if (node_of[d->entity] == UINT32_MAX || !d->sentences)
            continue;
        for (size_t k = 0; k < d->count; k++)
            si[m++] = (sent_item){d->sentences[k], (uint32_t)i};
    }
    ccg__sort(si, m, sizeof *si, cmp_sent_item);
    for (size_t s = 0; s < m;) {
        size_t t = s;
        while (t < m && si[t].sent == si[s].sent)
            t++;
        for (size_t i = s; i < t; i++)
            for (size_t j = i + 1; j < t; j++) {
                if (si[i].item == si[j].item)
                    continue;
                const ccg_doc_entity *da = &doc->items[si[i].item], *db = &doc->items[si[j].item];
                uint32_t a = node_of[da->entity], b = node_of[db->entity];
                if (a == b)
                    continue;
                if ((err = add_pair(A, a, b, paper, frac, da, db, si[s].sent)) < 0)
                    return err;
            }
        s = t;
    }
    return 0;
}

/* The ids of papers[0..n-1] joined by ';' (one allocation: this runs for
 * every edge). NULL on ENOMEM. */
static char *join_ids(const ccg_corpus *c, const uint32_t *papers, size_t n)
{
    size_t len = 0;
    for (size_t j = 0; j < n; j++)
        len += strlen(c->records[papers[j]]->id) + 1;
    char *s = ccg__malloc(len + 1), *q = s;
    if (!s)
        return NULL;
    for (size_t j = 0; j < n; j++) {
        size_t l = strlen(c->records[papers[j]]->id);
        if (j)
            *q++ = ';';
        memcpy(q, c->records[papers[j]]->id, l);
        q += l;
    }
    *q = '\0';
    return s;
}

/* A record's text as ccg_record_text() lays it out (title, "\n\n",
 * abstract), read in place: evidence needs a few sentences of many papers,
 * and copying every text cost more than the sentences. */
typedef struct {
    const char *t, *a;
    size_t tl, gap, len;
} vtext;

static vtext vtext_of(const ccg_record *r)
{
    vtext v = {r->title ? r->title : "", r->abstract ? r->abstract : "", 0, 0, 0};
    v.tl = strlen(v.t);
    size_t al = strlen(v.a);
    v.gap = v.tl && al ? 2 : 0;
    v.len = v.tl + v.gap + al;
    return v;
}

static unsigned char vtext_at(const vtext *v, size_t k)
{
    if (k < v->tl)
        return (unsigned char)v->t[k];
    if (k < v->tl + v->gap)
        return '\n';
    return (unsigned char)v->a[k - v->tl - v->gap];
}

/* An excerpt being written: whitespace collapsed, cut with "..." at the
 * first character that starts at or past byte 403. Room for 403 bytes, a
 * space and a 4-byte character (the last may start at 402), "..." and NUL. */
#define EXCERPT_CUT 403
#define EXCERPT_SIZE (EXCERPT_CUT + 1 + 4 + 3 + 1)
typedef struct {
    char *buf, *q;
    bool space; /* whitespace seen since the last byte written */
    bool cut;
} excerpt;

/* Adds the bytes p..end (one piece of the record's text) to x. The state is
 * kept in locals: stores through q could alias x's fields, and reloading
 * them made this loop 17 instructions a byte (callgrind). */
static void excerpt_add(excerpt *x, const char *p, const char *end)
{
    char *const buf = x->buf;
    char *q = x->q;
    bool space = x->space;
    if (x->cut)
        return;
    /* Each byte in writes at most one byte out (a space stands for the
     * whitespace before it; one may be pending from the piece before):
     * when the bytes left fit below the cut, no byte needs the cut test.
     * Most sentences are shorter. */
    if (end - p <= EXCERPT_CUT - (q - buf) - space) {
        for (; p < end; p++) {
            unsigned char ch = (unsigned char)*p;
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                space = q > buf;
                continue;
            }
            if (space)
                *q++ = ' ';
            *q++ = (char)ch;
            space = false;
        }
    }
    for (; p < end; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
            space = q > buf;
            continue;
        }
        if (q - buf >= EXCERPT_CUT && (ch & 0xC0) != 0x80) {
            memcpy(q, "...", 3);
            x->q = q + 3;
            x->cut = true;
            return;
        }
        if (space)
            *q++ = ' ';
        *q++ = (char)ch;
        space = false;
    }
    x->q = q;
    x->space = space;
}

/* The sentence s of the text, whitespace collapsed, at most ~400 bytes: a
 * longer one is cut at UTF-8 boundaries, with "...", to a window that starts
 * about 100 bytes before the mention at offset off (if known), so the
 * excerpt still names an end of the edge. *out = NULL if the sentence is
 * unknown. Returns 0 or CCG_ENOMEM. */
static int sentence_text(const vtext *v, const ccg_doc_entities *doc, uint32_t s, uint32_t off,
                         char **out)
{
    *out = NULL;
    if (!doc->sentence_starts || s >= doc->n_sentences)
        return 0;
    size_t from = doc->sentence_starts[s];
    size_t to = s + 1 < doc->n_sentences ? doc->sentence_starts[s + 1] : v->len;
    if (from > v->len || to > v->len || from >= to)
        return 0;
    excerpt x = {ccg__malloc(EXCERPT_SIZE), NULL, false, false};
    if (!(x.q = x.buf))
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (off != UINT32_MAX && off >= from + 300 && off < to) {
        from = off - 100;
        while (from < off && (vtext_at(v, from) & 0xC0) == 0x80)
            from++;
        memcpy(x.q, "...", 3);
        x.q += 3;
    }
    /* The three pieces of the text (title, gap, abstract) that from..to covers. */
    size_t gap_end = v->tl + v->gap;
    if (from < v->tl)
        excerpt_add(&x, v->t + from, v->t + (to < v->tl ? to : v->tl));
    if (from < gap_end && to > v->tl)
        excerpt_add(&x, "\n\n", &"\n\n"[(to < gap_end ? to : gap_end) - v->tl]);
    if (to > gap_end)
        excerpt_add(&x, v->a + (from > gap_end ? from - gap_end : 0), v->a + (to - gap_end));
    *x.q = '\0';
    *out = x.buf;
    return 0;
}

/* Edge column "evidence" (ev, one string per edge): each edge's evidence
 * sentence, visited grouped by evidence paper. edge_pair: the pair of each
 * edge. Reads the corpus, annotation and pairs only, so it runs on a thread
 * of its own (evidence_run) beside the other columns. */
static int fill_evidence(char **ev, const ccg_corpus *c, const ccg_annotation *a,
                         const pair_acc *pairs, const uint32_t *edge_pair, size_t ne)
{
    uint32_t *order = NULL;
    size_t *bucket = NULL;
    vtext v = {0};
    uint32_t cur = UINT32_MAX, last = UINT32_MAX;
    int err = 0;
    /* Edges by evidence paper (a counting sort: stable, O(n + m)). */
    if (!(bucket = ccg__calloc(c->n_records + 2, sizeof *bucket)) ||
        !(order = ccg__malloc((ne + 1) * sizeof *order))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t e = 0; e < ne; e++) {
        uint32_t p = pairs[edge_pair[e]].ev_paper;
        bucket[(p == UINT32_MAX ? c->n_records : p) + 1]++;
    }
    for (size_t p = 0; p <= c->n_records; p++)
        bucket[p + 1] += bucket[p];
    for (size_t e = 0; e < ne; e++) {
        uint32_t p = pairs[edge_pair[e]].ev_paper;
        order[bucket[p == UINT32_MAX ? c->n_records : p]++] = (uint32_t)e;
    }
    for (size_t k = 0; k < ne; k++) {
        size_t e = order[k];
        const pair_acc *p = &pairs[edge_pair[e]];
        if (p->ev_paper == UINT32_MAX)
            continue;
        if (p->ev_paper != cur) {
            v = vtext_of(c->records[p->ev_paper]);
            cur = p->ev_paper;
            last = UINT32_MAX;
        }
        /* Edges of one paper often share the sentence (and the mention). */
        if (last != UINT32_MAX && pairs[edge_pair[last]].ev_sent == p->ev_sent &&
            pairs[edge_pair[last]].ev_off == p->ev_off && ev[last]) {
            if (!(ev[e] = ccg__strdup(ev[last]))) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
        } else if ((err = sentence_text(&v, &a->docs[p->ev_paper], p->ev_sent, p->ev_off,
                                        &ev[e])) < 0) {
            goto cleanup;
        }
        last = (uint32_t)e;
    }
cleanup:
    free(bucket);
    free(order);
    return err;
}

typedef struct {
    char **ev;
    const ccg_corpus *c;
    const ccg_annotation *a;
    const pair_acc *pairs;
    const uint32_t *edge_pair;
    size_t ne;
    double seconds; /* CPU time of the thread */
    int err;
    char msg[256];  /* the error message is the thread's own */
} evidence_job;

static void *evidence_run(void *arg)
{
    evidence_job *j = arg;
    double t = ccg__now();
    j->err = fill_evidence(j->ev, j->c, j->a, j->pairs, j->edge_pair, j->ne);
    if (j->err < 0)
        snprintf(j->msg, sizeof j->msg, "%s", ccg_error_last());
    j->seconds = ccg__now() - t;
    return NULL;
}

/* A mention of node v in a paper of date d (YYYYMM, month 0 when unknown,
 * always > 0) as the key v << 32 | d: sorting keys sorts by node, then date. */
static uint64_t dated(uint32_t v, int d)
{
    return (uint64_t)v << 32 | (uint32_t)d;
}

static uint32_t dated_node(uint64_t k)
{
    return (uint32_t)(k >> 32);
}

static int dated_date(uint64_t k)
{
    return (int)(uint32_t)k;
}

static int month_index(int date)
{
    int m = date % 100;
    /* An unknown month counts as mid-year for the rising score. */
    return (date / 100) * 12 + (m ? m - 1 : 5);
}

/* Decimal digits of v at q, at least width of them (zero-padded): "%0*zu".
 * Returns the end. These strings are made for every node and month, and
 * snprintf cost 5,000 instructions each (callgrind). */
static char *put_digits(char *q, size_t v, int width)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (width-- > n)
        *q++ = '0';
    while (n)
        *q++ = d[--n];
    return q;
}

/* "YYYY" or "YYYY-MM" ("%04d-%02d") of a date > 0 at q; returns the end. */
static char *put_date(char *q, int date)
{
    q = put_digits(q, (size_t)(date / 100), 4);
    if (date % 100) {
        *q++ = '-';
        q = put_digits(q, (size_t)(date % 100), 2);
    }
    return q;
}

static char *fmt_date(int date)
{
    char buf[32];
    *put_date(buf, date) = '\0';
    return ccg__strdup(buf);
}

/* Appends ";" (unless first) "DATE:count" to b: one papers_by_year or
 * papers_by_month entry. 0 or CCG_ENOMEM. */
static int put_count(ccg_buf *b, int date, size_t count)
{
    char buf[64], *q = buf;
    if (b->len)
        *q++ = ';';
    q = put_date(q, date);
    *q++ = ':';
    q = put_digits(q, count, 1);
    return ccg__buf_add(b, buf, (size_t)(q - buf));
}

/*
 * Time profile of each entity node (nodes 0..sel->n_nodes-1): first_seen,
 * last_seen, papers_by_year ("2024:3;2025:10"), papers_by_month
 * ("2025-01:2;2025-03:1", dated papers with a known month), net->start,
 * and "rising": with T the latest month of any selected paper, r and p the
 * entity's papers in the 12 months up to T and the 12 before, R and P all
 * selected papers in those windows,
 *     rising = ((r + 1) / (R + 1)) / ((p + 1) / (P + 1)),
 * its share of recent papers over its share of earlier ones, add-one
 * smoothed so one-paper entities do not dominate; > 1 means rising.
 * NaN when no paper is dated.
 */
static int time_columns(ccg_network *net, const ccg_corpus *c, const ccg_annotation *a,
                        const ccg__selection *sel)
{
    uint64_t *d = NULL;
    size_t nd = 0, cap = 0;
    ccg_column *first, *last, *byy, *bym, *rising;
    ccg_buf by = CCG_BUF_INIT, bm = CCG_BUF_INIT;
    int err = 0, tmax = -1;
    size_t R = 0, P = 0;

    /* Column pointers move when columns are added: take them after. */
    if ((err = ccg_network_add_node_column(net, "first_seen", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "last_seen", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "papers_by_year", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "papers_by_month", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "rising", CCG_COL_DOUBLE, &rising)) < 0)
        return err;
    first = ccg__node_col(net, "first_seen");
    last = ccg__node_col(net, "last_seen");
    byy = ccg__node_col(net, "papers_by_year");
    bym = ccg__node_col(net, "papers_by_month");
    if (!net->start && !(net->start = ccg__malloc((net->n_nodes + 1) * sizeof *net->start)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t v = 0; v < net->n_nodes; v++)
        net->start[v] = NAN;
    for (size_t p = 0; p < c->n_records; p++) {
        int date = ccg__record_date(c->records[p]);
        if (!sel->paper_ok[p] || !date)
            continue;
        if (month_index(date) > tmax)
            tmax = month_index(date);
        for (size_t i = 0; i < a->docs[p].n; i++) {
            uint32_t v = sel->node_of[a->docs[p].items[i].entity];
            if (v == UINT32_MAX)
                continue;
            if ((err = ccg__grow((void **)&d, &cap, nd + 1, sizeof *d)) < 0)
                goto cleanup;
            d[nd++] = dated(v, date);
        }
    }
    for (size_t p = 0; p < c->n_records; p++) {
        int date = ccg__record_date(c->records[p]);
        if (!sel->paper_ok[p] || !date)
            continue;
        int mi = month_index(date);
        R += mi > tmax - 12;
        P += mi <= tmax - 12 && mi > tmax - 24;
    }
    if ((err = ccg__sort_by_key(d, nd, sizeof *d)) < 0)
        goto cleanup;
    for (size_t s = 0; s < nd;) {
        size_t t = s;
        uint32_t v = dated_node(d[s]);
        size_t r = 0, q = 0;
        ccg__buf_clear(&by);
        ccg__buf_clear(&bm);
        while (t < nd && dated_node(d[t]) == v) {
            size_t u = t, n_year = 0;
            int year = dated_date(d[t]) / 100;
            while (u < nd && dated_node(d[u]) == v && dated_date(d[u]) / 100 == year) {
                size_t w = u, n_month = 0;
                while (w < nd && d[w] == d[u]) {
                    int mi = month_index(dated_date(d[w]));
                    r += mi > tmax - 12;
                    q += mi <= tmax - 12 && mi > tmax - 24;
                    n_month++;
                    w++;
                }
                if (dated_date(d[u]) % 100 && put_count(&bm, dated_date(d[u]), n_month) < 0)
                    goto nomem;
                n_year += n_month;
                u = w;
            }
            if (put_count(&by, year * 100, n_year) < 0)
                goto nomem;
            t = u;
        }
        int dfirst = dated_date(d[s]), dlast = dated_date(d[t - 1]);
        if (!(first->s[v] = fmt_date(dfirst)) || !(last->s[v] = fmt_date(dlast)) ||
            !(byy->s[v] = ccg__buf_detach(&by)) ||
            (bm.len && !(bym->s[v] = ccg__buf_detach(&bm))))
            goto nomem;
        net->start[v] = ccg__decimal_year(dfirst);
        rising->d[v] = ((double)(r + 1) / (double)(R + 1)) / ((double)(q + 1) / (double)(P + 1));
        s = t;
    }
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg__buf_free(&by);
    ccg__buf_free(&bm);
    free(d);
    return err;
}

/* Node identity and attributes of the entity nodes 0..sel->n_nodes-1. */
static int entity_nodes(ccg_network *net, const ccg_corpus *c, const ccg_annotation *a,
                        const ccg__selection *sel)
{
    ccg_column *papers, *mentions, *intro, *aliases;
    ccg_buf b = CCG_BUF_INIT;
    int err;
    if ((err = ccg_network_add_node_column(net, "papers", CCG_COL_INT, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "mentions", CCG_COL_INT, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "introduced_by", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "aliases", CCG_COL_STRING, &aliases)) < 0)
        return err;
    papers = ccg__node_col(net, "papers");
    mentions = ccg__node_col(net, "mentions");
    intro = ccg__node_col(net, "introduced_by");
    for (size_t v = 0; v < sel->n_nodes; v++) {
        uint32_t e = sel->entity_of[v];
        const ccg_entity *en = &a->entities[e];
        const char *tname = ccg_entity_type_name(en->type);
        /* Names are unique per type; the same name with two types gets the
         * type appended to the id so ids stay unique. */
        bool dup = (e > 0 && strcmp(a->entities[e - 1].name, en->name) == 0) ||
                   (e + 1 < a->n_entities && strcmp(a->entities[e + 1].name, en->name) == 0);
        ccg__buf_clear(&b);
        if (ccg__buf_puts(&b, en->name) < 0 ||
            (dup && ccg__buf_printf(&b, " [%s]", tname) < 0))
            goto nomem;
        if (!(net->node_id[v] = ccg__buf_detach(&b)) ||
            !(net->node_label[v] = ccg__strdup(en->name)) ||
            !(net->node_type[v] = ccg__strdup(tname)))
            goto nomem;
        papers->i[v] = (int64_t)sel->papers[e];
        mentions->i[v] = (int64_t)sel->mentions[e];
        if (en->introduced_by >= 0 && (size_t)en->introduced_by < c->n_records &&
            !(intro->s[v] = ccg__strdup(c->records[en->introduced_by]->id)))
            goto nomem;
        for (size_t f = 0; f < en->n_forms; f++) {
            if (strcmp(en->forms[f], en->name) == 0)
                continue;
            if ((b.len && ccg__buf_puts(&b, "; ") < 0) || ccg__buf_puts(&b, en->forms[f]) < 0)
                goto nomem;
        }
        if (b.len && !(aliases->s[v] = ccg__buf_detach(&b)))
            goto nomem;
    }
    ccg__buf_free(&b);
    return time_columns(net, c, a, sel);
nomem:
    ccg__buf_free(&b);
    return ccg__err(CCG_ENOMEM, "out of memory");
}

static double norm_weight(ccg_weight w, double cij, double si, double sj)
{
    switch (w) {
    case CCG_WEIGHT_ASSOCIATION: return cij / (si * sj);
    case CCG_WEIGHT_JACCARD: return cij / (si + sj - cij);
    case CCG_WEIGHT_COSINE: return cij / sqrt(si * sj);
    case CCG_WEIGHT_INCLUSION: return cij / (si < sj ? si : sj);
    case CCG_WEIGHT_COUNT:
    default: return cij;
    }
}

/* A pair's key with its index in the accumulator, for sorting. */
typedef struct {
    uint64_t key; /* first: ccg__sort_by_key sorts by it */
    uint32_t pair;
} key_pair;

int ccg__build_concepts(const ccg_corpus *c, const ccg_annotation *a,
                        const ccg_graph_options *o, const ccg__selection *sel,
                        int (*edges_ready)(const ccg_network *net, void *ctx), void *ctx,
                        ccg_network **out)
{
    acc A = {0};
    ccg_network *net = NULL;
    sent_item *scratch = NULL;
    key_pair *sorted = NULL;
    size_t scratch_cap = 0, ne = 0;
    /* per sorted pair k: start[k]..start[k+1] its papers in papers_of,
     * w[k] its weight; edge_pair[e]: the pair index of edge e */
    uint32_t *rank = NULL, *start = NULL, *fill = NULL, *papers_of = NULL, *edge_pair = NULL;
    uint32_t *pair_of = NULL; /* edge e: its pair in A.pairs */
    double *w = NULL;
    evidence_job ej;
    pthread_t tid;
    bool threaded = false;
    ccg_column *npap, *ppap;
    int err = 0;

    double t0 = ccg__now();
    for (size_t p = 0; p < c->n_records; p++)
        if (sel->paper_ok[p] &&
            (err = paper_pairs(&A, &a->docs[p], sel->node_of, (uint32_t)p, o, &scratch,
                               &scratch_cap)) < 0)
            goto cleanup;
    t0 = ccg__timing_add("  co-mention pairs", t0);

    size_t np = A.n_pairs;
    if (!(sorted = ccg__malloc((np + 1) * sizeof *sorted)) ||
        !(rank = ccg__malloc((np + 1) * sizeof *rank)) ||
        !(start = ccg__calloc(np + 2, sizeof *start)) ||
        !(fill = ccg__malloc((np + 1) * sizeof *fill)) ||
        !(papers_of = ccg__malloc((A.n_inst + 1) * sizeof *papers_of)) ||
        !(edge_pair = ccg__malloc((np + 1) * sizeof *edge_pair)) ||
        !(w = ccg__malloc((np + 1) * sizeof *w)))
        goto nomem;
    /* Pairs in (source, target) order; each pair's papers stay in corpus
     * order (instances were added paper by paper; the bucketing is stable). */
    for (size_t k = 0; k < np; k++)
        sorted[k] = (key_pair){A.pairs[k].key, (uint32_t)k};
    if ((err = ccg__sort_by_key(sorted, np, sizeof *sorted)) < 0)
        goto cleanup;
    for (size_t k = 0; k < np; k++)
        rank[sorted[k].pair] = (uint32_t)k;
    for (size_t k = 0; k < A.n_inst; k++)
        start[rank[A.inst[k].edge] + 1]++;
    for (size_t k = 0; k < np; k++)
        start[k + 1] += start[k];
    memcpy(fill, start, np * sizeof *fill);
    for (size_t k = 0; k < A.n_inst; k++)
        papers_of[fill[rank[A.inst[k].edge]]++] = A.inst[k].paper;
    for (size_t k = 0; k < np; k++) {
        const pair_acc *p = &A.pairs[sorted[k].pair];
        uint32_t s = (uint32_t)(p->key >> 32), t = (uint32_t)p->key;
        double cij = o->fractional ? p->frac : (double)p->count;
        w[k] = norm_weight(o->weight, cij, (double)sel->papers[sel->entity_of[s]],
                           (double)sel->papers[sel->entity_of[t]]);
        if (w[k] >= o->min_weight)
            edge_pair[ne++] = (uint32_t)k;
    }
    t0 = ccg__timing_add("  sort pairs, weights", t0);

    /* Every edge column first: the evidence thread fills its column while
     * this one adds node columns and fills the others. */
    if ((err = ccg_network_new(&net, CCG_NET_CONCEPTS, sel->n_nodes, ne)) < 0 ||
        (err = ccg_network_add_edge_column(net, "n_papers", CCG_COL_INT, NULL)) < 0 ||
        (err = ccg_network_add_edge_column(net, "papers", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_edge_column(net, "evidence", CCG_COL_STRING, NULL)) < 0)
        goto cleanup;
    npap = ccg__edge_col(net, "n_papers");
    ppap = ccg__edge_col(net, "papers");
    if (!(pair_of = ccg__malloc((ne + 1) * sizeof *pair_of)))
        goto nomem;
    for (size_t e = 0; e < ne; e++) {
        size_t k = edge_pair[e];
        const pair_acc *p = &A.pairs[sorted[k].pair];
        pair_of[e] = sorted[k].pair;
        net->source[e] = (uint32_t)(p->key >> 32);
        net->target[e] = (uint32_t)p->key;
        net->weight[e] = w[k];
        npap->i[e] = p->count;
    }
    if (edges_ready && (err = edges_ready(net, ctx)) < 0)
        goto cleanup;
    ej = (evidence_job){ccg__edge_col(net, "evidence")->s, c, a, A.pairs, pair_of, ne, 0, 0, {0}};
    threaded = pthread_create(&tid, NULL, evidence_run, &ej) == 0;
    if ((err = entity_nodes(net, c, a, sel)) < 0)
        goto cleanup;
    for (size_t e = 0; e < ne; e++) {
        size_t k = edge_pair[e];
        size_t n_ids = start[k + 1] - start[k];
        if (o->provenance_max && n_ids > o->provenance_max)
            n_ids = o->provenance_max;
        if (!(ppap->s[e] = join_ids(c, papers_of + start[k], n_ids)))
            goto nomem;
    }
    ccg__timing_add("  nodes, time profile, edges, provenance", t0);
    if (threaded)
        pthread_join(tid, NULL);
    else
        evidence_run(&ej);
    threaded = false;
    ccg__timing_record("  (thread) evidence", ej.seconds);
    if (ej.err < 0) {
        err = ccg__err(ej.err, "%s", ej.msg);
        goto cleanup;
    }
    *out = net;
    net = NULL;
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    if (threaded)
        pthread_join(tid, NULL);
    ccg_network_free(net);
    free(scratch);
    free(sorted);
    free(rank);
    free(start);
    free(fill);
    free(papers_of);
    free(edge_pair);
    free(pair_of);
    free(w);
    acc_free(&A);
    return err;
}

int ccg__build_bipartite(const ccg_corpus *c, const ccg_annotation *a,
                         const ccg_graph_options *o, const ccg__selection *sel,
                         ccg_network **out)
{
    ccg_network *net = NULL;
    ccg_column *part, *title, *date;
    size_t np = 0, ne = 0;
    uint32_t *paper_node = NULL;
    int err = 0;
    (void)o;

    if (!(paper_node = ccg__malloc((c->n_records + 1) * sizeof *paper_node)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t p = 0; p < c->n_records; p++) {
        size_t k = 0;
        paper_node[p] = UINT32_MAX;
        if (!sel->paper_ok[p])
            continue;
        for (size_t i = 0; i < a->docs[p].n; i++)
            k += sel->node_of[a->docs[p].items[i].entity] != UINT32_MAX;
        if (k) {
            paper_node[p] = (uint32_t)(sel->n_nodes + np++);
            ne += k;
        }
    }
    if ((err = ccg_network_new(&net, CCG_NET_BIPARTITE, sel->n_nodes + np, ne)) < 0 ||
        (err = ccg_network_add_node_column(net, "part", CCG_COL_STRING, NULL)) < 0 ||
        (err = entity_nodes(net, c, a, sel)) < 0 ||
        (err = ccg_network_add_node_column(net, "title", CCG_COL_STRING, NULL)) < 0 ||
        (err = ccg_network_add_node_column(net, "date", CCG_COL_STRING, &date)) < 0)
        goto cleanup;
    part = ccg__node_col(net, "part");
    title = ccg__node_col(net, "title");
    for (size_t v = 0; v < sel->n_nodes; v++)
        if (!(part->s[v] = ccg__strdup("entity")))
            goto nomem;
    /* Edges sorted by (source, target): entity nodes come first, so walk
     * entities and, for each, its papers in corpus order. Collect first. */
    {
        uint64_t *keys = ccg__malloc((ne + 1) * sizeof *keys);
        double *cnt = NULL;
        size_t k = 0;
        if (!keys)
            goto nomem;
        for (size_t p = 0; p < c->n_records; p++) {
            uint32_t pv = paper_node[p];
            if (pv == UINT32_MAX)
                continue;
            const ccg_record *r = c->records[p];
            int d = ccg__record_date(r);
            if (!(net->node_id[pv] = ccg__strdup(r->id)) ||
                !(net->node_label[pv] = ccg__strdup(r->title ? r->title : r->id)) ||
                !(net->node_type[pv] = ccg__strdup("paper")) ||
                !(part->s[pv] = ccg__strdup("paper")) ||
                (r->title && !(title->s[pv] = ccg__strdup(r->title))) ||
                (d && !(date->s[pv] = fmt_date(d)))) {
                free(keys);
                goto nomem;
            }
            net->start[pv] = ccg__decimal_year(d);
            for (size_t i = 0; i < a->docs[p].n; i++) {
                uint32_t v = sel->node_of[a->docs[p].items[i].entity];
                if (v != UINT32_MAX)
                    keys[k++] = (uint64_t)v << 32 | pv;
            }
        }
        if ((err = ccg__sort_by_key(keys, ne, sizeof *keys)) < 0) {
            free(keys);
            goto cleanup;
        }
        (void)cnt;
        for (size_t e = 0; e < ne; e++) {
            net->source[e] = (uint32_t)(keys[e] >> 32);
            net->target[e] = (uint32_t)keys[e];
        }
        free(keys);
    }
    /* weight = mentions of the entity in the paper */
    for (size_t p = 0; p < c->n_records; p++) {
        uint32_t pv = paper_node[p];
        if (pv == UINT32_MAX)
            continue;
        for (size_t i = 0; i < a->docs[p].n; i++) {
            uint32_t v = sel->node_of[a->docs[p].items[i].entity];
            if (v == UINT32_MAX)
                continue;
            /* binary search the edge (v, pv) */
            size_t lo = 0, hi = ne;
            uint64_t key = (uint64_t)v << 32 | pv;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                uint64_t mk = (uint64_t)net->source[mid] << 32 | net->target[mid];
                if (mk < key)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            net->weight[lo] += a->docs[p].items[i].count ? a->docs[p].items[i].count : 1;
        }
    }
    *out = net;
    net = NULL;
    goto cleanup;
nomem:
    err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg_network_free(net);
    free(paper_node);
    return err;
}
