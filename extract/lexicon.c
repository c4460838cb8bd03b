/*
 * lexicon.c: the tables behind the extractor (lexicon, stop list,
 * thesaurus), the atoms texts are matched on, and the extractor handle.
 *
 * A lexicon form is matched through its folded key (letters lower-cased,
 * spaces and hyphens dropped), so LLaMA3, LLaMA-3 and LLaMA 3 share one key;
 * case is then checked per form (CASE_*), so "SAM" does not match "sam".
 * Every proper prefix of a key (at atom boundaries) is also in the table,
 * so matching a text stops at the first atom that no key continues.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "extractor.h"

extern const char ccg__lexicon_tsv[];
extern const size_t ccg__lexicon_tsv_len;

static const char *const type_names[CCG_TYPE_COUNT] = {"model", "method", "dataset",
                                                      "metric", "tool"};

const char *ccg_entity_type_name(ccg_entity_type t)
{
    return (unsigned)t < CCG_TYPE_COUNT ? type_names[t] : "unknown";
}

int ccg_entity_type_parse(const char *name, ccg_entity_type *out)
{
    for (int i = 0; i < CCG_TYPE_COUNT; i++)
        if (strcmp(name, type_names[i]) == 0) {
            *out = (ccg_entity_type)i;
            return 0;
        }
    return ccg__err(CCG_EINVAL, "unknown entity type: %s", name);
}

/* ---- atoms --------------------------------------------------------------- */

/*
 * The tokenizer's byte classes, one table lookup instead of a chain of
 * compares in the loops below (they run over every byte of every text).
 */
enum {
    CL_ALPHA = 1,   /* an ASCII letter but v/V */
    CL_V = 2,       /* v, V: may be a version letter (YOLO|v|8) */
    CL_DIGIT = 4,
    CL_SPACE = 8,   /* white space as is_space */
    CL_CONN = 16,   /* is_connector: - _ @ ' . */
    CL_HYPH = 32,   /* may start hyphen_like: '-' and every non-ASCII byte */
    CL_URL = 128,   /* h, w: may start a URL (with CL_ALPHA) */
    CL_ALNUM = CL_ALPHA | CL_V | CL_DIGIT,
};

/* 16 bytes a row from 0x00; '-' is 48 (CL_CONN | CL_HYPH), h and w 129 */
static const uint8_t byte_class[256] = {
     0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  8,  0,  0,  8,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     8,  0,  0,  0,  0,  0,  0, 16,  0,  0,  0,  0,  0, 48, 16,  0,
     4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  0,  0,  0,  0,  0,  0,
    16,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,
     1,  1,  1,  1,  1,  1,  2,  1,  1,  1,  1,  0,  0,  0,  0, 16,
     0,  1,  1,  1,  1,  1,  1,  1,129,  1,  1,  1,  1,  1,  1,  1,
     1,  1,  1,  1,  1,  1,  2,129,  1,  1,  1,  0,  0,  0,  8,  0,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
};

static inline bool is_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline bool is_alnum(unsigned char c) { return byte_class[c] & CL_ALNUM; }
static inline bool is_space(unsigned char c) { return byte_class[c] == CL_SPACE; }

/* URLs are not text: "https://github.com/x/RAEmoLLM" must not yield names. */
static size_t url_end(const char *s, size_t i, size_t len)
{
    size_t n = len - i;
    if ((n > 7 && memcmp(s + i, "http://", 7) == 0) ||
        (n > 8 && memcmp(s + i, "https://", 8) == 0) ||
        (n > 4 && memcmp(s + i, "www.", 4) == 0)) {
        while (i < len && !is_space((unsigned char)s[i]))
            i++;
        return i;
    }
    return 0;
}

#define FNV_PRIME CCG_FNV_PRIME

/*
 * The tokenizer reads the text's byte classes from bitmaps, a bit a byte
 * (bit j of word k: byte 64 k + j), made 16 bytes at a time with SSE2
 * before it starts: the end of an atom, or of the gap before the next
 * word, is then the lowest bit past it that is clear (set), one count of
 * trailing zeros where a loop over the bytes mispredicted its exit once an
 * atom and once a gap. Bits past the text are 0: no byte of any class.
 */
typedef struct {
    uint64_t *letter_on; /* a letter that goes on a letter atom: not v/V before a digit */
    uint64_t *digit_on;  /* what goes on a digit atom: a digit, a '.' before a digit */
    uint64_t *alnum;     /* a letter or digit: what an atom starts with */
} masks;

/* The classes of 64 bytes, before those that depend on the next byte. */
typedef struct {
    uint64_t letter, digit, v, dot;
} block_bits;

static void block_classes(const unsigned char *p, block_bits *b)
{
    memset(b, 0, sizeof *b);
#ifdef __SSE2__
    for (int k = 0; k < 64; k += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
        __m128i l = _mm_or_si128(c, _mm_set1_epi8(0x20));
        /* signed compares: the bytes from 0x80 are negative, below 'a' and '0' */
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
        b->letter |= (uint64_t)(unsigned)_mm_movemask_epi8(letter) << k;
        b->digit |= (uint64_t)(unsigned)_mm_movemask_epi8(digit) << k;
        b->v |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(l, _mm_set1_epi8('v'))) << k;
        b->dot |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8('.'))) << k;
    }
#else
    for (int k = 0; k < 64; k++) {
        unsigned c = p[k], cl = byte_class[c];
        uint64_t bit = (uint64_t)1 << k;
        b->letter |= cl & (CL_ALPHA | CL_V) ? bit : 0;
        b->digit |= cl & CL_DIGIT ? bit : 0;
        b->v |= cl & CL_V ? bit : 0;
        b->dot |= c == '.' ? bit : 0;
    }
#endif
}

/* x in little-endian byte order, as the bitmaps are kept and texts read */
static inline uint64_t le64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(x);
#else
    return x;
#endif
}

static void block_at(const unsigned char *s, size_t len, size_t k, block_bits *b)
{
    if (64 * k + 64 <= len) {
        block_classes(s + 64 * k, b);
        return;
    }
    unsigned char tail[64] = {0}; /* the last block: zeros past the text */
    if (len > 64 * k)
        memcpy(tail, s + 64 * k, len - 64 * k);
    block_classes(tail, b);
}

/* Not inlined: gcc 12 inlines it into ccg__atomize, now the only caller,
 * and the tokenizer takes 2% more instructions (callgrind, bench_atomize) */
static __attribute__((noinline)) int build_masks(ccg__atoms *t, const unsigned char *s,
                                                 size_t len, masks *m)
{
    /* the blocks (the last one partial, maybe empty) and a zero word after
     * them: bits_at reads 8 bytes from the byte of its first bit */
    size_t nb = len / 64 + 1, stride = nb + 1;
    if (ccg__grow((void **)&t->bits, &t->cap_bits, 3 * stride, sizeof *t->bits) < 0)
        return CCG_ENOMEM;
    m->letter_on = t->bits;
    m->digit_on = m->letter_on + stride;
    m->alnum = m->digit_on + stride;
    block_bits cur, next;
    block_at(s, len, 0, &cur);
    for (size_t k = 0; k < nb; k++) {
        if (k + 1 < nb)
            block_at(s, len, k + 1, &next);
        else
            memset(&next, 0, sizeof next);
        uint64_t before_digit = cur.digit >> 1 | next.digit << 63;
        m->letter_on[k] = le64(cur.letter & ~(cur.v & before_digit));
        m->digit_on[k] = le64(cur.digit | (cur.dot & before_digit));
        m->alnum[k] = le64(cur.letter | cur.digit);
        cur = next;
    }
    m->letter_on[nb] = m->digit_on[nb] = m->alnum[nb] = 0;
    return 0;
}

/* The bits of a bitmap from bit pos on: at least 57 (the top pos % 8 are 0). */
static inline uint64_t bits_at(const uint64_t *bm, size_t pos)
{
    uint64_t w;
    memcpy(&w, (const unsigned char *)bm + pos / 8, sizeof w);
    return le64(w) >> (pos % 8);
}

/* s[i..i+8) as a little-endian word, zeros past len (i < len) */
static inline uint64_t load8(const unsigned char *s, size_t i, size_t len)
{
    uint64_t w = 0;
    if (i + 8 <= len)
        memcpy(&w, s + i, 8);
    else
        memcpy(&w, s + i, len - i);
    return le64(w);
}

/* the sum of the bytes of x, each 0 or 1 (no popcnt in the x86-64 baseline) */
static inline unsigned byte_sum(uint64_t x)
{
    return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* The basis times powers of the inverse of the FNV prime: the states that
 * that many zero bytes take to the basis. */
#define PI1 CCG_FNV_PRIME_INV
#define PI2 ((uint32_t)(PI1 * PI1))
#define PI3 ((uint32_t)(PI2 * PI1))
#define PI4 ((uint32_t)(PI2 * PI2))
#define PB(k) ((uint32_t)(CCG_FNV_BASIS * (k)))
static const uint32_t basis_pre[8] = {CCG_FNV_BASIS, PB(PI1), PB(PI2), PB(PI3), PB(PI4),
                                      PB(PI4 * PI1), PB(PI4 * PI2), PB(PI4 * PI3)};

#define LOW_BYTES UINT64_C(0x0101010101010101)

/* Scans the atom at s[i] (a letter or digit) into a; returns its end. */
static inline __attribute__((always_inline)) size_t scan_atom(const unsigned char *s, size_t len,
                                                               const masks *m, size_t i,
                                                               ccg__atom *a)
{
    bool digit = byte_class[s[i]] == CL_DIGIT;
    const uint64_t *on = digit ? m->digit_on : m->letter_on;
    /* its first byte is its own whatever follows (a 'v' before a digit) */
    size_t n = 1;
    for (;;) {
        unsigned run = (unsigned)__builtin_ctzll(~bits_at(on, i + n) | (uint64_t)1 << 56);
        n += run;
        if (run < 56)
            break;
    }
    /*
     * FNV-1a of the n bytes, lower-cased by | 32 (digits and '.' have that
     * bit), 8 bytes a round of 8 steps: the first round takes the first
     * bytes after z = -n mod 8 zero bytes, from a state (basis_pre) that
     * they take to the basis, for a zero byte's step is only a multiply by
     * the prime. So an atom of up to 8 bytes (4 in 5) costs no branch on
     * its length: a loop over its n bytes, its exit mispredicted once an
     * atom, made bench_atomize 15% slower than the steps this adds.
     */
    unsigned z = (unsigned)(-n & 7);
    uint64_t raw = load8(s, i, len) << (8 * z), lower = (0x20 * LOW_BYTES) << (8 * z);
    uint32_t h = basis_pre[z], hl = h;
    unsigned lo = 0; /* the letters with bit 5 set: lower case */
    size_t q = i + 8 - z, end = i + n;
    for (;;) {
        lo += byte_sum(raw >> 5 & LOW_BYTES);
        uint64_t w = raw | lower;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 8
#endif
        for (int k = 0; k < 8; k++) {
            uint32_t b = (uint32_t)w & 0xff;
            w >>= 8;
            hl = h;
            h = (h ^ b) * FNV_PRIME;
        }
        if (q >= end)
            break;
        raw = load8(s, q, len);
        lower = 0x20 * LOW_BYTES;
        q += 8;
    }
    a->end = (uint32_t)end;
    a->fh = h;
    a->fhl = hl;
    a->digit = digit;
    if (digit) {
        a->upper = a->lower = 0;
    } else {
        size_t up = n - lo;
        a->upper = up > 255 ? 255 : (uint8_t)up;
        a->lower = lo > 255 ? 255 : (uint8_t)lo;
    }
    return end;
}

/*
 * Bytes at s[i] that join two parts of a name like a hyphen: the middle dot
 * of DALL·E, Unicode hyphens (GPT‑4), en dashes between names, and a hyphen a line break split from
 * its second part ("DPG- Bench", after a short acronym part only: not
 * "pre- and post-training"). Returns their length, 0 if none.
 */
static size_t hyphen_like(const unsigned char *s, size_t i, size_t len, size_t part_start)
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
             i > part_start && is_alpha(s[i - 1])) {
        /* an en dash (or LaTeX's --) between names: Avellaneda--Stoikov, Mann–Whitney */
        n = s[i] == '-' ? 2 : 3;
        if (!(is_alpha(s[i + n]) && s[i + n] <= 'Z'))
            n = 0;
    } else if (i + 2 < len && s[i] == '-' && (s[i + 1] == ' ' || s[i + 1] == '\n') && is_alpha(s[i + 2]) && s[i + 2] <= 'Z' &&
             i - part_start >= 2 && i - part_start <= 4) {
        unsigned up = 0;
        for (size_t k = part_start; k < i; k++)
            up += is_alpha(s[k]) && s[k] <= 'Z';
        n = up >= 2 && i + 3 < len && is_alpha(s[i + 3]) ? 2 : 0; /* s[len] is not ours */
    }
    return n && i + n < len && is_alnum(s[i + n]) ? n : 0;
}

/*
 * Moves i over the bytes before the next atom (to len or past it if
 * none): any of them that is not white space is punctuation, and *newlines
 * counts their line breaks. One space, the gap between most words, is
 * taken without looking at the bytes.
 */
static inline __attribute__((always_inline)) size_t skip_gap(const unsigned char *s, const masks *m,
                                                             size_t i, size_t len, bool *punct,
                                                             unsigned *newlines)
{
    while (i < len) {
        unsigned g = (unsigned)__builtin_ctzll(bits_at(m->alnum, i) | (uint64_t)1 << 56);
        if (g == 1 && s[i] == ' ')
            return i + 1;
        for (size_t e = i + g < len ? i + g : len; i < e; i++) {
            *punct |= byte_class[s[i]] != CL_SPACE;
            *newlines += s[i] == '\n';
        }
        if (g < 56)
            break;
    }
    return i;
}

int ccg__atomize(ccg__atoms *t, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    t->n_atoms = t->n_words = 0;
    t->skipped = false;
    t->n_skips = 0;
    if (len >= UINT32_MAX)
        return ccg__err(CCG_ELIMIT, "text longer than 4 GB");
    /* English runs about 5.5 bytes a word: reserve once instead of growing */
    masks m;
    if (ccg__grow((void **)&t->atoms, &t->cap_atoms, len / 4 + 16, sizeof *t->atoms) < 0 ||
        ccg__grow((void **)&t->words, &t->cap_words, len / 5 + 16, sizeof *t->words) < 0 ||
        build_masks(t, s, len, &m) < 0)
        return CCG_ENOMEM;
    /* the counts live in locals (t is written back when growing and at the
     * end): stores through the atom pointers would otherwise reload them */
    ccg__atom *atoms = t->atoms;
    ccg__word *words = t->words;
    size_t n_atoms = 0, n_words = 0, i = 0;
    /* the bytes since the last word: barrier (a URL), not only white space,
     * line breaks; any of them (two breaks) makes the next word SEP_PUNCT */
    bool barrier = false, punct = false;
    unsigned newlines = 0;
    for (;;) {
        i = skip_gap(s, &m, i, len, &punct, &newlines);
        if (i >= len)
            break;
        /* every URL prefix starts "ht" or "ww" */
        unsigned c = s[i];
        if ((byte_class[c] & CL_URL) && i + 1 < len && s[i + 1] == (c == 'h' ? 't' : 'w')) {
            size_t u = url_end(text, i, len);
            if (u) {
                if (t->n_skips + 2 > t->cap_skips &&
                    ccg__grow((void **)&t->skips, &t->cap_skips, t->n_skips + 2,
                              sizeof *t->skips) < 0)
                    return CCG_ENOMEM;
                t->skips[t->n_skips++] = (uint32_t)i;
                t->skips[t->n_skips++] = (uint32_t)u;
                i = u;
                barrier = t->skipped = true;
                continue;
            }
        }
        uint8_t sep = barrier || punct || newlines >= 2 ? SEP_PUNCT : SEP_SPACE, sepch = 0;
        barrier = punct = false;
        newlines = 0;
        size_t w_start = i, a0 = n_atoms;
        size_t part = i; /* start of the current hyphen part */
        unsigned upper = 0;
        for (;;) {
            if (n_atoms == t->cap_atoms) {
                t->n_atoms = n_atoms;
                if (ccg__grow((void **)&t->atoms, &t->cap_atoms, n_atoms + 1, sizeof *atoms) < 0)
                    return CCG_ENOMEM;
                atoms = t->atoms;
            }
            ccg__atom *a = &atoms[n_atoms++];
            a->start = (uint32_t)i;
            a->word = (uint32_t)n_words;
            a->sep = sep;
            a->sepch = sepch;
            i = scan_atom(s, len, &m, i, a);
            upper |= a->upper;
            if (i >= len)
                break;
            uint64_t next = bits_at(m.alnum, i);
            if (next & 1) {
                sep = SEP_JOIN;
                sepch = 0;
                continue;
            }
            unsigned k = byte_class[s[i]];
            if ((k & CL_CONN) && (next & 2)) {
                sep = s[i] == '-' ? SEP_HYPHEN : SEP_OTHER;
                sepch = s[i];
                i++;
                part = i;
                continue;
            }
            size_t h = (k & CL_HYPH) ? hyphen_like(s, i, len, part) : 0;
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
        if (i < len && s[i] == '+' && (i + 1 >= len || !is_alnum(s[i + 1]))) {
            ccg__atom *last = &atoms[n_atoms - 1];
            last->fhl = last->fh;
            last->fh = (last->fh ^ '+') * FNV_PRIME;
            i++;
        }
        if (n_words == t->cap_words) {
            t->n_atoms = n_atoms;
            t->n_words = n_words;
            if (ccg__grow((void **)&t->words, &t->cap_words, n_words + 1, sizeof *words) < 0)
                return CCG_ENOMEM;
            words = t->words;
        }
        ccg__word *w = &words[n_words++];
        w->start = (uint32_t)w_start;
        w->end = (uint32_t)i;
        w->a0 = (uint32_t)a0;
        w->a1 = (uint32_t)n_atoms;
        w->upper = upper != 0;
    }
    t->n_atoms = n_atoms;
    t->n_words = n_words;
    return 0;
}

void ccg__atoms_free(ccg__atoms *t)
{
    free(t->atoms);
    free(t->words);
    free(t->skips);
    free(t->bits);
    memset(t, 0, sizeof *t);
}

int ccg__fold_atoms(ccg_buf *key, const char *text, const ccg__atoms *t, size_t a0, size_t a1)
{
    uint32_t h = CCG_FNV_BASIS, hlast;
    size_t klen = 0;
    for (size_t k = a0; k < a1; k++) {
        const ccg__atom *a = &t->atoms[k];
        if (ccg__buf_reserve(key, a->end - a->start + 2) < 0)
            return CCG_ENOMEM;
        char *e = ccg__fold_atom(text, t, k, k == a0, &h, &hlast, &klen, key->data + key->len);
        *e = '\0';
        key->len = (size_t)(e - key->data);
    }
    return 0;
}

int ccg__fold_loose(ccg_buf *key, const char *s, size_t n)
{
    if (ccg__buf_reserve(key, n) < 0)
        return CCG_ENOMEM;
    /* every mention's merge key is folded here: each byte is written, and
     * the length moves past it unless it is one the key drops (no branch
     * on the unpredictable separators) */
    static const bool drop[256] = {[' '] = true, ['-'] = true, ['_'] = true,
                                   ['\t'] = true, ['\n'] = true, ['~'] = true};
    char *d = key->data;
    size_t len = key->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        d[len] = (char)ccg__lower(c);
        len += !drop[c];
    }
    d[len] = '\0';
    key->len = len;
    return 0;
}

/* ---- hash table ---------------------------------------------------------- */

uint32_t ccg__hash(const char *s, size_t n)
{
    uint32_t h = CCG_FNV_BASIS;
    for (size_t i = 0; i < n; i++)
        h = ccg__fnv_step(h, (unsigned char)s[i]);
    return h ? h : 1;
}

ccg__slot *ccg__table_find(const ccg__table *t, const char *k, size_t n, uint32_t h)
{
    if (!t->cap)
        return NULL;
    if (!ccg__table_may_have(t, h))
        return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        ccg__slot *s = &t->slots[i];
        if (!s->len)
            return NULL;
        if (s->hash == h && s->len == n && memcmp(t->pool.data + s->key, k, n) == 0)
            return s;
    }
}

static int table_grow(ccg__table *t)
{
    /* start small: most tables are a text's own, of a few names (pass_recall) */
    size_t ncap = t->cap ? t->cap * 2 : 16;
    ccg__slot *ns = ccg__calloc(ncap, sizeof *ns);
    if (!ns)
        return CCG_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        ccg__slot *s = &t->slots[i];
        if (!s->len)
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].len)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return 0;
}

/* Slots are "used" when len > 0: empty keys are never stored. */
/*
 * Sets the pair bits of key k: (hash of k[0, l), k[l]) for each l whose
 * prefix is in the table, or for every l when in_table_only is false.
 */
static void set_pairs(ccg__table *t, const char *k, size_t n, bool in_table_only)
{
    uint32_t h = CCG_FNV_BASIS; /* as ccg__hash, one byte at a time */
    for (size_t l = 1; l < n; l++) {
        h = ccg__fnv_step(h, (unsigned char)k[l - 1]);
        uint32_t hh = h ? h : 1;
        if (in_table_only && !ccg__table_find(t, k, l, hh))
            continue;
        uint32_t b = ccg__pair_bit(hh, (unsigned char)k[l], t->bloom_bits);
        t->pairs[b >> 6] |= (uint64_t)1 << (b & 63);
    }
}

int ccg__table_put(ccg__table *t, const char *k, size_t n, ccg__slot **out)
{
    return ccg__table_put_hashed(t, k, n, ccg__hash(k, n), out);
}

int ccg__table_put_hashed(ccg__table *t, const char *k, size_t n, uint32_t h, ccg__slot **out)
{
    if (n == 0 || n >= UINT32_MAX)
        return ccg__err(CCG_EINVAL, "empty key");
    if ((t->n + 1) * 10 > t->cap * 7 && table_grow(t) < 0)
        return CCG_ENOMEM;
    size_t mask = t->cap - 1;
    size_t i = h & mask;
    for (;; i = (i + 1) & mask) {
        ccg__slot *s = &t->slots[i];
        if (!s->len)
            break;
        if (s->hash == h && s->len == n && memcmp(t->pool.data + s->key, k, n) == 0) {
            *out = s;
            return 0;
        }
    }
    size_t off = t->pool.len;
    if (ccg__buf_add(&t->pool, k, n) < 0 || ccg__buf_putc(&t->pool, '\0') < 0)
        return CCG_ENOMEM;
    ccg__slot *s = &t->slots[i];
    s->key = (uint32_t)off;
    s->len = (uint32_t)n;
    s->hash = h;
    s->flags = 0;
    s->head = -1;
    s->value = 0;
    t->n++;
    if (t->bloom) {
        uint32_t b = ccg__bloom_bit(h, t->bloom_bits);
        t->bloom[b >> 6] |= (uint64_t)1 << (b & 63);
        t->bloom_full[b >> 6] |= (uint64_t)1 << (b & 63);
        set_pairs(t, k, n, false);
    }
    *out = s;
    return 0;
}

int ccg__table_bloom(ccg__table *t)
{
    int err = ccg__table_bloom_keys(t);
    if (err >= 0)
        ccg__table_bloom_pairs(t);
    return err;
}

int ccg__table_bloom_keys(ccg__table *t)
{
    unsigned bits = 16;
    while (bits < 28 && ((size_t)1 << bits) < t->n * 16)
        bits++;
    size_t words = ((size_t)1 << bits) / 64;
    uint64_t *b = ccg__calloc(words, sizeof *b), *f = ccg__calloc(words, sizeof *f),
             *p = ccg__calloc(words, sizeof *p);
    if (!b || !f || !p) {
        free(b);
        free(f);
        free(p);
        return CCG_ENOMEM;
    }
    free(t->bloom);
    free(t->bloom_full);
    free(t->pairs);
    t->bloom = b;
    t->bloom_full = f;
    t->pairs = p;
    t->bloom_bits = bits;
    for (size_t i = 0; i < t->cap; i++) {
        const ccg__slot *s = &t->slots[i];
        if (!s->len)
            continue;
        uint32_t k = ccg__bloom_bit(s->hash, bits);
        b[k >> 6] |= (uint64_t)1 << (k & 63);
        if (s->flags & KEY_FULL)
            f[k >> 6] |= (uint64_t)1 << (k & 63);
    }
    return 0;
}

/* after the keys' filter: set_pairs finds prefixes through it */
void ccg__table_bloom_pairs(ccg__table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        const ccg__slot *s = &t->slots[i];
        if (s->len && (s->flags & KEY_FULL))
            set_pairs(t, t->pool.data + s->key, s->len, true);
    }
}

void ccg__table_free(ccg__table *t)
{
    free(t->slots);
    free(t->bloom);
    free(t->bloom_full);
    free(t->pairs);
    ccg__buf_free(&t->pool);
    memset(t, 0, sizeof *t);
}

/* ---- loading ------------------------------------------------------------- */

/* The next run of letters and digits of [*s, end): its length (0: none), *s past it. */
static size_t alnum_run(const char **s, const char *end, const char **run)
{
    while (*s < end && !is_alnum((unsigned char)**s))
        (*s)++;
    *run = *s;
    while (*s < end && is_alnum((unsigned char)**s))
        (*s)++;
    return (size_t)(*s - *run);
}

bool ccg__case_matches(const char *form, const char *text, size_t n)
{
    const char *fe = form + strlen(form), *te = text + n;
    for (int part = 0;; part++) {
        const char *f, *t;
        size_t fl = alnum_run(&form, fe, &f), tl = alnum_run(&text, te, &t);
        if (!fl || !tl)
            return fl == tl;
        if (fl != tl)
            return false;
        if (memcmp(f, t, fl) == 0)
            continue;
        bool f_upper_first = f[0] >= 'A' && f[0] <= 'Z', mixed = false, f_lower = false;
        for (size_t i = 0; i < fl; i++) {
            f_lower |= f[i] >= 'a' && f[i] <= 'z';
            mixed |= i > 0 && f[i] >= 'A' && f[i] <= 'Z';
        }
        mixed = mixed && f_lower; /* inner capitals: LLaMA, vLLM, mAP */
        if (part == 0 || mixed) {
            /* LLaMA as Llama, not LLAMA; vLLM only as vLLM */
            bool title = f_upper_first && t[0] == f[0];
            for (size_t i = 1; i < tl && title; i++)
                title = !(t[i] >= 'A' && t[i] <= 'Z');
            if (!title)
                return false;
        } else if (strncasecmp(f, t, fl) != 0)
            return false;
    }
}

const char *ccg__lex_name(const ccg_extractor *x, uint32_t entry)
{
    return x->strings.data + x->entries[entry].name;
}

static int add_string(ccg_extractor *x, const char *s, size_t n, uint32_t *off)
{
    if (x->strings.len >= UINT32_MAX - n - 1)
        return ccg__err(CCG_ELIMIT, "lexicon too large");
    *off = (uint32_t)x->strings.len;
    if (ccg__buf_add(&x->strings, s, n) < 0 || ccg__buf_putc(&x->strings, '\0') < 0)
        return CCG_ENOMEM;
    return 0;
}

static int add_form(ccg_extractor *x, ccg__atoms *t, ccg_buf *key, uint32_t entry,
                    const char *form, size_t n)
{
    int err;
    /* Forms the atoms cannot spell are left out: non-ASCII (an ASCII alias
     * usually exists: Nystromformer) and symbols (A*, $k$). */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)form[i] >= 0x80 || strchr("*$\\^{}[]=<>", form[i]))
            return 0;
    if ((err = ccg__atomize(t, form, n)) < 0)
        return err;
    if (t->n_atoms == 0 || (t->n_atoms == 1 && t->atoms[0].end - t->atoms[0].start < 2))
        return 0;
    unsigned up = 0, lo = 0;
    for (size_t k = 0; k < t->n_atoms; k++) {
        up += t->atoms[k].upper;
        lo += t->atoms[k].lower;
    }
    uint8_t cc;
    if (t->n_words > 1 || up == 0)
        cc = CASE_ANY;
    else if (lo == 0)
        cc = CASE_UPPER;
    else if (up == 1 && form[t->atoms[0].start] >= 'A' && form[t->atoms[0].start] <= 'Z' &&
             x->entries[entry].type == CCG_TYPE_METHOD)
        cc = CASE_CAP;
    else
        cc = (form[t->atoms[0].start] >= 'A' && form[t->atoms[0].start] <= 'Z') ? CASE_MIXED
                                                                               : CASE_MIXED_L;
    if (t->n_words > 1) {
        x->entries[entry].has_long = 1;
        uint32_t off = 0; /* set by add_string; -O3 cannot tell */
        if (!x->entries[entry].longform) {
            if ((err = add_string(x, form, n, &off)) < 0)
                return err;
            x->entries[entry].longform = off + 1;
        }
    }
    /* prefixes first: a later put may move the slots */
    for (size_t k = 1; k < t->n_atoms; k++) {
        key->len = 0;
        ccg__slot *s;
        if ((err = ccg__fold_atoms(key, form, t, 0, k)) < 0 ||
            (err = ccg__table_put(&x->lex, key->data, key->len, &s)) < 0)
            return err;
        s->flags |= KEY_PREFIX;
    }
    key->len = 0;
    ccg__slot *s;
    if ((err = ccg__fold_atoms(key, form, t, 0, t->n_atoms)) < 0 ||
        (err = ccg__table_put(&x->lex, key->data, key->len, &s)) < 0)
        return err;
    for (int32_t f = s->head; f >= 0; f = x->forms[f].next)
        if (x->forms[f].entry == entry && x->forms[f].caseclass == cc)
            return 0;
    if (x->n_forms >= INT32_MAX)
        return ccg__err(CCG_ELIMIT, "lexicon too large");
    if (x->n_forms == x->cap_forms &&
        ccg__grow((void **)&x->forms, &x->cap_forms, x->n_forms + 1, sizeof *x->forms) < 0)
        return CCG_ENOMEM;
    uint32_t text = 0;
    if (cc == CASE_MIXED || cc == CASE_MIXED_L) {
        if ((err = add_string(x, form, n, &text)) < 0)
            return err;
        text++;
    }
    ccg__lexform *lf = &x->forms[x->n_forms];
    lf->entry = entry;
    lf->caseclass = cc;
    lf->text = text;
    lf->next = s->head;
    s->head = (int32_t)x->n_forms++;
    s->flags |= KEY_FULL;
    return 0;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

static int add_stop(ccg_extractor *x, ccg_buf *key, const char *s, size_t n)
{
    key->len = 0;
    ccg__slot *slot;
    int err;
    if ((err = ccg__fold_loose(key, s, n)) < 0)
        return err;
    if (key->len == 0)
        return 0;
    if ((err = ccg__table_put(&x->stop, key->data, key->len, &slot)) < 0)
        return err;
    slot->flags |= KEY_FULL;
    return 0;
}

/* One lexicon line: name<TAB>type<TAB>aliases ('|'-separated). */
static int lexicon_line(ccg_extractor *x, ccg__atoms *t, ccg_buf *key, const char *name,
                        unsigned long lineno, const char *s, const char *e, bool strict)
{
    const char *f[3] = {s, NULL, NULL}, *fe[3] = {e, e, e};
    int nf = 1;
    for (const char *p = s; p < e && nf < 3; p++)
        if (*p == '\t') {
            fe[nf - 1] = p;
            f[nf++] = p + 1;
        }
    for (int i = 0; i < nf; i++)
        trim(&f[i], &fe[i]);
    if (nf < 2 || f[0] == fe[0]) {
        if (!strict)
            return 0;
        return ccg__err(CCG_EPARSE, "%s:%lu: expected name<TAB>type<TAB>aliases", name,
                        lineno);
    }
    char tbuf[16];
    size_t tl = (size_t)(fe[1] - f[1]);
    ccg_entity_type type = CCG_TYPE_METHOD;
    if (tl >= sizeof tbuf || (memcpy(tbuf, f[1], tl), tbuf[tl] = '\0',
                              ccg_entity_type_parse(tbuf, &type) < 0)) {
        if (!strict)
            return 0;
        return ccg__err(CCG_EPARSE, "%s:%lu: unknown type '%.*s' (model, method, dataset, metric, tool)",
                        name, lineno, (int)tl, f[1]);
    }
    int err;
    uint32_t off = 0; /* set by add_string; -O3 cannot tell */
    if ((err = add_string(x, f[0], (size_t)(fe[0] - f[0]), &off)) < 0)
        return err;
    if (x->n_entries >= INT32_MAX)
        return ccg__err(CCG_ELIMIT, "lexicon too large");
    if (x->n_entries == x->cap_entries &&
        ccg__grow((void **)&x->entries, &x->cap_entries, x->n_entries + 1,
                  sizeof *x->entries) < 0)
        return CCG_ENOMEM;
    uint32_t id = (uint32_t)x->n_entries++;
    ccg__lexentry *le = &x->entries[id];
    le->name = off;
    le->type = (uint8_t)type;
    le->family = 1;
    le->has_long = 0;
    le->longform = 0;
    for (const char *p = f[0]; p < fe[0]; p++)
        if (*p >= '0' && *p <= '9')
            le->family = 0;
    if ((err = add_form(x, t, key, id, f[0], (size_t)(fe[0] - f[0]))) < 0)
        return err;
    if (nf == 3) {
        const char *p = f[2];
        while (p <= fe[2]) {
            const char *q = p;
            while (q < fe[2] && *q != '|')
                q++;
            const char *as = p, *ae = q;
            trim(&as, &ae);
            if (ae > as && (err = add_form(x, t, key, id, as, (size_t)(ae - as))) < 0)
                return err;
            p = q + 1;
        }
    }
    return 0;
}

int ccg__lexicon_load(ccg_extractor *x, const char *name, const char *text, size_t len,
                      bool stop_only)
{
    ccg__atoms t = {0};
    ccg_buf key = CCG_BUF_INIT;
    int err = 0;
    bool stop = stop_only;
    bool embedded = name == NULL;
    /* without the built-in lexicon, the built-in stop list still applies */
    bool skip_lexicon = embedded && stop_only;
    if (skip_lexicon)
        stop = false;
    const char *section = embedded ? "lexicon" : name;
    unsigned long lineno = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        lineno++;
        const char *s = p, *se = e;
        p = e + 1;
        trim(&s, &se);
        if (s == se)
            continue;
        if (*s == '#') {
            if (embedded && se - s > 8 && memcmp(s, "# file: ", 8) == 0) {
                section = s + 8;
                stop = (size_t)(se - section) == 8 && memcmp(section, "stop.tsv", 8) == 0;
                lineno = 0;
            }
            continue;
        }
        if (stop) {
            const char *tab = memchr(s, '\t', (size_t)(se - s));
            const char *we = tab ? tab : se;
            trim(&s, &we);
            if ((err = add_stop(x, &key, s, (size_t)(we - s))) < 0)
                goto cleanup;
            continue;
        }
        if (skip_lexicon)
            continue;
        if ((err = lexicon_line(x, &t, &key, section, lineno, s, se, !embedded)) < 0)
            goto cleanup;
    }
cleanup:
    ccg__atoms_free(&t);
    ccg__buf_free(&key);
    return err;
}

/*
 * The stop list's fold of a byte: ASCII lower case (tolower in the C
 * locale), 0 for the bytes it drops (and for NUL, which it keeps).
 */
#define STOP_DROP(c) ((c) == ' ' || (c) == '-' || (c) == '_' || (c) == '\n' || (c) == '~')
#define STOP_F(c) (STOP_DROP(c) ? 0 : (c) >= 'A' && (c) <= 'Z' ? (c) | 32 : (c))
#define STOP_R4(c) STOP_F(c), STOP_F((c) + 1), STOP_F((c) + 2), STOP_F((c) + 3)
#define STOP_R16(c) STOP_R4(c), STOP_R4((c) + 4), STOP_R4((c) + 8), STOP_R4((c) + 12)
#define STOP_R64(c) STOP_R16(c), STOP_R16((c) + 16), STOP_R16((c) + 32), STOP_R16((c) + 48)
static const unsigned char stop_fold[256] = {STOP_R64(0), STOP_R64(64), STOP_R64(128),
                                             STOP_R64(192)};

bool ccg__is_stop(const ccg_extractor *x, const char *s, size_t n)
{
    /* every candidate name comes here: fold and hash in one pass, a table
     * lookup a byte (the compares of each byte with the five dropped ones
     * and the case fold were 2% of pass 1, 23 instructions a byte) */
    const unsigned char *u = (const unsigned char *)s;
    char buf[128];
    size_t k = 0;
    uint32_t h = CCG_FNV_BASIS;
    for (size_t i = 0; i < n; i++) {
        unsigned char f = stop_fold[u[i]];
        if (!f && u[i])
            continue;
        if (k == sizeof buf)
            return false;
        buf[k++] = (char)f;
        h = ccg__fnv_step(h, f);
    }
    if (k == 0)
        return true;
    if (ccg__table_find(&x->stop, buf, k, h ? h : 1))
        return true;
    if (k <= 2 || buf[k - 1] != 's')
        return false;
    /* only a lower-case plural s: NMS, MDS and AES are not NM, MD and AE */
    size_t e = n;
    while (!stop_fold[u[e - 1]] && u[e - 1])
        e--;
    if (u[e - 1] != 's')
        return false;
    uint32_t hl = ccg__fnv_unstep(h, 's');
    return ccg__table_find(&x->stop, buf, k - 1, hl ? hl : 1) != NULL;
}

static int read_whole(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ccg__err(CCG_EIO, "%s: %s", path, strerror(errno));
    ccg_buf b = CCG_BUF_INIT;
    char chunk[65536];
    size_t n;
    int err = 0;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if ((err = ccg__buf_add(&b, chunk, n)) < 0)
            break;
    if (!err && ferror(fp))
        err = ccg__err(CCG_EIO, "%s: read error", path);
    fclose(fp);
    if (!err && !b.data && (err = ccg__buf_putc(&b, '\0')) == 0)
        b.len = 0;
    if (err) {
        ccg__buf_free(&b);
        return err;
    }
    *len = b.len;
    *out = ccg__buf_detach(&b);
    return 0;
}

static int load_file(ccg_extractor *x, const char *path, bool stop)
{
    char *text;
    size_t len;
    int err = read_whole(path, &text, &len);
    if (err < 0)
        return err;
    err = ccg__lexicon_load(x, path, text, len, stop);
    free(text);
    return err;
}

int ccg_extractor_add_lexicon(ccg_extractor *x, const char *path)
{
    int err = load_file(x, path, false);
    /* the lexicon walk's filter must know every form put, even before a bad line */
    int err2 = ccg__lexicon_seal(x);
    return err < 0 ? err : err2;
}

int ccg_extractor_add_stoplist(ccg_extractor *x, const char *path)
{
    return load_file(x, path, true);
}

int ccg_extractor_add_thesaurus(ccg_extractor *x, const char *path)
{
    char *text;
    size_t len;
    int err = read_whole(path, &text, &len);
    if (err < 0)
        return err;
    ccg_buf key = CCG_BUF_INIT;
    unsigned long lineno = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        const char *s = p, *se = e;
        p = e + 1;
        if (++lineno == 1)
            continue; /* VOSviewer's header: "label<TAB>replace by" */
        /* only spaces are trimmed here: a final tab means "drop" */
        while (s < se && *s == ' ')
            s++;
        while (se > s && (se[-1] == ' ' || se[-1] == '\r'))
            se--;
        if (s == se || *s == '#')
            continue;
        const char *tab = memchr(s, '\t', (size_t)(se - s));
        if (!tab) {
            err = ccg__err(CCG_EPARSE, "%s:%lu: expected label<TAB>replace by", path, lineno);
            goto cleanup;
        }
        const char *ls = s, *le = tab, *rs = tab + 1, *re = se;
        trim(&ls, &le);
        trim(&rs, &re);
        key.len = 0;
        ccg__slot *slot;
        if ((err = ccg__fold_loose(&key, ls, (size_t)(le - ls))) < 0)
            goto cleanup;
        if (key.len == 0) {
            err = ccg__err(CCG_EPARSE, "%s:%lu: empty label", path, lineno);
            goto cleanup;
        }
        uint32_t off = 0;
        if (re > rs && (err = add_string(x, rs, (size_t)(re - rs), &off)) < 0)
            goto cleanup;
        if ((err = ccg__table_put(&x->thesaurus, key.data, key.len, &slot)) < 0)
            goto cleanup;
        slot->flags |= KEY_FULL;
        slot->value = re > rs ? (int32_t)off + 1 : 0;
    }
cleanup:
    ccg__buf_free(&key);
    free(text);
    return err;
}

/* ---- the handle ---------------------------------------------------------- */

void ccg_extractor_options_init(ccg_extractor_options *o)
{
    memset(o, 0, sizeof *o);
    o->granularity = CCG_GRANULARITY_VERSION;
    o->threads = 0;
    o->builtin_lexicon = true;
    o->explain = false;
}

int ccg_extractor_new(ccg_extractor **out, const ccg_extractor_options *opts)
{
    ccg_extractor_options def;
    if (!opts) {
        ccg_extractor_options_init(&def);
        opts = &def;
    }
    if ((unsigned)opts->granularity > CCG_GRANULARITY_VARIANT)
        return ccg__err(CCG_EINVAL, "unknown granularity");
    ccg_extractor *x = ccg__calloc(1, sizeof *x);
    if (!x)
        return CCG_ENOMEM;
    x->opts = *opts;
    int err;
    if ((err = ccg__patterns_new(&x->patterns)) < 0 ||
        (err = ccg__scratch_pool_new(&x->pool)) < 0 || (err = ccg__nouns_load(x)) < 0)
        goto fail;
    if ((err = ccg__lexicon_load(x, NULL, ccg__lexicon_tsv, ccg__lexicon_tsv_len,
                                 /* stop list only = */ !opts->builtin_lexicon)) < 0 ||
        (err = ccg__lexicon_seal(x)) < 0 ||
        /* most names asked about are no stop string: a filter turns them
         * away without a probe (later puts keep it) */
        (err = ccg__table_bloom(&x->stop)) < 0)
        goto fail;
    *out = x;
    return 0;
fail:
    ccg_extractor_free(x);
    return err;
}

void ccg_extractor_free(ccg_extractor *x)
{
    if (!x)
        return;
    ccg__table_free(&x->lex);
    free(x->lex_starts.bits);
    ccg__table_free(&x->stop);
    ccg__table_free(&x->thesaurus);
    ccg__table_free(&x->nouns);
    free(x->entries);
    free(x->forms);
    ccg__buf_free(&x->strings);
    ccg__patterns_free(x->patterns);
    ccg__scratch_pool_free(x->pool);
    free(x);
}
