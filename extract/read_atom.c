/*
 * read_atom.c: arXiv API Atom feeds, streamed with libxml2's xmlTextReader.
 *
 *   <feed xmlns="http://www.w3.org/2005/Atom"
 *         xmlns:arxiv="http://arxiv.org/schemas/atom">
 *     <entry>
 *       <id>http://arxiv.org/abs/2409.14144v1</id>
 *       <published>2024-09-21T...</published>  <title>…</title>  <summary>…</summary>
 *       <author><name>…</name></author>  <category term="cs.CL"/>
 *       <arxiv:comment>…</arxiv:comment>  <arxiv:journal_ref>…</arxiv:journal_ref>
 *       <arxiv:doi>…</arxiv:doi>
 *     </entry>
 *
 * Elements are matched by local name whatever their prefix: feeds re-saved
 * by other tools move namespaces around. Entities are not loaded (no DTD,
 * no network): an Atom feed has none but the predefined five.
 */
#include "read.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    xmlTextReaderPtr xr;
    bool seen_root;
    char error[256];      /* the first XML error */
    unsigned long error_line;
} atom_state;

static void on_error(void *ud, xmlErrorPtr e)
{
    atom_state *st = ud;
    if (st->error[0] || !e)
        return;
    snprintf(st->error, sizeof st->error, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(st->error);
    while (n > 0 && (st->error[n - 1] == '\n' || st->error[n - 1] == ' '))
        st->error[--n] = '\0';
    st->error_line = e->line > 0 ? (unsigned long)e->line : 1;
}

static int io_read(void *ud, char *buf, int len)
{
    long k = ccg__reader_read(ud, buf, (size_t)len);
    return k < 0 ? -1 : (int)k;
}

static int io_close(void *ud)
{
    (void)ud;
    return 0;
}

/* The line of the current element (the parser itself may have read ahead). */
static unsigned long node_line(atom_state *st)
{
    long line = xmlGetLineNo(xmlTextReaderCurrentNode(st->xr));
    return line > 0 ? (unsigned long)line : 1;
}

static bool is(const xmlChar *name, const char *s) { return name && strcmp((const char *)name, s) == 0; }

/* The text of the current element, cleaned into *field (first one wins unless replace). */
static int element_text(ccg_reader *r, atom_state *st, ccg_record *rec, char **field)
{
    xmlChar *t = xmlTextReaderReadString(st->xr);
    int err = 0;
    if (t) {
        if (!*field)
            err = ccg__record_text(r, rec, field, (const char *)t, strlen((const char *)t));
        xmlFree(t);
    }
    return err;
}

static int xml_failure(ccg_reader *r, atom_state *st)
{
    if (st->error[0])
        return ccg__reader_fatal(r, st->error_line, CCG_EPARSE, "invalid XML: %s", st->error);
    if (*ccg_error_last())
        return ccg__reader_fatal(r, r->line, CCG_EIO, "%s", ccg_error_last());
    return ccg__reader_fatal(r, 1, CCG_EPARSE, "invalid XML");
}

static int atom_next(ccg_reader *r, ccg_record **out)
{
    atom_state *st = r->state;
    ccg_record *rec = NULL;
    char *published = NULL, *id = NULL, *doi = NULL, *journal = NULL, *comment = NULL;
    int err = 0, rc, depth = -1;
    bool in_author = false, closed = false;
    ccg__err(CCG_OK, "%s", "");
    while ((rc = xmlTextReaderRead(st->xr)) == 1) {
        int type = xmlTextReaderNodeType(st->xr);
        const xmlChar *name = xmlTextReaderConstLocalName(st->xr);
        if (type == XML_READER_TYPE_ELEMENT && !st->seen_root) {
            st->seen_root = true;
            if (!is(name, "feed") && !is(name, "entry")) {
                err = ccg__reader_fatal(r, node_line(st), CCG_EPARSE,
                                        "not an Atom feed: the root element is <%s>",
                                        (const char *)name);
                goto cleanup;
            }
        }
        if (type == XML_READER_TYPE_ELEMENT && is(name, "entry") && !rec) {
            if ((err = ccg__record_new(r, node_line(st), &rec)) < 0)
                goto cleanup;
            depth = xmlTextReaderDepth(st->xr);
            if ((closed = xmlTextReaderIsEmptyElement(st->xr)))
                break;
            continue;
        }
        if (!rec)
            continue;
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(st->xr) == depth) {
            closed = true; /* </entry> */
            break;
        }
        if (type == XML_READER_TYPE_END_ELEMENT && is(name, "author"))
            in_author = false;
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if (is(name, "author")) {
            in_author = !xmlTextReaderIsEmptyElement(st->xr);
        } else if (is(name, "name") && in_author) {
            xmlChar *t = xmlTextReaderReadString(st->xr);
            if (t) {
                err = ccg__record_push(r, rec, &rec->authors, &rec->n_authors, (const char *)t,
                                       strlen((const char *)t));
                xmlFree(t);
            }
        } else if (is(name, "category")) {
            xmlChar *t = xmlTextReaderGetAttribute(st->xr, (const xmlChar *)"term");
            if (t) {
                err = ccg__record_push(r, rec, &rec->categories, &rec->n_categories,
                                       (const char *)t, strlen((const char *)t));
                xmlFree(t);
            }
        } else if (is(name, "title")) {
            err = element_text(r, st, rec, &rec->title);
        } else if (is(name, "summary")) {
            err = element_text(r, st, rec, &rec->abstract);
        } else if (is(name, "id")) {
            err = element_text(r, st, rec, &id);
        } else if (is(name, "published")) {
            err = element_text(r, st, rec, &published);
        } else if (is(name, "doi")) {
            err = element_text(r, st, rec, &doi);
        } else if (is(name, "journal_ref")) {
            err = element_text(r, st, rec, &journal);
        } else if (is(name, "comment")) {
            err = element_text(r, st, rec, &comment);
        }
        if (err < 0)
            goto cleanup;
    }
    if (rc < 0) {
        err = xml_failure(r, st);
        goto cleanup;
    }
    if (!rec) {
        if (!st->seen_root)
            err = ccg__reader_fatal(r, 1, CCG_EPARSE, "not an Atom feed: no root element");
        goto cleanup; /* end of the feed */
    }
    if (!closed) { /* libxml2 reports a cut-off document; this is a safety net */
        err = ccg__reader_fatal(r, rec->line, CCG_EPARSE, "truncated feed: <entry> not closed");
        goto cleanup;
    }
    if (published) {
        int y = 0, m = 0;
        if (sscanf(published, "%4d-%2d", &y, &m) >= 1 && y > 1000) {
            rec->year = y;
            rec->month = m >= 1 && m <= 12 ? m : 0;
        }
    }
    if ((id && (err = ccg__record_set_arxiv(rec, id, strlen(id))) < 0) ||
        (doi && (err = ccg__record_set_doi(rec, doi, strlen(doi))) < 0))
        goto cleanup;
    rec->venue = journal ? journal : comment;
    if (journal)
        journal = NULL;
    else
        comment = NULL;
    if ((err = ccg__record_finish(r, &rec, id)) < 0)
        goto cleanup;
    *out = rec;
    rec = NULL;
    err = 1;
cleanup:
    ccg_record_free(rec);
    free(published);
    free(id);
    free(doi);
    free(journal);
    free(comment);
    return err;
}

static void atom_free(void *p)
{
    atom_state *st = p;
    if (!st)
        return;
    if (st->xr)
        xmlFreeTextReader(st->xr);
    free(st);
}

static const ccg__format_ops atom_ops = {atom_next, atom_free};

int ccg__open_atom(ccg_reader *r)
{
    int err = ccg__reader_use(r, &atom_ops, sizeof(atom_state));
    if (err < 0)
        return err;
    atom_state *st = r->state;
    st->xr = xmlReaderForIO(io_read, io_close, r, r->file, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                  XML_PARSE_NOWARNING);
    if (!st->xr)
        return ccg__err(CCG_ENOMEM, "%s: cannot start the XML parser", r->file);
    xmlTextReaderSetStructuredErrorHandler(st->xr, on_error, st);
    return 0;
}
