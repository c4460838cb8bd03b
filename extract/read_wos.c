/*
 * read_wos.c: Web of Science plain-text export.
 *
 *   FN Clarivate Analytics Web of Science
 *   VR 1.0
 *   PT J
 *   AU Smith, J          one value per line for AU, AF, CR, DE, ID:
 *      Doe, A            continuation lines are indented by three spaces
 *   TI A title that
 *      wraps             other fields: continuation lines join with a space
 *   SO JOURNAL NAME
 *   DE keyword; keyword
 *   AB Abstract …
 *   CR Smith J, 2020, NATURE, V1, P2, DOI 10.1038/x
 *   PY 2024
 *   PD MAY 15
 *   DI 10.1234/x
 *   UT WOS:000123456700001
 *   ER
 *
 *   EF
 *
 * Cited references (CR) become refs through the DOIs they carry
 * ("DOI 10.x", "DOI [10.x, 10.y]") or an arXiv id ("ARXIV:2401.00001").
 */
#include "read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    ccg__fields f;
    char tag[3];
} wos_state;

static bool is_tag(const char *s, size_t n)
{
    return n >= 2 && (isupper((unsigned char)s[0])) &&
           (isupper((unsigned char)s[1]) || isdigit((unsigned char)s[1])) && (n == 2 || s[2] == ' ');
}

/* Adds the ids a cited reference carries to rec->refs. */
static int cited_ref(ccg_record *rec, const char *s, size_t n)
{
    int err = 0;
    for (size_t i = 0; i + 4 < n; i++) {
        if (strncmp(s + i, "DOI ", 4) == 0 || strncmp(s + i, "DOI:", 4) == 0) {
            size_t j = i + 4;
            while (j < n && (s[j] == ' ' || s[j] == '['))
                j++;
            for (;;) { /* "DOI [10.1/a, 10.2/b]" lists alternatives */
                size_t e = j;
                while (e < n && s[e] != ',' && s[e] != ']' && s[e] != ' ')
                    e++;
                if (e > j && (err = ccg__record_push_ref(rec, s + j, e - j)) < 0)
                    return err;
                if (e >= n || s[e] != ',')
                    break;
                j = e + 1;
                while (j < n && s[j] == ' ')
                    j++;
            }
            return 0;
        }
        if (strncasecmp(s + i, "arxiv:", 6) == 0 && i + 6 < n) {
            size_t e = i + 6;
            while (e < n && s[e] != ',' && s[e] != ' ')
                e++;
            char id[64];
            if (ccg__arxiv_id(s + i + 6, e - i - 6, id))
                return ccg__strv_push(&rec->refs, &rec->n_refs, id, strlen(id));
        }
    }
    return 0;
}

static int add_joined(ccg_buf *b, const char *s, size_t n)
{
    int err = 0;
    if (b->len && (err = ccg__buf_putc(b, ' ')) < 0)
        return err;
    return ccg__buf_add(b, s, n);
}

static int month_of(const char *s)
{
    static const char *const names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                        "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    for (int k = 0; k < 12; k++)
        if (strncasecmp(s, names[k], 3) == 0)
            return k + 1;
    return 0;
}

/* One value of a field: a tag line's text or a continuation line. */
static int field(ccg_reader *r, wos_state *st, ccg_record *rec, const char *tag, const char *v,
                 size_t n, bool *use_af)
{
#define T(x) (tag[0] == x[0] && tag[1] == x[1])
    if (T("TI"))
        return add_joined(&st->f.title, v, n);
    if (T("AB"))
        return add_joined(&st->f.abstract, v, n);
    if (T("SO"))
        return add_joined(&st->f.venue, v, n);
    if (T("PD"))
        return add_joined(&st->f.date, v, n);
    if (T("UT"))
        return add_joined(&st->f.own_id, v, n);
    if (T("PY")) {
        rec->year = atoi(v);
        return 0;
    }
    if (T("DI"))
        return ccg__record_set_doi(rec, v, n);
    if (T("AR") && !rec->arxiv_id)
        return ccg__record_set_arxiv(rec, v, n) < 0 ? CCG_ENOMEM : 0;
    if (T("CR"))
        return cited_ref(rec, v, n);
    /* full names (AF) are better than initials (AU) when the export has both */
    if (T("AF") || (T("AU") && !*use_af)) {
        if (T("AF") && !*use_af) {
            *use_af = true;
            for (size_t k = 0; k < rec->n_authors; k++)
                free(rec->authors[k]);
            rec->n_authors = 0;
        }
        return ccg__record_push(r, rec, &rec->authors, &rec->n_authors, v, n);
    }
    if (T("DE")) {
        for (size_t i = 0; i < n;) {
            size_t k = i;
            while (k < n && v[k] != ';')
                k++;
            int err = ccg__record_push(r, rec, &rec->categories, &rec->n_categories, v + i, k - i);
            if (err < 0)
                return err;
            i = k + 1;
        }
    }
    return 0;
#undef T
}

static int wos_next(ccg_reader *r, ccg_record **out)
{
    wos_state *st = r->state;
    ccg_record *rec = NULL;
    char *line;
    size_t len;
    int rc, err = 0;
    bool use_af = false;
    size_t total = 0;
    while ((rc = ccg__reader_getline(r, &line, &len)) > 0) {
        if (rec && (total += len) > CCG__MAX_RECORD) {
            err = ccg__reader_fatal(r, rec->line, CCG_ELIMIT, "record longer than %zu MB",
                                    CCG__MAX_RECORD >> 20);
            goto fail;
        }
        if (len >= 3 && line[0] == ' ' && line[1] == ' ' && line[2] == ' ') {
            if (rec && st->tag[0] && (err = field(r, st, rec, st->tag, line + 3, len - 3, &use_af)) < 0)
                goto fail;
            continue;
        }
        size_t j = 0;
        while (j < len && isspace((unsigned char)line[j]))
            j++;
        if (j == len)
            continue;
        if (!is_tag(line, len)) {
            err = ccg__reader_bad(r, r->line, "expected a two-letter field tag");
            if (rec)
                goto fail;
            return err;
        }
        char tag[3] = {line[0], line[1], '\0'};
        const char *v = len > 3 ? line + 3 : "";
        size_t vn = len > 3 ? len - 3 : 0;
        if (!rec) {
            if (strcmp(tag, "FN") == 0 || strcmp(tag, "VR") == 0 || strcmp(tag, "EF") == 0)
                continue;
            if ((err = ccg__record_new(r, r->line, &rec)) < 0)
                return err;
            ccg__fields_clear(&st->f);
        } else if (strcmp(tag, "PT") == 0) {
            err = ccg__reader_bad(r, rec->line, "record not closed by 'ER'");
            goto fail;
        }
        if (strcmp(tag, "ER") == 0)
            break;
        memcpy(st->tag, tag, 3);
        if ((err = field(r, st, rec, tag, v, vn, &use_af)) < 0)
            goto fail;
    }
    if (rc < 0) {
        err = rc;
        goto fail;
    }
    if (!rec)
        return 0;
    if (rc == 0) {
        err = ccg__reader_bad(r, rec->line, "record not closed by 'ER'");
        goto fail;
    }
    if ((err = ccg__fields_apply(r, rec, &st->f)) < 0)
        goto fail;
    if (rec->year < 0 || rec->year > 9999)
        rec->year = 0;
    if (rec->year && st->f.date.len)
        rec->month = month_of(st->f.date.data);
    if ((err = ccg__record_finish(r, &rec, st->f.own_id.data)) < 0)
        return err;
    *out = rec;
    return 1;
fail:
    ccg_record_free(rec);
    return err;
}

static void wos_free(void *p)
{
    wos_state *st = p;
    if (!st)
        return;
    ccg__fields_free(&st->f);
    free(st);
}

static const ccg__format_ops wos_ops = {wos_next, wos_free};

int ccg__open_wos(ccg_reader *r)
{
    return ccg__reader_use(r, &wos_ops, sizeof(wos_state));
}
