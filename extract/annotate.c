/*
 * annotate.c: extraction over a corpus, in parallel, and the merge of names
 * across papers.
 *
 * Pass 1 extracts every text (threads take records by index, each result
 * lands in its record's slot, so results never depend on scheduling). The
 * long forms defined anywhere ("Direct Preference Optimization (DPO)")
 * become an overlay; if there are any, pass 2 extracts again with it, so a
 * paper that only spells the long form out is linked to DPO too. The merge
 * then runs in one thread in corpus order: names are grouped by their loose
 * key (case, spaces, hyphens, plural s folded; thesaurus applied first),
 * each group gets a canonical name (lexicon name if any, else the most
 * frequent name, ties by byte order), and entities are sorted by name.
 *
 * Three corpus-level rules come first: an acronym defined in several
 * senses keeps it for the sense most papers define (split_homonyms); a
 * name whose long forms most papers write in lower case is a field or a
 * class and is dropped (generic_names); a shape-found name in a case the
 * lexicon form rejects (VLLMs for vLLM) keeps a key of its own (entity_key).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "extractor.h"

/* A mention's grouping key, computed once for the corpus rules and the merge. */
typedef struct {
    const char *name;   /* its name after the thesaurus; NULL: the thesaurus drops it */
    uint32_t key, len;  /* its key (entity_key) in the paper's pool; len 0: none */
    uint32_t hash;      /* ccg__hash of the key */
    uint8_t flags;      /* MK_* */
    uint8_t words;      /* MK_LONG: its content words (long_form_case), 255 at most */
} mkey;

/* What the generic-name rule counts of a mention. */
enum {
    MK_LONG = 1,   /* a long form written out, after the title */
    MK_TITLE = 2,  /* that long form in Title Case */
    MK_COINED = 4, /* introduced only by a Title Case definition (ccg__mention.coined) */
};

typedef struct {
    char *text;
    size_t len;
    ccg__mention *m;
    size_t n;
    char **defs;
    size_t n_defs;
    uint32_t *sent;
    uint32_t n_sent;
    mkey *keys;         /* per mention, once the names are final (prepare_keys) */
    ccg_buf pool;       /* overlay keys of its definitions (overlay_keys), then its mkeys' keys */
} docres;

/* Work on every paper, shared by threads: each takes the next index, and
 * writes only its paper's docres, so results never depend on scheduling. */
typedef struct job job;
typedef int (*doc_fn)(job *j, size_t d);
struct job {
    const ccg_extractor *x;
    const ccg__overlay *ov;
    const ccg_corpus *c;
    docres *res;
    doc_fn fn;
    const void *ctx;    /* what fn reads besides res */
    size_t next;
    pthread_mutex_t lock;
    int err;
    char errmsg[256];
};

static void *worker(void *arg)
{
    job *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        int stop = j->err;
        pthread_mutex_unlock(&j->lock);
        if (stop || i >= j->c->n_records)
            break;
        int err = j->fn(j, i);
        if (err < 0) {
            pthread_mutex_lock(&j->lock);
            if (!j->err) {
                j->err = err;
                snprintf(j->errmsg, sizeof j->errmsg, "%s", ccg_error_last());
            }
            pthread_mutex_unlock(&j->lock);
            break;
        }
    }
    return NULL;
}

static int run_pass(job *j, doc_fn fn, unsigned threads)
{
    j->next = 0;
    j->fn = fn;
    if (threads <= 1 || j->c->n_records < 2) {
        worker(j);
    } else {
        pthread_t tid[64];
        unsigned n = threads > 64 ? 64 : threads, started = 0;
        for (; started < n; started++)
            if (pthread_create(&tid[started], NULL, worker, j) != 0)
                break;
        if (started == 0)
            worker(j);
        for (unsigned i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
    }
    if (j->err)
        return ccg__err(j->err, "%s", j->errmsg);
    return 0;
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

/* The first pass: extraction, which keeps the sentences and definitions it
 * found, and the overlay keys of the definitions. */
static int extract_doc(job *j, size_t d)
{
    docres *r = &j->res[d];
    if (!r->text && !(r->text = ccg_record_text(j->c->records[d], &r->len)))
        return CCG_ENOMEM;
    int err = ccg__extract(j->x, NULL, r->text, r->len, &r->m, &r->n, &r->defs, &r->n_defs,
                           &r->sent, &r->n_sent);
    return err < 0 ? err : overlay_keys(r);
}

/* The second pass: long forms defined in other papers. */
static int extend_doc(job *j, size_t d)
{
    docres *r = &j->res[d];
    return ccg__overlay_extend(j->x, j->ov, r->text, r->len, &r->m, &r->n);
}

/* ---- the overlay of long forms ------------------------------------------- */

static void overlay_free(ccg__overlay *ov)
{
    ccg__table_free(&ov->keys);
    ccg__buf_free(&ov->names);
}

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
    /* its Bloom filters, and the pairs that let a text atom join atoms of a
     * long form (pre|operative CT) */
    return ccg__table_bloom(&ov->keys);
}

/* ---- merge --------------------------------------------------------------- */

typedef struct {
    char *name;
    size_t count;
} namecount;

typedef struct {
    namecount *names;
    size_t n_names, cap_names;
    char **forms;
    size_t n_forms, cap_forms;
    size_t votes[CCG_TYPE_COUNT];
    int lexentry;
    const char *lexname;   /* the name a lexicon mention gave */
    long intro_by;
    size_t n_papers, n_mentions;
    const char *rule;
    size_t last_doc;       /* doc+1 of the last paper counted */
    size_t slot;           /* its ccg_doc_entity index in that paper */
} acc;

static int str_add_unique(char ***v, size_t *n, size_t *cap, const char *s, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*v)[i]) == len && memcmp((*v)[i], s, len) == 0)
            return 0;
    if (*n == *cap && ccg__grow((void **)v, cap, *n + 1, sizeof **v) < 0)
        return CCG_ENOMEM;
    char *d = ccg__strndup(s, len);
    if (!d)
        return CCG_ENOMEM;
    for (char *p = d; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == '~')
            *p = ' ';
    (*v)[(*n)++] = d;
    return 0;
}

static int name_count(acc *a, const char *name)
{
    for (size_t i = 0; i < a->n_names; i++)
        if (strcmp(a->names[i].name, name) == 0) {
            a->names[i].count++;
            return 0;
        }
    if (a->n_names == a->cap_names &&
        ccg__grow((void **)&a->names, &a->cap_names, a->n_names + 1, sizeof *a->names) < 0)
        return CCG_ENOMEM;
    char *d = ccg__strdup(name);
    if (!d)
        return CCG_ENOMEM;
    a->names[a->n_names].name = d;
    a->names[a->n_names++].count = 1;
    return 0;
}

/* Loose key: case, spaces, hyphens and underscores folded, an acronym's plural s dropped. */
static int merge_key(ccg_buf *k, const char *name)
{
    k->len = 0;
    size_t n = strlen(name);
    if (n > 2 && name[n - 1] == 's' && name[n - 2] >= 'A' && name[n - 2] <= 'Z')
        n--;
    return ccg__fold_loose(k, name, n);
}

/* Does name (not all lower case) spell a lexicon form's key in a case that form rejects (VLLM, LoRa)? */
static bool lex_case_clash(const ccg_extractor *x, const char *name, const ccg_buf *k)
{
    const ccg__slot *slot = ccg__table_find(&x->lex, k->data, k->len, ccg__hash(k->data, k->len));
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
 */
static int entity_key(const ccg_extractor *x, const ccg__mention *m, const char *name, ccg_buf *k)
{
    int err = merge_key(k, name);
    if (err < 0 || !k->len || m->lexentry >= 0 || !lex_case_clash(x, name, k))
        return err;
    if (ccg__buf_putc(k, '\1') < 0 || ccg__buf_add(k, name, strlen(name)) < 0)
        return CCG_ENOMEM;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
    char *from, *to;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int r = strcmp(x->from, y->from);
    return r ? r : strcmp(x->to, y->to);
}

typedef struct {
    const char *name;
    size_t idx;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

static bool earlier(const ccg_corpus *c, size_t a, long b)
{
    if (b < 0)
        return true;
    const ccg_record *ra = c->records[a], *rb = c->records[b];
    long ka = ra->year ? ra->year * 12L + ra->month : 1L << 30;
    long kb = rb->year ? rb->year * 12L + rb->month : 1L << 30;
    if (ka != kb)
        return ka < kb;
    return (long)a < b;
}

static void acc_free(acc *a)
{
    for (size_t i = 0; i < a->n_names; i++)
        free(a->names[i].name);
    free(a->names);
    for (size_t i = 0; i < a->n_forms; i++)
        free(a->forms[i]);
    free(a->forms);
}

void ccg_annotation_free(ccg_annotation *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_entities; i++) {
        free(a->entities[i].name);
        for (size_t k = 0; k < a->entities[i].n_forms; k++)
            free(a->entities[i].forms[k]);
        free(a->entities[i].forms);
    }
    free(a->entities);
    for (size_t d = 0; d < a->n_docs; d++) {
        for (size_t k = 0; k < a->docs[d].n; k++) {
            free(a->docs[d].items[k].spans);
            free(a->docs[d].items[k].sentences);
        }
        free(a->docs[d].items);
        free(a->docs[d].sentence_starts);
    }
    free(a->docs);
    for (size_t i = 0; i < a->n_merges; i++) {
        free(a->merge_from[i]);
        free(a->merge_to[i]);
    }
    free(a->merge_from);
    free(a->merge_to);
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

/* The first word of s: its start in *w, its length without a plural s returned. */
static size_t first_word(const char *s, const char **w)
{
    while (*s && !((*s | 32) >= 'a' && (*s | 32) <= 'z') && !(*s >= '0' && *s <= '9'))
        s++;
    *w = s;
    size_t n = 0;
    while (((s[n] | 32) >= 'a' && (s[n] | 32) <= 'z') || (s[n] >= '0' && s[n] <= '9'))
        n++;
    return n > 1 && s[n - 1] == 's' ? n - 1 : n;
}

/* Do two long forms of one acronym name the same thing? Their first words agree. */
static bool same_sense(const char *a, const char *b)
{
    const char *wa, *wb;
    size_t na = first_word(a, &wa), nb = first_word(b, &wb);
    return na == nb && strncasecmp(wa, wb, na) == 0;
}

typedef struct {
    const char *lf;  /* the first long form of this sense (borrowed from a docres) */
    size_t papers, last_doc;
    size_t next;     /* the acronym's next sense, SIZE_MAX at the end */
} sense;

typedef struct {
    size_t first, last, n; /* its senses, a list through sense.next */
    size_t best;           /* the sense most papers define */
} hname;

/* The sense of acronym h that long form lf has, or SIZE_MAX. */
static size_t find_sense(const sense *sn, const hname *h, const char *lf)
{
    for (size_t i = h->n ? h->first : SIZE_MAX; i != SIZE_MAX; i = sn[i].next)
        if (same_sense(sn[i].lf, lf))
            return i;
    return SIZE_MAX;
}

/*
 * ESD is Endoscopic Submucosal Dissection in some papers, empirical spectral
 * density or Error Span Detection in others. The sense most papers define
 * keeps the acronym; a paper defining it in another sense has that entity
 * called by its long form (and so do the long form's occurrences elsewhere).
 */
typedef struct {
    const sense *sn;
    const hname *hn;
    const ccg__table *names; /* merge key of an acronym -> its hname */
} homonyms;

/* A paper's mentions of an acronym in a sense other than its main one are
 * called by that sense's long form. */
static int rename_doc(job *j, size_t d)
{
    const homonyms *h = j->ctx;
    docres *r = &j->res[d];
    ccg_buf k = CCG_BUF_INIT;
    int err = 0;
    for (size_t i = 0; i < r->n; i++) {
        ccg__mention *m = &r->m[i];
        if (m->lexentry >= 0 || (err = merge_key(&k, m->name)) < 0 || !k.len)
            continue;
        const ccg__slot *s = ccg__table_find(h->names, k.data, k.len, ccg__hash(k.data, k.len));
        if (!s || h->hn[s->value].n < 2)
            continue;
        const hname *hn = &h->hn[s->value];
        /* the sense: this paper's definition, else the long form written here */
        size_t si = SIZE_MAX;
        for (size_t q = 0; q + 1 < r->n_defs && q < 512 && si == SIZE_MAX; q += 2) /* bounded */
            if (strcmp(r->defs[q + 1], m->name) == 0)
                si = find_sense(h->sn, hn, r->defs[q]);
        if (si == SIZE_MAX && strcmp(m->rule, "corpus long form") == 0) {
            char *lf = ccg__strndup(r->text + m->start, m->end - m->start);
            if (!lf) {
                err = CCG_ENOMEM;
                break;
            }
            si = find_sense(h->sn, hn, lf);
            free(lf);
        }
        if (si == SIZE_MAX || si == hn->best)
            continue;
        char *d2 = ccg__strdup(h->sn[si].lf);
        if (!d2) {
            err = CCG_ENOMEM;
            break;
        }
        free(m->name);
        m->name = d2;
    }
    ccg__buf_free(&k);
    return err;
}

static int split_homonyms(job *j, unsigned threads)
{
    docres *res = j->res;
    size_t n_docs = j->c->n_records;
    ccg__table names = {0};
    ccg_buf k = CCG_BUF_INIT;
    sense *sn = NULL;
    hname *hn = NULL;
    size_t n_sn = 0, cap_sn = 0, n_hn = 0, cap_hn = 0;
    bool any = false;
    int err = 0;
    for (size_t d = 0; d < n_docs; d++)
        for (size_t i = 0; i + 1 < res[d].n_defs; i += 2) {
            const char *lf = res[d].defs[i], *name = res[d].defs[i + 1];
            if (strcmp(lf, name) == 0 || (err = merge_key(&k, name)) < 0 || !k.len)
                continue;
            ccg__slot *s;
            if ((err = ccg__table_put(&names, k.data, k.len, &s)) < 0)
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
            size_t si = find_sense(sn, &hn[ni], lf);
            if (si == SIZE_MAX) {
                if (n_sn == cap_sn && ccg__grow((void **)&sn, &cap_sn, n_sn + 1, sizeof *sn) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                sn[n_sn] = (sense){lf, 0, 0, SIZE_MAX};
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
    /* every mention of the corpus is looked up: most names are not acronyms defined */
    if ((err = ccg__table_bloom(&names)) < 0)
        goto cleanup;
    homonyms h = {sn, hn, &names};
    j->ctx = &h;
    err = run_pass(j, rename_doc, threads);
cleanup:
    free(sn);
    free(hn);
    ccg__table_free(&names);
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
 */
typedef struct {
    size_t lower, cap;          /* papers writing a long form of the name in lower case / Title Case */
    size_t last_lower, last_cap; /* doc+1 last counted */
    size_t coined, last_coined;  /* papers 'introducing' it by a Title Case definition only */
    unsigned words;              /* words of the first long form seen */
    bool lexicon;
} lfstat;

static bool rule_is(const char *rule, const char *r) { return rule && strcmp(rule, r) == 0; }

/*
 * Is the mention text [s, s+n) a long form (two parts or more with a
 * lower-case letter: not K-PINN)? Its content words (parted by spaces:
 * vision-language is one) in *words, those starting with a capital in *caps.
 */
static bool long_form_case(const char *s, size_t n, unsigned *words, unsigned *caps)
{
    static const char fn[][5] = {"the", "a", "an", "of", "and", "or", "to", "for", "in",
                                 "on", "with", "from", "by", "via"};
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
        bool skip = false;
        for (size_t f = 0; i - b < sizeof *fn && f < sizeof fn / sizeof *fn && !skip; f++)
            skip = fn[f][i - b] == '\0' && memcmp(fn[f], s + b, i - b) == 0;
        if (skip || (b > 0 && s[b - 1] == '-'))
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

static size_t title_end_of(const char *t, size_t len)
{
    for (size_t i = 0; i + 1 < len && i < 2000; i++)
        if (t[i] == '\n' && t[i + 1] == '\n')
            return i;
    return 0;
}

/*
 * Each mention's name after the thesaurus, its grouping key, and what the
 * generic-name rule counts of it: computed once, on every thread, once the
 * names are final (after split_homonyms), for the merge. r->pool held the
 * overlay keys of the paper, used by now.
 */
static int prepare_keys(job *j, size_t d)
{
    docres *r = &j->res[d];
    ccg_buf k = CCG_BUF_INIT, tk = CCG_BUF_INIT;
    int err = 0;
    if (!(r->keys = ccg__calloc(r->n + 1, sizeof *r->keys)))
        return CCG_ENOMEM;
    r->pool.len = 0;
    size_t tend = title_end_of(r->text, r->len);
    for (size_t i = 0; i < r->n; i++) {
        const ccg__mention *m = &r->m[i];
        mkey *mk = &r->keys[i];
        if (!(mk->name = thesaurus(j->x, &tk, m->name)))
            continue;
        if ((err = entity_key(j->x, m, mk->name, &k)) < 0)
            break;
        if (!k.len)
            continue;
        if (r->pool.len + k.len >= UINT32_MAX) {
            err = ccg__err(CCG_ELIMIT, "too many names in one paper");
            break;
        }
        mk->key = (uint32_t)r->pool.len;
        mk->len = (uint32_t)k.len;
        mk->hash = ccg__hash(k.data, k.len);
        if ((err = ccg__buf_add(&r->pool, k.data, k.len)) < 0)
            break;
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
        if (m->introduced && m->coined)
            mk->flags |= MK_COINED;
    }
    ccg__buf_free(&k);
    ccg__buf_free(&tk);
    return err;
}

/*
 * Marks in *gen (table of entity keys, KEY_FULL) the names whose long forms
 * are generic, and in *est those that two papers or more define in Title
 * Case without another sign of introducing them (Monte Carlo (MC), General
 * Data Protection Regulation (GDPR)): established names, introduced by none.
 * prepare_keys has told, in parallel, which mentions are long forms, in
 * which case, and coined; this counts them by key in corpus order.
 */
static int generic_names(const ccg_extractor *x, const ccg_corpus *c, docres *res,
                         ccg__table *gen, ccg__table *est)
{
    ccg__table keys = {0};
    lfstat *st = NULL;
    size_t n_st = 0, cap_st = 0;
    int err = 0;
    for (size_t d = 0; d < c->n_records; d++) {
        const docres *r = &res[d];
        for (size_t i = 0; i < r->n; i++) {
            const ccg__mention *m = &r->m[i];
            const mkey *mk = &r->keys[i];
            bool lex = m->lexentry >= 0, lf = mk->flags & MK_LONG, coined = mk->flags & MK_COINED;
            if (!mk->name || !mk->len || (!lex && !lf && !coined))
                continue;
            ccg__slot *s;
            if ((err = ccg__table_put_hashed(&keys, r->pool.data + mk->key, mk->len, mk->hash,
                                             &s)) < 0)
                goto cleanup;
            if (!(s->flags & KEY_FULL)) {
                if (n_st == cap_st && ccg__grow((void **)&st, &cap_st, n_st + 1, sizeof *st) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                memset(&st[n_st], 0, sizeof *st);
                s->flags |= KEY_FULL;
                s->value = (int32_t)n_st++;
            }
            lfstat *f = &st[s->value];
            f->lexicon |= lex;
            if (coined && f->last_coined != d + 1) {
                f->last_coined = d + 1;
                f->coined++;
            }
            if (!lf)
                continue;
            if (!f->words)
                f->words = mk->words;
            bool title = mk->flags & MK_TITLE;
            if (title && f->last_cap != d + 1) {
                f->last_cap = d + 1;
                f->cap++;
            } else if (!title && f->last_lower != d + 1) {
                f->last_lower = d + 1;
                f->lower++;
            }
        }
    }
    /* lower case in most papers (a long, specific name needs a clearer majority) */
    for (size_t i = 0; i < keys.cap; i++) {
        ccg__slot *s = &keys.slots[i];
        if (!(s->flags & KEY_FULL))
            continue;
        const lfstat *f = &st[s->value];
        bool generic = !f->lexicon && f->lower >= 2 &&
                       (f->words <= 3 ? f->lower > f->cap : f->lower > 3 * f->cap);
        ccg__slot *g;
        if (generic && ((err = ccg__table_put(gen, keys.pool.data + s->key, s->len, &g)) < 0))
            goto cleanup;
        if (generic)
            g->flags |= KEY_FULL;
        if (f->coined >= 2 && ((err = ccg__table_put(est, keys.pool.data + s->key, s->len, &g)) < 0))
            goto cleanup;
        if (f->coined >= 2)
            g->flags |= KEY_FULL;
    }
    /* merge asks both for every mention: most are in neither */
    if ((err = ccg__table_bloom(gen)) < 0 || (err = ccg__table_bloom(est)) < 0)
        goto cleanup;
cleanup:
    free(st);
    ccg__table_free(&keys);
    return err;
}

static int merge(const ccg_extractor *x, const ccg_corpus *c, docres *res, ccg_annotation *a)
{
    int err = 0;
    ccg__table keys = {0}, gen = {0}, est = {0};
    acc *ents = NULL;
    size_t n_ents = 0, cap_ents = 0;
    uint32_t **ment_ent = NULL; /* per doc, per mention: entity index or UINT32_MAX */
    named *perm = NULL;
    size_t *rank = NULL;
    pair *pairs = NULL;
    size_t n_pairs = 0, cap_pairs = 0;

    if (!(ment_ent = ccg__calloc(c->n_records + 1, sizeof *ment_ent)) ||
        !(a->docs = ccg__calloc(c->n_records + 1, sizeof *a->docs))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    a->n_docs = c->n_records;
    if ((err = generic_names(x, c, res, &gen, &est)) < 0)
        goto cleanup;
    for (size_t d = 0; d < c->n_records; d++) {
        docres *r = &res[d];
        ccg_doc_entities *de = &a->docs[d];
        de->n_sentences = r->n_sent;
        de->sentence_starts = r->sent;
        r->sent = NULL;
        if (!(ment_ent[d] = ccg__malloc((r->n + 1) * sizeof **ment_ent))) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        size_t n_items = 0;
        for (size_t i = 0; i < r->n; i++) {
            const ccg__mention *m = &r->m[i];
            ment_ent[d][i] = UINT32_MAX;
            const mkey *mk = &r->keys[i];
            const char *name = mk->name, *kd = r->pool.data + mk->key;
            if (!name || !mk->len || (gen.n && ccg__table_find(&gen, kd, mk->len, mk->hash)))
                continue;
            ccg__slot *s;
            if ((err = ccg__table_put_hashed(&keys, kd, mk->len, mk->hash, &s)) < 0)
                goto cleanup;
            if (!(s->flags & KEY_FULL)) {
                if (n_ents >= UINT32_MAX - 1) {
                    err = ccg__err(CCG_ELIMIT, "too many entities");
                    goto cleanup;
                }
                s->flags |= KEY_FULL;
                s->value = (int32_t)n_ents;
                if (n_ents == cap_ents &&
                    ccg__grow((void **)&ents, &cap_ents, n_ents + 1, sizeof *ents) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                memset(&ents[n_ents], 0, sizeof *ents);
                ents[n_ents].lexentry = -1;
                ents[n_ents].intro_by = -1;
                ents[n_ents].rule = m->rule;
                n_ents++;
            }
            uint32_t e = (uint32_t)s->value;
            acc *ac = &ents[e];
            ment_ent[d][i] = e;
            if ((err = name_count(ac, name)) < 0 ||
                (err = str_add_unique(&ac->forms, &ac->n_forms, &ac->cap_forms,
                                      r->text + m->start, m->end - m->start)) < 0)
                goto cleanup;
            if (m->lexentry >= 0 && ac->lexentry < 0) {
                ac->lexentry = m->lexentry;
                ac->lexname = name;
            }
            if (m->type >= 0)
                ac->votes[m->type]++;
            ac->n_mentions++;
            if (ac->last_doc != d + 1) {
                ac->last_doc = d + 1;
                ac->slot = n_items++;
                ac->n_papers++;
            }
            bool intro = m->introduced &&
                         !(m->coined && est.n && ccg__table_find(&est, kd, mk->len, mk->hash));
            r->m[i].introduced = intro;
            if (intro && earlier(c, d, ac->intro_by) && ac->intro_by != (long)d)
                ac->intro_by = (long)d;
        }
        /* the paper's entities, in order of first mention */
        de->items = ccg__calloc(n_items + 1, sizeof *de->items);
        if (!de->items) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        de->n = n_items;
        for (size_t i = 0; i < r->n; i++) {
            uint32_t e = ment_ent[d][i];
            if (e == UINT32_MAX)
                continue;
            ccg_doc_entity *it = &de->items[ents[e].slot];
            it->entity = e;
            it->count++;
            it->introduced |= r->m[i].introduced;
        }
        for (size_t s = 0; s < n_items; s++) {
            ccg_doc_entity *it = &de->items[s];
            it->spans = ccg__malloc(2 * it->count * sizeof *it->spans);
            it->sentences = ccg__malloc(it->count * sizeof *it->sentences);
            if (!it->spans || !it->sentences) {
                err = CCG_ENOMEM;
                goto cleanup;
            }
            it->count = 0;
        }
        for (size_t i = 0; i < r->n; i++) {
            uint32_t e = ment_ent[d][i];
            if (e == UINT32_MAX)
                continue;
            ccg_doc_entity *it = &de->items[ents[e].slot];
            it->spans[2 * it->count] = r->m[i].start;
            it->spans[2 * it->count + 1] = r->m[i].end;
            it->sentences[it->count] = ccg__sentence_of(de->sentence_starts, de->n_sentences, r->m[i].start);
            it->count++;
        }
        /* the paper's keys are in the table now (names and forms are copies) */
        free(r->keys);
        r->keys = NULL;
        ccg__buf_free(&r->pool);
    }

    /* entities: canonical names, types, then sorted by name */
    if (!(a->entities = ccg__calloc(n_ents + 1, sizeof *a->entities))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    for (size_t e = 0; e < n_ents; e++) {
        acc *ac = &ents[e];
        ccg_entity *en = &a->entities[a->n_entities++];
        const char *best = ac->lexname;
        if (!best) {
            size_t bc = 0;
            for (size_t i = 0; i < ac->n_names; i++)
                if (ac->names[i].count > bc ||
                    (ac->names[i].count == bc && strcmp(ac->names[i].name, best) < 0)) {
                    bc = ac->names[i].count;
                    best = ac->names[i].name;
                }
        }
        if (!(en->name = ccg__strdup(best))) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        if (ac->lexentry >= 0)
            en->type = (ccg_entity_type)x->entries[ac->lexentry].type;
        else {
            en->type = CCG_TYPE_METHOD;
            size_t bv = 0;
            for (int t = 0; t < CCG_TYPE_COUNT; t++)
                if (ac->votes[t] > bv) {
                    bv = ac->votes[t];
                    en->type = (ccg_entity_type)t;
                }
        }
        qsort(ac->forms, ac->n_forms, sizeof *ac->forms, cmp_str);
        en->forms = ac->forms;
        en->n_forms = ac->n_forms;
        ac->forms = NULL;
        ac->n_forms = 0;
        en->n_papers = ac->n_papers;
        en->n_mentions = ac->n_mentions;
        en->introduced_by = ac->intro_by;
        en->rule = x->opts.explain ? ac->rule : NULL;
        for (size_t i = 0; i < en->n_forms; i++)
            if (strcmp(en->forms[i], en->name) != 0) {
                if (n_pairs == cap_pairs &&
                    ccg__grow((void **)&pairs, &cap_pairs, n_pairs + 1, sizeof *pairs) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                pairs[n_pairs].from = en->forms[i];
                pairs[n_pairs++].to = en->name;
            }
    }
    if (!(perm = ccg__malloc((n_ents + 1) * sizeof *perm)) ||
        !(rank = ccg__malloc((n_ents + 1) * sizeof *rank))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    for (size_t e = 0; e < n_ents; e++) {
        perm[e].name = a->entities[e].name;
        perm[e].idx = e;
    }
    qsort(perm, n_ents, sizeof *perm, cmp_named);
    {
        ccg_entity *sorted = ccg__malloc((n_ents + 1) * sizeof *sorted);
        if (!sorted) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        for (size_t i = 0; i < n_ents; i++) {
            sorted[i] = a->entities[perm[i].idx];
            rank[perm[i].idx] = i;
        }
        free(a->entities);
        a->entities = sorted;
    }
    for (size_t d = 0; d < a->n_docs; d++)
        for (size_t i = 0; i < a->docs[d].n; i++)
            a->docs[d].items[i].entity = (uint32_t)rank[a->docs[d].items[i].entity];

    /* merges: every form that is not the canonical name */
    if (n_pairs)
        qsort(pairs, n_pairs, sizeof *pairs, cmp_pair);
    if (!(a->merge_from = ccg__calloc(n_pairs + 1, sizeof *a->merge_from)) ||
        !(a->merge_to = ccg__calloc(n_pairs + 1, sizeof *a->merge_to))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n_pairs; i++) {
        if (i > 0 && strcmp(pairs[i].from, pairs[i - 1].from) == 0)
            continue;
        size_t m = a->n_merges;
        if (!(a->merge_from[m] = ccg__strdup(pairs[i].from)) ||
            !(a->merge_to[m] = ccg__strdup(pairs[i].to))) {
            free(a->merge_from[m]);
            a->merge_from[m] = NULL;
            err = CCG_ENOMEM;
            goto cleanup;
        }
        a->n_merges++;
    }
cleanup:
    free(pairs);
    free(perm);
    free(rank);
    for (size_t e = 0; e < n_ents; e++)
        acc_free(&ents[e]);
    free(ents);
    if (ment_ent)
        for (size_t d = 0; d < c->n_records; d++)
            free(ment_ent[d]);
    free(ment_ent);
    ccg__table_free(&keys);
    ccg__table_free(&gen);
    ccg__table_free(&est);
    return err;
}

int ccg_extractor_annotate(const ccg_extractor *x, const ccg_corpus *c, ccg_annotation **out)
{
    int err = 0;
    ccg__overlay ov;
    memset(&ov, 0, sizeof ov);
    ccg_annotation *a = NULL;
    docres *res = ccg__calloc(c->n_records + 1, sizeof *res);
    if (!res)
        return CCG_ENOMEM;
    unsigned threads = x->opts.threads;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    job j;
    memset(&j, 0, sizeof j);
    j.x = x;
    j.c = c;
    j.res = res;
    if (pthread_mutex_init(&j.lock, NULL) != 0) {
        free(res);
        return ccg__err(CCG_ENOMEM, "cannot create a mutex");
    }
    if ((err = run_pass(&j, extract_doc, threads)) < 0)
        goto cleanup;
    if ((err = overlay_build(&ov, res, c->n_records)) < 0)
        goto cleanup;
    if (ov.keys.n) {
        j.ov = &ov;
        if ((err = run_pass(&j, extend_doc, threads)) < 0)
            goto cleanup;
    }
    if (!(a = ccg__calloc(1, sizeof *a))) {
        err = CCG_ENOMEM;
        goto cleanup;
    }
    if ((err = split_homonyms(&j, threads)) < 0 || (err = run_pass(&j, prepare_keys, threads)) < 0 ||
        (err = merge(x, c, res, a)) < 0)
        goto cleanup;
    *out = a;
    a = NULL;
cleanup:
    ccg_annotation_free(a);
    for (size_t d = 0; d < c->n_records; d++) {
        free(res[d].text);
        ccg__mentions_free_raw(res[d].m, res[d].n);
        for (size_t k = 0; k < res[d].n_defs; k++)
            free(res[d].defs[k]);
        free(res[d].defs);
        free(res[d].sent);
        free(res[d].keys);
        ccg__buf_free(&res[d].pool);
    }
    free(res);
    overlay_free(&ov);
    pthread_mutex_destroy(&j.lock);
    return err;
}
