/*
 * read_scopus.c: Scopus CSV export (RFC 4180: quoted fields may hold commas,
 * doubled quotes and newlines). Columns are found by their header names,
 * so exports with any choice or order of columns read the same:
 *   Authors / Author full names, Title, Year, Source title, DOI, Abstract
 *   ("[No abstract available]" means none), Author Keywords, References
 *   (separated by "; "; the DOIs and arXiv ids in them become refs), EID.
 */
#include "read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_AUTHORS, C_FULLNAMES, C_TITLE, C_YEAR, C_SOURCE, C_DOI, C_ABSTRACT, C_KEYWORDS, C_REFS, C_EID, C_N };
static const char *const column_names[C_N] = {
    "Authors", "Author full names", "Title", "Year", "Source title", "DOI", "Abstract",
    "Author Keywords", "References", "EID",
};

typedef struct {
    ccg_buf row;        /* the raw row, lines joined with '\n' */
    ccg_buf fields;     /* the decoded fields, each NUL-terminated */
    size_t *offs;       /* field start offsets into fields */
    size_t n_offs, cap_offs;
    int col[C_N];       /* column index of each known column, -1 if absent */
    size_t n_columns;
    bool header_done;
} csv_state;

/* Number of quote characters in s (a row is complete when the total is even). */
static size_t quotes(const char *s, size_t n)
{
    size_t q = 0;
    for (const char *p = s; (p = memchr(p, '"', (size_t)(s + n - p))) != NULL; p++)
        q++;
    return q;
}

/* Splits a complete row into fields. */
static int split_row(csv_state *st, const char *s, size_t n)
{
    int err;
    ccg__buf_clear(&st->fields);
    st->n_offs = 0;
    size_t i = 0;
    for (;;) {
        if ((err = ccg__grow((void **)&st->offs, &st->cap_offs, st->n_offs + 1, sizeof *st->offs)) < 0)
            return err;
        st->offs[st->n_offs++] = st->fields.len;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                const char *q = memchr(s + i, '"', n - i);
                size_t e = q ? (size_t)(q - s) : n;
                if ((err = ccg__buf_add(&st->fields, s + i, e - i)) < 0)
                    return err;
                i = e + 1;
                if (i < n && s[i] == '"') { /* "" is a quote */
                    if ((err = ccg__buf_putc(&st->fields, '"')) < 0)
                        return err;
                    i++;
                    continue;
                }
                break;
            }
            while (i < n && s[i] != ',')
                i++; /* junk after the closing quote is dropped */
        } else {
            const char *c = memchr(s + i, ',', i < n ? n - i : 0);
            size_t e = c ? (size_t)(c - s) : n;
            if ((err = ccg__buf_add(&st->fields, s + i, e - i)) < 0)
                return err;
            i = e;
        }
        if ((err = ccg__buf_putc(&st->fields, '\0')) < 0)
            return err;
        if (i >= n)
            return 0;
        i++; /* the comma */
    }
}

static const char *field(csv_state *st, int c, size_t *len)
{
    int k = st->col[c];
    if (k < 0 || (size_t)k >= st->n_offs) {
        *len = 0;
        return "";
    }
    const char *f = st->fields.data + st->offs[k];
    *len = strlen(f);
    return f;
}

static int header(ccg_reader *r, csv_state *st)
{
    for (int c = 0; c < C_N; c++)
        st->col[c] = -1;
    for (size_t k = 0; k < st->n_offs; k++) {
        const char *f = st->fields.data + st->offs[k];
        while (*f == ' ')
            f++;
        for (int c = 0; c < C_N; c++)
            if (st->col[c] < 0 && strcmp(f, column_names[c]) == 0)
                st->col[c] = (int)k;
    }
    st->n_columns = st->n_offs;
    st->header_done = true;
    if (st->col[C_TITLE] < 0 && st->col[C_ABSTRACT] < 0)
        return ccg__reader_fatal(r, r->line, CCG_EPARSE,
                                 "CSV header has neither a 'Title' nor an 'Abstract' column");
    return 0;
}

/* Splits s at sep, calling push for each trimmed piece. */
static int each_piece(ccg_reader *r, ccg_record *rec, const char *s, size_t n, const char *sep,
                      char ***v, size_t *cnt)
{
    size_t seplen = strlen(sep);
    int err = 0;
    while (n > 0) {
        const char *e = s;
        while (e + seplen <= s + n && memcmp(e, sep, seplen) != 0)
            e++;
        if (e + seplen > s + n)
            e = s + n;
        size_t len = (size_t)(e - s);
        if (v)
            err = ccg__record_push(r, rec, v, cnt, s, len);
        else { /* a reference: keep the DOI or arXiv id it mentions */
            const char *d = NULL;
            for (const char *p = s; p + 3 < e && !d; p++)
                if (p[0] == '1' && p[1] == '0' && p[2] == '.' && (p == s || !isalnum((unsigned char)p[-1])))
                    d = p;
            const char *a = NULL;
            for (const char *p = s; p + 6 < e && !a; p++)
                if (strncmp(p, "arXiv:", 6) == 0)
                    a = p;
            const char *start = d ? d : a;
            if (start) {
                const char *q = start;
                while (q < e && !isspace((unsigned char)*q) && *q != ',')
                    q++;
                char id[64];
                if (d || ccg__arxiv_id(start, (size_t)(q - start), id))
                    err = ccg__record_push_ref(rec, start, (size_t)(q - start));
            }
        }
        if (err < 0)
            return err;
        if ((size_t)(e - s) + seplen > n)
            break;
        n -= (size_t)(e - s) + seplen;
        s = e + seplen;
    }
    return 0;
}

static int csv_next(ccg_reader *r, ccg_record **out)
{
    csv_state *st = r->state;
    char *line;
    size_t len;
    int rc;
    for (;;) {
        ccg__buf_clear(&st->row);
        unsigned long start = 0;
        size_t nquotes = 0;
        do {
            if ((rc = ccg__reader_getline(r, &line, &len)) < 0)
                return rc;
            if (rc == 0) {
                if (st->row.len)
                    return ccg__reader_fatal(r, start, CCG_EPARSE, "unterminated quoted field");
                return 0;
            }
            if (!start)
                start = r->line;
            if (st->row.len + len > CCG__MAX_RECORD)
                return ccg__reader_fatal(r, start, CCG_ELIMIT, "row longer than %zu MB",
                                         CCG__MAX_RECORD >> 20);
            if ((st->row.len && (rc = ccg__buf_putc(&st->row, '\n')) < 0) ||
                (rc = ccg__buf_add(&st->row, line, len)) < 0)
                return rc;
            nquotes += quotes(line, len);
        } while (nquotes % 2 != 0);
        if (st->row.len == 0)
            continue;
        if ((rc = split_row(st, st->row.data, st->row.len)) < 0)
            return rc;
        if (!st->header_done) {
            if ((rc = header(r, st)) < 0)
                return rc;
            continue;
        }
        if (st->n_offs != st->n_columns)
            return ccg__reader_bad(r, start, "row has %zu fields, the header %zu", st->n_offs,
                                   st->n_columns);
        ccg_record *rec = NULL;
        int err;
        size_t n;
        const char *f;
        if ((err = ccg__record_new(r, start, &rec)) < 0)
            return err;
        f = field(st, C_TITLE, &n);
        if ((err = ccg__record_text(r, rec, &rec->title, f, n)) < 0)
            goto fail;
        f = field(st, C_ABSTRACT, &n);
        if (strcmp(f, "[No abstract available]") != 0 &&
            (err = ccg__record_text(r, rec, &rec->abstract, f, n)) < 0)
            goto fail;
        f = field(st, C_SOURCE, &n);
        if ((err = ccg__record_text(r, rec, &rec->venue, f, n)) < 0)
            goto fail;
        f = field(st, C_DOI, &n);
        if ((err = ccg__record_set_doi(rec, f, n)) < 0)
            goto fail;
        f = field(st, C_YEAR, &n);
        rec->year = atoi(f);
        if (rec->year < 0 || rec->year > 9999)
            rec->year = 0;
        /* "Author full names" is "Doe, Ann (57190000001); …"; "Authors" is "Doe A.; …" or "Doe A., …" */
        f = field(st, C_FULLNAMES, &n);
        if (n) {
            if ((err = each_piece(r, rec, f, n, "; ", &rec->authors, &rec->n_authors)) < 0)
                goto fail;
            for (size_t k = 0; k < rec->n_authors; k++) {
                char *a = rec->authors[k], *p = strrchr(a, '(');
                if (p && p > a && p[-1] == ' ' && p[strlen(p) - 1] == ')')
                    p[-1] = '\0';
            }
        } else {
            f = field(st, C_AUTHORS, &n);
            if (strcmp(f, "[No author name available]") != 0 &&
                (err = each_piece(r, rec, f, n, memchr(f, ';', n) ? "; " : ", ", &rec->authors,
                                  &rec->n_authors)) < 0)
                goto fail;
        }
        f = field(st, C_KEYWORDS, &n);
        if ((err = each_piece(r, rec, f, n, "; ", &rec->categories, &rec->n_categories)) < 0)
            goto fail;
        f = field(st, C_REFS, &n);
        if ((err = each_piece(r, rec, f, n, "; ", NULL, NULL)) < 0)
            goto fail;
        f = field(st, C_EID, &n);
        return (err = ccg__record_finish(r, &rec, f)) < 0 ? err : (*out = rec, 1);
    fail:
        ccg_record_free(rec);
        return err;
    }
}

static void csv_free(void *p)
{
    csv_state *st = p;
    if (!st)
        return;
    ccg__buf_free(&st->row);
    ccg__buf_free(&st->fields);
    free(st->offs);
    free(st);
}

static const ccg__format_ops csv_ops = {csv_next, csv_free};

int ccg__open_scopus(ccg_reader *r)
{
    return ccg__reader_use(r, &csv_ops, sizeof(csv_state));
}
