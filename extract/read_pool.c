/*
 * read_pool.c: JSON Lines parsed by several threads, records handed out in
 * input order.
 *
 * One thread (the producer) inflates the input and cuts it into batches of
 * whole lines with the reader's own line splitting, so line numbers, CR
 * stripping, the line length limit and the "last line of the input" test
 * are those of the one-thread path. Worker threads run the format's next()
 * on a batch through a private reader whose getline serves the batch's
 * lines; what that produces (records, warnings, skipped records, errors) is
 * kept as a list of events. ccg_reader_next replays the events of each
 * batch in input order in the caller's thread: the diag callback is only
 * called from there, the skip-or-fail policy and the "file:n" ids that count
 * earlier records are applied there, so the output is the one-thread output
 * whatever the thread count. At most a few batches per worker are in flight.
 * A worker also runs the options' prepare on each record it parsed, so work
 * on single records (ccg_extractor_prepare) overlaps reading.
 *
 * Only formats whose records never span lines, and whose state does not
 * carry from line to line, can be cut this way: JSON Lines.
 */
#include "read.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Lines per batch are cut at about this many bytes: a few ms of parsing. */
#define BATCH_BYTES ((size_t)256 << 10)
#define MAX_THREADS 64

typedef enum { EV_RECORD, EV_WARN, EV_SKIP, EV_ERROR } ev_kind;

typedef struct {
    ev_kind kind;
    int err;               /* EV_ERROR */
    unsigned long line;    /* EV_WARN, EV_SKIP */
    ccg_record *rec;       /* EV_RECORD */
    char *msg;             /* EV_WARN, EV_SKIP: the message; EV_ERROR: the whole error text */
} event;

typedef struct {
    size_t off, len;
    unsigned long line;
    bool last;             /* the input ends after this line (see ccg__reader_at_last_line) */
} line_ref;

struct ccg__batch {
    struct ccg__batch *next;   /* in input order */
    ccg_buf text;              /* the lines, each NUL-terminated */
    line_ref *lines;
    size_t n_lines, cap_lines, served;
    int read_err;              /* the input failed after these lines */
    char *read_msg;
    bool end;                  /* no batch follows */
    uint64_t bytes;            /* input bytes read when the batch was cut */
    event *evs;
    size_t n_evs, cap_evs, replayed;
    bool parsed;
    bool failed;               /* a worker event could not be stored: ENOMEM at the end */
};

typedef struct ccg__batch batch;

struct ccg__pool {
    ccg_reader *r;
    pthread_mutex_t lock;
    pthread_cond_t work;       /* a batch to parse, or stop */
    pthread_cond_t ready;      /* a batch was parsed, or the producer ended */
    pthread_cond_t space;      /* a batch was consumed, or stop */
    batch *head, *tail;        /* every batch in flight, in input order */
    batch *todo;               /* the first batch not yet taken by a worker */
    size_t in_flight, max_in_flight;
    bool producer_done, stop;
    pthread_t producer;
    bool producer_started;
    pthread_t workers[MAX_THREADS];
    ccg_reader *wr[MAX_THREADS]; /* each worker's reader */
    unsigned n_workers;
    batch *cur;                /* the batch being replayed (consumer) */
};

typedef struct ccg__pool pool;

/* ---- batches ------------------------------------------------------------- */

static void batch_free(batch *b)
{
    if (!b)
        return;
    for (size_t i = b->replayed; i < b->n_evs; i++) {
        ccg_record_free(b->evs[i].rec);
        free(b->evs[i].msg);
    }
    free(b->evs);
    free(b->lines);
    free(b->read_msg);
    ccg__buf_free(&b->text);
    free(b);
}

static int batch_add_line(batch *b, const char *s, size_t n, unsigned long line, bool last)
{
    int err;
    if ((err = ccg__grow((void **)&b->lines, &b->cap_lines, b->n_lines + 1, sizeof *b->lines)) < 0)
        return err;
    line_ref *l = &b->lines[b->n_lines];
    l->off = b->text.len;
    l->len = n;
    l->line = line;
    l->last = last;
    if ((err = ccg__buf_add(&b->text, s, n)) < 0 || (err = ccg__buf_putc(&b->text, '\0')) < 0)
        return err;
    b->n_lines++;
    return 0;
}

static int push_event(batch *b, ev_kind kind, int err, unsigned long line, ccg_record *rec,
                      const char *msg)
{
    char *m = NULL;
    if (msg && !(m = ccg__strdup(msg)))
        goto nomem;
    if (ccg__grow((void **)&b->evs, &b->cap_evs, b->n_evs + 1, sizeof *b->evs) < 0)
        goto nomem;
    b->evs[b->n_evs++] = (event){kind, err, line, rec, m};
    return 0;
nomem:
    free(m);
    ccg_record_free(rec);
    b->failed = true;
    return CCG_ENOMEM;
}

/* ---- the producer ----------------------------------------------------- */

/* Cuts the next batch from the input. */
static batch *cut_batch(ccg_reader *r)
{
    batch *b = ccg__calloc(1, sizeof *b);
    if (!b)
        return NULL;
    int rc = 0;
    /* at once, room for the batch and the usual last line: growing from nothing
     * copied each batch twice over (7% of reading with threads) */
    if ((rc = ccg__buf_reserve(&b->text, BATCH_BYTES + (BATCH_BYTES >> 3))) < 0)
        goto failed;
    while (b->text.len < BATCH_BYTES) {
        char *line;
        size_t len;
        if ((rc = ccg__reader_getline(r, &line, &len)) <= 0 ||
            (rc = batch_add_line(b, line, len, r->line, ccg__reader_at_last_line(r))) < 0)
            break;
        rc = 1;
    }
failed:
    if (rc < 0) {
        b->read_err = rc;
        if (!(b->read_msg = ccg__strdup(ccg_error_last())))
            b->read_err = CCG_ENOMEM; /* reported with the generic message */
    }
    b->end = rc <= 0;
    b->bytes = r->bytes;
    return b;
}

static void *producer_main(void *arg)
{
    pool *p = arg;
    for (;;) {
        batch *b = cut_batch(p->r);
        pthread_mutex_lock(&p->lock);
        while (!p->stop && p->in_flight >= p->max_in_flight)
            pthread_cond_wait(&p->space, &p->lock);
        if (p->stop || !b) {
            if (!b && !p->stop) { /* out of memory for the batch itself */
                p->producer_done = true;
                pthread_cond_broadcast(&p->ready);
            }
            pthread_mutex_unlock(&p->lock);
            batch_free(b);
            break;
        }
        if (p->tail)
            p->tail->next = b;
        else
            p->head = b;
        p->tail = b;
        if (!p->todo)
            p->todo = b;
        p->in_flight++;
        bool end = b->end;
        if (end)
            p->producer_done = true;
        pthread_cond_signal(&p->work);
        pthread_cond_broadcast(&p->ready);
        pthread_mutex_unlock(&p->lock);
        if (end)
            break;
    }
    return NULL;
}

/* ---- the workers ---------------------------------------------------------- */

/* The diag callback of a worker's reader: warnings become events of the batch. */
static void capture_diag(void *ud, ccg_diag_kind kind, const char *file, unsigned long line,
                         const char *msg)
{
    (void)file;
    ccg_reader *w = ud;
    if (!w->batch->failed)
        push_event(w->batch, kind == CCG_DIAG_WARNING ? EV_WARN : EV_SKIP, 0, line, NULL, msg);
}

/* Runs the format over one batch as ccg_reader_next would, keeping what happens. */
static void parse_batch(ccg_reader *w, batch *b)
{
    w->batch = b;
    for (;;) {
        ccg_record *rec = NULL;
        w->fatal = false;
        int rc = w->ops->next(w, &rec);
        if (b->failed) {
            ccg_record_free(rec);
            break;
        }
        if (rc == 0)
            break;
        if (rc > 0) {
            if (w->opts.prepare)
                w->opts.prepare(w->opts.prepare_ud, rec);
            if (push_event(b, EV_RECORD, 0, 0, rec, NULL) < 0)
                break;
            continue;
        }
        if (rc == CCG_EPARSE && !w->fatal && !w->opts.strict) {
            if (push_event(b, EV_SKIP, 0, w->msg_line, NULL, w->msg) < 0)
                break;
            continue;
        }
        push_event(b, EV_ERROR, rc, 0, NULL, ccg_error_last());
        break;
    }
    w->batch = NULL;
}

static void *worker_main(void *arg)
{
    ccg_reader *w = arg;
    pool *p = w->pool;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && !p->todo)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop)
            break;
        batch *b = p->todo;
        p->todo = b->next;
        pthread_mutex_unlock(&p->lock);
        parse_batch(w, b);
        pthread_mutex_lock(&p->lock);
        b->parsed = true;
        pthread_cond_broadcast(&p->ready);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int ccg__batch_getline(ccg_reader *w, char **line, size_t *len)
{
    batch *b = w->batch;
    if (b->served == b->n_lines)
        return 0;
    line_ref *l = &b->lines[b->served++];
    *line = b->text.data + l->off;
    *len = l->len;
    w->line = l->line;
    w->line_last = l->last;
    return 1;
}

static void worker_reader_free(ccg_reader *w)
{
    if (!w)
        return;
    if (w->ops && w->ops->free)
        w->ops->free(w->state);
    else
        free(w->state);
    free(w);
}

/* A worker's reader: the same format on its own state, lines from batches. */
static int worker_reader(ccg_reader *r, ccg_reader **out)
{
    ccg_reader *w = ccg__calloc(1, sizeof *w);
    if (!w)
        return ccg__err(CCG_ENOMEM, "out of memory");
    w->file = r->file;
    w->format = r->format;
    w->opts = r->opts;
    w->opts.diag = r->opts.diag ? capture_diag : NULL;
    w->opts.diag_ud = w;
    w->pool = r->pool;
    int err = ccg__open_jsonl(w);
    if (err < 0) {
        worker_reader_free(w);
        return err;
    }
    *out = w;
    return 0;
}

/* ---- start, next, free -------------------------------------------------- */

unsigned ccg__reader_threads(const ccg_reader_options *o)
{
    unsigned n = o->threads ? o->threads : ccg__cpu_count();
    return n > MAX_THREADS ? MAX_THREADS : n;
}

static void stop_threads(pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
    if (p->producer_started)
        pthread_join(p->producer, NULL);
    for (unsigned i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i], NULL);
    p->producer_started = false;
    p->n_workers = 0;
}

void ccg__pool_free(ccg_reader *r)
{
    pool *p = r->pool;
    if (!p)
        return;
    stop_threads(p);
    for (batch *b = p->head, *next; b; b = next) {
        next = b->next;
        batch_free(b);
    }
    for (size_t i = 0; i < MAX_THREADS; i++)
        worker_reader_free(p->wr[i]);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->ready);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p);
    r->pool = NULL;
}

int ccg__pool_start(ccg_reader *r, unsigned threads)
{
    int err = 0;
    pool *p = ccg__calloc(1, sizeof *p);
    if (!p)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return ccg__err(CCG_ENOMEM, "cannot create a mutex");
    }
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->space, NULL);
    p->r = r;
    p->max_in_flight = 2 * (size_t)threads + 2;
    r->pool = p;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    for (unsigned i = 0; i < threads; i++)
        if ((err = worker_reader(r, &p->wr[i])) < 0)
            goto fail;
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&p->workers[i], NULL, worker_main, p->wr[i]) != 0)
            break;
        p->n_workers++;
    }
    if (p->n_workers == 0 || pthread_create(&p->producer, NULL, producer_main, p) != 0) {
        err = ccg__err(CCG_ENOMEM, "cannot start reading threads");
        goto fail;
    }
    p->producer_started = true;
    return 0;
fail:
    ccg__pool_free(r);
    return err;
}

/* The next parsed batch in input order; NULL at the end of input. */
static batch *next_batch(pool *p)
{
    pthread_mutex_lock(&p->lock);
    if (p->cur) {
        p->head = p->cur->next;
        if (!p->head)
            p->tail = NULL;
        p->in_flight--;
        pthread_cond_signal(&p->space);
    }
    batch *done = p->cur;
    p->cur = NULL;
    for (;;) {
        if (p->head && p->head->parsed) {
            p->cur = p->head;
            break;
        }
        if (!p->head && p->producer_done)
            break;
        pthread_cond_wait(&p->ready, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    batch_free(done);
    return p->cur;
}

int ccg__pool_next(ccg_reader *r, ccg_record **rec)
{
    pool *p = r->pool;
    int err;
    for (;;) {
        batch *b = p->cur;
        if (!b || b->replayed == b->n_evs) {
            if (b && b->failed)
                return r->err = ccg__err(CCG_ENOMEM, "out of memory");
            if (b && b->read_err)
                return r->err = ccg__err(b->read_err, "%s",
                                         b->read_msg ? b->read_msg : "out of memory");
            if (b && b->end)
                return 0;
            /* no batch after one that is not the last: the producer ran out of memory */
            if (!(b = next_batch(p)))
                return r->err = ccg__err(CCG_ENOMEM, "out of memory");
            r->bytes_out = b->bytes;
            continue;
        }
        event *e = &b->evs[b->replayed++];
        switch (e->kind) {
        case EV_WARN:
            if (r->opts.diag)
                r->opts.diag(r->opts.diag_ud, CCG_DIAG_WARNING, r->file, e->line, e->msg);
            free(e->msg);
            break;
        case EV_SKIP:
            r->skipped++;
            if (r->opts.diag)
                r->opts.diag(r->opts.diag_ud, CCG_DIAG_SKIPPED, r->file, e->line, e->msg);
            free(e->msg);
            break;
        case EV_ERROR:
            r->err = ccg__err(e->err, "%s", e->msg);
            free(e->msg);
            return r->err;
        case EV_RECORD:
            if (!e->rec->id && (err = ccg__record_default_id(r, e->rec)) < 0) {
                ccg_record_free(e->rec);
                return r->err = err;
            }
            *rec = e->rec;
            r->n_records++;
            return 1;
        }
    }
}
