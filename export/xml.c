#include <math.h>
#include <string.h>

#include "export_internal.h"

int ccg__xml_fail(void)
{
    return ccg__err(CCG_EIO, "XML writer failed (out of memory or write error)");
}

int ccg__xml_open(FILE *fp, xmlTextWriterPtr *out)
{
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(fp, NULL);
    if (!ob)
        return ccg__err(CCG_ENOMEM, "out of memory");
    xmlTextWriterPtr w = xmlNewTextWriter(ob); /* owns ob from now on */
    if (!w) {
        xmlOutputBufferClose(ob);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    if (xmlTextWriterSetIndent(w, 1) < 0 || xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0 ||
        xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0) {
        xmlFreeTextWriter(w);
        return ccg__xml_fail();
    }
    *out = w;
    return 0;
}

int ccg__xml_close(xmlTextWriterPtr w)
{
    int rc = xmlTextWriterEndDocument(w);
    if (rc >= 0)
        rc = xmlTextWriterFlush(w);
    xmlFreeTextWriter(w);
    return rc < 0 ? ccg__xml_fail() : 0;
}

int ccg__xml_attr(xmlTextWriterPtr w, ccg_buf *b, const char *name, const char *text)
{
    b->len = 0;
    if (ccg__export_clean(b, text) < 0)
        return CCG_ENOMEM;
    if (xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST b->data) < 0)
        return ccg__xml_fail();
    return 0;
}

int ccg__xml_attr_raw(xmlTextWriterPtr w, const char *name, const char *value)
{
    return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value) < 0 ? ccg__xml_fail() : 0;
}

int ccg__xml_attr_num(xmlTextWriterPtr w, const char *name, double value)
{
    char num[32];
    return ccg__xml_attr_raw(w, name, ccg__fmt_double(num, value));
}

int ccg__xml_element(xmlTextWriterPtr w, ccg_buf *b, const char *name, const char *text)
{
    b->len = 0;
    if (ccg__export_clean(b, text) < 0)
        return CCG_ENOMEM;
    if (xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST b->data) < 0)
        return ccg__xml_fail();
    return 0;
}

int ccg__xml_start(xmlTextWriterPtr w, const char *name)
{
    return xmlTextWriterStartElement(w, BAD_CAST name) < 0 ? ccg__xml_fail() : 0;
}

int ccg__xml_end(xmlTextWriterPtr w)
{
    return xmlTextWriterEndElement(w) < 0 ? ccg__xml_fail() : 0;
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
