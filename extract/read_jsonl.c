/*
 * read_jsonl.c: JSON Lines and JSON documents (json.c, see there why not jansson).
 *
 * Field names are detected per record, so one file may mix sources:
 *   arXiv API-like   id, title, authors[], categories[], comment, summary
 *   arXiv snapshot   id, title, abstract, authors "A, B and C", categories
 *                    "cs.CL cs.AI", comments, journal-ref, doi, versions[]
 *   OpenAlex work    id (https://openalex.org/W…), display_name/title,
 *                    publication_year/date, abstract_inverted_index, doi,
 *                    referenced_works[], authorships[].author.display_name
 *   Semantic Scholar paperId, title, abstract, year, externalIds{DOI,ArXiv},
 *                    references[].paperId, authors[].name, venue
 *   ccgraph read     id, title, abstract, year, month, authors[], venue, doi,
 *                    arxiv_id, categories[], refs[]
 * A JSON document is an OpenAlex page ({"results": [...]}), a Semantic
 * Scholar batch (a top-level array, null for papers not found) or one work.
 */
#include "json.h"
#include "read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ccg_json *parser;
    ccg_jv *cur;        /* the next element of the array being walked, if any */
    size_t index;
    unsigned long line; /* line the array came from */
    bool loaded;        /* the JSON document was parsed */
    ccg_buf doc;        /* the whole JSON document */
} json_state;

/* Elements of an array (NULL for anything else). */
static ccg_jv *elems(const ccg_jv *v) { return ccg__jis(v, CCG_J_ARR) ? v->first : NULL; }

/* A JSON document is parsed whole; beyond this it is refused, not swapped. */
#define MAX_DOCUMENT ((size_t)512 << 20)

static inline const char *str_of(ccg_jv *o, const char *key)
{
    ccg_jv *v = ccg__jget(o, key);
    return ccg__jis(v, CCG_J_STR) ? v->s : NULL;
}

static int set_text(ccg_reader *r, ccg_record *rec, char **field, ccg_jv *v)
{
    if (!ccg__jis(v, CCG_J_STR))
        return 0;
    return ccg__record_text(r, rec, field, v->s, v->len);
}

/* "A, B and C" (arXiv snapshot): split at commas and " and " outside parentheses. */
static int split_authors(ccg_reader *r, ccg_record *rec, const char *s)
{
    int err = 0, depth = 0;
    const char *start = s;
    for (const char *p = s;; p++) {
        size_t sep = 0;
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if (depth == 0 && *p == ',')
            sep = 1;
        else if (depth == 0 && isspace((unsigned char)*p) && strncmp(p + 1, "and", 3) == 0 &&
                 isspace((unsigned char)p[4]))
            sep = 5;
        if (sep || !*p) {
            if ((err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors, start,
                                        (size_t)(p - start))) < 0 || !*p)
                return err;
            p += sep - 1;
            start = p + 1;
        }
    }
}

static int authors(ccg_reader *r, ccg_record *rec, ccg_jv *o)
{
    int err = 0;
    ccg_jv *a = ccg__jget(o, "authors"), *v;
    if (ccg__jis(a, CCG_J_STR))
        return split_authors(r, rec, a->s);
    if (ccg__jis(a, CCG_J_ARR)) {
        for (v = elems(a); v; v = v->next) {
            ccg_jv *name = ccg__jis(v, CCG_J_OBJ) ? ccg__jget(v, "name") : v;
            if (ccg__jis(name, CCG_J_STR) &&
                (err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors,
                                        name->s, name->len)) < 0)
                return err;
        }
        return 0;
    }
    for (v = elems(ccg__jget(o, "authorships")); v; v = v->next) {
        ccg_jv *name = ccg__jget(ccg__jget(v, "author"), "display_name");
        if (!ccg__jis(name, CCG_J_STR))
            name = ccg__jget(v, "raw_author_name");
        if (ccg__jis(name, CCG_J_STR) &&
            (err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors,
                                    name->s, name->len)) < 0)
            return err;
    }
    return 0;
}

/* OpenAlex stores abstracts as {word: [positions]}: put the words back in order. */
static int inverted_index(ccg_reader *r, ccg_record *rec, ccg_jv *idx)
{
    ccg_jv *pos, *p;
    size_t n = 0, maxpos = 0;
    for (pos = ccg__jfirst(idx); pos; pos = pos->next) {
        const char *word = pos->key;
        if (!ccg__jis(pos, CCG_J_ARR))
            return ccg__reader_bad(r, rec->line, "abstract_inverted_index: '%s' has no position list", word);
        for (p = elems(pos); p; p = p->next) {
            if (!(ccg__jis(p, CCG_J_NUM) && p->is_int) || p->i < 0)
                return ccg__reader_bad(r, rec->line, "abstract_inverted_index: bad position for '%s'", word);
            if ((size_t)p->i > maxpos)
                maxpos = (size_t)p->i;
            n++;
        }
    }
    if (n == 0)
        return 0;
    if (maxpos > 4 * n + 1000)
        return ccg__reader_bad(r, rec->line, "abstract_inverted_index: position %zu out of range", maxpos);
    const char **words = ccg__calloc(maxpos + 1, sizeof *words);
    ccg_buf b = CCG_BUF_INIT;
    int err = 0;
    if (!words)
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (pos = ccg__jfirst(idx); pos; pos = pos->next)
        for (p = elems(pos); p; p = p->next)
            words[p->i] = pos->key;
    for (size_t k = 0; k <= maxpos; k++)
        if (words[k] && ((b.len && (err = ccg__buf_putc(&b, ' ')) < 0) ||
                         (err = ccg__buf_puts(&b, words[k])) < 0))
            goto cleanup;
    err = ccg__record_text(r, rec, &rec->abstract, b.data ? b.data : "", b.len);
cleanup:
    free(words);
    ccg__buf_free(&b);
    return err;
}

/* Dates: "2024-05-01", "2024", and the snapshot's "Mon, 2 Apr 2007 19:18:42 GMT". */
static void parse_date(const char *s, int *year, int *month)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y = 0, m = 0;
    if (sscanf(s, "%4d-%2d", &y, &m) >= 1 && y > 1000) {
        *year = y;
        *month = m >= 1 && m <= 12 ? m : 0;
        return;
    }
    for (int k = 0; k < 12; k++) {
        const char *p = strstr(s, mon[k]);
        if (p && sscanf(p + 3, "%d", &y) == 1 && y > 1000) {
            *year = y;
            *month = k + 1;
            return;
        }
    }
}

static int year_of(ccg_jv *v)
{
    if ((ccg__jis(v, CCG_J_NUM) && v->is_int))
        return (int)v->i;
    if (ccg__jis(v, CCG_J_STR))
        return atoi(v->s);
    return 0;
}

static int strv_from(ccg_reader *r, ccg_record *rec, char ***v, size_t *n, ccg_jv *arr,
                     const char *objkey)
{
    int err = 0;
    for (ccg_jv *el = elems(arr); el; el = el->next) {
        ccg_jv *e = ccg__jis(el, CCG_J_OBJ) && objkey ? ccg__jget(el, objkey) : el;
        if (!ccg__jis(e, CCG_J_STR))
            continue;
        const char *s = e->s;
        size_t len = e->len;
        if (strncmp(s, "https://openalex.org/", 21) == 0) {
            s += 21;
            len -= 21;
        }
        err = v == &rec->refs ? ccg__record_push_ref(rec, s, len) : ccg__record_push(r, rec, v, n, s, len);
        if (err < 0)
            return err;
    }
    return 0;
}

static int categories(ccg_reader *r, ccg_record *rec, ccg_jv *o)
{
    ccg_jv *c = ccg__jget(o, "categories");
    if (!c)
        c = ccg__jget(o, "fieldsOfStudy");
    if (ccg__jis(c, CCG_J_ARR))
        return strv_from(r, rec, &rec->categories, &rec->n_categories, c, NULL);
    if (!ccg__jis(c, CCG_J_STR))
        return 0;
    const char *s = c->s;
    while (*s) { /* the snapshot's "cs.CL cs.AI" */
        size_t n = strcspn(s, " \t\n");
        int err = ccg__record_push(r, rec, &rec->categories, &rec->n_categories, s, n);
        if (err < 0)
            return err;
        s += n;
        s += strspn(s, " \t\n");
    }
    return 0;
}

/* Builds a record from one JSON object. 1, or CCG_EPARSE (skipped), or an error. */
static int from_object(ccg_reader *r, ccg_jv *o, unsigned long line, const char *where,
                       ccg_record **out)
{
    ccg_record *rec = NULL;
    int err;
    char own_id[64] = "";
    if (!ccg__jis(o, CCG_J_OBJ))
        return ccg__reader_bad(r, line, "%sexpected a JSON object, got %s", where,
                               ccg__jis(o, CCG_J_ARR) ? "an array" : ccg__jis(o, CCG_J_NULL) ? "null" : "a scalar");
    if ((err = ccg__record_new(r, line, &rec)) < 0)
        return err;
    ccg_jv *v;
    if ((err = set_text(r, rec, &rec->title, ccg__jget(o, "title"))) < 0 ||
        (!rec->title && (err = set_text(r, rec, &rec->title, ccg__jget(o, "display_name"))) < 0))
        goto fail;
    if ((v = ccg__jget(o, "abstract")) || (v = ccg__jget(o, "summary"))) {
        if ((err = set_text(r, rec, &rec->abstract, v)) < 0)
            goto fail;
    } else if (ccg__jis(v = ccg__jget(o, "abstract_inverted_index"), CCG_J_OBJ)) {
        if ((err = inverted_index(r, rec, v)) < 0)
            goto fail;
    }
    /* omitted fields: not even looked up (ccg__record_push would drop them) */
    if (!(r->opts.omit & CCG_FIELD_AUTHORS) && (err = authors(r, rec, o)) < 0)
        goto fail;
    /* date: explicit fields first, then the first arXiv version; else the arXiv id decides */
    if ((rec->year = year_of(ccg__jget(o, "year"))) != 0) {
        ccg_jv *m = ccg__jget(o, "month");
        rec->month = (ccg__jis(m, CCG_J_NUM) && m->is_int) && m->i >= 1 && m->i <= 12
                         ? (int)m->i : 0;
    }
    const char *date;
    if (!rec->year && ((date = str_of(o, "publication_date")) || (date = str_of(o, "publicationDate")) ||
                       (date = str_of(o, "published"))))
        parse_date(date, &rec->year, &rec->month);
    if (!rec->year)
        rec->year = year_of(ccg__jget(o, "publication_year"));
    if (!rec->year && (date = str_of(elems(ccg__jget(o, "versions")), "created")))
        parse_date(date, &rec->year, &rec->month);
    if (rec->year < 0 || rec->year > 9999)
        rec->year = rec->month = 0;
    /* venue: journal reference, venue, source, else the arXiv comment */
    ccg_jv *src = ccg__jget(ccg__jget(o, "primary_location"), "source");
    if ((err = set_text(r, rec, &rec->venue, ccg__jget(o, "journal-ref"))) < 0 ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, ccg__jget(o, "venue"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue,
                                        ccg__jget(ccg__jget(o, "journal"), "name"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, ccg__jget(src, "display_name"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue,
                                        ccg__jget(ccg__jget(o, "host_venue"), "display_name"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, ccg__jget(o, "comment"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, ccg__jget(o, "comments"))) < 0))
        goto fail;
    ccg_jv *ext = ccg__jget(o, "externalIds");
    const char *doi = str_of(o, "doi");
    if (!doi)
        doi = str_of(ext, "DOI");
    if (!doi)
        doi = str_of(ccg__jget(o, "ids"), "doi");
    if (doi && (err = ccg__record_set_doi(rec, doi, strlen(doi))) < 0)
        goto fail;
    const char *ax = str_of(o, "arxiv_id");
    if (!ax)
        ax = str_of(ext, "ArXiv");
    const char *id = str_of(o, "paperId");
    if (!id)
        id = str_of(o, "id");
    if (ax && (err = ccg__record_set_arxiv(rec, ax, strlen(ax))) < 0)
        goto fail;
    if (id) {
        if (!rec->arxiv_id && (err = ccg__record_set_arxiv(rec, id, strlen(id))) < 0)
            goto fail;
        if (strncmp(id, "https://openalex.org/", 21) == 0)
            id += 21;
        size_t l = strlen(id); /* cut at 63 bytes, as snprintf did: a call per record cost 1.5% */
        if (l >= sizeof own_id)
            l = sizeof own_id - 1;
        memcpy(own_id, id, l);
        own_id[l] = '\0';
    } else if (ccg__jis(v = ccg__jget(o, "id"), CCG_J_NUM) && v->is_int) {
        snprintf(own_id, sizeof own_id, "%lld", (long long)v->i);
    }
    if ((v = ccg__jget(o, "referenced_works")) || (v = ccg__jget(o, "refs"))) {
        if ((err = strv_from(r, rec, &rec->refs, &rec->n_refs, v, NULL)) < 0)
            goto fail;
    } else if ((err = strv_from(r, rec, &rec->refs, &rec->n_refs, ccg__jget(o, "references"),
                                "paperId")) < 0) {
        goto fail;
    }
    if (!(r->opts.omit & CCG_FIELD_CATEGORIES) && (err = categories(r, rec, o)) < 0)
        goto fail;
    /* ccgraph's own output keeps the format each paper was first read from */
    ccg_format f;
    const char *fname = str_of(o, "format");
    if (fname && ccg_format_parse(fname, &f) == 0 && f != CCG_FORMAT_AUTO)
        rec->format = f;
    if ((err = ccg__record_finish(r, &rec, own_id)) < 0)
        return err;
    *out = rec;
    return 1;
fail:
    ccg_record_free(rec);
    return err;
}

/* The array of works a value holds: itself, or its "results"/"data" member. */
static ccg_jv *works_array(ccg_jv *v)
{
    if (ccg__jis(v, CCG_J_ARR))
        return v;
    ccg_jv *a = ccg__jget(v, "results");
    if (!ccg__jis(a, CCG_J_ARR))
        a = ccg__jget(v, "data");
    return ccg__jis(a, CCG_J_ARR) ? a : NULL;
}


/* The next element of the array being walked: 1, 0 when done, or an error. */
static int next_in_array(ccg_reader *r, json_state *st, ccg_record **out)
{
    if (!st->cur)
        return 0;
    ccg_jv *e = st->cur;
    size_t i = st->index++;
    st->cur = e->next;
    if (ccg__jis(e, CCG_J_NULL)) /* Semantic Scholar's batch answer for an unknown id */
        return ccg__reader_bad(r, st->line, "entry %zu is null (paper not found)", i + 1);
    char where[48];
    snprintf(where, sizeof where, "entry %zu: ", i + 1);
    return from_object(r, e, st->line, where, out);
}

/* Parses one JSON text (overwriting it); on failure reports it at line (+ the lines before the error). */
static int parse(ccg_reader *r, json_state *st, char *s, size_t n, unsigned long line,
                 bool whole_doc, ccg_jv **out)
{
    ccg_json_error e;
    int rc = ccg__json_parse(st->parser, s, n, out, &e);
    if (rc == 0 || rc == CCG_ENOMEM)
        return rc;
    line += e.line;
    if (rc == CCG_ELIMIT)
        return ccg__reader_fatal(r, line, CCG_ELIMIT, "JSON too large or too deep: %s", e.msg);
    /* a cut-off document, or an unfinished last line, is a truncated file, not one bad record */
    if (e.truncated && (whole_doc || ccg__reader_at_last_line(r)))
        return ccg__reader_fatal(r, line, CCG_EPARSE, "truncated JSON: %s", e.msg);
    if (e.truncated)
        snprintf(e.msg, sizeof e.msg, "the line ends inside a value");
    if (whole_doc)
        return ccg__reader_fatal(r, line, CCG_EPARSE, "invalid JSON at column %lu: %s", e.col, e.msg);
    return ccg__reader_bad(r, line, "invalid JSON at column %lu: %s", e.col, e.msg);
}

/*
 * Starts on a parsed value: an array of works is walked, one work is read.
 * A JSON Lines line holds one work or one page ({"results": [...]}).
 */
static int start(ccg_reader *r, json_state *st, ccg_jv *v, unsigned long line, bool whole_doc,
                 ccg_record **out)
{
    ccg_jv *works = whole_doc || ccg__jis(v, CCG_J_OBJ) ? works_array(v) : NULL;
    if (works) {
        st->cur = works->first;
        st->index = 0;
        st->line = line;
        return next_in_array(r, st, out);
    }
    return from_object(r, v, line, "", out);
}

static int jsonl_next(ccg_reader *r, ccg_record **out)
{
    json_state *st = r->state;
    int rc;
    if (st->cur && (rc = next_in_array(r, st, out)) != 0)
        return rc;
    for (;;) {
        char *line;
        size_t len, k = 0;
        if ((rc = ccg__reader_getline(r, &line, &len)) <= 0)
            return rc;
        while (k < len && isspace((unsigned char)line[k]))
            k++;
        if (k == len)
            continue;
        ccg_jv *v;
        if ((rc = parse(r, st, line, len, r->line, false, &v)) < 0)
            return rc;
        if ((rc = start(r, st, v, r->line, false, out)) != 0)
            return rc; /* else an empty page: on to the next line */
    }
}

static int json_next(ccg_reader *r, ccg_record **out)
{
    json_state *st = r->state;
    if (st->loaded)
        return next_in_array(r, st, out);
    st->loaded = true;
    char chunk[1 << 16];
    long k;
    int err;
    while ((k = ccg__reader_read(r, chunk, sizeof chunk)) > 0) {
        if (st->doc.len + (size_t)k > MAX_DOCUMENT)
            return ccg__reader_fatal(r, 1, CCG_ELIMIT, "JSON document larger than %zu MB",
                                     MAX_DOCUMENT >> 20);
        if ((err = ccg__buf_add(&st->doc, chunk, (size_t)k)) < 0)
            return err;
    }
    if (k < 0)
        return (int)k;
    ccg_jv *v;
    char empty[1] = "";
    if ((err = parse(r, st, st->doc.data ? st->doc.data : empty, st->doc.len, 1, true, &v)) < 0)
        return err;
    return start(r, st, v, 1, true, out);
}

static void json_state_free(void *p)
{
    json_state *st = p;
    if (!st)
        return;
    ccg__json_free(st->parser);
    ccg__buf_free(&st->doc);
    free(st);
}

static const ccg__format_ops jsonl_ops = {jsonl_next, json_state_free};
static const ccg__format_ops json_ops = {json_next, json_state_free};

static int open_json(ccg_reader *r, const ccg__format_ops *ops)
{
    /* the names of omitted fields in every source: their arrays are passed over, not parsed */
    static const char *const authors[] = {"authors", "authorships"};
    static const char *const categories[] = {"categories", "fieldsOfStudy"};
    static const char *const both[] = {"authors", "authorships", "categories", "fieldsOfStudy"};
    int err = ccg__reader_use(r, ops, sizeof(json_state));
    if (err < 0)
        return err;
    json_state *st = r->state;
    if (!(st->parser = ccg__json_new()))
        return CCG_ENOMEM;
    unsigned omit = r->opts.omit & (CCG_FIELD_AUTHORS | CCG_FIELD_CATEGORIES);
    if (omit == (CCG_FIELD_AUTHORS | CCG_FIELD_CATEGORIES))
        ccg__json_skip(st->parser, both, 4);
    else if (omit == CCG_FIELD_AUTHORS)
        ccg__json_skip(st->parser, authors, 2);
    else if (omit == CCG_FIELD_CATEGORIES)
        ccg__json_skip(st->parser, categories, 2);
    return 0;
}

int ccg__open_jsonl(ccg_reader *r) { return open_json(r, &jsonl_ops); }

int ccg__open_json(ccg_reader *r) { return open_json(r, &json_ops); }
