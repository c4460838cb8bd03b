/*
 * read_bibtex.c: BibTeX entries.
 *
 *   @string{acl = "Proceedings of ACL"}
 *   @article{key, title = {The {LLaMA} Models}, author = "M{\"u}ller, Jan and
 *            Doe, Ann", year = 2024, month = may, booktitle = acl # " 2024",
 *            doi = {10.1/x}, eprint = {2409.14144}, archiveprefix = {arXiv}}
 *
 * Values are {braced}, "quoted" (braces inside balanced), numbers or
 * @string macros (jan…dec predefined), joined with #. Text outside entries
 * is a comment, as are @comment entries; @preamble is ignored. An entry is
 * read whole (it ends where its braces balance) and then parsed; one left
 * open at the end of the input is an error (its braces swallowed the rest).
 */
#include "read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *name, *value;
} macro;

#define MAX_MACROS 4096

typedef struct {
    ccg_buf entry;        /* the entry being collected, from its '@' */
    macro *macros;
    size_t n_macros;
    ccg_buf carry;        /* text after the end of the last entry on its line */
    size_t carry_pos;     /* where the unread part of carry begins */
    size_t scan;          /* entry_end: where to resume, 0 = from the start */
    int depth;            /* entry_end: brace depth at scan */
    char close;           /* entry_end: the closing delimiter, '}' or ')' */
    unsigned long carry_line;
} bib_state;

/* A field value, macros expanded, '#' pieces concatenated (braces kept: LaTeX cleanup drops them). */
static int parse_value(bib_state *st, const char *s, size_t n, size_t *i, ccg_buf *out)
{
    int err = 0;
    for (;;) {
        while (*i < n && isspace((unsigned char)s[*i]))
            (*i)++;
        if (*i >= n)
            return CCG_EPARSE;
        char c = s[*i];
        if (c == '{' || c == '"') {
            int depth = 0;
            size_t start = ++(*i);
            for (; *i < n; (*i)++) {
                if (s[*i] == '\\' && *i + 1 < n) {
                    (*i)++;
                    continue;
                }
                if (s[*i] == '{')
                    depth++;
                else if (s[*i] == '}' && depth > 0)
                    depth--;
                else if (depth == 0 && s[*i] == (c == '{' ? '}' : '"'))
                    break;
            }
            if (*i >= n)
                return CCG_EPARSE;
            if ((err = ccg__buf_add(out, s + start, *i - start)) < 0)
                return err;
            (*i)++;
        } else if (isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':') {
            size_t start = *i;
            while (*i < n && (isalnum((unsigned char)s[*i]) || strchr("_-.:+/", s[*i])))
                (*i)++;
            size_t len = *i - start;
            const char *val = NULL;
            for (size_t k = 0; k < st->n_macros && !val; k++)
                if (strlen(st->macros[k].name) == len && strncasecmp(st->macros[k].name, s + start, len) == 0)
                    val = st->macros[k].value;
            static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
            char num[4];
            for (int k = 0; k < 12 && !val; k++)
                if (len == 3 && strncasecmp(months[k], s + start, 3) == 0) {
                    snprintf(num, sizeof num, "%d", k + 1);
                    val = num;
                }
            if ((err = val ? ccg__buf_puts(out, val) : ccg__buf_add(out, s + start, len)) < 0)
                return err;
        } else {
            return CCG_EPARSE;
        }
        while (*i < n && isspace((unsigned char)s[*i]))
            (*i)++;
        if (*i < n && s[*i] == '#') {
            (*i)++;
            continue;
        }
        return 0;
    }
}

/* Line of byte offset off within an entry that started at line start. */
static unsigned long line_at(const char *s, size_t off, unsigned long start)
{
    for (size_t k = 0; k < off; k++)
        start += s[k] == '\n';
    return start;
}

/* Splits "A and B and {C and D}" at " and " outside braces. */
static int authors(ccg_reader *r, ccg_record *rec, const char *s, size_t n)
{
    int depth = 0, err = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] == '{')
            depth++;
        else if (i < n && s[i] == '}' && depth > 0)
            depth--;
        bool sep = i < n && depth == 0 && isspace((unsigned char)s[i]) && i + 4 < n &&
                   strncasecmp(s + i + 1, "and", 3) == 0 && isspace((unsigned char)s[i + 4]);
        if (sep || i == n) {
            if ((err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors, s + start,
                                        i - start)) < 0)
                return err;
            if (sep) {
                i += 4;
                start = i + 1;
            }
        }
    }
    return 0;
}

static int month_of(const char *v)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
    int m = atoi(v);
    if (m >= 1 && m <= 12)
        return m;
    for (int k = 0; k < 12; k++)
        if (strncasecmp(v, names[k], 3) == 0)
            return k + 1;
    return 0;
}

/* Parses one collected entry "@type{key, field = value, ...}". */
static int parse_entry(ccg_reader *r, bib_state *st, const char *s, size_t n, unsigned long line,
                       ccg_record **out)
{
    size_t i = 1, ts = 1;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    size_t tlen = i - ts;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    char close = s[i] == '(' ? ')' : '}';
    i++;
    if (tlen == 7 && strncasecmp(s + ts, "comment", 7) == 0)
        return 0;
    if (tlen == 8 && strncasecmp(s + ts, "preamble", 8) == 0)
        return 0;
    bool is_string = tlen == 6 && strncasecmp(s + ts, "string", 6) == 0;
    ccg_record *rec = NULL;
    ccg_buf val = CCG_BUF_INIT;
    char *key = NULL, *eprint = NULL, *archive = NULL, *month = NULL;
    int err = 0;
    if (!is_string) {
        /* the citation key */
        size_t ks = i;
        while (i < n && s[i] != ',' && s[i] != close)
            i++;
        while (ks < i && isspace((unsigned char)s[ks]))
            ks++;
        size_t ke = i;
        while (ke > ks && isspace((unsigned char)s[ke - 1]))
            ke--;
        if (!(key = ccg__strndup(s + ks, ke - ks))) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        if ((err = ccg__record_new(r, line, &rec)) < 0)
            goto cleanup;
        if (i < n && s[i] == ',')
            i++;
    }
    for (;;) {
        while (i < n && (isspace((unsigned char)s[i]) || s[i] == ','))
            i++;
        if (i >= n || s[i] == close)
            break;
        size_t fs = i;
        while (i < n && (isalnum((unsigned char)s[i]) || strchr("_-:.+", s[i])))
            i++;
        size_t flen = i - fs;
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (flen == 0 || i >= n || s[i] != '=') {
            err = ccg__reader_bad(r, line_at(s, i, line), "expected 'field = value' in entry %s",
                                  key ? key : "@string");
            goto cleanup;
        }
        i++;
        ccg__buf_clear(&val);
        if ((err = parse_value(st, s, n, &i, &val)) < 0) {
            if (err == CCG_EPARSE)
                err = ccg__reader_bad(r, line_at(s, i, line), "bad value for field '%.*s'",
                                      (int)flen, s + fs);
            goto cleanup;
        }
        const char *f = s + fs;
        const char *v = val.data ? val.data : "";
#define FIELD(name) (flen == strlen(name) && strncasecmp(f, name, flen) == 0)
        if (is_string) {
            if (st->n_macros >= MAX_MACROS) { /* lookups are linear: keep them cheap */
                err = ccg__reader_bad(r, line, "more than %d @string macros", MAX_MACROS);
                goto cleanup;
            }
            macro *nm = ccg__realloc(st->macros, (st->n_macros + 1) * sizeof *nm);
            if (!nm) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
            st->macros = nm;
            nm[st->n_macros].name = ccg__strndup(f, flen);
            nm[st->n_macros].value = ccg__strdup(v);
            if (!nm[st->n_macros].name || !nm[st->n_macros].value) {
                free(nm[st->n_macros].name);
                free(nm[st->n_macros].value);
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto cleanup;
            }
            st->n_macros++;
        } else if (FIELD("title")) {
            err = ccg__record_text(r, rec, &rec->title, v, val.len);
        } else if (FIELD("abstract")) {
            err = ccg__record_text(r, rec, &rec->abstract, v, val.len);
        } else if (FIELD("author")) {
            err = authors(r, rec, v, val.len);
        } else if (FIELD("year")) {
            rec->year = atoi(v);
        } else if (FIELD("month")) {
            free(month);
            err = (month = ccg__strdup(v)) ? 0 : ccg__err(CCG_ENOMEM, "out of memory");
        } else if (FIELD("doi")) {
            err = ccg__record_set_doi(rec, v, val.len);
        } else if (FIELD("eprint")) {
            free(eprint);
            err = (eprint = ccg__strdup(v)) ? 0 : ccg__err(CCG_ENOMEM, "out of memory");
        } else if (FIELD("archiveprefix") || FIELD("eprinttype")) {
            free(archive);
            err = (archive = ccg__strdup(v)) ? 0 : ccg__err(CCG_ENOMEM, "out of memory");
        } else if (FIELD("journal") || FIELD("booktitle") || FIELD("journaltitle")) {
            err = ccg__record_text(r, rec, &rec->venue, v, val.len);
        } else if (FIELD("keywords")) {
            for (const char *p = v; *p;) {
                size_t k = strcspn(p, ",;");
                if ((err = ccg__record_push(r, rec, &rec->categories, &rec->n_categories, p, k)) < 0)
                    break;
                p += k;
                p += *p != '\0';
            }
        }
#undef FIELD
        if (err < 0)
            goto cleanup;
    }
    if (is_string)
        goto cleanup;
    if (month)
        rec->month = month_of(month);
    if (rec->year < 0 || rec->year > 9999)
        rec->year = 0;
    if (!rec->year)
        rec->month = 0;
    /* an eprint is an arXiv id unless archivePrefix names another archive */
    if (eprint && (!archive || strcasecmp(archive, "arxiv") == 0) &&
        (err = ccg__record_set_arxiv(rec, eprint, strlen(eprint))) < 0)
        goto cleanup;
    if ((err = ccg__record_finish(r, &rec, key)) < 0)
        goto cleanup;
    *out = rec;
    rec = NULL;
    err = 1;
cleanup:
    ccg_record_free(rec);
    ccg__buf_free(&val);
    free(key);
    free(eprint);
    free(archive);
    free(month);
    return err;
}

/*
 * Where the entry collected so far ends: just past its closing brace, or 0
 * while it is still open. The scan resumes where the last call stopped
 * (st->scan, st->depth), so an entry of many lines costs linear time.
 */
static size_t entry_end(bib_state *st, const char *s, size_t n)
{
    size_t i = st->scan;
    if (i == 0) { /* "@type" and the opening delimiter */
        i = 1;
        while (i < n && isalpha((unsigned char)s[i]))
            i++;
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        if (i >= n)
            return 0;
        st->close = s[i] == '(' ? ')' : '}';
        st->depth = 1;
        i++;
    }
    for (; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
        } else if (s[i] == '{') {
            st->depth++;
        } else if (s[i] == st->close && st->depth == 1) {
            st->scan = 0;
            return i + 1;
        } else if (s[i] == '}') {
            st->depth--;
        }
    }
    st->scan = i;
    return 0;
}

/* Offset of the next "@word{" or "@word(" in s, or n. */
static size_t find_at(const char *s, size_t n)
{
    for (const char *p = s; (p = memchr(p, '@', (size_t)(s + n - p))) != NULL; p++) {
        const char *q = p + 1;
        while (q < s + n && isalpha((unsigned char)*q))
            q++;
        const char *w = q;
        while (q < s + n && isspace((unsigned char)*q))
            q++;
        if (w > p + 1 && q < s + n && (*q == '{' || *q == '('))
            return (size_t)(p - s);
    }
    return n;
}

/*
 * The next entry. Text after an entry on its last line is kept in carry
 * (from carry_pos), so a line holding many entries is read in linear time;
 * only an entry spanning lines is copied, into entry.
 */
static int bib_next(ccg_reader *r, ccg_record **out)
{
    bib_state *st = r->state;
    int rc;
    for (;;) {
        const char *src;
        size_t srclen;
        char *line;
        size_t len;
        unsigned long start;
        bool from_carry = st->carry_pos < st->carry.len;
        if (from_carry) {
            src = st->carry.data + st->carry_pos;
            srclen = st->carry.len - st->carry_pos;
            start = st->carry_line;
        } else {
            if ((rc = ccg__reader_getline(r, &line, &len)) <= 0)
                return rc;
            src = line;
            srclen = len;
            start = r->line;
        }
        size_t at = find_at(src, srclen);
        if (at == srclen) { /* text between entries is a comment */
            ccg__buf_clear(&st->carry);
            st->carry_pos = 0;
            continue;
        }
        src += at;
        srclen -= at;
        st->scan = 0;
        size_t end = entry_end(st, src, srclen);
        if (end) { /* the entry ends on this line */
            if (from_carry) {
                st->carry_pos += at + end;
            } else {
                ccg__buf_clear(&st->carry);
                st->carry_pos = 0;
                st->carry_line = r->line;
                if ((rc = ccg__buf_add(&st->carry, src + end, srclen - end)) < 0)
                    return rc;
            }
            if ((rc = parse_entry(r, st, src, end, start, out)) != 0)
                return rc;
            continue;
        }
        ccg__buf_clear(&st->entry);
        if ((rc = ccg__buf_add(&st->entry, src, srclen)) < 0 ||
            (rc = ccg__buf_putc(&st->entry, '\n')) < 0)
            return rc;
        ccg__buf_clear(&st->carry);
        st->carry_pos = 0;
        while ((end = entry_end(st, st->entry.data, st->entry.len)) == 0) {
            if ((rc = ccg__reader_getline(r, &line, &len)) < 0)
                return rc;
            if (rc == 0)
                return ccg__reader_fatal(r, start, CCG_EPARSE,
                                         "unterminated entry: its braces are never closed");
            if (st->entry.len + len > CCG__MAX_RECORD)
                return ccg__reader_fatal(r, start, CCG_ELIMIT, "entry longer than %zu MB",
                                         CCG__MAX_RECORD >> 20);
            if ((rc = ccg__buf_add(&st->entry, line, len)) < 0 ||
                (rc = ccg__buf_putc(&st->entry, '\n')) < 0)
                return rc;
        }
        /* what follows the entry on its last line may start another entry */
        if (end < st->entry.len) {
            if ((rc = ccg__buf_add(&st->carry, st->entry.data + end, st->entry.len - end)) < 0)
                return rc;
            st->carry_line = r->line;
        }
        if ((rc = parse_entry(r, st, st->entry.data, end, start, out)) != 0)
            return rc;
    }
}

static void bib_free(void *p)
{
    bib_state *st = p;
    if (!st)
        return;
    for (size_t k = 0; k < st->n_macros; k++) {
        free(st->macros[k].name);
        free(st->macros[k].value);
    }
    free(st->macros);
    ccg__buf_free(&st->entry);
    ccg__buf_free(&st->carry);
    free(st);
}

static const ccg__format_ops bib_ops = {bib_next, bib_free};

int ccg__open_bibtex(ccg_reader *r)
{
    return ccg__reader_use(r, &bib_ops, sizeof(bib_state));
}
