/*
 * read_text.c: plain text, one abstract per paragraph (paragraphs are
 * separated by blank lines). Records have no title; their id is "file:n".
 */
#include "read.h"

#include <ctype.h>
#include <stdlib.h>

typedef struct {
    ccg_buf para;
    unsigned long start;
} text_state;

static int text_next(ccg_reader *r, ccg_record **out)
{
    text_state *st = r->state;
    char *line;
    size_t len;
    int rc;
    for (;;) {
        rc = ccg__reader_getline(r, &line, &len);
        if (rc < 0)
            return rc;
        bool blank = true;
        for (size_t k = 0; rc > 0 && k < len && blank; k++)
            blank = isspace((unsigned char)line[k]);
        if (rc > 0 && !blank) {
            if (st->para.len + len > CCG__MAX_RECORD)
                return ccg__reader_fatal(r, st->start, CCG_ELIMIT, "paragraph longer than %zu MB",
                                         CCG__MAX_RECORD >> 20);
            if (!st->para.len)
                st->start = r->line;
            if ((rc = ccg__buf_add(&st->para, line, len)) < 0 ||
                (rc = ccg__buf_putc(&st->para, '\n')) < 0)
                return rc;
            continue;
        }
        if (st->para.len == 0) {
            if (rc == 0)
                return 0;
            continue;
        }
        ccg_record *rec = NULL;
        int err;
        if ((err = ccg__record_new(r, st->start, &rec)) == 0 &&
            (err = ccg__record_text(r, rec, &rec->abstract, st->para.data, st->para.len)) == 0)
            err = ccg__record_finish(r, &rec, NULL);
        else
            ccg_record_free(rec);
        ccg__buf_clear(&st->para);
        if (err < 0)
            return err;
        *out = rec;
        return 1;
    }
}

static void text_free(void *p)
{
    text_state *st = p;
    if (st)
        ccg__buf_free(&st->para);
    free(st);
}

static const ccg__format_ops text_ops = {text_next, text_free};

int ccg__open_text(ccg_reader *r)
{
    return ccg__reader_use(r, &text_ops, sizeof(text_state));
}
