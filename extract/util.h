/*
 * util.h: private helpers shared by every layer (errors, allocation,
 * growable buffers, atomic output files). Not part of the public API.
 */
#ifndef CCG_UTIL_H
#define CCG_UTIL_H

#include <stdarg.h>
#include <stdio.h>

#include "ccg_common.h"

/** Sets the thread's last error message and returns err (for `return ccg__err(...)`). */
int ccg__err(int err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Allocation goes through these so tests can make the Nth one fail. */
void *ccg__malloc(size_t n);
void *ccg__calloc(size_t n, size_t size);
void *ccg__realloc(void *p, size_t n);
char *ccg__strdup(const char *s);
char *ccg__strndup(const char *s, size_t n);
/** Grows *p (array of elem-sized items, capacity *cap) to hold need items. 0 or CCG_ENOMEM. */
int ccg__grow(void **p, size_t *cap, size_t need, size_t elem);

/** A growable byte buffer, always NUL-terminated once anything is added. */
typedef struct {
    char *data;
    size_t len, cap;
} ccg_buf;

#define CCG_BUF_INIT {NULL, 0, 0}
int ccg__buf_reserve(ccg_buf *b, size_t extra);
int ccg__buf_add(ccg_buf *b, const char *s, size_t n);
int ccg__buf_puts(ccg_buf *b, const char *s);
int ccg__buf_putc(ccg_buf *b, char c);
int ccg__buf_printf(ccg_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** Takes the buffer's string (caller frees); the buffer is reset. */
char *ccg__buf_detach(ccg_buf *b);
void ccg__buf_clear(ccg_buf *b);
void ccg__buf_free(ccg_buf *b);

/**
 * An output file written atomically: bytes go to "PATH.tmp.XXXXXX" beside
 * PATH, renamed over PATH by commit, removed by abort. "-" is stdout
 * (commit flushes, abort does nothing).
 */
typedef struct {
    FILE *fp;
    char *path;
    char *tmp;
} ccg_outfile;

int ccg__outfile_open(ccg_outfile *of, const char *path);
/** Flushes, checks for write errors, fsyncs? no: renames. Returns 0 or CCG_EIO. */
int ccg__outfile_commit(ccg_outfile *of);
void ccg__outfile_abort(ccg_outfile *of);

/*
 * Byte tests eight bytes at a time (SWAR: portable C, no SIMD library among
 * the dependencies) for the scanners of JSON strings and text. Each returns
 * a word whose byte high bits mark bytes of w that equal c (or are below n,
 * n <= 0x80); it is nonzero exactly when one does, though a mark may also
 * fall on a byte after a true one. Load w with memcpy from a buffer that
 * has eight bytes left.
 */
#define CCG__ONES8 0x0101010101010101ull
#define CCG__HIGH8 0x8080808080808080ull

static inline uint64_t ccg__bytes_below(uint64_t w, unsigned char n)
{
    return (w - CCG__ONES8 * n) & ~w & CCG__HIGH8;
}

static inline uint64_t ccg__bytes_eq(uint64_t w, unsigned char c)
{
    return ccg__bytes_below(w ^ (CCG__ONES8 * c), 1);
}

#endif
