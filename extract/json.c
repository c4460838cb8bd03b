/*
 * json.c: recursive-descent JSON parser into an arena (RFC 8259; strings
 * may carry invalid UTF-8, which text cleanup repairs with a warning).
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_DEPTH 512
#define MAX_VALUES ((size_t)8 << 20)

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    char data[];
} chunk;

struct ccg_json {
    chunk *chunks;      /* current chunk first; reset keeps the largest */
    char *s, *p, *end;  /* strings are decoded where they are */
    size_t values;
    ccg_json_error *err;
    int depth;
    /* the newlines of the input so far: strings are overwritten, so an error's
     * line and column cannot be counted from the text afterwards */
    unsigned long lines;
    const char *line_start;
    /* member names whose values are checked but not kept (ccg__json_skip) */
    const char *const *skip;
    size_t n_skip;
    uint64_t skip_keys;  /* their ccg__jkey_bit */
};

ccg_json *ccg__json_new(void)
{
    ccg_json *j = ccg__calloc(1, sizeof *j);
    if (!j)
        ccg__err(CCG_ENOMEM, "out of memory");
    return j;
}

void ccg__json_free(ccg_json *j)
{
    if (!j)
        return;
    for (chunk *c = j->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(j);
}

static void *alloc(ccg_json *j, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = j->chunks;
    if (!c || c->size - c->used < n) {
        size_t size = c ? c->size * 2 : (size_t)64 << 10;
        while (size < n)
            size *= 2;
        chunk *nc = ccg__malloc(sizeof *nc + size);
        if (!nc)
            return NULL;
        nc->next = c;
        nc->size = size;
        nc->used = 0;
        j->chunks = c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

/* Frees all chunks but the first (the largest), and empties it. */
static void reset(ccg_json *j)
{
    chunk *c = j->chunks;
    if (!c)
        return;
    for (chunk *o = c->next, *next; o; o = next) {
        next = o->next;
        free(o);
    }
    c->next = NULL;
    c->used = 0;
}

static int fail(ccg_json *j, const char *what)
{
    bool at_end = j->p >= j->end;
    j->err->truncated = at_end;
    snprintf(j->err->msg, sizeof j->err->msg, "%s", at_end ? "premature end of input" : what);
    return CCG_EPARSE;
}

static inline void skip_ws(ccg_json *j)
{
    char *p = j->p;
    /* every whitespace byte is at most ' ': most tokens are followed by none, or one space */
    for (; p < j->end && (unsigned char)*p <= ' '; p++) {
        if (*p == '\n') {
            j->lines++;
            j->line_start = p + 1;
        } else if (*p != ' ' && *p != '\r' && *p != '\t') {
            break;
        }
    }
    j->p = p;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *d, uint32_t c)
{
    if (c < 0x80) {
        d[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        d[0] = (char)(0xC0 | (c >> 6));
        d[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        d[0] = (char)(0xE0 | (c >> 12));
        d[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        d[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (c >> 18));
    d[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    d[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Nonzero when one of the bytes of w is '"', '\\' or below 0x20. */
static uint64_t special8(uint64_t w)
{
    return ccg__bytes_eq(w, '"') | ccg__bytes_eq(w, '\\') | ccg__bytes_below(w, 0x20);
}

/* Skips whole words of bytes that need no look: stops within 8 bytes of the
 * next special one (at it, with SSE2: abstracts are long strings). */
static const char *skip_plain(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* v <= 0x1F, unsigned: min(v, 0x1F) == v */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return p + __builtin_ctz(bits);
        p += 16;
    }
#endif
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (special8(w))
            break;
        p += 8;
    }
    return p;
}

/* The closing quote of the string whose text starts at p, or end. */
static const char *closing_quote(const char *p, const char *end)
{
    for (;;) {
        p = skip_plain(p, end);
        if (p >= end || *p == '"')
            return p;
        p += *p == '\\' ? 2 : 1;
    }
}

/*
 * Fails on a bad byte at p inside the string that starts at start: as an
 * unterminated string (truncated, the newlines to the end counted as the
 * text's) if it has no closing quote, else with what.
 */
static int string_fail(ccg_json *j, const char *p, const char *what)
{
    if (closing_quote(p, j->end) >= j->end) {
        for (const char *nl = p; (nl = memchr(nl, '\n', (size_t)(j->end - nl))) != NULL; nl++) {
            j->lines++;
            j->line_start = nl + 1;
        }
        j->p = j->end;
        return fail(j, "unterminated string");
    }
    j->p = (char *)p;
    return fail(j, what);
}

/*
 * A string at j->p (just after the opening quote), decoded where it is: an
 * escape is never shorter than what it stands for, so the text moves left
 * over its escapes and ends in a NUL at most at its closing quote. One pass;
 * a string without escapes is not copied.
 */
static int string(ccg_json *j, const char **out, size_t *len)
{
    char *start = j->p, *w = start;
    const char *p = start, *end = j->end;
    for (;;) {
        const char *run = p;
        p = skip_plain(p, end);
        while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            p++;
        if (w != run)
            memmove(w, run, (size_t)(p - run));
        w += p - run;
        if (p >= end)
            return string_fail(j, p, "");
        if (*p == '"')
            break;
        if (*p != '\\')
            return string_fail(j, p, "control character in a string");
        p++; /* the backslash */
        char e = p < end ? *p++ : '\0';
        switch (e) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            uint32_t c, lo;
            if (end - p < 4 || hex4(p, &c) < 0)
                return string_fail(j, p, "invalid \\u escape");
            p += 4;
            if (c >= 0xD800 && c <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
                hex4(p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (c >= 0xD800 && c <= 0xDFFF) {
                c = 0xFFFD; /* a lone surrogate */
            }
            /* "\u0000" cannot live in a C string: dropped. 6 escape bytes >= 4 output bytes. */
            if (c != 0)
                w += put_utf8(w, c);
            break;
        }
        default:
            return string_fail(j, p - 1, "invalid escape in a string");
        }
    }
    *w = '\0';
    *out = start;
    *len = (size_t)(w - start);
    j->p = (char *)p + 1;
    return 0;
}

static int number(ccg_json *j, ccg_jv *v)
{
    char *p = j->p;
    const char *start = p;
    bool neg = false, is_int = true;
    uint64_t mag = 0;
    if (p < j->end && *p == '-') {
        neg = true;
        p++;
    }
    if (p >= j->end || *p < '0' || *p > '9')
        return j->p = p, fail(j, "invalid number");
    if (*p == '0' && p + 1 < j->end && p[1] >= '0' && p[1] <= '9')
        return j->p = p, fail(j, "leading zero in a number");
    while (p < j->end && *p >= '0' && *p <= '9') {
        if (mag > (UINT64_MAX - 9) / 10)
            is_int = false;
        else
            mag = mag * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p < j->end && *p == '.') {
        is_int = false;
        p++;
        if (p >= j->end || *p < '0' || *p > '9')
            return j->p = p, fail(j, "invalid number");
        while (p < j->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < j->end && (*p == 'e' || *p == 'E')) {
        is_int = false;
        p++;
        if (p < j->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= j->end || *p < '0' || *p > '9')
            return j->p = p, fail(j, "invalid number");
        while (p < j->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (is_int && mag > (uint64_t)INT64_MAX + neg)
        is_int = false;
    v->type = CCG_J_NUM;
    v->is_int = is_int;
    v->i = is_int ? (neg ? (int64_t)(0 - mag) : (int64_t)mag) : 0;
    v->s = start;
    v->len = (size_t)(p - start);
    j->p = p;
    return 0;
}

static int literal(ccg_json *j, const char *word, ccg_jtype t, ccg_jv *v)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) {
        if ((size_t)(j->end - j->p) < n && memcmp(j->p, word, (size_t)(j->end - j->p)) == 0)
            j->p = j->end; /* "tru" at the end: truncated */
        return fail(j, "invalid literal");
    }
    j->p += n;
    v->type = t;
    return 0;
}

static int value(ccg_json *j, ccg_jv *v);

void ccg__json_skip(ccg_json *j, const char *const *names, size_t n)
{
    j->skip = names;
    j->n_skip = n;
    j->skip_keys = 0;
    for (size_t k = 0; k < n; k++)
        j->skip_keys |= ccg__jkey_bit(names[k], strlen(names[k]));
}

/* Is a member named key (klen bytes) one whose value is not kept? */
static bool skipped(const ccg_json *j, const char *key, size_t klen)
{
    if (!klen || !(j->skip_keys & ccg__jkey_bit(key, klen)))
        return false;
    for (size_t k = 0; k < j->n_skip; k++)
        if (strcmp(j->skip[k], key) == 0)
            return true;
    return false;
}

static ccg_jv *new_value(ccg_json *j)
{
    if (++j->values > MAX_VALUES) {
        ccg__err(CCG_ELIMIT, "more than %zu JSON values", MAX_VALUES);
        return NULL;
    }
    ccg_jv *v = alloc(j, sizeof *v);
    if (!v) {
        ccg__err(CCG_ENOMEM, "out of memory");
        return NULL;
    }
    memset(v, 0, sizeof *v);
    return v;
}

/*
 * Passes over a value that is not kept when it is an array of strings
 * without escapes or control bytes, spaces only between them (authors,
 * categories): what the general path would accept, and count, there, at a
 * fraction of its cost. Anything else: false, j->p where it was, and the
 * general path parses it (with its errors).
 */
static bool pass_strings(ccg_json *j)
{
    skip_ws(j);
    const char *p = j->p, *end = j->end;
    size_t n = 0;
    if (p >= end || *p != '[' || j->depth + 1 > MAX_DEPTH)
        return false;
    for (p++; p < end && *p == ' '; p++)
        ;
    if (p < end && *p == ']') {
        j->p = (char *)p + 1;
        return true;
    }
    for (;;) {
        if (p >= end || *p != '"')
            return false;
        const char *q = skip_plain(p + 1, end);
        while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
        if (q >= end || *q != '"')
            return false;
        n++;
        for (p = q + 1; p < end && *p == ' '; p++)
            ;
        if (p < end && *p == ']')
            break;
        if (p >= end || *p != ',')
            return false;
        for (p++; p < end && *p == ' '; p++)
            ;
    }
    if (j->values + n > MAX_VALUES)
        return false;
    j->values += n;
    j->p = (char *)p + 1;
    return true;
}

static int container(ccg_json *j, ccg_jv *v, bool object)
{
    int err;
    char close = object ? '}' : ']';
    if (++j->depth > MAX_DEPTH) {
        snprintf(j->err->msg, sizeof j->err->msg, "nesting deeper than %d", MAX_DEPTH);
        return CCG_ELIMIT;
    }
    v->type = object ? CCG_J_OBJ : CCG_J_ARR;
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    ccg_jv **tail = &v->first;
    for (;;) {
        ccg_jv *e = new_value(j);
        bool drop = false; /* a member not kept */
        if (!e)
            return j->values > MAX_VALUES ? CCG_ELIMIT : CCG_ENOMEM;
        if (object) {
            skip_ws(j);
            if (j->p >= j->end || *j->p != '"')
                return fail(j, "expected a member name");
            j->p++;
            size_t klen;
            if ((err = string(j, &e->key, &klen)) < 0)
                return err;
            if (!(drop = skipped(j, e->key, klen)) && klen)
                v->keys |= ccg__jkey_bit(e->key, klen);
            skip_ws(j);
            if (j->p >= j->end || *j->p != ':')
                return fail(j, "expected ':'");
            j->p++;
        }
        if (!(drop && pass_strings(j)) && (err = value(j, e)) < 0)
            return err;
        if (!drop) {
            *tail = e;
            tail = &e->next;
            v->count++;
        }
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return 0;
        }
        return fail(j, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int value(ccg_json *j, ccg_jv *v)
{
    skip_ws(j);
    if (j->p >= j->end)
        return fail(j, "expected a value");
    switch (*j->p) {
    case '{': return container(j, v, true);
    case '[': return container(j, v, false);
    case '"':
        j->p++;
        v->type = CCG_J_STR;
        return string(j, &v->s, &v->len);
    case 't': return literal(j, "true", CCG_J_TRUE, v);
    case 'f': return literal(j, "false", CCG_J_FALSE, v);
    case 'n': return literal(j, "null", CCG_J_NULL, v);
    default: return number(j, v);
    }
}

int ccg__json_parse(ccg_json *j, char *s, size_t n, ccg_jv **out, ccg_json_error *err)
{
    reset(j);
    j->s = j->p = s;
    j->end = s + n;
    j->values = 0;
    j->depth = 0;
    j->err = err;
    j->lines = 0;
    j->line_start = s;
    err->truncated = false;
    err->msg[0] = '\0';
    ccg_jv *v = new_value(j);
    int rc = v ? value(j, v) : CCG_ENOMEM;
    if (rc == 0) {
        skip_ws(j);
        if (j->p < j->end)
            rc = fail(j, "end of input expected after the value");
    }
    if (rc == CCG_ELIMIT && !err->msg[0])
        snprintf(err->msg, sizeof err->msg, "more than %zu values", MAX_VALUES);
    err->offset = (size_t)(j->p - s);
    err->line = j->lines;
    err->col = (unsigned long)(j->p - j->line_start) + 1;
    if (rc == 0)
        *out = v;
    return rc;
}

ccg_jv *ccg__jget_scan(const ccg_jv *o, const char *key)
{
    if (!o || o->type != CCG_J_OBJ)
        return NULL;
    for (ccg_jv *m = o->first; m; m = m->next)
        if (m->key[0] == key[0] && strcmp(m->key, key) == 0) /* most keys differ at once */
            return m;
    return NULL;
}

const char *ccg__jstr(const ccg_jv *v) { return v && v->type == CCG_J_STR ? v->s : NULL; }

ccg_jv *ccg__jfirst(const ccg_jv *v)
{
    return v && (v->type == CCG_J_ARR || v->type == CCG_J_OBJ) ? v->first : NULL;
}
