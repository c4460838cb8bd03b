#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * The XML writer of GraphML and GEXF: the bytes libxml2 2.9's xmlTextWriter
 * wrote (indent of two spaces, UTF-8 declared, its escaping), from a plain
 * buffered writer. Measured on the 74.5k-abstract build (36 MB of GraphML,
 * 515k elements): xmlTextWriter spent most of the 0.39 s CPU the file took
 * in per-call list and buffer bookkeeping (xmlBufAdd, xmlOutputBufferWrite,
 * a malloc'ed copy per xmlEncodeSpecialChars); these are a few appends to
 * one buffer. libxml2 stays the reference: the export unit tests write
 * random and hostile text through both and compare the bytes, and the
 * schema tests read the files back with xmllint.
 *
 * Only the calls the writers make are supported: an element holds either
 * text or child elements, and attributes come before either.
 */
#define XML_MAX_DEPTH 16
#define XML_BUF 65536

struct ccg_xml {
    FILE *fp;
    char *buf;
    size_t len;
    const char *open[XML_MAX_DEPTH]; /* names of the open elements (caller's strings) */
    size_t depth;
    bool in_tag;   /* the innermost start tag is not closed yet ('>' not written) */
    bool doindent; /* libxml2's flag: false right after text, so the end tag follows it */
    int err;       /* first error: later calls do nothing and return it */
    ccg_buf clean; /* untrusted text after ccg__export_clean */
};

static int fail(ccg_xml *w, int err)
{
    if (!w->err)
        w->err = err;
    return w->err;
}

static int flush(ccg_xml *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->fp) != w->len)
        return fail(w, ccg__err(CCG_EIO, "XML writer: write error"));
    w->len = 0;
    return 0;
}

static void put(ccg_xml *w, const char *s, size_t n)
{
    if (n > XML_BUF - w->len) {
        if (flush(w) < 0)
            return;
        if (n > XML_BUF) {
            if (fwrite(s, 1, n, w->fp) != n)
                fail(w, ccg__err(CCG_EIO, "XML writer: write error"));
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void puts_(ccg_xml *w, const char *s)
{
    put(w, s, strlen(s));
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

static void indent(ccg_xml *w, size_t level)
{
    for (size_t k = 0; k < level; k++)
        PUT_LIT(w, "  ");
}

/* What xmlTextWriter 2.9 writes for a byte needing a reference: attribute
 * values go through xmlBufAttrSerializeTxtContent (" < > & and TAB LF CR;
 * bytes >= 0x80 unchanged once the document declares UTF-8), element text
 * through xmlEncodeSpecialChars (" < > & and CR). NULL: the byte itself. */
static const char *reference(unsigned char c, bool attr)
{
    switch (c) {
    case '"': return "&quot;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '&': return "&amp;";
    case '\r': return "&#13;";
    case '\n': return attr ? "&#10;" : NULL;
    case '\t': return attr ? "&#9;" : NULL;
    default: return NULL;
    }
}

/* Printable ASCII that needs no reference: most bytes of most strings. */
static bool plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' && c != '&';
}

/* Nonzero when a byte of w is not plain (SWAR, as in extract/json.c). */
static uint64_t special8(uint64_t w)
{
    return ccg__bytes_below(w, 0x20) | (w & CCG__HIGH8) | ccg__bytes_eq(w, 0x7F) |
           ccg__bytes_eq(w, '"') | ccg__bytes_eq(w, '<') | ccg__bytes_eq(w, '>') |
           ccg__bytes_eq(w, '&');
}

/*
 * s escaped for an attribute value or element text. Untrusted text is
 * cleaned first (ccg__export_clean), but only from its first byte that
 * cleaning could change (a control, DEL or non-ASCII byte): cleaning works
 * character by character, and the printable ASCII before that byte is
 * left as it is.
 */
static void put_escaped(ccg_xml *w, const char *str, bool attr, bool untrusted)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    const unsigned char *end = s + strlen((const char *)s), *run = s;
    for (;;) {
        /* whole words of plain bytes, then the bytes up to the special one */
        while (end - s >= 8) {
            uint64_t word;
            memcpy(&word, s, 8);
            if (special8(word))
                break;
            s += 8;
        }
        while (s < end && plain(*s))
            s++;
        if (s == end)
            break;
        if (s > run)
            put(w, (const char *)run, (size_t)(s - run));
        if (untrusted && (*s < 0x20 || *s >= 0x7F)) {
            w->clean.len = 0;
            if (ccg__export_clean(&w->clean, (const char *)s) < 0) {
                fail(w, CCG_ENOMEM);
                return;
            }
            put_escaped(w, w->clean.data, attr, false);
            return;
        }
        const char *ref = reference(*s, attr);
        if (ref)
            puts_(w, ref);
        else
            put(w, (const char *)s, 1);
        run = ++s;
    }
    if (s > run)
        put(w, (const char *)run, (size_t)(s - run));
}

int ccg__xml_open(FILE *fp, ccg_xml **out)
{
    ccg_xml *w = ccg__calloc(1, sizeof *w);
    if (!w || !(w->buf = ccg__malloc(XML_BUF))) {
        free(w);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    w->fp = fp;
    PUT_LIT(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    *out = w;
    return 0;
}

void ccg__xml_free(ccg_xml *w)
{
    if (!w)
        return;
    ccg__buf_free(&w->clean);
    free(w->buf);
    free(w);
}

int ccg__xml_close(ccg_xml *w)
{
    while (w->depth && !w->err)
        ccg__xml_end(w);
    if (!w->err)
        flush(w);
    int err = w->err;
    ccg__xml_free(w);
    return err;
}

int ccg__xml_start(ccg_xml *w, const char *name)
{
    if (w->err)
        return w->err;
    if (w->depth == XML_MAX_DEPTH)
        return fail(w, ccg__err(CCG_EINVAL, "XML writer: elements nested too deep"));
    if (w->in_tag)
        PUT_LIT(w, ">\n");
    w->open[w->depth++] = name;
    indent(w, w->depth - 1);
    PUT_LIT(w, "<");
    puts_(w, name);
    w->in_tag = true;
    return w->err;
}

int ccg__xml_end(ccg_xml *w)
{
    if (w->err)
        return w->err;
    if (!w->depth)
        return fail(w, ccg__err(CCG_EINVAL, "XML writer: no element to end"));
    if (w->in_tag) {
        PUT_LIT(w, "/>\n");
    } else {
        if (w->doindent)
            indent(w, w->depth - 1);
        PUT_LIT(w, "</");
        puts_(w, w->open[w->depth - 1]);
        PUT_LIT(w, ">\n");
    }
    w->doindent = true;
    w->in_tag = false;
    w->depth--;
    return w->err;
}

/* Room for n more bytes in the buffer (n <= XML_BUF); false after an error. */
static bool reserve(ccg_xml *w, size_t n)
{
    return n <= XML_BUF - w->len || flush(w) == 0;
}

/* Copies n bytes that fit (reserve) into the buffer. */
static void append(ccg_xml *w, const char *s, size_t n)
{
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

int ccg__xml_leaf(ccg_xml *w, const char *name, const char *attr_name, const char *value,
                  const char *text)
{
    static const char spaces[2 * XML_MAX_DEPTH] = "                                ";
    size_t nl = strlen(name), al = strlen(attr_name);
    if (w->err)
        return w->err;
    if (w->depth == XML_MAX_DEPTH)
        return fail(w, ccg__err(CCG_EINVAL, "XML writer: elements nested too deep"));
    /* Names longer than a line are not the writers' (they go the long way). */
    if (nl > 256 || al > 256) {
        ccg__xml_start(w, name);
        ccg__xml_attr_raw(w, attr_name, value);
        ccg__xml_text(w, text);
        return ccg__xml_end(w);
    }
    /* ">\n" closing the parent's start tag, the indent, "<name attr=\"" */
    if (!reserve(w, 2 + 2 * w->depth + 1 + nl + 1 + al + 2))
        return w->err;
    if (w->in_tag)
        append(w, ">\n", 2);
    append(w, spaces, 2 * w->depth);
    append(w, "<", 1);
    append(w, name, nl);
    append(w, " ", 1);
    append(w, attr_name, al);
    append(w, "=\"", 2);
    put_escaped(w, value, /* attr = */ true, /* untrusted = */ false);
    PUT_LIT(w, "\">");
    put_escaped(w, text, /* attr = */ false, /* untrusted = */ true);
    if (!reserve(w, 2 + nl + 2))
        return w->err;
    append(w, "</", 2);
    append(w, name, nl);
    append(w, ">\n", 2);
    w->in_tag = false;
    w->doindent = true;
    return w->err;
}

static int attr(ccg_xml *w, const char *name, const char *value, bool untrusted)
{
    if (w->err)
        return w->err;
    if (!w->in_tag)
        return fail(w, ccg__err(CCG_EINVAL, "XML writer: attribute outside a start tag"));
    PUT_LIT(w, " ");
    puts_(w, name);
    PUT_LIT(w, "=\"");
    put_escaped(w, value, /* attr = */ true, untrusted);
    PUT_LIT(w, "\"");
    return w->err;
}

int ccg__xml_attr(ccg_xml *w, const char *name, const char *text)
{
    return attr(w, name, text, /* untrusted = */ true);
}

int ccg__xml_attr_raw(ccg_xml *w, const char *name, const char *value)
{
    return attr(w, name, value, /* untrusted = */ false);
}

int ccg__xml_attr_num(ccg_xml *w, const char *name, double value)
{
    char num[32];
    return ccg__xml_attr_raw(w, name, ccg__fmt_double(num, value));
}

static int text(ccg_xml *w, const char *s, bool untrusted)
{
    if (w->err)
        return w->err;
    if (!w->depth)
        return fail(w, ccg__err(CCG_EINVAL, "XML writer: text outside an element"));
    if (w->in_tag) {
        PUT_LIT(w, ">");
        w->in_tag = false;
    }
    put_escaped(w, s, /* attr = */ false, untrusted);
    w->doindent = false;
    return w->err;
}

int ccg__xml_text(ccg_xml *w, const char *s)
{
    return text(w, s, /* untrusted = */ true);
}

int ccg__xml_element(ccg_xml *w, const char *name, const char *s)
{
    int err;
    if ((err = ccg__xml_start(w, name)) < 0 || (err = text(w, s, true)) < 0)
        return err;
    return ccg__xml_end(w);
}

int ccg__xml_element_raw(ccg_xml *w, const char *name, const char *s)
{
    int err;
    if ((err = ccg__xml_start(w, name)) < 0 || (err = text(w, s, false)) < 0)
        return err;
    return ccg__xml_end(w);
}

bool ccg__reserved_name(const char *name)
{
    static const char *const reserved[] = {
        "label", "x", "y", "z", "size", "r", "g", "b", "color", "weight", "name", "type",
        "community", "community_label", "start", "end", "id", "source", "target"};
    for (size_t k = 0; k < sizeof reserved / sizeof *reserved; k++)
        if (strcmp(name, reserved[k]) == 0)
            return true;
    return false;
}

int ccg__xml_name(ccg_buf *b, const char *name)
{
    if (ccg__reserved_name(name) && ccg__buf_puts(b, "ccg_") < 0)
        return CCG_ENOMEM;
    if (!*name && ccg__buf_putc(b, '_') < 0)
        return CCG_ENOMEM;
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';
        if (ccg__buf_putc(b, ok ? c : '_') < 0)
            return CCG_ENOMEM;
    }
    return 0;
}

void ccg__frame(const ccg_network *net, ccg_frame *fr)
{
    memset(fr, 0, sizeof *fr);
    if (!net->x || !net->y || net->n_nodes == 0)
        return;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < net->n_nodes; i++) {
        if (!isfinite(net->x[i]) || !isfinite(net->y[i]))
            continue;
        x0 = fmin(x0, net->x[i]);
        x1 = fmax(x1, net->x[i]);
        y0 = fmin(y0, net->y[i]);
        y1 = fmax(y1, net->y[i]);
    }
    if (x0 > x1)
        return;
    double span = fmax(x1 - x0, y1 - y0);
    fr->has = true;
    fr->scale = span > 0 ? CCG__FRAME / span : 1;
    fr->cx = (x0 + x1) / 2;
    fr->cy = (y0 + y1) / 2;
}

double ccg__fx(const ccg_frame *fr, double x)
{
    return round((x - fr->cx) * fr->scale * 100) / 100;
}

double ccg__fy(const ccg_frame *fr, double y)
{
    return round((y - fr->cy) * fr->scale * 100) / 100;
}

double ccg__max_size(const ccg_network *net)
{
    double m = 0;
    for (size_t i = 0; net->size && i < net->n_nodes; i++)
        if (net->size[i] > m)
            m = net->size[i];
    return m;
}

double ccg__node_size(const ccg_network *net, double max_size, size_t i)
{
    if (!net->size || !(max_size > 0))
        return 10;
    double s = net->size[i] > 0 ? net->size[i] / max_size : 0;
    /* Rounded to 0.01 so files stay short and stable. */
    return round((4 + 36 * sqrt(s)) * 100) / 100;
}

const char *ccg__xml_type(ccg_column_type t)
{
    switch (t) {
    case CCG_COL_INT: return "long";
    case CCG_COL_DOUBLE: return "double";
    case CCG_COL_BOOL: return "boolean";
    case CCG_COL_STRING: return "string";
    }
    return "string";
}
