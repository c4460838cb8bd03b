/*
 * bench_read FILE [--corpus] [--threads N] [--omit]: reads FILE (any format, .gz too)
 * to records, once on one thread and once with N threads (default 0: all
 * cores), and prints throughput in MB/s of uncompressed input, wall and CPU
 * time (CPU: all threads summed), records/s and the peak RSS. Each run is a
 * child process of its own, so that its peak RSS is its own.
 * Targets (issues #2, #5): >= 60 MB/s on one core, < 100 MB peak RSS for
 * the 74.5k-paper arXiv corpus streaming, and reading in about 1 s of wall
 * time on 2 cores. With --corpus it also loads the whole file into a
 * ccg_corpus (dedup, records kept), the way the later stages do, and prints
 * the same figures for that. --omit leaves out the fields extraction does
 * not use (authors, categories), as `ccgraph extract` and `build` do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ccg_record.h"
#include "read.h"

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

static void report(const char *what, unsigned threads, uint64_t bytes, size_t records,
                   double wall, double cpu_s)
{
    double mb = (double)bytes / 1e6;
    char label[32];
    snprintf(label, sizeof label, "%s/%u", what, threads);
    printf("%-10s %9.1f MB  %8zu records  %6.2f s wall  %6.2f s cpu  %7.1f MB/s (wall)  "
           "%7.1f MB/s (cpu)  %9.0f records/s (wall)  peak RSS %.1f MB\n",
           label, mb, records, wall, cpu_s, mb / wall, mb / cpu_s, (double)records / wall,
           (double)peak_rss_kb() / 1024.0);
}

static unsigned omit; /* --omit: ccg_reader_options.omit */

/* Streams every record through; 0 or 1 (message printed). */
static int stream(const char *path, unsigned threads, uint64_t *bytes)
{
    ccg_reader_options o = {.threads = threads, .omit = omit};
    ccg_reader *r = NULL;
    double t0 = now(), c0 = cpu();
    if (ccg_reader_open(&r, path, &o) < 0) {
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
    *bytes = ccg_reader_bytes(r);
    if (threads == 1)
        printf("format %s, %zu skipped, %.1f MB of abstracts\n",
               ccg_format_name(ccg_reader_format(r)), ccg_reader_skipped(r),
               (double)text_bytes / 1e6);
    ccg_reader_free(r);
    report("stream", threads, *bytes, n, now() - t0, cpu() - c0);
    return 0;
}

static int corpus(const char *path, unsigned threads, uint64_t bytes)
{
    ccg_reader_options o = {.threads = threads, .omit = omit};
    ccg_corpus *c = NULL;
    double t0 = now(), c0 = cpu();
    if (ccg_corpus_new(&c) < 0 || ccg_corpus_read_file(c, path, &o) < 0) {
        fprintf(stderr, "bench_read: %s\n", ccg_error_last());
        ccg_corpus_free(c);
        return 1;
    }
    report("corpus", threads, bytes, c->n_records, now() - t0, cpu() - c0);
    printf("corpus: %zu papers, %zu duplicates\n", c->n_records, c->n_duplicates);
    ccg_corpus_free(c);
    return 0;
}

/*
 * Runs one measurement in a child process; 0 or 1. A stream run sets
 * *bytes (input bytes, for the corpus figures), sent back through a pipe.
 */
static int run(const char *path, unsigned threads, bool corpus_run, uint64_t *bytes)
{
    int fds[2];
    if (pipe(fds) < 0) {
        perror("bench_read: pipe");
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_read: fork");
        return 1;
    }
    if (pid == 0) {
        close(fds[0]);
        int rc = corpus_run ? corpus(path, threads, *bytes) : stream(path, threads, bytes);
        fflush(stdout);
        if (write(fds[1], bytes, sizeof *bytes) != (ssize_t)sizeof *bytes)
            rc = 1;
        _exit(rc);
    }
    close(fds[1]);
    uint64_t got = 0;
    bool sent = read(fds[0], &got, sizeof got) == (ssize_t)sizeof got;
    close(fds[0]);
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || !sent)
        return 1;
    *bytes = got;
    return 0;
}

int main(int argc, char **argv)
{
    bool with_corpus = false;
    unsigned threads = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0)
            with_corpus = true;
        else if (strcmp(argv[i], "--omit") == 0)
            omit = CCG_FIELD_AUTHORS | CCG_FIELD_CATEGORIES;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: bench_read FILE [--corpus] [--threads N] [--omit]\n");
        return 2;
    }
    printf("gzip input: %s\n", ccg__input_inflater());
    uint64_t bytes = 0;
    if (run(path, 1, false, &bytes) || run(path, threads, false, &bytes))
        return 1;
    if (with_corpus && (run(path, 1, true, &bytes) || run(path, threads, true, &bytes)))
        return 1;
    return 0;
}
