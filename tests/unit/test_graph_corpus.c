#include <stdlib.h>
#include <string.h>

#include "test_graph_corpus.h"

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void tg_build(const tg_paper *papers, size_t np, const tg_entity *ents, size_t ne,
              ccg_corpus **cout, ccg_annotation **aout)
{
    ccg_corpus *c = calloc(1, sizeof *c);
    ccg_annotation *a = calloc(1, sizeof *a);
    c->records = calloc(np, sizeof *c->records);
    c->n_records = np;
    a->entities = calloc(ne, sizeof *a->entities);
    a->n_entities = ne;
    a->docs = calloc(np, sizeof *a->docs);
    a->n_docs = np;
    for (size_t e = 0; e < ne; e++) {
        a->entities[e].name = dup(ents[e].name);
        a->entities[e].type = ents[e].type;
        a->entities[e].introduced_by = -1;
    }
    for (size_t p = 0; p < np; p++) {
        ccg_record *r = calloc(1, sizeof *r);
        r->id = dup(papers[p].id);
        r->abstract = dup(papers[p].abstract);
        r->year = papers[p].year;
        r->month = papers[p].month;
        r->file = "hand";
        for (size_t k = 0; k < 4 && papers[p].refs[k]; k++) {
            r->refs = realloc(r->refs, (r->n_refs + 1) * sizeof *r->refs);
            r->refs[r->n_refs++] = dup(papers[p].refs[k]);
        }
        c->records[p] = r;

        ccg_doc_entities *d = &a->docs[p];
        /* sentences: split after ". " */
        const char *t = papers[p].abstract ? papers[p].abstract : "";
        d->sentence_starts = malloc((strlen(t) + 1) * sizeof *d->sentence_starts);
        d->sentence_starts[d->n_sentences++] = 0;
        for (const char *q = strstr(t, ". "); q; q = strstr(q + 2, ". "))
            d->sentence_starts[d->n_sentences++] = (uint32_t)(q + 2 - t);
        /* one doc entity per entity, in order of first mention */
        for (size_t m = 0; m < 12 && papers[p].mentions[m].entity != -1u; m++) {
            tg_mention mm = papers[p].mentions[m];
            ccg_doc_entity *de = NULL;
            for (size_t i = 0; i < d->n; i++)
                if (d->items[i].entity == mm.entity)
                    de = &d->items[i];
            if (!de) {
                d->items = realloc(d->items, (d->n + 1) * sizeof *d->items);
                de = &d->items[d->n++];
                memset(de, 0, sizeof *de);
                de->entity = mm.entity;
                de->introduced = (papers[p].introduces >> mm.entity) & 1;
                a->entities[mm.entity].n_papers++;
            }
            de->sentences = realloc(de->sentences, (de->count + 1) * sizeof *de->sentences);
            de->sentences[de->count++] = mm.sentence;
            a->entities[mm.entity].n_mentions++;
        }
        for (size_t e = 0; e < ne; e++)
            if (((papers[p].introduces >> e) & 1) && a->entities[e].introduced_by < 0)
                a->entities[e].introduced_by = (long)p;
    }
    *cout = c;
    *aout = a;
}

void tg_free(ccg_corpus *c, ccg_annotation *a)
{
    for (size_t p = 0; p < a->n_docs; p++) {
        for (size_t i = 0; i < a->docs[p].n; i++)
            free(a->docs[p].items[i].sentences);
        free(a->docs[p].items);
        free(a->docs[p].sentence_starts);
    }
    free(a->docs);
    for (size_t e = 0; e < a->n_entities; e++)
        free(a->entities[e].name);
    free(a->entities);
    free(a);
    for (size_t p = 0; p < c->n_records; p++) {
        ccg_record *r = c->records[p];
        free(r->id);
        free(r->abstract);
        for (size_t k = 0; k < r->n_refs; k++)
            free(r->refs[k]);
        free(r->refs);
        free(r);
    }
    free(c->records);
    free(c);
}
