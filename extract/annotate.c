/*
 * annotate.c: extraction over a corpus, in parallel, and the merge of names
 * across papers.
 *
 * Pass 1 extracts every text (threads take records by index, each result
 * lands in its record's slot, so results never depend on scheduling). The
 * long forms defined anywhere ("Direct Preference Optimization (DPO)")
 * become an overlay; if there are any, pass 2 extracts again with it, so a
 * paper that only spells the long form out is linked to DPO too. The merge
 * then counts the mentions of each name in corpus order (each thread the
 * names of one part of the hash range, so the counts do not depend on the
 * number of threads either): names are grouped by their loose key (case,
 * spaces, hyphens, plural s folded; thesaurus applied first), each group
 * gets a canonical name (lexicon name if any, else the most frequent name,
 * ties by byte order), and entities are sorted by name.
 *
 * Three corpus-level rules come first: an acronym defined in several
 * senses keeps it for the sense most papers define (split_homonyms); a
 * name whose long forms most papers write in lower case is a field or a
 * class and is dropped (generic long forms); a shape-found name in a case
 * the lexicon form rejects (VLLMs for vLLM) keeps a key of its own
 * (entity_key).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extractor.h"
#include "read.h"

/* A mention's grouping key, computed once for the corpus rules and the merge. */
typedef struct {
    const char *name;   /* its name after the thesaurus; NULL: the thesaurus drops it */
    uint32_t key, len;  /* its key (entity_key) in the paper's pool; len 0: none */
    uint32_t hash;      /* ccg__hash of the key */
    uint32_t start, end; /* the mention's span: the merge and items_doc read the mentions
                          * only here, apart from a few fields the merge prefetches */
    uint8_t flags;      /* MK_* */
    uint8_t words;      /* MK_LONG: its content words (long_form_case), 255 at most */
} mkey;

/* What the generic-name rule counts of a mention. */
enum {
    MK_LONG = 1,   /* a long form written out, after the title */
    MK_TITLE = 2,  /* that long form in Title Case */
    MK_COINED = 4, /* introduced only by a Title Case definition (ccg__mention.coined) */
    MK_INTRO = 8,  /* introduced (ccg__mention.introduced): items_doc reads it here */
};

typedef struct {
    const char *text;   /* the record's own (ccg__record_joined), else a copy */
    bool own_text;      /* a copy: freed with the results */
    size_t len;
    ccg__mention *m;
    size_t n;
    char **defs;
    size_t n_defs;
    uint32_t *sent;
    uint32_t n_sent;
    mkey *keys;         /* per mention, once the names are final (prepare_keys); borrowed from
                         * the corpus's array (ccg_extractor_annotate) */
    ccg_buf pool;       /* overlay keys of its definitions (overlay_keys), then its mkeys' keys */
    long when;          /* when_of its record, read while the record is at hand (first_pass) */
} docres;

/* When a paper was published, as earlier compares it: year and month, the unknown last. */
static long when_of(const ccg_record *r)
{
    return r->year ? r->year * 12L + r->month : 1L << 30;
}

/* Work on every paper, shared by threads (ccg__parallel_for): each takes
 * the next index, and writes only its paper's docres, so results never
 * depend on scheduling. */
typedef struct job job;
typedef int (*doc_fn)(job *j, size_t d);
struct job {
    const ccg_extractor *x;
    const ccg__overlay *ov;
    const ccg_corpus *c;
    docres *res;
    doc_fn fn;
    const void *ctx;    /* what fn reads besides res */
    long *when;         /* docres.when of each paper (prepare_keys), side by side: the merge
                         * compares the papers introducing an entity, for half of its mentions */
};

#define MAX_THREADS CCG__MAX_THREADS

static int job_index(void *ctx, size_t i, unsigned w)
{
    (void)w;
    job *j = ctx;
    return j->fn(j, i);
}

/* Runs fn on indices [0, n); run_docs is the same for every paper. */
static int run_pass(job *j, doc_fn fn, unsigned threads, size_t n)
{
    j->fn = fn;
    return ccg__parallel_for(n, threads, job_index, j);
}

static int run_docs(job *j, doc_fn fn, unsigned threads)
{
    return run_pass(j, fn, threads, j->c->n_records);
}

static void put_u32(char *p, uint32_t v) { memcpy(p, &v, sizeof v); }

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/*
 * The overlay keys of a paper's definitions, so that overlay_build, which
 * runs in one thread, only puts them: in r->pool, per definition its
 * number of keys n (0: not a long form the overlay takes), n pairs (hash,
 * length), then the bytes of the last key. The keys are the folded long
 * form's prefixes of whole atoms, then the whole: each key goes on the one
 * before (ccg__fold_atoms), so one fold makes them all.
 */
static int overlay_keys(docres *r)
{
    ccg__atoms t = {0};
    int err = 0;
    for (size_t k = 0; k + 1 < r->n_defs; k += 2) {
        const char *lf = r->defs[k];
        if ((err = ccg__atomize(&t, lf, strlen(lf))) < 0)
            break;
        size_t n_keys = t.n_words >= 2 && t.n_atoms <= 10 ? t.n_atoms : 0, room = 4 + 8 * n_keys;
        for (size_t a = 0; a < n_keys; a++)
            room += t.atoms[a].end - t.atoms[a].start + 2; /* ccg__fold_atom's room */
        if ((err = ccg__buf_reserve(&r->pool, room)) < 0)
            break;
        char *p = r->pool.data + r->pool.len, *key = p + 4 + 8 * n_keys, *e = key;
        put_u32(p, (uint32_t)n_keys);
        uint32_t h = CCG_FNV_BASIS, hlast;
        size_t klen = 0;
        for (size_t a = 0; a < n_keys; a++) {
            e = ccg__fold_atom(lf, &t, a, a == 0, &h, &hlast, &klen, e);
            put_u32(p + 4 + 8 * a, h ? h : 1); /* ccg__hash */
            put_u32(p + 8 + 8 * a, (uint32_t)(e - key));
        }
        r->pool.len = (size_t)(e - r->pool.data);
    }
    ccg__atoms_free(&t);
    return err;
}

static void docres_free(docres *r)
{
    if (r->own_text)
        free((char *)r->text);
    ccg__mentions_free_raw(r->m, r->n);
    for (size_t k = 0; k < r->n_defs; k++)
        free(r->defs[k]);
    free(r->defs);
    free(r->sent);
    ccg__buf_free(&r->pool);
}

/* A paper's results, once the merge has made the annotation: freed on
 * every thread, as they were made (0.03 s on one thread for 74.5k papers). */
static int free_doc(job *j, size_t d)
{
    docres_free(&j->res[d]);
    memset(&j->res[d], 0, sizeof j->res[d]);
    return 0;
}

/* The first pass: extraction, which keeps the sentences and definitions it
 * found, and the overlay keys of the definitions. */
static int first_pass(const ccg_extractor *x, const ccg_record *rec, docres *r)
{
    if (!(r->text = ccg__record_joined(rec, &r->len))) {
        if (!(r->text = ccg_record_text(rec, &r->len)))
            return CCG_ENOMEM;
        r->own_text = true;
    }
    r->when = when_of(rec);
    int err = ccg__extract(x, r->text, r->len, &r->m, &r->n, &r->defs, &r->n_defs, &r->sent,
                           &r->n_sent);
    return err < 0 ? err : overlay_keys(r);
}

/* A record's first pass, made while the corpus was read (ccg_extractor_prepare). */
typedef struct {
    const ccg_extractor *x;
    docres r;
} prepared;

void ccg_extractor_prepare(const ccg_extractor *x, ccg_record *rec)
{
    prepared *p;
    if (rec->prepared || !(p = ccg__calloc(1, sizeof *p)))
        return;
    p->x = x;
    if (first_pass(x, rec, &p->r) < 0) { /* annotate will try again, and report */
        docres_free(&p->r);
        free(p);
        return;
    }
    rec->prepared = p;
}

void ccg__prepared_free(void *prepared_)
{
    prepared *p = prepared_;
    if (p)
        docres_free(&p->r);
    free(p);
}

/* Pass 1 of a record: what ccg_extractor_prepare kept with the same
 * extractor, taken from the record, else made now. */
static int extract_doc(job *j, size_t d)
{
    ccg_record *rec = j->c->records[d];
    prepared *p = rec->prepared;
    if (p) {
        rec->prepared = NULL;
        if (p->x == j->x) {
            j->res[d] = p->r;
            free(p);
            return 0;
        }
        ccg__prepared_free(p);
    }
    return first_pass(j->x, rec, &j->res[d]);
}

/*
 * The second pass: long forms defined in other papers. Each paper's text
 * and mentions were last read in pass 1, long out of the caches; the
 * paper after the next, this thread's next when two take papers in turn
 * (ccg__parallel_for), is asked for now, to come while this one is read.
 */
static int extend_doc(job *j, size_t d)
{
    if (d + 2 < j->c->n_records) {
        const docres *next = &j->res[d + 2];
        for (size_t b = 0; b < next->len; b += 64)
            CCG__PREFETCH(next->text + b);
        for (size_t b = 0; b < next->n * sizeof *next->m; b += 64)
            CCG__PREFETCH((const char *)next->m + b);
    }
    docres *r = &j->res[d];
    return ccg__overlay_extend(j->x, j->ov, r->text, r->len, &r->m, &r->n);
}

/* ---- the overlay of long forms ------------------------------------------- */

static int overlay_build(ccg__overlay *ov, docres *res, size_t n_docs)
{
    int err = 0;
    for (size_t d = 0; d < n_docs; d++) {
        const char *p = res[d].pool.data;
        for (size_t k = 0; k + 1 < res[d].n_defs; k += 2) {
            uint32_t n_keys = get_u32(p);
            const char *sizes = p + 4, *key = sizes + 8 * n_keys;
            p = n_keys ? key + get_u32(sizes + 8 * (n_keys - 1) + 4) : sizes;
            for (uint32_t q = 0; q < n_keys; q++) {
                uint32_t h = get_u32(sizes + 8 * q), len = get_u32(sizes + 8 * q + 4);
                ccg__slot *s;
                if ((err = ccg__table_put_hashed(&ov->keys, key, len, h, &s)) < 0)
                    return err;
                if (q + 1 < n_keys) {
                    s->flags |= KEY_PREFIX;
                    continue;
                }
                if (s->flags & KEY_FULL)
                    continue; /* the first definition in corpus order wins */
                const char *name = res[d].defs[k + 1];
                size_t off = ov->names.len;
                if (off >= INT32_MAX)
                    return ccg__err(CCG_ELIMIT, "too many long forms");
                s->flags |= KEY_FULL;
                s->value = (int32_t)off;
                if ((err = ccg__buf_add(&ov->names, name, strlen(name))) < 0 ||
                    (err = ccg__buf_putc(&ov->names, '\0')) < 0)
                    return err;
            }
        }
    }
    return 0;
}

/* ---- merge --------------------------------------------------------------- */

/* Loose key: case, spaces, hyphens and underscores folded, an acronym's plural s dropped;
 * appended to k. */
static int merge_key(ccg_buf *k, const char *name)
{
    size_t n = strlen(name);
    if (n > 2 && name[n - 1] == 's' && name[n - 2] >= 'A' && name[n - 2] <= 'Z')
        n--;
    return ccg__fold_loose(k, name, n);
}

/* Does name (not all lower case) spell a lexicon form's key [k, k+n) (of hash h) in a case
 * that form rejects (VLLM, LoRa)? */
static bool lex_case_clash(const ccg_extractor *x, const char *name, const char *k, size_t n, uint32_t h)
{
    const ccg__slot *slot = ccg__table_find(&x->lex, k, n, h);
    if (!slot || !(slot->flags & KEY_FULL))
        return false;
    unsigned up = 0, lo = 0;
    for (const char *p = name; *p; p++) {
        up += *p >= 'A' && *p <= 'Z';
        lo += *p >= 'a' && *p <= 'z';
    }
    for (int32_t f = slot->head; f >= 0; f = x->forms[f].next) {
        const ccg__lexform *lf = &x->forms[f];
        if (lf->caseclass == CASE_UPPER ? lo == 0 : !lf->text)
            return false;
        if (!lf->text)
            continue;
        if (ccg__case_matches(x->strings.data + lf->text - 1, name, strlen(name)))
            return false;
    }
    return up > 0;
}

/*
 * The key grouping a mention of name across the corpus: its loose key, and
 * the name itself if the lexicon form of that key rejects its case ("VLLMs",
 * vision LLMs, found by its shape is not the tool vLLM; PCa is not PCA).
 * The key is k's bytes from base on, where its loose key already is if
 * folded (merge_key of name, its ccg__hash in *h), else is appended; the
 * key's ccg__hash in *h.
 */
static int entity_key(const ccg_extractor *x, const ccg__mention *m, const char *name, ccg_buf *k,
                      size_t base, bool folded, uint32_t *h)
{
    int err;
    if (!folded) {
        k->len = base;
        if ((err = merge_key(k, name)) < 0)
            return err;
    }
    size_t n = k->len - base;
    if (!n)
        return 0;
    if (!folded)
        *h = ccg__hash(k->data + base, n);
    if (m->lexentry >= 0 || !lex_case_clash(x, name, k->data + base, n, *h))
        return 0;
    if (ccg__buf_putc(k, '\1') < 0 || ccg__buf_add(k, name, strlen(name)) < 0)
        return CCG_ENOMEM;
    *h = ccg__hash(k->data + base, k->len - base);
    return 0;
}

/* The first 8 bytes of s (zeros after its end) as a number: compared as strcmp would. */
static uint64_t prefix8(const char *s)
{
    uint64_t v = 0;
    unsigned i = 0;
    for (; i < 8 && s[i]; i++)
        v = v << 8 | (unsigned char)s[i];
    for (; i < 8; i++)
        v <<= 8;
    return v;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    uint64_t pre;  /* prefix8(from): most comparisons end there */
    char *from, *to;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->pre != y->pre)
        return x->pre < y->pre ? -1 : 1;
    int r = strcmp(x->from, y->from);
    return r ? r : strcmp(x->to, y->to);
}

/* An entity of a part, for sorting: by name, then by first mention in corpus order. */
typedef struct {
    uint64_t pre;
    const char *name;
    size_t first_doc;
    uint32_t first_i, t;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    if (x->pre != y->pre)
        return x->pre < y->pre ? -1 : 1;
    int r = strcmp(x->name, y->name);
    if (r)
        return r;
    if (x->first_doc != y->first_doc)
        return x->first_doc < y->first_doc ? -1 : 1;
    return (x->first_i > y->first_i) - (x->first_i < y->first_i);
}

/*
 * Sorts n items of size bytes that start with their prefix8 as a uint64_t
 * (named, pair) as cmp does, cmp ordering first by that number: a radix
 * sort on it, a byte a pass (passes where every item has the same byte
 * skipped), then qsort for each run of equal numbers. Written here because
 * the C library has no radix sort: qsort took 70M instructions for a
 * part's 46k entities and 25k merges on the full corpus, its comparisons
 * through a pointer to cmp; the runs are short (at most about 100).
 */
static uint64_t lead(const char *item)
{
    uint64_t k;
    memcpy(&k, item, sizeof k);
    return k;
}

static int sort_prefixed(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n < 64) {
        if (n > 1)
            qsort(base, n, size, cmp);
        return 0;
    }
    char *tmp = ccg__malloc(n * size), *a = base, *b = tmp;
    size_t (*count)[256] = ccg__calloc(8, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return CCG_ENOMEM;
    }
    uint64_t first = lead(a);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = lead(a + i * size);
        for (unsigned d = 0; d < 8; d++)
            count[d][k >> (8 * d) & 255]++;
    }
    for (unsigned d = 0; d < 8; d++) {
        if (count[d][first >> (8 * d) & 255] == n)
            continue;
        size_t pos[256], sum = 0;
        for (unsigned v = 0; v < 256; v++) {
            pos[v] = sum;
            sum += count[d][v];
        }
        for (size_t i = 0; i < n; i++) {
            char *to = b + pos[lead(a + i * size) >> (8 * d) & 255]++ * size;
            /* sizes the compiler knows: a copy inline, not a call per item and pass */
            if (size == sizeof(named))
                memcpy(to, a + i * size, sizeof(named));
            else if (size == sizeof(pair))
                memcpy(to, a + i * size, sizeof(pair));
            else
                memcpy(to, a + i * size, size);
        }
        char *t = a;
        a = b;
        b = t;
    }
    if (a != base)
        memcpy(base, a, n * size);
    free(tmp);
    free(count);
    a = base;
    for (size_t i = 0, e; i < n; i = e) {
        for (e = i + 1; e < n && lead(a + e * size) == lead(a + i * size); e++)
            ;
        if (e - i > 1)
            qsort(a + i * size, e - i, size, cmp);
    }
    return 0;
}

/* Was paper a published before paper b (when[] of each: when_of), or is b none (-1)? */
static bool earlier(const long *when, size_t a, long b)
{
    if (b < 0)
        return true;
    if (when[a] != when[b])
        return when[a] < when[b];
    return (long)a < b;
}

/*
 * The strings of an annotation (names, forms, the arrays of forms; the
 * merges point to the same strings), in blocks freed together: a malloc
 * and a free for each was most of the serial merge's time. Each part fills
 * its own blocks; the annotation owns them all once built (ann_priv).
 * Alignment: up to a pointer's.
 */
typedef struct ablock {
    struct ablock *next;
    size_t used, cap;
} ablock;

typedef struct {
    ablock *blocks;
} ann_priv;

#define ABLOCK_SIZE ((size_t)64 << 10)

static void *arena_alloc(ablock **ar, size_t n, size_t align)
{
    ablock *b = *ar;
    size_t off = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || off > b->cap || n > b->cap - off) {
        size_t cap = n > ABLOCK_SIZE ? n : ABLOCK_SIZE;
        if (!(b = ccg__malloc(sizeof *b + cap)))
            return NULL;
        b->next = *ar;
        b->cap = cap;
        *ar = b;
        off = 0;
    }
    b->used = off + n;
    return (char *)(b + 1) + off;
}

static char *arena_strdup(ablock **ar, const char *s)
{
    size_t n = strlen(s);
    char *d = arena_alloc(ar, n + 1, 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static void arena_free(ablock *b)
{
    while (b) {
        ablock *next = b->next;
        free(b);
        b = next;
    }
}

/*
 * An annotation made by ccg_extractor_annotate keeps its strings in blocks
 * (priv) and each paper's spans and sentences in one array, the first
 * item's; one built by hand (priv NULL) has each in its own allocation.
 */
void ccg_annotation_free(ccg_annotation *a)
{
    if (!a)
        return;
    ann_priv *pv = a->priv;
    for (size_t i = 0; !pv && i < a->n_entities; i++) {
        free(a->entities[i].name);
        for (size_t k = 0; k < a->entities[i].n_forms; k++)
            free(a->entities[i].forms[k]);
        free(a->entities[i].forms);
    }
    free(a->entities);
    for (size_t d = 0; d < a->n_docs; d++) {
        ccg_doc_entities *de = &a->docs[d];
        if (pv && de->n)
            free(de->items[0].spans);
        for (size_t k = 0; !pv && k < de->n; k++) {
            free(de->items[k].spans);
            free(de->items[k].sentences);
        }
        free(de->items);
        free(de->sentence_starts);
    }
    free(a->docs);
    for (size_t i = 0; !pv && i < a->n_merges; i++) {
        free(a->merge_from[i]);
        free(a->merge_to[i]);
    }
    free(a->merge_from);
    free(a->merge_to);
    if (pv) {
        arena_free(pv->blocks);
        free(pv);
    }
    free(a);
}

/* The thesaurus replacement of a name: NULL to drop it, name itself if none. */
static const char *thesaurus(const ccg_extractor *x, ccg_buf *k, const char *name)
{
    if (!x->thesaurus.n)
        return name;
    k->len = 0;
    if (ccg__fold_loose(k, name, strlen(name)) < 0 || !k->len)
        return name;
    ccg__slot *s = ccg__table_find(&x->thesaurus, k->data, k->len, ccg__hash(k->data, k->len));
    if (!s)
        return name;
    return s->value ? x->strings.data + s->value - 1 : NULL;
}

/* ---- homonyms: one acronym, several long forms ------------------------------ */

/* The first word of s (n bytes at most, up to a NUL): its start in *w, its
 * length without a plural s returned. */
static size_t first_word(const char *s, size_t n, const char **w)
{
    size_t i = 0;
    while (i < n && s[i] && !((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') && !(s[i] >= '0' && s[i] <= '9'))
        i++;
    *w = s + i;
    size_t b = i;
    while (i < n && (((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') || (s[i] >= '0' && s[i] <= '9')))
        i++;
    return i - b > 1 && s[i - 1] == 's' ? i - b - 1 : i - b;
}

/*
 * Two long forms of one acronym name the same thing if their first words
 * agree (case and a plural s aside): a sense keeps the first word of its
 * first long form, found once.
 */
typedef struct {
    const char *lf;  /* the first long form of this sense (borrowed from a docres) */
    const char *w;   /* its first word (first_word), wn bytes */
    size_t wn;
    uint64_t pre;    /* word_pre(w, wn) */
    size_t papers, last_doc;
    size_t next;     /* the acronym's next sense, SIZE_MAX at the end */
} sense;

typedef struct {
    size_t first, last, n; /* its senses, a list through sense.next */
    size_t best;           /* the sense most papers define */
} hname;

/* The first 8 bytes of a first word [w, w+n) in lower case (its bytes are
 * letters and digits), zeros after its end. */
static uint64_t word_pre(const char *w, size_t n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v = v << 8 | (i < n ? ccg__lower((unsigned char)w[i]) : 0);
    return v;
}

/* The sense of acronym h that a long form of first word [w, w+n) has, or
 * SIZE_MAX. The senses' prefixes end most comparisons without reading
 * their words, in the memory of other papers. */
static size_t find_sense(const sense *sn, const hname *h, const char *w, size_t n)
{
    uint64_t pre = word_pre(w, n);
    for (size_t i = h->n ? h->first : SIZE_MAX; i != SIZE_MAX; i = sn[i].next)
        if (sn[i].wn == n && sn[i].pre == pre && (n <= 8 || strncasecmp(sn[i].w + 8, w + 8, n - 8) == 0))
            return i;
    return SIZE_MAX;
}

/*
 * What rename_mention reads of a sense of an acronym of several senses,
 * the senses of one acronym side by side: a third of the corpus's mentions
 * are looked up there, and walking the list of senses (sense.next) took a
 * cache miss a sense, and another for a long word.
 */
typedef struct {
    uint64_t pre, pre2;  /* word_pre of the first word, and of its bytes from the 9th on */
    const char *lf;      /* sense.lf */
    uint32_t wn;         /* the word's length */
    uint32_t sense;      /* its sense */
} sense_key;

typedef struct {
    uint32_t keys, n;    /* its senses' keys [keys, keys + n) */
    uint32_t best;       /* the key of the sense most papers define */
} acronym;

/*
 * ESD is Endoscopic Submucosal Dissection in some papers, empirical spectral
 * density or Error Span Detection in others. The sense most papers define
 * keeps the acronym; a paper defining it in another sense has that entity
 * called by its long form (and so do the long form's occurrences elsewhere).
 */
typedef struct {
    const sense *sn;
    const acronym *acr;
    const sense_key *keys;
    const ccg__table *names; /* merge key of an acronym of several senses -> its acronym */
} homonyms;

/* The key of the sense of acronym a that a long form of first word [w, w+n) has, or NULL. */
static const sense_key *acronym_sense(const homonyms *h, const acronym *a, const char *w, size_t n)
{
    uint64_t pre = word_pre(w, n), pre2 = n > 8 ? word_pre(w + 8, n - 8) : 0;
    for (const sense_key *sk = h->keys + a->keys, *e = sk + a->n; sk < e; sk++)
        if (sk->wn == n && sk->pre == pre && sk->pre2 == pre2 &&
            (n <= 16 || strncasecmp(h->sn[sk->sense].w + 16, w + 16, n - 16) == 0))
            return sk;
    return NULL;
}

/* The rules are a few literals (extractor.c) whose first letters differ: most tests end there. */
static bool rule_is(const char *rule, const char *r)
{
    return rule && rule[0] == r[0] && strcmp(rule, r) == 0;
}

/* Mention m of paper r, whose name has the merge key [k, k+n) of ccg__hash kh,
 * is called by its sense's long form if that is not the acronym's main sense:
 * true if so, the long form in *name (borrowed from the paper that defined
 * the sense first: no copy for each of 100k mentions). */
static bool rename_mention(const homonyms *h, const docres *r, const ccg__mention *m, const char *k,
                           size_t n, uint32_t kh, const char **name)
{
    const ccg__slot *s = ccg__table_find(h->names, k, n, kh);
    if (!s)
        return false;
    const acronym *a = &h->acr[s->value];
    /* the sense: this paper's definition, else the long form written here */
    const sense_key *sk = NULL;
    const char *w;
    size_t wn;
    for (size_t q = 0; q + 1 < r->n_defs && q < 512 && !sk; q += 2) /* bounded */
        if (strcmp(r->defs[q + 1], m->name) == 0) {
            wn = first_word(r->defs[q], SIZE_MAX, &w);
            sk = acronym_sense(h, a, w, wn);
        }
    if (!sk && rule_is(m->rule, "corpus long form")) {
        wn = first_word(r->text + m->start, m->end - m->start, &w);
        sk = acronym_sense(h, a, w, wn);
    }
    if (!sk || sk == h->keys + a->best)
        return false;
    *name = sk->lf;
    return true;
}

/*
 * The acronyms defined in several senses, in h (its table empty if none):
 * prepare_keys renames their mentions (rename_mention) as it makes the
 * mentions' keys, every paper on its own.
 */
static int split_homonyms(const job *j, homonyms *h, ccg__table *names)
{
    const docres *res = j->res;
    size_t n_docs = j->c->n_records;
    ccg_buf k = CCG_BUF_INIT;
    sense *sn = NULL;
    hname *hn = NULL;
    acronym *acr = NULL;
    sense_key *keys = NULL;
    size_t n_sn = 0, cap_sn = 0, n_hn = 0, cap_hn = 0;
    bool any = false;
    int err = 0;
    for (size_t d = 0; d < n_docs; d++)
        for (size_t i = 0; i + 1 < res[d].n_defs; i += 2) {
            const char *lf = res[d].defs[i], *name = res[d].defs[i + 1];
            k.len = 0;
            if (strcmp(lf, name) == 0)
                continue;
            if ((err = merge_key(&k, name)) < 0)
                goto cleanup;
            if (!k.len)
                continue;
            ccg__slot *s;
            if ((err = ccg__table_put(names, k.data, k.len, &s)) < 0)
                goto cleanup;
            if (!(s->flags & KEY_FULL)) {
                if (n_hn == cap_hn && ccg__grow((void **)&hn, &cap_hn, n_hn + 1, sizeof *hn) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                memset(&hn[n_hn], 0, sizeof *hn);
                s->flags |= KEY_FULL;
                s->value = (int32_t)n_hn++;
            }
            uint32_t ni = (uint32_t)s->value;
            const char *w;
            size_t wn = first_word(lf, SIZE_MAX, &w);
            size_t si = find_sense(sn, &hn[ni], w, wn);
            if (si == SIZE_MAX) {
                if (n_sn == cap_sn && ccg__grow((void **)&sn, &cap_sn, n_sn + 1, sizeof *sn) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                sn[n_sn] = (sense){lf, w, wn, word_pre(w, wn), 0, 0, SIZE_MAX};
                if (hn[ni].n++)
                    sn[hn[ni].last].next = n_sn;
                else
                    hn[ni].first = n_sn;
                hn[ni].last = n_sn;
                any |= hn[ni].n > 1;
                si = n_sn++;
            }
            if (sn[si].last_doc != d + 1) {
                sn[si].last_doc = d + 1;
                sn[si].papers++;
            }
            /* ties: the sense defined first in corpus order */
            if (hn[ni].n == 1)
                hn[ni].best = hn[ni].first;
            else if (sn[si].papers > sn[hn[ni].best].papers)
                hn[ni].best = si;
        }
    if (!any)
        goto cleanup;
    /*
     * Every mention of the corpus is looked up, and only the acronyms of
     * several senses matter then: the table keeps just those (4k of 22k on
     * the full corpus), so most lookups end at its Bloom filter, not at a
     * slot of the large table, a cache miss.
     */
    size_t n_acr = 0, n_keys = 0;
    for (size_t i = 0; i < names->cap; i++)
        if (names->slots[i].len && hn[names->slots[i].value].n > 1) {
            n_acr++;
            n_keys += hn[names->slots[i].value].n;
        }
    if (n_sn >= UINT32_MAX) {
        err = ccg__err(CCG_ELIMIT, "too many senses of acronyms");
        goto cleanup;
    }
    if (!(acr = ccg__malloc(n_acr * sizeof *acr)) || !(keys = ccg__malloc(n_keys * sizeof *keys))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    ccg__table several = {0};
    n_acr = n_keys = 0;
    for (size_t i = 0; i < names->cap && err >= 0; i++) {
        const ccg__slot *s = &names->slots[i];
        ccg__slot *t;
        if (!s->len || hn[s->value].n < 2 ||
            (err = ccg__table_put_hashed(&several, names->pool.data + s->key, s->len, s->hash, &t)) < 0)
            continue;
        const hname *a = &hn[s->value];
        t->flags |= KEY_FULL;
        t->value = (int32_t)n_acr;
        acr[n_acr] = (acronym){(uint32_t)n_keys, (uint32_t)a->n, 0};
        for (size_t q = a->first; q != SIZE_MAX; q = sn[q].next) {
            size_t wn = sn[q].wn;
            if (q == a->best)
                acr[n_acr].best = (uint32_t)n_keys;
            keys[n_keys++] = (sense_key){sn[q].pre, wn > 8 ? word_pre(sn[q].w + 8, wn - 8) : 0, sn[q].lf,
                                         (uint32_t)wn, (uint32_t)q};
        }
        n_acr++;
    }
    ccg__table_free(names);
    *names = several;
    if (err < 0 || (err = ccg__table_bloom(names)) < 0)
        goto cleanup;
    *h = (homonyms){sn, acr, keys, names};
    sn = NULL;
    acr = NULL;
    keys = NULL;
cleanup:
    free(sn);
    free(hn);
    free(acr);
    free(keys);
    if (!h->names)
        ccg__table_free(names);
    ccg__buf_free(&k);
    return err;
}

/* ---- generic long forms ---------------------------------------------------- */

/*
 * "hallucination detection (HAD)", "reward model (RM)": one paper defines an
 * acronym for a common phrase that other papers write in lower case. Such a
 * name is a field, task or class, not an artifact, and neither it nor its
 * acronym is an entity. Named methods are written in Title Case by most of
 * the papers that spell them out ("Selective Preference Optimization").
 * prepare_keys tells, for each mention, whether it is such a long form and
 * in which case; the merge counts the papers per key (tally_part).
 */


/*
 * Is the mention text [s, s+n) a long form (two parts or more with a
 * lower-case letter: not K-PINN)? Its content words (parted by spaces:
 * vision-language is one) in *words, those starting with a capital in *caps.
 */
/* Is [s, s+n) a function word (the, a, of, with…), not a content word? */
static bool function_word(const char *s, size_t n)
{
    static const char *const fn[] = {NULL, "a", "an of or to in on by", "the and for via", "with from"};
    if (n == 0 || n > 4)
        return false;
    for (const char *f = fn[n]; *f; f += n + (f[n] == ' '))
        if (memcmp(f, s, n) == 0)
            return true;
    return false;
}

static bool long_form_case(const char *s, size_t n, unsigned *words, unsigned *caps)
{
    unsigned parts = 0, w = 0, cp = 0;
    bool lower = false;
    for (size_t i = 0; i < n;) {
        while (i < n && !((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') && !(s[i] >= '0' && s[i] <= '9'))
            i++;
        size_t b = i;
        while (i < n && (((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i == b)
            break;
        parts++;
        if (function_word(s + b, i - b) || (b > 0 && s[b - 1] == '-'))
            continue;
        w++;
        cp += s[b] >= 'A' && s[b] <= 'Z';
        for (size_t k = b; k < i && !lower; k++)
            lower = s[k] >= 'a' && s[k] <= 'z';
    }
    *words = w;
    *caps = cp;
    return parts >= 2 && lower;
}

/* Where the title ends: the first blank line in the first 2000 bytes, else 0. */
static size_t title_end_of(const char *t, size_t len)
{
    size_t lim = len < 2001 ? (len ? len - 1 : 0) : 2000;
    if (!lim)
        return 0;
    for (const char *p = t; (p = memchr(p, '\n', lim - (size_t)(p - t))); p++)
        if (p[1] == '\n')
            return (size_t)(p - t);
    return 0;
}

/*
 * Each mention's final name (split_homonyms, j->ctx, then the thesaurus),
 * its grouping key, and what the generic-name rule counts of it: computed
 * once, on every thread, for the merge. The loose key of a mention's name is
 * folded once, straight into r->pool (which held the overlay keys of the
 * paper, used by now), for the homonyms and the key alike.
 */
static int prepare_keys(job *j, size_t d)
{
    const homonyms *h = j->ctx;
    docres *r = &j->res[d];
    ccg_buf tk = CCG_BUF_INIT;
    int err = 0;
    r->pool.len = 0;
    j->when[d] = r->when;
    for (size_t i = 0; i < r->n; i += 64 / sizeof *r->m)
        CCG__PREFETCH(&r->m[i]);
    size_t tend = title_end_of(r->text, r->len);
    for (size_t i = 0; i < r->n; i++) {
        ccg__mention *m = &r->m[i];
        mkey *mk = &r->keys[i];
        memset(mk, 0, sizeof *mk);
        if (i + 1 < r->n) {
            CCG__PREFETCH(r->m[i + 1].name);
            CCG__PREFETCH(r->text + r->m[i + 1].start);
        }
        size_t base = r->pool.len;
        bool folded = false;
        uint32_t hash = 0;
        const char *name = m->name;
        if (h && m->lexentry < 0) {
            if ((err = merge_key(&r->pool, name)) < 0)
                break;
            folded = true;
            size_t n = r->pool.len - base;
            if (n) {
                hash = ccg__hash(r->pool.data + base, n);
                /* renamed: its key is folded again */
                folded = !rename_mention(h, r, m, r->pool.data + base, n, hash, &name);
            }
        }
        if (!(mk->name = thesaurus(j->x, &tk, name))) {
            r->pool.len = base;
            continue;
        }
        if ((err = entity_key(j->x, m, mk->name, &r->pool, base, folded && mk->name == name, &hash)) < 0)
            break;
        if (r->pool.len == base)
            continue;
        if (r->pool.len >= UINT32_MAX) {
            err = ccg__err(CCG_ELIMIT, "too many names in one paper");
            break;
        }
        mk->key = (uint32_t)base;
        mk->len = (uint32_t)(r->pool.len - base);
        mk->hash = hash;
        mk->start = m->start;
        mk->end = m->end;
        unsigned words = 0, caps = 0;
        if (m->lexentry < 0 && m->start >= tend &&
            (rule_is(m->rule, "definition") || rule_is(m->rule, "corpus long form") ||
             rule_is(m->rule, "recall")) &&
            long_form_case(r->text + m->start, m->end - m->start, &words, &caps)) {
            mk->flags |= MK_LONG;
            /* Title Case: every content word capitalised, or at least two */
            if (caps >= 2 || (caps == words && words > 0))
                mk->flags |= MK_TITLE;
            mk->words = (uint8_t)(words < 255 ? words : 255);
        }
        if (m->introduced)
            mk->flags |= m->coined ? MK_INTRO | MK_COINED : MK_INTRO;
    }
    ccg__buf_free(&tk);
    return err;
}

/*
 * The two serial steps after the first pass read only its definitions, and
 * each writes its own result: the overlay's keys, the homonyms. They run
 * side by side (the full corpus: 0.05 s and 0.02 s).
 */
typedef struct {
    const job *j;
    ccg__overlay *ov;
    homonyms *hom;
    ccg__table *hnames;
} between;

static int between_step(void *ctx, size_t i, unsigned w)
{
    (void)w;
    const between *b = ctx;
    return i == 0 ? overlay_build(b->ov, b->j->res, b->j->c->n_records)
                  : split_homonyms(b->j, b->hom, b->hnames);
}

/* ---- the merge, in parts ------------------------------------------------- */

/*
 * The merge counts mentions by key in corpus order. It is split by key hash
 * into parts, one a thread: each part reads the whole corpus but counts
 * only its own keys, so every key is still counted in corpus order by one
 * thread, and nothing depends on the number of parts. The parts' entities,
 * each part's sorted by name, are then merged into one list, and a pass
 * over the papers lists each paper's entities.
 */

/*
 * What the merge counts of one key in corpus order: an entity unless its
 * long forms are generic. Counts and papers in 32 bits (a part's mentions
 * and the papers are fewer than UINT32_MAX), and what every mention
 * updates first: the merge reads a tally per mention, mostly not in cache.
 */
typedef struct {
    /* the entity */
    uint32_t names, forms;      /* lists in its part's names and forms; UINT32_MAX ends them */
    uint32_t n_forms;
    uint32_t votes[CCG_TYPE_COUNT];
    uint32_t n_papers, n_mentions, last_doc; /* last_*: doc+1 last counted */
    int lexentry;
    bool lexicon;
    bool established;           /* two papers or more coin it (Monte Carlo (MC)): introduced by none */
    /* the generic-name rule: papers writing a long form of it in lower case, in Title Case */
    unsigned words;             /* words of the first long form seen */
    uint32_t lower, cap, last_lower, last_cap;
    uint32_t coined, last_coined; /* papers 'introducing' it by a Title Case definition only */
    uint32_t first_doc, first_i; /* its first mention: orders entities of one name */
    long intro, intro_coined;   /* the earliest paper introducing it other than by coining, by coining */
    const char *lexname;        /* the name a lexicon mention gave */
    const char *rule;
} tally;

typedef struct {
    const char *s;              /* borrowed from a mention, or the thesaurus */
    uint32_t count, next;
} name_node;

typedef struct {
    const char *s;              /* a surface form, in the part's arena, white space made spaces */
    uint32_t len, next;         /* len: strlen(s) */
} form_node;

typedef struct {
    ccg__table keys;            /* merge key -> index in t */
    tally *t;
    size_t n_t, cap_t;
    name_node *names;
    size_t n_names, cap_names;
    form_node *forms;
    size_t n_forms, cap_forms;
    uint32_t *ids;              /* the tally of each mention it counts, in corpus order */
    uint32_t *rank;             /* per tally: its entity's index in the annotation << 1 |
                                 * established (gather), UINT32_MAX if generic; apart
                                 * from the tallies, so that items_doc reads 4 bytes a
                                 * mention there, not a tally that misses the cache */
    size_t n_ids, cap_ids;
    uint32_t *doc_start;        /* per paper, its first mention in ids */
    ablock *arena;              /* the strings of its entities, until the annotation takes them */
    ccg_entity *ents;           /* its entities, sorted (cmp_named) */
    uint32_t *ent_t;            /* the tally of each */
    uint64_t *ent_pre;          /* the prefix8 of each name: most of gather's comparisons */
    size_t n_ents;
    pair *pairs;                /* its forms that are not their entity's name, sorted */
    size_t n_pairs, cap_pairs;
} part;

typedef struct {
    part *parts;
    unsigned n_parts;
    ccg_annotation *a;
} merging;

static unsigned part_of(uint32_t h, unsigned n_parts)
{
    /* the high bits: a part's table takes its slot from the low ones */
    return (unsigned)(((uint64_t)h * n_parts) >> 32);
}

static void part_free(part *pt)
{
    ccg__table_free(&pt->keys);
    free(pt->t);
    free(pt->names);
    free(pt->forms);
    free(pt->ids);
    free(pt->rank);
    free(pt->doc_start);
    arena_free(pt->arena);
    free(pt->ents);
    free(pt->ent_t);
    free(pt->ent_pre);
    free(pt->pairs);
}

/*
 * The lists of names and of forms are searched from the front, and the one
 * found is moved there: most mentions repeat a recent one, and each node
 * walked past was a cache miss (with forms prepended as added, a mention
 * walked four form nodes on average on the full corpus). The order of a
 * list is not seen: best_name breaks ties by byte order, and forms are
 * sorted.
 */
static int count_name(part *pt, tally *t, const char *name)
{
    for (uint32_t q = t->names, *prev = &t->names; q != UINT32_MAX; prev = &pt->names[q].next, q = *prev)
        if (strcmp(pt->names[q].s, name) == 0) {
            pt->names[q].count++;
            *prev = pt->names[q].next;
            pt->names[q].next = t->names;
            t->names = q;
            return 0;
        }
    if (pt->n_names >= UINT32_MAX - 1)
        return ccg__err(CCG_ELIMIT, "too many names");
    if (pt->n_names == pt->cap_names &&
        ccg__grow((void **)&pt->names, &pt->cap_names, pt->n_names + 1, sizeof *pt->names) < 0)
        return CCG_ENOMEM;
    pt->names[pt->n_names] = (name_node){name, 1, t->names};
    t->names = (uint32_t)pt->n_names++;
    return 0;
}

/*
 * Adds the surface form [s, s+len) unless it is there: its copy has white
 * space and '~' made spaces, and is compared with the bytes of the text, so
 * a form written with a line break or a tab is added again each time.
 */
static int add_form(part *pt, tally *t, const char *s, size_t len)
{
    for (uint32_t q = t->forms, *prev = &t->forms; q != UINT32_MAX; prev = &pt->forms[q].next, q = *prev)
        if (pt->forms[q].len == len && memcmp(pt->forms[q].s, s, len) == 0) {
            *prev = pt->forms[q].next;
            pt->forms[q].next = t->forms;
            t->forms = q;
            return 0;
        }
    if (pt->n_forms >= UINT32_MAX - 1)
        return ccg__err(CCG_ELIMIT, "too many forms");
    if (pt->n_forms == pt->cap_forms &&
        ccg__grow((void **)&pt->forms, &pt->cap_forms, pt->n_forms + 1, sizeof *pt->forms) < 0)
        return CCG_ENOMEM;
    char *d = arena_alloc(&pt->arena, len + 1, 1);
    if (!d)
        return CCG_ENOMEM;
    memcpy(d, s, len);
    d[len] = '\0';
    const char *nul = memchr(d, '\0', len);
    size_t n = nul ? (size_t)(nul - d) : len;
    for (size_t i = ccg__find_any4(d, 0, n, '\n', '\t', '\r', '~'); i < n;
         i = ccg__find_any4(d, i + 1, n, '\n', '\t', '\r', '~'))
        d[i] = ' ';
    pt->forms[pt->n_forms] = (form_node){d, (uint32_t)n, t->forms};
    t->forms = (uint32_t)pt->n_forms++;
    t->n_forms++;
    return 0;
}

/* The tally of mention i of paper d, whose key is in part pt, made if new; appended to pt->ids. */
static int find_tally(part *pt, const docres *r, size_t d, size_t i, uint32_t *out)
{
    const mkey *mk = &r->keys[i];
    ccg__slot *s;
    int err = ccg__table_put_hashed(&pt->keys, r->pool.data + mk->key, mk->len, mk->hash, &s);
    if (err < 0)
        return err;
    if (!(s->flags & KEY_FULL)) {
        if (pt->n_t >= UINT32_MAX - 1)
            return ccg__err(CCG_ELIMIT, "too many entities");
        if (pt->n_t == pt->cap_t && ccg__grow((void **)&pt->t, &pt->cap_t, pt->n_t + 1, sizeof *pt->t) < 0)
            return CCG_ENOMEM;
        tally *t = &pt->t[pt->n_t];
        memset(t, 0, sizeof *t);
        t->first_doc = (uint32_t)d;
        t->first_i = (uint32_t)i;
        t->names = t->forms = UINT32_MAX;
        t->lexentry = -1;
        t->intro = t->intro_coined = -1;
        t->rule = r->m[i].rule;
        s->flags |= KEY_FULL;
        s->value = (int32_t)pt->n_t++;
    }
    if (pt->n_ids >= UINT32_MAX - 1)
        return ccg__err(CCG_ELIMIT, "too many mentions");
    if (pt->n_ids == pt->cap_ids &&
        ccg__grow((void **)&pt->ids, &pt->cap_ids, pt->n_ids + 1, sizeof *pt->ids) < 0)
        return CCG_ENOMEM;
    pt->ids[pt->n_ids++] = (uint32_t)s->value;
    *out = (uint32_t)s->value;
    return 0;
}

/* Counts mention i of paper d in its tally k. */
static int count_mention(job *j, part *pt, size_t d, size_t i, uint32_t k)
{
    const docres *r = &j->res[d];
    const ccg__mention *m = &r->m[i];
    const mkey *mk = &r->keys[i];
    int err;
    tally *t = &pt->t[k];
    bool lex = m->lexentry >= 0;
    t->lexicon |= lex;
    uint32_t d1 = (uint32_t)d + 1;
    if ((mk->flags & MK_COINED) && t->last_coined != d1) {
        t->last_coined = d1;
        t->coined++;
    }
    if (mk->flags & MK_LONG) {
        if (!t->words)
            t->words = mk->words;
        if (mk->flags & MK_TITLE) {
            if (t->last_cap != d1) {
                t->last_cap = d1;
                t->cap++;
            }
        } else if (t->last_lower != d1) {
            t->last_lower = d1;
            t->lower++;
        }
    }
    if ((err = count_name(pt, t, mk->name)) < 0 ||
        (err = add_form(pt, t, r->text + mk->start, mk->end - mk->start)) < 0)
        return err;
    if (lex && t->lexentry < 0) {
        t->lexentry = m->lexentry;
        t->lexname = mk->name;
    }
    if (m->type >= 0)
        t->votes[m->type]++;
    t->n_mentions++;
    if (t->last_doc != d1) {
        t->last_doc = d1;
        t->n_papers++;
    }
    if (mk->flags & MK_INTRO) {
        long *by = (mk->flags & MK_COINED) ? &t->intro_coined : &t->intro;
        if (earlier(j->when, d, *by))
            *by = (long)d;
    }
    return 0;
}

/* The canonical name: the lexicon's, else the most frequent, ties by byte order. */
static const char *best_name(const part *pt, const tally *t)
{
    if (t->lexname)
        return t->lexname;
    const char *best = NULL;
    uint32_t bc = 0;
    for (uint32_t q = t->names; q != UINT32_MAX; q = pt->names[q].next) {
        const name_node *nn = &pt->names[q];
        if (nn->count > bc || (nn->count == bc && strcmp(nn->s, best) < 0)) {
            bc = nn->count;
            best = nn->s;
        }
    }
    return best;
}

/* Entity e of part pt from its tally: name, type, sorted forms, and its merges. */
static int make_entity(job *j, part *pt, size_t e, const named *nm)
{
    const ccg_extractor *x = j->x;
    const tally *t = &pt->t[nm->t];
    ccg_entity *en = &pt->ents[e];
    pt->ent_t[e] = nm->t;
    pt->ent_pre[e] = nm->pre;
    if (!(en->name = arena_strdup(&pt->arena, nm->name)))
        return CCG_ENOMEM;
    if (t->lexentry >= 0)
        en->type = (ccg_entity_type)x->entries[t->lexentry].type;
    else {
        en->type = CCG_TYPE_METHOD;
        uint32_t bv = 0;
        for (int ty = 0; ty < CCG_TYPE_COUNT; ty++)
            if (t->votes[ty] > bv) {
                bv = t->votes[ty];
                en->type = (ccg_entity_type)ty;
            }
    }
    if (!(en->forms = arena_alloc(&pt->arena, (t->n_forms + 1) * sizeof *en->forms, sizeof(char *))))
        return CCG_ENOMEM;
    for (uint32_t q = t->forms; q != UINT32_MAX; q = pt->forms[q].next)
        en->forms[en->n_forms++] = (char *)pt->forms[q].s;
    if (en->n_forms > 1)
        qsort(en->forms, en->n_forms, sizeof *en->forms, cmp_str);
    en->n_papers = t->n_papers;
    en->n_mentions = t->n_mentions;
    en->introduced_by = t->intro;
    if (!t->established && t->intro_coined >= 0 &&
        earlier(j->when, (size_t)t->intro_coined, t->intro))
        en->introduced_by = t->intro_coined;
    en->rule = x->opts.explain ? t->rule : NULL;
    for (size_t i = 0; i < en->n_forms; i++)
        if (strcmp(en->forms[i], en->name) != 0) {
            if (pt->n_pairs == pt->cap_pairs &&
                ccg__grow((void **)&pt->pairs, &pt->cap_pairs, pt->n_pairs + 1, sizeof *pt->pairs) < 0)
                return CCG_ENOMEM;
            pt->pairs[pt->n_pairs++] = (pair){prefix8(en->forms[i]), en->forms[i], en->name};
        }
    return 0;
}

enum { TALLY_BATCH = 256, TALLY_AHEAD = 8 };

/*
 * One part of the merge: counts the mentions of its keys in corpus order,
 * drops the keys whose long forms are generic, and makes the entities of
 * the others, sorted.
 */
static int tally_part(job *j, size_t p)
{
    const merging *mg = j->ctx;
    part *pt = &mg->parts[p];
    named *order = NULL;
    uint32_t *at = NULL;
    int err = 0;
    /*
     * In batches of the part's mentions, in corpus order: first each one's
     * tally, then its counts. A mention reads a table slot, its tally and
     * the tally's lists, each most likely a cache miss; a batch asks for
     * them ahead (the slots as it is gathered, each tally as it is found,
     * the lists' first nodes a few mentions ahead), so that they arrive
     * together, not one after the other.
     */
    size_t n_docs = j->c->n_records, d = 0, i = 0, seen = 0;
    while (d < n_docs) {
        struct {
            uint32_t d, i, k;
        } b[TALLY_BATCH];
        size_t n = 0;
        size_t mask = pt->keys.cap ? pt->keys.cap - 1 : 0;
        while (d < n_docs && n < TALLY_BATCH) {
            const docres *r = &j->res[d];
            if (i == 0)
                pt->doc_start[d] = (uint32_t)seen;
            for (; i < r->n && n < TALLY_BATCH; i++) {
                const mkey *mk = &r->keys[i];
                if (!mk->name || !mk->len || part_of(mk->hash, mg->n_parts) != p)
                    continue;
                if (pt->keys.slots)
                    CCG__PREFETCH(&pt->keys.slots[mk->hash & mask]);
                CCG__PREFETCH(&r->m[i]);
                b[n].d = (uint32_t)d;
                b[n++].i = (uint32_t)i;
                seen++;
            }
            if (i == r->n) {
                d++;
                i = 0;
            }
        }
        for (size_t q = 0; q < n; q++) {
            const docres *r = &j->res[b[q].d];
            if ((err = find_tally(pt, r, b[q].d, b[q].i, &b[q].k)) < 0)
                return err;
            const tally *t = &pt->t[b[q].k];
            CCG__PREFETCH(t);
            CCG__PREFETCH((const char *)t + 64);
            CCG__PREFETCH(r->text + r->keys[b[q].i].start);
            CCG__PREFETCH(r->keys[b[q].i].name);
        }
        for (size_t q = 0; q < n; q++) {
            if (q + TALLY_AHEAD < n) {
                const tally *t = &pt->t[b[q + TALLY_AHEAD].k];
                if (t->names != UINT32_MAX)
                    CCG__PREFETCH(&pt->names[t->names]);
                if (t->forms != UINT32_MAX)
                    CCG__PREFETCH(&pt->forms[t->forms]);
            }
            if ((err = count_mention(j, pt, b[q].d, b[q].i, b[q].k)) < 0)
                return err;
        }
    }
    if (!(order = ccg__malloc((pt->n_t + 1) * sizeof *order)) ||
        !(pt->rank = ccg__malloc((pt->n_t + 1) * sizeof *pt->rank))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    size_t n = 0;
    for (size_t k = 0; k < pt->n_t; k++) {
        tally *t = &pt->t[k];
        t->established = t->coined >= 2;
        pt->rank[k] = UINT32_MAX;
        /* lower case in most papers (a long, specific name needs a clearer majority) */
        if (!t->lexicon && t->lower >= 2 &&
            (t->words <= 3 ? t->lower > t->cap : t->lower > 3 * (uint64_t)t->cap))
            continue;
        pt->rank[k] = t->established;
        const char *name = best_name(pt, t);
        order[n++] = (named){prefix8(name), name, t->first_doc, t->first_i, (uint32_t)k};
    }
    if ((err = sort_prefixed(order, n, sizeof *order, cmp_named)) < 0)
        goto cleanup;
    if (!(pt->ents = ccg__calloc(n + 1, sizeof *pt->ents)) ||
        !(pt->ent_t = ccg__malloc((n + 1) * sizeof *pt->ent_t)) ||
        !(pt->ent_pre = ccg__malloc((n + 1) * sizeof *pt->ent_pre)) ||
        !(at = ccg__malloc((pt->n_t + 1) * sizeof *at))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    /* made in the order of the tallies, which they read with their lists
     * (in sorted order each was a cache miss), each at its place */
    memset(at, 0xff, (pt->n_t + 1) * sizeof *at);
    for (size_t e = 0; e < n; e++)
        at[order[e].t] = (uint32_t)e;
    for (size_t k = 0; k < pt->n_t; k++)
        if (at[k] != UINT32_MAX && (err = make_entity(j, pt, at[k], &order[at[k]])) < 0)
            goto cleanup;
    pt->n_ents = n;
    err = sort_prefixed(pt->pairs, pt->n_pairs, sizeof *pt->pairs, cmp_pair);
cleanup:
    free(order);
    free(at);
    return err;
}

/* Does entity ia of part a sort before entity ib of part b (cmp_named)? */
static bool ent_before(const part *a, size_t ia, const part *b, size_t ib)
{
    if (a->ent_pre[ia] != b->ent_pre[ib])
        return a->ent_pre[ia] < b->ent_pre[ib];
    int r = strcmp(a->ents[ia].name, b->ents[ib].name);
    if (r)
        return r < 0;
    const tally *ta = &a->t[a->ent_t[ia]], *tb = &b->t[b->ent_t[ib]];
    if (ta->first_doc != tb->first_doc)
        return ta->first_doc < tb->first_doc;
    return ta->first_i < tb->first_i;
}

/*
 * The parts' sorted entities and merges merged into the annotation's; the
 * annotation takes the parts' strings. Entities get their rank.
 */
static int gather(part *parts, unsigned n_parts, ccg_annotation *a)
{
    ann_priv *pv = a->priv;
    size_t n_ents = 0, n_pairs = 0, head[MAX_THREADS];
    for (unsigned p = 0; p < n_parts; p++) {
        n_ents += parts[p].n_ents;
        n_pairs += parts[p].n_pairs;
        for (ablock *b = parts[p].arena, *next; b; b = next) {
            next = b->next;
            b->next = pv->blocks;
            pv->blocks = b;
        }
        parts[p].arena = NULL;
    }
    if (n_ents >= INT32_MAX) /* part.rank */
        return ccg__err(CCG_ELIMIT, "too many entities");
    if (!(a->entities = ccg__calloc(n_ents + 1, sizeof *a->entities)) ||
        !(a->merge_from = ccg__calloc(n_pairs + 1, sizeof *a->merge_from)) ||
        !(a->merge_to = ccg__calloc(n_pairs + 1, sizeof *a->merge_to)))
        return CCG_ENOMEM;
    memset(head, 0, sizeof head);
    for (size_t e = 0; e < n_ents; e++) {
        unsigned best = n_parts;
        for (unsigned p = 0; p < n_parts; p++)
            if (head[p] < parts[p].n_ents &&
                (best == n_parts || ent_before(&parts[p], head[p], &parts[best], head[best])))
                best = p;
        part *pt = &parts[best];
        a->entities[e] = pt->ents[head[best]];
        uint32_t *rk = &pt->rank[pt->ent_t[head[best]]];
        *rk = (uint32_t)e << 1 | (*rk & 1);
        head[best]++;
    }
    a->n_entities = n_ents;
    /* merges: every form that is not the canonical name, once */
    memset(head, 0, sizeof head);
    for (size_t i = 0; i < n_pairs; i++) {
        unsigned best = n_parts;
        for (unsigned p = 0; p < n_parts; p++)
            if (head[p] < parts[p].n_pairs &&
                (best == n_parts || cmp_pair(&parts[p].pairs[head[p]], &parts[best].pairs[head[best]]) < 0))
                best = p;
        const pair *pr = &parts[best].pairs[head[best]++];
        if (a->n_merges && strcmp(pr->from, a->merge_from[a->n_merges - 1]) == 0)
            continue;
        a->merge_from[a->n_merges] = pr->from;
        a->merge_to[a->n_merges++] = pr->to;
    }
    return 0;
}

/*
 * The entities of paper d, in order of first mention, with their spans and
 * sentences (in one array, the first item's). The paper's extraction
 * results are freed by a pass of their own (free_doc): freed here, between
 * this pass's allocations, the many small strings of papers other threads
 * extracted took longer (full corpus: 0.135 s CPU for both, against 0.035 s
 * and 0.05 s apart).
 */
static int items_doc(job *j, size_t d)
{
    const merging *mg = j->ctx;
    docres *r = &j->res[d];
    ccg_doc_entities *de = &mg->a->docs[d];
    de->n_sentences = r->n_sent;
    de->sentence_starts = r->sent;
    r->sent = NULL;
    if (r->n >= UINT32_MAX / 4)
        return ccg__err(CCG_ELIMIT, "too many mentions in one paper");
    size_t cur[MAX_THREADS];
    for (unsigned p = 0; p < mg->n_parts; p++)
        cur[p] = mg->parts[p].doc_start[d];
    /* per mention its item or UINT32_MAX; per item its entity, count, introduced;
     * a hash of the entities seen: slot + 1 */
    size_t mask = 15;
    while (mask < 2 * r->n)
        mask = 2 * mask + 1;
    uint32_t *ms = ccg__malloc((3 * r->n + mask + 1) * sizeof *ms + r->n + 1);
    if (!ms)
        return CCG_ENOMEM;
    uint32_t *ient = ms + r->n, *icount = ient + r->n, *tab = icount + r->n;
    uint8_t *iintro = (uint8_t *)(tab + mask + 1);
    memset(tab, 0, (mask + 1) * sizeof *tab);
    size_t n_items = 0, kept = 0;
    for (size_t i = 0; i < r->n; i++) {
        const mkey *mk = &r->keys[i];
        ms[i] = UINT32_MAX;
        if (!mk->name || !mk->len)
            continue;
        unsigned p = part_of(mk->hash, mg->n_parts);
        const part *pt = &mg->parts[p];
        uint32_t rk = pt->rank[pt->ids[cur[p]++]], e = rk >> 1;
        if (rk == UINT32_MAX)
            continue;
        size_t h = (e * 0x9E3779B1u) & mask;
        while (tab[h] && ient[tab[h] - 1] != e)
            h = (h + 1) & mask;
        if (!tab[h]) {
            ient[n_items] = e;
            icount[n_items] = 0;
            iintro[n_items] = 0;
            tab[h] = (uint32_t)++n_items;
        }
        uint32_t it = tab[h] - 1;
        ms[i] = it;
        icount[it]++;
        iintro[it] |= (mk->flags & MK_INTRO) && !((mk->flags & MK_COINED) && (rk & 1));
        kept++;
    }
    int err = 0;
    if (!(de->items = ccg__calloc(n_items + 1, sizeof *de->items))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    de->n = n_items;
    if (n_items) {
        uint32_t *spans = ccg__malloc(3 * kept * sizeof *spans);
        if (!spans) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        for (size_t s = 0, off = 0; s < n_items; s++) {
            ccg_doc_entity *it = &de->items[s];
            it->entity = ient[s];
            it->introduced = iintro[s];
            it->spans = spans + 2 * off;
            it->sentences = spans + 2 * kept + off;
            off += icount[s];
        }
        for (size_t i = 0; i < r->n; i++) {
            if (ms[i] == UINT32_MAX)
                continue;
            ccg_doc_entity *it = &de->items[ms[i]];
            uint32_t start = r->keys[i].start;
            it->spans[2 * it->count] = start;
            it->spans[2 * it->count + 1] = r->keys[i].end;
            it->sentences[it->count++] = ccg__sentence_of(de->sentence_starts, de->n_sentences, start);
        }
    }
cleanup:
    free(ms);
    return err;
}

/* The merge into a: the parts' tallies (a part a thread), their entities gathered, the papers' lists. */
static int merge(job *j, unsigned threads, ccg_annotation *a)
{
    const ccg_corpus *c = j->c;
    merging mg = {NULL, threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads, a};
    int err = 0;
    if (!(a->priv = ccg__calloc(1, sizeof(ann_priv))) ||
        !(a->docs = ccg__calloc(c->n_records + 1, sizeof *a->docs)) ||
        !(mg.parts = ccg__calloc(mg.n_parts, sizeof *mg.parts))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    a->n_docs = c->n_records;
    if (c->n_records >= UINT32_MAX - 1) {
        err = ccg__err(CCG_ELIMIT, "too many papers");
        goto cleanup;
    }
    for (unsigned p = 0; p < mg.n_parts; p++)
        if (!(mg.parts[p].doc_start = ccg__malloc((c->n_records + 1) * sizeof(uint32_t)))) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
    j->ctx = &mg;
    if ((err = run_pass(j, tally_part, threads, mg.n_parts)) < 0 ||
        (err = gather(mg.parts, mg.n_parts, a)) < 0)
        goto cleanup;
    err = run_docs(j, items_doc, threads);
cleanup:
    j->ctx = NULL;
    for (unsigned p = 0; mg.parts && p < mg.n_parts; p++)
        part_free(&mg.parts[p]);
    free(mg.parts);
    return err;
}

int ccg_extractor_annotate(const ccg_extractor *x, const ccg_corpus *c, ccg_annotation **out)
{
    int err = 0;
    ccg__overlay ov;
    memset(&ov, 0, sizeof ov);
    homonyms hom = {NULL, NULL, NULL, NULL};
    ccg__table hnames = {0};
    ccg_annotation *a = NULL;
    mkey *keys = NULL;
    docres *res = ccg__calloc(c->n_records + 1, sizeof *res);
    if (!res)
        return CCG_ENOMEM;
    unsigned threads = x->opts.threads ? x->opts.threads : ccg__cpu_count();
    job j;
    memset(&j, 0, sizeof j);
    j.x = x;
    j.c = c;
    j.res = res;
    if ((err = run_docs(&j, extract_doc, threads)) < 0)
        goto cleanup;
    between bt = {&j, &ov, &hom, &hnames};
    if ((err = ccg__parallel_for(2, threads, between_step, &bt)) < 0)
        goto cleanup;
    if (ov.keys.n) {
        /* its Bloom filters, the pairs that let a text atom join atoms of a
         * long form (pre|operative CT), and the filter of the walk's sweep */
        if ((err = ccg__overlay_seal(&ov, threads)) < 0)
            goto cleanup;
        j.ov = &ov;
        if ((err = run_docs(&j, extend_doc, threads)) < 0)
            goto cleanup;
    }
    if (!(a = ccg__calloc(1, sizeof *a))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    /* the keys of every paper's mentions in one array: the merge reads
     * them in corpus order, twice (each part, then items_doc), and each
     * paper's own allocation started a new stream of cache misses */
    size_t n_keys = 0;
    for (size_t d = 0; d < c->n_records; d++)
        n_keys += res[d].n;
    if (!(keys = ccg__malloc((n_keys + 1) * sizeof *keys)) ||
        !(j.when = ccg__malloc((c->n_records + 1) * sizeof *j.when))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    for (size_t d = 0, at = 0; d < c->n_records; at += res[d++].n)
        res[d].keys = keys + at;
    j.ctx = hom.names ? &hom : NULL;
    err = run_docs(&j, prepare_keys, threads);
    j.ctx = NULL;
    if (err < 0)
        goto cleanup;
    if ((err = merge(&j, threads, a)) < 0 || (err = run_docs(&j, free_doc, threads)) < 0)
        goto cleanup;
    *out = a;
    a = NULL;
cleanup:
    free((void *)hom.sn);
    free((void *)hom.acr);
    free((void *)hom.keys);
    ccg__table_free(&hnames);
    ccg_annotation_free(a);
    for (size_t d = 0; d < c->n_records; d++)
        docres_free(&res[d]);
    free(res);
    free(keys);
    free(j.when);
    ccg__overlay_free(&ov);
    return err;
}
