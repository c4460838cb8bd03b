/*
 * test_extract.c: the extractor on spec cases (fixtures/extract/spec.txt),
 * model-name granularity, user lexicon / stop list / thesaurus files,
 * corpus annotation (merges, introduced_by, sentences), pathological
 * inputs and allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ccgraph.h"
#include "extractor.h"

#define FIX CCG_FIXTURES "/extract/"

static ccg_extractor *spec_extractor(ccg_granularity g)
{
    ccg_extractor_options o;
    ccg_extractor_options_init(&o);
    o.builtin_lexicon = false;
    o.threads = 1;
    o.granularity = g;
    ccg_extractor *x = NULL;
    assert_int_equal(ccg_extractor_new(&x, &o), 0);
    assert_int_equal(ccg_extractor_add_lexicon(x, FIX "spec_lexicon.tsv"), 0);
    return x;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    return s;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name\ttype\tyes|no" lines of the entities found, sorted, one string. */
static char *summarize(const ccg_mentions *m)
{
    size_t cap = 64;
    char **lines = calloc(m->n + 1, sizeof *lines);
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s\t%s\t%s\n", m->items[i].name,
                 ccg_entity_type_name(m->items[i].type), m->items[i].introduced ? "yes" : "no");
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(lines[k], buf) == 0;
        if (!dup)
            lines[n++] = strdup(buf);
    }
    qsort(lines, n, sizeof *lines, cmp_line);
    for (size_t i = 0; i < n; i++)
        cap += strlen(lines[i]);
    char *out = calloc(1, cap);
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

/* Sorts the lines of an expectation block the same way. */
static char *sort_lines(char *block)
{
    char *lines[256];
    size_t n = 0;
    for (char *p = strtok(block, "\n"); p && n < 256; p = strtok(NULL, "\n"))
        if (*p)
            lines[n++] = p;
    qsort(lines, n, sizeof *lines, cmp_line);
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(lines[i]) + 1;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
    }
    return out;
}

static void test_spec(void **state)
{
    (void)state;
    ccg_extractor *x = spec_extractor(CCG_GRANULARITY_VERSION);
    char *spec = slurp(FIX "spec.txt");
    int cases = 0, failures = 0;
    char *p = strstr(spec, "\n=== ");
    while (p) {
        char *title = p + 5;
        char *eol = strchr(title, '\n');
        assert_non_null(eol);
        *eol = '\0';
        char *text = eol + 1;
        char *sep = strstr(text, "\n---\n");
        assert_non_null(sep);
        *sep = '\0';
        char *exp = sep + 5;
        char *next = strstr(exp, "\n=== ");
        if (next)
            *next = '\0';
        char *want = sort_lines(exp);
        ccg_mentions *m = NULL;
        assert_int_equal(ccg_extractor_extract(x, text, strlen(text), &m), 0);
        char *got = summarize(m);
        cases++;
        if (strcmp(got, want) != 0) {
            failures++;
            printf("spec '%s':\n--- want\n%s--- got\n%s", title, want, got);
        }
        /* every span is inside the text and names its mention */
        for (size_t i = 0; i < m->n; i++) {
            assert_true(m->items[i].start < m->items[i].end);
            assert_true(m->items[i].end <= strlen(text));
            if (i)
                assert_true(m->items[i - 1].start <= m->items[i].start);
        }
        free(got);
        free(want);
        ccg_mentions_free(m);
        p = next;
        if (p)
            *p = '\n';
    }
    printf("%d spec cases, %d failed\n", cases, failures);
    assert_true(cases >= 20);
    assert_int_equal(failures, 0);
    free(spec);
    ccg_extractor_free(x);
}

static const char *one_name(ccg_extractor *x, const char *text, char *buf, size_t n)
{
    ccg_mentions *m = NULL;
    assert_int_equal(ccg_extractor_extract(x, text, strlen(text), &m), 0);
    assert_int_equal(m->n, 1);
    snprintf(buf, n, "%s", m->items[0].name);
    ccg_mentions_free(m);
    return buf;
}

static void test_granularity(void **state)
{
    (void)state;
    char buf[128];
    const ccg_granularity g[3] = {CCG_GRANULARITY_VERSION, CCG_GRANULARITY_FAMILY,
                                  CCG_GRANULARITY_VARIANT};
    const char *want_llama[3] = {"LLaMA-3", "LLaMA", "LLaMA-3-8B"};
    const char *want_qwen[3] = {"Qwen2.5-VL", "Qwen", "Qwen2.5-VL-7B-Instruct"};
    for (int i = 0; i < 3; i++) {
        ccg_extractor *x = spec_extractor(g[i]);
        assert_string_equal(one_name(x, "We use LLaMA3-8B here.", buf, sizeof buf), want_llama[i]);
        assert_string_equal(one_name(x, "Qwen2.5-VL-7B-Instruct wins.", buf, sizeof buf),
                            want_qwen[i]);
        ccg_extractor_free(x);
    }
}

static void test_user_files(void **state)
{
    (void)state;
    ccg_extractor *x = spec_extractor(CCG_GRANULARITY_VERSION);
    /* a bad lexicon line is a parse error with file:line */
    assert_int_equal(ccg_extractor_add_lexicon(x, FIX "bad_lexicon.tsv"), CCG_EPARSE);
    assert_non_null(strstr(ccg_error_last(), "bad_lexicon.tsv:3: unknown type 'gadget'"));
    assert_int_equal(ccg_extractor_add_lexicon(x, FIX "no_such_file.tsv"), CCG_EIO);
    assert_int_equal(ccg_extractor_add_thesaurus(x, FIX "bad_thesaurus.txt"), CCG_EPARSE);
    assert_non_null(strstr(ccg_error_last(), "bad_thesaurus.txt:2:"));
    ccg_extractor_free(x);

    /* a user stop list removes a name; a user lexicon adds and types one */
    x = spec_extractor(CCG_GRANULARITY_VERSION);
    const char *text = "FinLLaMA beats ZorbNet on the QuuxSet.";
    ccg_mentions *m = NULL;
    assert_int_equal(ccg_extractor_extract(x, text, strlen(text), &m), 0);
    assert_int_equal(m->n, 3);
    ccg_mentions_free(m);
    assert_int_equal(ccg_extractor_add_stoplist(x, FIX "user_stop.txt"), 0);
    assert_int_equal(ccg_extractor_add_lexicon(x, FIX "user_lexicon.tsv"), 0);
    assert_int_equal(ccg_extractor_extract(x, text, strlen(text), &m), 0);
    assert_int_equal(m->n, 2);
    assert_string_equal(m->items[0].name, "ZorbNet");
    assert_int_equal(m->items[0].type, CCG_TYPE_TOOL);
    assert_string_equal(m->items[1].name, "QuuxSet");
    assert_int_equal(m->items[1].type, CCG_TYPE_DATASET);
    ccg_mentions_free(m);
    ccg_extractor_free(x);
}

/* The names of the mentions of text, in text order, joined by '|'. */
static char *names_joined(ccg_extractor *x, const char *text)
{
    ccg_mentions *m = NULL;
    assert_int_equal(ccg_extractor_extract(x, text, strlen(text), &m), 0);
    size_t cap = 1;
    for (size_t i = 0; i < m->n; i++)
        cap += strlen(m->items[i].name) + 1;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < m->n; i++) {
        if (i)
            strcat(out, "|");
        strcat(out, m->items[i].name);
    }
    ccg_mentions_free(m);
    return out;
}

/*
 * The lexicon walk looks for matches only where the key of one atom may be
 * a full key (or a plural's), or the key of two a key of the table (or a
 * plural's): each text here has a match the filter must let through, at
 * the text's end and on either side of the sweep's blocks of 64 atoms.
 */
static void test_lexicon_walk(void **state)
{
    (void)state;
    ccg_extractor_options o;
    ccg_extractor_options_init(&o);
    o.builtin_lexicon = false;
    o.threads = 1;
    ccg_extractor *x = NULL;
    assert_int_equal(ccg_extractor_new(&x, &o), 0);
    assert_int_equal(ccg_extractor_add_lexicon(x, FIX "walk_lexicon.tsv"), 0);
    static const char *const cases[][2] = {
        {"We tune with DPO.", "DPO"},                        /* a key of one atom */
        {"LLMs and Transformers", "LLM|Transformer"},        /* plurals, the last atom */
        {"DPO", "DPO"},                                      /* a text of one atom */
        {"LoRA+ beats LoRA on H100s.", "LoRA+|LoRA|H100"},   /* a '+'; digits and an 's' */
        {"The H100 is fast.", "H100"},                       /* a key of two joined atoms */
        {"Sharpe ratios of funds", "Sharpe ratio"},          /* two atoms and a plural */
        {"gated blocks+ help", "Gated Blocks"},              /* a plural's s before a '+' */
        {"Fast 3D scene graph building", "3D Scene Graph"},  /* a digit atom first */
        {"Agents play the prisoner's dilemma.", "Prisoner's Dilemma"}, /* a kept separator */
        {"Built with Node.js today", "Node.js"},             /* a kept separator */
        {"A pretrained graph encoder helps.", "Pre-trained Graph Encoder"}, /* atoms joined */
        {"We run k_means and k-means.", "k-means|k-means"},  /* a dropped separator */
        {"Direct Preference Optimization works", "DPO"},     /* a long form */
        {"the Sharpe. ratio", ""},                           /* punctuation between */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = names_joined(x, cases[i][0]);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("'%s': got '%s', want '%s'", cases[i][0], got, cases[i][1]);
        free(got);
    }
    /* the same matches after 58 to 70 atoms: before, across and after the
     * boundary of the sweep's first block */
    for (size_t pad = 58; pad <= 70; pad++) {
        char text[1024] = "";
        for (size_t i = 0; i < pad; i++)
            strcat(text, i % 3 ? "large " : "a ");
        strcat(text, "Sharpe ratio, LLMs, 3D scene graph, DPO");
        char *got = names_joined(x, text);
        if (strcmp(got, "Sharpe ratio|LLM|3D Scene Graph|DPO") != 0)
            fail_msg("after %zu atoms: got '%s'", pad, got);
        free(got);
    }
    ccg_extractor_free(x);
}

/*
 * pass_lexicon's sweep takes a pair's separator from the second atom's
 * sepch alone (kept_sep in extractor.c): the tokenizer must give a
 * separator the fold keeps only to SEP_OTHER atoms, and any separator only
 * to SEP_HYPHEN and SEP_OTHER ones. Checked on texts with every separator
 * and on random bytes.
 */
static void test_atom_separators(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Node.js, k_means, k-means, user@host, prisoner's dilemma, e.g. 3.5 GPT-4o",
        "multi-\nmodal pre\xe2\x80\x90trained x--y a-'b c'.d .@_- LoRA+ v1.2.3 YOLOv8",
        "see https://github.com/x/y.git, www.a.b and 'quoted' text@ the end-",
    };
    ccg__atoms t = {0};
    char buf[512];
    srand(7);
    for (int r = 0; r < 200 + (int)(sizeof texts / sizeof *texts); r++) {
        const char *s = buf;
        size_t n;
        if (r < (int)(sizeof texts / sizeof *texts)) {
            s = texts[r];
            n = strlen(s);
        } else {
            static const char bytes[] = "aZ9 -_@'.\n+\xe2\x80";
            n = sizeof buf;
            for (size_t i = 0; i < n; i++)
                buf[i] = bytes[rand() % (sizeof bytes - 1)];
        }
        assert_int_equal(ccg__atomize(&t, s, n), 0);
        for (size_t k = 0; k < t.n_atoms; k++) {
            const ccg__atom *a = &t.atoms[k];
            if (a->sepch == '@' || a->sepch == '\'' || a->sepch == '.')
                assert_int_equal(a->sep, SEP_OTHER);
            if (a->sep != SEP_HYPHEN && a->sep != SEP_OTHER)
                assert_int_equal(a->sepch, 0);
        }
    }
    ccg__atoms_free(&t);
}

static ccg_record *rec(const char *id, const char *title, const char *abstract, int year)
{
    ccg_record *r = calloc(1, sizeof *r);
    r->id = strdup(id);
    r->title = title ? strdup(title) : NULL;
    r->abstract = strdup(abstract);
    r->year = year;
    return r;
}

static const ccg_entity *find_entity(const ccg_annotation *a, const char *name, size_t *idx)
{
    for (size_t i = 0; i < a->n_entities; i++)
        if (strcmp(a->entities[i].name, name) == 0) {
            if (idx)
                *idx = i;
            return &a->entities[i];
        }
    return NULL;
}

/* An extractor with the spec lexicon only, for corpus tests. */
static ccg_extractor *corpus_extractor(unsigned threads)
{
    ccg_extractor_options o;
    ccg_extractor_options_init(&o);
    o.builtin_lexicon = false;
    o.threads = threads;
    ccg_extractor *x = NULL;
    assert_int_equal(ccg_extractor_new(&x, &o), 0);
    assert_int_equal(ccg_extractor_add_lexicon(x, FIX "spec_lexicon.tsv"), 0);
    return x;
}

static void test_annotate(void **state)
{
    (void)state;
    for (unsigned threads = 1; threads <= 3; threads++) {
        ccg_extractor *x = corpus_extractor(threads);
        assert_int_equal(ccg_extractor_add_thesaurus(x, FIX "thesaurus.txt"), 0);
        ccg_corpus *c = NULL;
        assert_int_equal(ccg_corpus_new(&c), 0);
        /* paper 1 is later than paper 0 but introduces the method first by date */
        assert_int_equal(ccg_corpus_add(c, rec("p0", "Gains", "We apply Gated Token Routing to BERT. It helps.", 2025)), 1);
        assert_int_equal(ccg_corpus_add(c, rec("p1", NULL, "We propose Gated Token Routing (GTR), a new method. GTR is fast. We compare to BM25.", 2024)), 1);
        assert_int_equal(ccg_corpus_add(c, rec("p2", NULL, "GTR and LLaMA3 and Llama 3 run on MMLU.", 2026)), 1);
        ccg_annotation *a = NULL;
        assert_int_equal(ccg_extractor_annotate(x, c, &a), 0);
        assert_int_equal(a->n_docs, 3);
        /* entities sorted by name */
        for (size_t i = 1; i < a->n_entities; i++)
            assert_true(strcmp(a->entities[i - 1].name, a->entities[i].name) < 0);
        size_t gtr;
        const ccg_entity *e = find_entity(a, "GTR", &gtr);
        assert_non_null(e);
        assert_int_equal(e->n_papers, 3); /* p0 spells the long form out only */
        assert_int_equal(e->introduced_by, 1);
        assert_int_equal(e->type, CCG_TYPE_METHOD);
        /* the thesaurus renamed LLaMA-3 and dropped BM25 */
        assert_non_null(find_entity(a, "Llama 3 (Meta)", NULL));
        assert_null(find_entity(a, "LLaMA-3", NULL));
        assert_null(find_entity(a, "BM25", NULL));
        /* p0: GTR in sentence 1 (after the title), BERT too */
        const ccg_doc_entities *d0 = &a->docs[0];
        assert_int_equal(d0->n_sentences, 3);
        assert_int_equal(d0->sentence_starts[0], 0);
        bool seen = false;
        for (size_t i = 0; i < d0->n; i++)
            if (d0->items[i].entity == gtr) {
                seen = true;
                assert_int_equal(d0->items[i].count, 1);
                assert_int_equal(d0->items[i].sentences[0], 1);
                assert_false(d0->items[i].introduced);
                assert_int_equal(d0->items[i].spans[0], strlen("Gains\n\nWe apply "));
            }
        assert_true(seen);
        /* the merge of the long form is exposed for the thesaurus export */
        bool merged = false;
        for (size_t i = 0; i < a->n_merges; i++)
            merged |= strcmp(a->merge_from[i], "Gated Token Routing") == 0 &&
                      strcmp(a->merge_to[i], "GTR") == 0;
        assert_true(merged);
        ccg_annotation_free(a);
        ccg_corpus_free(c);
        ccg_extractor_free(x);
    }
}

/* A corpus of the texts: papers p0, p1, ... of 2025. */
static ccg_corpus *corpus_of(const char *const *texts)
{
    ccg_corpus *c = NULL;
    assert_int_equal(ccg_corpus_new(&c), 0);
    for (size_t i = 0; texts[i]; i++) {
        char id[32];
        snprintf(id, sizeof id, "p%zu", i);
        assert_int_equal(ccg_corpus_add(c, rec(id, NULL, texts[i], 2025)), 1);
    }
    return c;
}

/* An extractor, a corpus of the texts (corpus_of) and its annotation. */
typedef struct {
    ccg_extractor *x;
    ccg_corpus *c;
    ccg_annotation *a;
} annotated;

static annotated annotate_all(unsigned threads, const char *const *texts)
{
    annotated t = {corpus_extractor(threads), corpus_of(texts), NULL};
    assert_int_equal(ccg_extractor_annotate(t.x, t.c, &t.a), 0);
    return t;
}

static void annotated_free(annotated *t)
{
    ccg_annotation_free(t->a);
    ccg_corpus_free(t->c);
    ccg_extractor_free(t->x);
}

/* The entity called name, which must exist. */
static const ccg_entity *must_find(const ccg_annotation *a, const char *name)
{
    const ccg_entity *e = find_entity(a, name, NULL);
    assert_non_null(e);
    return e;
}

/*
 * A long form most papers write in lower case is a field or a class, not a
 * name (issue #3 round 2): neither it nor its acronym is an entity, while a
 * name its authors write in Title Case survives however often it occurs.
 */
static void test_annotate_generic(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We study Hallucination Detection (HD) for agents. HD helps.",
        "Most hallucination detection tools fail. We fix it.",
        "Cheap hallucination detection with HD probes.",
        "We propose Selective Preference Optimization (SePO), a new method.",
        "Selective Preference Optimization beats DPO.",
        "Unlike selective preference optimization, ours is dense.", NULL};
    annotated t = annotate_all(2, texts);
    const ccg_annotation *a = t.a;
    assert_null(find_entity(a, "HD", NULL));
    const ccg_entity *e = must_find(a, "SePO");
    assert_int_equal(e->n_papers, 3);
    assert_int_equal(e->introduced_by, 3);
    /* a lexicon name is never generic, and a paper defining it does not introduce it */
    e = must_find(a, "DPO");
    assert_int_equal(e->introduced_by, -1);
    annotated_free(&t);
}

/* One acronym, two senses: the sense most papers define keeps the acronym. */
static void test_annotate_homonyms(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Robotic Endoscopic Submucosal Dissection (ESD) is hard. ESD takes hours.",
        "We use Error Span Detection (ESD) to rate translations. ESD is cheap.",
        "Training for Endoscopic Submucosal Dissection (ESD) uses simulators.",
        "Surgeons rate ESD videos.", NULL};
    annotated t = annotate_all(1, texts);
    const ccg_annotation *a = t.a;
    const ccg_entity *e = must_find(a, "ESD");
    assert_int_equal(e->n_papers, 3);
    for (size_t i = 0; i < e->n_forms; i++)
        assert_null(strstr(e->forms[i], "Span"));
    e = must_find(a, "Error Span Detection");
    assert_int_equal(e->n_papers, 1);
    assert_int_equal(e->n_mentions, 3);
    annotated_free(&t);
}

/*
 * What a definition may spread to other papers: not a long form the lexicon
 * does not know for its acronym ("memory systems (Mem0)"), and not the start
 * of a longer Title Case name ("Generative Adversarial" in "... Networks"),
 * and not one word its long form folds to ("commonsense" for "Common Sense").
 */
static void test_annotate_spread(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We add long-term memory systems (Mem0) to agents.",
        "Agents with memory systems forget less.",
        "A study of Generative Adversarial (GA) training.",
        "Generative Adversarial Networks make images.",
        "Benchmarks of Common Sense (CS) in robots.",
        "Robots lack commonsense.", NULL};
    annotated t = annotate_all(1, texts);
    const ccg_annotation *a = t.a;
    const ccg_entity *e = must_find(a, "Mem0");
    assert_int_equal(e->n_papers, 1);
    e = must_find(a, "GA");
    assert_int_equal(e->n_papers, 1);
    e = must_find(a, "CS");
    assert_int_equal(e->n_papers, 1);
    annotated_free(&t);
}

/*
 * The second pass finds a long form another paper defined when one of its
 * words is hyphenated ("Pre-operative"): its quick filter, which drops a
 * word whose next piece cannot continue any long form, must keep the pieces
 * of a hyphenated word.
 */
static void test_annotate_hyphenated_long_form(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We propose Pre-operative Tumour Mapping (PTM) for surgery planning.",
        "Surgeons use pre-operative tumour mapping daily.", NULL};
    annotated t = annotate_all(1, texts);
    const ccg_entity *e = must_find(t.a, "PTM");
    assert_int_equal(e->n_papers, 2);
    annotated_free(&t);
}

/*
 * The second pass looks for long forms only where the key of two atoms is
 * one of theirs (a prefix, a full key, or a full key and a plural s or '+'
 * after it), split into the keys of the two where the first is a prefix
 * key: each paper here spells out another's long form in a way the filter
 * must let through.
 */
static void test_annotate_two_atom_keys(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We build a Point Cloud (PCD) of the scene.", /* a long form of two atoms */
        "Dense point cloud data help.",
        "A Gated Block (GBK) mixes tokens.", /* its plural */
        "Stacked gated blocks mix tokens.",
        "A Mixed Loss (MXL) trains it.", /* a plural's s with the '+' of a name after it */
        "Our mixed loss+ variant wins.",
        "We release a Pre-trained Graph Encoder (PGE) today.", /* one atom of the text, two of the key */
        "A pretrained graph encoder helps.",
        /* the key of two split at its first prefix key of three (pre,
         * pretrain, pretrained): each split is in the filter */
        "A Pre Train Loss (PTL) is added.",
        "Our Pre-trained Graph Encoder helps too.", /* Title Case: not generic */
        "We build a 3D Scene Graph (DSG) here.", /* a digit atom first */
        "Fast 3D scene graph building is hard.",
        "The Prisoner's Dilemma (PD) is a game.", /* a separator the key keeps */
        "Agents play the prisoner's dilemma.", NULL};
    for (unsigned threads = 1; threads <= 2; threads++) {
        annotated t = annotate_all(threads, texts);
        static const char *const names[] = {"PCD", "GBK", "MXL", "PGE", "DSG", "PD"};
        static const size_t papers[] = {2, 2, 2, 3, 2, 2};
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            const ccg_entity *e = must_find(t.a, names[i]);
            if (e->n_papers != papers[i])
                fail_msg("%s: %zu papers", names[i], (size_t)e->n_papers);
        }
        annotated_free(&t);
    }
}

/*
 * Past its first two atoms, the second pass follows a long form only where
 * the next atom's first byte (or the separator the key keeps before it)
 * continues one, or the two end it: each paper here spells out another's
 * long form with a next atom the filter must let through.
 */
static void test_annotate_next_byte(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We define the Deep Wave Transform (DWT) first.", /* three atoms, three words */
        "A deep wave transform is fast.",
        "We define Agent Smith's Law (ASL) here.", /* a separator the key keeps, next */
        "By agent smith's law it holds.",
        "We propose Vision Mamba2 Encoder (VME) today.", /* a digit joined to the second */
        "A vision mamba2 encoder is used.",
        "We define Sparse Block Codes (SBC).", /* the text's last two atoms, a plural */
        "We use sparse block codes", NULL};
    for (unsigned threads = 1; threads <= 2; threads++) {
        annotated t = annotate_all(threads, texts);
        static const char *const names[] = {"DWT", "ASL", "VME", "SBC"};
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            const ccg_entity *e = must_find(t.a, names[i]);
            if (e->n_papers != 2)
                fail_msg("%s: %zu papers", names[i], (size_t)e->n_papers);
        }
        annotated_free(&t);
    }
}

/*
 * The second pass puts the long forms it finds among the paper's other
 * mentions, in order of start: here ten of another paper's, between names
 * of the lexicon.
 */
static void test_annotate_many_added(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We define Alpha Beta Net (ABN), Gamma Delta Loss (GDL), Echo Fox Score (EFS), "
        "Golf Hotel Set (GHS), India Juliet Tool (IJT), Kilo Lima Model (KLM), Mike Nov "
        "Bench (MNB), Oscar Papa Rank (OPR), Quebec Romeo Map (QRM) and Sierra Tango Gate (STG).",
        "The alpha beta net beats BERT, the gamma delta loss trains GPT-4, and the echo fox "
        "score, golf hotel set and india juliet tool help RoBERTa; a kilo lima model, LLaMA, "
        "the mike nov bench, oscar papa rank, quebec romeo map, T5 and a sierra tango gate too.",
        NULL};
    annotated t = annotate_all(1, texts);
    static const char *const names[] = {"ABN", "GDL", "EFS", "GHS", "IJT",
                                        "KLM", "MNB", "OPR", "QRM", "STG"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const ccg_entity *e = must_find(t.a, names[i]);
        if (e->n_papers != 2)
            fail_msg("%s: %zu papers", names[i], (size_t)e->n_papers);
    }
    const ccg_doc_entities *d = &t.a->docs[1];
    assert_true(d->n >= 14);
    for (size_t i = 0; i < d->n; i++) {
        const ccg_doc_entity *e = &d->items[i];
        if (i > 0)
            assert_true(d->items[i - 1].spans[0] < e->spans[0]);
        for (uint32_t k = 1; k < e->count; k++)
            assert_true(e->spans[2 * k - 2] < e->spans[2 * k]);
    }
    annotated_free(&t);
}

/*
 * A name two papers define in Title Case without saying they introduce it
 * is established: no paper introduced it. One paper's definition coins it.
 */
static void test_annotate_established(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Bradley Terry Ranking (BTR) scores pairs of answers.",
        "Votes are fit with Bradley Terry Ranking (BTR) here.",
        "Gated Token Mixing (GTM) is a new layer for vision.", NULL};
    annotated t = annotate_all(2, texts);
    const ccg_annotation *a = t.a;
    const ccg_entity *e = must_find(a, "BTR");
    assert_int_equal(e->introduced_by, -1);
    for (size_t d = 0; d < 2; d++)
        assert_false(a->docs[d].items[0].introduced);
    e = must_find(a, "GTM");
    assert_int_equal(e->introduced_by, 2);
    annotated_free(&t);
}

/* Inputs built to be slow: each must finish well within the test timeout. */
static void test_pathological(void **state)
{
    (void)state;
    ccg_extractor *x = spec_extractor(CCG_GRANULARITY_VERSION);
    size_t n = 1 << 20;
    char *s = malloc(n + 1);
    const char *kinds[] = {"token", "acronyms", "parens", "hyphens", "defs", "intros", "phrases"};
    for (int k = 0; k < 7; k++) {
        for (size_t i = 0; i < n; i++) {
            switch (k) {
            case 0: s[i] = (char)('A' + (i * 7) % 26); break;
            case 1: s[i] = " ABCDEFGH"[i % 9]; break;
            case 2: s[i] = i < n / 2 ? '(' : ')'; break;
            case 3: s[i] = "A-"[i % 2]; break;
            case 4: s[i] = "Xa Yb Zc (XYZ) "[i % 15]; break;
            case 5: s[i] = "We propose FooNet, a net. "[i % 26]; break;
            default: s[i] = "Foo Bar Dataset and Qa Rb (QR) "[i % 31]; break;
            }
        }
        s[n] = '\0';
        clock_t t0 = clock();
        ccg_mentions *m = NULL;
        assert_int_equal(ccg_extractor_extract(x, s, n, &m), 0);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        printf("%s: %zu mentions in %.2f s\n", kinds[k], m->n, secs);
        assert_true(secs < 20);
        ccg_mentions_free(m);
    }
    free(s);
    ccg_extractor_free(x);
}

/* Every allocation failure is reported as CCG_ENOMEM, never a crash or leak. */
static void test_alloc_failures(void **state)
{
    (void)state;
    const char *text = "Sword: A Test\n\nWe propose Selective Preference Optimization (SePO), "
                       "a method on MMLU with LLaMA3-8B. SePO beats DPO and ZetaNet.";
    int ok = 0;
    for (unsigned long k = 1; k < 2000 && !ok; k++) {
        ccg_extractor_options o;
        ccg_extractor_options_init(&o);
        o.builtin_lexicon = false;
        ccg_extractor *x = NULL;
        ccg_alloc_fail_after(k);
        int err = ccg_extractor_new(&x, &o);
        if (err == 0)
            err = ccg_extractor_add_lexicon(x, FIX "spec_lexicon.tsv");
        ccg_mentions *m = NULL;
        if (err == 0)
            err = ccg_extractor_extract(x, text, strlen(text), &m);
        ccg_alloc_fail_after(0);
        if (err == 0) {
            ok = m->n > 0;
            ccg_mentions_free(m);
        } else
            assert_int_equal(err, CCG_ENOMEM);
        ccg_extractor_free(x);
    }
    assert_true(ok);
}

/*
 * Every allocation failure of the corpus merge too (its parts, blocks of
 * strings, paper lists) is CCG_ENOMEM, never a crash or leak. One thread:
 * the failure countdown is not atomic.
 */
static void test_annotate_alloc_failures(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "We propose Gated Token Routing (GTR), a new method. GTR beats DPO on MMLU.",
        "Gated Token Routing is fast. We compare GTR to LLaMA3 and Llama 3.",
        "We study Hallucination Detection (HD). Most hallucination detection tools fail.",
        "Cheap hallucination detection with HD probes, like Gated Token Routing.",
        NULL};
    ccg_extractor *x = corpus_extractor(1);
    ccg_corpus *c = corpus_of(texts);
    /* some failures are survived (a cache not made): stop after many successes in a row */
    unsigned oks = 0;
    for (unsigned long k = 1; k < 20000 && oks < 100; k++) {
        ccg_annotation *a = NULL;
        ccg_alloc_fail_after(k);
        int err = ccg_extractor_annotate(x, c, &a);
        ccg_alloc_fail_after(0);
        if (err == 0) {
            oks++;
            assert_true(a->n_entities > 0);
            ccg_annotation_free(a);
        } else {
            oks = 0;
            assert_int_equal(err, CCG_ENOMEM);
        }
    }
    assert_int_equal(oks, 100);
    ccg_corpus_free(c);
    ccg_extractor_free(x);
}

/* a and b list the same entities, and the same entities in each paper, at the same spans */
static void assert_same_annotation(const ccg_annotation *a, const ccg_annotation *b)
{
    assert_int_equal(a->n_entities, b->n_entities);
    for (size_t i = 0; i < a->n_entities; i++) {
        assert_string_equal(a->entities[i].name, b->entities[i].name);
        assert_int_equal(a->entities[i].type, b->entities[i].type);
        assert_int_equal(a->entities[i].n_papers, b->entities[i].n_papers);
        assert_int_equal(a->entities[i].introduced_by, b->entities[i].introduced_by);
    }
    assert_int_equal(a->n_docs, b->n_docs);
    for (size_t d = 0; d < a->n_docs; d++) {
        assert_int_equal(a->docs[d].n, b->docs[d].n);
        for (size_t i = 0; i < a->docs[d].n; i++) {
            const ccg_doc_entity *p = &a->docs[d].items[i], *q = &b->docs[d].items[i];
            assert_int_equal(p->entity, q->entity);
            assert_int_equal(p->count, q->count);
            assert_int_equal(p->introduced, q->introduced);
            assert_memory_equal(p->spans, q->spans, 2 * p->count * sizeof *p->spans);
        }
    }
}

static void prepare_with(void *x, ccg_record *rec)
{
    ccg_extractor_prepare(x, rec);
}

/* The example corpus read with threads threads, prepare_with(x) as the reader's prepare. */
static ccg_corpus *read_prepared(unsigned threads, ccg_extractor *x)
{
    ccg_reader_options ro = {.threads = threads, .prepare = x ? prepare_with : NULL, .prepare_ud = x};
    ccg_corpus *c = NULL;
    assert_int_equal(ccg_corpus_new(&c), 0);
    assert_int_equal(ccg_corpus_read_file(c, CCG_FIXTURES "/../../examples/llm_alignment_eval.jsonl.gz", &ro), 0);
    return c;
}

/*
 * The first pass made while reading (ccg_extractor_prepare as the reader's
 * prepare, run by the threads that parse) gives the annotation made
 * without it, and annotate takes every kept pass; a pass another extractor
 * kept is not used; a record freed with its pass frees it (ASan).
 */
static void test_annotate_prepared(void **state)
{
    (void)state;
    ccg_extractor_options o;
    ccg_extractor_options_init(&o);
    o.threads = 2;
    ccg_extractor *x = NULL, *other = corpus_extractor(2);
    assert_int_equal(ccg_extractor_new(&x, &o), 0);
    ccg_corpus *c0 = read_prepared(1, x), *c1 = read_prepared(2, x), *c2 = read_prepared(2, other);
    assert_true(c0->n_records > 1000);
    size_t kept = 0;
    for (size_t d = 0; d < c1->n_records; d++) {
        assert_null(c0->records[d]->prepared); /* read in the caller's thread */
        kept += c1->records[d]->prepared != NULL;
    }
    assert_int_equal(kept, c1->n_records);
    ccg_annotation *a0 = NULL, *a1 = NULL, *a2 = NULL;
    assert_int_equal(ccg_extractor_annotate(x, c0, &a0), 0);
    assert_int_equal(ccg_extractor_annotate(x, c1, &a1), 0);
    assert_int_equal(ccg_extractor_annotate(x, c2, &a2), 0);
    for (size_t d = 0; d < c1->n_records; d++)
        assert_null(c1->records[d]->prepared);
    assert_same_annotation(a0, a1);
    assert_same_annotation(a0, a2);
    ccg_record *r = rec("p0", "Gains", "We propose Gated Token Routing (GTR), a new method.", 2025);
    ccg_extractor_prepare(x, r);
    assert_non_null(r->prepared);
    ccg_record_free(r);
    ccg_annotation_free(a0);
    ccg_annotation_free(a1);
    ccg_annotation_free(a2);
    ccg_corpus_free(c0);
    ccg_corpus_free(c1);
    ccg_corpus_free(c2);
    ccg_extractor_free(x);
    ccg_extractor_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec),
        cmocka_unit_test(test_granularity),
        cmocka_unit_test(test_user_files),
        cmocka_unit_test(test_lexicon_walk),
        cmocka_unit_test(test_atom_separators),
        cmocka_unit_test(test_annotate),
        cmocka_unit_test(test_annotate_hyphenated_long_form),
        cmocka_unit_test(test_annotate_two_atom_keys),
        cmocka_unit_test(test_annotate_next_byte),
        cmocka_unit_test(test_annotate_many_added),
        cmocka_unit_test(test_annotate_generic),
        cmocka_unit_test(test_annotate_homonyms),
        cmocka_unit_test(test_annotate_spread),
        cmocka_unit_test(test_annotate_established),
        cmocka_unit_test(test_pathological),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_annotate_alloc_failures),
        cmocka_unit_test(test_annotate_prepared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
