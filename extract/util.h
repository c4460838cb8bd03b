/*
 * util.h: private helpers shared by every layer (errors, allocation,
 * growable buffers, atomic output files). Not part of the public API.
 */
#ifndef CCG_UTIL_H
#define CCG_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
/*
 * ASCII lower case, whatever the locale: keys, folds and comparisons of
 * names must not change with a caller's setlocale() (tolower() in a
 * Latin-1 locale would rewrite UTF-8 bytes), and it is cheaper.
 */
static inline unsigned char ccg__lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 32) : c;
}

/* A hint that memory at p will be read soon (a compiler builtin where there
 * is one): the extractor's loops over papers and filters ask for what they
 * read next while they work. */
#if defined(__GNUC__) || defined(__clang__)
#define CCG__PREFETCH(p) __builtin_prefetch(p)
#else
#define CCG__PREFETCH(p) ((void)(p))
#endif

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

/*
 * The first byte of s[i, end) that is a, b, c or d; end if none. Sixteen
 * bytes a step with SSE2, which every x86-64 has (compiler intrinsics, not
 * a library): a sentence scan over every text was 4% of extraction with
 * the eight-byte tests, which are the fallback elsewhere.
 */
static inline size_t ccg__find_any4(const char *s, size_t i, size_t end, unsigned char a,
                                    unsigned char b, unsigned char c, unsigned char d)
{
#ifdef __SSE2__
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b),
                  vc = _mm_set1_epi8((char)c), vd = _mm_set1_epi8((char)d);
    for (; i + 16 <= end; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, vd)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#else
    for (; i + 8 <= end; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (ccg__bytes_eq(w, a) | ccg__bytes_eq(w, b) | ccg__bytes_eq(w, c) | ccg__bytes_eq(w, d))
            break;
    }
#endif
    for (; i < end; i++) {
        unsigned char x = (unsigned char)s[i];
        if (x == a || x == b || x == c || x == d)
            break;
    }
    return i;
}

/** The number of online cores, at least 1. */
unsigned ccg__cpu_count(void);

/*
 * Calls fn(ctx, i, w) for every i in [0, n), on up to `threads` threads (0:
 * one a core; at most CCG__MAX_THREADS, and no more than n), the calling
 * thread among them; w in [0, threads) names the thread, for per-thread
 * state. Each thread takes the next index, so work that writes only its
 * index's slot gives the same results whatever the scheduling. After a
 * negative return no new index is started; the first one is returned, with
 * its message (ccg_error_last), on the calling thread. The one mechanism of
 * the extraction passes, the path metrics and the outputs of a build.
 */
#define CCG__MAX_THREADS 64
typedef int (*ccg__index_fn)(void *ctx, size_t i, unsigned w);
int ccg__parallel_for(size_t n, unsigned threads, ccg__index_fn fn, void *ctx);

#endif
