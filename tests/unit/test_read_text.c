/*
 * test_read_text.c: the shared text cleanup (extract/text.c) and the
 * identifier normalisers, on the awkward inputs abstracts really contain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static char *clean(const char *s, bool *repaired)
{
    ccg_text_report rep;
    char *out = ccg__text_clean_dup(s, strlen(s), &rep);
    assert_non_null(out);
    if (repaired)
        *repaired = rep.repaired_utf8;
    return out;
}

static void expect(const char *in, const char *want)
{
    char *got = clean(in, NULL);
    assert_string_equal(got, want);
    free(got);
}

static void test_names_survive(void **state)
{
    (void)state;
    expect("Open-FinLLMs, LLaMA-3 and Qwen2.5-VL; GPT-4o (3.5%) k-means ROUGE-L pass@k",
           "Open-FinLLMs, LLaMA-3 and Qwen2.5-VL; GPT-4o (3.5%) k-means ROUGE-L pass@k");
    expect("a -- b --- c", "a -- b --- c");
}

static void test_whitespace(void **state)
{
    (void)state;
    expect("  Sensor simulation is pivotal\nfor scalable validation\r\n of  systems\t.  ",
           "Sensor simulation is pivotal for scalable validation of systems .");
    expect("", "");
    expect(" \n\t ", "");
    /* NBSP and other Unicode spaces collapse too */
    expect("a\xC2\xA0\xC2\xA0" "b\xE2\x80\x89" "c", "a b c");
}

/*
 * Whitespace collapsing at every alignment: the plain runs are tested 16
 * bytes at a time, so spaces single, doubled, leading and trailing, tabs,
 * line breaks, '|' and non-ASCII letters are put at every offset of random texts and
 * checked against the plain rule (runs of whitespace become one space,
 * trimmed).
 */
static void test_whitespace_every_offset(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "b", "Z", "1", " ", " ", "  ", "\t", "|", "\xC3\xA9", ".",
                                         "-", "\n", "\r\n", "\f", "abcdefghijklmno"};
    unsigned long seed = 12345;
    for (int t = 0; t < 4000; t++) {
        char in[1024] = "", want[1024] = "";
        size_t n = 0, k = 0;
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        int parts = (int)((seed >> 33) % 40);
        for (int p = 0; p < parts; p++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            const char *piece = pieces[(seed >> 33) % (sizeof pieces / sizeof *pieces)];
            memcpy(in + n, piece, strlen(piece));
            n += strlen(piece);
        }
        in[n] = '\0';
        bool space = false;
        for (size_t i = 0; i < n; i++) {
            if (in[i] == ' ' || (in[i] >= '\t' && in[i] <= '\r')) {
                space = true;
                continue;
            }
            if (space && k > 0)
                want[k++] = ' ';
            space = false;
            want[k++] = in[i];
        }
        want[k] = '\0';
        expect(in, want);
    }
}

static void test_control_characters(void **state)
{
    (void)state;
    expect("a\x01" "b\x7F" "c\x1B[0m", "abc[0m");
    /* C1 controls (U+0080..U+009F) and stray BOMs go */
    expect("x\xC2\x85y\xEF\xBB\xBFz", "xyz");
}

static void test_latex(void **state)
{
    (void)state;
    expect("we introduce \\textit{Open-FinLLMs}, a series", "we introduce Open-FinLLMs, a series");
    expect("\\textbf{Bold} and \\emph{em} and {\\bf old}", "Bold and em and old");
    expect("accuracy of 95\\% and \\& and \\$5 and \\#1 and a\\_b", "accuracy of 95% and & and $5 and #1 and a_b");
    expect("Fig.~3 shows", "Fig. 3 shows");
    expect("achieves ~50% gain", "achieves ~50% gain");
    expect("see https://example.org/~user/page", "see https://example.org/~user/page");
    expect("an $O(n^2)$ method with $\\alpha$-divergence", "an O(n^2) method with α-divergence");
    expect("$$x+y$$ and \\(z\\)", "x+y and z");
    expect("costs $5 only", "costs $5 only");
    expect("\\mathcal{O}(\\log n)", "O(log n)");
    expect("LoRA~\\cite{hu2022lora} works", "LoRA works");
    expect("\\href{https://x.org}{our code}", "our code");
    expect("unknown \\foo command", "unknown foo command");
    expect("line\\\\break", "line break");
    expect("88{\\deg} and 5\\textdegree{}C", "88° and 5°C");
    expect("$\\sigma \\in \\{15, 25\\}$ and $x \\leq y$", "σ ∈ {15, 25} and x ≤ y");
}

/* Unclosed groups everywhere: cleanup stays linear (this would take minutes if not). */
static void test_unclosed_groups_linear(void **state)
{
    (void)state;
    size_t reps = 200000;
    const char *unit = "\\cite{x \\href{";
    size_t ul = strlen(unit);
    char *in = malloc(reps * ul + 1);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + i * ul, unit, ul);
    in[reps * ul] = '\0';
    ccg_text_report rep;
    char *out = ccg__text_clean_dup(in, reps * ul, &rep);
    assert_non_null(out);
    free(out);
    free(in);
    expect("a \\cite{never closed b", "a never closed b");
}

static void test_accents(void **state)
{
    (void)state;
    expect("Schr\\\"{o}dinger, M{\\\"u}ller, G\\\"odel", "Schrödinger, Müller, Gödel");
    expect("\\'{e}t\\'e, \\`a, \\^o, \\~n, \\c{c}, \\v{s}, \\u{a}, \\H{o}",
           "été, à, ô, ñ, ç, š, ă, ő");
    expect("Stra\\ss e, \\o, \\AA ngstr\\\"om, na\\\"{\\i}ve", "Straße, ø, Ångström, naïve");
}

static void test_entities_and_tags(void **state)
{
    (void)state;
    expect("R&amp;D &lt;3 &quot;q&quot; &#233; &#x4E2D; &nbsp;x &bogus; & alone",
           "R&D <3 \"q\" é 中 x &bogus; & alone");
    expect("<jats:p>First.</jats:p><jats:p>Second <jats:italic>it</jats:italic>.</jats:p>",
           "First. Second it.");
    expect("H<sub>2</sub>O and <p>para</p>", "H2O and para");
    /* text that only looks like markup stays */
    expect("if a<b and c>d then <unknown> x", "if a<b and c>d then <unknown> x");
    /* decoded entities are text, not markup */
    expect("&lt;p&gt;", "<p>");
}

static void test_nfc(void **state)
{
    (void)state;
    /* o + combining diaeresis → ö; Angstrom sign U+212B → Å */
    expect("Scho\xCC\x88n \xE2\x84\xAB", "Sch\xC3\xB6n \xC3\x85");
    /* Hangul jamo compose */
    expect("\xE1\x84\x80\xE1\x85\xA1", "\xEA\xB0\x80");
    /* only the stretches around what NFC changes go through it, each from the
     * character below U+0300 before: Greek Alpha + acute → U+0386; marks reordered */
    expect("Ame\xCC\x81lie, \xCE\x91\xCC\x81 and x\xCC\x81\xCC\x96 in \xC3\xA9t\xC3\xA9",
           "Am\xC3\xA9lie, \xCE\x86 and x\xCC\x96\xCC\x81 in \xC3\xA9t\xC3\xA9");
    /* a mark from an entity, a second half of no combining class (Oriya AA) */
    expect("e&#x301;t&#xE9;", "\xC3\xA9t\xC3\xA9");
    expect("\xE0\xAD\x87\xE0\xAC\xBE", "\xE0\xAD\x8B");
    /* compatibility characters stay: NFC is not NFKC */
    expect("\xE2\x80\xA6 \xE2\x84\x93 \xEF\xAC\x81", "\xE2\x80\xA6 \xE2\x84\x93 \xEF\xAC\x81");
}

/* Cleaning after what a buffer holds leaves that as it is: NFC and spacing start after it. */
static void test_append(void **state)
{
    (void)state;
    ccg_buf b = CCG_BUF_INIT;
    ccg_text_report rep;
    assert_int_equal(ccg__buf_add(&b, "Te\xCC\x81 \n\n", 7), 0);
    const char *s = "  A\xCC\x81 \\'e  x ";
    assert_int_equal(ccg__text_clean_append(s, strlen(s), &b, &rep), 0);
    assert_string_equal(b.data, "Te\xCC\x81 \n\n\xC3\x81 \xC3\xA9 x");
    ccg__buf_free(&b);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    bool repaired = false;
    char *got = clean("ab\xFF" "c\xC3(d\xE2\x82", &repaired);
    assert_true(repaired);
    assert_string_equal(got, "ab\xEF\xBF\xBD" "c\xEF\xBF\xBD(d\xEF\xBF\xBD\xEF\xBF\xBD");
    free(got);
    /* overlong encoding and a surrogate are invalid too */
    got = clean("\xC0\xAF|\xED\xA0\x80", &repaired);
    assert_true(repaired);
    assert_null(strstr(got, "\xC0"));
    free(got);
    got = clean("caf\xC3\xA9", &repaired);
    assert_false(repaired);
    assert_string_equal(got, "café");
    free(got);
}

static void test_clean_is_idempotent(void **state)
{
    (void)state;
    const char *inputs[] = {"\\textit{X} $a$ &amp; <i>y</i>  z", "Schr\\\"odinger ~3",
                            ("a\xFF" "b"), "plain text."};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        char *once = clean(inputs[i], NULL);
        char *twice = clean(once, NULL);
        /* & and < decoded once may not decode again: only compare when none remain */
        if (!strchr(once, '&') && !strchr(once, '<'))
            assert_string_equal(once, twice);
        free(once);
        free(twice);
    }
}

static void test_arxiv_id(void **state)
{
    (void)state;
    char id[64];
    assert_true(ccg__arxiv_id("2409.14144", 10, id));
    assert_string_equal(id, "2409.14144");
    const char *s = "http://arxiv.org/abs/2409.14144v2";
    assert_true(ccg__arxiv_id(s, strlen(s), id));
    assert_string_equal(id, "2409.14144");
    s = "arXiv:0704.0001";
    assert_true(ccg__arxiv_id(s, strlen(s), id));
    assert_string_equal(id, "0704.0001");
    s = "https://arxiv.org/abs/cond-mat/0102536v1";
    assert_true(ccg__arxiv_id(s, strlen(s), id));
    assert_string_equal(id, "cond-mat/0102536");
    s = "math.AG/0601001";
    assert_true(ccg__arxiv_id(s, strlen(s), id));
    assert_false(ccg__arxiv_id("2413.00001", 10, id)); /* month 13 */
    assert_false(ccg__arxiv_id("10.1000/x", 9, id));
    assert_false(ccg__arxiv_id("W4385245566", 11, id));
    assert_false(ccg__arxiv_id("", 0, id));
    int y, m;
    ccg__arxiv_date("2409.14144", &y, &m);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 9);
    ccg__arxiv_date("hep-th/9901001", &y, &m);
    assert_int_equal(y, 1999);
    assert_int_equal(m, 1);
}

static void test_doi(void **state)
{
    (void)state;
    bool nomem;
    const char *cases[][2] = {
        {"10.1000/ABC.def", "10.1000/abc.def"},
        {"https://doi.org/10.48550/arXiv.2408.11878", "10.48550/arxiv.2408.11878"},
        {" doi:10.1/X. ", "10.1/x"},
        {"http://dx.doi.org/10.1063/1.1383585", "10.1063/1.1383585"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *d = ccg__doi_norm(cases[i][0], strlen(cases[i][0]), &nomem);
        assert_non_null(d);
        assert_string_equal(d, cases[i][1]);
        free(d);
    }
    assert_null(ccg__doi_norm("not a doi", 9, &nomem));
    assert_false(nomem);
    assert_null(ccg__doi_norm("10.", 3, &nomem));
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *in = "Schr\\\"odinger \\textit{x} &amp; a\xFF" "b with enough text to need a buffer";
    for (unsigned long n = 1; n < 20; n++) {
        ccg_alloc_fail_after(n);
        ccg_text_report rep;
        char *out = ccg__text_clean_dup(in, strlen(in), &rep);
        ccg_alloc_fail_after(0);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_survive),  cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_control_characters), cmocka_unit_test(test_latex),
        cmocka_unit_test(test_accents),        cmocka_unit_test(test_unclosed_groups_linear),        cmocka_unit_test(test_entities_and_tags),
        cmocka_unit_test(test_nfc),            cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_clean_is_idempotent), cmocka_unit_test(test_arxiv_id),
        cmocka_unit_test(test_doi),            cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_whitespace_every_offset), cmocka_unit_test(test_append),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
