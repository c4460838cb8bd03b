/*
 * read_ris.c: RIS, the tagged format of reference managers.
 *
 *   TY  - JOUR
 *   TI  - Title            (T1 too)
 *   AU  - Doe, Ann         (A1; one author per line)
 *   PY  - 2024/05/01/      (Y1, DA)
 *   AB  - Abstract …       (N2; continuation lines without a tag append)
 *   DO  - 10.1234/x
 *   JO  - Journal          (JF, T2, JA, BT)
 *   KW  - keyword
 *   ER  -
 *
 * A tag is two capitals or digits, two spaces, "-" (some exporters write
 * one space, or nothing after the dash).
 */
#include "read.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ccg__fields f;
    char field[3];  /* the tag continuation lines append to */
} ris_state;

/* The tag of a RIS line: length of the "XX  - " prefix (0 if none), tag in tag[]. */
static size_t ris_tag(const char *s, size_t n, char tag[3])
{
    if (n < 4 || !isupper((unsigned char)s[0]) || !(isupper((unsigned char)s[1]) || isdigit((unsigned char)s[1])))
        return 0;
    size_t i = 2;
    while (i < n && i < 4 && s[i] == ' ')
        i++;
    if (i >= n || s[i] != '-' || i == 2)
        return 0;
    i++;
    if (i < n && s[i] == ' ')
        i++;
    tag[0] = s[0];
    tag[1] = s[1];
    tag[2] = '\0';
    return i;
}

static bool tag_in(const char *tag, const char *list)
{
    for (const char *p = list; *p; p += 3)
        if (p[0] == tag[0] && p[1] == tag[1])
            return true;
    return false;
}

/* The buffer a text tag collects into, NULL for other tags. */
static ccg_buf *text_field(ris_state *st, const char *tag)
{
    if (tag_in(tag, "TI T1 "))
        return &st->f.title;
    if (tag_in(tag, "AB N2 "))
        return &st->f.abstract;
    if (tag_in(tag, "JO JF T2 JA BT "))
        return &st->f.venue;
    return NULL;
}

static int add_text(ccg_buf *b, const char *s, size_t n)
{
    int err = 0;
    if (b->len && (err = ccg__buf_putc(b, '\n')) < 0)
        return err;
    return ccg__buf_add(b, s, n);
}

static int ris_next(ccg_reader *r, ccg_record **out)
{
    ris_state *st = r->state;
    ccg_record *rec = NULL;
    char *line;
    size_t len;
    int rc, err = 0;
    size_t total = 0;
    while ((rc = ccg__reader_getline(r, &line, &len)) > 0) {
        if (rec && (total += len) > CCG__MAX_RECORD) {
            err = ccg__reader_fatal(r, rec->line, CCG_ELIMIT, "record longer than %zu MB",
                                    CCG__MAX_RECORD >> 20);
            goto fail;
        }
        char tag[3];
        size_t k = ris_tag(line, len, tag);
        if (!rec) {
            if (k && tag[0] == 'T' && tag[1] == 'Y') {
                if ((err = ccg__record_new(r, r->line, &rec)) < 0)
                    return err;
                ccg__fields_clear(&st->f);
                st->field[0] = '\0';
                continue;
            }
            size_t j = 0;
            while (j < len && isspace((unsigned char)line[j]))
                j++;
            if (j == len)
                continue;
            return ccg__reader_bad(r, r->line, "text outside a record (a record starts with 'TY  - ')");
        }
        if (k == 0) { /* a continuation line */
            ccg_buf *b = st->field[0] ? text_field(st, st->field) : NULL;
            if (b && (err = add_text(b, line, len)) < 0)
                goto fail;
            continue;
        }
        const char *v = line + k;
        size_t vn = len - k;
        memcpy(st->field, tag, 3);
        ccg_buf *b = text_field(st, tag);
        if (tag[0] == 'E' && tag[1] == 'R')
            break;
        if (b) {
            if (b->len == 0 || b != &st->f.venue)
                err = add_text(b, v, vn);
        } else if (tag_in(tag, "AU A1 A2 ")) {
            err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors, v, vn);
        } else if (tag_in(tag, "PY Y1 DA ")) {
            if (st->f.date.len == 0)
                err = ccg__buf_add(&st->f.date, v, vn);
        } else if (tag_in(tag, "DO ")) {
            err = ccg__record_set_doi(rec, v, vn);
        } else if (tag_in(tag, "KW ")) {
            err = ccg__record_push(r, rec, &rec->categories, &rec->n_categories, v, vn);
        } else if (tag_in(tag, "UR L1 ")) {
            if (!rec->arxiv_id)
                err = ccg__record_set_arxiv(rec, v, vn);
        } else if (tag[0] == 'T' && tag[1] == 'Y') {
            err = ccg__reader_bad(r, r->line, "'TY' inside a record: the record above lacks 'ER  - '");
            goto fail;
        }
        if (err < 0)
            goto fail;
    }
    if (rc < 0) {
        err = rc;
        goto fail;
    }
    if (!rec)
        return 0;
    if (rc == 0) {
        err = ccg__reader_bad(r, rec->line, "record not closed by 'ER  - '");
        goto fail;
    }
    if ((err = ccg__fields_apply(r, rec, &st->f)) < 0)
        goto fail;
    int y = 0, m = 0;
    if (st->f.date.len && sscanf(st->f.date.data, "%4d/%2d", &y, &m) >= 1 && y > 0 && y <= 9999) {
        rec->year = y;
        rec->month = m >= 1 && m <= 12 ? m : 0;
    }
    if ((err = ccg__record_finish(r, &rec, NULL)) < 0)
        return err;
    *out = rec;
    return 1;
fail:
    ccg_record_free(rec);
    return err;
}

static void ris_free(void *p)
{
    ris_state *st = p;
    if (!st)
        return;
    ccg__fields_free(&st->f);
    free(st);
}

static const ccg__format_ops ris_ops = {ris_next, ris_free};

int ccg__open_ris(ccg_reader *r)
{
    return ccg__reader_use(r, &ris_ops, sizeof(ris_state));
}
