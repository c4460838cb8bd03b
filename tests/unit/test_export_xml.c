/* Unit tests of export/xml.c and the number formatting of export.c against
 * the references they replace: the XML writer must give the bytes of
 * libxml2's xmlTextWriter, ccg__fmt_double those of the snprintf/strtod
 * loop, ccg__fmt_int those of "%" PRId64. Written against libxml2 2.9.14
 * (Debian 12): a libxml2 that escapes otherwise fails here, while the
 * golden files keep ccgraph's own bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* Deterministic xorshift: the same strings on every run. */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random text biased towards what escaping and cleaning care about. */
static void random_text(char *s, size_t cap)
{
    static const char *const pieces[] = {
        "\"", "<", ">", "&", "'", "\t", "\n", "\r", "\x01", "\x1b", "\x7f", "\xc2\x85",
        "\xc2\xa0", "\xc3\xa9", "\xe2\x82\xac", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xef\xbf\xbd",
        "\xf0\x9f\x9a\x80", "\xed\xa0\x80", "\xc0\xaf", "\xff", "\xe2\x82", "]]>", "&amp;",
        " ", "a", "Z", "0", "-", ";", "\\", "%"};
    size_t n = 0, len = rnd() % 40;
    for (size_t k = 0; k < len; k++) {
        const char *p;
        char one[2] = {0, 0};
        if (rnd() % 4 == 0) {
            one[0] = (char)(1 + rnd() % 255);
            p = one;
        } else {
            p = pieces[rnd() % (sizeof pieces / sizeof *pieces)];
        }
        size_t l = strlen(p);
        if (n + l + 1 > cap)
            break;
        memcpy(s + n, p, l);
        n += l;
    }
    s[n] = '\0';
}

typedef struct {
    const char *attr, *text, *raw; /* untrusted attribute value and text; trusted text */
} doc_strings;

/* The document below, written by libxml2's xmlTextWriter: untrusted text
 * cleaned first, as ccgraph's writers did with it. */
static char *libxml2_doc(const doc_strings *d, size_t *len)
{
    char *out = NULL;
    FILE *fp = open_memstream(&out, len);
    ccg_buf b = CCG_BUF_INIT;
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(fp, NULL);
    xmlTextWriterPtr w = xmlNewTextWriter(ob);
    assert_non_null(w);
    assert_true(xmlTextWriterSetIndent(w, 1) >= 0);
    assert_true(xmlTextWriterSetIndentString(w, BAD_CAST "  ") >= 0);
    assert_true(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) >= 0);
    xmlTextWriterStartElement(w, BAD_CAST "root");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "urn:x");
    ccg__export_clean(&b, d->attr);
    xmlTextWriterWriteAttribute(w, BAD_CAST "a", BAD_CAST b.data);
    xmlTextWriterWriteElement(w, BAD_CAST "desc", BAD_CAST d->raw);
    xmlTextWriterStartElement(w, BAD_CAST "node");
    xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST "n0");
    xmlTextWriterStartElement(w, BAD_CAST "data");
    xmlTextWriterWriteAttribute(w, BAD_CAST "key", BAD_CAST d->raw);
    b.len = 0;
    ccg__export_clean(&b, d->text);
    xmlTextWriterWriteString(w, BAD_CAST b.data);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "data"); /* again, by ccg__xml_leaf */
    xmlTextWriterWriteAttribute(w, BAD_CAST "key", BAD_CAST d->raw);
    xmlTextWriterWriteString(w, BAD_CAST b.data);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "empty");
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "deep");
    xmlTextWriterStartElement(w, BAD_CAST "er");
    b.len = 0;
    ccg__export_clean(&b, d->text);
    xmlTextWriterWriteAttribute(w, BAD_CAST "v", BAD_CAST b.data);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    assert_true(xmlTextWriterEndDocument(w) >= 0);
    xmlFreeTextWriter(w);
    ccg__buf_free(&b);
    fclose(fp);
    return out;
}

/* The same document by xml.c; its last element is left to ccg__xml_close. */
static char *ccg_doc(const doc_strings *d, size_t *len)
{
    char *out = NULL;
    FILE *fp = open_memstream(&out, len);
    ccg_xml *w;
    assert_int_equal(ccg__xml_open(fp, &w), 0);
    ccg__xml_start(w, "root");
    ccg__xml_attr_raw(w, "xmlns", "urn:x");
    ccg__xml_attr(w, "a", d->attr);
    ccg__xml_element_raw(w, "desc", d->raw);
    ccg__xml_start(w, "node");
    ccg__xml_attr_raw(w, "id", "n0");
    ccg__xml_start(w, "data");
    ccg__xml_attr_raw(w, "key", d->raw);
    ccg__xml_text(w, d->text);
    ccg__xml_end(w);
    ccg__xml_leaf(w, "data", "key", d->raw, d->text);
    ccg__xml_start(w, "empty");
    ccg__xml_end(w);
    ccg__xml_start(w, "deep");
    ccg__xml_start(w, "er");
    ccg__xml_attr(w, "v", d->text);
    ccg__xml_end(w);
    ccg__xml_end(w);
    assert_int_equal(ccg__xml_close(w), 0);
    fclose(fp);
    return out;
}

static void check_doc(const doc_strings *d)
{
    size_t la, lb;
    char *a = libxml2_doc(d, &la), *b = ccg_doc(d, &lb);
    if (la != lb || memcmp(a, b, la) != 0)
        fail_msg("xmlTextWriter and ccg_xml differ:\n%s\n---\n%s", a, b);
    free(a);
    free(b);
}

static void test_xml_like_libxml2(void **state)
{
    (void)state;
    char attr[256], text[256], raw[256];
    /* Trusted text is what the writers pass raw: cleaned text, maybe with
     * the newlines that join notes; TAB and CR, which they never pass, pin
     * down the rest of the escaping. */
    doc_strings d = {"", "", ""};
    check_doc(&d);
    for (int k = 0; k < 20000; k++) {
        ccg_buf b = CCG_BUF_INIT;
        random_text(attr, sizeof attr);
        random_text(text, sizeof text);
        random_text(raw, sizeof raw);
        ccg__export_clean(&b, raw);
        ccg__buf_puts(&b, k % 2 ? "\nnote\t\r\n" : "");
        d = (doc_strings){attr, text, b.data};
        check_doc(&d);
        ccg__buf_free(&b);
    }
}

/* Every code point once, in attributes and text. */
static void test_xml_all_code_points(void **state)
{
    (void)state;
    ccg_buf b = CCG_BUF_INIT;
    for (unsigned cp = 1; cp <= 0x10FFFF; cp++) {
        char u[5];
        size_t n;
        if (cp < 0x80) {
            u[0] = (char)cp, n = 1;
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
        } else if (cp < 0x10000) {
            u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
        } else {
            u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
        }
        assert_int_equal(ccg__buf_add(&b, u, n), 0);
        if (b.len > 60000 || cp == 0x10FFFF) {
            doc_strings d = {b.data, b.data, "x"};
            check_doc(&d);
            b.len = 0;
        }
    }
    ccg__buf_free(&b);
}

/* A string longer than the writer's buffer goes straight to the file. */
static void test_xml_long_text(void **state)
{
    (void)state;
    size_t n = 300000;
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t k = 0; k < n; k++)
        s[k] = "ab<&\"c\xc3\xa9 "[k % 10];
    s[n] = '\0';
    doc_strings d = {s, s, "x"};
    check_doc(&d);
    free(s);
}

/* The text ccg__fmt_double is specified to give, as it once computed it. */
static const char *ref_double(char buf[32], double d)
{
    if (d == trunc(d) && fabs(d) < 1e15) {
        snprintf(buf, 32, "%.0f", d == 0 ? 0.0 : d);
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

static void check_double(double d)
{
    char a[32], b[32];
    ref_double(a, d);
    ccg__fmt_double(b, d);
    if (strcmp(a, b) != 0)
        fail_msg("%.17g: snprintf loop gives %s, ccg__fmt_double %s", d, a, b);
}

static double random_double(void)
{
    uint64_t bits = rnd();
    double d;
    switch (rnd() % 8) {
    case 0: /* any finite double */
        memcpy(&d, &bits, sizeof d);
        return isfinite(d) ? d : 1.5;
    case 1: /* a metric: 1e-13 .. 1e17 */
        return (double)(bits >> 11) / 9007199254740992.0 * pow(10, (double)(rnd() % 31) - 13);
    case 2: /* a rounded coordinate or size */
        return (double)((int64_t)(bits % 2000000) - 1000000) / 100;
    case 3: /* few decimal digits at any scale */
        return (double)(bits % 100000) * pow(10, (double)(rnd() % 30) - 20);
    case 4: /* near a power of ten: carries and exponent estimates */
        d = pow(10, (double)(rnd() % 30) - 14);
        for (int k = (int)(rnd() % 8); k > 0; k--)
            d = nextafter(d, rnd() % 2 ? 0 : INFINITY);
        return d;
    case 5: /* dyadic: exact decimal ties at 15, 16 or 17 digits */
        return ldexp((double)((bits >> 11) | 1), -(int)(rnd() % 60));
    case 6: /* a power of two and its neighbours: the narrower lower gap */
        d = ldexp(1.0, (int)(rnd() % 90) - 45);
        return rnd() % 2 ? nextafter(d, INFINITY) : rnd() % 2 ? d : nextafter(d, 0);
    default: /* a ratio, as decimal years and averages are */
        return (double)(bits % 100000) / (double)(1 + rnd() % 999);
    }
}

static void test_fmt_double_like_snprintf(void **state)
{
    (void)state;
    static const double fixed[] = {
        0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 2021.9166666666667, 2025.1666666666667, 5851516.102891156,
        0.027949122545919577, 1e-5, 1.5e-5, 0.0001, 0.00012345, 9.999999999999999e14,
        999999999999999.9, 1e15 + 0.5, 123456789012345.6, 1234567890123456.5, 1e-11, 9.99e-12,
        1e16, 1e21, 1e-300, 5e-324, DBL_MAX, DBL_MIN, 0.5, 0.25, 1.0 / 1024, -0.1, -1e-7,
        9.9999999999999995, 0.99999999999999994, 8.5, 1e23, 4.35, 0.3 - 0.1};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++) {
        check_double(fixed[k]);
        check_double(-fixed[k]);
    }
    for (int k = 0; k < 300000; k++)
        check_double(random_double());
    for (int64_t v = -100; v <= 100; v++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%" PRId64, v * 9876543210987);
        assert_string_equal(ccg__fmt_int(b, v * 9876543210987), a);
    }
    char a[32], b[32];
    snprintf(a, sizeof a, "%" PRId64, INT64_MIN);
    assert_string_equal(ccg__fmt_int(b, INT64_MIN), a);
}

static void test_xml_misuse(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len;
    FILE *fp = open_memstream(&out, &len);
    ccg_xml *w;
    assert_int_equal(ccg__xml_open(fp, &w), 0);
    assert_int_equal(ccg__xml_attr_raw(w, "a", "b"), CCG_EINVAL);
    assert_int_equal(ccg__xml_start(w, "x"), CCG_EINVAL); /* the first error sticks */
    assert_int_equal(ccg__xml_close(w), CCG_EINVAL);
    assert_int_equal(ccg__xml_open(fp, &w), 0);
    assert_int_equal(ccg__xml_end(w), CCG_EINVAL);
    ccg__xml_free(w);
    ccg__xml_free(NULL);
    fclose(fp);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_like_libxml2),
        cmocka_unit_test(test_xml_all_code_points),
        cmocka_unit_test(test_xml_long_text),
        cmocka_unit_test(test_xml_misuse),
        cmocka_unit_test(test_fmt_double_like_snprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
