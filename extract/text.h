/*
 * text.h: the text cleanup every reader applies to titles, abstracts and
 * other free text (private to extract/).
 */
#ifndef CCG_TEXT_H
#define CCG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** What ccg__text_clean found and repaired. */
typedef struct {
    bool repaired_utf8; /**< invalid UTF-8 was replaced by U+FFFD */
} ccg_text_report;

/**
 * Cleans free text from any source into out (replacing its contents):
 * invalid UTF-8 replaced by U+FFFD, markup tags (<p>, <jats:italic>, …)
 * dropped, LaTeX markup reduced to its text (\textit{X} → X, \"{o} → ö,
 * $x$ → x, \% → %, ~ → space), HTML/XML entities decoded, control
 * characters removed, all whitespace (hard line wraps included) collapsed
 * to single spaces and trimmed, then Unicode NFC.
 * Every other character survives as is ("Open-FinLLMs", "Qwen2.5-VL").
 * Returns 0 or CCG_ENOMEM.
 */
int ccg__text_clean(const char *s, size_t n, ccg_buf *out, ccg_text_report *rep);

/**
 * ccg__text_clean after what out holds already, which stays as it is (and
 * must end where a character may start).
 */
int ccg__text_clean_append(const char *s, size_t n, ccg_buf *out, ccg_text_report *rep);

/**
 * The capacity out needs, beyond what it holds, for ccg__text_clean(_append)
 * of n bytes not to grow it (it may, where entities or LaTeX come out
 * longer than they went in).
 */
#define CCG__TEXT_ROOM(n) ((n) + 2)

/** ccg__text_clean into a new malloc'd string (NULL on ENOMEM). */
char *ccg__text_clean_dup(const char *s, size_t n, ccg_text_report *rep);

/**
 * Normalises an arXiv identifier: drops "arXiv:", an abs/pdf URL prefix and
 * a version suffix. Writes the bare id into out (size >= 64) and returns
 * true when s holds a well-formed new-style (2409.14144) or old-style
 * (cs/0101001, math.AG/0601001) id; false otherwise.
 */
bool ccg__arxiv_id(const char *s, size_t n, char out[64]);

/** The year and month an arXiv id was submitted (2409.x → 2024, 9). */
void ccg__arxiv_date(const char *id, int *year, int *month);

/**
 * Normalises a DOI: drops "https://doi.org/", "doi:" and whitespace,
 * lower-cases it. Returns a new string, or NULL when s holds no DOI
 * ("10." prefix) or on ENOMEM (then *nomem is set).
 */
char *ccg__doi_norm(const char *s, size_t n, bool *nomem);

#endif
