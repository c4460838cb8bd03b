/*
 * test_read.c: every reader on real and hand-made fixtures (format
 * detection, fields, skipped records, errors), the corpus (dedup across
 * files and formats), the record helpers, and allocation failure walks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ccg_record.h"
#include "read.h"

#define FIX(name) CCG_FIXTURES "/read/" name

typedef struct {
    int warnings, skipped;
    char last[512];
} diag_log;

static void on_diag(void *ud, ccg_diag_kind kind, const char *file, unsigned long line,
                    const char *msg)
{
    diag_log *d = ud;
    if (kind == CCG_DIAG_WARNING)
        d->warnings++;
    else
        d->skipped++;
    const char *base = strrchr(file, '/');
    snprintf(d->last, sizeof d->last, "%s:%lu: %s", base ? base + 1 : file, line, msg);
}

/* Reads every record of a file with options o; returns how many, *recs the array (caller frees). */
static size_t read_with(const char *path, const ccg_reader_options *o, ccg_record ***recs,
                        ccg_format *detected)
{
    ccg_reader *r = NULL;
    assert_int_equal(ccg_reader_open(&r, path, o), 0);
    if (detected)
        *detected = ccg_reader_format(r);
    size_t n = 0;
    ccg_record *rec;
    int rc;
    *recs = NULL;
    while ((rc = ccg_reader_next(r, &rec)) > 0) {
        *recs = realloc(*recs, (n + 1) * sizeof **recs);
        (*recs)[n++] = rec;
    }
    assert_int_equal(rc, 0);
    ccg_reader_free(r);
    return n;
}

/* Reads every record of a file; returns how many, *recs the array (caller frees). */
static size_t read_all(const char *path, ccg_format fmt, ccg_record ***recs, diag_log *d,
                       ccg_format *detected)
{
    ccg_reader_options o = {.format = fmt, .diag = on_diag, .diag_ud = d};
    return read_with(path, &o, recs, detected);
}

static void free_all(ccg_record **recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ccg_record_free(recs[i]);
    free(recs);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_listing_seed(void **state)
{
    (void)state;
    static const struct {
        const char *id, *comment, *first, *last;
        int year, month;
    } want[] = {
        {"2409.14144", "Accepted by EMNLP 2024 main. Mechanistic interpretability for arithmetic tasks in large language models",
         "We find arithmetic ability", "arithmetic-mechanism.", 2024, 9},
        {"2408.13518", "Work in progress", "Recent advancements in large language model alignment",
         "over-optimization problem.", 2024, 8},
        {"2408.11878", "33 pages, 13 figures", "Large language models (LLMs) have advanced financial",
         "academia and industry.", 2024, 8},
        {"2408.02927", NULL, "Data serves as the fundamental foundation", "in LLM scenarios.", 2024, 8},
        {"2406.11328", "15 pages, 4 figures", "Recent advancements in Large Language Models (LLMs) have demonstrated",
         "real-world healthcare scenarios.", 2024, 6},
        {"2406.11093", NULL, "Misinformation is prevalent", "https://github.com/lzw108/RAEmoLLM.", 2024, 6},
        {"2403.17141", "Work in progress, more general experimental results to come",
         "Recent advancements in large language models (LLMs) aim", "preference alignment.", 2024, 3},
        {"2403.06765", "Work in progress", "The internet has brought", "https://github.com/lzw108/ConspEmoLLM/.", 2024, 3},
        {"2403.06249", "23 pages, 5 figures, 11 tables, including Appendix", "While the progression of Large Language Models",
         "financial NLP.", 2024, 3},
        {"2402.13758", "5 figures", "Factual inconsistency with source documents", "for FC evaluation.", 2024, 2},
    };
    ccg_record **recs;
    diag_log d = {0};
    ccg_format f;
    size_t n = read_all(FIX("listing_seed.txt"), CCG_FORMAT_AUTO, &recs, &d, &f);
    assert_int_equal(f, CCG_FORMAT_ARXIV_LISTING);
    assert_int_equal(n, 10);
    assert_int_equal(d.skipped, 0);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(recs[i]->id, want[i].id);
        assert_string_equal(recs[i]->arxiv_id, want[i].id);
        if (want[i].comment)
            assert_string_equal(recs[i]->venue, want[i].comment);
        else
            assert_null(recs[i]->venue);
        assert_null(recs[i]->title);
        assert_true(strncmp(recs[i]->abstract, want[i].first, strlen(want[i].first)) == 0);
        assert_true(ends_with(recs[i]->abstract, want[i].last));
        assert_int_equal(recs[i]->year, want[i].year);
        assert_int_equal(recs[i]->month, want[i].month);
        assert_null(strchr(recs[i]->abstract, '\n'));
    }
    /* markup reduced, names intact */
    assert_non_null(strstr(recs[2]->abstract, "we introduce Open-FinLLMs, a series"));
    assert_null(strstr(recs[2]->abstract, "\\textit"));
    free_all(recs, n);
}

static void test_listing_rules(void **state)
{
    (void)state;
    /* hard-wrapped abstract (short last line ending a sentence), old 4-digit ids, versions */
    char path[] = "/tmp/ccg_test_listing_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text =
        "We study things across many lines of a wrapped abstract that goes on\n"
        "and on for a while.\n"
        "arXiv:1412.6980v9Adam is a method for stochastic optimization. It is simple.\n"
        "Published as a conference paper at ICLR 2015.\n"
        "arXiv:1501.00001\n"
        "A trailing abstract with no id.\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ccg_record **recs;
    diag_log d = {0};
    size_t n = read_all(path, CCG_FORMAT_ARXIV_LISTING, &recs, &d, NULL);
    unlink(path);
    assert_int_equal(n, 2);
    assert_string_equal(recs[0]->id, "1412.6980");
    assert_string_equal(recs[0]->abstract, "We study things across many lines of a wrapped abstract "
                                           "that goes on and on for a while.");
    assert_null(recs[0]->venue);
    assert_int_equal(recs[0]->year, 2014);
    assert_string_equal(recs[1]->id, "1501.00001");
    assert_string_equal(recs[1]->abstract, "Adam is a method for stochastic optimization. It is simple.");
    assert_string_equal(recs[1]->venue, "Published as a conference paper at ICLR 2015.");
    assert_int_equal(d.skipped, 1);
    assert_non_null(strstr(d.last, ":6: abstract without an arXiv:ID line"));
    free_all(recs, n);
}

static void test_jsonl_arxiv_and_gzip(void **state)
{
    (void)state;
    ccg_record **a, **b;
    diag_log d = {0};
    ccg_format f1, f2;
    size_t n = read_all(FIX("arxiv_slice50.jsonl"), CCG_FORMAT_AUTO, &a, &d, &f1);
    size_t m = read_all(FIX("arxiv_slice50.jsonl.gz"), CCG_FORMAT_AUTO, &b, &d, &f2);
    assert_int_equal(f1, CCG_FORMAT_JSONL);
    assert_int_equal(f2, CCG_FORMAT_JSONL);
    assert_int_equal(n, 50);
    assert_int_equal(m, 50);
    for (size_t i = 0; i < n; i++) {
        char *ja, *jb;
        assert_int_equal(ccg_record_to_json(a[i], &ja), 0);
        assert_int_equal(ccg_record_to_json(b[i], &jb), 0);
        assert_string_equal(ja, jb);
        free(ja);
        free(jb);
        assert_non_null(a[i]->arxiv_id);
        assert_true(a[i]->year >= 2025);
        assert_null(strchr(a[i]->abstract, '\n')); /* hard wraps joined */
    }
    assert_string_equal(a[0]->id, "2503.11731");
    assert_string_equal(a[0]->title, "Industrial-Grade Sensor Simulation via Gaussian Splatting: "
                                     "A Modular Framework for Scalable Editing and Full-Stack Validation");
    assert_int_equal(a[0]->n_authors, 16);
    assert_string_equal(a[0]->authors[15], "Qiang Li");
    assert_int_equal(a[0]->n_categories, 2);
    assert_string_equal(a[0]->categories[1], "cs.RO");
    assert_int_equal(a[0]->year, 2025);
    assert_int_equal(a[0]->month, 3);
    /* the summary's hard wraps ("autonomous driving\nsystems") are joined by one space */
    assert_non_null(strstr(a[0]->abstract, "autonomous driving systems, yet existing Neural Radiance"));
    free_all(a, n);
    free_all(b, m);
}

static void test_jsonl_sources(void **state)
{
    (void)state;
    ccg_record **r;
    diag_log d = {0};
    size_t n = read_all(FIX("sources.jsonl"), CCG_FORMAT_AUTO, &r, &d, NULL);
    assert_int_equal(n, 6);
    assert_int_equal(d.skipped, 3); /* no title/abstract, broken line, an array */
    /* arXiv snapshot: author string split, date from versions, journal-ref, LaTeX accent */
    assert_string_equal(r[0]->id, "0704.0001");
    assert_int_equal(r[0]->n_authors, 4);
    assert_string_equal(r[0]->authors[0], "C. Balázs");
    assert_string_equal(r[0]->authors[3], "C.-P. Yuan (Argonne)");
    assert_int_equal(r[0]->year, 2007);
    assert_int_equal(r[0]->month, 4);
    assert_string_equal(r[0]->doi, "10.1103/physrevd.76.013009");
    assert_string_equal(r[0]->venue, "Phys.Rev.D76:013009,2007");
    /* OpenAlex: inverted index rebuilt, arXiv id from the arXiv DOI, refs without URL prefix */
    assert_string_equal(r[1]->abstract, "In this work, we develop and release and Llama 2.");
    assert_string_equal(r[1]->arxiv_id, "2307.09288");
    assert_string_equal(r[1]->id, "2307.09288");
    assert_int_equal(r[1]->n_refs, 2);
    assert_string_equal(r[1]->refs[0], "W2963403868");
    assert_string_equal(r[1]->authors[1], "Louis Martin");
    /* Semantic Scholar: null abstract, externalIds, references[].paperId with a null */
    assert_string_equal(r[2]->id, "1706.03762");
    assert_null(r[2]->abstract);
    assert_null(r[2]->doi);
    assert_int_equal(r[2]->n_refs, 1);
    assert_int_equal(r[2]->year, 2017);
    /* markup in titles, NFC, entities, null author */
    assert_string_equal(r[3]->title, "Markup in titles: Open-FinLLMs vs. LLaMA-3 & Qwen2.5-VL");
    assert_non_null(strstr(r[3]->abstract, "Schrödinger"));
    assert_int_equal(r[3]->n_authors, 2);
    assert_string_equal(r[5]->id, "2502.00004");
    free_all(r, n);
}

static void test_json_documents(void **state)
{
    (void)state;
    ccg_record **r;
    diag_log d = {0};
    ccg_format f;
    size_t n = read_all(FIX("openalex_page.json"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_JSON);
    assert_int_equal(n, 2);
    assert_string_equal(r[0]->abstract, "A short abstract.");
    assert_string_equal(r[0]->doi, "10.1000/page.one");
    assert_string_equal(r[1]->id, "W2");
    free_all(r, n);
    n = read_all(FIX("openalex_work.json"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_JSON);
    assert_int_equal(n, 1);
    free_all(r, n);
    n = read_all(FIX("s2_batch.json"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(n, 2);
    assert_int_equal(d.skipped, 1);
    assert_non_null(strstr(d.last, "entry 2 is null"));
    assert_string_equal(r[1]->id, "p3");
    free_all(r, n);
}

static void test_atom(void **state)
{
    (void)state;
    ccg_record **r;
    diag_log d = {0};
    ccg_format f;
    size_t n = read_all(FIX("atom_sample.xml"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_ATOM);
    assert_int_equal(n, 2);
    assert_string_equal(r[0]->id, "2409.14144");
    assert_string_equal(r[0]->title, "Interpreting Arithmetic Mechanism in Large Language Models "
                                     "through Comparative Neuron Analysis");
    assert_non_null(strstr(r[0]->abstract, "method & show that LoRA works."));
    assert_string_equal(r[0]->venue, "Accepted by EMNLP 2024 main");
    assert_int_equal(r[0]->n_authors, 2);
    assert_int_equal(r[0]->n_categories, 2);
    assert_int_equal(r[0]->year, 2024);
    assert_string_equal(r[1]->id, "cond-mat/0102536");
    assert_string_equal(r[1]->doi, "10.1063/1.1383585");
    assert_string_equal(r[1]->venue, "J. Chem. Phys. 115, 1598 (2001)");
    assert_non_null(strstr(r[1]->abstract, "(Müller <3 test)."));
    free_all(r, n);
}

static void test_bibtex(void **state)
{
    (void)state;
    ccg_record **r;
    diag_log d = {0};
    ccg_format f;
    size_t n = read_all(FIX("sample.bib"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_BIBTEX);
    assert_int_equal(n, 3);
    assert_int_equal(d.skipped, 1);
    assert_string_equal(d.last, "sample.bib:32: expected 'field = value' in entry broken");
    assert_string_equal(r[0]->id, "2409.14144");
    assert_string_equal(r[0]->venue, "Proceedings of EMNLP 2024"); /* @string and # */
    assert_int_equal(r[0]->month, 11);
    assert_non_null(strstr(r[0]->abstract, "LoRA improves accuracy by 5%."));
    assert_string_equal(r[1]->title, "The Müller--Schön Method for α-Divergences");
    assert_string_equal(r[1]->authors[0], "Müller, Jörg");
    assert_string_equal(r[1]->authors[1], "Straße, Ana");
    assert_string_equal(r[1]->authors[2], "Research Team and Friends");
    assert_string_equal(r[1]->doi, "10.1000/xyz.123");
    assert_int_equal(r[1]->month, 3);
    assert_string_equal(r[2]->id, "glued");
    free_all(r, n);
}

static void test_ris_wos_scopus(void **state)
{
    (void)state;
    ccg_record **r;
    diag_log d = {0};
    ccg_format f;
    size_t n = read_all(FIX("sample.ris"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_RIS);
    assert_int_equal(n, 2);
    assert_string_equal(r[0]->title, "Open-FinLLMs: Open Multimodal Large Language Models for "
                                     "Financial Applications");
    assert_string_equal(r[0]->arxiv_id, "2408.11878");
    assert_int_equal(r[0]->month, 8);
    assert_string_equal(d.last, "sample.ris:21: record not closed by 'ER  - '");
    free_all(r, n);

    n = read_all(FIX("sample_wos.txt"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_WOS);
    assert_int_equal(n, 2);
    assert_string_equal(r[0]->authors[0], "Yu, Zeping"); /* AF over AU */
    assert_int_equal(r[0]->n_refs, 4);
    assert_string_equal(r[0]->refs[0], "2106.09685");
    assert_string_equal(r[0]->refs[1], "10.5555/3295222.3295349");
    assert_string_equal(r[0]->refs[3], "2305.18290");
    assert_int_equal(r[0]->month, 11);
    assert_string_equal(r[1]->id, "WOS:000000000000002");
    free_all(r, n);

    n = read_all(FIX("sample_scopus.csv"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_SCOPUS_CSV);
    assert_int_equal(n, 2);
    assert_non_null(strstr(r[0]->abstract, "heads. We introduce the \"Comparative Neuron Analysis\""));
    assert_string_equal(r[0]->authors[1], "Ananiadou, Sophia");
    assert_int_equal(r[0]->n_refs, 2);
    assert_null(r[1]->abstract); /* "[No abstract available]" */
    assert_string_equal(r[1]->id, "2-s2.0-85210000002");
    free_all(r, n);
}

static void test_text_and_override(void **state)
{
    (void)state;
    ccg_record **r;
    diag_log d = {0};
    ccg_format f;
    size_t n = read_all(FIX("paragraphs.txt"), CCG_FORMAT_AUTO, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_TEXT);
    assert_int_equal(n, 3);
    assert_true(ends_with(r[0]->id, "paragraphs.txt:1"));
    assert_string_equal(r[0]->abstract, "First abstract, with a hard line wrap and LaTeX.");
    assert_string_equal(r[2]->abstract, "Third with CRLF.");
    assert_int_equal(r[2]->line, 7);
    free_all(r, n);
    /* --format overrides detection: RIS read as paragraphs */
    n = read_all(FIX("sample.ris"), CCG_FORMAT_TEXT, &r, &d, &f);
    assert_int_equal(f, CCG_FORMAT_TEXT);
    assert_int_equal(n, 2);
    free_all(r, n);
}

static void test_errors(void **state)
{
    (void)state;
    ccg_reader *r = NULL;
    ccg_record *rec = NULL;
    ccg_reader_options o = {0};
    assert_int_equal(ccg_reader_open(&r, FIX("nope.txt"), &o), CCG_EIO);
    assert_non_null(strstr(ccg_error_last(), "nope.txt: cannot open"));
    assert_int_equal(ccg_reader_open(&r, FIX("bad/binary.bin"), &o), CCG_EFORMAT);
    assert_int_equal(ccg_reader_open(&r, FIX("bad/corrupt.gz"), &o), CCG_EIO);
    /* truncated documents are errors even when not strict */
    assert_int_equal(ccg_reader_open(&r, FIX("bad/truncated.json"), &o), 0);
    assert_int_equal(ccg_reader_next(r, &rec), CCG_EPARSE);
    assert_non_null(strstr(ccg_error_last(), "truncated.json:15: truncated JSON"));
    assert_int_equal(ccg_reader_next(r, &rec), CCG_EPARSE); /* sticky */
    ccg_reader_free(r);
    assert_int_equal(ccg_reader_open(&r, FIX("bad/unterminated.bib"), &o), 0);
    assert_int_equal(ccg_reader_next(r, &rec), CCG_EPARSE);
    assert_non_null(strstr(ccg_error_last(), "unterminated.bib:1: unterminated entry"));
    ccg_reader_free(r);
    /* strict: the first malformed record is the error */
    o.strict = true;
    assert_int_equal(ccg_reader_open(&r, FIX("sources.jsonl"), &o), 0);
    int rc;
    size_t n = 0;
    while ((rc = ccg_reader_next(r, &rec)) > 0) {
        ccg_record_free(rec);
        n++;
    }
    assert_int_equal(rc, CCG_EPARSE);
    assert_int_equal(n, 4);
    assert_non_null(strstr(ccg_error_last(), "sources.jsonl:5: record has neither title nor abstract"));
    ccg_reader_free(r);
    ccg_format fmt;
    assert_int_equal(ccg_format_parse("bibtex", &fmt), 0);
    assert_int_equal(fmt, CCG_FORMAT_BIBTEX);
    assert_int_equal(ccg_format_parse("nope", &fmt), CCG_EINVAL);
    assert_int_equal(ccg_format_parse("bib", &fmt), 0);
    assert_int_equal(fmt, CCG_FORMAT_BIBTEX);
    assert_int_equal(ccg_format_parse("csv", &fmt), 0);
    assert_int_equal(fmt, CCG_FORMAT_SCOPUS_CSV);
    for (int k = 0; k < CCG_FORMAT_COUNT; k++) {
        assert_int_equal(ccg_format_parse(ccg_format_name((ccg_format)k), &fmt), 0);
        assert_int_equal(fmt, k);
    }
}

static void test_corpus_dedup(void **state)
{
    (void)state;
    ccg_corpus *c;
    ccg_reader_options o = {0};
    assert_int_equal(ccg_corpus_new(&c), 0);
    assert_int_equal(ccg_corpus_read_file(c, FIX("listing_seed.txt"), &o), 0);
    assert_int_equal(ccg_corpus_read_file(c, FIX("atom_sample.xml"), &o), 0);
    assert_int_equal(ccg_corpus_read_file(c, FIX("sample.bib"), &o), 0);
    assert_int_equal(ccg_corpus_read_file(c, FIX("sample.ris"), &o), 0);
    assert_int_equal(ccg_corpus_read_file(c, FIX("sample_wos.txt"), &o), 0);
    /* atom: 2409.14144 seen; bib: 2409.14144 seen; ris: 2408.11878 seen via its arXiv DOI */
    assert_int_equal(c->n_duplicates, 3);
    assert_int_equal(c->n_records, 10 + 1 + 2 + 1 + 2);
    assert_int_equal(c->n_skipped, 2);
    assert_int_equal(c->per_format[CCG_FORMAT_ARXIV_LISTING], 10);
    assert_int_equal(c->per_format[CCG_FORMAT_BIBTEX], 3);
    /* first occurrence wins, and records keep their file name after the reader is gone */
    assert_int_equal(c->records[0]->format, CCG_FORMAT_ARXIV_LISTING);
    assert_true(ends_with(c->records[10]->file, "atom_sample.xml"));
    assert_int_equal(c->records[10]->line, 30);
    ccg_corpus_free(c);
}

/*
 * A reader puts the abstract after a copy of the title and "\n\n": the
 * text extraction reads, in place, as long as title and abstract are those.
 */
static void test_record_joined(void **state)
{
    (void)state;
    ccg_record **recs;
    diag_log d = {0};
    size_t n = read_all(FIX("sources.jsonl"), CCG_FORMAT_AUTO, &recs, &d, NULL);
    size_t joined = 0;
    for (size_t i = 0; i < n; i++) {
        ccg_record *r = recs[i];
        size_t len, want_len;
        char *want = ccg_record_text(r, &want_len);
        const char *got = ccg__record_joined(r, &len);
        if (r->title && r->abstract) {
            assert_non_null(r->text);
            assert_ptr_equal(r->abstract, r->text + strlen(r->title) + 2);
            joined++;
        }
        assert_non_null(got);
        assert_int_equal(len, want_len);
        assert_memory_equal(got, want, len);
        free(want);
        if (r->title && r->abstract) { /* a new title makes the text stale */
            free(r->title);
            assert_non_null(r->title = strdup("Another title"));
            assert_null(ccg__record_joined(r, &len));
        }
    }
    assert_true(joined > 0);
    free_all(recs, n);
}

static void test_record_text_and_json(void **state)
{
    (void)state;
    ccg_record rec = {0};
    char title[] = "A \"quoted\" \\ title", abstract[] = "Line\twith\x01 control \xE2\x80\xA8 and é";
    size_t len;
    char *t = ccg_record_text(&rec, &len);
    assert_string_equal(t, "");
    free(t);
    rec.title = title;
    t = ccg_record_text(&rec, &len);
    assert_string_equal(t, title);
    free(t);
    rec.abstract = abstract;
    t = ccg_record_text(&rec, &len);
    assert_int_equal(len, strlen(title) + 2 + strlen(abstract));
    assert_true(strncmp(t + strlen(title), "\n\n", 2) == 0);
    free(t);
    char id[] = "x:1";
    rec.id = id;
    rec.year = 2024;
    rec.format = CCG_FORMAT_TEXT;
    char *json;
    assert_int_equal(ccg_record_to_json(&rec, &json), 0);
    assert_string_equal(json, "{\"id\":\"x:1\",\"title\":\"A \\\"quoted\\\" \\\\ title\","
                              "\"abstract\":\"Line\\twith\\u0001 control \\u2028 and é\","
                              "\"year\":2024,\"format\":\"text\"}");
    free(json);
}

/* Escapes at every offset: the JSON writer skips plain bytes eight at a time. */
static void test_json_escapes_every_offset(void **state)
{
    (void)state;
    static const struct {
        const char *text, *json;
    } pieces[] = {{"a", "a"}, {"xyzxyzxy", "xyzxyzxy"}, {" ", " "}, {"\"", "\\\""},
                  {"\\", "\\\\"}, {"\n", "\\n"}, {"\t", "\\t"}, {"\x01", "\\u0001"},
                  {"\xE2\x80\xA8", "\\u2028"}, {"\xE2\x80\x93", "\xE2\x80\x93"},
                  {"\xC3\xA9", "\xC3\xA9"}};
    unsigned long seed = 7;
    for (int t = 0; t < 3000; t++) {
        char title[512] = "", want[1024];
        size_t n = 0;
        int k = snprintf(want, sizeof want, "{\"id\":\"x\",\"title\":\"");
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        int parts = 1 + (int)((seed >> 33) % 30);
        for (int p = 0; p < parts; p++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            size_t i = (seed >> 33) % (sizeof pieces / sizeof *pieces);
            memcpy(title + n, pieces[i].text, strlen(pieces[i].text));
            n += strlen(pieces[i].text);
            k += snprintf(want + k, sizeof want - (size_t)k, "%s", pieces[i].json);
        }
        title[n] = '\0';
        snprintf(want + k, sizeof want - (size_t)k, "\",\"format\":\"text\"}");
        char id[] = "x";
        ccg_record rec = {0};
        rec.id = id;
        rec.title = title;
        rec.format = CCG_FORMAT_TEXT;
        char *json;
        assert_int_equal(ccg_record_to_json(&rec, &json), 0);
        assert_string_equal(json, want);
        free(json);
    }
}

/* Every allocation of a whole read, made to fail in turn: ENOMEM or success, never a leak or crash. */
static void test_alloc_failures(void **state)
{
    (void)state;
    const char *files[] = {FIX("listing_seed.txt"), FIX("sources.jsonl"), FIX("atom_sample.xml"),
                           FIX("sample.bib"), FIX("sample.ris"), FIX("sample_wos.txt"),
                           FIX("sample_scopus.csv"), FIX("openalex_page.json"),
                           FIX("paragraphs.txt")};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        bool succeeded = false;
        for (unsigned long n = 1; n < 5000 && !succeeded; n++) {
            ccg_corpus *c = NULL;
            ccg_reader_options o = {0};
            ccg_alloc_fail_after(n);
            int err = ccg_corpus_new(&c);
            if (err == 0)
                err = ccg_corpus_read_file(c, files[f], &o);
            ccg_alloc_fail_after(0);
            assert_true(err == 0 || err == CCG_ENOMEM);
            succeeded = err == 0;
            ccg_corpus_free(c);
        }
        assert_true(succeeded);
    }
}

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text, size_t n)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ccg_test_detect_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_detection(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        ccg_format want;
        size_t records;
    } cases[] = {
        {"\xEF\xBB\xBF{\"id\": \"2401.00001\", \"title\": \"T\"}\n", CCG_FORMAT_JSONL, 1},
        {"\n  {\n  \"title\": \"Pretty\"\n}\n", CCG_FORMAT_JSON, 1},
        {"[null, {\"title\": \"S2\"}]", CCG_FORMAT_JSON, 1},
        {"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", CCG_FORMAT_ATOM, 0},
        {"% exported\n\n@Article{k, title={T}}\n", CCG_FORMAT_BIBTEX, 1},
        {"TY  - JOUR\r\nTI  - T\r\nER  - \r\n", CCG_FORMAT_RIS, 1},
        {"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI T\nER\nEF\n", CCG_FORMAT_WOS, 1},
        {"Authors,Title,Year,Source title,DOI,Abstract\nA.,T,2020,S,,An abstract.\n", CCG_FORMAT_SCOPUS_CSV, 1},
        {"An abstract.\narXiv:2401.00001\n", CCG_FORMAT_ARXIV_LISTING, 1},
        {"An abstract mentioning arXiv:2401.00001 inside a line.\n", CCG_FORMAT_TEXT, 1},
        {"Just text.\n\nTwo paragraphs.", CCG_FORMAT_TEXT, 2},
        {"", CCG_FORMAT_TEXT, 0},
        {"\n\n  \n", CCG_FORMAT_TEXT, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *path = temp_file(cases[i].text, strlen(cases[i].text));
        ccg_record **recs;
        diag_log d = {0};
        ccg_format f;
        size_t n = read_all(path, CCG_FORMAT_AUTO, &recs, &d, &f);
        unlink(path);
        if (f != cases[i].want || n != cases[i].records)
            fail_msg("case %zu: format %s, %zu records", i, ccg_format_name(f), n);
        free_all(recs, n);
    }
    /* NUL bytes: binary, refused; UTF-16 gets its own message */
    const char *path = temp_file("\xFF\xFE" "a\0b\0", 6);
    ccg_reader *r = NULL;
    ccg_reader_options o = {0};
    assert_int_equal(ccg_reader_open(&r, path, &o), CCG_EFORMAT);
    assert_non_null(strstr(ccg_error_last(), "UTF-16"));
    unlink(path);
}

/* ---- JSON Lines on several threads ---------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} text_log;

static void log_add(text_log *l, const char *s)
{
    size_t n = strlen(s);
    if (l->len + n + 1 > l->cap) {
        l->cap = 2 * (l->len + n + 1);
        l->data = realloc(l->data, l->cap);
        assert_non_null(l->data);
    }
    memcpy(l->data + l->len, s, n + 1);
    l->len += n;
}

static void log_diag(void *ud, ccg_diag_kind kind, const char *file, unsigned long line,
                     const char *msg)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s %s:%lu: %s\n", kind == CCG_DIAG_WARNING ? "W" : "S", file,
             line, msg);
    log_add(ud, buf);
}

/*
 * Everything a read produces, in order: records (as JSON, with their line),
 * diagnostics, the end (0 or the error and its message), skipped and bytes.
 */
static char *read_log(const char *path, unsigned threads, bool strict, bool corpus)
{
    text_log l = {NULL, 0, 0};
    ccg_reader_options o = {.diag = log_diag, .diag_ud = &l, .strict = strict, .threads = threads};
    char buf[1024];
    log_add(&l, "");
    if (corpus) {
        ccg_corpus *c = NULL;
        assert_int_equal(ccg_corpus_new(&c), 0);
        int rc = ccg_corpus_read_file(c, path, &o);
        snprintf(buf, sizeof buf, "end %d %s, %zu records, %zu skipped, %zu duplicates\n", rc,
                 rc < 0 ? ccg_error_last() : "", c->n_records, c->n_skipped, c->n_duplicates);
        for (size_t i = 0; i < c->n_records; i++) {
            char *json;
            assert_int_equal(ccg_record_to_json(c->records[i], &json), 0);
            log_add(&l, json);
            free(json);
        }
        log_add(&l, buf);
        ccg_corpus_free(c);
        return l.data;
    }
    ccg_reader *r = NULL;
    assert_int_equal(ccg_reader_open(&r, path, &o), 0);
    ccg_record *rec;
    int rc;
    while ((rc = ccg_reader_next(r, &rec)) > 0) {
        char *json;
        assert_int_equal(ccg_record_to_json(rec, &json), 0);
        log_add(&l, json);
        snprintf(buf, sizeof buf, " @%lu\n", rec->line);
        log_add(&l, buf);
        free(json);
        ccg_record_free(rec);
    }
    /* bytes read so far are a progress figure: only the total at the end is exact */
    snprintf(buf, sizeof buf, "end %d %s, %zu skipped, %llu bytes\n", rc,
             rc < 0 ? ccg_error_last() : "", ccg_reader_skipped(r),
             rc < 0 ? 0ull : (unsigned long long)ccg_reader_bytes(r));
    log_add(&l, buf);
    assert_int_equal(ccg_reader_next(r, &rec), rc); /* the end or the error stays */
    ccg_reader_free(r);
    return l.data;
}

/*
 * A JSON Lines file of several batches with every kind of line: good
 * records, bad JSON, records without text, no id ("file:n" ids count the
 * skipped ones), invalid UTF-8 (a warning), pages of works with a null
 * entry, blank lines, CRLF; unless mixed, good records only. bad_at and
 * bad_at + 150 are broken (0: none); tail is appended as is.
 */
static const char *big_jsonl(size_t lines, bool mixed, size_t bad_at, const char *tail)
{
    text_log l = {NULL, 0, 0};
    char buf[1024];
    log_add(&l, "");
    for (size_t i = 1; i <= lines; i++) {
        if (bad_at && (i == bad_at || i == bad_at + 150))
            snprintf(buf, sizeof buf, "{\"id\": \"2401.%05zu\", \"title\": \"Bad [%zu\", }\n", i, i);
        else if (!mixed)
            snprintf(buf, sizeof buf, "{\"id\": \"2403.%05zu\", \"title\": \"Paper %zu\"}\n", i, i);
        else if (i % 97 == 0)
            snprintf(buf, sizeof buf, "{\"title\": \"cut %zu\n", i);
        else if (i % 101 == 0)
            snprintf(buf, sizeof buf, "{\"id\": \"2402.%05zu\"}\n", i);
        else if (i % 53 == 0)
            snprintf(buf, sizeof buf, "{\"title\": \"No id %zu\", \"abstract\": \"Text.\"}\r\n", i);
        else if (i % 61 == 0)
            snprintf(buf, sizeof buf, "{\"title\": \"Bad \xFF UTF-8 %zu\", \"abstract\": \"A \xC3\"}\n", i);
        else if (i % 71 == 0)
            snprintf(buf, sizeof buf, "   \n");
        else if (i % 89 == 0)
            snprintf(buf, sizeof buf, "{\"results\": [{\"title\": \"Page %zu a\"}, null, "
                                      "{\"title\": \"Page %zu b\", \"doi\": \"10.1/%zu\"}]}\n", i, i, i);
        else
            snprintf(buf, sizeof buf, "{\"id\": \"2403.%05zu\", \"title\": \"Paper %zu on "
                                      "\\\\textit{LoRA}\", \"abstract\": \"We study $x$ in "
                                      "caf\\u00e9 LLM%zu with DPO; it  works.\", \"authors\": "
                                      "[\"A. B\", \"C. D\"], \"year\": 2024}\n", i % 20000, i, i);
        log_add(&l, buf);
    }
    log_add(&l, tail);
    const char *path = temp_file(l.data, l.len);
    free(l.data);
    return path;
}

static void assert_same_for_threads(const char *path, bool strict, bool corpus)
{
    char *one = read_log(path, 1, strict, corpus);
    static const unsigned counts[] = {2, 3, 4, 0};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        char *many = read_log(path, counts[k], strict, corpus);
        if (strcmp(one, many) != 0)
            fail_msg("%s: %u threads differ from one (strict %d, corpus %d)", path, counts[k],
                     strict, corpus);
        free(many);
    }
    free(one);
}

static void test_jsonl_threads(void **state)
{
    (void)state;
    /* the fixtures, small enough for one batch */
    assert_same_for_threads(FIX("sources.jsonl"), false, false);
    assert_same_for_threads(FIX("sources.jsonl"), true, false);
    assert_same_for_threads(FIX("arxiv_slice50.jsonl.gz"), false, true);
    /* about 5 batches, then a truncated last line (an error), or a clean end */
    const char *tails[] = {"", "{\"title\": \"cut at the end\n", "{\"title\": \"no newline\"}",
                           "{\"title\": \"cut, no newline"};
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
        const char *path = big_jsonl(8000, true, 0, tails[t]);
        char *log = read_log(path, 2, false, false);
        assert_non_null(strstr(log, "S ")); /* skipped records were reported */
        assert_non_null(strstr(log, "W ")); /* and warnings */
        char file_id[128];
        snprintf(file_id, sizeof file_id, "{\"id\":\"%s:", path); /* "file:n" ids */
        assert_non_null(strstr(log, file_id));
        /* a cut last line without a newline is a truncated file */
        if (t != 1) /* with one, whether the reader saw the end yet decides, as on one thread */
            assert_true((strstr(log, "\nend 0 ") != NULL) == (t != 3));
        free(log);
        assert_same_for_threads(path, false, false);
        assert_same_for_threads(path, false, true);
        assert_same_for_threads(path, true, false);
        unlink(path);
    }
}

/*
 * --strict: the first bad line in input order is the error, even when the
 * batch holding a later bad line is parsed first (the two bad lines are
 * moved across the end of the first batch, about 4,300 lines).
 */
static void test_jsonl_threads_strict(void **state)
{
    (void)state;
    for (size_t bad_at = 3900; bad_at <= 4700; bad_at += 200) {
        const char *path = big_jsonl(12000, false, bad_at, "");
        char *want = read_log(path, 1, true, false);
        char first[64];
        snprintf(first, sizeof first, ":%zu: invalid JSON", bad_at);
        assert_non_null(strstr(want, first));
        for (unsigned threads = 2; threads <= 4; threads++) {
            char *got = read_log(path, threads, true, true);
            char *got_stream = read_log(path, threads, true, false);
            char *want_corpus = read_log(path, 1, true, true);
            assert_string_equal(got_stream, want);
            assert_string_equal(got, want_corpus);
            free(got);
            free(got_stream);
            free(want_corpus);
        }
        free(want);
        unlink(path);
    }
}

static void drop_strv(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

/*
 * ccg_reader_options.omit: in every format, the records are those read
 * with every field, less the omitted ones, and the skipped records the same.
 */
static void test_omit(void **state)
{
    (void)state;
    static const char *const files[] = {
        FIX("listing_seed.txt"),    FIX("arxiv_slice50.jsonl.gz"), FIX("sources.jsonl"),
        FIX("openalex_page.json"),  FIX("openalex_work.json"),     FIX("s2_batch.json"),
        FIX("atom_sample.xml"),     FIX("sample.bib"),             FIX("sample.ris"),
        FIX("sample_wos.txt"),      FIX("sample_scopus.csv"),      FIX("paragraphs.txt"),
    };
    static const unsigned masks[] = {CCG_FIELD_AUTHORS, CCG_FIELD_CATEGORIES,
                                     CCG_FIELD_AUTHORS | CCG_FIELD_CATEGORIES};
    size_t had_authors = 0, had_categories = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++)
        for (size_t m = 0; m < sizeof masks / sizeof *masks; m++)
            for (unsigned threads = 1; threads <= 2; threads++) {
                ccg_record **all, **some;
                diag_log da = {0}, ds = {0};
                ccg_reader_options oa = {.diag = on_diag, .diag_ud = &da, .threads = threads};
                ccg_reader_options os = oa;
                os.diag_ud = &ds;
                os.omit = masks[m];
                size_t n = read_with(files[f], &oa, &all, NULL);
                assert_int_equal(read_with(files[f], &os, &some, NULL), n);
                assert_int_equal(ds.skipped, da.skipped);
                for (size_t i = 0; i < n; i++) {
                    had_authors += all[i]->n_authors > 0;
                    had_categories += all[i]->n_categories > 0;
                    if (masks[m] & CCG_FIELD_AUTHORS) {
                        assert_null(some[i]->authors);
                        assert_int_equal(some[i]->n_authors, 0);
                        drop_strv(&all[i]->authors, &all[i]->n_authors);
                    }
                    if (masks[m] & CCG_FIELD_CATEGORIES) {
                        assert_null(some[i]->categories);
                        assert_int_equal(some[i]->n_categories, 0);
                        drop_strv(&all[i]->categories, &all[i]->n_categories);
                    }
                    char *want, *got;
                    assert_int_equal(ccg_record_to_json(all[i], &want), 0);
                    assert_int_equal(ccg_record_to_json(some[i], &got), 0);
                    assert_string_equal(got, want);
                    assert_int_equal(some[i]->line, all[i]->line);
                    free(want);
                    free(got);
                }
                free_all(all, n);
                free_all(some, n);
            }
    assert_true(had_authors > 0 && had_categories > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listing_seed),      cmocka_unit_test(test_listing_rules),
        cmocka_unit_test(test_jsonl_arxiv_and_gzip), cmocka_unit_test(test_jsonl_sources),
        cmocka_unit_test(test_json_documents),    cmocka_unit_test(test_atom),
        cmocka_unit_test(test_bibtex),            cmocka_unit_test(test_ris_wos_scopus),
        cmocka_unit_test(test_text_and_override), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_corpus_dedup),      cmocka_unit_test(test_record_text_and_json),
        cmocka_unit_test(test_alloc_failures),    cmocka_unit_test(test_detection),
        cmocka_unit_test(test_jsonl_threads),     cmocka_unit_test(test_jsonl_threads_strict),
        cmocka_unit_test(test_json_escapes_every_offset), cmocka_unit_test(test_omit),
        cmocka_unit_test(test_record_joined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
