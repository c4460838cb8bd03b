/*
 * bench_extract CORPUS [THREADS...]: extraction speed on a real corpus
 * (e.g. /work/shared/corpus/arxiv_cs_2025_2026.jsonl.gz). Prints the text
 * size, then for one thread the per-text extraction rate (ccg_extractor_extract
 * alone), and for each thread count the rate of the whole corpus annotation
 * (two extraction passes when long forms are found, plus the merge).
 * Wall-clock and CPU times (CPU: all threads summed); on a shared machine
 * both are noisy, CPU time less so.
 */
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
    size_t mentions = 0;
    t0 = now();
    clock_t c0 = clock();
    for (size_t i = 0; i < c->n_records; i++) {
        ccg_mentions *m = NULL;
        if (ccg_extractor_extract(x, texts[i], lens[i], &m) < 0) {
            fprintf(stderr, "bench_extract: %s\n", ccg_error_last());
            return 1;
        }
        mentions += m->n;
        ccg_mentions_free(m);
    }
    double t = now() - t0;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("extract, 1 thread: %.2f s wall, %.1f MB/s; %.2f s CPU, %.1f MB/s per core; %zu mentions\n",
           t, mb / t, cpu, mb / cpu, mentions);
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
        c0 = clock();
        if (ccg_extractor_annotate(x, c, &a) < 0) {
            fprintf(stderr, "bench_extract: %s\n", ccg_error_last());
            return 1;
        }
        t = now() - t0;
        cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
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
