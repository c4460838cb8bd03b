/*
 * patterns.c: the PCRE2 patterns of the extractor, compiled once with JIT.
 *
 * Patterns run on raw bytes (no UTF mode): they only look at ASCII, and
 * so no UTF check is ever repeated on the subject (see NOTES.md: in UTF
 * mode each call re-validates the rest of the text). Each match context
 * carries a match and a depth limit, so no input can make a match run long.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "extractor.h"
#include "patterns.h"

static const char *const sources[PAT_COUNT] = {
    /* a parenthesis opening on a short form: "(DPO)", "(SePO; ...)" */
    [PAT_PAREN] = "\\(\\s*([A-Za-z][A-Za-z0-9]*(?:[-.+/][A-Za-z0-9]+)*\\+?)\\s*[),;]",
    /* a parenthesis holding a long form after its short form: "SAGE (Service Agent ...)" */
    [PAT_PAREN_LONG] = "\\(\\s*([A-Za-z][^()]{4,150}?)\\s*\\)",
    /* the subject and verb of an introduction: "we propose", "this paper presents" */
    [PAT_INTRO] = "\\b(?:(?:[Bb]y|[Ww]hen|[Ii]n|[Hh]ere|[Ff]or this,) (?:introducing|proposing|"
                  "presenting|developing|designing|releasing|constructing|building|curating)\\b|"
                  "(?:[Ww]e|[Tt]his (?:paper|work|study|article|letter)|[Oo]ur "
                  "(?:work|paper|method|approach|framework|study|model|system|pipeline))\\s+"
                  "(?:(?:also|further|first|then|newly|hereby|additionally|therefore|thus|"
                  "now|next|finally|instead|here|subsequently|hence)\\s+)?"
                  "(?:propose|introduce|present|develop|release|design|construct|build|"
                  "curate|create|contribute|devise|offer|establish|formulate|put forward|"
                  "open-source|unveil|define|train|assemble|compile|collect|derive|"
                  "implement|identify)(?:s|d|ed)?\\b)",
    /* a naming verb just before a name: "named X", "dubbed X" */
    [PAT_NAMED] = ("\\b(?:named|called|dubbed|termed|coined|denoted(?: as)?|"
                   "referred to as|namely)\\s*$"),
    /* a naming verb followed by the name: "dubbed Tramba" */
    [PAT_NAMING] = "\\b(?:named|called|dubbed|termed|coined)\\s+(?=[A-Z])",
    /* an appositive that defines the name before it: "X, a novel framework" */
    [PAT_APPOS] = "\\G\\s*(?:[,:]\\s*)?(?:[Aa]n?|[Tt]he first(?:-ever)?|which is an?|is an?)\\s",
};

/*
 * The words a match of a pattern can start with (lower case), or NULL. A
 * pattern that starts with \b and one of a few words would otherwise be
 * tried at every byte whose letter could begin one of them (t, i, o, w...):
 * PCRE2's start-of-match bitmap keeps PAT_INTRO at 170 MB/s, a third of
 * extraction time. The extractor tries such a pattern anchored, and only at
 * the word starts that spell one of these words (ccg__match_may_start),
 * which finds the same matches: each alternative of these patterns begins
 * with one of the words, followed by a non-letter. In PAT_INTRO most of them
 * are common words (in, for, by), so the word after must also end as the
 * pattern says (the extractor checks that on its atoms). Keep a list in step
 * with its pattern.
 */
typedef struct {
    const char *word;
    const char *next; /* what the word after it must end with, or NULL: any */
    /* the words that may come after it and white space, separated by
     * spaces (each of three letters at least: their first three are
     * tested), or NULL: any */
    const char *then;
    /* with then, the words that may come after that word (of letters)
     * and white space, or NULL: any. "In this paper, we", "our method
     * achieves": of the 14.2k calls of PAT_INTRO that failed on sub10k,
     * 9.6k were at "this" or "our"; 1k are left */
    const char *then2;
} lead;

#define INTRO_ING "introducing proposing presenting developing designing releasing constructing " \
                  "building curating"
/* what PAT_INTRO lets come after "we", "this paper", "our method" */
#define INTRO_VERBS "also further first then newly hereby additionally therefore thus now next " \
                    "finally instead here subsequently hence " \
                    "propose introduce present develop release design construct build curate " \
                    "create contribute devise offer establish formulate put open-source unveil " \
                    "define train assemble compile collect derive implement identify"

static const lead first_words[PAT_COUNT][PAT_MAX_WORDS + 1] = {
    /* "In introducing", "By proposing", "For this, curating": the -ing verb, or "this" */
    [PAT_INTRO] = {{"by", "ing", INTRO_ING, NULL},
                   {"when", "ing", INTRO_ING, NULL},
                   {"in", "ing", INTRO_ING, NULL},
                   {"here", "ing", INTRO_ING, NULL},
                   {"for", "this", NULL, NULL},
                   /* an adverb or the verb */
                   {"we", NULL, INTRO_VERBS, NULL},
                   {"this", NULL, "paper work study article letter", INTRO_VERBS},
                   {"our", NULL, "work paper method approach framework study model system pipeline",
                    INTRO_VERBS}},
    [PAT_NAMED] = {{"named", NULL, NULL, NULL},
                   {"called", NULL, NULL, NULL},
                   {"dubbed", NULL, NULL, NULL},
                   {"termed", NULL, NULL, NULL},
                   {"coined", NULL, NULL, NULL},
                   {"denoted", NULL, NULL, NULL},
                   {"referred", NULL, NULL, NULL},
                   {"namely", NULL, NULL, NULL}},
    [PAT_NAMING] = {{"named", NULL, NULL, NULL},
                    {"called", NULL, NULL, NULL},
                    {"dubbed", NULL, NULL, NULL},
                    {"termed", NULL, NULL, NULL},
                    {"coined", NULL, NULL, NULL}},
};

/*
 * For a pattern that ends with optional white space and $: the words the
 * text before them must be, the last word of each alternative, or NULL.
 * PAT_NAMED is asked about the forty bytes before every mention, and
 * almost none end with a naming verb. Keep a list in step with its
 * pattern.
 */
typedef struct {
    const char *w;
    size_t n;
} word_lit;
#define WL(s) {s, sizeof s - 1}

static const word_lit last_words[PAT_COUNT][9] = {
    [PAT_NAMED] = {WL("named"), WL("called"), WL("dubbed"), WL("termed"), WL("coined"),
                   WL("denoted"), WL("as"), WL("namely")},
};

/*
 * For a pattern anchored with \G that begins with white space and an
 * optional [,:] and white space (\s*(?:[,:]\s*)?): the texts its match goes
 * on with after them, the first letter in either case, or NULL. PAT_APPOS
 * is tried after every mention and almost never matches, and a call to
 * PCRE2 costs a few hundred instructions even when its first byte fails:
 * comparing these prefixes by hand spares nearly all the calls. The \s*
 * cannot give back a byte (what follows it is no white space), so the test
 * never turns away a match. Keep a list in step with its pattern.
 */
static const char *const lead_texts[PAT_COUNT][6] = {
    /* [Aa]n?\s, [Tt]he first, which is an?, is an? */
    [PAT_APPOS] = {"a ", "an ", "the first", "which is a", "is a", NULL},
};

/*
 * The byte every match of a pattern begins with, or 0. PCRE2 finds it as
 * fast, but its call costs a few hundred instructions: memchr spares the
 * call that fails at the end of every text, and PCRE2 starts at the byte.
 * Keep in step with the patterns.
 */
static const char first_byte[PAT_COUNT] = {
    [PAT_PAREN] = '(',
    [PAT_PAREN_LONG] = '(',
};

/* Patterns without first words that the extractor also tries anchored
 * (ccg__match_at): the extractor finds where they may start itself. */
static const bool anchored_too[PAT_COUNT] = {
    [PAT_PAREN] = true,
    [PAT_PAREN_LONG] = true,
};

struct ccg__patterns {
    pcre2_code *code[PAT_COUNT];
    /* Patterns with first words (and anchored_too), compiled again
     * anchored: JIT code does not run with PCRE2_ANCHORED given at match
     * time, only at compile time. */
    pcre2_code *anchored[PAT_COUNT];
    bool jit[PAT_COUNT], jit_anchored[PAT_COUNT]; /* did JIT compile them? */
    ccg__first_words first[PAT_COUNT];
    uint8_t lead[256]; /* 1 at (hash & 255) of every pattern's first words */
    uint64_t last_bytes[PAT_COUNT][4]; /* bit c of the last byte c of each last word */
};

static inline bool ascii_letter(unsigned char c) { return (unsigned char)((c | 32) - 'a') < 26; }
/* \s in PCRE2 without UCP: space, \t, \n, \v, \f, \r */
static inline bool pcre_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* May text[i, len) begin with one of the lead texts (a ' ' in one: any \s)? */
static bool lead_text(const char *const *texts, const char *text, size_t len, size_t i)
{
    while (i < len && pcre_space(text[i]))
        i++;
    if (i < len && (text[i] == ',' || text[i] == ':'))
        for (i++; i < len && pcre_space(text[i]); i++)
            ;
    if (i >= len)
        return false;
    for (; *texts; texts++) {
        const char *t = *texts;
        if ((text[i] | 32) != t[0])
            continue;
        size_t k = 1;
        while (t[k] && i + k < len && (t[k] == ' ' ? pcre_space(text[i + k]) : text[i + k] == t[k]))
            k++;
        if (!t[k])
            return true;
    }
    return false;
}
static inline bool word_char(unsigned char c)
{
    return ascii_letter(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Does the letter run at s[p..len) spell one of the first words of fw
 * (words, case-insensitively)? Their lengths are fw's: a strlen of each
 * word a call was most of the call. */
static bool starts_word(const unsigned char *s, size_t p, size_t len, const ccg__first_words *fw,
                        const lead *words)
{
    size_t n = 0;
    while (p + n < len && n < 16 && ascii_letter(s[p + n]))
        n++;
    for (unsigned k = 0; k < fw->n; k++) {
        const char *w = words[k].word;
        if ((unsigned char)w[0] != (s[p] | 32) || fw->len[k] != n)
            continue;
        size_t i = 1;
        while (i < n && (unsigned char)w[i] == (s[p + i] | 32))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* Sets the bits (ccg__then_bit) of the words of list (separated by spaces) in f. */
static int then_bits(const char *list, uint64_t *f)
{
    for (const char *t = list; t && *t;) {
        size_t l = strcspn(t, " ");
        if (l < 3)
            return CCG_EINVAL;
        uint32_t b = ccg__then_bit(t);
        f[b >> 6] |= (uint64_t)1 << (b & 63);
        t += l + (t[l] == ' ');
    }
    return 0;
}

int ccg__patterns_new(void **out)
{
    struct ccg__patterns *p = ccg__calloc(1, sizeof *p);
    if (!p)
        return CCG_ENOMEM;
    for (int i = 0; i < PAT_COUNT; i++) {
        int ec;
        PCRE2_SIZE eo;
        p->code[i] = pcre2_compile((PCRE2_SPTR)sources[i], PCRE2_ZERO_TERMINATED, 0, &ec, &eo,
                                   NULL);
        if (!p->code[i]) {
            ccg__patterns_free(p);
            return ccg__err(CCG_EINVAL, "pattern %d does not compile at %zu", i, (size_t)eo);
        }
        /* Without JIT (unsupported CPU) the interpreter still works. */
        p->jit[i] = pcre2_jit_compile(p->code[i], PCRE2_JIT_COMPLETE) == 0;
        for (const word_lit *w = last_words[i]; w->w; w++) {
            unsigned char b = (unsigned char)w->w[w->n - 1];
            p->last_bytes[i][b >> 6] |= (uint64_t)1 << (b & 63);
        }
        if (!first_words[i][0].word && !anchored_too[i])
            continue;
        p->anchored[i] = pcre2_compile((PCRE2_SPTR)sources[i], PCRE2_ZERO_TERMINATED,
                                       PCRE2_ANCHORED, &ec, &eo, NULL);
        if (!p->anchored[i]) {
            ccg__patterns_free(p);
            return ccg__err(CCG_ENOMEM, "out of memory");
        }
        p->jit_anchored[i] = pcre2_jit_compile(p->anchored[i], PCRE2_JIT_COMPLETE) == 0;
        if (!first_words[i][0].word)
            continue;
        ccg__first_words *fw = &p->first[i];
        for (const lead *w = first_words[i]; w->word && fw->n < PAT_MAX_WORDS; w++, fw->n++) {
            fw->len[fw->n] = (uint8_t)strlen(w->word);
            fw->hash[fw->n] = ccg__hash(w->word, strlen(w->word));
            fw->next[fw->n] = w->next;
            fw->next_len[fw->n] = (uint8_t)(w->next ? strlen(w->next) : 0);
            if (then_bits(w->then, fw->then[fw->n]) < 0 ||
                then_bits(w->then2, fw->then2[fw->n]) < 0) {
                ccg__patterns_free(p);
                return ccg__err(CCG_EINVAL, "pattern %d: a word after %s is too short", i, w->word);
            }
            fw->has_then[fw->n] = w->then != NULL;
            fw->has_then2[fw->n] = w->then2 != NULL;
            uint8_t *sl = &fw->slot[fw->hash[fw->n] & 63];
            *sl = *sl ? PAT_SLOT_SHARED : (uint8_t)(fw->n + 1);
            p->lead[fw->hash[fw->n] & 255] = 1;
        }
    }
    /* the extractor tests an atom's hash without its 0 -> 1 fix (lead_bit) */
    p->lead[0] |= p->lead[1];
    *out = p;
    return 0;
}

void ccg__patterns_free(void *pp)
{
    struct ccg__patterns *p = pp;
    if (!p)
        return;
    for (int i = 0; i < PAT_COUNT; i++) {
        pcre2_code_free(p->code[i]);
        pcre2_code_free(p->anchored[i]);
    }
    free(p);
}

struct ccg__matcher {
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

int ccg__matcher_new(const void *patterns, ccg__matcher **out)
{
    (void)patterns;
    ccg__matcher *m = ccg__calloc(1, sizeof *m);
    if (!m)
        return CCG_ENOMEM;
    m->md = pcre2_match_data_create(8, NULL);
    m->mc = pcre2_match_context_create(NULL);
    if (!m->md || !m->mc) {
        ccg__matcher_free(m);
        return CCG_ENOMEM;
    }
    /* Measured: every pattern here needs < 1,000 steps per call on real text. */
    pcre2_set_match_limit(m->mc, 100000);
    pcre2_set_depth_limit(m->mc, 1000);
    *out = m;
    return 0;
}

void ccg__matcher_free(ccg__matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mc);
    free(m);
}

static int result(ccg__matcher *m, int rc, size_t *ovector, int n_pairs)
{
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0)
        return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ? 0 : CCG_ELIMIT;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    for (int i = 0; i < n_pairs * 2; i++)
        ovector[i] = i < rc * 2 ? ov[i] : (size_t)-1;
    return 1;
}

/*
 * pcre2_match without options; by pcre2_jit_match when JIT compiled the
 * code: the same match, without the checks of options and offset that were
 * a fifth of a call that fails at once (a start past the end is left to
 * pcre2_match, which says so).
 */
static int run(const pcre2_code *code, bool jit, const char *text, size_t len, size_t from,
               ccg__matcher *m)
{
    if (jit && from <= len)
        return pcre2_jit_match(code, (PCRE2_SPTR)text, len, from, 0, m->md, m->mc);
    return pcre2_match(code, (PCRE2_SPTR)text, len, from, 0, m->md, m->mc);
}

int ccg__match(const void *patterns, ccg__matcher *m, int pat, const char *text, size_t len,
               size_t from, size_t *ovector, int n_pairs)
{
    const struct ccg__patterns *p = patterns;
    if (lead_texts[pat][0] && !lead_text(lead_texts[pat], text, len, from))
        return 0;
    if (first_byte[pat] && from < len) {
        const char *b = memchr(text + from, first_byte[pat], len - from);
        if (!b)
            return 0;
        from = (size_t)(b - text);
    }
    int rc = run(p->code[pat], p->jit[pat], text, len, from, m);
    return result(m, rc, ovector, n_pairs);
}

const ccg__first_words *ccg__match_first_words(const void *patterns, int pat)
{
    const struct ccg__patterns *p = patterns;
    return first_words[pat][0].word ? &p->first[pat] : NULL;
}

const uint8_t *ccg__match_lead_bytes(const void *patterns)
{
    const struct ccg__patterns *p = patterns;
    return p->lead;
}

bool ccg__match_may_end(const void *patterns, int pat, const char *text, size_t len)
{
    const struct ccg__patterns *p = patterns;
    if (!last_words[pat][0].w)
        return true;
    const unsigned char *s = (const unsigned char *)text;
    size_t e = len;
    while (e > 0 && pcre_space((char)s[e - 1]))
        e--;
    if (e == 0 || !(p->last_bytes[pat][s[e - 1] >> 6] >> (s[e - 1] & 63) & 1))
        return false;
    /* the word before is one of them, all of it (\b before it) */
    for (const word_lit *w = last_words[pat]; w->w; w++)
        if ((unsigned char)w->w[w->n - 1] == s[e - 1] && e >= w->n &&
            memcmp(text + e - w->n, w->w, w->n) == 0 && (e == w->n || !word_char(s[e - w->n - 1])))
            return true;
    return false;
}

bool ccg__match_may_start(const void *patterns, int pat, const char *text, size_t len, size_t at)
{
    const struct ccg__patterns *p = patterns;
    const unsigned char *s = (const unsigned char *)text;
    if (!first_words[pat][0].word)
        return true;
    return at < len && (at == 0 || !word_char(s[at - 1])) &&
           starts_word(s, at, len, &p->first[pat], first_words[pat]);
}

int ccg__match_at(const void *patterns, ccg__matcher *m, int pat, const char *text, size_t len,
                  size_t at, size_t *ovector, int n_pairs)
{
    const struct ccg__patterns *p = patterns;
    int rc = p->anchored[pat] ? run(p->anchored[pat], p->jit_anchored[pat], text, len, at, m)
                              : pcre2_match(p->code[pat], (PCRE2_SPTR)text, len, at,
                                            PCRE2_ANCHORED, m->md, m->mc);
    return result(m, rc, ovector, n_pairs);
}
