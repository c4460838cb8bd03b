/*
 * corpus.c: the records of several files, each paper once.
 *
 * A paper is known by its arXiv id and its DOI; the second record that
 * shares either with one already kept is a duplicate (first occurrence wins,
 * so the order of the files decides which version stays).
 */
#include "read.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char **slots;      /* open addressing; keys "a:<arXiv id>" or "d:<doi>" */
    size_t cap, n;
    char **files;      /* file names the records point to */
    size_t n_files;
} corpus_priv;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static char **find_slot(corpus_priv *p, const char *key)
{
    size_t i = (size_t)hash(key) & (p->cap - 1);
    while (p->slots[i] && strcmp(p->slots[i], key) != 0)
        i = (i + 1) & (p->cap - 1);
    return &p->slots[i];
}

static int grow_set(corpus_priv *p)
{
    size_t ncap = p->cap ? p->cap * 2 : 1024;
    char **ns = ccg__calloc(ncap, sizeof *ns);
    if (!ns)
        return ccg__err(CCG_ENOMEM, "out of memory");
    char **old = p->slots;
    size_t ocap = p->cap;
    p->slots = ns;
    p->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i])
            *find_slot(p, old[i]) = old[i];
    free(old);
    return 0;
}

static int make_key(char prefix, const char *v, char **out)
{
    size_t n = strlen(v);
    if (!(*out = ccg__malloc(n + 3)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    (*out)[0] = prefix;
    (*out)[1] = ':';
    memcpy(*out + 2, v, n + 1);
    return 0;
}

int ccg_corpus_new(ccg_corpus **out)
{
    ccg_corpus *c = ccg__calloc(1, sizeof *c);
    corpus_priv *p = ccg__calloc(1, sizeof *p);
    if (!c || !p) {
        free(c);
        free(p);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    c->priv = p;
    *out = c;
    return 0;
}

int ccg_corpus_mark(ccg_corpus *c, const ccg_record *rec)
{
    corpus_priv *p = c->priv;
    char *keys[2] = {NULL, NULL};
    int err = 0;
    if (rec->arxiv_id && (err = make_key('a', rec->arxiv_id, &keys[0])) < 0)
        goto cleanup;
    if (rec->doi && (err = make_key('d', rec->doi, &keys[1])) < 0)
        goto cleanup;
    if ((p->n + 2) * 2 > p->cap && (err = grow_set(p)) < 0)
        goto cleanup;
    for (int k = 0; k < 2; k++)
        if (keys[k] && *find_slot(p, keys[k])) {
            c->n_duplicates++;
            goto cleanup; /* err == 0: seen before */
        }
    for (int k = 0; k < 2; k++)
        if (keys[k]) {
            *find_slot(p, keys[k]) = keys[k];
            keys[k] = NULL;
            p->n++;
        }
    err = 1;
cleanup:
    free(keys[0]);
    free(keys[1]);
    return err;
}

int ccg_corpus_add(ccg_corpus *c, ccg_record *rec)
{
    int err = 0;
    if (c->n_records % 1024 == 0) {
        ccg_record **nr = ccg__realloc(c->records, (c->n_records + 1024) * sizeof *nr);
        if (!nr) {
            ccg_record_free(rec);
            return ccg__err(CCG_ENOMEM, "out of memory");
        }
        c->records = nr;
    }
    if ((err = ccg_corpus_mark(c, rec)) <= 0) {
        ccg_record_free(rec);
        return err;
    }
    c->records[c->n_records++] = rec;
    return 1;
}

int ccg_corpus_read_file(ccg_corpus *c, const char *path, const ccg_reader_options *opts)
{
    corpus_priv *p = c->priv;
    ccg_reader *r = NULL;
    ccg_record *rec = NULL;
    char *name = NULL;
    int err;
    char **nf = ccg__realloc(p->files, (p->n_files + 1) * sizeof *nf);
    if (!nf)
        return ccg__err(CCG_ENOMEM, "out of memory");
    p->files = nf;
    if (!(name = ccg__strdup(path ? path : "-")))
        return ccg__err(CCG_ENOMEM, "out of memory");
    p->files[p->n_files++] = name;
    if ((err = ccg_reader_open(&r, path, opts)) < 0)
        goto cleanup;
    while ((err = ccg_reader_next(r, &rec)) > 0) {
        rec->file = name; /* records outlive the reader */
        c->per_format[rec->format]++;
        if ((err = ccg_corpus_add(c, rec)) < 0)
            goto cleanup;
    }
cleanup:
    if (r)
        c->n_skipped += ccg_reader_skipped(r);
    ccg_reader_free(r);
    return err < 0 ? err : 0;
}

void ccg_corpus_free(ccg_corpus *c)
{
    if (!c)
        return;
    corpus_priv *p = c->priv;
    for (size_t i = 0; i < c->n_records; i++)
        ccg_record_free(c->records[i]);
    free(c->records);
    if (p) {
        for (size_t i = 0; i < p->cap; i++)
            free(p->slots[i]);
        free(p->slots);
        for (size_t i = 0; i < p->n_files; i++)
            free(p->files[i]);
        free(p->files);
        free(p);
    }
    free(c);
}
