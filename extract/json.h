/*
 * json.h: a small, fast JSON parser for the readers (private to extract/).
 *
 * Why not jansson: measured on the 130 MB arXiv corpus, json_loadb per line
 * alone takes 1.65 s (79 MB/s), which leaves no room for the 60 MB/s the
 * readers must reach with gzip and text cleanup. Records only need to be
 * walked once, so values live in an arena that is reset per document:
 * no reference counts, no hash tables, one allocation in the common case;
 * strings are decoded where they are in the input, which is the reader's
 * own line buffer.
 */
#ifndef CCG_JSON_H
#define CCG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum { CCG_J_NULL, CCG_J_FALSE, CCG_J_TRUE, CCG_J_NUM, CCG_J_STR, CCG_J_ARR, CCG_J_OBJ } ccg_jtype;

/** A value. Strings are decoded, NUL-terminated (a \u0000 escape is dropped); they and
 * number texts point into the parsed input. */
typedef struct ccg_jv {
    ccg_jtype type;
    bool is_int;           /* a number without fraction or exponent that fits int64 */
    union {
        int64_t i;         /* its value */
        uint64_t keys;     /* an object's: a bit (ccg__jkey_bit) for each member name */
    };
    const char *s;         /* string value, or the text of a number */
    size_t len;
    const char *key;       /* the member name, for members of an object */
    size_t count;          /* members or elements */
    struct ccg_jv *first;  /* first member or element */
    struct ccg_jv *next;   /* next sibling */
} ccg_jv;

/** Parsing state and arena; reuse one per reader (ccg__json_parse resets it). */
typedef struct ccg_json ccg_json;

ccg_json *ccg__json_new(void);
void ccg__json_free(ccg_json *j);

/** Where and why a parse failed. */
typedef struct {
    char msg[128];
    bool truncated;       /* the input ended too early */
    size_t offset;        /* the byte it failed at, */
    unsigned long line;   /* the newlines before it (0: on the first line) */
    unsigned long col;    /* and its column: 1 + the bytes after the last newline */
} ccg_json_error;

/**
 * Members with one of these names (at any depth) are left out of the
 * values parse returns: their values are still checked as JSON, with the
 * same errors and limits, but make no nodes (a reader that omits authors
 * skips their arrays). names must outlive j; n = 0 keeps every member.
 */
void ccg__json_skip(ccg_json *j, const char *const *names, size_t n);

/**
 * Parses exactly one JSON value (surrounding whitespace allowed) from s,
 * decoding its strings in place: s is overwritten (past the value's end
 * nothing is touched). Returns 0 with *out set (valid until the next parse
 * and while s lives), CCG_EPARSE with err filled in, CCG_ELIMIT (nesting
 * deeper than 512, more than 8M values; err->msg says which) or CCG_ENOMEM.
 */
int ccg__json_parse(ccg_json *j, char *s, size_t n, ccg_jv **out, ccg_json_error *err);

/*
 * The bit of a member name of length n (n >= 1) in its object's keys: most
 * names a reader looks up are missing from a given record (each reader asks
 * for every source's names), and are ruled out by it without a comparison.
 */
static inline uint64_t ccg__jkey_bit(const char *key, size_t n)
{
    return (uint64_t)1 << (((unsigned char)key[0] + (unsigned char)key[n - 1] * 7u + n * 5u) & 63);
}

/** ccg__jget without the keys test: compares every member name. */
ccg_jv *ccg__jget_scan(const ccg_jv *o, const char *key);

/** The member key of object o, or NULL (also when o is not an object). */
static inline ccg_jv *ccg__jget(const ccg_jv *o, const char *key)
{
    size_t n = strlen(key); /* folded for the constant names readers ask for */
    if (n && o && o->type == CCG_J_OBJ && !(o->keys & ccg__jkey_bit(key, n)))
        return NULL;
    return ccg__jget_scan(o, key);
}

/** The string value of v, or NULL if v is not a string. */
const char *ccg__jstr(const ccg_jv *v);

/** The first element of an array (or member of an object), NULL otherwise. */
ccg_jv *ccg__jfirst(const ccg_jv *v);

static inline bool ccg__jis(const ccg_jv *v, ccg_jtype t) { return v && v->type == t; }

#endif
