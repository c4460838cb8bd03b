/*
 * read_arxiv.c: arXiv listing text, as copied from an arXiv listing page:
 *
 *   <abstract line(s)>
 *   <comment line(s)>            optional: "15 pages, 4 figures", "Accepted by …"
 *   arXiv:2409.14144<next abstract…>
 *
 * The "arXiv:ID" line ends a record and may run straight into the next
 * abstract with no newline; the id's length says where it stops (YYMM.NNNN
 * before 2015, YYMM.NNNNN since), plus an optional version "v2".
 *
 * Abstract or comment? Abstracts are sentences: their last line ends with
 * ".", "!" or "?", or (pasted from the page) the abstract is one long line.
 * Comments are short notes that rarely end a sentence, or begin with a
 * telling word ("Accepted", "To appear", "12 pages"). The comment is the
 * earliest run of trailing lines that all look like comments and follows a
 * line that ends the abstract; failing that, there is no comment.
 */
#include "read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Comment lines are short; an unwrapped abstract is longer than this. */
#define COMMENT_MAX 160

typedef struct {
    ccg_buf text;          /* the record's lines, each ending in '\n' */
    unsigned long start;   /* line where the record began (0: none yet) */
} listing_state;

/* Length of "arXiv:ID[vN]" at s, and the id in id[]; 0 if s does not start with one. */
static size_t listing_id(const char *s, size_t n, char id[64])
{
    if (n < 6 || strncmp(s, "arXiv:", 6) != 0)
        return 0;
    size_t i = 6;
    if (n >= i + 9 && isdigit((unsigned char)s[i]) && s[i + 4] == '.') {
        int yy = (s[i] - '0') * 10 + (s[i + 1] - '0');
        size_t len = 5 + (yy >= 15 && yy < 91 ? 5 : 4);
        if (n < i + len || !ccg__arxiv_id(s + i, len, id))
            return 0;
        i += len;
    } else { /* old style: arXiv:hep-th/9901001 */
        size_t k = i;
        while (k < n && (isalpha((unsigned char)s[k]) || s[k] == '-' || s[k] == '.'))
            k++;
        if (k == i || k + 8 > n || s[k] != '/' || !ccg__arxiv_id(s + i, k + 8 - i, id))
            return 0;
        i = k + 8;
    }
    if (i + 1 < n && s[i] == 'v' && isdigit((unsigned char)s[i + 1])) {
        i++;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    return i;
}

static bool ends_sentence(const char *s, size_t n)
{
    while (n > 0 && (isspace((unsigned char)s[n - 1]) || strchr(")]\"'", s[n - 1])))
        n--;
    while (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
           ((unsigned char)s[n - 1] == 0x99 || (unsigned char)s[n - 1] == 0x9D))
        n -= 3; /* closing curly quotes */
    return n > 0 && strchr(".!?", s[n - 1]);
}

static bool comment_lead(const char *s, size_t n)
{
    static const char *const leads[] = {
        "Accepted", "accepted", "To appear", "to appear", "Published", "Submitted",
        "Under review", "Camera-ready", "Camera ready", "Work in progress", "Preprint",
        "Extended version", "Journal version", "In Proceedings", "Proceedings",
        "Oral", "Spotlight", "Poster", "Withdrawn", "Revised", "Final version",
    };
    for (size_t k = 0; k < sizeof leads / sizeof *leads; k++) {
        size_t l = strlen(leads[k]);
        if (n >= l && strncmp(s, leads[k], l) == 0)
            return true;
    }
    /* "15 pages", "5 figures", "3 tables" */
    size_t i = 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == 0)
        return false;
    while (i < n && s[i] == ' ')
        i++;
    return (n - i >= 4 && (strncmp(s + i, "page", 4) == 0 || strncmp(s + i, "figure", 6) == 0 ||
                           strncmp(s + i, "table", 5) == 0 || strncmp(s + i, "pp", 2) == 0));
}

static bool comment_like(const char *s, size_t n)
{
    return comment_lead(s, n) || (n <= COMMENT_MAX && !ends_sentence(s, n));
}

/* Splits the record's lines into abstract and comment and fills rec. */
static int build(ccg_reader *r, ccg_record *rec, char *text, size_t len)
{
    const char *lines[256];
    size_t lens[256], n = 0;
    for (char *p = text; p < text + len && n < 256;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        lines[n] = p;
        lens[n++] = (size_t)(nl - p);
        p = nl + 1;
    }
    size_t k = n; /* first comment line; n = no comment */
    for (size_t c = 1; c < n && k == n; c++) {
        if (!ends_sentence(lines[c - 1], lens[c - 1]) && lens[c - 1] <= COMMENT_MAX)
            continue;
        bool all = true;
        for (size_t j = c; j < n && all; j++)
            all = comment_like(lines[j], lens[j]);
        if (all)
            k = c;
    }
    const char *cstart = k < n ? lines[k] : text + len;
    int err = ccg__record_text(r, rec, &rec->abstract, text, (size_t)(cstart - text));
    if (err == 0 && k < n)
        err = ccg__record_text(r, rec, &rec->venue, cstart, (size_t)(text + len - cstart));
    return err;
}

static int listing_next(ccg_reader *r, ccg_record **out)
{
    listing_state *st = r->state;
    char *line;
    size_t len;
    int rc;
    while ((rc = ccg__reader_getline(r, &line, &len)) > 0) {
        char id[64];
        size_t idlen = listing_id(line, len, id);
        if (!idlen) {
            size_t k = 0;
            while (k < len && isspace((unsigned char)line[k]))
                k++;
            if (k == len)
                continue; /* blank lines carry nothing */
            if (st->text.len + len > CCG__MAX_RECORD)
                return ccg__reader_fatal(r, st->start, CCG_ELIMIT, "record longer than %zu MB",
                                         CCG__MAX_RECORD >> 20);
            if (!st->start)
                st->start = r->line;
            if ((rc = ccg__buf_add(&st->text, line, len)) < 0 ||
                (rc = ccg__buf_putc(&st->text, '\n')) < 0)
                return rc;
            continue;
        }
        unsigned long start = st->start ? st->start : r->line;
        ccg_record *rec = NULL;
        int err = 0;
        /* the next abstract may be glued to the id: it begins the next record */
        ccg_buf rest = CCG_BUF_INIT;
        if (idlen < len && ((err = ccg__buf_add(&rest, line + idlen, len - idlen)) < 0 ||
                            (err = ccg__buf_putc(&rest, '\n')) < 0))
            goto done;
        if (st->text.len == 0) {
            err = ccg__reader_bad(r, r->line, "arXiv:%s has no abstract before it", id);
        } else if ((err = ccg__record_new(r, start, &rec)) == 0 &&
                   (err = build(r, rec, st->text.data, st->text.len)) == 0 &&
                   (err = ccg__record_set_arxiv(rec, id, strlen(id))) >= 0) {
            err = ccg__record_finish(r, &rec, NULL);
        }
    done:
        ccg__buf_free(&st->text);
        st->text = rest;
        st->start = rest.len ? r->line : 0;
        if (err < 0) {
            ccg_record_free(rec);
            return err;
        }
        *out = rec;
        return 1;
    }
    if (rc < 0)
        return rc;
    if (st->text.len) {
        unsigned long start = st->start;
        ccg__buf_clear(&st->text);
        st->start = 0;
        return ccg__reader_bad(r, start, "abstract without an arXiv:ID line after it");
    }
    return 0;
}

static void listing_free(void *p)
{
    listing_state *st = p;
    if (st)
        ccg__buf_free(&st->text);
    free(st);
}

static const ccg__format_ops listing_ops = {listing_next, listing_free};

int ccg__open_arxiv(ccg_reader *r)
{
    return ccg__reader_use(r, &listing_ops, sizeof(listing_state));
}
