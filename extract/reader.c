/*
 * reader.c: opening inputs (their bytes, gunzipped, come from input.c),
 * line splitting, format detection, and the policy for malformed records
 * (skip and report, or fail when strict).
 */
#include "read.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK ((size_t)64 << 10)
#define PEEK ((size_t)64 << 10)

static const char *const format_names[CCG_FORMAT_COUNT] = {
    "auto", "arxiv", "jsonl", "json", "atom", "bibtex", "ris", "wos", "scopus", "text",
};

const char *ccg_format_name(ccg_format f)
{
    return (unsigned)f < CCG_FORMAT_COUNT ? format_names[f] : "unknown";
}

int ccg_format_parse(const char *name, ccg_format *out)
{
    /* the names people type for them too */
    static const struct {
        const char *alias;
        ccg_format f;
    } aliases[] = {
        {"listing", CCG_FORMAT_ARXIV_LISTING}, {"ndjson", CCG_FORMAT_JSONL},
        {"xml", CCG_FORMAT_ATOM}, {"bib", CCG_FORMAT_BIBTEX}, {"csv", CCG_FORMAT_SCOPUS_CSV},
        {"txt", CCG_FORMAT_TEXT},
    };
    for (int f = 0; f < CCG_FORMAT_COUNT; f++)
        if (name && strcmp(name, format_names[f]) == 0) {
            *out = (ccg_format)f;
            return 0;
        }
    for (size_t k = 0; name && k < sizeof aliases / sizeof *aliases; k++)
        if (strcmp(name, aliases[k].alias) == 0) {
            *out = aliases[k].f;
            return 0;
        }
    return ccg__err(CCG_EINVAL, "unknown format '%s' (auto, arxiv, jsonl, json, atom, bibtex, "
                                "ris, wos, scopus, text)", name ? name : "");
}

/* ---- input ------------------------------------------------------------ */

/* Reads more input after end; sets eof. 0 or CCG_EIO. */
static int fill(ccg_reader *r)
{
    if (r->eof)
        return 0;
    /* a read may return less than asked: move the bytes left before growing */
    if (r->pos > 0 && (r->pos == r->end || r->cap - r->end < CHUNK + 1)) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->scan -= r->pos;
        r->pos = 0;
    }
    if (r->cap - r->end < CHUNK + 1) {
        size_t ncap = r->cap ? r->cap : CHUNK + 1;
        while (ncap - r->end < CHUNK + 1)
            ncap *= 2;
        char *nb = ccg__realloc(r->buf, ncap);
        if (!nb)
            return ccg__err(CCG_ENOMEM, "out of memory");
        r->buf = nb;
        r->cap = ncap;
    }
    long n = ccg__input_read(r->in, r->buf + r->end, r->cap - 1 - r->end);
    if (n < 0)
        return (int)n;
    if (n == 0)
        r->eof = true;
    r->end += (size_t)n;
    r->bytes += (uint64_t)n;
    r->buf[r->end] = '\0';
    return 0;
}

int ccg__reader_getline(ccg_reader *r, char **line, size_t *len)
{
    int err;
    if (r->batch)
        return ccg__batch_getline(r, line, len);
    for (;;) {
        char *nl = r->scan < r->end ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl || (r->eof && r->pos < r->end)) {
            size_t stop = nl ? (size_t)(nl - r->buf) : r->end;
            *line = r->buf + r->pos;
            *len = stop - r->pos;
            r->buf[stop] = '\0';
            r->pos = r->scan = nl ? stop + 1 : stop;
            if (*len > 0 && (*line)[*len - 1] == '\r')
                (*line)[--*len] = '\0';
            r->line++;
            return 1;
        }
        if (r->eof)
            return 0;
        r->scan = r->end;
        if (r->end - r->pos > CCG__MAX_RECORD)
            return ccg__reader_fatal(r, r->line + 1, CCG_ELIMIT, "line longer than %zu MB",
                                     CCG__MAX_RECORD >> 20);
        if ((err = fill(r)) < 0)
            return err;
    }
}

bool ccg__reader_at_last_line(const ccg_reader *r)
{
    return r->batch ? r->line_last : r->eof && r->pos == r->end;
}

long ccg__reader_read(ccg_reader *r, char *dst, size_t n)
{
    if (r->pos == r->end) {
        r->pos = r->end = r->scan = 0;
        int err = fill(r);
        if (err < 0)
            return err;
    }
    size_t k = r->end - r->pos;
    if (k > n)
        k = n;
    memcpy(dst, r->buf + r->pos, k);
    r->pos += k;
    r->scan = r->pos;
    return (long)k;
}

int ccg__reader_use(ccg_reader *r, const ccg__format_ops *ops, size_t state_size)
{
    if (!(r->state = ccg__calloc(1, state_size)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    r->ops = ops;
    return 0;
}

/* ---- diagnostics -------------------------------------------------------- */

static void set_msg(ccg_reader *r, unsigned long line, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

static void set_msg(ccg_reader *r, unsigned long line, const char *fmt, va_list ap)
{
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    r->msg_line = line;
}

int ccg__reader_bad(ccg_reader *r, unsigned long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(r, line, fmt, ap);
    va_end(ap);
    return ccg__err(CCG_EPARSE, "%s:%lu: %s", r->file, line, r->msg);
}

int ccg__reader_fatal(ccg_reader *r, unsigned long line, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(r, line, fmt, ap);
    va_end(ap);
    r->fatal = true;
    return ccg__err(err, "%s:%lu: %s", r->file, line, r->msg);
}

void ccg__reader_warn(ccg_reader *r, unsigned long line, const char *fmt, ...)
{
    if (!r->opts.diag)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->opts.diag(r->opts.diag_ud, CCG_DIAG_WARNING, r->file, line, msg);
}

/* ---- detection ---------------------------------------------------------- */

static bool starts(const char *s, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - s) >= n && memcmp(s, prefix, n) == 0;
}

static const char *next_line(const char *s, const char *end)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return nl ? nl + 1 : end;
}

/* Does the text hold a line "arXiv:YYMM.NNNN…" (the end of a listing record)? */
static bool has_listing_id(const char *s, const char *end)
{
    for (const char *p = s; p < end; p = next_line(p, end)) {
        char id[64];
        if (starts(p, end, "arXiv:") && end - p >= 15 && ccg__arxiv_id(p, 15, id))
            return true;
    }
    return false;
}

/* Is the first line a CSV header with Scopus column names? */
static bool scopus_header(const char *s, const char *end)
{
    const char *e = next_line(s, end);
    size_t n = (size_t)(e - s);
    char line[4096];
    if (n >= sizeof line)
        n = sizeof line - 1;
    memcpy(line, s, n);
    line[n] = '\0';
    return strchr(line, ',') && strstr(line, "Title") &&
           (strstr(line, "Authors") || strstr(line, "Abstract") || strstr(line, "Source title") ||
            strstr(line, "EID"));
}

/* The format of input that starts with s (BOM and leading blank space skipped). */
static int detect(ccg_reader *r, ccg_format *out)
{
    const char *s = r->buf + r->pos, *end = r->buf + r->end;
    if (memchr(s, '\0', (size_t)(end - s))) {
        if (end - s >= 2 && ((s[0] == '\xFF' && s[1] == '\xFE') || (s[0] == '\xFE' && s[1] == '\xFF')))
            return ccg__err(CCG_EFORMAT, "%s: UTF-16 text is not supported: convert it to UTF-8",
                            r->file);
        return ccg__err(CCG_EFORMAT, "%s: binary data, not a supported text format", r->file);
    }
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (s == end) {
        *out = CCG_FORMAT_TEXT; /* empty input: no records, in any format */
        return 0;
    }
    if (*s == '{') {
        /* JSON Lines: the first line is a whole object; a document spreads over lines */
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e && !r->eof) {
            *out = CCG_FORMAT_JSONL; /* a first line longer than the peek: one object per line */
            return 0;
        }
        if (!e)
            e = end;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        *out = e - s >= 2 && e[-1] == '}' ? CCG_FORMAT_JSONL : CCG_FORMAT_JSON;
        return 0;
    }
    if (*s == '[') {
        *out = CCG_FORMAT_JSON;
        return 0;
    }
    if (*s == '<') {
        *out = CCG_FORMAT_ATOM;
        return 0;
    }
    if (starts(s, end, "TY  -") || starts(s, end, "TY -")) {
        *out = CCG_FORMAT_RIS;
        return 0;
    }
    if (starts(s, end, "FN ") || starts(s, end, "PT ") || starts(s, end, "VR ")) {
        *out = CCG_FORMAT_WOS;
        return 0;
    }
    /* BibTeX: an @type{ or @type( at a line start, maybe after comments */
    for (const char *p = s; p < end; p = next_line(p, end)) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q == '@') {
            q++;
            const char *w = q;
            while (q < end && isalpha((unsigned char)*q))
                q++;
            while (q < end && isspace((unsigned char)*q))
                q++;
            if (q > w && q < end && (*q == '{' || *q == '(')) {
                *out = CCG_FORMAT_BIBTEX;
                return 0;
            }
        }
        if (p - s > 8192)
            break;
    }
    if (scopus_header(s, end)) {
        *out = CCG_FORMAT_SCOPUS_CSV;
        return 0;
    }
    *out = has_listing_id(s, end) ? CCG_FORMAT_ARXIV_LISTING : CCG_FORMAT_TEXT;
    return 0;
}

/* ---- open / next / free ------------------------------------------------- */

static int (*const openers[CCG_FORMAT_COUNT])(ccg_reader *) = {
    [CCG_FORMAT_ARXIV_LISTING] = ccg__open_arxiv,
    [CCG_FORMAT_JSONL] = ccg__open_jsonl,
    [CCG_FORMAT_JSON] = ccg__open_json,
    [CCG_FORMAT_ATOM] = ccg__open_atom,
    [CCG_FORMAT_BIBTEX] = ccg__open_bibtex,
    [CCG_FORMAT_RIS] = ccg__open_ris,
    [CCG_FORMAT_WOS] = ccg__open_wos,
    [CCG_FORMAT_SCOPUS_CSV] = ccg__open_scopus,
    [CCG_FORMAT_TEXT] = ccg__open_text,
};

int ccg_reader_open(ccg_reader **out, const char *path, const ccg_reader_options *opts)
{
    int err = 0, fd = -1;
    ccg_reader *r = NULL;
    if (!path || strcmp(path, "-") == 0)
        path = "-";
    if (opts && (unsigned)opts->format >= CCG_FORMAT_COUNT)
        return ccg__err(CCG_EINVAL, "invalid format");
    if (!(r = ccg__calloc(1, sizeof *r)) || !(r->file = ccg__strdup(path))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (opts)
        r->opts = *opts;
    fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY);
    if (fd < 0) {
        err = ccg__err(CCG_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto cleanup;
    }
    /* a terminal is typed into: no thread waits on it for lines nobody asked for yet */
    bool tty = isatty(fd);
    if ((err = ccg__input_open(&r->in, fd, r->file)) < 0)
        goto cleanup;
    while (!r->eof && r->end < PEEK)
        if ((err = fill(r)) < 0)
            goto cleanup;
    if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        r->pos = r->scan = 3; /* UTF-8 byte-order mark */
    r->format = r->opts.format;
    if (r->format == CCG_FORMAT_AUTO && (err = detect(r, &r->format)) < 0)
        goto cleanup;
    if ((err = openers[r->format](r)) < 0)
        goto cleanup;
    /*
     * JSON Lines records are independent lines: parsed by threads when asked
     * to, or when left to us (0) and the input is more than the first peek.
     */
    unsigned threads = ccg__reader_threads(&r->opts);
    if (r->format == CCG_FORMAT_JSONL && threads > 1 && (r->opts.threads > 1 || !r->eof) &&
        !tty && (err = ccg__pool_start(r, threads)) < 0)
        goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    ccg_reader_free(r);
    return err;
}

int ccg_reader_next(ccg_reader *r, ccg_record **rec)
{
    *rec = NULL;
    if (r->err)
        return r->err;
    if (r->pool)
        return ccg__pool_next(r, rec);
    for (;;) {
        r->fatal = false;
        int rc = r->ops->next(r, rec);
        if (rc == CCG_EPARSE && !r->fatal && !r->opts.strict) {
            r->skipped++;
            if (r->opts.diag)
                r->opts.diag(r->opts.diag_ud, CCG_DIAG_SKIPPED, r->file, r->msg_line, r->msg);
            continue;
        }
        if (rc < 0)
            r->err = rc;
        else if (rc > 0)
            r->n_records++;
        return rc;
    }
}

ccg_format ccg_reader_format(const ccg_reader *r) { return r->format; }

size_t ccg_reader_skipped(const ccg_reader *r) { return r->skipped; }

uint64_t ccg_reader_bytes(const ccg_reader *r) { return r->pool ? r->bytes_out : r->bytes; }

void ccg_reader_free(ccg_reader *r)
{
    if (!r)
        return;
    ccg__pool_free(r); /* first: its threads use the input and the format state */
    if (r->ops && r->ops->free)
        r->ops->free(r->state);
    ccg__input_free(r->in);
    free(r->buf);
    free(r->file);
    free(r);
}
