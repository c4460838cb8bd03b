/*
 * read_jsonl.c: JSON Lines and JSON documents (jansson).
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
#include "read.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    json_t *doc;        /* the array being walked (a document or a "results" line) */
    size_t index;
    unsigned long line; /* line the array came from */
    bool loaded;        /* the JSON document was parsed */
    int read_err;       /* an input error met while jansson was reading */
    size_t total;       /* bytes of the document so far */
} json_state;

/* A JSON document is parsed whole; beyond this it is refused, not swapped. */
#define MAX_DOCUMENT ((size_t)512 << 20)

static const char *str_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int set_text(ccg_reader *r, ccg_record *rec, char **field, json_t *v)
{
    if (!json_is_string(v))
        return 0;
    return ccg__record_text(r, rec, field, json_string_value(v), json_string_length(v));
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

static int authors(ccg_reader *r, ccg_record *rec, json_t *o)
{
    int err = 0;
    json_t *a = json_object_get(o, "authors"), *v;
    size_t i;
    if (json_is_string(a))
        return split_authors(r, rec, json_string_value(a));
    if (json_is_array(a)) {
        json_array_foreach(a, i, v) {
            json_t *name = json_is_object(v) ? json_object_get(v, "name") : v;
            if (json_is_string(name) &&
                (err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors,
                                        json_string_value(name), json_string_length(name))) < 0)
                return err;
        }
        return 0;
    }
    json_array_foreach(json_object_get(o, "authorships"), i, v) {
        json_t *name = json_object_get(json_object_get(v, "author"), "display_name");
        if (!json_is_string(name))
            name = json_object_get(v, "raw_author_name");
        if (json_is_string(name) &&
            (err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors,
                                    json_string_value(name), json_string_length(name))) < 0)
            return err;
    }
    return 0;
}

/* OpenAlex stores abstracts as {word: [positions]}: put the words back in order. */
static int inverted_index(ccg_reader *r, ccg_record *rec, json_t *idx)
{
    const char *word;
    json_t *pos, *p;
    size_t n = 0, maxpos = 0, i;
    json_object_foreach(idx, word, pos) {
        if (!json_is_array(pos))
            return ccg__reader_bad(r, rec->line, "abstract_inverted_index: '%s' has no position list", word);
        json_array_foreach(pos, i, p) {
            if (!json_is_integer(p) || json_integer_value(p) < 0)
                return ccg__reader_bad(r, rec->line, "abstract_inverted_index: bad position for '%s'", word);
            if ((size_t)json_integer_value(p) > maxpos)
                maxpos = (size_t)json_integer_value(p);
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
    json_object_foreach(idx, word, pos) json_array_foreach(pos, i, p) words[json_integer_value(p)] = word;
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

static int year_of(json_t *v)
{
    if (json_is_integer(v))
        return (int)json_integer_value(v);
    if (json_is_string(v))
        return atoi(json_string_value(v));
    return 0;
}

static int strv_from(ccg_reader *r, ccg_record *rec, char ***v, size_t *n, json_t *arr,
                     const char *objkey)
{
    int err = 0;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        if (json_is_object(e) && objkey)
            e = json_object_get(e, objkey);
        if (!json_is_string(e))
            continue;
        const char *s = json_string_value(e);
        size_t len = json_string_length(e);
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

static int categories(ccg_reader *r, ccg_record *rec, json_t *o)
{
    json_t *c = json_object_get(o, "categories");
    if (!c)
        c = json_object_get(o, "fieldsOfStudy");
    if (json_is_array(c))
        return strv_from(r, rec, &rec->categories, &rec->n_categories, c, NULL);
    if (!json_is_string(c))
        return 0;
    const char *s = json_string_value(c);
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
static int from_object(ccg_reader *r, json_t *o, unsigned long line, const char *where,
                       ccg_record **out)
{
    ccg_record *rec = NULL;
    int err;
    char own_id[64] = "";
    if (!json_is_object(o))
        return ccg__reader_bad(r, line, "%sexpected a JSON object, got %s", where,
                               json_is_array(o) ? "an array" : json_is_null(o) ? "null" : "a scalar");
    if ((err = ccg__record_new(r, line, &rec)) < 0)
        return err;
    json_t *v;
    if ((err = set_text(r, rec, &rec->title, json_object_get(o, "title"))) < 0 ||
        (!rec->title && (err = set_text(r, rec, &rec->title, json_object_get(o, "display_name"))) < 0))
        goto fail;
    if ((v = json_object_get(o, "abstract")) || (v = json_object_get(o, "summary"))) {
        if ((err = set_text(r, rec, &rec->abstract, v)) < 0)
            goto fail;
    } else if (json_is_object(v = json_object_get(o, "abstract_inverted_index"))) {
        if ((err = inverted_index(r, rec, v)) < 0)
            goto fail;
    }
    if ((err = authors(r, rec, o)) < 0)
        goto fail;
    /* date: explicit fields first, then the first arXiv version; else the arXiv id decides */
    if ((rec->year = year_of(json_object_get(o, "year"))) != 0) {
        json_t *m = json_object_get(o, "month");
        rec->month = json_is_integer(m) && json_integer_value(m) >= 1 && json_integer_value(m) <= 12
                         ? (int)json_integer_value(m) : 0;
    }
    const char *date;
    if (!rec->year && ((date = str_of(o, "publication_date")) || (date = str_of(o, "publicationDate")) ||
                       (date = str_of(o, "published"))))
        parse_date(date, &rec->year, &rec->month);
    if (!rec->year)
        rec->year = year_of(json_object_get(o, "publication_year"));
    if (!rec->year && (date = str_of(json_array_get(json_object_get(o, "versions"), 0), "created")))
        parse_date(date, &rec->year, &rec->month);
    if (rec->year < 0 || rec->year > 9999)
        rec->year = rec->month = 0;
    /* venue: journal reference, venue, source, else the arXiv comment */
    json_t *src = json_object_get(json_object_get(o, "primary_location"), "source");
    if ((err = set_text(r, rec, &rec->venue, json_object_get(o, "journal-ref"))) < 0 ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, json_object_get(o, "venue"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue,
                                        json_object_get(json_object_get(o, "journal"), "name"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, json_object_get(src, "display_name"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue,
                                        json_object_get(json_object_get(o, "host_venue"), "display_name"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, json_object_get(o, "comment"))) < 0) ||
        (!rec->venue && (err = set_text(r, rec, &rec->venue, json_object_get(o, "comments"))) < 0))
        goto fail;
    json_t *ext = json_object_get(o, "externalIds");
    const char *doi = str_of(o, "doi");
    if (!doi)
        doi = str_of(ext, "DOI");
    if (!doi)
        doi = str_of(json_object_get(o, "ids"), "doi");
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
        snprintf(own_id, sizeof own_id, "%s", id);
    } else if (json_is_integer(v = json_object_get(o, "id"))) {
        snprintf(own_id, sizeof own_id, "%lld", (long long)json_integer_value(v));
    }
    if ((v = json_object_get(o, "referenced_works")) || (v = json_object_get(o, "refs"))) {
        if ((err = strv_from(r, rec, &rec->refs, &rec->n_refs, v, NULL)) < 0)
            goto fail;
    } else if ((err = strv_from(r, rec, &rec->refs, &rec->n_refs, json_object_get(o, "references"),
                                "paperId")) < 0) {
        goto fail;
    }
    if ((err = categories(r, rec, o)) < 0)
        goto fail;
    if ((err = ccg__record_finish(r, &rec, own_id)) < 0)
        return err;
    *out = rec;
    return 1;
fail:
    ccg_record_free(rec);
    return err;
}

/* The array of works a value holds: itself, or its "results"/"data" member. */
static json_t *works_array(json_t *v)
{
    if (json_is_array(v))
        return v;
    json_t *a = json_object_get(v, "results");
    if (!json_is_array(a))
        a = json_object_get(v, "data");
    return json_is_array(a) ? a : NULL;
}

/* The next element of the array being walked: 1, 0 when done, or an error. */
static int next_in_array(ccg_reader *r, json_state *st, ccg_record **out)
{
    while (st->doc && st->index < json_array_size(works_array(st->doc))) {
        size_t i = st->index++;
        json_t *e = json_array_get(works_array(st->doc), i);
        if (json_is_null(e)) /* Semantic Scholar's batch answer for an unknown id */
            return ccg__reader_bad(r, st->line, "entry %zu is null (paper not found)", i + 1);
        char where[48];
        snprintf(where, sizeof where, "entry %zu: ", i + 1);
        return from_object(r, e, st->line, where, out);
    }
    json_decref(st->doc);
    st->doc = NULL;
    return 0;
}

static int jsonl_next(ccg_reader *r, ccg_record **out)
{
    json_state *st = r->state;
    int rc;
    if (st->doc && (rc = next_in_array(r, st, out)) != 0)
        return rc;
    char *line;
    size_t len;
    for (;;) {
        if ((rc = ccg__reader_getline(r, &line, &len)) <= 0)
            return rc;
        size_t k = 0;
        while (k < len && isspace((unsigned char)line[k]))
            k++;
        if (k < len)
            break;
    }
    json_error_t jerr;
    json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!o) {
        /* an unfinished last line is a cut-off file, not one bad record */
        if (r->eof && r->pos == r->end && jerr.position >= (int)len - 1 &&
            strstr(jerr.text, "premature end"))
            return ccg__reader_fatal(r, r->line, CCG_EPARSE, "truncated JSON: %s", jerr.text);
        return ccg__reader_bad(r, r->line, "invalid JSON at column %d: %s", jerr.column, jerr.text);
    }
    if (json_is_object(o) && works_array(o)) { /* an OpenAlex page on one line */
        st->doc = o;
        st->index = 0;
        st->line = r->line;
        return next_in_array(r, st, out);
    }
    rc = from_object(r, o, r->line, "", out);
    json_decref(o);
    return rc;
}

static size_t load_cb(void *buf, size_t n, void *ud)
{
    ccg_reader *r = ud;
    json_state *st = r->state;
    long k = ccg__reader_read(r, buf, n);
    if (k >= 0 && (st->total += (size_t)k) > MAX_DOCUMENT)
        k = CCG_ELIMIT;
    if (k < 0) {
        st->read_err = (int)k;
        return (size_t)-1;
    }
    return (size_t)k;
}

static int json_next(ccg_reader *r, ccg_record **out)
{
    json_state *st = r->state;
    if (!st->loaded) {
        json_error_t jerr;
        st->loaded = true;
        json_t *d = json_load_callback(load_cb, r, JSON_ALLOW_NUL, &jerr);
        if (!d) {
            unsigned long line = jerr.line > 0 ? (unsigned long)jerr.line : 1;
            if (st->read_err == CCG_ELIMIT)
                return ccg__reader_fatal(r, line, CCG_ELIMIT, "JSON document larger than %zu MB",
                                         MAX_DOCUMENT >> 20);
            if (st->read_err < 0)
                return ccg__reader_fatal(r, line, st->read_err, "%s", ccg_error_last());
            bool cut = strstr(jerr.text, "premature end") || strstr(jerr.text, "end of file");
            return ccg__reader_fatal(r, line, CCG_EPARSE, "%s: %s",
                                     cut ? "truncated JSON" : "invalid JSON", jerr.text);
        }
        st->line = 1;
        if (!works_array(d)) {
            int rc = from_object(r, d, 1, "", out);
            json_decref(d);
            return rc;
        }
        st->doc = d;
    }
    return next_in_array(r, st, out);
}

static void json_state_free(void *p)
{
    json_state *st = p;
    if (st)
        json_decref(st->doc);
    free(st);
}

static const ccg__format_ops jsonl_ops = {jsonl_next, json_state_free};
static const ccg__format_ops json_ops = {json_next, json_state_free};

int ccg__open_jsonl(ccg_reader *r) { return ccg__reader_use(r, &jsonl_ops, sizeof(json_state)); }

int ccg__open_json(ccg_reader *r) { return ccg__reader_use(r, &json_ops, sizeof(json_state)); }
