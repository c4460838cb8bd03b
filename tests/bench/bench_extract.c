/*
 * bench_extract CORPUS [THREADS...]: extraction speed on a real corpus
 * (e.g. /work/shared/corpus/arxiv_cs_2025_2026.jsonl.gz). Prints the text
 * size, then for each thread count (default: 1 and 2) the per-text
 * extraction rate (ccg_extractor_extract alone, the texts shared by the
 * threads), then the rate of the whole corpus annotation (two extraction
 * passes when long forms are found, plus the merge).
 * Wall-clock and CPU times (CPU: all threads summed); on a shared machine
 * both are noisy, CPU time less so.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccgraph.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    const ccg_extractor *x;
    char **texts;
    size_t *lens, n, from, step, mentions;
    int err;
} part;

/* Extracts texts from, from + step, ... (one thread's share). */
static void *extract_part(void *arg)
{
    part *p = arg;
    for (size_t i = p->from; i < p->n; i += p->step) {
        ccg_mentions *m = NULL;
        if (ccg_extractor_extract(p->x, p->texts[i], p->lens[i], &m) < 0) {
            p->err = 1;
            return NULL;
        }
        p->mentions += m->n;
        ccg_mentions_free(m);
    }
    return NULL;
}

/* ccg_extractor_extract on every text, shared by n threads; SIZE_MAX on error. */
static size_t extract_all(const ccg_extractor *x, char **texts, size_t *lens, size_t n_texts,
                          unsigned n, double *wall, double *cpu)
{
    part parts[64];
    pthread_t tid[64];
    double t0 = now();
    clock_t c0 = clock();
    for (unsigned i = 0; i < n; i++) {
        parts[i] = (part){x, texts, lens, n_texts, i, n, 0, 0};
        if (i > 0 && pthread_create(&tid[i], NULL, extract_part, &parts[i]) != 0)
            return SIZE_MAX;
    }
    extract_part(&parts[0]);
    size_t mentions = parts[0].mentions;
    int err = parts[0].err;
    for (unsigned i = 1; i < n; i++) {
        pthread_join(tid[i], NULL);
        mentions += parts[i].mentions;
        err |= parts[i].err;
    }
    *wall = now() - t0;
    *cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (err) {
        fprintf(stderr, "bench_extract: %s\n", ccg_error_last());
        return SIZE_MAX;
    }
    return mentions;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_extract CORPUS [THREADS...]\n");
        return 2;
    }
    ccg_corpus *c = NULL;
    ccg_reader_options ro = {.format = CCG_FORMAT_AUTO};
    double t0 = now();
    if (ccg_corpus_new(&c) < 0 || ccg_corpus_read_file(c, argv[1], &ro) < 0) {
        fprintf(stderr, "bench_extract: %s\n", ccg_error_last());
        return 1;
    }
    double t_read = now() - t0;
    char **texts = calloc(c->n_records + 1, sizeof *texts);
    size_t *lens = calloc(c->n_records + 1, sizeof *lens);
    size_t bytes = 0;
    for (size_t i = 0; i < c->n_records; i++) {
        texts[i] = ccg_record_text(c->records[i], &lens[i]);
        bytes += lens[i];
    }
    double mb = (double)bytes / 1e6;
    printf("corpus: %zu papers, %.1f MB of text (read in %.2f s)\n", c->n_records, mb, t_read);

    ccg_extractor_options o;
    ccg_extractor_options_init(&o);
    o.threads = 1;
    ccg_extractor *x = NULL;
    t0 = now();
    if (ccg_extractor_new(&x, &o) < 0) {
        fprintf(stderr, "bench_extract: %s\n", ccg_error_last());
        return 1;
    }
    printf("extractor: built-in lexicon loaded in %.3f s\n", now() - t0);
    for (int k = 2; k < (argc > 2 ? argc : 4); k++) {
        unsigned n = argc > 2 ? (unsigned)atoi(argv[k]) : (unsigned)k - 1;
        if (n < 1 || n > 64)
            continue;
        double wall, cpu;
        size_t mentions = extract_all(x, texts, lens, c->n_records, n, &wall, &cpu);
        if (mentions == SIZE_MAX)
            return 1;
        printf("extract, %u thread(s): %.2f s wall, %.1f MB/s; %.2f s CPU, %.1f MB/s per core; "
               "%zu mentions\n",
               n, wall, mb / wall, cpu, mb / cpu, mentions);
    }
    ccg_extractor_free(x);

    int first = 2, last = argc;
    const char *def[] = {"1", "2"};
    for (int k = first; k < (argc > 2 ? last : first + 2); k++) {
        const char *arg = argc > 2 ? argv[k] : def[k - first];
        o.threads = (unsigned)atoi(arg);
        if (ccg_extractor_new(&x, &o) < 0)
            return 1;
        ccg_annotation *a = NULL;
        t0 = now();
        clock_t c0 = clock();
        if (ccg_extractor_annotate(x, c, &a) < 0) {
            fprintf(stderr, "bench_extract: %s\n", ccg_error_last());
            return 1;
        }
        double t = now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
        printf("annotate, %s thread(s): %.2f s wall, %.1f MB/s; %.2f s CPU; %zu entities, %zu merges\n",
               arg, t, mb / t, cpu, a->n_entities, a->n_merges);
        ccg_annotation_free(a);
        ccg_extractor_free(x);
    }
    for (size_t i = 0; i < c->n_records; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    ccg_corpus_free(c);
    return 0;
}
