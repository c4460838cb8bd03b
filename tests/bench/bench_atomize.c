/*
 * bench_atomize [--limit N] [--repeat N] [--no-check] CORPUS: speed of the
 * tokenizer ccg__atomize on a real corpus (e.g.
 * /work/shared/corpus/arxiv_cs_2025_2026.jsonl.gz), against a reference copy.
 *
 * ref_atomize below is the tokenizer as it was before it was tuned for speed
 * (extract/lexicon.c at b2657f3), kept under other names as the
 * specification the fast one must match; one change: hyphen_like read
 * s[len] for "DPG- B" at the end of a text (ASan found it here), both now
 * take that byte as no letter, as the NUL after a record's text was. The bench first checks that both
 * give the same atoms (every field), words and skipped flag on every text of
 * the corpus and on hostile inputs (random bytes, URLs at the end, Unicode
 * hyphens, "--", 'v' before digits, a 1 MB token, ...), each in a buffer of
 * exactly its length so that ASan sees any read past the end; then it times
 * both, alternating, REPEAT rounds, and prints CPU-time MB/s.
 * For instruction counts, run it under
 *   valgrind --tool=callgrind --toggle-collect=ccg__atomize bench_atomize --limit 3000 --repeat 1 --no-check CORPUS
 * (or --toggle-collect=ref_atomize for the reference).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccgraph.h"
#include "extractor.h"

/* ---- the reference tokenizer -------------------------------------------- */

static inline bool ref_is_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline bool ref_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool ref_is_alnum(unsigned char c) { return ref_is_alpha(c) || ref_is_digit(c); }
static inline bool ref_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~';
}

static int ref_push_atom(ccg__atoms *t, const ccg__atom *a)
{
    if (t->n_atoms == t->cap_atoms &&
        ccg__grow((void **)&t->atoms, &t->cap_atoms, t->n_atoms + 1, sizeof *a) < 0)
        return CCG_ENOMEM;
    t->atoms[t->n_atoms++] = *a;
    return 0;
}

/* URLs are not text: "https://github.com/x/RAEmoLLM" must not yield names. */
static size_t ref_url_end(const char *s, size_t i, size_t len)
{
    size_t n = len - i;
    if ((n > 7 && memcmp(s + i, "http://", 7) == 0) ||
        (n > 8 && memcmp(s + i, "https://", 8) == 0) ||
        (n > 4 && memcmp(s + i, "www.", 4) == 0)) {
        while (i < len && !ref_is_space((unsigned char)s[i]))
            i++;
        return i;
    }
    return 0;
}

static void ref_scan_atom(const unsigned char *s, size_t len, size_t *pi, ccg__atom *a)
{
    size_t i = *pi;
    uint32_t h = 2166136261u, hl = h;
    if (ref_is_digit(s[i])) {
        a->digit = 1;
        while (i < len && (ref_is_digit(s[i]) || (s[i] == '.' && i + 1 < len && ref_is_digit(s[i + 1])))) {
            hl = h;
            h = (h ^ s[i]) * 16777619u;
            i++;
        }
    } else {
        /* the hot loop of tokenising: one letter an iteration, no call */
        size_t lo = 0, i0 = i;
        for (; i < len; i++) {
            unsigned l = s[i] | 32u; /* lower case for a letter */
            if (l - 'a' >= 26u)
                break;
            /* a version letter is its own atom: YOLO|v|8, MobileNet|V|2 */
            if (l == 'v' && i > i0 && i + 1 < len && ref_is_digit(s[i + 1]))
                break;
            lo += s[i] >> 5 & 1; /* lower-case letters have bit 5 set */
            hl = h;
            h = (h ^ l) * 16777619u;
        }
        size_t up = i - i0 - lo;
        a->upper = up > 255 ? 255 : (uint8_t)up;
        a->lower = lo > 255 ? 255 : (uint8_t)lo;
    }
    a->end = (uint32_t)i;
    a->fh = h;
    a->fhl = hl;
    *pi = i;
}

static inline bool ref_is_connector(unsigned char c)
{
    return c == '-' || c == '_' || c == '@' || c == '\'' || c == '.';
}

/*
 * Bytes at s[i] that join two parts of a name like a hyphen: the middle dot
 * of DALL·E, Unicode hyphens (GPT‑4), en dashes between names, and a hyphen a line break split from
 * its second part ("DPG- Bench", after a short acronym part only: not
 * "pre- and post-training"). Returns their length, 0 if none.
 */
static size_t ref_hyphen_like(const unsigned char *s, size_t i, size_t len, size_t part_start)
{
    size_t n = 0;
    if (i + 2 < len && s[i] == 0xc2 && s[i + 1] == 0xb7)
        n = 2; /* U+00B7 middle dot */
    else if (i + 3 < len && s[i] == 0xe2 && ((s[i + 1] == 0x80 && (s[i + 2] == 0x90 || s[i + 2] == 0x91 ||
                                                                   s[i + 2] == 0xa7)) ||
                                             (s[i + 1] == 0x8b && s[i + 2] == 0x85)))
        n = 3; /* U+2010, U+2011 hyphens, U+2027 hyphenation point, U+22C5 dot operator */
    else if (i + 3 < len && ((s[i] == '-' && s[i + 1] == '-') ||
                             (s[i] == 0xe2 && s[i + 1] == 0x80 && s[i + 2] == 0x93)) &&
             i > part_start && ref_is_alpha(s[i - 1])) {
        /* an en dash (or LaTeX's --) between names: Avellaneda--Stoikov, Mann–Whitney */
        n = s[i] == '-' ? 2 : 3;
        if (!(ref_is_alpha(s[i + n]) && s[i + n] <= 'Z'))
            n = 0;
    } else if (i + 2 < len && s[i] == '-' && (s[i + 1] == ' ' || s[i + 1] == '\n') && ref_is_alpha(s[i + 2]) && s[i + 2] <= 'Z' &&
             i - part_start >= 2 && i - part_start <= 4) {
        unsigned up = 0;
        for (size_t k = part_start; k < i; k++)
            up += ref_is_alpha(s[k]) && s[k] <= 'Z';
        n = up >= 2 && i + 3 < len && ref_is_alpha(s[i + 3]) ? 2 : 0;
    }
    return n && i + n < len && ref_is_alnum(s[i + n]) ? n : 0;
}

static int ref_atomize(ccg__atoms *t, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    t->n_atoms = t->n_words = 0;
    t->skipped = false;
    if (len >= UINT32_MAX)
        return ccg__err(CCG_ELIMIT, "text longer than 4 GB");
    /* English runs about 5.5 bytes a word: reserve once instead of growing */
    if (ccg__grow((void **)&t->atoms, &t->cap_atoms, len / 4 + 16, sizeof *t->atoms) < 0 ||
        ccg__grow((void **)&t->words, &t->cap_words, len / 5 + 16, sizeof *t->words) < 0)
        return CCG_ENOMEM;
    size_t i = 0, prev_end = 0;
    bool barrier = false;
    while (i < len) {
        if (s[i] == 'h' || s[i] == 'w') {
            size_t u = ref_url_end(text, i, len);
            if (u) {
                i = u;
                barrier = t->skipped = true;
                continue;
            }
        }
        if (!ref_is_alnum(s[i])) {
            i++;
            continue;
        }
        /* a word starts: white space before it, or a barrier? */
        uint8_t sep = SEP_SPACE, sepch = 0;
        int newlines = 0;
        for (size_t k = prev_end; k < i; k++) {
            if (!ref_is_space(s[k]))
                sep = SEP_PUNCT;
            newlines += s[k] == '\n';
        }
        if (barrier || newlines >= 2)
            sep = SEP_PUNCT;
        barrier = false;
        ccg__word w = {(uint32_t)i, 0, (uint32_t)t->n_atoms, 0, false};
        size_t part = i; /* start of the current hyphen part */
        for (;;) {
            ccg__atom a = {(uint32_t)i, 0, (uint32_t)t->n_words, sep, sepch, 0, 0, 0, 0, 0};
            ref_scan_atom(s, len, &i, &a);
            if (ref_push_atom(t, &a) < 0)
                return CCG_ENOMEM;
            if (i >= len)
                break;
            if (ref_is_alnum(s[i])) {
                sep = SEP_JOIN;
                sepch = 0;
                continue;
            }
            if (ref_is_connector(s[i]) && i + 1 < len && ref_is_alnum(s[i + 1])) {
                sep = s[i] == '-' ? SEP_HYPHEN : SEP_OTHER;
                sepch = s[i];
                i++;
                part = i;
                continue;
            }
            size_t h = (s[i] == '-' || s[i] >= 0x80) ? ref_hyphen_like(s, i, len, part) : 0;
            if (h) {
                sep = SEP_HYPHEN;
                sepch = '-';
                i += h;
                part = i;
                continue;
            }
            break;
        }
        /* a trailing '+' belongs to the name (DeepLabV3+) */
        if (i < len && s[i] == '+' && (i + 1 >= len || !ref_is_alnum(s[i + 1]))) {
            ccg__atom *last = &t->atoms[t->n_atoms - 1];
            last->fhl = last->fh;
            last->fh = (last->fh ^ '+') * 16777619u;
            i++;
        }
        w.end = (uint32_t)i;
        w.a1 = (uint32_t)t->n_atoms;
        for (size_t k = w.a0; k < w.a1; k++)
            w.upper |= t->atoms[k].upper > 0;
        if (t->n_words == t->cap_words &&
            ccg__grow((void **)&t->words, &t->cap_words, t->n_words + 1, sizeof w) < 0)
            return CCG_ENOMEM;
        t->words[t->n_words++] = w;
        prev_end = i;
    }
    return 0;
}

/* ---- comparison ---------------------------------------------------------- */

static int same(const ccg__atoms *a, const ccg__atoms *b, const char *what, size_t len)
{
    const char *bad = NULL;
    size_t k = 0;
    if (a->skipped != b->skipped)
        bad = "skipped";
    else if (a->n_atoms != b->n_atoms)
        bad = "n_atoms";
    else if (a->n_words != b->n_words)
        bad = "n_words";
    for (; !bad && k < a->n_atoms; k++) {
        const ccg__atom *x = &a->atoms[k], *y = &b->atoms[k];
        if (x->start != y->start || x->end != y->end || x->word != y->word || x->sep != y->sep ||
            x->sepch != y->sepch || x->digit != y->digit || x->upper != y->upper ||
            x->lower != y->lower || x->fh != y->fh || x->fhl != y->fhl)
            bad = "atom";
    }
    for (k = 0; !bad && k < a->n_words; k++) {
        const ccg__word *x = &a->words[k], *y = &b->words[k];
        if (x->start != y->start || x->end != y->end || x->a0 != y->a0 || x->a1 != y->a1 ||
            x->upper != y->upper)
            bad = "word";
    }
    if (bad)
        fprintf(stderr, "bench_atomize: %s (%zu bytes): %s %zu differs\n", what, len, bad,
                k ? k - 1 : 0);
    return bad ? -1 : 0;
}

typedef int (*atomize_fn)(ccg__atoms *, const char *, size_t);

static int check(ccg__atoms *t, ccg__atoms *r, const char *text, size_t len, const char *what)
{
    /* a copy of exactly len bytes: a read past the end is an ASan error */
    char *p = malloc(len ? len : 1);
    if (!p)
        return -1;
    memcpy(p, text, len);
    int e1 = ccg__atomize(t, p, len), e2 = ref_atomize(r, p, len);
    int bad = e1 != e2 || same(t, r, what, len) < 0;
    free(p);
    return bad ? -1 : 0;
}

static uint64_t rng = 88172645463325252u;

static unsigned next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

static const char *const pieces[] = {
    "http://", "https://", "www.", "h", "w", "http:/", "https:", "ww", "v", "V", "v1", "V2",
    "-", "--", " - ", "- ", "-\n", "\n\n", "\n", " ", "~", "\t", "\r", "+", "++", "_", "@",
    "'", ".", ".5", "3.", "0", "42", "a", "Z", "Ab", "DPG", "LLaMA", "GPT", "x",
    "\xc2\xb7", "\xe2\x80\x90", "\xe2\x80\x91", "\xe2\x80\x93", "\xe2\x80\xa7", "\xe2\x8b\x85",
    "\xe2\x80", "\xc2", "\xe2", "\xff", "(", ")", ",", ";", "/", ":", "é", "DPG- Bench",
    "pre- and post-", "Mann\xe2\x80\x93Whitney", "Avellaneda--Stoikov", "DeepLabV3+", "YOLOv8",
    /* runs across the tokenizer's 8-byte hash rounds and 57-bit bitmap windows */
    "Reinforcement", "abcdefgh", "ABCDEFGHI", "12345678.9", "Llllllllllllllllllllllllllllllllllllllllllllllllllllllll",
    "                                                                ",
    "0.1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6.7.8.9.0.1.2.3.4.5.6.7.8.9",
};

static int hostile(ccg__atoms *t, ccg__atoms *r)
{
    static const char *const fixed[] = {
        "", " ", "--", "-", "+", "a+", "a+b", "a++", "v1", "av1", "Av", "av", "YOLOv8 and MobileNetV2",
        "see https://github.com/x/RAEmoLLM", "see https://", "see http://x", "www.", "www.x",
        "a www", "https://x y http://z\n\nw", "GPT\xe2\x80\x90" "4", "GPT\xe2\x80\x91", "DALL\xc2\xb7" "E",
        "DPG- Bench", "DPG- B", "DPG-\nBench", "pre- and post-training", "Avellaneda--Stoikov",
        "Mann\xe2\x80\x93Whitney", "a--B", "A--", "3.5.1 v2.0 .5 5.", " \n\n \t~ ,;: ",
        "LoRA+ and DeepLabV3+", "x_y x@y x'y x.y x-y", "h", "w", "hw", "ht", "wh",
    };
    char name[64];
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++) {
        snprintf(name, sizeof name, "fixed %zu", k);
        if (check(t, r, fixed[k], strlen(fixed[k]), name) < 0)
            return -1;
    }
    size_t big = 1 << 20;
    char *b = malloc(big + 64);
    if (!b)
        return -1;
    /* a 1 MB token of each kind, and texts of only separators */
    const char fill[] = {'a', 'A', '7', 'v', ' ', '-', '.', '\n', (char)0xe2};
    for (size_t f = 0; f < sizeof fill; f++) {
        memset(b, fill[f], big);
        snprintf(name, sizeof name, "1 MB of 0x%02x", (unsigned char)fill[f]);
        if (check(t, r, b, big, name) < 0)
            goto fail;
    }
    for (size_t k = 0; k < big; k++)
        b[k] = "aB1v.-"[next() % 6];
    if (check(t, r, b, big, "1 MB mixed token") < 0)
        goto fail;
    /* random bytes, and random strings of the pieces the tokenizer looks at */
    for (int round = 0; round < 200000; round++) {
        /* one in 8 long enough to cross the bitmaps' 64-byte blocks */
        size_t n = 0, want = next() % (round % 8 == 1 ? 400 : 48);
        if (round % 4 == 0)
            for (; n < want; n++)
                b[n] = (char)next();
        else
            while (n < want) {
                const char *p = pieces[next() % (sizeof pieces / sizeof *pieces)];
                size_t m = strlen(p);
                memcpy(b + n, p, m);
                n += m;
            }
        snprintf(name, sizeof name, "random %d", round);
        if (check(t, r, b, n, name) < 0)
            goto fail;
    }
    free(b);
    return 0;
fail:
    free(b);
    return -1;
}

/* ---- main ---------------------------------------------------------------- */

static double cpu_now(void) { return (double)clock() / CLOCKS_PER_SEC; }

static double run(atomize_fn f, ccg__atoms *t, char **texts, size_t *lens, size_t n, size_t *out)
{
    size_t atoms = 0;
    double c0 = cpu_now();
    for (size_t i = 0; i < n; i++) {
        if (f(t, texts[i], lens[i]) < 0) {
            fprintf(stderr, "bench_atomize: %s\n", ccg_error_last());
            exit(1);
        }
        atoms += t->n_atoms;
    }
    *out = atoms;
    return cpu_now() - c0;
}

int main(int argc, char **argv)
{
    size_t limit = SIZE_MAX;
    int repeat = 5, do_check = 1, ai = 1;
    for (; ai < argc && argv[ai][0] == '-'; ai++) {
        if (strcmp(argv[ai], "--limit") == 0 && ai + 1 < argc)
            limit = (size_t)atol(argv[++ai]);
        else if (strcmp(argv[ai], "--repeat") == 0 && ai + 1 < argc)
            repeat = atoi(argv[++ai]);
        else if (strcmp(argv[ai], "--no-check") == 0)
            do_check = 0;
        else
            break;
    }
    if (ai + 1 != argc) {
        fprintf(stderr, "usage: bench_atomize [--limit N] [--repeat N] [--no-check] CORPUS\n");
        return 2;
    }
    ccg_corpus *c = NULL;
    ccg_reader_options ro = {.format = CCG_FORMAT_AUTO};
    if (ccg_corpus_new(&c) < 0 || ccg_corpus_read_file(c, argv[ai], &ro) < 0) {
        fprintf(stderr, "bench_atomize: %s\n", ccg_error_last());
        return 1;
    }
    size_t n = c->n_records < limit ? c->n_records : limit, bytes = 0;
    char **texts = calloc(n + 1, sizeof *texts);
    size_t *lens = calloc(n + 1, sizeof *lens);
    if (!texts || !lens)
        return 1;
    for (size_t i = 0; i < n; i++) {
        texts[i] = ccg_record_text(c->records[i], &lens[i]);
        bytes += lens[i];
    }
    double mb = (double)bytes / 1e6;
    printf("corpus: %zu texts, %zu bytes\n", n, bytes);
    ccg__atoms t = {0}, r = {0};
    int status = 0;
    if (do_check) {
        for (size_t i = 0; i < n && status == 0; i++) {
            char name[64];
            snprintf(name, sizeof name, "text %zu", i);
            if (check(&t, &r, texts[i], lens[i], name) < 0)
                status = 1;
        }
        if (status == 0 && hostile(&t, &r) < 0)
            status = 1;
        printf("check: %s\n", status ? "DIFFERENT" : "identical on the corpus and hostile inputs");
    }
    /* called through pointers so that neither is inlined into the loop */
    atomize_fn fast = ccg__atomize, slow = ref_atomize;
    double best_new = 1e9, best_ref = 1e9;
    size_t atoms = 0;
    for (int k = 0; k < repeat && status == 0; k++) {
        double tn = run(fast, &t, texts, lens, n, &atoms);
        double tr = run(slow, &r, texts, lens, n, &atoms);
        printf("round %d: ccg__atomize %.1f MB/s, reference %.1f MB/s\n", k + 1, mb / tn, mb / tr);
        best_new = tn < best_new ? tn : best_new;
        best_ref = tr < best_ref ? tr : best_ref;
    }
    if (repeat > 0 && status == 0)
        printf("best: ccg__atomize %.1f MB/s, reference %.1f MB/s (x%.2f); %zu atoms\n",
               mb / best_new, mb / best_ref, best_ref / best_new, atoms);
    ccg__atoms_free(&t);
    ccg__atoms_free(&r);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    ccg_corpus_free(c);
    return status;
}
