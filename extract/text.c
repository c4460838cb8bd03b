/*
 * text.c: one cleanup for the free text of every input format.
 *
 * Abstracts arrive with arXiv's hard line wraps, LaTeX (\textit{}, \"{o},
 * $x$), JATS/HTML tags and entities from publishers, broken UTF-8 from old
 * exports, and decomposed accents. Extraction and every exporter want one
 * thing: NFC UTF-8 on one line, names intact. Cleanup is one pass over the
 * bytes (after a validation pass that repairs bad UTF-8 only when needed),
 * then NFC through utf8proc only when a character that NFC can change occurs.
 */
#include "text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Bytes a UTF-8 sequence starting with b takes (0 = invalid lead byte). */
static int utf8_len(unsigned char b)
{
    if (b < 0x80) return 1;
    if (b < 0xC2) return 0;
    if (b < 0xE0) return 2;
    if (b < 0xF0) return 3;
    if (b < 0xF5) return 4;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (0 if invalid); *cp its code point. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    int len = utf8_len(s[0]);
    if (len == 0 || (size_t)len > n)
        return 0;
    if (len == 1) {
        *cp = s[0];
        return 1;
    }
    uint32_t c = s[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return (size_t)len;
}

static int put_cp(ccg_buf *b, uint32_t c)
{
    char u[4];
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)u);
    return ccg__buf_add(b, u, (size_t)n);
}

/* Copies s into out with each invalid UTF-8 sequence replaced by U+FFFD. */
static int repair_utf8(const char *s, size_t n, ccg_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int err = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (k == 0) {
            if ((err = ccg__buf_add(out, "\xEF\xBF\xBD", 3)) < 0)
                return err;
            i++;
            continue;
        }
        if ((err = ccg__buf_add(out, s + i, k)) < 0)
            return err;
        i += k;
    }
    return 0;
}

static bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII 64, 16 or 8 bytes at a time: most text is */
#ifdef __SSE2__
        const __m128i *q = (const __m128i *)(const void *)(p + i);
        while (n - i >= 64 && !_mm_movemask_epi8(_mm_or_si128(
                                  _mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
                                  _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3))))) {
            i += 64;
            q += 4;
        }
        while (n - i >= 16 && !_mm_movemask_epi8(_mm_loadu_si128(q))) {
            i += 16;
            q++;
        }
#endif
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

/* ---- NFC -------------------------------------------------------------- */

/* The second half of a composition? utf8proc 2.9 has a bit for it; before,
 * such code points have a comb_index from 0x8000 (checked on 2.8.0). */
#if UTF8PROC_VERSION_MAJOR > 2 || (UTF8PROC_VERSION_MAJOR == 2 && UTF8PROC_VERSION_MINOR >= 9)
#define SECOND_HALF(p) ((p)->comb_issecond)
#else
#define SECOND_HALF(p) ((p)->comb_index != UINT16_MAX && (p)->comb_index >= 0x8000)
#endif

/*
 * Can NFC change a text because it holds this code point? True for
 * combining marks, Hangul jamo, anything with a canonical decomposition and
 * the other second halves of compositions (U+0B3E, U+0DCF, …). Not for
 * what has only a compatibility decomposition ("…", "ℓ"), which NFC leaves
 * alone. A text none of whose characters is sensitive is its own NFC.
 */
static bool nfc_sensitive(uint32_t cp)
{
    if (cp < 0x300)
        return false;
    if (cp >= 0x1100 && cp <= 0x11FF)
        return true;
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    return p->combining_class != 0 || p->comp_exclusion ||
           (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0) || SECOND_HALF(p);
}

/* Is any character of the valid UTF-8 s[0, n) sensitive to NFC? */
static bool nfc_sensitive_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0 || nfc_sensitive(cp))
            return true;
        i += k;
    }
    return false;
}

/* Does a character below U+0300 start at this byte? Such a one never composes with what precedes it. */
static bool nfc_boundary(unsigned char b) { return b < 0x80 || (b >= 0xC2 && b <= 0xCB); }

/*
 * NFC of the valid UTF-8 in out from start, in place. Only the stretches around
 * sensitive characters go through utf8proc, which costs some 250
 * instructions a character: each from the last character below U+0300
 * before one to the first after it. A character below U+0300 is a
 * composition boundary (it has no canonical decomposition that starts with
 * a non-starter and is the second half of no composition), so the NFC of
 * the text is that of its stretches, and the rest is its own NFC.
 */
static int nfc_in_place(ccg_buf *out, size_t start)
{
    const unsigned char *d = (const unsigned char *)out->data;
    size_t n = out->len, done = 0, lo = start, i = start; /* copied up to done; stretches from lo */
    ccg_buf res = CCG_BUF_INIT;
    int err = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = d[i] < 0x80 ? 1 : utf8_decode(d + i, n - i, &cp);
        if (d[i] < 0x80 || !nfc_sensitive(cp)) {
            i += k ? k : 1;
            continue;
        }
        size_t a = i, b = i + k;
        while (a > lo && !nfc_boundary(d[a]))
            a--;
        while (b < n && !nfc_boundary(d[b]))
            b++;
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t m = utf8proc_map(d + a, (utf8proc_ssize_t)(b - a), &nfc,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (m < 0) {
            /* only ENOMEM is possible on valid input */
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        err = ccg__buf_add(&res, out->data + done, a - done);
        if (err == 0)
            err = ccg__buf_add(&res, (const char *)nfc, (size_t)m);
        free(nfc);
        if (err < 0)
            goto cleanup;
        done = lo = i = b;
    }
    if (res.data) {
        if ((err = ccg__buf_add(&res, out->data + done, n - done)) < 0)
            goto cleanup;
        ccg_buf t = *out;
        *out = res;
        res = t;
    }
cleanup:
    ccg__buf_free(&res);
    return err;
}

/* ---- tables ---------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *text;
} pair;

/* Named HTML entities seen in publisher abstracts (numeric ones are decoded generally). */
static const pair entities[] = {
    {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"},
    {"nbsp", " "}, {"ndash", "\xE2\x80\x93"}, {"mdash", "\xE2\x80\x94"},
    {"hellip", "\xE2\x80\xA6"}, {"lsquo", "\xE2\x80\x98"}, {"rsquo", "\xE2\x80\x99"},
    {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"}, {"minus", "\xE2\x88\x92"},
    {"times", "\xC3\x97"}, {"deg", "\xC2\xB0"}, {"plusmn", "\xC2\xB1"},
    {"le", "\xE2\x89\xA4"}, {"ge", "\xE2\x89\xA5"}, {"micro", "\xC2\xB5"},
    {"alpha", "\xCE\xB1"}, {"beta", "\xCE\xB2"}, {"gamma", "\xCE\xB3"},
    {"lambda", "\xCE\xBB"}, {"mu", "\xCE\xBC"}, {"sigma", "\xCF\x83"},
    {"copy", "\xC2\xA9"}, {"reg", "\xC2\xAE"}, {"trade", "\xE2\x84\xA2"},
};

/* LaTeX control words that stand for a character or a word. */
static const pair latex_symbols[] = {
    {"alpha", "\xCE\xB1"}, {"beta", "\xCE\xB2"}, {"gamma", "\xCE\xB3"},
    {"delta", "\xCE\xB4"}, {"epsilon", "\xCE\xB5"}, {"varepsilon", "\xCE\xB5"},
    {"zeta", "\xCE\xB6"}, {"eta", "\xCE\xB7"}, {"theta", "\xCE\xB8"},
    {"iota", "\xCE\xB9"}, {"kappa", "\xCE\xBA"}, {"lambda", "\xCE\xBB"},
    {"mu", "\xCE\xBC"}, {"nu", "\xCE\xBD"}, {"xi", "\xCE\xBE"}, {"pi", "\xCF\x80"},
    {"rho", "\xCF\x81"}, {"sigma", "\xCF\x83"}, {"tau", "\xCF\x84"},
    {"phi", "\xCF\x86"}, {"varphi", "\xCF\x86"}, {"chi", "\xCF\x87"},
    {"psi", "\xCF\x88"}, {"omega", "\xCF\x89"}, {"Gamma", "\xCE\x93"},
    {"Delta", "\xCE\x94"}, {"Theta", "\xCE\x98"}, {"Lambda", "\xCE\x9B"},
    {"Pi", "\xCE\xA0"}, {"Sigma", "\xCE\xA3"}, {"Phi", "\xCE\xA6"},
    {"Psi", "\xCE\xA8"}, {"Omega", "\xCE\xA9"},
    {"times", "\xC3\x97"}, {"cdot", "\xC2\xB7"}, {"pm", "\xC2\xB1"},
    {"leq", "\xE2\x89\xA4"}, {"le", "\xE2\x89\xA4"}, {"geq", "\xE2\x89\xA5"},
    {"ge", "\xE2\x89\xA5"}, {"neq", "\xE2\x89\xA0"}, {"approx", "\xE2\x89\x88"},
    {"sim", "~"}, {"infty", "\xE2\x88\x9E"}, {"rightarrow", "\xE2\x86\x92"},
    {"to", "\xE2\x86\x92"}, {"leftarrow", "\xE2\x86\x90"}, {"Rightarrow", "\xE2\x87\x92"},
    {"ldots", "\xE2\x80\xA6"}, {"dots", "\xE2\x80\xA6"}, {"cdots", "\xE2\x8B\xAF"},
    {"textendash", "\xE2\x80\x93"}, {"textemdash", "\xE2\x80\x94"},
    {"textasciitilde", "~"}, {"textbackslash", "\\"}, {"textbar", "|"},
    {"textless", "<"}, {"textgreater", ">"}, {"degree", "\xC2\xB0"}, {"deg", "\xC2\xB0"},
    {"textdegree", "\xC2\xB0"},
    {"euro", "\xE2\x82\xAC"}, {"LaTeX", "LaTeX"}, {"TeX", "TeX"},
    {"in", "\xE2\x88\x88"}, {"notin", "\xE2\x88\x89"}, {"subset", "\xE2\x8A\x82"},
    {"subseteq", "\xE2\x8A\x86"}, {"cup", "\xE2\x88\xAA"}, {"cap", "\xE2\x88\xA9"},
    {"forall", "\xE2\x88\x80"}, {"exists", "\xE2\x88\x83"}, {"sum", "\xE2\x88\x91"},
    {"prod", "\xE2\x88\x8F"}, {"int", "\xE2\x88\xAB"}, {"partial", "\xE2\x88\x82"},
    {"nabla", "\xE2\x88\x87"}, {"ell", "\xE2\x84\x93"}, {"propto", "\xE2\x88\x9D"},
    {"equiv", "\xE2\x89\xA1"}, {"ll", "\xE2\x89\xAA"}, {"gg", "\xE2\x89\xAB"},
    {"circ", "\xE2\x88\x98"}, {"emptyset", "\xE2\x88\x85"}, {"varnothing", "\xE2\x88\x85"},
    {"oplus", "\xE2\x8A\x95"}, {"otimes", "\xE2\x8A\x97"}, {"langle", "\xE2\x9F\xA8"},
    {"rangle", "\xE2\x9F\xA9"}, {"mid", "|"}, {"vert", "|"}, {"lvert", "|"}, {"rvert", "|"},
    {"Vert", "\xE2\x80\x96"}, {"prime", "\xE2\x80\xB2"}, {"dagger", "\xE2\x80\xA0"},
    {"checkmark", "\xE2\x9C\x93"}, {"uparrow", "\xE2\x86\x91"}, {"downarrow", "\xE2\x86\x93"},
    {"leftrightarrow", "\xE2\x86\x94"}, {"Leftrightarrow", "\xE2\x87\x94"},
    {"mapsto", "\xE2\x86\xA6"}, {"top", "\xE2\x8A\xA4"}, {"perp", "\xE2\x8A\xA5"},
    {"neg", "\xC2\xAC"}, {"land", "\xE2\x88\xA7"}, {"lor", "\xE2\x88\xA8"},
    {"wedge", "\xE2\x88\xA7"}, {"vee", "\xE2\x88\xA8"}, {"simeq", "\xE2\x89\x83"},
    {"ast", "*"}, {"star", "\xE2\x8B\x86"}, {"bullet", "\xE2\x80\xA2"},
    {"ss", "\xC3\x9F"}, {"o", "\xC3\xB8"}, {"O", "\xC3\x98"}, {"ae", "\xC3\xA6"},
    {"AE", "\xC3\x86"}, {"oe", "\xC5\x93"}, {"OE", "\xC5\x92"}, {"aa", "\xC3\xA5"},
    {"AA", "\xC3\x85"}, {"l", "\xC5\x82"}, {"L", "\xC5\x81"}, {"i", "\xC4\xB1"},
    {"j", "\xC8\xB7"},
};

/* Control words whose {argument} is not text: dropped with it. */
static const char *const latex_drop_arg[] = {
    "cite", "citep", "citet", "ref", "eqref", "label", "footnote", "thanks",
    "vspace", "hspace", "includegraphics",
};

/* Accent commands and the combining mark each one puts on its argument. */
static uint32_t accent_mark(const char *name, size_t n)
{
    if (n != 1)
        return 0;
    switch (name[0]) {
    case '`': return 0x300;
    case '\'': return 0x301;
    case '^': return 0x302;
    case '~': return 0x303;
    case '=': return 0x304;
    case 'u': return 0x306;
    case '.': return 0x307;
    case '"': return 0x308;
    case 'r': return 0x30A;
    case 'H': return 0x30B;
    case 'v': return 0x30C;
    case 'd': return 0x323;
    case 'c': return 0x327;
    case 'k': return 0x328;
    case 'b': return 0x331;
    }
    return 0;
}

static const char *lookup(const pair *t, size_t nt, const char *name, size_t n)
{
    for (size_t i = 0; i < nt; i++) /* most names differ at once */
        if (t[i].name[0] == name[0] && strlen(t[i].name) == n && memcmp(t[i].name, name, n) == 0)
            return t[i].text;
    return NULL;
}

/* Markup tags dropped from publisher abstracts; any namespaced tag (jats:p, mml:mi) too. */
static const char *const known_tags[] = {
    "p", "i", "b", "u", "em", "strong", "sub", "sup", "br", "span", "div", "sc",
    "scp", "a", "italic", "bold", "title", "sec", "list", "list-item", "abstract",
    "inline-formula", "tex-math", "math", "mi", "mo", "mn", "mrow", "msub", "msup",
};

/* ---- the cleaning pass ---------------------------------------------- */

typedef struct {
    ccg_buf *out;
    size_t start;    /* where the text starts in out */
    bool space;      /* whitespace seen since the last visible character */
    bool need_nfc;   /* a character NFC may change was produced (nfc_sensitive) */
} writer;

static int emit(writer *w, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (w->space && w->out->len > w->start) {
        int err = ccg__buf_putc(w->out, ' ');
        if (err < 0)
            return err;
    }
    w->space = false;
    return ccg__buf_add(w->out, s, n);
}

static bool is_ws(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/*
 * Length of a markup tag at s (starting with '<') to drop, or 0 if it is not
 * one; *block tells whether it separates words (<p>, <br/>, <jats:title>).
 */
static size_t tag_len(const char *s, size_t n, bool *block)
{
    static const char *const blocks[] = {"p", "br", "div", "sec", "title", "list-item", "abstract"};
    size_t i = 1;
    if (i < n && s[i] == '/')
        i++;
    size_t name = i, local = i;
    bool ns = false;
    while (i < n && i < 64 && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':')) {
        if (s[i] == ':') {
            ns = true;
            local = i + 1;
        }
        i++;
    }
    if (i == name || !isalpha((unsigned char)s[name]))
        return 0;
    bool known = ns;
    for (size_t k = 0; !known && k < sizeof known_tags / sizeof *known_tags; k++)
        known = strlen(known_tags[k]) == i - name &&
                strncmp(known_tags[k], s + name, i - name) == 0;
    if (!known)
        return 0;
    *block = false;
    for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++)
        if (strlen(blocks[k]) == i - local && strncmp(blocks[k], s + local, i - local) == 0)
            *block = true;
    /* attributes must look like attributes: name="value" */
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
            i++;
        if (i < n && s[i] == '>')
            return i + 1;
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '>')
            return i + 2;
        size_t a = i;
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == ':' || s[i] == '_'))
            i++;
        if (i == a || i >= n || s[i] != '=' || i + 1 >= n || (s[i + 1] != '"' && s[i + 1] != '\''))
            return 0;
        const char *q = memchr(s + i + 2, s[i + 1], n - i - 2 > 4096 ? 4096 : n - i - 2);
        if (!q || q - s > 4096)
            return 0;
        i = (size_t)(q - s) + 1;
    }
}

/* Decodes an entity at s ('&'); returns its length and fills buf, or 0. */
static size_t entity(const char *s, size_t n, char buf[8], size_t *blen)
{
    size_t i = 1;
    while (i < n && i < 12 && s[i] != ';' && (isalnum((unsigned char)s[i]) || s[i] == '#'))
        i++;
    if (i >= n || s[i] != ';' || i == 1)
        return 0;
    if (s[1] == '#') {
        uint32_t c = 0;
        size_t k = 2;
        bool hex = k < i && (s[k] == 'x' || s[k] == 'X');
        if (hex)
            k++;
        if (k == i)
            return 0;
        for (; k < i; k++) {
            int d = hex && isxdigit((unsigned char)s[k])
                        ? (isdigit((unsigned char)s[k]) ? s[k] - '0' : (tolower((unsigned char)s[k]) - 'a' + 10))
                        : (isdigit((unsigned char)s[k]) ? s[k] - '0' : -1);
            if (d < 0 || c > 0x10FFFF)
                return 0;
            c = c * (hex ? 16 : 10) + (uint32_t)d;
        }
        if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            c = 0xFFFD;
        *blen = (size_t)utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)buf);
        return i + 1;
    }
    const char *t = lookup(entities, sizeof entities / sizeof *entities, s + 1, i - 1);
    if (!t)
        return 0;
    *blen = strlen(t);
    memcpy(buf, t, *blen);
    return i + 1;
}

/*
 * Skips a balanced {...} group at s[i]; returns the index after it. A group
 * still open after GROUP_MAX bytes is not one (only its brace is skipped):
 * rescanning to the end for every "\cite{" would make cleanup quadratic.
 */
#define GROUP_MAX 512
static size_t skip_group(const char *s, size_t n, size_t i)
{
    int depth = 0;
    size_t start = i, stop = n - i > GROUP_MAX ? i + GROUP_MAX : n;
    for (; i < stop; i++) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        else if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && --depth == 0)
            return i + 1;
    }
    return start + 1;
}

/*
 * The argument of an accent at s[i]: "{o}", "{\i}", "o" or " o". Writes the
 * base letter (as UTF-8) and returns the index after the argument, or 0 if
 * there is none.
 */
static size_t accent_arg(const char *s, size_t n, size_t i, const char **base, size_t *blen)
{
    bool brace = i < n && s[i] == '{';
    if (brace)
        i++;
    else
        while (i < n && s[i] == ' ')
            i++;
    if (i >= n)
        return 0;
    if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'i' || s[i + 1] == 'j') &&
        (i + 2 >= n || !isalpha((unsigned char)s[i + 2]))) {
        *base = s[i + 1] == 'i' ? "i" : "j"; /* dotless i under an accent is plain i */
        *blen = 1;
        i += 2;
    } else {
        uint32_t cp;
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0 || s[i] == '}' || s[i] == '{' || s[i] == '\\' || is_ws((unsigned char)s[i]))
            return 0;
        *base = s + i;
        *blen = k;
        i += k;
    }
    if (brace) {
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n || s[i] != '}')
            return 0;
        i++;
    }
    return i;
}

/* Is there a closing '$' for a '$' at s[i]? (unescaped, within a sane distance) */
static bool math_closes(const char *s, size_t n, size_t i)
{
    size_t end = n - i > 2000 ? i + 2000 : n;
    for (size_t k = i + 1; k < end; k++) {
        if (s[k] == '\\')
            k++;
        else if (s[k] == '$')
            return k > i + 1;
    }
    return false;
}

/* Handles a backslash at s[i]; returns the index after what it consumed. */
static int latex(writer *w, const char *s, size_t n, size_t i, size_t *next)
{
    int err = 0;
    size_t j = i + 1;
    if (j >= n) {
        *next = n;
        return 0;
    }
    unsigned char c = (unsigned char)s[j];
    if (c >= 0x80) /* what follows keeps a character the byte loop does not see whole */
        w->need_nfc = true;
    if (strchr("%&$#_{}", c)) {
        *next = j + 1;
        return emit(w, s + j, 1);
    }
    if (c == '\\' || c == ',' || c == ';' || c == ':' || c == ' ' || c == '\n') {
        w->space = true;
        *next = j + 1;
        return 0;
    }
    if (c == '!' || c == '(' || c == ')' || c == '[' || c == ']' || c == '/') {
        *next = j + 1; /* inline/display math delimiters and kerns */
        return 0;
    }
    size_t name = j, nlen;
    if (isalpha(c)) {
        while (j < n && isalpha((unsigned char)s[j]))
            j++;
        nlen = j - name;
    } else {
        j++;
        nlen = 1;
    }
    uint32_t mark = accent_mark(s + name, nlen);
    if (mark && (nlen == 1 && (!isalpha(c) || (j < n && (s[j] == '{' || s[j] == ' '))))) {
        const char *base;
        size_t blen;
        size_t after = accent_arg(s, n, j, &base, &blen);
        if (after) {
            if ((err = emit(w, base, blen)) < 0 || (err = put_cp(w->out, mark)) < 0)
                return err;
            w->need_nfc = true;
            *next = after;
            return 0;
        }
    }
    if (!isalpha(c)) { /* an unknown control symbol: keep the character */
        *next = j;
        return emit(w, s + name, nlen);
    }
    const char *sym = lookup(latex_symbols, sizeof latex_symbols / sizeof *latex_symbols,
                             s + name, nlen);
    if (sym) {
        /* TeX eats the space after a control word: "Stra\ss e" is Straße */
        static const char letters[] = " ss o O ae AE oe OE aa AA l L i j ";
        char word[8];
        bool letter = false;
        if (nlen <= 2) {
            snprintf(word, sizeof word, " %.*s ", (int)nlen, s + name);
            letter = strstr(letters, word) != NULL;
        }
        if (letter && j < n && s[j] == ' ')
            j++;
        if (j + 1 < n && s[j] == '{' && s[j + 1] == '}')
            j += 2;
        *next = j;
        size_t slen = strlen(sym);
        if (!w->need_nfc && nfc_sensitive_text(sym, slen)) /* \neq is U+2260 */
            w->need_nfc = true;
        return emit(w, sym, slen);
    }
    for (size_t k = 0; k < sizeof latex_drop_arg / sizeof *latex_drop_arg; k++)
        if (strlen(latex_drop_arg[k]) == nlen && memcmp(latex_drop_arg[k], s + name, nlen) == 0) {
            if (j < n && s[j] == '[') { /* an optional argument */
                const char *e = memchr(s + j, ']', n - j > GROUP_MAX ? GROUP_MAX : n - j);
                j = e ? (size_t)(e - s) + 1 : j;
            }
            *next = j < n && s[j] == '{' ? skip_group(s, n, j) : j;
            return 0;
        }
    if (nlen == 4 && memcmp(s + name, "href", 4) == 0 && j < n && s[j] == '{') {
        *next = skip_group(s, n, j); /* \href{url}{text}: the text stays */
        return 0;
    }
    /*
     * Formatting commands (\textit, \emph, \mathcal, \bf, …) and any other
     * control word followed by a group: the command goes, the group's text
     * stays. A bare unknown word (\LLaMA) keeps its name as text.
     */
    static const char *const formatting[] = {
        "textit", "textbf", "emph", "texttt", "textsc", "textrm", "textsf", "text",
        "mathrm", "mathbf", "mathit", "mathcal", "mathbb", "mathsf", "mathtt",
        "mathfrak", "mathscr", "boldsymbol", "bm", "mbox", "textup", "textnormal",
        "underline", "operatorname", "url", "it", "bf", "em", "tt", "sc", "rm",
        "sf", "small", "large", "Large", "huge", "normalsize", "footnotesize",
        "scriptsize", "tiny", "left", "right", "big", "Big", "quad", "qquad",
        "noindent", "newline", "par", "displaystyle", "limits", "hat", "bar",
        "tilde", "vec", "widehat", "widetilde", "overline", "textsuperscript",
        "textsubscript", "mathop", "textstyle",
    };
    for (size_t k = 0; k < sizeof formatting / sizeof *formatting; k++)
        if (strlen(formatting[k]) == nlen && memcmp(formatting[k], s + name, nlen) == 0) {
            if (j < n && s[j] == ' ' && nlen > 1)
                j++;
            *next = j;
            return 0;
        }
    if (j < n && s[j] == '{') {
        *next = j;
        return 0;
    }
    *next = j;
    return emit(w, s + name, nlen);
}

/* Bytes the cleanup looks at; every other byte is copied as is. */
#define SPECIAL_BYTE(c)                                                                        \
    ((c) < 0x21 || (c) == '\\' || (c) == '$' || (c) == '{' || (c) == '}' || (c) == '~' ||        \
     (c) == '&' || (c) == '<' || (c) == 0x7F || (c) >= 0xC2)
#define R4(c) SPECIAL_BYTE(c), SPECIAL_BYTE((c) + 1), SPECIAL_BYTE((c) + 2), SPECIAL_BYTE((c) + 3)
#define R16(c) R4(c), R4((c) + 4), R4((c) + 8), R4((c) + 12)
#define R64(c) R16(c), R16((c) + 16), R16((c) + 32), R16((c) + 48)
/* the same as a table: the test runs once per byte of every text */
static const bool special_tab[256] = {R64(0), R64(64), R64(128), R64(192)};
#undef R64
#undef R16
#undef R4
#undef SPECIAL_BYTE

static bool special(unsigned char c) { return special_tab[c]; }

/*
 * Can the 8 bytes at s join a run of plain bytes as the byte loop in
 * copy_run would let them (no special byte, each space single and
 * followed by a plain byte inside the word, a leading space only after a
 * plain byte)? Tested a word at a time (SWAR, portable C; no SIMD library
 * among the dependencies), where SSE2 is missing. False means "let the
 * byte loop decide": '|' and bytes 0x80-0xC1 are refused though plain, and
 * so is whitespace other than ' ', which the byte loop turns into spaces.
 */
#ifndef __SSE2__
static bool plain8(const char *s, bool after_plain)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    uint64_t w;
    memcpy(&w, s, 8);
    /* bytes below 0x20, from 0x7B ('{', '}', '~', 0x7F, and '|') and non-ASCII, and the rest */
    uint64_t stop = ccg__bytes_below(w, 0x20) | w | ((w & low7) + CCG__ONES8 * (0x80 - 0x7B));
    stop |= ccg__bytes_eq(w, '\\') | ccg__bytes_eq(w, '$') | ccg__bytes_eq(w, '&') |
            ccg__bytes_eq(w, '<');
    if (stop & CCG__HIGH8)
        return false;
    /* spaces, exactly per byte: none doubled, none last, none first unless after a plain byte */
    uint64_t x = w ^ (CCG__ONES8 * ' ');
    uint64_t sp = ~(((x & low7) + low7) | x | low7);
    return !(sp & (sp << 8)) && !(sp >> 63) && (after_plain || !(sp & 0x80));
#else
    (void)s;
    (void)after_plain;
    return false;
#endif
}
#endif

#ifdef __SSE2__
/*
 * How many of the 16 bytes at s join the run of plain bytes that started
 * before them or at them, as the byte loop in copy_run would let them;
 * edge has bit 15 set when the byte after them is special or missing (so
 * whitespace last ends the run), bit 0 when the run starts at them (so
 * whitespace first does not join it). The bytes go to d as they are, each
 * whitespace byte as a space. With SSE2 (every x86-64; compiler
 * intrinsics): most of an abstract is such blocks, and a block that ends
 * the run says where.
 */
static unsigned plain16(const char *s, char *d, unsigned edge)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    /* '\t'..'\r' become spaces first; the other tests then take signed bytes */
    __m128i wsctl = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x08)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8(0x0E)));
    __m128i t = _mm_or_si128(_mm_andnot_si128(wsctl, v), _mm_and_si128(wsctl, _mm_set1_epi8(' ')));
    _mm_storeu_si128((__m128i *)(void *)d, t);
    /* below 0x20 (other control bytes) or from 0x80 (non-ASCII), signed; 0x7B-0x7F ('{', '|', '}', '~', 0x7F) */
    __m128i stop = _mm_or_si128(_mm_cmplt_epi8(t, _mm_set1_epi8(0x20)),
                                _mm_cmpgt_epi8(t, _mm_set1_epi8(0x7A)));
    /* '$' and '&' are 0x24 | 2; '<' and '\\' are 0x1C, 0x3C, 0x5C or 0x7C with 0x60 set */
    stop = _mm_or_si128(stop, _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(t, _mm_set1_epi8(0x02)),
                                                          _mm_set1_epi8(0x26)),
                                           _mm_cmpeq_epi8(_mm_or_si128(t, _mm_set1_epi8(0x60)),
                                                          _mm_set1_epi8(0x7C))));
    unsigned st = (unsigned)_mm_movemask_epi8(stop);
    unsigned ws = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(t, _mm_set1_epi8(' ')));
    /* whitespace followed by whitespace or a special byte, or at an edge that ends the run */
    unsigned bad = st | (ws & (((st | ws) >> 1) | edge));
    return bad ? (unsigned)__builtin_ctz(bad) : 16;
}
#endif

/*
 * Copies the run of plain bytes at s[i] to the output, whitespace single
 * between two plain bytes as a space (a pending space first); *len is its
 * length in the input, 0 if s[i] needs the byte loop of clean_valid.
 */
static int copy_run(writer *w, const char *s, size_t n, size_t i, size_t *len)
{
    ccg_buf *b = w->out;
    /* room for a pending space, the run (it fits in its input) and the NUL */
    if (b->cap - b->len < n - i + 2) {
        int err = ccg__buf_reserve(b, n - i + 1);
        if (err < 0)
            return err;
    }
    bool pending = w->space && b->len > w->start;
    char *d = b->data + b->len + pending; /* d[k - i] is where s[k] goes */
    size_t run = i;
    for (;;) {
#ifdef __SSE2__
        while (n - run >= 16) {
            /* where the next block is does not wait for this one's verdict */
            unsigned edge = (n - run == 16 || special((unsigned char)s[run + 16]) ? 0x8000u : 0) |
                            (run == i);
            unsigned k = plain16(s + run, d + (run - i), edge);
            if (k < 16) {
                run += k;
                break;
            }
            run += 16;
        }
#else
        while (n - run >= 8 && plain8(s + run, run > i)) {
            memcpy(d + (run - i), s + run, 8);
            run += 8;
        }
#endif
        if (run >= n)
            break;
        unsigned char c = (unsigned char)s[run];
        if (!special(c)) {
            d[run - i] = (char)c;
            run++;
        } else if (is_ws(c) && run > i && run + 1 < n && !special((unsigned char)s[run + 1])) {
            d[run - i] = ' '; /* single whitespace between plain characters needs no collapsing */
            d[run - i + 1] = s[run + 1];
            run += 2;
        } else {
            break;
        }
    }
    *len = run - i;
    if (run > i) {
        if (pending)
            b->data[b->len] = ' ';
        b->len += pending + run - i;
        w->space = false;
    }
    b->data[b->len] = '\0';
    return 0;
}

static int clean_valid(const char *s, size_t n, writer *w)
{
    int err = 0;
    bool in_math = false;
    size_t i = 0;
    while (i < n) {
        size_t run;
        if ((err = copy_run(w, s, n, i, &run)) < 0)
            return err;
        if (run) {
            i += run;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (is_ws(c)) {
            w->space = true;
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            i++; /* control characters go */
        } else if (c == '\\') {
            if ((err = latex(w, s, n, i, &i)) < 0)
                return err;
        } else if (c == '$') {
            if (i + 1 < n && s[i + 1] == '$') {
                i += 2;
            } else if (in_math) {
                in_math = false;
                i++;
            } else if (math_closes(s, n, i)) {
                in_math = true;
                i++;
            } else {
                if ((err = emit(w, "$", 1)) < 0)
                    return err;
                i++;
            }
        } else if (c == '{' || c == '}') {
            i++;
        } else if (c == '~') {
            /* a LaTeX tie ("Fig.~3") is a space; "~50%" after a space means about */
            bool approx = (i == 0 || is_ws((unsigned char)s[i - 1])) && i + 1 < n &&
                          isdigit((unsigned char)s[i + 1]);
            bool url = i > 0 && s[i - 1] == '/';
            if (approx || url) {
                if ((err = emit(w, "~", 1)) < 0)
                    return err;
            } else {
                w->space = true;
            }
            i++;
        } else if (c == '&') {
            char buf[8];
            size_t blen = 0, k = entity(s + i, n - i, buf, &blen);
            if (k && blen == 1 && buf[0] == ' ') {
                w->space = true;
            } else if (k && blen > 1 && !w->need_nfc && nfc_sensitive_text(buf, blen)) {
                w->need_nfc = true; /* "&#x301;" */
                if ((err = emit(w, buf, blen)) < 0)
                    return err;
            } else if ((err = emit(w, k ? buf : "&", k ? blen : 1)) < 0) {
                return err;
            }
            i += k ? k : 1;
        } else if (c == '<') {
            bool block = false;
            size_t k = tag_len(s + i, n - i, &block);
            if (k) {
                w->space = w->space || block;
                i += k;
            } else {
                if ((err = emit(w, "<", 1)) < 0)
                    return err;
                i++;
            }
        } else { /* a multi-byte character (input is valid UTF-8 here) */
            uint32_t cp;
            size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
            if (cp == 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0x3000 ||
                (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F) {
                w->space = true; /* Unicode spaces */
            } else if ((cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF || cp == 0xFFFE) {
                /* C1 controls and stray byte-order marks go */
            } else {
                if (!w->need_nfc && nfc_sensitive(cp))
                    w->need_nfc = true;
                if ((err = emit(w, s + i, k)) < 0)
                    return err;
            }
            i += k;
        }
    }
    return 0;
}

int ccg__text_clean(const char *s, size_t n, ccg_buf *out, ccg_text_report *rep)
{
    out->len = 0;
    return ccg__text_clean_append(s, n, out, rep);
}

int ccg__text_clean_append(const char *s, size_t n, ccg_buf *out, ccg_text_report *rep)
{
    ccg_buf fixed = CCG_BUF_INIT;
    size_t start = out->len;
    int err = 0;
    if ((err = ccg__buf_reserve(out, CCG__TEXT_ROOM(n) - 1)) < 0) /* what copy_run wants at the start */
        return err;
    out->data[start] = '\0';
    if (rep)
        rep->repaired_utf8 = false;
    if (!utf8_valid(s, n)) {
        if ((err = repair_utf8(s, n, &fixed)) < 0)
            goto cleanup;
        s = fixed.data;
        n = fixed.len;
        if (rep)
            rep->repaired_utf8 = true;
    }
    writer w = {out, start, false, false};
    if ((err = clean_valid(s, n, &w)) < 0)
        goto cleanup;
    if (w.need_nfc)
        err = nfc_in_place(out, start);
cleanup:
    ccg__buf_free(&fixed);
    return err;
}

char *ccg__text_clean_dup(const char *s, size_t n, ccg_text_report *rep)
{
    ccg_buf b = CCG_BUF_INIT;
    if (ccg__text_clean(s, n, &b, rep) < 0) {
        ccg__buf_free(&b);
        return NULL;
    }
    return ccg__buf_detach(&b);
}

/* ---- identifiers ----------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

bool ccg__arxiv_id(const char *s, size_t n, char out[64])
{
    while (n && is_ws((unsigned char)*s))
        s++, n--;
    while (n && is_ws((unsigned char)s[n - 1]))
        n--;
    static const char *const prefixes[] = {
        "https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/",
        "http://arxiv.org/pdf/", "arxiv.org/abs/", "arXiv:", "arxiv:", "ARXIV:",
    };
    for (size_t k = 0; n && k < sizeof prefixes / sizeof *prefixes; k++) {
        if (s[0] != prefixes[k][0]) /* ids mostly start with a digit */
            continue;
        size_t pl = strlen(prefixes[k]);
        if (n > pl && strncmp(s, prefixes[k], pl) == 0) {
            s += pl;
            n -= pl;
            break;
        }
    }
    if (n > 4 && strncmp(s + n - 4, ".pdf", 4) == 0)
        n -= 4;
    /* version suffix */
    size_t v = n;
    while (v > 0 && isdigit((unsigned char)s[v - 1]))
        v--;
    if (v < n && v > 0 && s[v - 1] == 'v')
        n = v - 1;
    if (n == 0 || n >= 64)
        return false;
    bool ok = false;
    if (n >= 9 && digits(s, 4) && s[4] == '.' && digits(s + 5, n - 5) && (n == 9 || n == 10)) {
        int mm = (s[2] - '0') * 10 + (s[3] - '0');
        ok = mm >= 1 && mm <= 12;
    } else {
        const char *slash = memchr(s, '/', n);
        if (slash && s + n - slash == 8 && digits(slash + 1, 7) && slash > s) {
            ok = true;
            for (const char *p = s; p < slash; p++)
                if (!(isalpha((unsigned char)*p) || *p == '-' || *p == '.'))
                    ok = false;
        }
    }
    if (!ok)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

void ccg__arxiv_date(const char *id, int *year, int *month)
{
    const char *p = strchr(id, '/');
    p = p ? p + 1 : id; /* old style: archive/YYMMNNN */
    *year = 0;
    *month = 0;
    if (!digits(p, 4))
        return;
    int yy = (p[0] - '0') * 10 + (p[1] - '0');
    int mm = (p[2] - '0') * 10 + (p[3] - '0');
    if (mm < 1 || mm > 12)
        return;
    *year = yy >= 91 ? 1900 + yy : 2000 + yy; /* arXiv began in 1991 */
    *month = mm;
}

char *ccg__doi_norm(const char *s, size_t n, bool *nomem)
{
    *nomem = false;
    while (n && is_ws((unsigned char)*s))
        s++, n--;
    while (n && (is_ws((unsigned char)s[n - 1]) || s[n - 1] == '.' || s[n - 1] == ','))
        n--;
    static const char *const prefixes[] = {
        "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
        "doi.org/", "doi:", "DOI:", "DOI ", "doi ",
    };
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
        size_t pl = strlen(prefixes[k]);
        if (n > pl && strncasecmp(s, prefixes[k], pl) == 0) {
            s += pl;
            n -= pl;
            while (n && *s == ' ')
                s++, n--;
            break;
        }
    }
    if (n < 5 || strncmp(s, "10.", 3) != 0 || !memchr(s, '/', n))
        return NULL;
    char *d = ccg__malloc(n + 1);
    if (!d) {
        *nomem = true;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_ws(c) || c < 0x20)
            continue;
        d[k++] = (char)ccg__lower(c);
    }
    d[k] = '\0';
    return d;
}
