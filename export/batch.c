/*
 * batch.c: every output of one run, written by several threads.
 *
 * Outputs are independent files of one read-only network, so they can be
 * written at once; what is not thread-safe is Graphviz (DOT and figures:
 * global error state, one shared context), so those outputs take a lock and
 * run one at a time, on whichever thread picks them. Outputs to standard
 * output are written last, in their order, on the calling thread. libxml2
 * must be initialised before threads use it (xmlInitParser). Threads take
 * the outputs in order from a shared index, so the biggest output given
 * first starts first.
 */
#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export_internal.h"

typedef struct {
    const ccg_network *net;
    const ccg_annotation *a;
    ccg_export_job *jobs;
    size_t n;
    char (*msg)[256]; /* per job: its error message */
    size_t next;
    pthread_mutex_t lock;    /* next */
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

static void *worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next++;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->n)
            break;
        if (!to_stdout(&b->jobs[i]))
            run_job(b, i);
    }
    return NULL;
}

int ccg_export_files(const ccg_network *net, const ccg_annotation *a, ccg_export_job *jobs,
                     size_t n, unsigned threads)
{
    if (!net || (n && !jobs))
        return ccg__err(CCG_EINVAL, "export: no network or no outputs");
    if (n == 0)
        return 0;
    batch b = {net, a, jobs, n, NULL, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
    if (!(b.msg = ccg__calloc(n, sizeof *b.msg)))
        return CCG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        jobs[i].err = 0;
    if (threads == 0) {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nc > 0 ? (unsigned)nc : 1;
    }
    if (threads > n)
        threads = (unsigned)n;
    if (threads > 16)
        threads = 16;
    pthread_t tid[16];
    unsigned started = 0;
    if (threads > 1) {
        xmlInitParser();
        for (; started + 1 < threads; started++)
            if (pthread_create(&tid[started], NULL, worker, &b) != 0)
                break;
    }
    worker(&b);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    for (size_t i = 0; i < n; i++)
        if (to_stdout(&jobs[i]))
            run_job(&b, i);
    int err = 0;
    for (size_t i = 0; i < n && !err; i++)
        if (jobs[i].err < 0)
            err = ccg__err(jobs[i].err, "%s", b.msg[i]);
    free(b.msg);
    return err;
}
