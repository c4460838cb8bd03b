#include <string.h>

#include "export_internal.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. Rejects
 * overlongs, surrogates and code points above U+10FFFF, as XML requires. */
static size_t utf8_valid(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

int ccg__export_clean(ccg_buf *b, const char *str)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    if (ccg__buf_reserve(b, 1) < 0)
        return CCG_ENOMEM;
    b->data[b->len] = '\0'; /* callers reuse a buffer by setting len = 0 */
    while (*s) {
        const unsigned char *run = s;
        unsigned cp = 0;
        size_t n;
        /* Copy the longest run of plain printable text in one go. */
        while ((n = utf8_valid(s, &cp)) != 0 && cp >= 0x20 && cp != 0x7F &&
               !(cp >= 0x80 && cp <= 0x9F) && cp != 0xFFFE && cp != 0xFFFF)
            s += n;
        if (s > run && ccg__buf_add(b, (const char *)run, (size_t)(s - run)) < 0)
            return CCG_ENOMEM;
        if (!*s)
            break;
        n = utf8_valid(s, &cp);
        if (n == 0) {
            if (ccg__buf_add(b, fffd, 3) < 0)
                return CCG_ENOMEM;
            s++;
        } else if (cp == 0xFFFE || cp == 0xFFFF) {
            if (ccg__buf_add(b, fffd, 3) < 0)
                return CCG_ENOMEM;
            s += n;
        } else {
            if (ccg__buf_putc(b, ' ') < 0)
                return CCG_ENOMEM;
            s += n;
        }
    }
    return 0;
}
