#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static _Thread_local char last_error[1024];
static unsigned long alloc_fail_countdown;

const char *ccg_error_last(void) { return last_error; }

int ccg__err(int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return err;
}

const char *ccg_strerror(int err)
{
    switch (err) {
    case CCG_OK: return "success";
    case CCG_ENOMEM: return "out of memory";
    case CCG_EIO: return "input/output error";
    case CCG_EPARSE: return "malformed input";
    case CCG_EINVAL: return "invalid argument";
    case CCG_ELIMIT: return "limit exceeded";
    case CCG_EGRAPH: return "graph computation failed";
    case CCG_ERENDER: return "rendering failed";
    case CCG_EFORMAT: return "unknown input format";
    }
    return "unknown error";
}

const char *ccg_version(void) { return CCG_VERSION; }

void ccg_alloc_fail_after(unsigned long n) { alloc_fail_countdown = n; }

static int should_fail(void)
{
    return alloc_fail_countdown && --alloc_fail_countdown == 0;
}

void *ccg__malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *ccg__calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *ccg__realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

char *ccg__strndup(const char *s, size_t n)
{
    char *d = ccg__malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ccg__strdup(const char *s) { return s ? ccg__strndup(s, strlen(s)) : NULL; }

int ccg__grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return ccg__err(CCG_ENOMEM, "out of memory");
        ncap *= 2;
    }
    void *np = ccg__realloc(*p, ncap * elem);
    if (!np)
        return ccg__err(CCG_ENOMEM, "out of memory");
    *p = np;
    *cap = ncap;
    return 0;
}

int ccg__buf_reserve(ccg_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return ccg__err(CCG_ENOMEM, "out of memory");
    return ccg__grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

int ccg__buf_add(ccg_buf *b, const char *s, size_t n)
{
    int err = ccg__buf_reserve(b, n);
    if (err < 0)
        return err;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ccg__buf_puts(ccg_buf *b, const char *s) { return ccg__buf_add(b, s, strlen(s)); }

int ccg__buf_putc(ccg_buf *b, char c) { return ccg__buf_add(b, &c, 1); }

int ccg__buf_printf(ccg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ccg__err(CCG_EINVAL, "bad format");
    int err = ccg__buf_reserve(b, (size_t)n);
    if (err < 0)
        return err;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *ccg__buf_detach(ccg_buf *b)
{
    char *s = b->data;
    if (!s)
        s = ccg__strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void ccg__buf_clear(ccg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ccg__buf_free(ccg_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int ccg__outfile_open(ccg_outfile *of, const char *path)
{
    memset(of, 0, sizeof *of);
    if (!path || strcmp(path, "-") == 0) {
        of->fp = stdout;
        return 0;
    }
    of->path = ccg__strdup(path);
    size_t n = strlen(path) + sizeof ".tmp.XXXXXX";
    of->tmp = ccg__malloc(n);
    if (!of->path || !of->tmp) {
        ccg__outfile_abort(of);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    snprintf(of->tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(of->tmp);
    if (fd < 0) {
        int e = errno;
        free(of->tmp);
        of->tmp = NULL;
        ccg__outfile_abort(of);
        return ccg__err(CCG_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp creates 0600; output files are ordinary user files. */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    of->fp = fdopen(fd, "wb");
    if (!of->fp) {
        close(fd);
        ccg__outfile_abort(of);
        return ccg__err(CCG_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    return 0;
}

int ccg__outfile_commit(ccg_outfile *of)
{
    int err = 0;
    if (of->fp == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            err = ccg__err(CCG_EIO, "stdout: write error: %s", strerror(errno));
        of->fp = NULL;
        return err;
    }
    if (!of->fp)
        return ccg__err(CCG_EIO, "output file not open");
    int bad = ferror(of->fp);
    if (fclose(of->fp) != 0 || bad) {
        of->fp = NULL;
        err = ccg__err(CCG_EIO, "%s: write error: %s", of->path, strerror(errno));
        ccg__outfile_abort(of);
        return err;
    }
    of->fp = NULL;
    if (rename(of->tmp, of->path) != 0) {
        err = ccg__err(CCG_EIO, "%s: cannot rename into place: %s", of->path, strerror(errno));
        ccg__outfile_abort(of);
        return err;
    }
    free(of->tmp);
    free(of->path);
    of->tmp = of->path = NULL;
    return 0;
}

void ccg__outfile_abort(ccg_outfile *of)
{
    if (of->fp && of->fp != stdout)
        fclose(of->fp);
    of->fp = NULL;
    if (of->tmp)
        unlink(of->tmp);
    free(of->tmp);
    free(of->path);
    of->tmp = of->path = NULL;
}

unsigned ccg__cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

typedef struct {
    ccg__index_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;
    atomic_int err;
    pthread_mutex_t lock; /* the first error and its message */
    char msg[1024];
} pfor;

typedef struct {
    pfor *p;
    unsigned w;
} pfor_thread;

static void pfor_run(pfor *p, unsigned w)
{
    while (!atomic_load_explicit(&p->err, memory_order_relaxed)) {
        size_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (i >= p->n)
            break;
        int err = p->fn(p->ctx, i, w);
        if (err < 0) {
            pthread_mutex_lock(&p->lock);
            if (!atomic_load_explicit(&p->err, memory_order_relaxed)) {
                snprintf(p->msg, sizeof p->msg, "%s", ccg_error_last());
                atomic_store_explicit(&p->err, err, memory_order_relaxed);
            }
            pthread_mutex_unlock(&p->lock);
            break;
        }
    }
}

static void *pfor_main(void *arg)
{
    pfor_thread *t = arg;
    pfor_run(t->p, t->w);
    return NULL;
}

int ccg__parallel_for(size_t n, unsigned threads, ccg__index_fn fn, void *ctx)
{
    if (n == 0)
        return 0;
    if (threads == 0)
        threads = ccg__cpu_count();
    if (threads > CCG__MAX_THREADS)
        threads = CCG__MAX_THREADS;
    if (threads > n)
        threads = (unsigned)n;
    pfor p = {.fn = fn, .ctx = ctx, .n = n};
    atomic_init(&p.next, 0);
    atomic_init(&p.err, 0);
    if (pthread_mutex_init(&p.lock, NULL) != 0)
        return ccg__err(CCG_ENOMEM, "cannot create a mutex");
    pthread_t tid[CCG__MAX_THREADS];
    pfor_thread args[CCG__MAX_THREADS];
    unsigned started = 1; /* threads 1.. run beside this one, thread 0 */
    for (; started < threads; started++) {
        args[started] = (pfor_thread){&p, started};
        if (pthread_create(&tid[started], NULL, pfor_main, &args[started]) != 0)
            break; /* fewer threads: the indices still all get done */
    }
    pfor_run(&p, 0);
    for (unsigned t = 1; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&p.lock);
    int err = atomic_load_explicit(&p.err, memory_order_relaxed);
    return err ? ccg__err(err, "%s", p.msg) : 0;
}
