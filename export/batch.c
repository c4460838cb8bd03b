/*
 * batch.c: every output of one run, written by several threads.
 *
 * Outputs are independent files of one read-only network, so they can be
 * written at once; what is not thread-safe is Graphviz (DOT and figures:
 * global error state, one shared context), so those outputs take a lock and
 * run one at a time, on whichever thread picks them. Outputs to standard
 * output are written last, in their order, on the calling thread. Threads
 * take the outputs in order from a shared index (ccg__parallel_for), so the
 * biggest output given first starts first.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export_internal.h"

typedef struct {
    const ccg_network *net;
    const ccg_annotation *a;
    ccg_export_job *jobs;
    size_t n;
    char (*msg)[256]; /* per job: its error message */
    pthread_mutex_t gv_lock; /* Graphviz: one output at a time */
} batch;

static bool uses_graphviz(ccg_output_format f)
{
    return f == CCG_OUT_DOT || f == CCG_OUT_SVG || f == CCG_OUT_PDF || f == CCG_OUT_PNG;
}

static bool to_stdout(const ccg_export_job *j) { return strcmp(j->path, "-") == 0; }

static double clock_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_job(batch *b, size_t i)
{
    ccg_export_job *j = &b->jobs[i];
    bool gv = uses_graphviz(j->format);
    if (gv)
        pthread_mutex_lock(&b->gv_lock);
    double t = clock_of(CLOCK_MONOTONIC), c = clock_of(CLOCK_THREAD_CPUTIME_ID);
    j->err = ccg_export_file(b->net, b->a, j->format, j->path, &j->opts);
    j->seconds = clock_of(CLOCK_MONOTONIC) - t;
    j->cpu_seconds = clock_of(CLOCK_THREAD_CPUTIME_ID) - c;
    if (gv)
        pthread_mutex_unlock(&b->gv_lock);
    if (j->err < 0)
        snprintf(b->msg[i], sizeof b->msg[i], "%s", ccg_error_last());
}

/* A job's failure is its own (jobs[i].err): the others still run. */
static int job_index(void *ctx, size_t i, unsigned w)
{
    (void)w;
    batch *b = ctx;
    if (!to_stdout(&b->jobs[i]))
        run_job(b, i);
    return 0;
}

int ccg_export_files(const ccg_network *net, const ccg_annotation *a, ccg_export_job *jobs,
                     size_t n, unsigned threads)
{
    if (!net || (n && !jobs))
        return ccg__err(CCG_EINVAL, "export: no network or no outputs");
    if (n == 0)
        return 0;
    batch b = {net, a, jobs, n, NULL, PTHREAD_MUTEX_INITIALIZER};
    if (!(b.msg = ccg__calloc(n, sizeof *b.msg)))
        return CCG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        jobs[i].err = 0;
    int err = ccg__parallel_for(n, threads, job_index, &b);
    if (err < 0) {
        free(b.msg);
        return err;
    }
    for (size_t i = 0; i < n; i++)
        if (to_stdout(&jobs[i]))
            run_job(&b, i);
    for (size_t i = 0; i < n && !err; i++)
        if (jobs[i].err < 0)
            err = ccg__err(jobs[i].err, "%s", b.msg[i]);
    free(b.msg);
    return err;
}
