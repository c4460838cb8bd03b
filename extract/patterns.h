/*
 * patterns.h: the extractor's PCRE2 patterns behind a PCRE2-free interface.
 */
#ifndef CCG_PATTERNS_H
#define CCG_PATTERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * match (or a match limit hit: the text is then treated as not matching);
 * ovector is written only on a match.
 */
int ccg__match(const void *patterns, ccg__matcher *m, int pat, const char *text, size_t len,
               size_t from, size_t *ovector, int n_pairs);

/**
 * Can a match of pat start at byte at? False only for a pattern with first
 * words (patterns.c) when no word starting at at is one of them.
 */
bool ccg__match_may_start(const void *patterns, int pat, const char *text, size_t len, size_t at);

/**
 * Can a match of pat end at the end of text[0, len)? False only for a
 * pattern with last words (patterns.c) when the text, its trailing white
 * space left out, does not end with one of them.
 */
bool ccg__match_may_end(const void *patterns, int pat, const char *text, size_t len);

/**
 * The words a pattern's matches begin with (patterns.c), as the
 * extractor's atoms carry them: their length and ccg__hash of the word in
 * lower case.
 */
#define PAT_MAX_WORDS 9
#define PAT_THEN_BITS 10
#define PAT_SLOT_SHARED 0xFF
typedef struct {
    /* per hash & 63: 0 for no word, the word's index + 1 for one,
     * PAT_SLOT_SHARED for several (find tests one word, not each) */
    uint8_t slot[64];
    unsigned n;
    uint8_t len[PAT_MAX_WORDS];
    uint32_t hash[PAT_MAX_WORDS];
    const char *next[PAT_MAX_WORDS]; /* what the next word must end with (lower case), or NULL */
    uint8_t next_len[PAT_MAX_WORDS];  /* its length */
    /* per word, a filter of what the text goes on with after it and white
     * space (ccg__then_may), or all zero: anything */
    bool has_then[PAT_MAX_WORDS];
    uint64_t then[PAT_MAX_WORDS][((size_t)1 << PAT_THEN_BITS) / 64];
    /* the same for the word after that word and white space */
    bool has_then2[PAT_MAX_WORDS];
    uint64_t then2[PAT_MAX_WORDS][((size_t)1 << PAT_THEN_BITS) / 64];
} ccg__first_words;

/* The bit of ccg__first_words.then of three bytes, letters in lower case. */
static inline uint32_t ccg__then_bit(const char *s)
{
    uint32_t k = (uint32_t)((unsigned char)s[0] | 32) | (uint32_t)((unsigned char)s[1] | 32) << 8 |
                 (uint32_t)((unsigned char)s[2] | 32) << 16;
    return (k * 0x9E3779B1u) >> (32 - PAT_THEN_BITS);
}

/**
 * May first word w of fw, ending at byte end of text[0, len), begin a
 * match, as far as what comes after it and white space tells? False only
 * when the next three bytes begin none of the words the pattern lets
 * follow it, or (then2) those of the word after that one: a test of a few
 * instructions in place of a PCRE2 call of several hundred that fails
 * (PAT_INTRO's "we", "this", "our", "by" are followed by another word
 * three times in four).
 */
static inline bool ccg__then_may(const ccg__first_words *fw, unsigned w, const char *text,
                                 size_t len, size_t end)
{
    if (!fw->has_then[w])
        return true;
    while (end < len && (text[end] == ' ' || (text[end] >= '\t' && text[end] <= '\r')))
        end++; /* \s in PCRE2 without UCP */
    if (len - end < 3)
        return false;
    uint32_t b = ccg__then_bit(text + end);
    if (!(fw->then[w][b >> 6] >> (b & 63) & 1))
        return false;
    if (!fw->has_then2[w])
        return true;
    /* that word's letters, white space, and the word after */
    while (end < len && (unsigned char)((text[end] | 32) - 'a') < 26)
        end++;
    size_t e0 = end;
    while (end < len && (text[end] == ' ' || (text[end] >= '\t' && text[end] <= '\r')))
        end++;
    if (end == e0 || len - end < 3)
        return false;
    b = ccg__then_bit(text + end);
    return fw->then2[w][b >> 6] >> (b & 63) & 1;
}

/** The first words of pat, or NULL if its matches may begin anywhere. */
const ccg__first_words *ccg__match_first_words(const void *patterns, int pat);

/**
 * A filter of the first words of every pattern: 256 bytes, 1 at (hash &
 * 255) of each, the hash as in ccg__first_words (a byte, not a bit: the
 * extractor tests every atom of every text without a variable shift),
 * and 1 at 0 where it is at 1, for a hash tested without its 0 -> 1 fix.
 */
const uint8_t *ccg__match_lead_bytes(const void *patterns);

/** As ccg__match, but the match must start at byte at. */
int ccg__match_at(const void *patterns, ccg__matcher *m, int pat, const char *text, size_t len,
                  size_t at, size_t *ovector, int n_pairs);

#endif
