/*
 * bench_read FILE [--corpus]: reads FILE (any format, .gz too) to records
 * and prints throughput in MB/s of uncompressed input, records/s and the
 * peak RSS. Targets (issue #2): >= 60 MB/s on one core and < 100 MB peak
 * RSS for the 74.5k-paper arXiv corpus, streaming. With --corpus it also
 * loads the whole file into a ccg_corpus (dedup, records kept), the way the
 * later stages do, and prints the same figures for that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ccg_record.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void report(const char *what, uint64_t bytes, size_t records, double wall, double cpu_s)
{
    double mb = (double)bytes / 1e6;
    printf("%-8s %9.1f MB  %8zu records  %6.2f s wall  %6.2f s cpu  %7.1f MB/s (cpu)  "
           "%9.0f records/s  peak RSS %.1f MB\n",
           what, mb, records, wall, cpu_s, mb / cpu_s, (double)records / cpu_s,
           (double)peak_rss_kb() / 1024.0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_read FILE [--corpus]\n");
        return 2;
    }
    ccg_reader_options o = {0};
    ccg_reader *r = NULL;
    double t0 = now(), c0 = cpu();
    if (ccg_reader_open(&r, argv[1], &o) < 0) {
        fprintf(stderr, "bench_read: %s\n", ccg_error_last());
        return 1;
    }
    size_t n = 0, text_bytes = 0;
    ccg_record *rec;
    int rc;
    while ((rc = ccg_reader_next(r, &rec)) > 0) {
        text_bytes += rec->abstract ? strlen(rec->abstract) : 0;
        ccg_record_free(rec);
        n++;
    }
    if (rc < 0) {
        fprintf(stderr, "bench_read: %s\n", ccg_error_last());
        ccg_reader_free(r);
        return 1;
    }
    uint64_t bytes = ccg_reader_bytes(r);
    printf("format %s, %zu skipped, %.1f MB of abstracts\n", ccg_format_name(ccg_reader_format(r)),
           ccg_reader_skipped(r), (double)text_bytes / 1e6);
    ccg_reader_free(r);
    report("stream", bytes, n, now() - t0, cpu() - c0);
    if (argc > 2 && strcmp(argv[2], "--corpus") == 0) {
        ccg_corpus *c = NULL;
        t0 = now();
        c0 = cpu();
        if (ccg_corpus_new(&c) < 0 || ccg_corpus_read_file(c, argv[1], &o) < 0) {
            fprintf(stderr, "bench_read: %s\n", ccg_error_last());
            ccg_corpus_free(c);
            return 1;
        }
        report("corpus", bytes, c->n_records, now() - t0, cpu() - c0);
        printf("corpus: %zu papers, %zu duplicates\n", c->n_records, c->n_duplicates);
        ccg_corpus_free(c);
    }
    return 0;
}
