/*
 * ccg_common.h: error codes, allocation and version of the ccgraph library.
 *
 * Every fallible function returns 0 or a negative ccg_error; the message of
 * the last error of the calling thread is in ccg_error_last(). The library
 * never prints and never aborts.
 */
#ifndef CCG_COMMON_H
#define CCG_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes: 0 is success, every error is negative. */
typedef enum {
    CCG_OK = 0,
    CCG_ENOMEM = -1,   /**< an allocation failed */
    CCG_EIO = -2,      /**< a file could not be opened, read or written */
    CCG_EPARSE = -3,   /**< malformed input (message has file:line) */
    CCG_EINVAL = -4,   /**< an invalid argument or option value */
    CCG_ELIMIT = -5,   /**< a size, depth or match limit was reached */
    CCG_EGRAPH = -6,   /**< igraph reported an error */
    CCG_ERENDER = -7,  /**< Graphviz reported an error */
    CCG_EFORMAT = -8,  /**< the input format could not be detected */
} ccg_error;

/**
 * The message of the last error set in this thread ("" if none). The
 * pointer stays valid until the next failing call in the same thread.
 */
const char *ccg_error_last(void);

/** A fixed English name for an error code ("out of memory", …). */
const char *ccg_strerror(int err);

/** The library version, "MAJOR.MINOR.PATCH". */
const char *ccg_version(void);

/**
 * Versions of the libraries ccgraph was built with, for --version:
 * fills buf with one line per library. Returns the length written.
 */
size_t ccg_library_versions(char *buf, size_t size);

/**
 * Testing hook: make the Nth allocation from now fail (1 = the next one);
 * 0 disables. Not thread-safe; for unit tests that walk cleanup paths.
 */
void ccg_alloc_fail_after(unsigned long n);

#ifdef __cplusplus
}
#endif
#endif
