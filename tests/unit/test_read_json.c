/*
 * test_read_json.c: the readers' JSON parser (extract/json.c): RFC 8259
 * corners, escapes and surrogates, numbers, limits, and the truncation flag
 * that tells a cut-off file from a bad record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccg_common.h"
#include "json.h"

static ccg_json *J;
static char *input; /* what the values of the last parse point into */

/* Parses a copy of s (the parser overwrites its input), in a buffer of exactly its size. */
static int parse(const char *s, ccg_jv **v, ccg_json_error *e)
{
    size_t n = strlen(s);
    free(input);
    input = malloc(n ? n : 1);
    assert_non_null(input);
    memcpy(input, s, n);
    return ccg__json_parse(J, input, n, v, e);
}

static ccg_jv *ok(const char *s)
{
    ccg_jv *v = NULL;
    ccg_json_error e;
    int rc = parse(s, &v, &e);
    if (rc != 0)
        fail_msg("'%s' did not parse: %s", s, e.msg);
    return v;
}

static ccg_json_error bad(const char *s, bool want_truncated)
{
    ccg_jv *v;
    ccg_json_error e;
    int rc = parse(s, &v, &e);
    if (rc != CCG_EPARSE)
        fail_msg("'%s' should fail, rc %d", s, rc);
    assert_true(e.msg[0] != '\0');
    if (e.truncated != want_truncated)
        fail_msg("'%s': truncated is %d", s, e.truncated);
    return e;
}

static void test_values(void **state)
{
    (void)state;
    ccg_jv *v = ok(" {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"x\"], \"b\": {}, \"c\": []} ");
    assert_int_equal(v->type, CCG_J_OBJ);
    assert_int_equal(v->count, 3);
    ccg_jv *a = ccg__jget(v, "a");
    assert_int_equal(a->count, 8);
    ccg_jv *e = ccg__jfirst(a);
    assert_true(e->is_int && e->i == 1);
    e = e->next;
    assert_true(e->is_int && e->i == -2);
    e = e->next;
    assert_false(e->is_int);
    assert_int_equal(e->len, 3);
    e = e->next;
    assert_false(e->is_int); /* 1e3 is not written as an integer */
    assert_int_equal(e->next->type, CCG_J_TRUE);
    assert_int_equal(e->next->next->type, CCG_J_FALSE);
    assert_int_equal(e->next->next->next->type, CCG_J_NULL);
    assert_string_equal(ccg__jstr(e->next->next->next->next), "x");
    assert_int_equal(ccg__jget(v, "b")->count, 0);
    assert_null(ccg__jfirst(ccg__jget(v, "c")));
    assert_null(ccg__jget(v, "missing"));
    assert_null(ccg__jget(a, "a")); /* not an object */
    assert_null(ccg__jstr(a));
    v = ok("9223372036854775807");
    assert_true(v->is_int && v->i == INT64_MAX);
    v = ok("-9223372036854775808");
    assert_true(v->is_int && v->i == INT64_MIN);
    v = ok("99999999999999999999");
    assert_false(v->is_int);
}

static void test_strings(void **state)
{
    (void)state;
    ccg_jv *v = ok("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t u\\u00e9 \\u4E2D \\ud83d\\ude00 lone\\ud800x nul\\u0000end\"");
    assert_string_equal(v->s, "q\" b\\ s/ \b\f\n\r\t ué 中 \xF0\x9F\x98\x80 lone\xEF\xBF\xBDx nulend");
    assert_int_equal(v->len, strlen(v->s));
    /* invalid UTF-8 passes through: text cleanup repairs it with a warning */
    v = ok("\"a\xFF" "b\"");
    assert_string_equal(v->s, "a\xFF" "b");
    v = ok("{\"k\\u0041\": 1}");
    assert_non_null(ccg__jget(v, "kA"));
}

static void test_errors(void **state)
{
    (void)state;
    bad("", true);
    bad("{", true);
    bad("{\"a\": [1, 2", true);
    bad("\"abc", true);
    bad("tru", true);
    bad("{\"a\" 1}", false);
    bad("{\"a\": 1,}", false);
    bad("[1 2]", false);
    bad("01", false);
    bad("1.", true);
    bad("-", true);
    bad("+1", false);
    bad("\"a\tb\"", false);
    bad("\"\\x\"", false);
    bad("\"\\u12G4\"", false);
    bad("{} {}", false);
    bad("nul", true);
    bad("[1,]", false);
    bad("{'a': 1}", false);
    /* an unterminated string says so, whatever bad byte comes first */
    bad("\"a\tb", true);
    bad("\"a\\qb", true);
    bad("\"a\\", true);
}

/*
 * Where an error is: the newlines before it and its column, counted in the
 * input as it was, though the strings before it were decoded over it.
 */
static void test_error_position(void **state)
{
    (void)state;
    ccg_json_error e = bad("{\"a\": \"x\\n\\ny\",\n  \"b\": 1,\n  \"c\": nul}", false);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 8);
    e = bad("[\"a\\n\", \"b\\n\\x\"]", false);
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 14);
    assert_int_equal(e.offset, 13);
    /* an unterminated string: its raw newlines count */
    e = bad("[\"a\\n\",\n\"b\n\nc", true);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 2);
    e = bad("{\"a\": \"\\n\" \"b\"}", false);
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 12);
}

/* Members not kept: gone at any depth, their values still checked. */
static void test_skip(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "cats"};
    ccg__json_skip(J, names, 2);
    ccg_jv *v = ok("{\"a\": [\"x\", \"y z\"], \"b\": 1, \"c\": {\"a\": [1, {}], \"d\": 2},"
                   " \"cats\": [], \"a\": \"s\", \"e\": [\"a\"]}");
    assert_int_equal(v->count, 3);
    assert_null(ccg__jget(v, "a"));
    assert_null(ccg__jget(v, "cats"));
    assert_int_equal(ccg__jget(v, "b")->i, 1);
    assert_int_equal(ccg__jget(v, "c")->count, 1);
    assert_null(ccg__jget(ccg__jget(v, "c"), "a"));
    assert_string_equal(ccg__jstr(ccg__jfirst(ccg__jget(v, "e"))), "a");
    /* errors inside them are those of a full parse, at the same place */
    ccg_json_error e = bad("{\"a\": [\"x\", tru]}", false);
    assert_int_equal(e.offset, 12);
    bad("{\"a\": [\"x\", \"y\"", true);
    e = bad("{\"a\": [\"x\",\n \"\x01\"]}", false);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.col, 3);
    ccg__json_skip(J, NULL, 0);
    assert_non_null(ccg__jget(ok("{\"a\": [\"x\"]}"), "a"));
}

static void test_limits(void **state)
{
    (void)state;
    char deep[2000];
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    deep[1999] = '\0';
    ccg_jv *v;
    ccg_json_error e;
    assert_int_equal(ccg__json_parse(J, deep, 2000, &v, &e), CCG_ELIMIT);
    assert_non_null(strstr(e.msg, "nesting"));
    memset(deep, '[', 500);
    memset(deep + 500, ']', 500);
    assert_int_equal(ccg__json_parse(J, deep, 1000, &v, &e), 0);
}

static void test_reuse_and_large(void **state)
{
    (void)state;
    /* a document larger than the arena's first chunk, then small ones reusing it */
    size_t n = 200000;
    char *big = malloc(n * 4 + 3);
    size_t k = 0;
    big[k++] = '[';
    for (size_t i = 0; i < n; i++) {
        memcpy(big + k, "\"x\",", 4);
        k += 4;
    }
    big[k - 1] = ']';
    big[k] = '\0';
    ccg_jv *v;
    ccg_json_error e;
    assert_int_equal(ccg__json_parse(J, big, k, &v, &e), 0);
    assert_int_equal(v->count, n);
    free(big);
    for (int i = 0; i < 100; i++)
        assert_int_equal(ok("{\"a\":\"b\"}")->count, 1);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    for (unsigned long n = 1; n < 10; n++) {
        ccg_json *j = NULL;
        ccg_alloc_fail_after(n);
        j = ccg__json_new();
        ccg_jv *v;
        ccg_json_error e;
        char text[] = "{\"a\": [\"b\", 2]}";
        int rc = j ? ccg__json_parse(j, text, strlen(text), &v, &e) : CCG_ENOMEM;
        ccg_alloc_fail_after(0);
        assert_true(rc == 0 || rc == CCG_ENOMEM);
        ccg__json_free(j);
    }
}

static int setup(void **state)
{
    (void)state;
    J = ccg__json_new();
    return J ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ccg__json_free(J);
    free(input);
    return 0;
}

/*
 * Strings are scanned 16 bytes at a time: escapes, quotes, control
 * characters and non-ASCII bytes at every offset of random strings decode
 * as written (or fail where a raw control character is).
 */
static void test_strings_every_offset(void **state)
{
    (void)state;
    static const struct {
        const char *json, *text;
    } pieces[] = {{"a", "a"}, {"bc", "bc"}, {" ", " "}, {"\\n", "\n"}, {"\\\"", "\""},
                  {"\\\\", "\\"}, {"\\u00e9", "\xC3\xA9"}, {"\xC3\xA9", "\xC3\xA9"},
                  {"\\/", "/"}, {"xyz12345", "xyz12345"}, {"\x01", NULL}};
    unsigned long seed = 99;
    for (int t = 0; t < 4000; t++) {
        char json[512] = "\"", want[512] = "";
        size_t n = 1, k = 0;
        bool valid = true;
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        int parts = (int)((seed >> 33) % 30);
        for (int p = 0; p < parts; p++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            size_t i = (seed >> 33) % (sizeof pieces / sizeof *pieces);
            /* a raw control character one time in eight */
            if (!pieces[i].text && (seed >> 40) % 8)
                continue;
            memcpy(json + n, pieces[i].json, strlen(pieces[i].json));
            n += strlen(pieces[i].json);
            if (!pieces[i].text) {
                valid = false;
                continue;
            }
            memcpy(want + k, pieces[i].text, strlen(pieces[i].text));
            k += strlen(pieces[i].text);
        }
        json[n++] = '"';
        json[n] = '\0';
        want[k] = '\0';
        if (!valid) {
            bad(json, false);
            continue;
        }
        ccg_jv *v = ok(json);
        assert_int_equal(v->type, CCG_J_STR);
        assert_int_equal(v->len, k);
        assert_string_equal(v->s, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),          cmocka_unit_test(test_strings),
        cmocka_unit_test(test_errors),          cmocka_unit_test(test_limits),
        cmocka_unit_test(test_reuse_and_large), cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_strings_every_offset), cmocka_unit_test(test_error_position),
        cmocka_unit_test(test_skip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
