/*
 * extractor.h: internals of the entity extractor shared by lexicon.c
 * (tables: lexicon, stop list, thesaurus), text.c (atoms of a text),
 * extractor.c (one text -> mentions) and annotate.c (corpus merge).
 */
#ifndef CCG_EXTRACTOR_H
#define CCG_EXTRACTOR_H

#include <stdint.h>

#include "ccg_extract.h"
#include "patterns.h"
#include "util.h"

/* FNV-1a, the hash of every key: ccg__hash, the atoms' fh, the lexicon walk. */
#define CCG_FNV_BASIS 2166136261u
#define CCG_FNV_PRIME 16777619u
#define CCG_FNV_PRIME_INV 0x359c449bu /* CCG_FNV_PRIME * CCG_FNV_PRIME_INV == 1 (mod 2^32) */
static inline uint32_t ccg__fnv_step(uint32_t h, unsigned char c) { return (h ^ c) * CCG_FNV_PRIME; }
/** The state before the step that added byte c and gave h (the prime is odd: invertible). */
static inline uint32_t ccg__fnv_unstep(uint32_t h, unsigned char c) { return (h * CCG_FNV_PRIME_INV) ^ c; }

/* ---- atoms: the smallest units a text is matched on ---------------------- */

/* What separates an atom from the one before it. */
enum {
    SEP_SPACE = 0, /* start of a word after white space (or start of text) */
    SEP_PUNCT,     /* start of a word after punctuation: a barrier */
    SEP_HYPHEN,    /* inside a word: '-' */
    SEP_JOIN,      /* inside a word: no separator (FinLLaMA|3, GPT|4) */
    SEP_OTHER,     /* inside a word: '_', '@', '\'', '.' */
};

/* Is ch, the separator of a SEP_OTHER atom, kept in a key (ccg__fold_atom)?
 * '_' is not: k_means is k-means. The one statement of the rule, which the
 * walks' filters (pair_key) must follow too. */
static inline bool ccg__sep_kept(unsigned char ch) { return ch == '@' || ch == '\'' || ch == '.'; }

typedef struct {
    uint32_t start, end;   /* byte span */
    uint32_t word;         /* index of its word */
    uint8_t sep;           /* SEP_* before this atom */
    uint8_t sepch;         /* the separator character for SEP_OTHER */
    uint8_t digit;         /* a digit run (maybe with inner dots) */
    uint8_t upper, lower;  /* letters of each case (capped at 255) */
    uint32_t fh, fhl;      /* FNV-1a state (before the 0 -> 1 fix) of the atom's folded key
                            * as the first atom of a match, and before its last byte: the
                            * first-atom filter is tested without building the key */
} ccg__atom;

typedef struct {
    uint32_t start, end;   /* byte span of the word */
    uint32_t a0, a1;       /* its atoms [a0, a1) */
    bool upper;            /* some atom has a capital: the passes that need one skip the rest */
} ccg__word;

typedef struct {
    ccg__atom *atoms;
    size_t n_atoms, cap_atoms;
    ccg__word *words;
    size_t n_words, cap_words;
    bool skipped;          /* some text (a URL) is in no atom */
    uint32_t *skips;       /* those texts: start, end pairs, in text order */
    size_t n_skips, cap_skips;
    uint64_t *bits;        /* scratch of ccg__atomize: bitmaps of the text's byte classes */
    size_t cap_bits;
} ccg__atoms;

/** Splits text into words and atoms (ASCII letters/digits; other bytes separate). */
int ccg__atomize(ccg__atoms *t, const char *text, size_t len);
void ccg__atoms_free(ccg__atoms *t);

/**
 * Folds atom j of t (over text) onto a key whose FNV-1a state is *h: letters
 * lower-cased, its separator kept unless first (not spaces, hyphens, joins
 * or '_'), a '+' that ends its word (LoRA+ is not LoRA). *hlast gets the
 * state before the key's last byte (plural checks), *klen grows by the bytes
 * added, and the bytes go to out when not NULL (room for the atom and two
 * more); returns the end of what was written. With first and no out, the
 * atom's own fh and fhl (ccg__atomize) serve. Inline: the lexicon walk of
 * every text calls it.
 */
static inline char *ccg__fold_atom(const char *text, const ccg__atoms *t, size_t j, bool first,
                                   uint32_t *h, uint32_t *hlast, size_t *klen, char *out)
{
    const ccg__atom *a = &t->atoms[j];
    const ccg__word *w = &t->words[a->word];
    bool plus = j + 1 == w->a1 && w->end > a->end;
    *klen += a->end - a->start + plus;
    if (first && !out) {
        *h = a->fh;
        *hlast = a->fhl;
        return NULL;
    }
    uint32_t hs = *h;
    if (!first && a->sep == SEP_OTHER && ccg__sep_kept(a->sepch)) {
        if (out)
            *out++ = (char)a->sepch;
        hs = ccg__fnv_step(hs, a->sepch);
        (*klen)++;
    }
    for (uint32_t i = a->start; i < a->end; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch >= 'A' && ch <= 'Z')
            ch |= 32;
        *hlast = hs;
        if (out)
            *out++ = (char)ch;
        hs = ccg__fnv_step(hs, ch);
    }
    if (plus) {
        *hlast = hs;
        if (out)
            *out++ = '+';
        hs = ccg__fnv_step(hs, '+');
    }
    *h = hs;
    return out;
}

/**
 * Appends the matching key of atoms [a0, a1) to key (ccg__fold_atom).
 */
int ccg__fold_atoms(ccg_buf *key, const char *text, const ccg__atoms *t, size_t a0, size_t a1);
/** The scoring key of a string: lower case without spaces, '-', '_'. */
int ccg__fold_loose(ccg_buf *key, const char *s, size_t n);

/* ---- string table: an open-addressing hash from keys to small values ----- */

typedef struct {
    uint32_t key;      /* offset of the key in the pool */
    uint32_t len;
    uint32_t hash;
    uint32_t flags;    /* KEY_* */
    int32_t head;      /* first lexicon form with this key, or -1 */
    int32_t value;     /* thesaurus: offset of the replacement + 1 (0: drop) */
} ccg__slot;

enum { KEY_FULL = 1, KEY_PREFIX = 2 };

typedef struct {
    ccg__slot *slots;
    size_t cap, n;
    ccg_buf pool;
    uint64_t *bloom;       /* optional (ccg__table_bloom): a bit per key hash */
    uint64_t *bloom_full;  /* the same for KEY_FULL keys (and every key put after) */
    uint64_t *pairs;       /* bit of (hash of a key prefix in the table, the byte a full
                            * key goes on with after it): may a key be continued so? */
    unsigned bloom_bits;   /* log2 of their size in bits */
} ccg__table;

uint32_t ccg__hash(const char *s, size_t n);
/** Finds a key; NULL if absent. */
ccg__slot *ccg__table_find(const ccg__table *t, const char *k, size_t n, uint32_t h);
/** Finds or inserts a key. */
int ccg__table_put(ccg__table *t, const char *k, size_t n, ccg__slot **out);
/** The same with the key's ccg__hash known. */
int ccg__table_put_hashed(ccg__table *t, const char *k, size_t n, uint32_t h, ccg__slot **out);
void ccg__table_free(ccg__table *t);
/**
 * Gives a large table a Bloom filter of its keys (16 bits a key, kept by
 * later puts), so that most finds of absent keys stop without touching the
 * slots: a text's probes mostly miss, and a big table's slots miss cache.
 * A second one holds the keys flagged KEY_FULL when it is built (and any
 * key put later, whose flags are not known yet), a third the pairs of
 * ccg__table_may_go_on (for keys put later: every prefix of theirs).
 */
int ccg__table_bloom(ccg__table *t);
/**
 * ccg__table_bloom in its two steps: the filters of the keys, then the
 * pairs, which only read the table and the first filter (so another thread
 * may read them meanwhile: ccg__overlay_seal).
 */
int ccg__table_bloom_keys(ccg__table *t);
void ccg__table_bloom_pairs(ccg__table *t);

static inline uint32_t ccg__bloom_bit(uint32_t h, unsigned bits)
{
    return (h * 0x9E3779B1u) >> (32 - bits); /* not the slot's low bits */
}

/** False if the key of hash h (ccg__hash) is surely not in t. */
static inline bool ccg__table_may_have(const ccg__table *t, uint32_t h)
{
    if (!t->bloom)
        return t->n > 0;
    uint32_t b = ccg__bloom_bit(h, t->bloom_bits);
    return t->bloom[b >> 6] >> (b & 63) & 1;
}

static inline uint32_t ccg__pair_bit(uint32_t h, unsigned char next, unsigned bits)
{
    return ((h ^ next) * 0x9E3779B1u) >> (32 - bits);
}

/**
 * False if no full key of t goes on with byte next after the key prefix of
 * hash h (ccg__hash): a walk over a text's atoms can stop there.
 */
static inline bool ccg__table_may_go_on(const ccg__table *t, uint32_t h, unsigned char next)
{
    if (!t->pairs)
        return t->n > 0;
    uint32_t b = ccg__pair_bit(h, next, t->bloom_bits);
    return t->pairs[b >> 6] >> (b & 63) & 1;
}

/** False if the key of hash h is surely not a KEY_FULL key of t. */
static inline bool ccg__table_may_have_full(const ccg__table *t, uint32_t h)
{
    if (!t->bloom_full)
        return t->n > 0;
    uint32_t b = ccg__bloom_bit(h, t->bloom_bits);
    return t->bloom_full[b >> 6] >> (b & 63) & 1;
}

/* ---- the extractor ------------------------------------------------------- */


/* How a lexicon form must match the case of the text. */
enum {
    CASE_ANY = 0,  /* lower-case or multi-word forms */
    CASE_UPPER,    /* acronyms: the text's letters must be upper case too */
    CASE_MIXED,    /* LLaMA, PyTorch: the form's exact case, or Title case (Llama) */
    CASE_MIXED_L,  /* mAP, nuScenes, vLLM: the form's exact case */
    CASE_CAP,      /* Transformer: capitalised, or all lower for a method */
};

typedef struct {
    uint32_t name;        /* offset in x->strings */
    uint8_t type;
    uint8_t family;       /* the name carries no digit: versions may follow */
    uint8_t has_long;     /* one of its forms has several words (a long form) */
    uint32_t longform;    /* offset + 1 in x->strings of its first long form, 0: none */
} ccg__lexentry;

typedef struct {
    uint32_t entry;
    uint8_t caseclass;
    int32_t next;         /* next form with the same key, or -1 */
    uint32_t text;        /* CASE_MIXED*: offset + 1 of the form in x->strings, else 0 */
} ccg__lexform;

/**
 * A Bloom filter of the keys of two atoms where a table's walk may find a
 * match (ccg__table's keys, and its full keys with a plural 's' or '+'
 * after, each split at a prefix key: pair_key), and for the lexicon of the
 * keys of one atom that may end one (the full keys, and the same plurals):
 * pass_overlay and pass_lexicon in extractor.c sweep a text's atoms with it
 * (starts_build). The overlay's also holds, in the word of each pair, the
 * bytes a key goes on with after it (next_mask in extractor.c).
 */
typedef struct {
    uint64_t *bits;
    unsigned log2;        /* of its size in bits */
} ccg__starts;

/** Per-extraction buffers, and the extractor's list of free ones (extractor.c). */
typedef struct ccg__scratch ccg__scratch;
typedef struct ccg__scratch_pool ccg__scratch_pool;
int ccg__scratch_pool_new(ccg__scratch_pool **out);
void ccg__scratch_pool_free(ccg__scratch_pool *p);

struct ccg_extractor {
    ccg_extractor_options opts;
    ccg__table lex;       /* folded forms (and their prefixes) -> forms, with a Bloom filter:
                           * most words of a text are rejected there, without a probe */
    ccg__starts lex_starts;       /* of one atom and of two (pair_key; ccg__lexicon_seal) */
    ccg__lexentry *entries;
    size_t n_entries, cap_entries;
    ccg__lexform *forms;
    size_t n_forms, cap_forms;
    ccg_buf strings;      /* names, NUL-separated */
    ccg__table stop;      /* loose-folded stop strings */
    ccg__table thesaurus; /* loose-folded labels -> replacement */
    ccg__table nouns;     /* lower-cased type nouns (benchmark, model, ...) -> ccg_entity_type */
    void *patterns;       /* compiled PCRE2 patterns (patterns.c) */
    ccg__scratch_pool *pool;      /* buffers for extractions, shared by threads */
};

/** Adds lexicon/stop text from memory; name is used in messages. */
int ccg__lexicon_load(ccg_extractor *x, const char *name, const char *text, size_t len,
                      bool stop_only);
int ccg__stop_load(ccg_extractor *x, const char *name, const char *text, size_t len);
/**
 * Readies x->lex for extraction once its forms are all put, and again after
 * more are: its Bloom filters (ccg__table_bloom) and x->lex_starts.
 */
int ccg__lexicon_seal(ccg_extractor *x);
/** Longest type noun (noun_type in extractor.c). */
#define NOUN_MAX 16
/** Fills x->nouns from the built-in lists of type nouns. */
int ccg__nouns_load(ccg_extractor *x);
/** True if the loose key of s is a stop string (also tried without a plural s). */
bool ccg__is_stop(const ccg_extractor *x, const char *s, size_t n);
const char *ccg__lex_name(const ccg_extractor *x, uint32_t entry);
/**
 * Does text [text, text+n) spell the mixed-case lexicon form in a case it
 * accepts? The first part in the form's case or in Title case (Llama for
 * LLaMA; not LLAMA, VLLM for vLLM, LoRa for LoRA); later parts in any case
 * unless they have inner capitals (LLM-as-a-judge for LLM-as-a-Judge).
 */
bool ccg__case_matches(const char *form, const char *text, size_t n);

/* One mention as extraction builds it, before names are shared. */
typedef struct {
    uint32_t start, end;  /* span of the mention in the text */
    char *name;           /* canonical name within the text (owned) */
    int type;             /* -1 until typed */
    int lexentry;         /* lexicon entry or -1 */
    bool introduced;
    const char *rule;
    uint32_t votes[CCG_TYPE_COUNT];
    bool generic;         /* defined by a field or task long form: never introduced */
    bool coined;          /* introduced only because the paper defines it in Title Case
                           * (a name several papers define so is established: annotate) */
} ccg__mention;

/**
 * Extraction of one text with an optional extra table of long forms found
 * elsewhere in the corpus (annotate's second pass): key -> name.
 * ccg__extract and ccg__overlay_extend take it sealed (ccg__overlay_seal).
 */
typedef struct {
    ccg__table keys;      /* folded long forms (and prefixes) -> value: offset of the name in names */
    ccg_buf names;
    ccg__starts starts;   /* of two atoms only: a match the overlay's walk keeps spans two
                           * (ccg__overlay_seal; pass_overlay in extractor.c) */
} ccg__overlay;

/**
 * Readies an overlay whose keys are all put for extraction: the Bloom
 * filters of its table (ccg__table_bloom) and its starts, on up to
 * `threads` threads (0: one a core; ccg__parallel_for).
 */
int ccg__overlay_seal(ccg__overlay *ov, unsigned threads);
void ccg__overlay_free(ccg__overlay *ov);

int ccg__extract(const ccg_extractor *x, const char *text, size_t len, ccg__mention **out,
                 size_t *n_out,
                 /* long-form definitions found: pairs (long form, short name) */
                 char ***defs, size_t *n_defs,
                 /* optional: the text's sentence starts (ccg__sentences), handed over */
                 uint32_t **sent, uint32_t *n_sent);
void ccg__mentions_free_raw(ccg__mention *m, size_t n);
/**
 * Adds to the mentions *m of a text those of the overlay's long forms that
 * no mention covers yet (their type is left to the corpus: -1).
 */
int ccg__overlay_extend(const ccg_extractor *x, const ccg__overlay *ov, const char *text,
                        size_t len, ccg__mention **m, size_t *n);


/** The sentence (index into starts) holding byte offset off. */
uint32_t ccg__sentence_of(const uint32_t *starts, uint32_t n, size_t off);
/** Sentence starts of a text (byte offsets; the first is 0). */
int ccg__sentences(const char *text, size_t len, uint32_t **out, uint32_t *n);

#endif
