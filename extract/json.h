/*
 * json.h: a small, fast JSON parser for the readers (private to extract/).
 *
 * Why not jansson: measured on the 130 MB arXiv corpus, json_loadb per line
 * alone takes 1.65 s (79 MB/s), which leaves no room for the 60 MB/s the
 * readers must reach with gzip and text cleanup. Records only need to be
 * walked once, so values live in an arena that is reset per document:
 * no reference counts, no hash tables, one allocation in the common case.
 */
#ifndef CCG_JSON_H
#define CCG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { CCG_J_NULL, CCG_J_FALSE, CCG_J_TRUE, CCG_J_NUM, CCG_J_STR, CCG_J_ARR, CCG_J_OBJ } ccg_jtype;

/** A value. Strings are decoded, NUL-terminated (a \u0000 escape is dropped). */
typedef struct ccg_jv {
    ccg_jtype type;
    bool is_int;           /* a number without fraction or exponent that fits int64 */
    int64_t i;             /* its value */
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

/**
 * Parses exactly one JSON value (surrounding whitespace allowed) from s.
 * Returns 0 with *out set (valid until the next parse), CCG_EPARSE with a
 * message in err (and *truncated set when the input ended too early),
 * CCG_ELIMIT (nesting deeper than 512, more than 8M values) or CCG_ENOMEM.
 */
int ccg__json_parse(ccg_json *j, const char *s, size_t n, ccg_jv **out, char err[128],
                    bool *truncated, size_t *err_offset);

/** The member key of object o, or NULL (also when o is not an object). */
ccg_jv *ccg__jget(const ccg_jv *o, const char *key);

/** The string value of v, or NULL if v is not a string. */
const char *ccg__jstr(const ccg_jv *v);

/** The first element of an array (or member of an object), NULL otherwise. */
ccg_jv *ccg__jfirst(const ccg_jv *v);

static inline bool ccg__jis(const ccg_jv *v, ccg_jtype t) { return v && v->type == t; }

#endif
