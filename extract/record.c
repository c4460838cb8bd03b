/*
 * record.c: paper records: freeing, the text extraction reads, the JSON
 * Lines form `ccgraph read` writes, and the helpers readers build them with.
 */
#include "read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Frees the abstract, and the text it lies in if it does. */
static void abstract_free(ccg_record *rec)
{
    if (rec->text)
        free(rec->text);
    else
        free(rec->abstract);
    rec->text = rec->abstract = NULL;
}

void ccg_record_free(ccg_record *rec)
{
    if (!rec)
        return;
    ccg__prepared_free(rec->prepared); /* it may read text in place */
    rec->prepared = NULL;
    free(rec->id);
    free(rec->title);
    abstract_free(rec);
    strv_free(rec->authors, rec->n_authors);
    free(rec->venue);
    free(rec->doi);
    free(rec->arxiv_id);
    strv_free(rec->refs, rec->n_refs);
    strv_free(rec->categories, rec->n_categories);
    free(rec);
}

const char *ccg__record_joined(const ccg_record *rec, size_t *len)
{
    if (!rec->title || !rec->abstract) { /* one of them is the text */
        const char *t = rec->title ? rec->title : rec->abstract;
        if (t)
            *len = strlen(t);
        return t;
    }
    size_t tl = strlen(rec->title);
    /* a title changed since the text was made makes it stale */
    if (!rec->text || (uintptr_t)rec->abstract - (uintptr_t)rec->text != tl + 2 ||
        memcmp(rec->text, rec->title, tl) != 0)
        return NULL;
    *len = tl + 2 + strlen(rec->abstract);
    return rec->text;
}

char *ccg_record_text(const ccg_record *rec, size_t *len)
{
    const char *t = rec->title ? rec->title : "";
    const char *a = rec->abstract ? rec->abstract : "";
    size_t tl = strlen(t), al = strlen(a);
    const char *sep = tl && al ? "\n\n" : "";
    size_t n = tl + strlen(sep) + al;
    char *s = ccg__malloc(n + 1);
    if (!s) {
        ccg__err(CCG_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(s, t, tl);
    memcpy(s + tl, sep, strlen(sep));
    memcpy(s + tl + strlen(sep), a, al);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

/* ---- JSON output --------------------------------------------------------- */

/* A JSON string; UTF-8 stays as is (the text is valid UTF-8 by construction). */
static int json_str(ccg_buf *b, const char *s)
{
    int err = ccg__buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    while (err == 0 && *p) {
        const unsigned char *run = p;
        for (uint64_t w; end - p >= 8; p += 8) { /* most bytes need no escape */
            memcpy(&w, p, 8);
            if (ccg__bytes_below(w, 0x20) | ccg__bytes_eq(w, '"') | ccg__bytes_eq(w, '\\') |
                ccg__bytes_eq(w, 0xE2))
                break;
        }
        while (*p >= 0x20 && *p != '"' && *p != '\\' &&
               !(p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)))
            p++;
        if (p > run && (err = ccg__buf_add(b, (const char *)run, (size_t)(p - run))) < 0)
            break;
        if (!*p)
            break;
        char esc[8];
        switch (*p) {
        case '"': err = ccg__buf_add(b, "\\\"", 2); break;
        case '\\': err = ccg__buf_add(b, "\\\\", 2); break;
        case '\n': err = ccg__buf_add(b, "\\n", 2); break;
        case '\t': err = ccg__buf_add(b, "\\t", 2); break;
        case '\r': err = ccg__buf_add(b, "\\r", 2); break;
        case 0xE2: /* U+2028/2029 break JavaScript string literals: escape them */
            snprintf(esc, sizeof esc, "\\u%04x", p[2] == 0xA8 ? 0x2028 : 0x2029);
            err = ccg__buf_add(b, esc, 6);
            p += 2;
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            err = ccg__buf_add(b, esc, 6);
        }
        p++;
    }
    return err ? err : ccg__buf_putc(b, '"');
}

static int json_key(ccg_buf *b, const char *key)
{
    int err = b->len > 1 ? ccg__buf_putc(b, ',') : 0;
    if (err == 0 && (err = ccg__buf_putc(b, '"')) == 0 && (err = ccg__buf_puts(b, key)) == 0)
        err = ccg__buf_add(b, "\":", 2);
    return err;
}

static int json_str_field(ccg_buf *b, const char *key, const char *v)
{
    int err;
    if (!v)
        return 0;
    if ((err = json_key(b, key)) < 0)
        return err;
    return json_str(b, v);
}

static int json_strv_field(ccg_buf *b, const char *key, char **v, size_t n)
{
    int err;
    if (n == 0)
        return 0;
    if ((err = json_key(b, key)) < 0 || (err = ccg__buf_putc(b, '[')) < 0)
        return err;
    for (size_t i = 0; i < n; i++)
        if ((i && (err = ccg__buf_putc(b, ',')) < 0) || (err = json_str(b, v[i])) < 0)
            return err;
    return ccg__buf_putc(b, ']');
}

int ccg_record_to_json(const ccg_record *rec, char **out)
{
    ccg_buf b = CCG_BUF_INIT;
    int err = 0;
    *out = NULL;
    /* room for the usual record at once: its text, keys and a few escapes */
    size_t guess = 256 + (rec->title ? strlen(rec->title) : 0) +
                   (rec->abstract ? strlen(rec->abstract) * 17 / 16 : 0);
    if ((err = ccg__buf_reserve(&b, guess)) < 0 || (err = ccg__buf_putc(&b, '{')) < 0 ||
        (err = json_str_field(&b, "id", rec->id)) < 0 ||
        (err = json_str_field(&b, "title", rec->title)) < 0 ||
        (err = json_str_field(&b, "abstract", rec->abstract)) < 0)
        goto cleanup;
    if (rec->year && ((err = json_key(&b, "year")) < 0 || (err = ccg__buf_printf(&b, "%d", rec->year)) < 0))
        goto cleanup;
    if (rec->month && ((err = json_key(&b, "month")) < 0 || (err = ccg__buf_printf(&b, "%d", rec->month)) < 0))
        goto cleanup;
    if ((err = json_strv_field(&b, "authors", rec->authors, rec->n_authors)) < 0 ||
        (err = json_str_field(&b, "venue", rec->venue)) < 0 ||
        (err = json_str_field(&b, "doi", rec->doi)) < 0 ||
        (err = json_str_field(&b, "arxiv_id", rec->arxiv_id)) < 0 ||
        (err = json_strv_field(&b, "categories", rec->categories, rec->n_categories)) < 0 ||
        (err = json_strv_field(&b, "refs", rec->refs, rec->n_refs)) < 0 ||
        (err = json_str_field(&b, "format", ccg_format_name(rec->format))) < 0 ||
        (err = ccg__buf_putc(&b, '}')) < 0)
        goto cleanup;
    *out = ccg__buf_detach(&b);
    if (!*out)
        err = ccg__err(CCG_ENOMEM, "out of memory");
cleanup:
    ccg__buf_free(&b);
    return err;
}

/* ---- building ------------------------------------------------------------ */

int ccg__record_new(ccg_reader *r, unsigned long line, ccg_record **out)
{
    ccg_record *rec = ccg__calloc(1, sizeof *rec);
    if (!rec)
        return ccg__err(CCG_ENOMEM, "out of memory");
    rec->format = r->format;
    rec->file = r->file;
    rec->line = line;
    *out = rec;
    return 0;
}

int ccg__record_text(ccg_reader *r, ccg_record *rec, char **field, const char *s, size_t n)
{
    /*
     * Cleaned straight into the field's own memory, not into a scratch
     * buffer and copied: a clean text is hardly ever much shorter than its
     * input, and the copy was the second write of every abstract. An
     * abstract read after its title goes after a copy of it and "\n\n" (the
     * record's text): extraction reads that in place instead of a copy of
     * title and abstract, which was kept as long as its results.
     */
    bool joined = field == &rec->abstract && rec->title;
    size_t pre = joined ? strlen(rec->title) + 2 : 0;
    ccg_buf b = {ccg__malloc(pre + CCG__TEXT_ROOM(n)), pre, pre + CCG__TEXT_ROOM(n)};
    ccg_text_report rep;
    int err;
    if (!b.data)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (joined) {
        memcpy(b.data, rec->title, pre - 2);
        memcpy(b.data + pre - 2, "\n\n", 2);
    }
    if ((err = ccg__text_clean_append(s, n, &b, &rep)) < 0) {
        ccg__buf_free(&b);
        return err;
    }
    if (rep.repaired_utf8)
        ccg__reader_warn(r, rec->line, "invalid UTF-8 replaced by U+FFFD");
    if (field == &rec->abstract)
        abstract_free(rec);
    else
        free(*field);
    *field = NULL;
    if (b.len == pre) {
        ccg__buf_free(&b);
        return 0;
    }
    if (b.cap - b.len > 64 + b.len / 8) { /* markup went: give the rest back (or keep it) */
        char *t = ccg__realloc(b.data, b.len + 1);
        if (t)
            b.data = t;
    }
    *field = b.data + pre;
    if (joined)
        rec->text = b.data;
    return 0;
}

int ccg__strv_push(char ***v, size_t *n, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    char **nv = ccg__realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return ccg__err(CCG_ENOMEM, "out of memory");
    *v = nv;
    if (!(nv[*n] = ccg__strndup(s, len)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    (*n)++;
    return 0;
}

int ccg__record_push(ccg_reader *r, ccg_record *rec, char ***v, size_t *n, const char *s,
                     size_t len)
{
    /* every reader adds these two through here: one test serves every format */
    if ((v == &rec->authors && (r->opts.omit & CCG_FIELD_AUTHORS)) ||
        (v == &rec->categories && (r->opts.omit & CCG_FIELD_CATEGORIES)))
        return 0;
    char *t = NULL;
    int err = ccg__record_text(r, rec, &t, s, len);
    if (err < 0 || !t)
        return err;
    char **nv = ccg__realloc(*v, (*n + 1) * sizeof **v);
    if (!nv) {
        free(t);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    *v = nv;
    nv[(*n)++] = t; /* the cleaned copy itself: no second one */
    return 0;
}

int ccg__record_push_ref(ccg_record *rec, const char *s, size_t n)
{
    char id[64];
    bool nomem;
    int err;
    if (ccg__arxiv_id(s, n, id))
        return ccg__strv_push(&rec->refs, &rec->n_refs, id, strlen(id));
    char *doi = ccg__doi_norm(s, n, &nomem);
    if (nomem)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (!doi)
        return ccg__strv_push(&rec->refs, &rec->n_refs, s, n);
    /* the arXiv DOI of a paper names the same work as its arXiv id */
    if (strncmp(doi, "10.48550/arxiv.", 15) == 0 && ccg__arxiv_id(doi + 15, strlen(doi + 15), id))
        err = ccg__strv_push(&rec->refs, &rec->n_refs, id, strlen(id));
    else
        err = ccg__strv_push(&rec->refs, &rec->n_refs, doi, strlen(doi));
    free(doi);
    return err;
}

int ccg__record_set_doi(ccg_record *rec, const char *s, size_t n)
{
    bool nomem;
    char *d = ccg__doi_norm(s, n, &nomem);
    if (nomem)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (d) {
        free(rec->doi);
        rec->doi = d;
    }
    return 0;
}

int ccg__record_set_arxiv(ccg_record *rec, const char *s, size_t n)
{
    char id[64];
    if (!ccg__arxiv_id(s, n, id))
        return 0;
    char *d = ccg__strdup(id);
    if (!d)
        return ccg__err(CCG_ENOMEM, "out of memory");
    free(rec->arxiv_id);
    rec->arxiv_id = d;
    return 1;
}

int ccg__record_default_id(ccg_reader *r, ccg_record *rec)
{
    char n[32];
    snprintf(n, sizeof n, "%lu", r->n_records + r->skipped + 1);
    size_t len = strlen(r->file) + strlen(n) + 2;
    if (!(rec->id = ccg__malloc(len)))
        return ccg__err(CCG_ENOMEM, "out of memory");
    snprintf(rec->id, len, "%s:%s", r->file, n);
    return 0;
}

int ccg__record_finish(ccg_reader *r, ccg_record **recp, const char *own_id)
{
    ccg_record *rec = *recp;
    int err = 0;
    /* arXiv registers a DOI for every paper: 10.48550/arXiv.2409.14144 */
    if (!rec->arxiv_id && rec->doi && strncmp(rec->doi, "10.48550/arxiv.", 15) == 0 &&
        (err = ccg__record_set_arxiv(rec, rec->doi + 15, strlen(rec->doi + 15))) < 0)
        goto fail;
    if (rec->arxiv_id && rec->year == 0)
        ccg__arxiv_date(rec->arxiv_id, &rec->year, &rec->month);
    if (!rec->title && !rec->abstract) {
        err = ccg__reader_bad(r, rec->line, "record has neither title nor abstract");
        goto fail;
    }
    if (!rec->id) {
        const char *id = rec->arxiv_id ? rec->arxiv_id : rec->doi ? rec->doi : own_id;
        if (id && *id) {
            if (!(rec->id = ccg__strdup(id))) {
                err = ccg__err(CCG_ENOMEM, "out of memory");
                goto fail;
            }
        } else if (!r->batch && (err = ccg__record_default_id(r, rec)) < 0) {
            goto fail; /* a worker's records get theirs in order, when handed out */
        }
    }
    return 0;
fail:
    ccg_record_free(rec);
    *recp = NULL;
    return err;
}

void ccg__fields_clear(ccg__fields *f)
{
    ccg__buf_clear(&f->title);
    ccg__buf_clear(&f->abstract);
    ccg__buf_clear(&f->venue);
    ccg__buf_clear(&f->date);
    ccg__buf_clear(&f->own_id);
}

void ccg__fields_free(ccg__fields *f)
{
    ccg__buf_free(&f->title);
    ccg__buf_free(&f->abstract);
    ccg__buf_free(&f->venue);
    ccg__buf_free(&f->date);
    ccg__buf_free(&f->own_id);
}

int ccg__fields_apply(ccg_reader *r, ccg_record *rec, ccg__fields *f)
{
    int err;
    if ((err = ccg__record_text(r, rec, &rec->title, f->title.data, f->title.len)) < 0 ||
        (err = ccg__record_text(r, rec, &rec->abstract, f->abstract.data, f->abstract.len)) < 0)
        return err;
    return ccg__record_text(r, rec, &rec->venue, f->venue.data, f->venue.len);
}
