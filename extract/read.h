/*
 * read.h: what the format readers share with reader.c (private to extract/).
 *
 * reader.c owns the input: the file or stdin (its bytes, gunzipped, from
 * input.c), a growing buffer with line splitting, format detection and the skip-or-fail policy for bad
 * records. Each read_<format>.c only turns lines (or bytes) into records.
 */
#ifndef CCG_READ_H
#define CCG_READ_H

#include <stdarg.h>

#include "ccg_record.h"
#include "text.h"
#include "util.h"

/* A record or a line larger than this is an error, not a memory hog. */
#define CCG__MAX_RECORD ((size_t)64 << 20)

typedef struct {
    /* Reads the next record: 1 (set *out), 0 at the end, or a negative error. */
    int (*next)(ccg_reader *r, ccg_record **out);
    void (*free)(void *state);
} ccg__format_ops;

/* ---- input bytes (input.c) ---- */

typedef struct ccg__input ccg__input;

/* Raw bytes read at a time (the zlib back end reads half as many). */
#define CCG__INPUT_BUFFER ((size_t)128 << 10)

/**
 * Reads the input on fd, which it takes (closed by ccg__input_free, or here
 * on failure): gzip data is inflated, every member of it, other data passes
 * through. file names the input in messages; it must outlive the input.
 * 0 or CCG_ENOMEM.
 */
int ccg__input_open(ccg__input **out, int fd, const char *file);

/**
 * Reads up to n (>= 1) bytes: the count, 0 at the end, or CCG_EIO with
 * the message "FILE: read error: ..." or "FILE: bad gzip data: ...".
 */
long ccg__input_read(ccg__input *in, char *dst, size_t n);

void ccg__input_free(ccg__input *in);

/** What inflates gzip input, for benchmarks and --version: "ISA-L 2.30.0" or "zlib 1.2.13". */
const char *ccg__input_inflater(void);

struct ccg_reader {
    ccg__input *in;        /* the input's bytes, gunzipped */
    char *file;            /* name for messages and records */
    char *buf;             /* input bytes [pos, end), NUL-terminated when a line is returned */
    size_t cap, pos, end, scan;
    bool eof;
    unsigned long line;    /* number of the line last returned */
    unsigned long n_records;
    ccg_format format;
    ccg_reader_options opts;
    const ccg__format_ops *ops;
    void *state;
    size_t skipped;
    uint64_t bytes;        /* input bytes read (decompressed) */
    int err;               /* sticky error */
    bool fatal;            /* the current parse error cannot be skipped (no resync) */
    char msg[512];         /* message of the last parse error, without file:line */
    unsigned long msg_line;
    /* JSON Lines parsed by threads (read_pool.c) */
    struct ccg__pool *pool;   /* the caller's reader: threads parse, next() replays */
    struct ccg__batch *batch; /* a worker's reader: the batch its lines come from */
    bool line_last;           /* a worker's reader: the input ends after the line served last */
    uint64_t bytes_out;       /* the caller's reader: input bytes of the batches handed out */
};

/** Next line (without "\n" or "\r\n"), valid until the next call: 1, 0 at end, or error. */
int ccg__reader_getline(ccg_reader *r, char **line, size_t *len);

/**
 * Whether the input ends right after the line getline returned last (a
 * truncated last line is a truncated file, not one bad record).
 */
bool ccg__reader_at_last_line(const ccg_reader *r);

/** Raw bytes for whole-document parsers: count read, 0 at end, or a negative error. */
long ccg__reader_read(ccg_reader *r, char *dst, size_t n);

/** Records a malformed record at line; returns CCG_EPARSE (skipped unless strict). */
int ccg__reader_bad(ccg_reader *r, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/** As ccg__reader_bad, but reading cannot go on (truncated document, unterminated entry). */
int ccg__reader_fatal(ccg_reader *r, unsigned long line, int err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/** Reports a warning through the diag callback. */
void ccg__reader_warn(ccg_reader *r, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- building records (record.c) ---- */

/** Frees what ccg_extractor_prepare kept in a record (annotate.c). Accepts NULL. */
void ccg__prepared_free(void *prepared);

/**
 * The text extraction reads (ccg_record_text's layout) where the record
 * holds it already, its length in *len: its text, or its title or abstract
 * when it has only one. NULL when that takes a copy (ccg_record_text).
 */
const char *ccg__record_joined(const ccg_record *rec, size_t *len);

/** A new empty record of the reader's format starting at line. */
int ccg__record_new(ccg_reader *r, unsigned long line, ccg_record **out);

/** Cleans text (ccg__text_clean) into *field, replacing it; empty text leaves NULL. */
int ccg__record_text(ccg_reader *r, ccg_record *rec, char **field, const char *s, size_t n);

/**
 * Appends cleaned text to a string array (authors, categories); empty text
 * is ignored, and so is all text for a field the options omit.
 */
int ccg__record_push(ccg_reader *r, ccg_record *rec, char ***v, size_t *n, const char *s,
                     size_t len);

/** Appends a raw identifier (no cleanup) to a string array unless empty. */
int ccg__strv_push(char ***v, size_t *n, const char *s, size_t len);

/**
 * Appends the id of a cited work: an arXiv id (from any notation, arXiv
 * DOIs included) or a normalised DOI; anything else as given.
 */
int ccg__record_push_ref(ccg_record *rec, const char *s, size_t n);

/** Sets the DOI from any DOI notation; ignored if it holds none. */
int ccg__record_set_doi(ccg_record *rec, const char *s, size_t n);

/** Sets the arXiv id from any notation; returns true if s held one. */
int ccg__record_set_arxiv(ccg_record *rec, const char *s, size_t n);

/**
 * Completes a record: arXiv id from an arXiv DOI (10.48550/arXiv.X), date
 * from the arXiv id when the source gave none, id = arXiv id, else DOI,
 * else own_id, else "file:n". A record without title and abstract is
 * malformed: CCG_EPARSE (through ccg__reader_bad), and *rec is freed.
 */
int ccg__record_finish(ccg_reader *r, ccg_record **rec, const char *own_id);

/** Sets rec->id to "file:n", n counting the records read and skipped before it. */
int ccg__record_default_id(ccg_reader *r, ccg_record *rec);

/** Installs a format: its ops and a zeroed state of state_size bytes. 0 or CCG_ENOMEM. */
int ccg__reader_use(ccg_reader *r, const ccg__format_ops *ops, size_t state_size);

/** The text fields tagged formats (RIS, WoS) collect line by line before cleanup. */
typedef struct {
    ccg_buf title, abstract, venue, date, own_id;
} ccg__fields;

void ccg__fields_clear(ccg__fields *f);
void ccg__fields_free(ccg__fields *f);

/** Cleans the collected title, abstract and venue into rec. */
int ccg__fields_apply(ccg_reader *r, ccg_record *rec, ccg__fields *f);

/* ---- several threads (read_pool.c) ---- */

/** Threads to parse with: opts->threads, all cores for 0, at most 64. */
unsigned ccg__reader_threads(const ccg_reader_options *o);

/**
 * Starts parsing a JSON Lines reader's input with threads workers and one
 * producer thread; r->pool is then set and ccg_reader_next replays through
 * ccg__pool_next. 0 or CCG_ENOMEM.
 */
int ccg__pool_start(ccg_reader *r, unsigned threads);
int ccg__pool_next(ccg_reader *r, ccg_record **rec);
/** Stops and joins the threads, frees what is in flight. Accepts a reader without a pool. */
void ccg__pool_free(ccg_reader *r);

/** getline of a worker's reader: the next line of its batch, 0 at the batch's end. */
int ccg__batch_getline(ccg_reader *w, char **line, size_t *len);

/* ---- the formats ---- */

int ccg__open_arxiv(ccg_reader *r);
int ccg__open_jsonl(ccg_reader *r);
int ccg__open_json(ccg_reader *r);
int ccg__open_atom(ccg_reader *r);
int ccg__open_bibtex(ccg_reader *r);
int ccg__open_ris(ccg_reader *r);
int ccg__open_wos(ccg_reader *r);
int ccg__open_scopus(ccg_reader *r);
int ccg__open_text(ccg_reader *r);

#endif
