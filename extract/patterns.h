/*
 * patterns.h: the extractor's PCRE2 patterns behind a PCRE2-free interface.
 */
#ifndef CCG_PATTERNS_H
#define CCG_PATTERNS_H

#include <stddef.h>

#include "util.h"

enum { PAT_PAREN, PAT_PAREN_LONG, PAT_INTRO, PAT_NAMED, PAT_NAMING, PAT_APPOS, PAT_COUNT };

/** Per-thread match state: match data and a context with match/depth limits. */
typedef struct ccg__matcher ccg__matcher;

int ccg__patterns_new(void **out);
void ccg__patterns_free(void *p);
int ccg__matcher_new(const void *patterns, ccg__matcher **out);
void ccg__matcher_free(ccg__matcher *m);

/**
 * Matches pattern pat in text[0, len) from byte offset from. Returns 1 with
 * ovector filled (n_pairs start/end pairs, (size_t)-1 when unset), 0 for no
 * match (or a match limit hit: the text is then treated as not matching).
 */
int ccg__match(const void *patterns, ccg__matcher *m, int pat, const char *text, size_t len,
               size_t from, size_t *ovector, int n_pairs);

#endif
