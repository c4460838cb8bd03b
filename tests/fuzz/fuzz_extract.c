/*
 * fuzz_extract.c: libFuzzer target for the extractor. The input is the
 * text of one paper: extracted alone (every mention must lie inside the
 * text, in order), then, split at its first blank line into two papers,
 * annotated as a corpus (merge, overlay of long forms, sentences).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccgraph.h"

static ccg_extractor *extractor(void)
{
    static ccg_extractor *x;
    if (!x) {
        ccg_extractor_options o;
        ccg_extractor_options_init(&o);
        o.threads = 1;
        o.explain = true;
        if (ccg_extractor_new(&x, &o) < 0)
            abort();
    }
    return x;
}

static ccg_record *paper(const char *id, const char *s, size_t n)
{
    ccg_record *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->id = strdup(id);
    r->abstract = strndup(s, n);
    if (!r->id || !r->abstract) {
        ccg_record_free(r);
        return NULL;
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ccg_extractor *x = extractor();
    const char *text = (const char *)data;
    ccg_mentions *m = NULL;
    if (ccg_extractor_extract(x, text, size, &m) == 0) {
        for (size_t i = 0; i < m->n; i++) {
            if (m->items[i].start >= m->items[i].end || m->items[i].end > size ||
                (i && m->items[i - 1].start > m->items[i].start) || !m->items[i].name)
                abort();
        }
        ccg_mentions_free(m);
    }
    const char *mid = memchr(text, '\n', size);
    size_t cut = mid ? (size_t)(mid - text) : size / 2;
    ccg_corpus *c = NULL;
    if (ccg_corpus_new(&c) < 0)
        return 0;
    ccg_record *a = paper("a", text, cut), *b = paper("b", text + cut, size - cut);
    if (a)
        ccg_corpus_add(c, a);
    if (b)
        ccg_corpus_add(c, b);
    ccg_annotation *an = NULL;
    if (ccg_extractor_annotate(x, c, &an) == 0) {
        for (size_t d = 0; d < an->n_docs; d++)
            for (size_t i = 0; i < an->docs[d].n; i++)
                if (an->docs[d].items[i].entity >= an->n_entities)
                    abort();
        ccg_annotation_free(an);
    }
    ccg_corpus_free(c);
    return 0;
}
