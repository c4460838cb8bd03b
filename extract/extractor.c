/*
 * extractor.c: one text in, entity mentions out.
 *
 * Passes over the atoms of the text (lexicon.c), each claiming the atoms it
 * explains so later passes skip them:
 *   1. definitions "Long Form (SF)", aligned with Schwartz & Hearst's
 *      algorithm (PSB 2003): one entity with both forms; a lexicon acronym
 *      defined with another long form ("full fine-tuning (FFT)") is this
 *      paper's name, called by its long form, and shadows the lexicon here;
 *   2. the lexicon (longest match, case rules per form), with versions,
 *      sizes and suffixes folded into model names;
 *   3. long forms defined elsewhere in the corpus (annotate's overlay);
 *   4. name shapes: acronyms, inner capitals, letters with digits;
 *   5. phrases right after "we propose/introduce …" ("Dynamic Latent
 *      Bootstrapping"), and the name before the colon of a title;
 *   6. other occurrences of the names found.
 * Then every name gets a type (lexicon, else votes from cues around its
 * mentions) and an introduced flag (the paper proposes it).
 */
#define _GNU_SOURCE /* memmem: glibc declares it only so (POSIX has it from 2024) */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extractor.h"

#define MAX_LEX_ATOMS 12
#define MAX_NAME 200
/* bits of a ccg__starts a key: at 16, a few in a hundred of the absent keys pass */
#define STARTS_BITS 16
/* the same for the overlay's (pair_mask, next_mask), whose false hits
 * mostly stop at pair_goes_on on the word the sweep loaded: best well
 * inside the 2 MB L2 cache. The corpus's 580k pairs in 1 MB, against 2 MB
 * and 512 kB: 5.24G instructions, 23.1M L1 and 5.3M L2 misses in pass 2
 * (callgrind's cache model, L2 as its last level), against 5.19G, 22.9M,
 * 8.4M and 5.42G, 24.7M, 4.2M */
#define STARTS_BITS_NEXT 8

typedef struct {
    const ccg_extractor *x;
    const char *s;
    size_t len;
    ccg__scratch *sc;         /* the buffers below come from it and go back to it */
    ccg__atoms t;
    uint8_t *used;            /* per atom: claimed by a mention */
    size_t cap_used;
    ccg__mention *m;
    size_t n, cap;
    ccg_buf key, name, var;
    ccg__matcher *mt;
    uint32_t *sent;           /* sentence starts */
    uint32_t n_sent;
    size_t title_end;         /* end of the title, 0 if the text has none */
    uint64_t atom_rate;       /* atoms a byte, times 2^32 (atom_at) */
    char **defs;              /* pairs: long form, name */
    size_t n_defs, cap_defs;
    unsigned n_scans;         /* whole-text scans of generic_lf so far */
    uint32_t *iw;             /* introduction windows: start, end pairs */
    size_t n_iw, cap_iw;
    uint32_t *lsf;            /* short forms defined here that shadow a lexicon entry:
                               * start, length, index of their mention (triples) */
    size_t n_lsf, cap_lsf;
    uint64_t *lead;           /* a bit an atom, 64 a word: may it begin a word-led
                               * pattern (find)? Once built (lead_ready) */
    size_t cap_lead;
    bool lead_ready;
    uint32_t *up;             /* the words with a capital (ccg__word.upper), once listed */
    size_t n_up, cap_up;
    bool up_ready;
} ctx;

/* ---- small helpers ------------------------------------------------------- */

static inline bool up_c(char c) { return c >= 'A' && c <= 'Z'; }
static inline bool lo_c(char c) { return c >= 'a' && c <= 'z'; }
static inline bool alnum_c(char c) { return up_c(c) || lo_c(c) || (c >= '0' && c <= '9'); }

/* Is atom k the word w (lower case), its case ignored? An atom holds only
 * letters, digits and dots, so setting bit 5 lower-cases it (a call to
 * strncasecmp for each "and" "or" around every mention was 1% of pass 1). */
static inline bool atom_is(const ctx *c, size_t k, const char *w)
{
    const ccg__atom *a = &c->t.atoms[k];
    size_t n = strlen(w); /* of a literal: folded */
    if (a->end - a->start != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((c->s[a->start + i] | 32) != w[i])
            return false;
    return true;
}

/*
 * Does s[i..n) start with w (lower-case letters), ASCII case ignored? A
 * byte with bit 5 set is a lower-case letter only if it is one or its
 * capital: the cues compare so, without ccg__lower's test.
 */
static bool at_ci(const char *s, size_t n, size_t i, const char *w, size_t l)
{
    if (i + l > n)
        return false;
    for (size_t k = 0; k < l; k++)
        if ((char)(s[i + k] | 32) != w[k])
            return false;
    return true;
}

/* A word of a list, with its length known when compiled (W("...")). */
typedef struct {
    const char *w;
    size_t n;
} wlit;
#define W(s) {s, sizeof s - 1}

/*
 * A list of words and a filter of them, made by the first call that needs
 * it: most words of a text are in no list, and the filter turns them away
 * without a pass over the list. Its 256 bits are those of each word's
 * length and first and last letters: a filter of lengths and first letters
 * apart let through a word in two of the longer lists (intro_skip's 39
 * words), which then cost 40 compares (word_in was 1.4% of pass 1).
 * Threads that race to make it compute the same value; relaxed atomics make
 * that race a defined one, and ready is set (release) after the bits.
 */
typedef struct {
    const wlit *w;
    _Atomic uint64_t bits[4];
    _Atomic bool ready;
} wset;

static inline unsigned wset_bit(size_t n, unsigned char first, unsigned char last)
{
    /* letters in either case alike, as the compare of the list's words */
    uint32_t k = (uint32_t)(n < 255 ? n : 255) << 16 | (uint32_t)(first | 32) << 8 | (last | 32);
    return (k * 0x9E3779B1u) >> 24;
}

/* Word i of set's filter, made if it is not yet. */
static uint64_t wset_word(wset *set, unsigned i)
{
    if (atomic_load_explicit(&set->ready, memory_order_acquire))
        return atomic_load_explicit(&set->bits[i], memory_order_relaxed);
    uint64_t b[4] = {0};
    for (const wlit *l = set->w; l->n; l++) {
        unsigned k = wset_bit(l->n, (unsigned char)l->w[0], (unsigned char)l->w[l->n - 1]);
        b[k >> 6] |= (uint64_t)1 << (k & 63);
    }
    for (unsigned j = 0; j < 4; j++)
        atomic_store_explicit(&set->bits[j], b[j], memory_order_relaxed);
    atomic_store_explicit(&set->ready, true, memory_order_release);
    return b[i];
}

static bool word_in(const char *s, size_t n, wset *set)
{
    if (n == 0)
        return false;
    unsigned b = wset_bit(n, (unsigned char)s[0], (unsigned char)s[n - 1]);
    if (!(wset_word(set, b >> 6) >> (b & 63) & 1))
        return false;
    char f = (char)(s[0] | 32);
    for (const wlit *l = set->w; l->n; l++)
        if (l->n == n && (l->w[0] | 32) == f && strncasecmp(s, l->w, n) == 0)
            return true;
    return false;
}

/* Sentence of a byte offset. */
uint32_t ccg__sentence_of(const uint32_t *starts, uint32_t n, size_t off)
{
    uint32_t lo = 0, hi = n;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static size_t sentence_end(const ctx *c, size_t off)
{
    uint32_t k = ccg__sentence_of(c->sent, c->n_sent, off);
    return k + 1 < c->n_sent ? c->sent[k + 1] : c->len;
}

/* First atom of [lo, lo + n) (n > 0) starting at or after off, or lo + n.
 * Branch-free halving (the compiler makes the step a conditional move):
 * its comparisons are coin flips a branch predictor loses. */
static size_t atom_search(const ccg__atom *a, size_t lo, size_t n, size_t off)
{
    const ccg__atom *b = a + lo;
    while (n > 1) {
        size_t half = n / 2;
        b = b[half].start < off ? b + half : b;
        n -= half;
    }
    return (size_t)(b - a) + (b->start < off);
}

/*
 * First atom starting at or after off. The passes ask often, and the
 * atoms of a text are about as dense everywhere: from a guess at the
 * text's mean density (c->atom_rate), the answer is a few atoms away
 * (sub10k: 2.5 steps; 6% of the guesses are more than STEPS off and
 * halve the rest), where halving took 8 of 10 instructions each.
 */
static size_t atom_at(const ctx *c, size_t off)
{
    const ccg__atom *a = c->t.atoms;
    size_t n = c->t.n_atoms;
    /* the text's ends, which find is asked about most: every atom starts
     * inside the text */
    if (!n || off == 0)
        return 0;
    if (off >= c->len)
        return n;
    enum { STEPS = 6 };
    size_t k = (size_t)((uint64_t)off * c->atom_rate >> 32); /* < n: off < len */
    if (a[k].start < off) {
        for (int i = 0; i < STEPS; i++)
            if (++k == n || a[k].start >= off)
                return k;
        return atom_search(a, k, n - k, off);
    }
    for (int i = 0; i < STEPS; i++, k--)
        if (k == 0 || a[k - 1].start < off)
            return k;
    return atom_search(a, 0, k, off);
}

/*
 * First match of pattern pat in text [from, len), as ccg__match finds it,
 * but tried only at the atoms where a match may start: one check a word
 * instead of PCRE2's attempt at every byte whose letter could begin it
 * (PAT_INTRO alone was a sixth of extraction time). A match can only start
 * where \b holds before a letter, which is an atom's start, or a byte of a
 * URL the atoms skip: those are tried one by one, before the first match
 * among atoms.
 */
/* Does atom a's hash pass the filter of every pattern's first words
 * (ccg__match_lead_bytes)? A few atoms in a hundred do, and find walks
 * those instead of every atom. (A run of digits whose hash passes is
 * turned away by find's own tests or PCRE2's: the first words are
 * letters.) The hash's 0 -> 1 fix is left out: the filter passes 0
 * wherever it passes 1, and find tests the atoms it passes. */
static inline uint64_t lead_bit(const uint8_t *filter, const ccg__atom *a)
{
    return filter[a->fh & 255];
}

static int lead_grow(ctx *c)
{
    return ccg__grow((void **)&c->lead, &c->cap_lead, c->t.n_atoms / 64 + 1, sizeof *c->lead);
}

/* c->lead, for a text pass_lexicon did not sweep. */
static int lead_atoms(ctx *c)
{
    const uint8_t *filter = ccg__match_lead_bytes(c->x->patterns);
    if (lead_grow(c) < 0)
        return CCG_ENOMEM;
    for (size_t base = 0; base < c->t.n_atoms; base += 64) {
        size_t end = c->t.n_atoms - base < 64 ? c->t.n_atoms : base + 64;
        uint64_t lead = 0;
        for (size_t k = base; k < end; k++)
            lead |= lead_bit(filter, &c->t.atoms[k]) << (k - base);
        c->lead[base / 64] = lead;
    }
    c->lead_ready = true;
    return 0;
}

static int find(ctx *c, int pat, size_t len, size_t from, size_t *ov, int n_pairs)
{
    const void *pats = c->x->patterns;
    const ccg__first_words *fw = ccg__match_first_words(pats, pat);
    if (!fw)
        return ccg__match(pats, c->mt, pat, c->s, len, from, ov, n_pairs);
    if (!ccg__match_may_end(pats, pat, c->s, len))
        return 0;
    if (!c->lead_ready && lead_atoms(c) < 0)
        return CCG_ENOMEM;
    size_t at = SIZE_MAX; /* start of the first match among atoms */
    int rc = 0;
    size_t k0 = atom_at(c, from), kl = atom_at(c, len);
    /* the lead atoms in [k0, kl), in order */
    uint64_t bits = k0 < kl ? c->lead[k0 / 64] & ~(uint64_t)0 << (k0 % 64) : 0;
    for (size_t wd = k0 / 64;; bits &= bits - 1) {
        while (!bits && ++wd * 64 < kl)
            bits = c->lead[wd];
        if (!bits)
            break;
        size_t k = wd * 64 + (size_t)__builtin_ctzll(bits);
        if (k >= kl)
            break;
        const ccg__atom *a = &c->t.atoms[k];
        if (a->end > len)
            break; /* the atom len cuts: below */
        /* the atom's hash was taken by ccg__atomize */
        uint32_t h = a->fh ? a->fh : 1, n = a->end - a->start;
        unsigned w = fw->slot[h & 63];
        if (!w)
            continue;
        if (w != PAT_SLOT_SHARED) {
            if (fw->hash[--w] != h || fw->len[w] != n)
                continue;
        } else {
            for (w = 0; w < fw->n && (fw->hash[w] != h || fw->len[w] != n);)
                w++;
            if (w == fw->n)
                continue;
        }
        if (a->start > 0 && (alnum_c(c->s[a->start - 1]) || c->s[a->start - 1] == '_'))
            continue; /* no \b before it */
        if (!ccg__then_may(fw, w, c->s, len, a->end))
            continue;
        if (fw->next[w]) {
            /* the word after must end so: "In introducing", "For this," */
            size_t sl = fw->next_len[w];
            const ccg__atom *b = k + 1 < c->t.n_atoms ? &c->t.atoms[k + 1] : NULL;
            if (!b || b->end - b->start < sl || !at_ci(c->s, b->end, b->end - sl, fw->next[w], sl))
                continue;
        }
        if ((rc = ccg__match_at(pats, c->mt, pat, c->s, len, a->start, ov, n_pairs)) != 0) {
            at = a->start;
            break;
        }
    }
    /* the last atom before len, when len cuts it, whatever its hash */
    if (rc == 0 && kl > k0 && kl > 0) {
        const ccg__atom *a = &c->t.atoms[kl - 1];
        if (!a->digit && a->end > len && ccg__match_may_start(pats, pat, c->s, len, a->start) &&
            (rc = ccg__match_at(pats, c->mt, pat, c->s, len, a->start, ov, n_pairs)) != 0)
            at = a->start;
    }
    if (rc < 0)
        return rc;
    /* ov changes only on a match, so a URL's attempts can use it */
    for (size_t i = 0; i + 1 < c->t.n_skips && c->t.skips[i] < at && c->t.skips[i] < len; i += 2)
        for (size_t p = c->t.skips[i] > from ? c->t.skips[i] : from;
             p < c->t.skips[i + 1] && p < at && p < len; p++) {
            /* a letter after a byte that is not a word's: \b */
            if (!up_c(c->s[p]) && !lo_c(c->s[p]))
                continue;
            if (p > 0 && (alnum_c(c->s[p - 1]) || c->s[p - 1] == '_'))
                continue;
            if (!ccg__match_may_start(pats, pat, c->s, len, p))
                continue;
            int r2 = ccg__match_at(pats, c->mt, pat, c->s, len, p, ov, n_pairs);
            if (r2 != 0)
                return r2;
        }
    return rc;
}

/* Lists the words with a capital: one in seven or so, and the only ones
 * that pass_phrases, pass_shapes and pass_recall's single words look at. */
static int upper_words(ctx *c)
{
    if (c->up_ready)
        return 0;
    if (ccg__grow((void **)&c->up, &c->cap_up, c->t.n_words + 1, sizeof *c->up) < 0)
        return CCG_ENOMEM;
    /* every word is written, and kept if it has a capital: no branch; four
     * a turn, the loop's own count and compare were 3 of 7 instructions */
    const ccg__word *w = c->t.words;
    uint32_t *up = c->up;
    size_t n = 0, nw = c->t.n_words, wi = 0;
    for (; wi + 4 <= nw; wi += 4) {
        up[n] = (uint32_t)wi;
        n += w[wi].upper;
        up[n] = (uint32_t)wi + 1;
        n += w[wi + 1].upper;
        up[n] = (uint32_t)wi + 2;
        n += w[wi + 2].upper;
        up[n] = (uint32_t)wi + 3;
        n += w[wi + 3].upper;
    }
    for (; wi < nw; wi++) {
        up[n] = (uint32_t)wi;
        n += w[wi].upper;
    }
    c->n_up = n;
    c->up_ready = true;
    return 0;
}

static bool span_free(const ctx *c, size_t a0, size_t a1)
{
    for (size_t k = a0; k < a1; k++)
        if (c->used[k])
            return false;
    return true;
}

static void claim(ctx *c, size_t a0, size_t a1)
{
    for (size_t k = a0; k < a1; k++)
        c->used[k] = 1;
}

static int add_mention(ctx *c, size_t start, size_t end, const char *name, size_t nlen,
                       int lexentry, const char *rule, size_t *idx)
{
    if (nlen > MAX_NAME)
        nlen = MAX_NAME;
    if (c->n == c->cap &&
        ccg__grow((void **)&c->m, &c->cap, c->n + 1, sizeof *c->m) < 0)
        return CCG_ENOMEM;
    char *nm = ccg__strndup(name, nlen);
    if (!nm)
        return CCG_ENOMEM;
    /* names are one line: newlines and tabs of the text become spaces, and a
     * hyphen split from its second part by a line break joins it again. The
     * bytes before the first that may change stay (most names: all) */
    static const bool special[256] = {['\0'] = true, ['\n'] = true, ['\t'] = true,
                                      ['\r'] = true, ['~'] = true, [' '] = true};
    char *q = nm;
    while (!special[(unsigned char)*q])
        q++;
    for (char *p = q; *p; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == '~')
            *p = ' ';
        if (*p == ' ' && q > nm && q[-1] == '-' && q - 1 > nm && alnum_c(q[-2]) && alnum_c(p[1]))
            continue;
        *q++ = *p;
    }
    *q = '\0';
    ccg__mention *m = &c->m[c->n];
    memset(m, 0, sizeof *m);
    m->start = (uint32_t)start;
    m->end = (uint32_t)end;
    m->name = nm;
    m->type = -1;
    m->lexentry = lexentry;
    m->rule = rule;
    if (idx)
        *idx = c->n;
    c->n++;
    return 0;
}

/* ---- lexicon ------------------------------------------------------------- */

static bool case_class_ok(const ctx *c, uint8_t cc, size_t a0, size_t a1, bool plural)
{
    unsigned up = 0, lo = 0;
    for (size_t k = a0; k < a1; k++) {
        up += c->t.atoms[k].upper;
        lo += c->t.atoms[k].lower;
    }
    if (plural && lo)
        lo--;
    char first = c->s[c->t.atoms[a0].start];
    switch (cc) {
    case CASE_UPPER:
        return lo == 0 && up > 0;
    case CASE_CAP:
        return up_c(first) || up == 0;
    default:
        return true;
    }
}

static bool case_ok(const ctx *c, const ccg__lexform *f, size_t a0, size_t a1, bool plural)
{
    uint8_t cc = f->caseclass;
    if (cc == CASE_MIXED || cc == CASE_MIXED_L) {
        /* all caps is rarely the name (FALCON, VLLM), Title case mostly is (Llama, Deepseek) */
        size_t st = c->t.atoms[a0].start, e = c->t.atoms[a1 - 1].end;
        return ccg__case_matches(c->x->strings.data + f->text - 1, c->s + st, e - st - plural);
    }
    return case_class_ok(c, cc, a0, a1, plural);
}

/* May a match ending before atom e stop there? */
static bool boundary_ok(const ctx *c, size_t e, bool family)
{
    if (e >= c->t.n_atoms)
        return true;
    const ccg__atom *a = &c->t.atoms[e];
    switch (a->sep) {
    case SEP_SPACE:
    case SEP_PUNCT:
    case SEP_HYPHEN:
        return true;
    case SEP_OTHER:
        return a->sepch == '\'' && a->end - a->start == 1 && c->s[a->start] == 's';
    default: /* SEP_JOIN: GPT|4, YOLOv|8 */
        if (!family)
            return false;
        if (a->digit)
            return true;
        return a->end - a->start == 1 && (c->s[a->start] | 32) == 'v' && e + 1 < c->t.n_atoms &&
               c->t.atoms[e + 1].sep == SEP_JOIN && c->t.atoms[e + 1].digit;
    }
}

/* The first form in a key's chain whose case matches; -1 if none. */
static int pick_form(const ctx *c, const ccg__slot *slot, size_t a0, size_t a1, bool plural)
{
    const ccg_extractor *x = c->x;
    for (int32_t f = slot->head; f >= 0; f = x->forms[f].next)
        if (case_ok(c, &x->forms[f], a0, a1, plural))
            return (int)x->forms[f].entry;
    return -1;
}

/*
 * Appends the bytes of atom j's key to c->key, as ccg__fold_atom writes
 * them; lex_match has their hash already (folding again for it was half
 * the instructions of a step).
 */
static int append_atom(ctx *c, size_t j, bool first)
{
    const ccg__atom *a = &c->t.atoms[j];
    const ccg__word *w = &c->t.words[a->word];
    if (c->key.len + (a->end - a->start) + 3 > c->key.cap &&
        ccg__buf_reserve(&c->key, a->end - a->start + 2) < 0)
        return CCG_ENOMEM;
    char *k = c->key.data + c->key.len;
    if (!first && a->sep == SEP_OTHER && ccg__sep_kept(a->sepch))
        *k++ = (char)a->sepch;
    for (uint32_t i = a->start; i < a->end; i++)
        *k++ = (char)ccg__lower((unsigned char)c->s[i]);
    if (j + 1 == w->a1 && w->end > a->end)
        *k++ = '+';
    *k = '\0';
    c->key.len = (size_t)(k - c->key.data);
    return 0;
}

static size_t atom_len(const ctx *c, size_t k) { return c->t.atoms[k].end - c->t.atoms[k].start; }
static char atom_ch(const ctx *c, size_t k) { return c->s[c->t.atoms[k].start]; }
static bool joined(const ctx *c, size_t k)
{
    return k < c->t.n_atoms && c->t.atoms[k].sep == SEP_JOIN;
}


/* Can atom j (of key length klen through it) end a plural: LLMs, ViTs, Transformers? */
static bool plural_end(const ctx *c, size_t j, size_t klen)
{
    const ccg__atom *a = &c->t.atoms[j];
    bool last_of_part = j + 1 >= c->t.n_atoms || c->t.atoms[j + 1].sep != SEP_JOIN;
    if (a->digit || !last_of_part || klen <= 2 || a->end - a->start < 2 ||
        c->s[a->end - 1] != 's')
        return false;
    char prev = c->s[a->end - 2];
    return up_c(prev) || (lo_c(prev) && a->lower >= 3);
}

/*
 * One atom of lex_match, exactly: appends atom j to the key (whose hash is
 * h through it, hlast before its last byte), looks it up and records a
 * match ending there in *best. Returns whether a longer key may go on (the
 * key is a prefix in the table).
 */
static bool lex_step(ctx *c, const ccg__table *tab, size_t a0, size_t j, uint32_t h,
                     uint32_t hlast, size_t *best, int *entry, bool any_case)
{
    const ccg__atom *a = &c->t.atoms[j];
    if (append_atom(c, j, j == a0) < 0)
        return false;
    ccg__slot *slot = ccg__table_find(tab, c->key.data, c->key.len, h ? h : 1);
    bool found = false;
    if (slot && (slot->flags & KEY_FULL)) {
        int e = any_case ? slot->value : pick_form(c, slot, a0, j + 1, false);
        bool fam = !any_case && e >= 0 && c->x->entries[e].family;
        if (e >= 0 && boundary_ok(c, j + 1, fam)) {
            *best = j + 1;
            *entry = e;
            found = true;
        } else if (e >= 0 && a->digit && joined(c, j + 1) && atom_len(c, j + 1) == 1 &&
                   c->s[c->t.atoms[j + 1].start] == 's' && boundary_ok(c, j + 2, false)) {
            *best = j + 2; /* a plural after digits: H100s, A100s */
            *entry = e;
            found = true;
        }
    }
    if (!found && plural_end(c, j, c->key.len)) {
        /* plurals: LLMs, ViTs, Transformers, neural networks */
        ccg__slot *s2 = ccg__table_find(tab, c->key.data, c->key.len - 1, hlast ? hlast : 1);
        if (s2 && (s2->flags & KEY_FULL)) {
            int e = any_case ? s2->value : pick_form(c, s2, a0, j + 1, true);
            if (e >= 0 && boundary_ok(c, j + 1, false)) {
                *best = j + 1;
                *entry = e;
            }
        }
    }
    return slot && (slot->flags & KEY_PREFIX);
}

/*
 * Longest lexicon match from atom a0; returns its end atom (0: none).
 *
 * Most words of a text are a prefix of some key (the, large, language) but
 * end no match: the table's Bloom filters, asked with hashes carried from
 * atom to atom, settle most of them without a key built or a slot read.
 * Only when a key through atom j may be a full key (or a plural's) are the
 * atoms up to j stepped exactly (lex_step), which is what a plain walk would
 * do: an atom whose key is surely absent ends the walk with nothing found
 * past the last exact step, since no key through it can be full.
 */
/* The first byte atom a adds to a key after another (ccg__fold_atom): its
 * separator if the fold keeps it, else its first letter in lower case. */
static inline unsigned char first_byte(const ctx *c, const ccg__atom *a)
{
    unsigned char ch = (unsigned char)c->s[a->start];
    return a->sep == SEP_OTHER && ccg__sep_kept(a->sepch) ? a->sepch
                                                          : (unsigned char)(up_c((char)ch) ? ch | 32 : ch);
}

/*
 * Can a key through atom j (hash h) go on with atom j + 1 (< end): is that
 * atom free, not after punctuation, and may a full key of tab go on with
 * its first byte (or its separator)?
 */
static bool goes_on(const ctx *c, const ccg__table *tab, size_t j, size_t end, uint32_t h)
{
    if (j + 1 >= end)
        return false;
    const ccg__atom *n = &c->t.atoms[j + 1];
    if (n->sep == SEP_PUNCT || c->used[j + 1])
        return false;
    return ccg__table_may_go_on(tab, h ? h : 1, first_byte(c, n));
}

static size_t lex_match(ctx *c, const ccg__table *tab, size_t a0, int *entry, bool any_case)
{
    size_t best = 0, exact = a0; /* atoms [a0, exact) are stepped exactly */
    c->key.len = 0;
    uint32_t h = CCG_FNV_BASIS, hlast = h; /* hash through the current atom */
    uint32_t hs[MAX_LEX_ATOMS], hls[MAX_LEX_ATOMS]; /* the same through atom a0 + i */
    size_t klen = 0;
    size_t end = c->t.n_atoms < a0 + MAX_LEX_ATOMS ? c->t.n_atoms : a0 + MAX_LEX_ATOMS;
    for (size_t j = a0; j < end; j++) {
        ccg__fold_atom(c->s, &c->t, j, j == a0, &h, &hlast, &klen, NULL);
        hs[j - a0] = h;
        hls[j - a0] = hlast;
        bool full = ccg__table_may_have_full(tab, h ? h : 1) ||
                    (ccg__table_may_have_full(tab, hlast ? hlast : 1) && plural_end(c, j, klen));
        if (full) {
            for (; exact <= j; exact++)
                if (!lex_step(c, tab, a0, exact, hs[exact - a0], hls[exact - a0], &best, entry,
                              any_case))
                    return best;
        } else if (!ccg__table_may_have(tab, h ? h : 1)) {
            break; /* no key goes through atom j */
        }
        if (!goes_on(c, tab, j, end, h))
            break;
    }
    return best;
}

/* ---- versions, sizes and suffixes of model names ------------------------- */

static const wlit suffix_words_words[] = {W("instruct"), W("chat"), W("base"), W("pro"), W("flash"),
                                          W("lite"), W("turbo"), W("preview"), W("it"), W("hf"),
                                          W("sft"), W("instruction"),
                                          /* sizes in words: T5-Large, BERT-base, ViT-Huge */
                                          W("large"), W("small"), W("medium"), W("tiny"), W("huge"),
                                          W("xl"), W("xxl"), W("giant"), {NULL, 0}};
static wset suffix_words = {.w = suffix_words_words};

/* A size such as 8B, 1.5b, 70B, 8x7B, A3B: its end atom in *end. */
static bool is_size(const ctx *c, size_t k, size_t *end)
{
    size_t n = c->t.n_atoms;
    const ccg__atom *a = &c->t.atoms[k];
    size_t e = 0;
    if (a->digit && joined(c, k + 1) && atom_len(c, k + 1) == 1 &&
        strchr("BMKTbmkt", atom_ch(c, k + 1)))
        e = k + 2;
    else if (a->digit && joined(c, k + 1) && atom_len(c, k + 1) == 1 && atom_ch(c, k + 1) == 'x' &&
             joined(c, k + 2) && c->t.atoms[k + 2].digit && joined(c, k + 3) &&
             atom_len(c, k + 3) == 1 && strchr("Bb", atom_ch(c, k + 3)))
        e = k + 4;
    else if (!a->digit && atom_len(c, k) == 1 && atom_ch(c, k) == 'A' && joined(c, k + 1) &&
             c->t.atoms[k + 1].digit && joined(c, k + 2) && atom_len(c, k + 2) == 1 &&
             atom_ch(c, k + 2) == 'B')
        e = k + 3;
    if (!e || (e < n && c->t.atoms[e].sep == SEP_JOIN))
        return false;
    if (end)
        *end = e;
    return true;
}

static int name_add(ccg_buf *b, const char *s, size_t n) { return ccg__buf_add(b, s, n); }

static bool all_upper(const char *s)
{
    bool any = false;
    for (; *s; s++) {
        if (lo_c(*s))
            return false;
        any |= up_c(*s);
    }
    return any;
}

/*
 * Extends a lexicon match ending before atom e: a version after a family
 * name (LLaMA|3, YOLO|v8, Gemini 3), name parts after a version (Qwen2.5|-VL),
 * then sizes and suffixes (-8B, -Instruct). c->name gets the name at version
 * granularity, c->var the name with sizes and suffixes. Returns the new end.
 */
static size_t extend(ctx *c, int entry, size_t e, bool *versioned_out)
{
    const ccg__lexentry *le = &c->x->entries[entry];
    const char *canon = ccg__lex_name(c->x, (uint32_t)entry);
    size_t n = c->t.n_atoms;
    bool model = le->type == CCG_TYPE_MODEL;
    bool versioned = !le->family;
    if (le->family && e < n) {
        size_t k = e;
        bool vprefix = false;
        const ccg__atom *a = &c->t.atoms[k];
        if (!a->digit && atom_len(c, k) == 1 && (atom_ch(c, k) | 32) == 'v' &&
            (a->sep == SEP_JOIN || a->sep == SEP_HYPHEN) && joined(c, k + 1) &&
            c->t.atoms[k + 1].digit) {
            vprefix = true;
            k++;
        }
        a = &c->t.atoms[k];
        bool sep_ok = vprefix || a->sep == SEP_JOIN || a->sep == SEP_HYPHEN ||
                      (a->sep == SEP_SPACE && le->type != CCG_TYPE_METRIC &&
                       le->type != CCG_TYPE_TOOL);
        size_t dl = atom_len(c, k);
        bool year = dl >= 4 && !memchr(c->s + a->start, '.', dl);
        if (a->digit && sep_ok && !year && (vprefix || !is_size(c, k, NULL)) && !c->used[k]) {
            size_t vend = k + 1;
            bool sizeletter = false;
            if (joined(c, vend) && !c->t.atoms[vend].digit && atom_len(c, vend) == 1 &&
                lo_c(atom_ch(c, vend)) && !joined(c, vend + 1)) {
                if (all_upper(canon) && strchr("nsmlx", atom_ch(c, vend)))
                    sizeletter = true;
                else
                    vend++;
            }
            if (!joined(c, vend) || sizeletter) {
                if (vprefix) {
                    if (c->t.atoms[e].sep == SEP_HYPHEN && name_add(&c->name, "-", 1) < 0)
                        return 0;
                } else if (name_add(&c->name, "-", 1) < 0)
                    return 0;
                const char *vs = c->s + c->t.atoms[vprefix ? e : k].start;
                size_t vl = c->t.atoms[vend - 1].end - c->t.atoms[vprefix ? e : k].start;
                if (name_add(&c->name, vs, vl) < 0)
                    return 0;
                e = vend;
                if (ccg__buf_reserve(&c->var, 0) < 0)
                    return 0;
                c->var.len = 0;
                if (name_add(&c->var, c->name.data, c->name.len) < 0)
                    return 0;
                if (sizeletter) {
                    if (name_add(&c->var, c->s + c->t.atoms[e].start, 1) < 0)
                        return 0;
                    e++;
                }
                versioned = true;
            }
        }
    }
    *versioned_out = versioned;
    if (!model)
        return e;
    /* name parts after a version: Qwen2.5-VL, Qwen3-Omni */
    for (int parts = 0; versioned && parts < 2 && e < n; parts++) {
        const ccg__atom *a = &c->t.atoms[e];
        if (a->sep != SEP_HYPHEN || a->digit || !up_c(atom_ch(c, e)) || c->used[e])
            break;
        size_t p = e + 1;
        while (p < n && c->t.atoms[p].sep == SEP_JOIN)
            p++;
        size_t pl = c->t.atoms[p - 1].end - a->start;
        if (word_in(c->s + a->start, pl, &suffix_words) || pl == 1 ||
            (pl == 2 && memcmp(c->s + a->start, "XL", 2) == 0))
            break;
        if (name_add(&c->name, "-", 1) < 0 || name_add(&c->name, c->s + a->start, pl) < 0 ||
            name_add(&c->var, "-", 1) < 0 || name_add(&c->var, c->s + a->start, pl) < 0)
            return 0;
        e = p;
    }
    /* sizes and suffixes: -8B, -70B-Instruct, 3 Pro */
    while (e < n && !c->used[e]) {
        const ccg__atom *a = &c->t.atoms[e];
        if (a->sep == SEP_PUNCT || a->sep == SEP_OTHER)
            break;
        size_t se;
        size_t p = e + 1;
        while (p < n && c->t.atoms[p].sep == SEP_JOIN)
            p++;
        size_t pl = c->t.atoms[p - 1].end - a->start;
        if (is_size(c, e, &se) && (a->sep != SEP_SPACE || se == p)) {
            /* sizes, after a hyphen or joined or as the next word */
        } else if (!a->digit && p == e + 1 && word_in(c->s + a->start, pl, &suffix_words) &&
                   (a->sep == SEP_HYPHEN || (a->sep == SEP_SPACE && up_c(atom_ch(c, e))))) {
            se = p;
        } else if (versioned && a->sep == SEP_HYPHEN && p == e + 1 &&
                   (pl == 1 || (pl == 2 && memcmp(c->s + a->start, "XL", 2) == 0)) &&
                   up_c(atom_ch(c, e))) {
            se = p; /* EfficientNetV2-S */
        } else
            break;
        if (name_add(&c->var, "-", 1) < 0 ||
            name_add(&c->var, c->s + a->start, c->t.atoms[se - 1].end - a->start) < 0)
            return 0;
        e = se;
    }
    return e;
}

/* The family of a model name: up to its first digit (LLaMA-3 -> LLaMA, YOLOv8 -> YOLO). */
static size_t family_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !(s[i] >= '0' && s[i] <= '9'))
        i++;
    if (i == n || i == 0)
        return n;
    if (i >= 2 && (s[i - 1] | 32) == 'v' && (up_c(s[i - 2]) || lo_c(s[i - 2])))
        i--;
    while (i > 0 && (s[i - 1] == '-' || s[i - 1] == ' ' || s[i - 1] == '.' || s[i - 1] == '_'))
        i--;
    return i ? i : n;
}

static int emit_lexicon(ctx *c, size_t a0, size_t e, int entry, const char *rule)
{
    const char *canon = ccg__lex_name(c->x, (uint32_t)entry);
    size_t cl = strlen(canon);
    c->name.len = 0;
    c->var.len = 0;
    if (name_add(&c->name, canon, cl) < 0 || name_add(&c->var, canon, cl) < 0)
        return CCG_ENOMEM;
    bool versioned = false;
    size_t e2 = extend(c, entry, e, &versioned);
    if (e2 == 0)
        return CCG_ENOMEM;
    /* a family name glued to something that is no version: RotatE in Rotate3D */
    if (e2 < c->t.n_atoms && c->t.atoms[e2].sep == SEP_JOIN)
        return 0;
    /* a dataset's named split or variant: ImageNet-Dogs, Kinetics-400 */
    if (c->x->entries[entry].type == CCG_TYPE_DATASET && e2 < c->t.n_atoms &&
        c->t.atoms[e2].sep == SEP_HYPHEN && !c->used[e2] &&
        (up_c(atom_ch(c, e2)) || c->t.atoms[e2].digit)) {
        size_t p = e2 + 1;
        while (p < c->t.n_atoms && c->t.atoms[p].sep == SEP_JOIN)
            p++;
        c->name.len = 0;
        if (name_add(&c->name, c->s + c->t.atoms[a0].start, c->t.atoms[p - 1].end - c->t.atoms[a0].start) < 0)
            return CCG_ENOMEM;
        e2 = p;
    }
    const char *nm = c->name.data;
    size_t nl = c->name.len;
    if (c->x->entries[entry].type == CCG_TYPE_MODEL) {
        if (c->x->opts.granularity == CCG_GRANULARITY_FAMILY)
            nl = family_len(nm, nl);
        else if (c->x->opts.granularity == CCG_GRANULARITY_VARIANT) {
            nm = c->var.data;
            nl = c->var.len;
        }
    }
    claim(c, a0, e2);
    int err = add_mention(c, c->t.atoms[a0].start, c->t.atoms[e2 - 1].end, nm, nl, entry, rule, NULL);
    return err < 0 ? err : 1;
}

/* A word may start a lexicon match at a0, or after lower-case parts (non-LLaMA). */
static bool may_start(const ctx *c, const ccg__word *w, size_t k)
{
    if (k == w->a0)
        return true;
    if (c->t.atoms[k].sep != SEP_HYPHEN)
        return false;
    for (size_t j = w->a0; j < k; j++)
        if (!c->used[j] && (c->t.atoms[j].upper || c->t.atoms[j].digit))
            return false;
    return true;
}

/*
 * Does a Title Case phrase go on after atoms [k, e)? "Generative Adversarial
 * Networks" is not the long form "Generative Adversarial" plus a word.
 */
static bool title_goes_on(const ctx *c, size_t k, size_t e)
{
    if (e >= c->t.n_atoms || !up_c(c->s[c->t.atoms[e - 1].start]) || !up_c(c->s[c->t.atoms[k].start]))
        return false;
    const ccg__atom *a = &c->t.atoms[e];
    return (a->sep == SEP_SPACE || a->sep == SEP_HYPHEN) && up_c(c->s[a->start]) && !a->digit;
}

/* Are atoms [k, e) one word without hyphens? A long form has two ("commonsense" is not "Common Sense"). */
static bool one_word(const ctx *c, size_t k, size_t e)
{
    for (size_t j = k + 1; j < e; j++)
        if (c->t.atoms[j].sep == SEP_HYPHEN || c->t.atoms[j].word != c->t.atoms[k].word)
            return false;
    return true;
}

/* The mention defining atoms [k, e) as a short form that shadows the lexicon here, or -1. */
static long shadowed(const ctx *c, size_t k, size_t e)
{
    size_t st = c->t.atoms[k].start, n = c->t.atoms[e - 1].end - st;
    for (size_t i = 0; i + 2 < c->n_lsf; i += 3) {
        size_t l = c->lsf[i + 1];
        if ((n == l || (n == l + 1 && c->s[st + l] == 's')) &&
            memcmp(c->s + st, c->s + c->lsf[i], l) == 0)
            return (long)c->lsf[i + 2];
    }
    return -1;
}

/*
 * The overlay's starts (starts_build with next_bytes) say more of a pair of
 * atoms than whether a match may start there. A pair's key has a word of 64
 * bits, picked by the top bits of its product with an odd 64-bit constant
 * (pair_mix, starts_word). Two bits of it that the next bits of the product
 * pick say the pair is there (pair_mask: the sweep's test), and two more,
 * for each byte a full key goes on with after the key of the two atoms, say
 * so (next_mask), and for 0 that key is a full key, or one with a plural's
 * 's' or '+' after (pair_goes_on).
 */
static inline uint64_t pair_mix(uint32_t p) { return p * UINT64_C(0x9E3779B97F4A7C15); }

/* bits 40 and up of the mix pick the word (st->log2 - 6 <= 22 of them), bits 28 to 39 its two bits */
static inline uint64_t *starts_word(const ccg__starts *st, uint64_t mix)
{
    return &st->bits[mix >> 40 & (((uint64_t)1 << (st->log2 - 6)) - 1)];
}

static inline uint64_t pair_mask(uint64_t mix)
{
    return (uint64_t)1 << (mix >> 28 & 63) | (uint64_t)1 << (mix >> 34 & 63);
}

static inline uint64_t next_mask(uint32_t p, unsigned char next)
{
    uint32_t g = (p ^ next * 0x9E3779B1u) * 0xC2B2AE35u;
    return (uint64_t)1 << (g >> 26) | (uint64_t)1 << (g >> 20 & 63);
}

static inline uint64_t word_has(uint64_t w, uint64_t mask) { return (w & mask) == mask; }

/*
 * The sweeps' stand-in for the key of two atoms, made from each one's own
 * key (fh) and the separator the fold keeps between them ('@', '\'', '.';
 * else 0). The key's own hash would take a second hash chain in the
 * tokenizer: +17% instructions in pass 1's tokenizer (over half of what its
 * filter saves), +16% in pass 2's. Not a hash of the key, so the seal lists
 * the ways each key splits in two (starts_build).
 */
static inline uint32_t pair_key(uint32_t h1, unsigned char sep, uint32_t h2)
{
    return (h1 ^ sep) * 0x85EBCA6Bu ^ h2;
}

/*
 * The separator pair_key takes from an atom's sepch: the ones the fold
 * keeps, else 0. The tokenizer gives those only to SEP_OTHER atoms (a
 * SEP_HYPHEN has '-', the others 0), so this is pair_at's test without
 * the compare of sep (test_extract checks it).
 */
static const unsigned char kept_sep[256] = {['@'] = '@', ['\''] = '\'', ['.'] = '.'};

/* pair_key of atoms k and k + 1 (< n_atoms) from their fh: the sweeps' test */
static inline uint32_t pair_at(const ctx *c, size_t k)
{
    const ccg__atom *b = &c->t.atoms[k + 1];
    unsigned char sep = b->sep == SEP_OTHER && ccg__sep_kept(b->sepch) ? b->sepch : 0;
    return pair_key(c->t.atoms[k].fh, sep, b->fh);
}

/* The key of atoms k and k + 1 as lex_match hashes it (fold of the two from atom k's fh). */
static uint32_t fold2(const ctx *c, size_t k)
{
    uint32_t h = c->t.atoms[k].fh, hl = h;
    size_t kl = 0;
    ccg__fold_atom(c->s, &c->t, k + 1, /* first = */ false, &h, &hl, &kl, NULL);
    return h;
}

/*
 * What lex_match from atom k must find at atom k + 1 to end a match past
 * atom k: there the key of the two (h, fold2) is a full key or a plural's
 * (lex_step), or the walk goes on to atom k + 2 (goes_on with that key's
 * hash). Most keys of two atoms of a text that a table holds are prefixes
 * of longer keys that the next atom does not continue.
 */
static bool two_atoms_may(const ctx *c, const ccg__table *tab, size_t k, uint32_t h)
{
    const ccg__atom *b = &c->t.atoms[k + 1];
    if (ccg__table_may_have_full(tab, h ? h : 1) || goes_on(c, tab, k + 1, c->t.n_atoms, h))
        return true;
    if (c->s[b->end - 1] != 's')
        return false;
    const ccg__word *w = &c->t.words[b->word];
    h = ccg__fnv_unstep(h, k + 2 == w->a1 && w->end > b->end ? '+' : 's');
    return ccg__table_may_have_full(tab, h ? h : 1);
}

/* The walk of pass_lexicon over the atoms base + i of the bits i of may. */
static int lex_walk(ctx *c, size_t base, uint64_t may)
{
    const ccg__table *tab = &c->x->lex;
    size_t n = c->t.n_atoms;
    for (; may; may &= may - 1) {
        size_t k = base + (size_t)__builtin_ctzll(may), e;
        const ccg__atom *a = &c->t.atoms[k];
        int entry = -1;
        /* the walk's tests, in its order, then the sweep's, exactly: a
         * full key of one atom, or what lex_match must find at k + 1 */
        if (c->used[k] ||
            !(ccg__table_may_have(tab, a->fh ? a->fh : 1) ||
              ccg__table_may_have_full(tab, a->fhl ? a->fhl : 1)) ||
            !may_start(c, &c->t.words[a->word], k) ||
            !(ccg__table_may_have_full(tab, a->fh ? a->fh : 1) ||
              ccg__table_may_have_full(tab, a->fhl ? a->fhl : 1) ||
              (goes_on(c, tab, k, n, a->fh) && two_atoms_may(c, tab, k, fold2(c, k)))) ||
            !(e = lex_match(c, tab, k, &entry, /* any_case = */ false)))
            continue;
        int err;
        long sh = shadowed(c, k, e);
        if (sh >= 0) {
            claim(c, k, e);
            err = add_mention(c, a->start, c->t.atoms[e - 1].end, c->m[sh].name,
                              strlen(c->m[sh].name), -1, "recall", NULL);
        } else
            err = emit_lexicon(c, k, e, entry, "lexicon");
        if (err < 0)
            return err;
    }
    return 0;
}

/* pass_lexicon's walk from every atom, without the filter. */
static int lex_walk_all(ctx *c)
{
    for (size_t base = 0; base < c->t.n_atoms; base += 64) {
        size_t end = c->t.n_atoms - base < 64 ? c->t.n_atoms : base + 64;
        int err = lex_walk(c, base, ~(uint64_t)0 >> (64 - (end - base)));
        if (err < 0)
            return err;
    }
    return 0;
}

/*
 * The curated lexicon's walk: from each free atom in text order (where a
 * word may start a match), the longest match (lex_match, the forms' case
 * rules), emitted, or named by a short form defined here that shadows it.
 *
 * Most common words begin some multi-word key (large language model), so
 * the first test of an atom, its key in the table, passes nearly
 * everywhere. lex_match returns a match from atom k only if
 *  - it ends at atom k: the key of atom k (fh), or that key without its last
 *    byte (a plural's 's', or the '+' after it), is a full key (lex_step;
 *    H100s is the full key h100 and a joined 's'), or
 *  - it ends past atom k: atom k + 1 is free, after no punctuation (goes_on),
 *    the key of atom k is a prefix key (lex_step goes on from it), and the
 *    key of the two is in the table as a key (a prefix to go on, or a full
 *    key), or that key without its plural's 's' or '+' is a full key.
 * x->lex_starts holds each of those keys of one atom, and each of those
 * keys of two as pair_key makes it from the keys of its two atoms, for
 * each way it splits at a prefix key (ccg__lexicon_seal): a sweep of two
 * filter tests an atom, without a branch, marks the atoms where a match
 * may start, 64 at a time, and only those go through the walk's tests, in
 * text order. At the others lex_match would find nothing, and a walk that
 * finds nothing at an atom changes nothing there, so the matches and the
 * claims between them are the walk's own. The sweep leaves the claims and
 * the punctuation before atom k + 1 to the walk, which tests them anyway:
 * in the sweep they cost more than the walks they spared (sub5k: 13.6M of
 * 620M instructions of pass 1).
 *
 * The sweep tests the bits of the hashes without their 0 -> 1 fix (a hash
 * 0 tests bits 0 and 1, which ccg__lexicon_seal sets), and takes the
 * separator of a pair from kept_sep: 6 of its 46 instructions an atom.
 */
static int pass_lexicon(ctx *c)
{
    const ccg__starts *st = &c->x->lex_starts;
    size_t n = c->t.n_atoms;
    if (!st->bits)
        return lex_walk_all(c); /* without the filter (its seal ran out of memory) */
    /* the sweep also makes find's c->lead: one more filter test of the hash
     * it has loaded is cheaper than a sweep of its own */
    const uint8_t *lb = ccg__match_lead_bytes(c->x->patterns);
    if (lead_grow(c) < 0)
        return CCG_ENOMEM;
    for (size_t base = 0; base < n; base += 64) {
        size_t end = n - base < 64 ? n : base + 64;
        size_t pend = end < n ? end : n - 1; /* atoms k with k + 1 < n */
        /* each atom's bits come in at the top (shifts by a constant: x86
         * shifts by a variable only through cl, one more move each) */
        uint64_t may = 0, lead = 0;
        for (size_t k = base; k < pend; k++) {
            const ccg__atom *a = &c->t.atoms[k];
            uint32_t h = a->fh, b1 = ccg__bloom_bit(h, st->log2) ^ 1,
                     b2 = ccg__bloom_bit(pair_key(h, kept_sep[a[1].sepch], a[1].fh), st->log2);
            may = may >> 1 |
                  (st->bits[b1 >> 6] >> (b1 & 63) | st->bits[b2 >> 6] >> (b2 & 63)) << 63;
            lead = lead >> 1 | lead_bit(lb, a) << 63;
        }
        if (pend < end) { /* the text's last atom: a match of one atom */
            uint32_t b1 = ccg__bloom_bit(c->t.atoms[pend].fh, st->log2) ^ 1;
            may = may >> 1 | st->bits[b1 >> 6] >> (b1 & 63) << 63;
            lead = lead >> 1 | lead_bit(lb, &c->t.atoms[pend]) << 63;
        }
        if (end - base < 64) {
            may >>= 64 - (end - base);
            lead >>= 64 - (end - base);
        }
        c->lead[base / 64] = lead;
        int err = lex_walk(c, base, may);
        if (err < 0)
            return err;
    }
    c->lead_ready = true;
    return 0;
}

/* ---- long forms defined elsewhere in the corpus (annotate's overlay) ----- */

/*
 * Can a match the overlay's walk keeps start with atoms k and k + 1, whose
 * pair is in st: does a key end with the two, or go on with the first byte
 * of atom k + 2, which is free and after no punctuation (goes_on)?
 */
static bool pair_goes_on(const ctx *c, const ccg__starts *st, size_t k)
{
    uint32_t p = pair_at(c, k);
    uint64_t w = *starts_word(st, pair_mix(p));
    if (word_has(w, next_mask(p, 0)))
        return true;
    if (k + 2 >= c->t.n_atoms)
        return false;
    const ccg__atom *d = &c->t.atoms[k + 2];
    return d->sep != SEP_PUNCT && !c->used[k + 2] && word_has(w, next_mask(p, first_byte(c, d)));
}

/* The bits of the atoms k in [base, end) (k + 1 < n_atoms) where a match
 * of the overlay may start: their pair is in st, atom k + 1 follows no
 * punctuation and neither is used. The filter's words are asked for first,
 * all of them, then tested: 2% less time in pass 2 for 2% more
 * instructions. Not inlined into the walk's loop, whose values took the
 * registers the sweep's loop needs. */
static __attribute__((noinline)) uint64_t overlay_sweep(const ctx *c, const ccg__starts *st,
                                                        size_t base, size_t end)
{
    const ccg__atom *at = c->t.atoms;
    const uint8_t *used = c->used;
    const uint64_t *bits = st->bits, size = ((uint64_t)1 << (st->log2 - 6)) - 1;
    uint64_t may = 0, mix[64];
    for (size_t k = base; k < end; k++) {
        mix[k - base] = pair_mix(pair_key(at[k].fh, kept_sep[at[k + 1].sepch], at[k + 1].fh));
        CCG__PREFETCH(&bits[mix[k - base] >> 40 & size]);
    }
    for (size_t k = base; k < end; k++) {
        uint64_t x = mix[k - base];
        uint64_t m = word_has(bits[x >> 40 & size], pair_mask(x)) &
                     (at[k + 1].sep != SEP_PUNCT) & !(used[k] | used[k + 1]);
        may = may >> 1 | m << 63; /* shifts by a constant */
    }
    return end - base < 64 ? may >> (64 - (end - base)) : may;
}

/*
 * The lexicon walk over the overlay's table (the long forms of the corpus's
 * definitions, and their prefixes of whole atoms): from each free atom in
 * text order, the longest match (lex_match, any case), kept unless it is
 * one word or a Title Case phrase goes on after it.
 *
 * A kept match spans two atoms at least (one_word drops one), so lex_match
 * went on from atom k only with its key a prefix key of the table
 * (lex_step), and got past atom k + 1 only with the key of atoms k and
 * k + 1 in the table (as a prefix: the text's atom boundaries are some of
 * the key's, so "pretrained" goes on in the prefixes of "Pre-trained"), or
 * ended there with that key, or that key without its last byte (a plural's
 * 's', or the '+' after it), a full key (lex_step). ov->starts holds every
 * such key of two as pair_key makes it from the keys of its two atoms, for
 * each way it splits at a prefix key (ccg__overlay_seal): a sweep of one
 * filter test an atom, without a branch, marks the atoms where a match may
 * start, 64 at a time, and only those go through the walk's tests. At the
 * others no match could be kept, and one not kept changes nothing.
 *
 * Past atom k + 1, the match went on with the first byte of atom k + 2 (a
 * free atom after no punctuation: goes_on), or its key ended with the two
 * atoms. The filter's word of the pair tells those bytes too, and the
 * walk's first test (pair_goes_on, on the word the sweep just loaded) drops
 * the pairs whose key begins long forms but is not followed so (large
 * language), and most false hits: 1.02M of the 1.67M atoms the sweep finds
 * in the corpus. As false hits cost little more, the filter is small
 * (STARTS_BITS_NEXT).
 */
static int pass_overlay(ctx *c, const ccg__overlay *ov)
{
    const ccg__table *tab = &ov->keys;
    size_t n = c->t.n_atoms;
    const ccg__starts *st = &ov->starts;
    const ccg__atom *at = c->t.atoms;
    for (size_t base = 0; base + 1 < n; base += 64) {
        size_t end = n - 1 - base < 64 ? n - 1 : base + 64; /* atoms k with k + 1 < n */
        uint64_t may = overlay_sweep(c, st, base, end);
        for (; may; may &= may - 1) {
            size_t k = base + (size_t)__builtin_ctzll(may), e;
            const ccg__atom *a = &at[k];
            int entry = -1;
            /* the walk's tests, in its order, then what lex_match must find
             * at k + 1; a match before may have claimed the atoms since the
             * sweep */
            if (c->used[k] || c->used[k + 1] || !pair_goes_on(c, st, k) ||
                !(ccg__table_may_have(tab, a->fh ? a->fh : 1) ||
                  ccg__table_may_have_full(tab, a->fhl ? a->fhl : 1)) ||
                !may_start(c, &c->t.words[a->word], k) ||
                (!a->digit && !goes_on(c, tab, k, n, a->fh)) ||
                !two_atoms_may(c, tab, k, fold2(c, k)) ||
                !(e = lex_match(c, tab, k, &entry, /* any_case = */ true)) ||
                title_goes_on(c, k, e) || one_word(c, k, e))
                continue;
            const char *nm = ov->names.data + entry;
            claim(c, k, e);
            int err = add_mention(c, a->start, c->t.atoms[e - 1].end, nm, strlen(nm), -1,
                                  "corpus long form", NULL);
            if (err < 0)
                return err;
        }
    }
    return 0;
}

/* A new filter of 2^bits bits in st, the old one freed. */
static int starts_alloc(ccg__starts *st, size_t n, size_t bits_a_key)
{
    unsigned bits = 16;
    while (bits < 28 && ((size_t)1 << bits) < n * bits_a_key)
        bits++;
    uint64_t *f = ccg__calloc(((size_t)1 << bits) / 64, sizeof *f);
    free(st->bits); /* one without the table's new keys would hide matches: pass_lexicon
                     * walks every atom without one */
    st->bits = f;
    st->log2 = bits;
    return f ? 0 : CCG_ENOMEM;
}

static void starts_set(ccg__starts *st, uint32_t h, unsigned one_atom)
{
    uint32_t b = ccg__bloom_bit(h ? h : 1, st->log2) ^ one_atom;
    st->bits[b >> 6] |= (uint64_t)1 << (b & 63);
}

/* The same for a pair and the byte after it (0: the end of a key) in the overlay's starts. */
static void starts_set_next(ccg__starts *st, uint32_t p, unsigned char next)
{
    uint64_t mix = pair_mix(p);
    *starts_word(st, mix) |= pair_mask(mix) | next_mask(p, next);
}

/*
 * The filter of a walk's sweep (ccg__starts; pass_lexicon, pass_overlay):
 * for each key T of tab, and each full key with an 's' after, and with a
 * '+' after when it ends in 's': with one_atom, if full, T as the key of
 * one atom; and each way T splits into the key of a first atom that is a
 * prefix key of tab (lex_step goes on only from one) and the key of a
 * second, after a separator the fold keeps or not (pair_key). The hashes
 * are listed first, to size it.
 *
 * A match goes only through keys that are prefixes of its full key, so the
 * keys T are walked as the prefixes of each full key that are keys (a key
 * that begins no full key begins no match): one table probe a byte of the
 * full keys only, and the key of each second atom hashed once for all the
 * T it ends. Each key split on its own took 2.7 times the instructions
 * (the full corpus's overlay of 94k keys: 260M, now 98M; Bloom filters
 * 70M more).
 */
static int starts_build(ccg__starts *st, const ccg__table *tab, bool one_atom, bool next_bytes)
{
    static const unsigned char after[2] = {'s', '+'};
    int err = 0;
    uint64_t *hs = NULL; /* hash, and 1 << 32 for one atom, or the byte after it << 32 */
    size_t n = 0, cap = 0;
    uint32_t *cut = NULL; /* per full key: the lengths of its prefix keys, and their hashes */
    uint8_t *ends = NULL; /* per full key: is its prefix of that length a key? */
    size_t cap_cut = 0, cap_ends = 0;
    for (size_t i = 0; i < tab->cap; i++) {
        const ccg__slot *sl = &tab->slots[i];
        if (!sl->len || !(sl->flags & KEY_FULL))
            continue;
        const unsigned char *k = (const unsigned char *)tab->pool.data + sl->key;
        size_t len = sl->len, n_after = 1 + (k[len - 1] == 's');
        if (ccg__grow((void **)&cut, &cap_cut, 2 * len, sizeof *cut) < 0 ||
            ccg__grow((void **)&ends, &cap_ends, len + 1, 1) < 0 ||
            ccg__grow((void **)&hs, &cap, n + 1 + n_after, sizeof *hs) < 0) {
            err = CCG_ENOMEM;
            goto cleanup;
        }
        size_t n_cut = 0;
        uint32_t h = CCG_FNV_BASIS;
        for (size_t p = 1; p <= len; p++) {
            h = ccg__fnv_step(h, k[p - 1]);
            /* most prefixes are not keys: the table's filter (built before) says so first */
            const ccg__slot *ps = p == len ? sl
                                  : ccg__table_may_have(tab, h ? h : 1)
                                      ? ccg__table_find(tab, (const char *)k, p, h ? h : 1)
                                      : NULL;
            ends[p] = ps != NULL;
            if (ps && (ps->flags & KEY_PREFIX)) { /* the key itself: split before a plural's s */
                cut[2 * n_cut] = (uint32_t)p;
                cut[2 * n_cut++ + 1] = h;
            }
        }
        if (one_atom) {
            hs[n++] = (uint64_t)1 << 32 | h;
            for (size_t t = 0; t < n_after; t++)
                hs[n++] = (uint64_t)1 << 32 | ccg__fnv_step(h, after[t]);
        }
        for (size_t c = 0; c < n_cut; c++) {
            size_t p = cut[2 * c];
            for (size_t r0 = p; r0 <= p + 1; r0++) {
                unsigned char sep = r0 > p && p < len ? k[p] : 0;
                if (r0 > p && !ccg__sep_kept(sep))
                    break;
                if (ccg__grow((void **)&hs, &cap, n + len - r0 + n_after, sizeof *hs) < 0) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                uint32_t hr = CCG_FNV_BASIS;
                for (size_t q = r0; q < len; q++) {
                    hr = ccg__fnv_step(hr, k[q]);
                    if (ends[q + 1])
                        hs[n++] = (uint64_t)(next_bytes && q + 1 < len ? k[q + 1] : 0) << 32 |
                                  pair_key(cut[2 * c + 1], sep, hr);
                }
                for (size_t t = 0; t < n_after; t++)
                    hs[n++] = pair_key(cut[2 * c + 1], sep, ccg__fnv_step(hr, after[t]));
            }
        }
    }
    if ((err = starts_alloc(st, n, next_bytes ? STARTS_BITS_NEXT : STARTS_BITS)) < 0)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        if (next_bytes)
            starts_set_next(st, (uint32_t)hs[i], (unsigned char)(hs[i] >> 32));
        else
            starts_set(st, (uint32_t)hs[i], (unsigned)(hs[i] >> 32));
    }
cleanup:
    free(hs);
    free(cut);
    free(ends);
    return err;
}

static int seal_step(void *arg, size_t i, unsigned w)
{
    (void)w;
    ccg__overlay *ov = arg;
    if (i == 0)
        return starts_build(&ov->starts, &ov->keys, /* one_atom = */ false, /* next_bytes = */ true);
    ccg__table_bloom_pairs(&ov->keys);
    return 0;
}

/*
 * The starts and the table's pairs each read the table and its keys'
 * filter and write bits of their own: on two threads (the corpus's overlay
 * of 94k keys: 120M and 77M instructions, in the serial part of annotate).
 */
int ccg__overlay_seal(ccg__overlay *ov, unsigned threads)
{
    int err = ccg__table_bloom_keys(&ov->keys);
    return err < 0 ? err : ccg__parallel_for(2, threads, seal_step, ov);
}

int ccg__lexicon_seal(ccg_extractor *x)
{
    int err = ccg__table_bloom(&x->lex);
    if (err < 0 ||
        (err = starts_build(&x->lex_starts, &x->lex, /* one_atom = */ true, /* next_bytes = */ false)) < 0)
        return err;
    /* pass_lexicon's sweep tests a hash 0 at these bits, not at those of 1 */
    x->lex_starts.bits[0] |= 3;
    return 0;
}

void ccg__overlay_free(ccg__overlay *ov)
{
    ccg__table_free(&ov->keys);
    ccg__buf_free(&ov->names);
    free(ov->starts.bits);
    ov->starts.bits = NULL;
}

/* ---- definitions: Long Form (SF) ----------------------------------------- */

static int add_def(ctx *c, const char *lf, size_t lfl, const char *name, size_t nl)
{
    if (c->n_defs + 2 > c->cap_defs &&
        ccg__grow((void **)&c->defs, &c->cap_defs, c->n_defs + 2, sizeof *c->defs) < 0)
        return CCG_ENOMEM;
    char *a = ccg__strndup(lf, lfl), *b = ccg__strndup(name, nl);
    if (!a || !b) {
        free(a);
        free(b);
        return CCG_ENOMEM;
    }
    for (char *p = a; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == '~')
            *p = ' ';
    c->defs[c->n_defs++] = a;
    c->defs[c->n_defs++] = b;
    return 0;
}

/*
 * Schwartz & Hearst: align the characters of the short form, last to first,
 * with the long-form window, the first character at the start of a word.
 * Returns the offset of the long form's start in lf, or -1.
 */
/* The bit of a letter (either case) or digit in sh_align's set. */
static inline unsigned sf_bit(char c)
{
    return c >= '0' && c <= '9' ? (unsigned)(c - '0') + 26 : (unsigned)((c | 32) - 'a');
}

static long sh_align(const char *sf, size_t sfl, const char *lf, size_t lfl)
{
    long s = (long)sfl - 1, l = (long)lfl - 1, first = 0, starts = 0;
    while (first < (long)sfl && !up_c(sf[first]) && !lo_c(sf[first]))
        first++;
    if (first == (long)sfl)
        return -1;
    while (s >= 0) {
        char ch = (char)ccg__lower((unsigned char)sf[s]);
        /* digits need not be spelled out: DOV4MM, "... for Masked Modeling" */
        if (!alnum_c(sf[s]) || (sf[s] >= '0' && sf[s] <= '9')) {
            s--;
            continue;
        }
        /* the first character starts a word, or is a capital inside a lower-case
         * word: "stReaming oriEnted interactiVe vidEo manipuLation (REVEL)" */
        while (l >= 0 && ((char)ccg__lower((unsigned char)lf[l]) != ch ||
                          (s == first && l > 0 && alnum_c(lf[l - 1]) && !up_c(lf[l]))))
            l--;
        if (l < 0)
            return -1;
        l--;
        s--;
    }
    /* two words at least of a long form of several words start with a letter
     * of the short form: "existing methods (ESD)" aligns E, S and D but is
     * no long form. The letters and digits of the short form as bits (case
     * folded), and each word of the long form read once: a word a byte,
     * and a pass over the short form a capital, were a fifth of this */
    uint64_t in_sf = 0;
    for (size_t k = 0; k < sfl; k++)
        if (alnum_c(sf[k]))
            in_sf |= (uint64_t)1 << sf_bit(sf[k]);
    long words = 0;
    for (long i = l + 1; i < (long)lfl;) {
        if (!alnum_c(lf[i])) {
            i++;
            continue;
        }
        words++;
        /* its first letter, or a capital inside it (featUre fuSion) */
        bool hit = in_sf >> sf_bit(lf[i]) & 1;
        for (i++; i < (long)lfl && alnum_c(lf[i]); i++)
            hit |= up_c(lf[i]) && (in_sf >> sf_bit(lf[i]) & 1);
        starts += hit;
    }
    if (starts < (words < 2 ? words : 2))
        return -1;
    return l + 1;
}

static const wlit lf_skip_words[] = {W("the"), W("a"), W("an"), W("our"), W("of"), W("and"),
                                     W("or"), W("to"), W("for"), W("we"), W("its"), W("their"),
                                     W("this"), W("that"), W("with"), {NULL, 0}};
static wset lf_skip = {.w = lf_skip_words};

static bool shaped_sf(const char *s, size_t n)
{
    unsigned up = 0, al = 0;
    for (size_t i = 0; i < n; i++) {
        up += up_c(s[i]);
        al += up_c(s[i]) || lo_c(s[i]);
    }
    return up >= 1 && al >= 2 && (up >= 2 || !up_c(s[0]) || n <= 4);
}

/*
 * Does a long form read as a field or task rather than a name: it also
 * occurs in lower case in the text ("Histogram Matching (HM)" ... "histogram
 * matching"), or it ends in a task noun (Question Answering, Tracking)?
 */
static bool generic_lf(ctx *c, size_t ls, size_t le)
{
    static const wlit tasks_words[] = {W("answering"), W("recognition"), W("extraction"),
                                       W("tracking"), W("detection"), W("classification"),
                                       W("retrieval"), W("imaging"), W("quantification"),
                                       W("translation"), W("summarization"), W("prediction"),
                                       W("forecasting"), W("resolution"), W("understanding"),
                                       W("equalization"), W("localization"), W("captioning"),
                                       W("parsing"), W("tagging"), W("labeling"), W("intelligence"),
                                       W("processing"), W("computing"), W("communication"),
                                       W("sensing"), {NULL, 0}};
    static wset tasks = {.w = tasks_words};
    size_t e = le;
    while (e > ls && alnum_c(c->s[e - 1]))
        e--;
    if (word_in(c->s + e, le - e, &tasks))
        return true;
    size_t n = le - ls;
    /* (each search reads the whole text: at most 64 per text keeps it linear) */
    if (!memchr(c->s + ls, ' ', n) || c->n_scans >= 64 || n >= 256)
        return false;
    c->n_scans++;
    char low[256];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)ccg__lower((unsigned char)c->s[ls + i]);
    if (memcmp(low, c->s + ls, n) == 0)
        return false; /* already lower case: nothing to compare with */
    /* memmem (glibc's skips by pairs of bytes) rather than memchr of the
     * first letter, which stops at every "d" or "s" of the text */
    const char *end = c->s + c->len;
    for (const char *p = c->s; p + n <= end; p++) {
        if (!(p = memmem(p, (size_t)(end - p), low, n)))
            break;
        if (p == c->s || !alnum_c(p[-1]))
            return true;
    }
    return false;
}

/* The words of s, lower case, one at a time: returns the next word's length, 0 at the end. */
static size_t next_word(const char **s, const char *end)
{
    while (*s < end && !alnum_c(**s))
        (*s)++;
    const char *w = *s;
    while (*s < end && alnum_c(**s))
        (*s)++;
    return (size_t)(*s - w);
}

/* Is word w (n bytes) one of the words of [s, end), case and a plural s folded? */
static bool has_word(const char *s, const char *end, const char *w, size_t n)
{
    if (n > 1 && w[n - 1] == 's')
        n--;
    for (size_t l; (l = next_word(&s, end)) > 0;) {
        const char *v = s - l;
        if (l > 1 && v[l - 1] == 's')
            l--;
        if (l == n && strncasecmp(v, w, n) == 0)
            return true;
    }
    return false;
}

/*
 * Does the long form [ls, le) name the same thing as lexicon entry e? Yes if
 * it is one of its forms, or if it shares its first word and two thirds of
 * its words with the entry's long form ("Direct Policy Optimization (DPO)",
 * "retrieval augmented (RAG)"); "full fine-tuning (FFT)" is not the Fast
 * Fourier Transform. An entry without a long form cannot tell: yes.
 */
static bool same_long_form(ctx *c, int e, size_t ls, size_t le, size_t la, size_t lend)
{
    const ccg__lexentry *en = &c->x->entries[e];
    if (!en->longform)
        return true;
    c->key.len = 0;
    if (ccg__fold_atoms(&c->key, c->s, &c->t, la, lend) < 0)
        return true;
    const ccg__slot *slot = ccg__table_find(&c->x->lex, c->key.data, c->key.len,
                                            ccg__hash(c->key.data, c->key.len));
    if (slot && (slot->flags & KEY_FULL))
        for (int32_t f = slot->head; f >= 0; f = c->x->forms[f].next)
            if (c->x->forms[f].entry == (uint32_t)e)
                return true;
    const char *lf = c->x->strings.data + en->longform - 1, *lfe = lf + strlen(lf);
    const char *p = c->s + ls, *end = c->s + le;
    unsigned words = 0, shared = 0;
    for (size_t l; (l = next_word(&p, end)) > 0;) {
        if (word_in(p - l, l, &lf_skip))
            continue;
        /* the first words agree ("policy optimization (PPO)" is not Proximal ...) */
        const char *q = lf;
        size_t ql = words == 0 ? next_word(&q, lfe) : 0;
        bool in = words == 0 ? has_word(q - ql, q, p - l, l) : has_word(lf, lfe, p - l, l);
        if (words++ == 0 && !in)
            return false;
        shared += in;
    }
    return words > 0 && 3 * shared >= 2 * words;
}

/*
 * One definition: short form at [ss, se) (core: without a plural s; atoms
 * [sa, sa_end)), long form at [ls, le) (atoms [la, lend_atom)). One entity
 * of both, or both claimed and dropped when the pair is generic (LLMs).
 */
static int define(ctx *c, size_t ss, size_t se, size_t core, size_t sa, size_t sa_end,
                  size_t ls, size_t le, size_t la, size_t lend_atom)
{
    /* is it generic? then neither form is an entity */
    if (ccg__is_stop(c->x, c->s + ls, le - ls) || ccg__is_stop(c->x, c->s + ss, core)) {
        claim(c, la, lend_atom);
        claim(c, sa, sa_end);
        return 0;
    }
    /* the short form may be in the lexicon (DPO): use its name */
    int entry = -1;
    size_t e = lex_match(c, &c->x->lex, sa, &entry, false);
    /* PALM "Portfolio of Aligned LLMs" is not PaLM, "full fine-tuning (FFT)"
     * not the Fast Fourier Transform: a lexicon acronym defined with another
     * long form is this paper's name, called by its long form so that it
     * stays apart from the lexicon entry across the corpus */
    bool clash = e && !same_long_form(c, entry, ls, le, la, lend_atom);
    if (clash)
        e = 0;
    size_t lm = 0;
    int err;
    if (e) {
        const char *canon = ccg__lex_name(c->x, (uint32_t)entry);
        claim(c, la, lend_atom);
        /* (not a corpus long form: the lexicon knows its forms, and a long form
         * it does not know, "memory systems (Mem0)", must not spread) */
        if ((err = add_mention(c, ls, le, canon, strlen(canon), entry, "definition", &lm)) < 0 ||
            (err = emit_lexicon(c, sa, e, entry, "definition")) < 0)
            return err;
    } else {
        claim(c, la, lend_atom);
        claim(c, sa, sa_end);
        const char *nm = clash ? c->s + ls : c->s + ss;
        size_t nl = clash ? le - ls : core;
        if ((err = add_mention(c, ls, le, nm, nl, -1, "definition", &lm)) < 0 ||
            (err = add_mention(c, ss, se, nm, nl, -1, "definition", NULL)) < 0 ||
            (err = add_def(c, c->s + ls, le - ls, nm, nl)) < 0)
            return err;
        if (clash) {
            /* its other occurrences here are this name, not the lexicon's */
            if (c->n_lsf + 3 > c->cap_lsf &&
                ccg__grow((void **)&c->lsf, &c->cap_lsf, c->n_lsf + 3, sizeof *c->lsf) < 0)
                return CCG_ENOMEM;
            c->lsf[c->n_lsf++] = (uint32_t)ss;
            c->lsf[c->n_lsf++] = (uint32_t)core;
            c->lsf[c->n_lsf++] = (uint32_t)lm;
        }
        /* An abstract spells out the acronyms it coins: a defined name the
         * lexicon does not know is, more often than not, the paper's own
         * (when its long form is a capitalised name, not a lower-case
         * description such as "mobile edge computing (MEC)"). */
        bool generic = generic_lf(c, ls, le);
        c->m[lm].coined = up_c(c->s[ls]) && !generic;
        c->m[lm].generic = c->m[c->n - 1].generic = generic;
    }
    return 0;
}

/*
 * Can PAT_PAREN's match at the parenthesis at byte p hold a short form that
 * pass_definitions keeps (shaped_sf, 20 bytes at most)? Its group starts
 * with a letter after the parenthesis and white space (\s), and holds a
 * capital among its first 20 bytes, all of them letters, digits, "-.+/".
 */
static bool paren_may_define(const ctx *c, size_t p)
{
    size_t i = p + 1;
    while (i < c->len && (c->s[i] == ' ' || (c->s[i] >= '\t' && c->s[i] <= '\r')))
        i++;
    if (i >= c->len || !(up_c(c->s[i]) || lo_c(c->s[i])))
        return false;
    for (size_t k = i; k < c->len && k < i + 20; k++) {
        char ch = c->s[k];
        if (up_c(ch))
            return true;
        if (!alnum_c(ch) && ch != '-' && ch != '.' && ch != '+' && ch != '/')
            return false;
    }
    return false;
}

static int pass_definitions(ctx *c)
{
    size_t ov[4];
    int rc;
    /*
     * "Long Form (SF)": the pattern is tried only at the parentheses whose
     * next bytes may hold a short form kept below (paren_may_define), two
     * in three. A match it found elsewhere was dropped, and the next search
     * started at its last byte: the parenthesis it held was the only one.
     */
    const char *end = c->s + c->len;
    for (const char *p = c->s; p < end && (p = memchr(p, '(', (size_t)(end - p))); p++) {
        if (!paren_may_define(c, (size_t)(p - c->s)))
            continue;
        if ((rc = ccg__match_at(c->x->patterns, c->mt, PAT_PAREN, c->s, c->len,
                                (size_t)(p - c->s), ov, 2)) < 0)
            return rc;
        if (rc == 0)
            continue;
        p = c->s + ov[1] - 2; /* the search goes on at the match's last byte */
        size_t ss = ov[2], se = ov[3];
        size_t paren = ov[0];
        if (!shaped_sf(c->s + ss, se - ss) || se - ss > 20)
            continue;
        size_t sa = atom_at(c, ss);
        if (sa >= c->t.n_atoms || c->used[sa])
            continue;
        uint32_t sw = c->t.atoms[sa].word;
        if (sw == 0)
            continue;
        /* core of the short form: without a plural s (LLMs -> LLM) */
        size_t core = se - ss;
        if (core > 2 && c->s[se - 1] == 's' && up_c(c->s[se - 2]))
            core--;
        size_t letters = 0;
        for (size_t i = ss; i < ss + core; i++)
            letters += alnum_c(c->s[i]);
        size_t maxw = letters + 5 < 2 * letters ? letters + 5 : 2 * letters;
        /* the window: words before the parenthesis, within one clause */
        size_t w1 = sw; /* exclusive */
        size_t w0 = w1;
        while (w0 > 0 && w1 - w0 < maxw) {
            const ccg__word *pw = &c->t.words[w0 - 1];
            if (pw->end > paren)
                break;
            /* punctuation between this word and the next ends the clause */
            const ccg__atom *next = &c->t.atoms[c->t.words[w0].a0];
            if (w0 < w1 && next->sep == SEP_PUNCT)
                break;
            if (c->used[pw->a0] && c->used[pw->a1 - 1])
                break;
            w0--;
        }
        if (w0 == w1)
            continue;
        size_t lw = c->t.words[w0].start;
        size_t le = c->t.words[w1 - 1].end;
        if (le > paren)
            continue;
        long st = sh_align(c->s + ss, core, c->s + lw, le - lw);
        if (st < 0)
            continue;
        size_t ls = lw + (size_t)st;
        while (ls > lw && alnum_c(c->s[ls - 1]))
            ls--; /* back to the start of the word */
        /* the long form starts at a word (or a hyphen part) and is longer than the SF */
        size_t la = atom_at(c, ls);
        if (la >= c->t.n_atoms || c->t.atoms[la].start != ls)
            continue;
        /* skip a leading function word the alignment may have landed on */
        const ccg__word *fw = &c->t.words[c->t.atoms[la].word];
        if (c->t.atoms[la].sep != SEP_HYPHEN && word_in(c->s + fw->start, fw->end - fw->start, &lf_skip))
            continue;
        if (le - ls <= core + 1)
            continue;
        size_t lend_atom = c->t.words[w1 - 1].a1;
        if (!span_free(c, la, lend_atom))
            continue;
        size_t sa_end = c->t.words[sw].a1;
        int err = define(c, ss, se, core, sa, sa_end, ls, le, la, lend_atom);
        if (err < 0)
            return err;
    }
    /*
     * The other order: "SAGE (Service Agent Graph-guided Evaluation)". The
     * pattern is tried only at the parentheses right after a word shaped as
     * a short form, a few in ten, which is what became of its matches: the
     * ones it finds elsewhere were dropped, and a match holds no other
     * parenthesis, so the next one searched for is the same.
     */
    for (const char *p = c->s; p < end && (p = memchr(p, '(', (size_t)(end - p))); p++) {
        size_t paren = (size_t)(p - c->s);
        size_t k = atom_at(c, paren);
        if (k == 0 || k > c->t.n_atoms)
            continue;
        uint32_t sw = c->t.atoms[k - 1].word;
        const ccg__word *w = &c->t.words[sw];
        bool adjacent = w->end <= paren;
        for (size_t i = w->end; i < paren && adjacent; i++)
            adjacent = c->s[i] == ' ';
        size_t ss = w->start, se = w->end;
        if (!adjacent || !shaped_sf(c->s + ss, se - ss) || se - ss > 20 ||
            !span_free(c, w->a0, w->a1))
            continue;
        if ((rc = ccg__match_at(c->x->patterns, c->mt, PAT_PAREN_LONG, c->s, c->len, paren, ov,
                                2)) < 0)
            return rc;
        if (rc == 0)
            continue;
        p = c->s + ov[1] - 1; /* the search goes on at the match's end */
        size_t ls = ov[2], le = ov[3];
        size_t core = se - ss;
        if (core > 2 && c->s[se - 1] == 's' && up_c(c->s[se - 2]))
            core--;
        size_t la = atom_at(c, ls), lend = atom_at(c, le);
        if (la >= lend || lend - la < 2 || c->t.atoms[la].start != ls ||
            c->t.atoms[la].word == c->t.atoms[lend - 1].word || !span_free(c, la, lend))
            continue;
        /* one clause only, and the alignment must start the long form */
        bool clause = true;
        for (size_t i = la + 1; i < lend && clause; i++)
            clause = c->t.atoms[i].sep != SEP_PUNCT;
        long st = clause ? sh_align(c->s + ss, core, c->s + ls, le - ls) : -1;
        bool first_word = st >= 0;
        for (long i = 0; i < st && first_word; i++)
            first_word = alnum_c(c->s[ls + (size_t)i]);
        if (!first_word)
            continue;
        int err = define(c, ss, se, core, w->a0, w->a1, ls, c->t.atoms[lend - 1].end, la, lend);
        if (err < 0)
            return err;
    }
    return 0;
}

static bool word_cap(const ctx *c, size_t wi)
{
    return up_c(c->s[c->t.words[wi].start]);
}

static bool word_is(const ctx *c, size_t wi, wset *list)
{
    const ccg__word *w = &c->t.words[wi];
    return word_in(c->s + w->start, w->end - w->start, list);
}

/* ---- named phrases: "Enron Email Dataset", "Total Extraction Rate" ------- */

/* Are words [w0, w1] a long form defined in this text ("Refusal Index (RI)")? */
static bool defined_lf(const ctx *c, size_t w0, size_t w1)
{
    size_t st = c->t.words[w0].start, n = c->t.words[w1].end - st;
    for (size_t i = 0; i < c->n_defs && i < 256; i += 2) /* bounded: see test_pathological */
        if (strlen(c->defs[i]) == n && strncasecmp(c->defs[i], c->s + st, n) == 0)
            return true;
    return false;
}

static int pass_phrases(ctx *c)
{
    static const wlit heads_words[] = {W("Dataset"), W("Benchmark"), W("Corpus"), W("Challenge"),
                                       W("Score"), W("Rate"), W("Index"), W("Ratio"), W("Suite"),
                                       W("Leaderboard"), W("Bench"), {NULL, 0}};
    static wset heads = {.w = heads_words};
    static const wlit openers_words[] = {W("The"), W("A"), W("An"), W("Our"), W("This"), W("We"),
                                         W("In"), W("On"), W("For"), W("To"), W("With"), W("By"),
                                         W("From"), W("Using"), {NULL, 0}};
    static wset openers = {.w = openers_words};
    size_t nw = c->t.n_words;
    if (upper_words(c) < 0)
        return CCG_ENOMEM;
    /* a capitalised word has a capital: the words of c->up after the last phrase */
    for (size_t i = 0, next = 0; i < c->n_up; i++) {
        size_t w = c->up[i];
        /* a title capitalises every word: no cue there */
        if (w < next || c->t.words[w].start < c->title_end || !word_cap(c, w))
            continue;
        size_t e = w;
        while (e + 1 < nw && word_cap(c, e + 1) &&
               c->t.atoms[c->t.words[e + 1].a0].sep == SEP_SPACE)
            e++;
        next = e + 1;
        /* two words at least, the last a head (most runs of capitals fail
         * here), then the opener the phrase leaves out */
        const ccg__word *last = &c->t.words[e];
        if (e == w || memchr(c->s + last->start, '-', last->end - last->start) ||
            !word_in(c->s + last->start, last->end - last->start, &heads))
            continue;
        size_t s = w + word_is(c, w, &openers);
        if (e > s && e - s < 6 && span_free(c, c->t.words[s].a0, last->a1) && !defined_lf(c, s, e)) {
            size_t st = c->t.words[s].start;
            claim(c, c->t.words[s].a0, last->a1);
            int err = add_mention(c, st, last->end, c->s + st, last->end - st, -1, "phrase", NULL);
            if (err < 0)
                return err;
        }
    }
    return 0;
}

/* ---- name shapes --------------------------------------------------------- */

/* Lower-case trailing parts that describe rather than name: LLM-based, DPO-style. */
static bool descriptive(const char *s, size_t n)
{
    static const wlit ends[] = {W("ed"), W("ing"), W("like"), W("based"), W("wise"), W("free"),
                                W("only"), W("level"), W("aware"), W("specific"), W("style"),
                                W("scale"), W("centric"), W("agnostic"), W("oriented"),
                                W("compatible"), W("friendly"), W("ready"), W("type"), W("size"),
                                W("sized"), W("native"), W("powered"), W("as"), W("vs"), W("to"),
                                W("for"), W("of"), W("in"), W("on"), W("and"), W("with"), W("by"),
                                W("the"), W("from"), {NULL, 0}};
    /* the last byte first: most parts end with none of these words */
    for (const wlit *e = ends; e->n; e++)
        if (n >= e->n && s[n - 1] == e->w[e->n - 1] && memcmp(s + n - e->n, e->w, e->n) == 0)
            return true;
    return false;
}

/* (A part is letters and digits: the test of each is a compare with five letters.) */
static bool roman(const char *s, size_t n)
{
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != 'I' && s[i] != 'V' && s[i] != 'X' && s[i] != 'L' && s[i] != 'C')
            return false;
    return true;
}

/* Is the hyphen part [p0, p1) of atoms a name shape on its own? */
static bool part_shaped(const ctx *c, size_t p0, size_t p1)
{
    unsigned up = 0, digits = 0;
    bool inner = false;
    for (size_t k = p0; k < p1; k++) {
        const ccg__atom *a = &c->t.atoms[k];
        up += a->upper;
        digits += a->digit;
        if (a->upper && (k > p0 || !up_c(atom_ch(c, k))))
            inner = true;
        else if (a->upper > 1)
            inner = true;
    }
    if (c->t.atoms[p0].digit)
        return false;
    size_t s = c->t.atoms[p0].start, n = c->t.atoms[p1 - 1].end - s;
    if (!(up >= 2 || (up >= 1 && digits) || inner))
        return false;
    /* one capital and digits (Q1, V4, L2, A100) names only what the lexicon knows */
    if (up == 1 && p1 - p0 == 2 && !c->t.atoms[p0].digit && atom_len(c, p0) == 1 &&
        c->t.atoms[p0 + 1].digit)
        return false;
    if (roman(c->s + s, n) || ccg__is_stop(c->x, c->s + s, n))
        return false;
    return true;
}

static int pass_shapes(ctx *c)
{
    enum { MAXP = 16 };
    size_t p0[MAXP], p1[MAXP];
    if (upper_words(c) < 0)
        return CCG_ENOMEM;
    /* every shape needs a capital letter: the words of c->up */
    for (size_t i = 0; i < c->n_up; i++) {
        const ccg__word *w = &c->t.words[c->up[i]];
        /* most of them are one atom whose one capital comes first (We,
         * Transformer): one part, which part_shaped finds no shape */
        const ccg__atom *a0 = &c->t.atoms[w->a0];
        if (w->a1 == w->a0 + 1 && a0->upper == 1 && !a0->digit && up_c(c->s[a0->start]))
            continue;
        if (!span_free(c, w->a0, w->a1))
            continue;
        size_t np = 0;
        bool math = false;
        for (size_t k = w->a0; k < w->a1; k++)
            math |= c->t.atoms[k].sep == SEP_OTHER && c->t.atoms[k].sepch == '_';
        if (math) /* g_BH, x_t: symbols */
            continue;
        for (size_t k = w->a0; k < w->a1; k++) {
            const ccg__atom *a = &c->t.atoms[k];
            if (k == w->a0 || a->sep == SEP_HYPHEN || a->sep == SEP_OTHER) {
                if (np == MAXP)
                    break;
                p0[np] = k;
                p1[np++] = k + 1;
            } else
                p1[np - 1] = k + 1;
        }
        if (np == 0 || np == MAXP)
            continue;
        /* a possessive or a quote part ends the name: FinLLaMA's */
        size_t last = np;
        for (size_t p = 1; p < np; p++)
            if (c->t.atoms[p0[p]].sep == SEP_OTHER && c->t.atoms[p0[p]].sepch == '\'') {
                last = p;
                break;
            }
        size_t first = 0;
        while (first + 1 < last && c->t.atoms[p0[first]].upper == 0 &&
               !c->t.atoms[p0[first]].digit && p1[first] == p0[first] + 1 &&
               atom_len(c, p0[first]) >= 3)
            first++;
        while (last > first + 1) {
            size_t p = last - 1;
            const ccg__atom *a = &c->t.atoms[p0[p]];
            if (p1[p] == p0[p] + 1 && !a->upper && !a->digit &&
                descriptive(c->s + a->start, atom_len(c, p0[p])))
                last--;
            else
                break;
        }
        bool shaped = false;
        for (size_t p = first; p < last && !shaped; p++)
            shaped = part_shaped(c, p0[p], p1[p]);
        if (!shaped || c->t.atoms[p0[first]].digit)
            continue;
        size_t s = c->t.atoms[p0[first]].start, e = c->t.atoms[p1[last - 1] - 1].end;
        bool one_part = last == first + 1; /* which part_shaped found no stop string */
        if (last == np && e < w->end && c->s[w->end - 1] == '+') {
            e = w->end;
            one_part = false;
        }
        if (!one_part && ccg__is_stop(c->x, c->s + s, e - s))
            continue;
        /* sizes are not part of the name: ScaleEdit-12M is ScaleEdit, Qwen3-Omni-30B-A3B Qwen3-Omni */
        size_t named = last, se;
        while (named > first + 1 && is_size(c, p0[named - 1], &se) && se == p1[named - 1])
            named--;
        size_t ne = c->t.atoms[p1[named - 1] - 1].end;
        if (named == last)
            ne = e;
        /* an acronym's plural names the same thing: FinLLaMAs, ViTs */
        if (ne - s > 3 && c->s[ne - 1] == 's' && up_c(c->s[ne - 2]))
            ne--;
        claim(c, p0[first], p1[last - 1]);
        int err = add_mention(c, s, e, c->s + s, ne - s, -1, "shape", NULL);
        if (err < 0)
            return err;
    }
    return 0;
}

/* ---- introductions ------------------------------------------------------- */

static const wlit intro_skip_words[] = {W("a"), W("an"), W("the"), W("our"), W("two"), W("three"),
                                        W("four"), W("several"), W("novel"), W("new"), W("simple"),
                                        W("first"), W("effective"), W("efficient"),
                                        W("lightweight"), W("unified"), W("general"),
                                        W("generalizable"), W("robust"), W("scalable"),
                                        W("large-scale"), W("comprehensive"), W("end-to-end"),
                                        W("training-free"), W("plug-and-play"), W("modular"),
                                        W("principled"), W("practical"), W("dedicated"), W("fully"),
                                        W("highly"), W("open-source"), W("systematic"),
                                        W("holistic"), W("versatile"), W("powerful"), W("flexible"),
                                        W("this"), W("here"), W("also"), {NULL, 0}};
static wset intro_skip = {.w = intro_skip_words};
static const wlit connectors_words[] = {W("of"), W("for"), W("and"), W("in"), W("with"), W("to"),
                                        W("via"), W("on"), W("from"), W("by"), W("as"), {NULL, 0}};
static wset connectors = {.w = connectors_words};

/* After "we propose": a Title Case phrase (or one capitalised word before ",") is a name. */
static int intro_phrase(ctx *c, size_t from, bool named)
{
    size_t a = atom_at(c, from);
    if (a >= c->t.n_atoms)
        return 0;
    size_t wi = c->t.atoms[a].word;
    for (int k = 0; k < 5 && wi < c->t.n_words && word_is(c, wi, &intro_skip); k++)
        wi++;
    if (wi >= c->t.n_words || !word_cap(c, wi))
        return 0;
    size_t w0 = wi, wl = wi;
    for (size_t k = wi + 1; k < c->t.n_words && k < w0 + 8; k++) {
        if (c->t.atoms[c->t.words[k].a0].sep != SEP_SPACE)
            break;
        if (word_cap(c, k))
            wl = k;
        else if (word_is(c, k, &connectors) && k + 1 < c->t.n_words && word_cap(c, k + 1) &&
                 c->t.atoms[c->t.words[k + 1].a0].sep == SEP_SPACE)
            continue;
        else
            break;
        if (wl != k)
            break;
    }
    size_t a0 = c->t.words[w0].a0, a1 = c->t.words[wl].a1;
    if (!span_free(c, a0, a1))
        return 0;
    size_t s = c->t.words[w0].start, e = c->t.words[wl].end;
    if (wl == w0) {
        /* one word: a name only after "named", or if an apposition or a definition follows */
        char nx = e < c->len ? c->s[e] : '\0';
        if (!named && !(nx == ',' || nx == ':' || nx == '(' ||
                        (nx == ' ' && e + 1 < c->len && c->s[e + 1] == '(')))
            return 0;
        if (e - s < 3 || ccg__is_stop(c->x, c->s + s, e - s))
            return 0;
    } else if (ccg__is_stop(c->x, c->s + s, e - s))
        return 0;
    claim(c, a0, a1);
    return add_mention(c, s, e, c->s + s, e - s, -1, "introduction", NULL);
}

static int pass_intro(ctx *c)
{
    size_t ov[2];
    size_t from = 0;
    int rc;
    while ((rc = find(c, PAT_INTRO, c->len, from, ov, 1)) > 0) {
        from = ov[1];
        if (c->n_iw + 2 > c->cap_iw &&
            ccg__grow((void **)&c->iw, &c->cap_iw, c->n_iw + 2, sizeof *c->iw) < 0)
            return CCG_ENOMEM;
        c->iw[c->n_iw++] = (uint32_t)ov[1];
        /* the window: the rest of the sentence, at most 32 words */
        size_t wend = sentence_end(c, ov[1]);
        size_t a = atom_at(c, ov[1]);
        if (a < c->t.n_atoms) {
            size_t wmax = c->t.atoms[a].word + 32;
            if (wmax < c->t.n_words && c->t.words[wmax].start < wend)
                wend = c->t.words[wmax].start;
        }
        c->iw[c->n_iw++] = (uint32_t)wend;
        int err = intro_phrase(c, ov[1], false);
        if (err < 0)
            return err;
    }
    if (rc < 0)
        return rc;
    /* "a framework dubbed Tramba", "termed Dense Flow Matching" */
    from = 0;
    while ((rc = find(c, PAT_NAMING, c->len, from, ov, 1)) > 0) {
        from = ov[1];
        int err = intro_phrase(c, ov[1], true);
        if (err < 0)
            return err;
    }
    return rc < 0 ? rc : 0;
}

/*
 * "The Assistant Axis: ...": two to four capitalised words before a title's
 * colon are a name if the abstract writes them again, capitalised ("Beyond
 * Accuracy:" is a slogan, "Mind the Gap:" too).
 */
static int title_phrase(ctx *c, size_t nw)
{
    static const wlit articles_words[] = {W("The"), W("A"), W("An"), {NULL, 0}};
    static wset articles = {.w = articles_words};
    static const wlit slogans_words[] = {W("Beyond"), W("Towards"), W("Toward"), W("Rethinking"),
                                         W("Revisiting"), W("Understanding"), W("When"), W("Why"),
                                         W("How"), W("What"), W("Is"), W("Are"), W("Do"), W("Does"),
                                         W("Can"), W("Mind"), W("Less"), W("More"), W("On"),
                                         W("Not"), W("Learning"), {NULL, 0}};
    static wset slogans = {.w = slogans_words};
    size_t w0 = word_is(c, 0, &articles) ? 1 : 0;
    if (nw - w0 < 2 || nw - w0 > 4 || word_is(c, w0, &slogans))
        return 0;
    for (size_t w = w0; w < nw; w++)
        if (!word_cap(c, w) || (w > w0 && c->t.atoms[c->t.words[w].a0].sep != SEP_SPACE))
            return 0;
    const ccg__word *a = &c->t.words[w0], *b = &c->t.words[nw - 1];
    size_t st = a->start, n = b->end - st;
    if (!span_free(c, a->a0, b->a1) || ccg__is_stop(c->x, c->s + st, n))
        return 0;
    const char *body = c->s + c->title_end, *end = c->s + c->len, *p = body;
    bool again = false;
    while (!again && (p = memchr(p, c->s[st], (size_t)(end - p))) && (size_t)(end - p) >= n) {
        again = memcmp(p, c->s + st, n) == 0 && (p + n == end || !alnum_c(p[n])) && !alnum_c(p[-1]);
        p++;
    }
    if (!again)
        return 0;
    claim(c, a->a0, b->a1);
    size_t idx;
    int err = add_mention(c, st, b->end, c->s + st, n, -1, "title", &idx);
    if (err < 0)
        return err;
    c->m[idx].introduced = true;
    return 0;
}

/* "Sword: Style-Robust World Models ...": the name before a title's colon. */
static int pass_title(ctx *c)
{
    if (!c->title_end)
        return 0;
    const char *colon = memchr(c->s, ':', c->title_end);
    if (!colon)
        return 0;
    size_t cpos = (size_t)(colon - c->s);
    size_t nw = 0;
    while (nw < c->t.n_words && c->t.words[nw].end <= cpos)
        nw++;
    if (nw > 1)
        return title_phrase(c, nw);
    if (nw != 1)
        return 0;
    const ccg__word *w = &c->t.words[0];
    if (w->end != cpos || !up_c(c->s[w->start]) || w->end - w->start < 3)
        return 0;
    if (!span_free(c, w->a0, w->a1)) {
        for (size_t i = 0; i < c->n; i++)
            if (c->m[i].start == w->start && c->m[i].lexentry < 0)
                c->m[i].introduced = true;
        return 0;
    }
    if (ccg__is_stop(c->x, c->s + w->start, w->end - w->start))
        return 0;
    claim(c, w->a0, w->a1);
    size_t idx;
    int err = add_mention(c, w->start, w->end, c->s + w->start, w->end - w->start, -1, "title",
                          &idx);
    if (err < 0)
        return err;
    c->m[idx].introduced = true;
    return 0;
}

static int recall_at(ctx *c, size_t i, size_t p, size_t e)
{
    size_t a0 = atom_at(c, p), a1 = atom_at(c, e);
    if (a0 >= a1 || !span_free(c, a0, a1))
        return 0;
    claim(c, a0, a1);
    /* the name is a string of its own: c->m may move, it does not */
    const char *nm = c->m[i].name;
    return add_mention(c, p, e, nm, strlen(nm), -1, "recall", NULL);
}

/*
 * A filter of the single-word names pass_recall looks for, by length and
 * first and last byte: most words with a capital are none of the few names
 * of a text, and the filter turns them away without a hash or a probe.
 */
static inline uint64_t name_bit(const char *s, size_t l)
{
    uint32_t k = (uint32_t)l << 16 | (uint32_t)(unsigned char)s[0] << 8 | (unsigned char)s[l - 1];
    return (uint64_t)1 << ((k * 0x9E3779B1u) >> 26);
}

/*
 * The first of mentions [0, n0) whose span, of one word and not from the
 * lexicon, is the bytes s[0, l); -1 if none. A text has a few such names,
 * and only the words that pass the filter ask: a hash table of them was
 * made and freed for each text that had one (5.8M instructions on sub10k
 * for 6k lookups).
 */
static long recall_name(const ctx *c, size_t n0, const char *s, size_t l)
{
    for (size_t i = 0; i < n0; i++) {
        const ccg__mention *m = &c->m[i];
        if (m->end - m->start == l && m->lexentry < 0 && memcmp(c->s + m->start, s, l) == 0 &&
            !memchr(s, ' ', l))
            return (long)i;
    }
    return -1;
}

/* Other occurrences of names found by shape, definition or introduction. */
static int pass_recall(ctx *c)
{
    enum { MAX_MULTI = 32 };
    size_t multi[MAX_MULTI], n_multi = 0;
    size_t n0 = c->n;
    int err = 0;
    uint64_t filter = 0; /* name_bit of each single-word name */
    for (size_t i = 0; i < n0; i++) {
        const ccg__mention *m = &c->m[i];
        size_t ml = m->end - m->start;
        if (m->lexentry >= 0 || ml == 0)
            continue;
        if (memchr(c->s + m->start, ' ', ml)) {
            if (n_multi < MAX_MULTI)
                multi[n_multi++] = i;
            continue;
        }
        filter |= name_bit(c->s + m->start, ml);
    }
    if (filter && (err = upper_words(c)) < 0)
        return err;
    /* every single-word name found has a capital: the words of c->up */
    for (size_t i = 0; filter && i < c->n_up; i++) {
        const ccg__word *w = &c->t.words[c->up[i]];
        if (!span_free(c, w->a0, w->a1))
            continue;
        size_t e = w->end;
        for (size_t k = w->a0 + 1; k < w->a1; k++)
            if (c->t.atoms[k].sep == SEP_OTHER && c->t.atoms[k].sepch == '\'') {
                e = c->t.atoms[k].start - 1;
                break;
            }
        size_t l = e - w->start;
        bool plural = l > 2 && c->s[e - 1] == 's';
        if (!(filter & name_bit(c->s + w->start, l)) &&
            !(plural && (filter & name_bit(c->s + w->start, l - 1))))
            continue;
        long named = recall_name(c, n0, c->s + w->start, l);
        if (named < 0 && plural)
            named = recall_name(c, n0, c->s + w->start, l - 1);
        if (named >= 0 && (err = recall_at(c, (size_t)named, w->start, e)) < 0)
            return err;
    }
    /* A name starts a word: try word starts only, and of those the words
     * whose first atom hashes as the name's (ccg__atomize folds case, so a
     * word the name matches ignoring case has the hash): one pass over the
     * words for every name. A name that starts inside an atom, or too many
     * candidates, and every word is tried. */
    enum { MAX_CAND = 256 };
    uint32_t cand[MAX_CAND];
    size_t n_cand = 0;
    bool every = false;
    uint64_t bloom = 0;
    for (size_t q = 0; q < n_multi; q++) {
        size_t k = atom_at(c, c->m[multi[q]].start);
        if (k >= c->t.n_atoms || c->t.atoms[k].start != c->m[multi[q]].start)
            every = true;
        else
            bloom |= (uint64_t)1 << (c->t.atoms[k].fh & 63);
    }
    for (size_t wi = 0; n_multi && !every && wi < c->t.n_words; wi++)
        if (bloom >> (c->t.atoms[c->t.words[wi].a0].fh & 63) & 1) {
            if (n_cand == MAX_CAND)
                every = true;
            else
                cand[n_cand++] = (uint32_t)wi;
        }
    for (size_t q = 0; q < n_multi; q++) {
        size_t i = multi[q];
        size_t ml = c->m[i].end - c->m[i].start;
        const char *needle = c->s + c->m[i].start;
        size_t n_try = every ? c->t.n_words : n_cand;
        for (size_t t = 0; t < n_try; t++) {
            size_t wi = every ? t : cand[t];
            size_t p = c->t.words[wi].start;
            if (p + ml > c->len)
                break;
            if ((c->s[p] | 32) != (needle[0] | 32) || strncasecmp(c->s + p, needle, ml) != 0)
                continue;
            if (p > 0 && (alnum_c(c->s[p - 1]) || c->s[p - 1] == '-'))
                continue;
            size_t e = p + ml;
            if (e < c->len && c->s[e] == 's')
                e++;
            if (e < c->len && alnum_c(c->s[e]))
                continue;
            if ((err = recall_at(c, i, p, e)) < 0)
                return err;
        }
    }
    return 0;
}

/* ---- types and introductions --------------------------------------------- */

/* Type nouns: "the LIBERO benchmark", "a new metric". The first list holding a word wins. */
static const char *const noun_ds[] = {"benchmark", "benchmarks", "dataset", "datasets", "corpus",
                                      "corpora", "suite", "leaderboard", "challenge", "testbed",
                                      "database", "bench", "split", NULL};
static const char *const noun_mo[] = {"model", "models", "LLM", "LLMs", "checkpoint",
                                      "checkpoints", "backbone", "backbones", "VLM", "MLLM",
                                      "chatbot", "detector", "encoder", "LM", "VLMs", NULL};
static const char *const noun_me[] = {"metric", "metrics", "score", "scores", "measure",
                                      "index", "ratio", "rate", "coefficient", "error",
                                      "accuracy", "distance", "criterion", "divergence", NULL};
static const char *const noun_to[] = {"library", "libraries", "toolkit", "toolbox", "package",
                                      "platform", "simulator", "engine", "software", "tool",
                                      "API", "app", "compiler", "hardware", "service", NULL};
static const char *const noun_mt[] = {"method", "methods", "algorithm", "framework", "approach",
                                      "loss", "technique", "architecture", "module", "mechanism",
                                      "strategy", "pipeline", "network", "optimizer", "paradigm",
                                      "scheme", "attack", "agent", "procedure", "objective",
                                      "layer", "block", "operator", "estimator", "protocol",
                                      "framework", "head", "search", "learning", "tuning",
                                      "optimization", "augmentation", "training", "attention",
                                      "bootstrapping", "regression", "transformation", NULL};

/**
 * Fills x->nouns: each type noun, lower-cased, -> its type (the first list
 * holding it wins, as the lists were searched in turn).
 */
int ccg__nouns_load(ccg_extractor *x)
{
    const char *const *lists[] = {noun_ds, noun_mo, noun_me, noun_to, noun_mt};
    const int types[] = {CCG_TYPE_DATASET, CCG_TYPE_MODEL, CCG_TYPE_METRIC, CCG_TYPE_TOOL,
                         CCG_TYPE_METHOD};
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (const char *const *w = lists[l]; *w; w++) {
            char buf[NOUN_MAX];
            size_t n = strlen(*w);
            if (n > NOUN_MAX)
                return ccg__err(CCG_EINVAL, "type noun longer than %d bytes", NOUN_MAX);
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)ccg__lower((unsigned char)(*w)[i]);
            ccg__slot *slot;
            int err = ccg__table_put(&x->nouns, buf, n, &slot);
            if (err < 0)
                return err;
            if (!(slot->flags & KEY_FULL)) {
                slot->flags |= KEY_FULL;
                slot->value = types[l];
            }
        }
    /* a Bloom filter: cues ask about a few words around every mention, and
     * nearly all of them are no type noun */
    return ccg__table_bloom(&x->nouns);
}

/* The type a noun names, or -1: one probe of x->nouns. */
static int noun_type(const ctx *c, const char *s, size_t n)
{
    if (n == 0 || n > NOUN_MAX)
        return -1;
    char buf[NOUN_MAX];
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)ccg__lower((unsigned char)s[i]);
    const ccg__slot *slot = ccg__table_find(&c->x->nouns, buf, n, ccg__hash(buf, n));
    return slot ? slot->value : -1;
}

/*
 * The type atom k names as a noun, or -1: noun_type with the hash
 * ccg__atomize took of the atom in lower case (fh), which the nouns' Bloom
 * filter turns away without a byte read. A word's trailing '+' is in the
 * last atom's fh, but not in its bytes: such an atom is hashed again.
 */
static int noun_atom(const ctx *c, size_t k)
{
    const ccg__atom *a = &c->t.atoms[k];
    const ccg__word *w = &c->t.words[a->word];
    size_t n = a->end - a->start;
    if (k + 1 == w->a1 && w->end > a->end)
        return noun_type(c, c->s + a->start, n);
    uint32_t h = a->fh ? a->fh : 1;
    if (n == 0 || n > NOUN_MAX || !ccg__table_may_have(&c->x->nouns, h))
        return -1;
    char buf[NOUN_MAX];
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)ccg__lower((unsigned char)c->s[a->start + i]);
    const ccg__slot *slot = ccg__table_find(&c->x->nouns, buf, n, h);
    return slot ? slot->value : -1;
}

/*
 * Cues inside a name: -Bench, -Net, GPT, Score. Every candidate name is
 * typed: its tail is compared with the suffix cues in place (most fail at
 * their first byte: a folded copy of the tail cost more than they do), and
 * the name is scanned once for the inner ones (a strncasecmp a cue was 3%
 * of extraction). The cues are lower-case letters: bytes are folded as
 * at_ci does.
 */
static int name_type(const char *s, size_t n)
{
#define ENDS(w) (n >= sizeof w - 1 && at_ci(s, n, n - (sizeof w - 1), w, sizeof w - 1))
    if (ENDS("bench") || ENDS("benchmark") || ENDS("dataset") || ENDS("corpus") || ENDS("qa") ||
        ENDS("eval"))
        return CCG_TYPE_DATASET;
    if (ENDS("score") || ENDS("rate") || ENDS("index"))
        return CCG_TYPE_METRIC;
    /* the bytes that may begin an inner cue: most bytes of a name begin
     * none, and a table tells so in one test instead of three compares */
    static const bool cue_first[256] = {['g'] = 1, ['G'] = 1, ['b'] = 1, ['B'] = 1,
                                        ['l'] = 1, ['L'] = 1};
    for (size_t i = 0; i + 3 <= n; i++) {
        if (!cue_first[(unsigned char)s[i]])
            continue;
        char ch = (char)(s[i] | 32);
        if ((ch == 'g' && at_ci(s, n, i, "gpt", 3)) || (ch == 'b' && at_ci(s, n, i, "bert", 4)) ||
            (ch == 'l' && (at_ci(s, n, i, "llm", 3) || at_ci(s, n, i, "llama", 5) ||
                           at_ci(s, n, i, "llava", 5))))
            return CCG_TYPE_MODEL;
    }
    if (ENDS("net") || ENDS("former"))
        return CCG_TYPE_METHOD;
#undef ENDS
    return -1;
}

static void vote(ccg__mention *m, int t, unsigned w)
{
    if (t >= 0)
        m->votes[t] += w;
}

/* Extends a list of names around [b, e) of atoms: "MSR-Action3D, NTU-RGBD and NTU-RGBD120". */
/* (Lists longer than 24 atoms are cut: a text of names only must stay linear.) */
static size_t list_start(const ctx *c, size_t b)
{
    size_t lim = b > 24 ? b - 24 : 0;
    while (b > lim && (c->used[b - 1] || atom_is(c, b - 1, "and") || atom_is(c, b - 1, "or")))
        b--;
    return b;
}

static size_t list_end(const ctx *c, size_t e)
{
    size_t n = c->t.n_atoms, lim = e + 24;
    while (e < n && e < lim && (c->used[e] || atom_is(c, e, "and") || atom_is(c, e, "or")))
        e++;
    return e;
}

static bool atom_in(const ctx *c, size_t k, wset *list)
{
    return word_in(c->s + c->t.atoms[k].start, atom_len(c, k), list);
}

/* Past a closing parenthesis or a short parenthesis: "SAM), a" or "Long Form (LF), a". */
static size_t after_parens(const ctx *c, size_t end)
{
    size_t p = end;
    if (p < c->len && c->s[p] == ')')
        return p + 1;
    while (p < c->len && c->s[p] == ' ')
        p++;
    if (p < c->len && c->s[p] == '(') {
        const char *close = memchr(c->s + p, ')', c->len - p < 40 ? c->len - p : 40);
        if (close)
            return (size_t)(close - c->s) + 1;
    }
    return end;
}

static void cues(ctx *c, ccg__mention *m)
{
    static const wlit eval_words_words[] = {W("experiments"), W("experiment"), W("evaluated"),
                                            W("evaluation"), W("evaluations"), W("results"),
                                            W("tested"), W("trained"), W("performance"),
                                            W("accuracy"), W("fine-tuned"), W("finetuned"),
                                            W("validated"), W("benchmarked"), W("pretrained"),
                                            W("pre-trained"), W("gains"), W("improvements"),
                                            W("outperforms"), W("state-of-the-art"), W("art"),
                                            {NULL, 0}};
    static wset eval_words = {.w = eval_words_words};
    static const wlit preps_words[] = {W("on"), W("across"), W("over"), W("using"), {NULL, 0}};
    static wset preps = {.w = preps_words};
    size_t n = c->t.n_atoms;
    size_t b = atom_at(c, m->start), e = b;
    while (e < n && c->t.atoms[e].start < m->end)
        e++; /* atom_at(c, m->end): a mention spans a few atoms */
    size_t L = list_start(c, b), R = list_end(c, e);
    /* the next word after the list: "the LIBERO benchmark", "RDVS and DVisal datasets" */
    if (R < n && !c->t.atoms[R].digit)
        vote(m, noun_atom(c, R), 2);
    if (L > 0) {
        /* the word before: "metrics DLT", "benchmark dataset, RefSlides" */
        vote(m, noun_atom(c, L - 1), 1);
        /* "benchmarks such as X", "datasets including X" */
        if (L > 2 && atom_is(c, L - 1, "as") && atom_is(c, L - 2, "such"))
            vote(m, noun_atom(c, L - 3), 2);
        if (L > 1 && atom_is(c, L - 1, "including"))
            vote(m, noun_atom(c, L - 2), 2);
        /* "experiments on X", "evaluated on X", "by 10.4% on X" */
        if (L > 1 && atom_in(c, L - 1, &preps) &&
            (atom_in(c, L - 2, &eval_words) || c->t.atoms[L - 2].digit))
            vote(m, CCG_TYPE_DATASET, 2);
    }
    /* the last word of the surface form: "Enron Email Dataset", "Refusal Index" */
    if (e > 0 && e - 1 >= b && e - 1 > b)
        vote(m, noun_atom(c, e - 1), 3);
    vote(m, name_type(c->s + m->start, m->end - m->start), 2);
    /* an apposition: "X, a benchmark for ...", "SAGE: A ... Benchmark" */
    size_t ov[2];
    if (ccg__match(c->x->patterns, c->mt, PAT_APPOS, c->s, c->len, after_parens(c, m->end), ov,
                   1) > 0) {
        /* the head of the noun phrase: its last type noun before a preposition
         * or a clause ("a robust world model framework for ...": framework) */
        static const wlit ends_words[] = {W("for"), W("that"), W("which"), W("to"), W("with"),
                                          W("on"), W("in"), W("of"), W("by"), W("from"),
                                          W("designed"), W("based"), {NULL, 0}};
        static wset ends = {.w = ends_words};
        size_t k = atom_at(c, ov[1]);
        size_t send = sentence_end(c, m->end);
        int head = -1;
        for (size_t j = 0; k < n && j < 12 && c->t.atoms[k].start < send; j++, k++) {
            if (j > 0 && c->t.atoms[k].sep == SEP_PUNCT)
                break;
            if (atom_in(c, k, &ends))
                break;
            int t = noun_atom(c, k);
            if (t >= 0)
                head = t;
        }
        vote(m, head, 3);
        if (m->lexentry < 0 && !m->generic)
            m->introduced = true;
    }
    if (m->lexentry >= 0 || m->generic)
        return;
    /* windows start and end in text order: the last one starting before m decides */
    size_t lo = 0, hi = c->n_iw / 2;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->iw[2 * mid] <= m->start)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && m->start < c->iw[2 * (lo - 1) + 1])
        m->introduced = true;
    if (m->introduced)
        return; /* the tests below can only say so again */
    /* "our X", "our new X" */
    if (b > 0 && b < n) {
        for (size_t k = b; k > 0 && k + 3 > b; k--)
            if (atom_is(c, k - 1, "our") && c->t.atoms[k - 1].sep != SEP_JOIN) {
                m->introduced = true;
                break;
            }
    }
    size_t from = m->start > 40 ? m->start - 40 : 0;
    if (!m->introduced && find(c, PAT_NAMED, m->start, from, ov, 1) > 0)
        m->introduced = true;
}

static int by_name(const size_t *a, const size_t *b, const ccg__mention *m)
{
    const ccg__mention *x = &m[*a], *y = &m[*b];
    int r = strcmp(x->name, y->name);
    if (r)
        return r;
    return x->start < y->start ? -1 : x->start > y->start;
}


static int by_start(const void *a, const void *b)
{
    const ccg__mention *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Type and introduced flag per name, shared by all its mentions. */
typedef struct {
    const char *key;  /* loose key of the name: llama3.1 */
    size_t key_off;   /* where it is in family_to_version's buffer of keys */
    size_t idx;
} lexref;

/*
 * qsort for the few items of one text: an insertion sort, stable as glibc's
 * qsort (a merge sort) is, so the order is the same. qsort's indirect call
 * a comparison and its merge buffer cost several times as much on ten
 * items (settle's sorts were 1% of pass 1). Many items go to qsort.
 */
static void sort_few(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    enum { FEW = 32, MAX_SIZE = 128 };
    if (n > FEW || size > MAX_SIZE) {
        qsort(base, n, size, cmp);
        return;
    }
    char *b = base, t[MAX_SIZE];
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        while (j > 0 && cmp(b + (j - 1) * size, b + i * size) > 0)
            j--;
        if (j == i)
            continue;
        memcpy(t, b + i * size, size);
        memmove(b + (j + 1) * size, b + j * size, (i - j) * size);
        memcpy(b + j * size, t, size);
    }
}

static int cmp_lexref(const void *a, const void *b)
{
    const lexref *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * "Mistral-7B ... Mistral", "Stable Diffusion 1.5 ... Stable Diffusion": a
 * bare family name in a text that mentions exactly one version of it means
 * that version. Versions are the lexicon names whose key extends the
 * family's key with a digit (or v and a digit): sorted by key, they follow
 * the family's key, so this is linear after the sort whatever the text.
 */
static int family_to_version(ctx *c)
{
    /* A version's key has a digit after the family's, and loose folding
     * keeps digits: without a lexicon name that has one, nothing changes
     * (most texts; their keys and sort were 2% of pass 1). */
    size_t n = 0;
    bool digit = false;
    for (size_t i = 0; i < c->n; i++)
        if (c->m[i].lexentry >= 0) {
            n++;
            for (const char *p = c->m[i].name; *p && !digit; p++)
                digit = *p >= '0' && *p <= '9';
        }
    if (n < 2 || !digit)
        return 0;
    lexref *v = ccg__calloc(n, sizeof *v);
    if (!v)
        return CCG_ENOMEM;
    int err = 0;
    ccg_buf k = CCG_BUF_INIT; /* the keys, each after the one before and its NUL */
    n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->m[i].lexentry < 0)
            continue;
        v[n].key_off = k.len;
        if ((err = ccg__fold_loose(&k, c->m[i].name, strlen(c->m[i].name))) < 0 ||
            (err = ccg__buf_putc(&k, '\0')) < 0)
            goto cleanup;
        v[n++].idx = i;
    }
    for (size_t i = 0; i < n; i++)
        v[i].key = k.data + v[i].key_off;
    sort_few(v, n, sizeof *v, cmp_lexref);
    for (size_t g = 0; g < n;) {
        size_t h = g;
        while (h < n && strcmp(v[h].key, v[g].key) == 0)
            h++;
        const ccg__mention *fm = &c->m[v[g].idx];
        size_t fl = strlen(v[g].key);
        bool bare = c->x->entries[fm->lexentry].family &&
                    strcmp(fm->name, ccg__lex_name(c->x, (uint32_t)fm->lexentry)) == 0;
        const char *version = NULL, *vkey = NULL;
        bool several = false;
        for (size_t j = h; bare && j < n && strncmp(v[j].key, v[g].key, fl) == 0; j++) {
            const char *rest = v[j].key + fl;
            bool is_version = (rest[0] >= '0' && rest[0] <= '9') ||
                              (rest[0] == 'v' && rest[1] >= '0' && rest[1] <= '9');
            if (!is_version || (vkey && strcmp(vkey, v[j].key) == 0))
                continue;
            several |= vkey != NULL;
            vkey = v[j].key;
            version = c->m[v[j].idx].name;
        }
        if (bare && version && !several) {
            for (size_t j = g; j < h; j++) {
                ccg__mention *m = &c->m[v[j].idx];
                char *d = ccg__strdup(version);
                if (!d) {
                    err = CCG_ENOMEM;
                    goto cleanup;
                }
                free(m->name);
                m->name = d;
            }
        }
        g = h;
    }
cleanup:
    free(v);
    ccg__buf_free(&k);
    return err;
}

static int settle(ctx *c)
{
    int err = family_to_version(c);
    if (err < 0)
        return err;
    size_t *ix = ccg__malloc((c->n + 1) * sizeof *ix);
    if (!ix)
        return CCG_ENOMEM;
    for (size_t i = 0; i < c->n; i++)
        ix[i] = i;
    if (c->n <= 32) {
        /* few: an insertion sort, stable as the merge sort below */
        for (size_t i = 1; i < c->n; i++) {
            size_t x = ix[i], j = i;
            for (; j > 0 && by_name(&ix[j - 1], &x, c->m) > 0; j--)
                ix[j] = ix[j - 1];
            ix[j] = x;
        }
    } else {
        /* a merge sort of indices by name (qsort has no context argument in C11) */
        size_t n = c->n;
        size_t *tmp = ccg__malloc((n + 1) * sizeof *tmp);
        if (!tmp) {
            free(ix);
            return CCG_ENOMEM;
        }
        for (size_t w = 1; w < n; w *= 2) {
            for (size_t lo = 0; lo < n; lo += 2 * w) {
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                size_t i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                    tmp[k++] = by_name(&ix[i], &ix[j], c->m) <= 0 ? ix[i++] : ix[j++];
                while (i < mid)
                    tmp[k++] = ix[i++];
                while (j < hi)
                    tmp[k++] = ix[j++];
            }
            memcpy(ix, tmp, n * sizeof *ix);
        }
        free(tmp);
    }
    for (size_t g = 0; g < c->n;) {
        size_t h = g;
        while (h < c->n && strcmp(c->m[ix[h]].name, c->m[ix[g]].name) == 0)
            h++;
        uint32_t votes[CCG_TYPE_COUNT] = {0};
        int lex = -1;
        bool intro = false, coined = false;
        for (size_t k = g; k < h && lex < 0; k++)
            lex = c->m[ix[k]].lexentry;
        /* a name the lexicon types is never introduced, and its votes go
         * unread: its mentions need no cues (a third of them, sub10k) */
        for (size_t k = g; k < h && lex < 0; k++)
            cues(c, &c->m[ix[k]]);
        for (size_t k = g; k < h; k++) {
            const ccg__mention *m = &c->m[ix[k]];
            for (int t = 0; t < CCG_TYPE_COUNT; t++)
                votes[t] += m->votes[t];
            intro |= m->introduced;
            coined |= m->coined;
        }
        int type = CCG_TYPE_METHOD;
        if (lex >= 0)
            type = c->x->entries[lex].type;
        else {
            uint32_t best = 0;
            for (int t = 0; t < CCG_TYPE_COUNT; t++)
                if (votes[t] > best) {
                    best = votes[t];
                    type = t;
                }
        }
        for (size_t k = g; k < h; k++) {
            ccg__mention *m = &c->m[ix[k]];
            m->type = type;
            m->introduced = (intro || coined) && lex < 0;
            m->coined = coined && !intro && lex < 0;
            for (int t = 0; t < CCG_TYPE_COUNT; t++)
                m->votes[t] = votes[t];
        }
        g = h;
    }
    free(ix);
    sort_few(c->m, c->n, sizeof *c->m, by_start);
    return 0;
}

/* ---- sentences ----------------------------------------------------------- */

static bool abbrev_before(const char *s, size_t dot)
{
    enum { LONGEST = 6 }; /* approx */
    size_t b = dot;
    while (b > 0 && (alnum_c(s[b - 1]) || s[b - 1] == '.')) {
        if (dot - b == LONGEST)
            return false; /* a longer word: no abbreviation */
        b--;
    }
    size_t n = dot - b;
    static const wlit ab_words[] = {W("e.g"), W("i.e"), W("al"), W("vs"), W("Fig"), W("cf"),
                                    W("approx"), W("resp"), W("Eq"), W("Eqs"), W("No"), W("Sec"),
                                    W("Tab"), W("etc"), W("Dr"), W("Mr"), W("Ms"), W("St"),
                                    W("Inc"), W("Ltd"), W("Co"), W("Corp"), {NULL, 0}};
    static wset ab = {.w = ab_words};
    if (n == 1 && up_c(s[b]))
        return true;
    return word_in(s + b, n, &ab);
}

/* The first ch in s[i, end), or end. */
static size_t next_of(const char *s, size_t i, size_t end, char ch)
{
    const char *p = i < end ? memchr(s + i, ch, end - i) : NULL;
    return p ? (size_t)(p - s) : end;
}

int ccg__sentences(const char *s, size_t len, uint32_t **out, uint32_t *n_out)
{
    uint32_t *v = NULL;
    size_t n = 0, cap = 0;
    /* (most abstracts have fewer than 16 sentences: one allocation) */
    if (ccg__grow((void **)&v, &cap, 16, sizeof *v) < 0)
        return CCG_ENOMEM;
    v[n++] = 0;
    /* Most bytes end no sentence. The next of each byte that may, found by
     * memchr (glibc's reads 32 bytes a step): a four-byte SSE2 scan took
     * more, stopping at each of them. The three rare ones are looked for
     * again only when the nearest is passed. */
    static const char rare[3] = {'\n', '?', '!'};
    size_t end = len ? len - 1 : 0, dot = next_of(s, 0, end, '.'), next[3], first_rare = end;
    for (int k = 0; k < 3; k++) {
        next[k] = next_of(s, 0, end, rare[k]);
        first_rare = next[k] < first_rare ? next[k] : first_rare;
    }
    for (size_t i = 0; i + 1 < len; i++) {
        if (dot < i)
            dot = next_of(s, i, end, '.');
        if (first_rare < i) {
            first_rare = end;
            for (int k = 0; k < 3; k++) {
                if (next[k] < i)
                    next[k] = next_of(s, i, end, rare[k]);
                first_rare = next[k] < first_rare ? next[k] : first_rare;
            }
        }
        i = dot < first_rare ? dot : first_rare;
        if (i + 1 >= len)
            break;
        bool brk = false;
        size_t j = i + 1;
        if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && (s[j] == ' ' || s[j] == '\n')) {
            while (j < len && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\r'))
                j++;
            brk = j < len && (up_c(s[j]) || (s[j] >= '0' && s[j] <= '9') || s[j] == '(' ||
                              s[j] == '"' || s[j] == '[') &&
                  !(s[i] == '.' && abbrev_before(s, i));
        } else if (s[i] == '\n' && s[j] == '\n') {
            while (j < len && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\r'))
                j++;
            brk = j < len;
        }
        if (brk && j > v[n - 1]) {
            if (n == cap && ccg__grow((void **)&v, &cap, n + 1, sizeof *v) < 0) {
                free(v);
                return CCG_ENOMEM;
            }
            v[n++] = (uint32_t)j;
            i = j - 1;
        }
    }
    *out = v;
    *n_out = (uint32_t)n;
    return 0;
}

/* ---- entry points -------------------------------------------------------- */

void ccg__mentions_free_raw(ccg__mention *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(m[i].name);
    free(m);
}

/* Sets up a context: the text's atoms and a clear claim map. */
/*
 * The buffers of one extraction that the next can reuse. Per-text
 * allocation of them was 5% of extraction time; an extractor keeps the
 * scratches of finished extractions in a list (one per thread at most in
 * use), taken and given back under a lock.
 */
struct ccg__scratch {
    ccg__atoms t;
    uint8_t *used;
    size_t cap_used;
    ccg_buf key, name, var;
    ccg__matcher *mt;
    uint32_t *iw, *lsf;
    uint64_t *lead;
    size_t cap_iw, cap_lsf, cap_lead;
    uint32_t *up;
    size_t cap_up;
    ccg__scratch *next;
};

struct ccg__scratch_pool {
    pthread_mutex_t lock;
    ccg__scratch *free;
};

static void scratch_free(ccg__scratch *sc)
{
    ccg__atoms_free(&sc->t);
    free(sc->used);
    ccg__buf_free(&sc->key);
    ccg__buf_free(&sc->name);
    ccg__buf_free(&sc->var);
    ccg__matcher_free(sc->mt);
    free(sc->iw);
    free(sc->lsf);
    free(sc->lead);
    free(sc->up);
    free(sc);
}

int ccg__scratch_pool_new(ccg__scratch_pool **out)
{
    ccg__scratch_pool *p = ccg__calloc(1, sizeof *p);
    if (!p)
        return CCG_ENOMEM;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return ccg__err(CCG_ENOMEM, "cannot create a mutex");
    }
    *out = p;
    return 0;
}

void ccg__scratch_pool_free(ccg__scratch_pool *p)
{
    if (!p)
        return;
    while (p->free) {
        ccg__scratch *sc = p->free;
        p->free = sc->next;
        scratch_free(sc);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static ccg__scratch *scratch_take(const ccg_extractor *x)
{
    pthread_mutex_lock(&x->pool->lock);
    ccg__scratch *sc = x->pool->free;
    if (sc)
        x->pool->free = sc->next;
    pthread_mutex_unlock(&x->pool->lock);
    return sc ? sc : ccg__calloc(1, sizeof *sc);
}

/* Hands the buffers back to the scratch they came from, and it to the pool. */
static void ctx_done(ctx *c)
{
    ccg__scratch *sc = c->sc;
    if (!sc)
        return;
    sc->t = c->t;
    sc->used = c->used;
    sc->cap_used = c->cap_used;
    sc->key = c->key;
    sc->name = c->name;
    sc->var = c->var;
    sc->mt = c->mt;
    sc->iw = c->iw;
    sc->cap_iw = c->cap_iw;
    sc->lsf = c->lsf;
    sc->cap_lsf = c->cap_lsf;
    sc->lead = c->lead;
    sc->cap_lead = c->cap_lead;
    sc->up = c->up;
    sc->cap_up = c->cap_up;
    pthread_mutex_lock(&c->x->pool->lock);
    sc->next = c->x->pool->free;
    c->x->pool->free = sc;
    pthread_mutex_unlock(&c->x->pool->lock);
    c->sc = NULL;
}

static int ctx_init(ctx *c, const ccg_extractor *x, const char *text, size_t len)
{
    memset(c, 0, sizeof *c);
    c->x = x;
    c->s = text;
    c->len = len;
    ccg__scratch *sc = c->sc = scratch_take(x);
    if (!sc)
        return CCG_ENOMEM;
    c->t = sc->t;
    c->used = sc->used;
    c->cap_used = sc->cap_used;
    c->key = sc->key;
    c->name = sc->name;
    c->var = sc->var;
    c->key.len = c->name.len = c->var.len = 0;
    c->mt = sc->mt;
    c->iw = sc->iw;
    c->cap_iw = sc->cap_iw;
    c->up = sc->up;
    c->cap_up = sc->cap_up;
    c->lsf = sc->lsf;
    c->cap_lsf = sc->cap_lsf;
    c->lead = sc->lead;
    c->cap_lead = sc->cap_lead;
    int err = ccg__atomize(&c->t, text, len);
    if (err < 0)
        return err;
    if (ccg__grow((void **)&c->used, &c->cap_used, c->t.n_atoms + 1, 1) < 0)
        return CCG_ENOMEM;
    memset(c->used, 0, c->t.n_atoms + 1);
    /* at most 1 << 32: an atom has a byte at least */
    c->atom_rate = len ? ((uint64_t)c->t.n_atoms << 32) / len : 0;
    return 0;
}

int ccg__extract(const ccg_extractor *x, const char *text, size_t len, ccg__mention **out,
                 size_t *n_out, char ***defs, size_t *n_defs, uint32_t **sent, uint32_t *n_sent)
{
    ctx c;
    int err;
    if ((err = ctx_init(&c, x, text, len)) < 0)
        goto cleanup;
    if ((!c.mt && (err = ccg__matcher_new(x->patterns, &c.mt)) < 0) ||
        (err = ccg__sentences(text, len, &c.sent, &c.n_sent)) < 0)
        goto cleanup;
    for (const char *nl = text, *lim = text + (len < 2000 ? len : 2000);
         (nl = memchr(nl, '\n', (size_t)(lim - nl))) && nl + 1 < text + len; nl++)
        if (nl[1] == '\n') {
            c.title_end = (size_t)(nl - text);
            break;
        }
    if ((err = pass_definitions(&c)) < 0 || (err = pass_phrases(&c)) < 0 ||
        (err = pass_lexicon(&c)) < 0)
        goto cleanup;
    if ((err = pass_shapes(&c)) < 0 || (err = pass_intro(&c)) < 0 ||
        (err = pass_title(&c)) < 0 || (err = pass_recall(&c)) < 0 || (err = settle(&c)) < 0)
        goto cleanup;
    *out = c.m;
    *n_out = c.n;
    c.m = NULL;
    c.n = 0;
    if (defs) {
        *defs = c.defs;
        *n_defs = c.n_defs;
        c.defs = NULL;
        c.n_defs = 0;
    }
    if (sent) {
        *sent = c.sent;
        *n_sent = c.n_sent;
        c.sent = NULL;
    }
cleanup:
    ccg__mentions_free_raw(c.m, c.n);
    for (size_t i = 0; i < c.n_defs; i++)
        free(c.defs[i]);
    free(c.defs);
    free(c.sent);
    ctx_done(&c);
    return err;
}

/*
 * Puts the mentions pass_overlay added, [before, c->n) in text order, among
 * those pass 1 found, which settle sorted (by_start): one merge, where the
 * insertion sort moved the old mentions after each new one again for each,
 * and qsort sorted past 32 mentions (sort_few was 1.5% of pass 2's time).
 * A new mention has atoms no old one has, so by_start tells it from each
 * of them, and the order is the sort's; if the old ones are somehow out of
 * order (or the new ones), sort_few sorts as before.
 */
static void merge_added(ctx *c, size_t before)
{
    ccg__mention *m = c->m, few[8];
    size_t r = c->n - before;
    for (size_t i = 1; i < c->n; i++)
        if (i != before && by_start(&m[i - 1], &m[i]) > 0) {
            sort_few(m, c->n, sizeof *m, by_start);
            return;
        }
    ccg__mention *t = r <= sizeof few / sizeof *few ? few : ccg__malloc(r * sizeof *t);
    if (!t) { /* no room to merge in: sort */
        sort_few(m, c->n, sizeof *m, by_start);
        return;
    }
    memcpy(t, m + before, r * sizeof *t);
    for (size_t i = before, j = r, out = c->n; j > 0;)
        m[--out] = i > 0 && by_start(&m[i - 1], &t[j - 1]) > 0 ? m[--i] : t[--j];
    if (t != few)
        free(t);
}

int ccg__overlay_extend(const ccg_extractor *x, const ccg__overlay *ov, const char *text,
                        size_t len, ccg__mention **m, size_t *n)
{
    ctx c;
    int err = ctx_init(&c, x, text, len);
    c.m = *m;
    c.n = c.cap = *n;
    if (err < 0)
        goto cleanup;
    /* the mentions found already keep their atoms */
    for (size_t i = 0, k = 0; i < c.n; i++) {
        k = atom_at(&c, c.m[i].start);
        for (; k < c.t.n_atoms && c.t.atoms[k].start < c.m[i].end; k++)
            c.used[k] = 1;
    }
    size_t before = c.n;
    if ((err = pass_overlay(&c, ov)) < 0)
        goto cleanup;
    if (c.n > before)
        merge_added(&c, before);
cleanup:
    *m = c.m;
    *n = c.n;
    ctx_done(&c);
    return err;
}

typedef struct {
    ccg__mention *raw;
    size_t n_raw;
} priv_mentions;

int ccg_extractor_extract(const ccg_extractor *x, const char *text, size_t len,
                          ccg_mentions **out)
{
    ccg__mention *raw = NULL;
    size_t n = 0;
    int err = ccg__extract(x, text, len, &raw, &n, NULL, NULL, NULL, NULL);
    if (err < 0)
        return err;
    ccg_mentions *m = ccg__calloc(1, sizeof *m);
    priv_mentions *p = ccg__calloc(1, sizeof *p);
    ccg_mention *items = ccg__calloc(n + 1, sizeof *items);
    if (!m || !p || !items) {
        free(m);
        free(p);
        free(items);
        ccg__mentions_free_raw(raw, n);
        return CCG_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].start = raw[i].start;
        items[i].end = raw[i].end;
        items[i].name = raw[i].name;
        items[i].type = (ccg_entity_type)raw[i].type;
        items[i].introduced = raw[i].introduced;
        items[i].rule = x->opts.explain ? raw[i].rule : NULL;
    }
    p->raw = raw;
    p->n_raw = n;
    m->items = items;
    m->n = n;
    m->priv = p;
    *out = m;
    return 0;
}

void ccg_mentions_free(ccg_mentions *m)
{
    if (!m)
        return;
    priv_mentions *p = m->priv;
    if (p)
        ccg__mentions_free_raw(p->raw, p->n_raw);
    free(p);
    free(m->items);
    free(m);
}
