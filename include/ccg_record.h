/*
 * ccg_record.h: paper records and the readers that stream them from files.
 *
 * A reader turns one input file (or stdin) of any supported format into a
 * stream of ccg_record. A ccg_corpus collects records from several files,
 * keeping each paper once (same arXiv id or DOI).
 */
#ifndef CCG_RECORD_H
#define CCG_RECORD_H

#include "ccg_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Input formats. CCG_FORMAT_AUTO detects the format from the content. */
typedef enum {
    CCG_FORMAT_AUTO = 0,
    CCG_FORMAT_ARXIV_LISTING, /**< arXiv listing text: abstract, comment, arXiv:ID */
    CCG_FORMAT_JSONL,         /**< JSON Lines: arXiv API/snapshot, OpenAlex, S2 */
    CCG_FORMAT_JSON,          /**< a JSON document: OpenAlex page, S2 batch, one work */
    CCG_FORMAT_ATOM,          /**< arXiv API Atom feed */
    CCG_FORMAT_BIBTEX,
    CCG_FORMAT_RIS,
    CCG_FORMAT_WOS,           /**< Web of Science plain-text export */
    CCG_FORMAT_SCOPUS_CSV,    /**< Scopus CSV export */
    CCG_FORMAT_TEXT,          /**< plain text, one abstract per paragraph */
    CCG_FORMAT_COUNT
} ccg_format;

/** The short name of a format ("bibtex", "wos", …), as --format takes it. */
const char *ccg_format_name(ccg_format f);

/**
 * Parses a format name (or one of the aliases listing, ndjson, xml, bib,
 * csv, txt); returns CCG_EINVAL for an unknown one.
 */
int ccg_format_parse(const char *name, ccg_format *out);

/**
 * One paper. All strings are NUL-terminated, valid NFC UTF-8, owned by the
 * record; absent fields are NULL (arrays: NULL with count 0).
 */
typedef struct ccg_record {
    char *id;          /**< arXiv id, else DOI, else the source's own id, else "file:n" */
    char *title;
    char *abstract;
    int year;          /**< 0 when unknown */
    int month;         /**< 1-12, 0 when unknown */
    char **authors;
    size_t n_authors;
    char *venue;       /**< journal/venue or the arXiv comment line */
    char *doi;         /**< lower-cased, without "https://doi.org/" */
    char *arxiv_id;    /**< without version suffix or "arXiv:" prefix */
    char **refs;       /**< ids of cited works (DOI, arXiv id, OpenAlex/S2 id) */
    size_t n_refs;
    char **categories; /**< arXiv categories or keywords, where given */
    size_t n_categories;
    ccg_format format; /**< the format it was read from */
    const char *file;  /**< source file name ("-" for stdin); owned by the corpus/reader */
    unsigned long line;/**< line of the record's start in that file */
    void *prepared;    /**< the library's: a first extraction pass kept by
                        *   ccg_extractor_prepare (NULL); freed with the record */
    char *text;        /**< the library's: NULL, or the memory a reader put the
                        *   abstract in, after a copy of the title and "\n\n"
                        *   (ccg_record_text's layout, which extraction then reads
                        *   in place); freed with the record, abstract with it.
                        *   To replace the abstract of such a record, free text
                        *   instead of abstract and set it to NULL. */
} ccg_record;

/** Frees a record and everything it owns. Accepts NULL. */
void ccg_record_free(ccg_record *rec);

/** Severity of a reader diagnostic. */
typedef enum { CCG_DIAG_WARNING, CCG_DIAG_SKIPPED } ccg_diag_kind;

/**
 * Called for every warning (repaired UTF-8, …) and every skipped malformed
 * record, with the file, the line and a one-line message.
 */
typedef void (*ccg_diag_fn)(void *ud, ccg_diag_kind kind, const char *file,
                            unsigned long line, const char *msg);

/**
 * Record fields a caller can do without (ccg_reader_options.omit), as bits.
 * Extraction, graphs and exports read neither: leaving them out saves their
 * cleanup and copies (some 15% of reading an arXiv corpus) and their memory.
 */
typedef enum {
    CCG_FIELD_AUTHORS = 1 << 0,    /**< authors, n_authors */
    CCG_FIELD_CATEGORIES = 1 << 1, /**< categories, n_categories */
} ccg_field;

typedef struct {
    ccg_format format;     /**< CCG_FORMAT_AUTO to detect */
    bool strict;           /**< a malformed record is an error, not skipped */
    ccg_diag_fn diag;      /**< may be NULL */
    void *diag_ud;
    /**
     * Threads that parse JSON Lines (one more inflates and splits the input);
     * records, diagnostics and errors are the same for any number. 1: the
     * caller's thread only; 0: all cores, for inputs beyond the first 64 KB.
     * Other formats, and a terminal, are read in the caller's thread.
     */
    unsigned threads;
    /**
     * Work on each record that can overlap reading (ccg_extractor_prepare):
     * called, when several threads parse (see threads), by the thread that
     * parsed the record, before ccg_reader_next returns it. Records read in
     * the caller's thread are not passed: the work is left to the step that
     * needs it, which does it in parallel. Must be thread-safe and have no
     * effect the reader sees. May be NULL.
     */
    void (*prepare)(void *ud, ccg_record *rec);
    void *prepare_ud;
    /**
     * Fields not to read, a mask of ccg_field: they are left NULL (count 0)
     * in every format, never cleaned or copied, and their text raises no
     * warnings (invalid UTF-8). 0 keeps every field.
     */
    unsigned omit;
} ccg_reader_options;

typedef struct ccg_reader ccg_reader;

/**
 * Opens a file ("-" or NULL for stdin); gzip is detected by its magic bytes
 * and decompressed on the fly. The format is detected from the first bytes
 * unless opts->format says otherwise.
 *
 * Returns 0, CCG_EIO (missing/unreadable file, bad gzip), CCG_EFORMAT,
 * CCG_ENOMEM. *out is set on success only; free with ccg_reader_free.
 */
int ccg_reader_open(ccg_reader **out, const char *path, const ccg_reader_options *opts);

/**
 * Reads the next record. Returns 1 with *rec set (caller owns it), 0 at the
 * end of input, or a negative error: CCG_EPARSE for malformed input when
 * strict (else the record is skipped and reported through opts->diag) and,
 * even when not strict, for input that cannot be resynchronised (a
 * truncated JSON document or last JSON line, an unterminated BibTeX entry
 * or CSV quote, invalid XML); CCG_EIO (bad gzip data, read error);
 * CCG_ELIMIT (a line or record over 64 MB, a JSON document over 512 MB);
 * CCG_ENOMEM. The message (ccg_error_last) is "FILE:LINE: what is wrong".
 * Errors are sticky: after one, the reader returns it again; free it.
 *
 * Time: linear in the input. Memory: the largest record, except JSON
 * documents (CCG_FORMAT_JSON), which are parsed whole; with threads, JSON
 * Lines keep up to two 256 KB batches of lines and their records per thread
 * in flight. Call it from one thread at a time; the diag callback is called
 * from the calling thread only.
 */
int ccg_reader_next(ccg_reader *r, ccg_record **rec);

/** The format in use (after detection). */
ccg_format ccg_reader_format(const ccg_reader *r);

/** Number of records skipped as malformed so far. */
size_t ccg_reader_skipped(const ccg_reader *r);

/**
 * Bytes of input consumed so far, after gzip decompression: for progress
 * reports and throughput figures.
 */
uint64_t ccg_reader_bytes(const ccg_reader *r);

void ccg_reader_free(ccg_reader *r);

/**
 * A corpus: the records of several files, each paper once. Plain read-only
 * data after loading; records are in input order (first occurrence wins).
 */
typedef struct ccg_corpus {
    ccg_record **records;
    size_t n_records;
    size_t n_duplicates;   /**< records dropped as already seen */
    size_t n_skipped;      /**< malformed records skipped */
    /* per-format counts of records read, indexed by ccg_format */
    size_t per_format[CCG_FORMAT_COUNT];
    void *priv;            /**< internal: dedup index, file names */
} ccg_corpus;

int ccg_corpus_new(ccg_corpus **out);

/**
 * Reads every record of a file into the corpus. Returns 0 or a reader
 * error (the records read before the error stay in the corpus).
 */
int ccg_corpus_read_file(ccg_corpus *c, const char *path, const ccg_reader_options *opts);

/**
 * Adds a record, taking ownership. Returns 1 if added, 0 if it was a
 * duplicate (the record is then freed), or CCG_ENOMEM.
 */
int ccg_corpus_add(ccg_corpus *c, ccg_record *rec);

/**
 * Remembers a record's arXiv id and DOI without keeping the record, for
 * callers that stream records through (ccgraph read). Returns 1 if the
 * paper is new, 0 if it was seen before (n_duplicates is then counted), or
 * CCG_ENOMEM. The record stays the caller's.
 */
int ccg_corpus_mark(ccg_corpus *c, const ccg_record *rec);

void ccg_corpus_free(ccg_corpus *c);

/**
 * The text that extraction reads and that mention spans index:
 * the title, "\n\n", then the abstract (just one of them if the other is
 * absent). Returns a malloc'd string (length in *len) or NULL on ENOMEM.
 */
char *ccg_record_text(const ccg_record *rec, size_t *len);

/**
 * Writes a record as one line of JSON, without the newline: the `ccgraph
 * read` format, which the JSON Lines reader reads back unchanged. Keys in
 * this order, absent ones omitted: id, title, abstract, year, month,
 * authors, venue, doi, arxiv_id, categories, refs, format. UTF-8 is kept
 * as is; '"', '\\', control characters and U+2028/U+2029 are escaped.
 * Returns 0 or CCG_ENOMEM; the caller frees *out with free().
 */
int ccg_record_to_json(const ccg_record *rec, char **out);

#ifdef __cplusplus
}
#endif
#endif
