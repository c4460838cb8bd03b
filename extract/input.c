/*
 * input.c: the bytes of an input, gunzipped when they are gzip data.
 *
 * gzip data is inflated by ISA-L's igzip when the build found it
 * (CCG_HAVE_ISAL: 0.19 s of CPU for the 130 MB corpus where zlib takes
 * 0.57 s, and inflating is what bounds reading a large .gz corpus), by
 * zlib's gzread otherwise. Both back ends
 * read alike, as gzread always has: the input is gzip if it starts with
 * the two magic bytes, else it passes through as it is; every member of a
 * multi-member file (`cat a.gz b.gz`) is read; bytes after a member that
 * do not start another are ignored; a truncated or corrupt member is an
 * error "FILE: bad gzip data: ...".
 */
#include "read.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef CCG_HAVE_ISAL
#include <isa-l.h>
#else
#include <zlib.h>
#endif

/* The input buffer size for fd: max, or the size of a smaller regular file. */
static size_t buffer_size(int fd, size_t max)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (off_t)max)
        return st.st_size < 8192 ? 8192 : (size_t)st.st_size;
    return max;
}

#ifdef CCG_HAVE_ISAL

/*
 * ISA-L inflates a buffer; the file layer gzread gives zlib users (magic
 * detection, pass-through, members one after another, input refills) is
 * not in it, so it is written here. The gzip header is read with
 * isal_read_gzip_header and our own header struct rather than by
 * isal_inflate with ISAL_GZIP, which keeps the header's flags in a local
 * variable and misreads a header split across two input buffers (ISA-L
 * issue #224); the body is inflated with ISAL_GZIP_NO_HDR_VER, which checks
 * the CRC-32 and length of the trailer. When a member ends (block state
 * ISAL_BLOCK_FINISH after the trailer check) ISA-L 2.30's bit buffer is
 * empty and next_in is the first byte after the trailer.
 */

typedef enum {
    LOOK,   /* at the start or after a member: gzip magic bytes next? */
    COPY,   /* not gzip: bytes pass through */
    HEADER, /* in a member's gzip header */
    BODY,   /* in a member's deflate data or trailer */
    DONE,   /* after the last member */
} how;

struct ccg__input {
    int fd;
    const char *file;
    how how;
    bool raw_eof;              /* read() returned 0 */
    bool gzip;                 /* a member was seen: later non-gzip bytes are trailing garbage */
    unsigned char *in;         /* raw input; unconsumed bytes at st->next_in, st->avail_in */
    size_t in_size;
    uint8_t *next_in;          /* unconsumed raw input before st exists (LOOK, COPY) */
    uint32_t avail_in;
    struct inflate_state *st;  /* allocated with the first member (87 KB) */
    struct isal_gzip_header hdr;
};

#define STR2(x) #x
#define STR(x) STR2(x)

const char *ccg__input_inflater(void)
{
    return "ISA-L " STR(ISAL_MAJOR_VERSION) "." STR(ISAL_MINOR_VERSION) "." STR(ISAL_PATCH_VERSION);
}

int ccg__input_open(ccg__input **out, int fd, const char *file)
{
    ccg__input *in = ccg__calloc(1, sizeof *in);
    size_t size = buffer_size(fd, CCG__INPUT_BUFFER);
    if (!in || !(in->in = ccg__malloc(size))) {
        free(in);
        close(fd);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    in->fd = fd;
    in->file = file;
    in->in_size = size;
    in->next_in = in->in;
    *out = in;
    return 0;
}

void ccg__input_free(ccg__input *in)
{
    if (!in)
        return;
    close(in->fd);
    free(in->st);
    free(in->in);
    free(in);
}

/* read(2) without EINTR: count, 0 at end, or CCG_EIO. */
static long raw_read(ccg__input *in, void *dst, size_t n)
{
    ssize_t k;
    do
        k = read(in->fd, dst, n);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return ccg__err(CCG_EIO, "%s: read error: %s", in->file, strerror(errno));
    if (k == 0)
        in->raw_eof = true;
    return (long)k;
}

/*
 * Reads more raw input after the unconsumed bytes (moved to the buffer's
 * start); sets raw_eof at the end. 0 or CCG_EIO.
 */
static int more(ccg__input *in, uint8_t **next_in, uint32_t *avail_in)
{
    if (*avail_in > 0 && *next_in != in->in)
        memmove(in->in, *next_in, *avail_in);
    *next_in = in->in;
    if (*avail_in == in->in_size) /* cannot happen: ISA-L consumes what it is given */
        return ccg__err(CCG_EIO, "%s: bad gzip data: inflating makes no progress", in->file);
    long k = raw_read(in, in->in + *avail_in, in->in_size - *avail_in);
    if (k < 0)
        return (int)k;
    *avail_in += (uint32_t)k;
    return 0;
}

/* The error for ISA-L's code rc, in zlib's words where zlib has them. */
static long bad(ccg__input *in, int rc)
{
    const char *what;
    switch (rc) {
    case ISAL_END_INPUT: what = "unexpected end of file"; break;
    case ISAL_INVALID_BLOCK: what = "invalid deflate block"; break;
    case ISAL_INVALID_SYMBOL: what = "invalid deflate code"; break;
    case ISAL_INVALID_LOOKBACK: what = "invalid distance too far back"; break;
    case ISAL_INVALID_WRAPPER: what = "incorrect header check"; break;
    case ISAL_UNSUPPORTED_METHOD: what = "unknown compression method"; break;
    case ISAL_INCORRECT_CHECKSUM:
        what = in->how == HEADER ? "header crc mismatch" : "incorrect data check";
        break;
    default: what = "inflate failed"; break;
    }
    return ccg__err(CCG_EIO, "%s: bad gzip data: %s", in->file, what);
}

long ccg__input_read(ccg__input *in, char *dst, size_t n)
{
    int err, rc;
    if (n > INT_MAX)
        n = INT_MAX; /* avail_out is 32-bit, and a long may be too */
    struct inflate_state *st = in->st;
    for (;;) {
        switch (in->how) {
        case LOOK: {
            uint8_t **next_in = st ? &st->next_in : &in->next_in;
            uint32_t *avail_in = st ? &st->avail_in : &in->avail_in;
            while (*avail_in < 2 && !in->raw_eof)
                if ((err = more(in, next_in, avail_in)) < 0)
                    return err;
            if (*avail_in >= 2 && (*next_in)[0] == 0x1f && (*next_in)[1] == 0x8b) {
                if (!st) {
                    if (!(st = in->st = ccg__malloc(sizeof *st)))
                        return ccg__err(CCG_ENOMEM, "out of memory");
                    isal_inflate_init(st);
                    st->next_in = in->next_in;
                    st->avail_in = in->avail_in;
                }
                isal_inflate_reset(st);
                st->crc_flag = ISAL_GZIP_NO_HDR_VER;
                isal_gzip_header_init(&in->hdr);
                in->gzip = true;
                in->how = HEADER;
            } else {
                in->how = in->gzip ? DONE : COPY;
            }
            continue;
        }
        case COPY:
            if (in->avail_in > 0) {
                size_t k = in->avail_in < n ? in->avail_in : n;
                memcpy(dst, in->next_in, k);
                in->next_in += k;
                in->avail_in -= (uint32_t)k;
                return (long)k;
            }
            return in->raw_eof ? 0 : raw_read(in, dst, n);
        case DONE:
            return 0;
        case HEADER:
            rc = isal_read_gzip_header(st, &in->hdr);
            if (rc == ISAL_DECOMP_OK) {
                in->how = BODY;
            } else if (rc != ISAL_END_INPUT || in->raw_eof) {
                return bad(in, rc);
            } else if ((err = more(in, &st->next_in, &st->avail_in)) < 0) {
                return err;
            }
            continue;
        case BODY: {
            uint32_t avail_in = st->avail_in;
            st->next_out = (uint8_t *)dst;
            st->avail_out = (uint32_t)n;
            if ((rc = isal_inflate(st)) < 0)
                return bad(in, rc);
            size_t got = n - st->avail_out;
            if (st->block_state == ISAL_BLOCK_FINISH) {
                /* bytes past the trailer still in the bit buffer (none in 2.30) are
                   the ones just before next_in: given back, not lost */
                uint32_t k = (uint32_t)st->read_in_length / 8;
                if ((ptrdiff_t)k > st->next_in - in->in)
                    return ccg__err(CCG_EIO, "%s: bad gzip data: bytes after a member lost",
                                    in->file);
                st->next_in -= k;
                st->avail_in += k;
                st->read_in = 0;
                st->read_in_length = 0;
                in->how = LOOK;
            }
            if (got > 0)
                return (long)got;
            if (in->how == BODY && st->avail_in == avail_in) {
                /* nothing out, nothing taken: the member needs more input */
                if (in->raw_eof)
                    return bad(in, ISAL_END_INPUT);
                if ((err = more(in, &st->next_in, &st->avail_in)) < 0)
                    return err;
            }
            continue;
        }
        }
    }
}

#else /* zlib */

struct ccg__input {
    gzFile gz;
    const char *file;
};

const char *ccg__input_inflater(void)
{
    return "zlib " ZLIB_VERSION;
}

int ccg__input_open(ccg__input **out, int fd, const char *file)
{
    ccg__input *in = ccg__calloc(1, sizeof *in);
    /* zlib allocates three times its buffer size: small files get a small one */
    unsigned size = (unsigned)buffer_size(fd, CCG__INPUT_BUFFER / 2);
    /* zlib detects gzip by its magic bytes and passes other data through */
    if (!in || !(in->gz = gzdopen(fd, "rb"))) {
        free(in);
        close(fd);
        return ccg__err(CCG_ENOMEM, "out of memory");
    }
    gzbuffer(in->gz, size);
    in->file = file;
    *out = in;
    return 0;
}

void ccg__input_free(ccg__input *in)
{
    if (!in)
        return;
    gzclose(in->gz);
    free(in);
}

long ccg__input_read(ccg__input *in, char *dst, size_t n)
{
    if (n > INT_MAX)
        n = INT_MAX;
    int k = gzread(in->gz, dst, (unsigned)n);
    int zerr = Z_OK;
    const char *zmsg = gzerror(in->gz, &zerr);
    if (k < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
        if (zerr == Z_ERRNO)
            return ccg__err(CCG_EIO, "%s: read error: %s", in->file, strerror(errno));
        /* zlib prefixes its message with the name given to gzdopen: "<fd:3>: " */
        if (zmsg && strncmp(zmsg, "<fd:", 4) == 0 && strstr(zmsg, ": "))
            zmsg = strstr(zmsg, ": ") + 2;
        return ccg__err(CCG_EIO, "%s: bad gzip data: %s", in->file, zmsg ? zmsg : "?");
    }
    return k;
}

#endif
