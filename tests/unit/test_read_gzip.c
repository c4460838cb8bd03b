/*
 * test_read_gzip.c: the bytes of .gz inputs (extract/input.c), whichever
 * back end inflates them (ISA-L or zlib; build with -DCCG_WITH_ISAL=OFF for
 * zlib): plain data passed through, empty and multi-member files, headers
 * with every optional field, headers and trailers split across the input
 * buffer, data larger than the buffer, trailing garbage, and every way a
 * member can be truncated or corrupt, each an error, never a crash or hang.
 * The gzip files are made here with zlib's deflate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "read.h"

typedef struct {
    unsigned char *data;
    size_t len, cap;
} bytes;

static void put(bytes *b, const void *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

typedef struct {
    int level;          /* 0: stored blocks, sizes exactly predictable */
    const char *name;   /* FNAME */
    const char *comment;/* FCOMMENT */
    bool extra, hcrc;   /* FEXTRA, FHCRC */
} member_opts;

/* Appends one gzip member holding s[0, n) to b. */
static void gz_member(bytes *b, const void *s, size_t n, const member_opts *o)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, o ? o->level : 6, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    gz_header h = {0};
    unsigned char extra[] = "XY\4\0abcd";
    if (o && (o->name || o->comment || o->extra || o->hcrc)) {
        h.name = (Bytef *)o->name;
        h.comment = (Bytef *)o->comment;
        h.extra = o->extra ? extra : NULL;
        h.extra_len = o->extra ? 8 : 0;
        h.hcrc = o->hcrc;
        h.os = 3;
        assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
    }
    size_t bound = deflateBound(&z, (uLong)n) + 4096 + (o && o->name ? strlen(o->name) : 0);
    unsigned char *out = malloc(bound);
    assert_non_null(out);
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)bound;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    put(b, out, z.total_out);
    deflateEnd(&z);
    free(out);
}

/* n bytes of text-like data that compresses but not to nothing. */
static char *text(size_t n, unsigned seed)
{
    static const char *words[] = {"graph ", "of ", "concepts ", "LLaMA-3 ", "in ", "the ",
                                  "abstract ", "DPO\n", "with ", "GPT-4 ", "a ", "2025 "};
    char *s = malloc(n + 16);
    assert_non_null(s);
    size_t len = 0;
    uint32_t x = seed * 2654435761u + 1;
    while (len < n) {
        x = x * 1664525u + 1013904223u;
        const char *w = words[(x >> 16) % (sizeof words / sizeof *words)];
        size_t k = strlen(w);
        memcpy(s + len, w, k);
        len += k;
        if ((x & 0xff) == 7) /* now and then a byte of any value */
            s[len++] = (char)(x >> 8);
    }
    return s;
}

static char path[64];

static void write_file(const void *data, size_t n)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/ccg_test_gzip_XXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(n ? fwrite(data, 1, n, fp) : 0, n);
    assert_int_equal(fclose(fp), 0);
}

/*
 * Reads data (written to a file) through ccg__input, n bytes at a time
 * (0: sizes that vary from 1 byte to 1 MB); returns 0 and the bytes in
 * *out, or the error (message in ccg_error_last()).
 */
static int read_input(const void *data, size_t len, size_t n, bytes *out)
{
    write_file(data, len);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    ccg__input *in = NULL;
    assert_int_equal(ccg__input_open(&in, fd, "F"), 0);
    static const size_t sizes[] = {1, 7, 4096, 65536, 1 << 20, 333};
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    memset(out, 0, sizeof *out);
    long k;
    for (size_t i = 0;; i++) {
        size_t want = n ? n : sizes[i % (sizeof sizes / sizeof *sizes)];
        if ((k = ccg__input_read(in, buf, want)) <= 0)
            break;
        assert_true((size_t)k <= want);
        put(out, buf, (size_t)k);
    }
    if (k == 0)
        assert_int_equal(ccg__input_read(in, buf, 1), 0); /* the end stays the end */
    free(buf);
    ccg__input_free(in);
    if (k < 0) {
        free(out->data);
        memset(out, 0, sizeof *out);
    }
    return (int)k;
}

/* The input reads as want[0, n), in every read size. */
static void expect_bytes(const bytes *gz, const void *want, size_t n)
{
    static const size_t reads[] = {0, 1, 100, 65536, 1 << 20};
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        if (reads[i] > 0 && reads[i] < 100 && gz->len > 100000)
            continue; /* byte by byte is slow for big inputs */
        bytes got;
        int rc = read_input(gz->data, gz->len, reads[i], &got);
        if (rc < 0)
            fail_msg("read size %zu: %s", reads[i], ccg_error_last());
        assert_int_equal(got.len, n);
        assert_true(n == 0 || memcmp(got.data, want, n) == 0);
        free(got.data);
    }
}

/* The input is an error whose message starts with "F: " and holds what. */
static void expect_error(const bytes *gz, const char *what)
{
    bytes got;
    int rc = read_input(gz->data, gz->len, 0, &got);
    if (rc >= 0)
        fail_msg("no error, %zu bytes read (wanted '%s')", got.len, what);
    assert_int_equal(rc, CCG_EIO);
    assert_true(strncmp(ccg_error_last(), "F: ", 3) == 0);
    if (!strstr(ccg_error_last(), what))
        fail_msg("'%s' lacks '%s'", ccg_error_last(), what);
}

static void test_plain(void **state)
{
    (void)state;
    bytes b = {0};
    expect_bytes(&b, "", 0); /* empty file */
    put(&b, "\x1f", 1);      /* one magic byte is not gzip (as gzread) */
    expect_bytes(&b, "\x1f", 1);
    put(&b, "\x8c plain", 7);
    expect_bytes(&b, b.data, b.len);
    free(b.data);
    char *t = text(300000, 1);
    bytes big = {0};
    put(&big, t, 300000);
    expect_bytes(&big, t, 300000);
    free(big.data);
    free(t);
}

static void test_empty_and_small(void **state)
{
    (void)state;
    bytes gz = {0};
    gz_member(&gz, "", 0, NULL);
    expect_bytes(&gz, "", 0);
    gz_member(&gz, "", 0, NULL); /* two empty members */
    expect_bytes(&gz, "", 0);
    free(gz.data);
    memset(&gz, 0, sizeof gz);
    gz_member(&gz, "{\"title\":\"x\"}\n", 14, NULL);
    expect_bytes(&gz, "{\"title\":\"x\"}\n", 14);
    free(gz.data);
}

static void test_multi_member(void **state)
{
    (void)state;
    member_opts all = {.level = 6, .name = "part.jsonl", .comment = "a comment", .extra = true,
                       .hcrc = true};
    member_opts stored = {.level = 0};
    char *t = text(200000, 2);
    bytes gz = {0};
    gz_member(&gz, t, 1000, NULL);
    gz_member(&gz, "", 0, NULL);
    gz_member(&gz, t + 1000, 50000, &all);
    gz_member(&gz, t + 51000, 100000, &stored);
    gz_member(&gz, t + 151000, 49000, &all);
    expect_bytes(&gz, t, 200000);
    /* as `cat a.gz b.gz`: one file after another, each with its own header */
    bytes two = {0};
    gz_member(&two, t, 200000, &all);
    gz_member(&two, t, 200000, NULL);
    char *twice = malloc(400000);
    memcpy(twice, t, 200000);
    memcpy(twice + 200000, t, 200000);
    expect_bytes(&two, twice, 400000);
    free(twice);
    free(two.data);
    free(gz.data);
    free(t);
}

/* Larger than the input buffer and than any one read, compressed and not. */
static void test_larger_than_buffer(void **state)
{
    (void)state;
    size_t n = 24 * CCG__INPUT_BUFFER + 12345;
    char *t = text(n, 3);
    for (int level = 0; level <= 9; level += 9) {
        bytes gz = {0};
        member_opts o = {.level = level};
        gz_member(&gz, t, n, &o);
        assert_true(gz.len > 2 * CCG__INPUT_BUFFER);
        expect_bytes(&gz, t, n);
        free(gz.data);
    }
    free(t);
}

/*
 * The second member's header (every optional field) starts at each offset
 * around the end of the first input buffer, so the first member's trailer
 * and the second's header are split between two reads. Stored blocks make
 * the first member's size exact: its FNAME pads it to the byte.
 */
static void test_split_header_and_trailer(void **state)
{
    (void)state;
    size_t n1 = CCG__INPUT_BUFFER - 400, n2 = 20000;
    char *t = text(n1 + n2, 4);
    member_opts o = {.level = 0};
    bytes probe = {0};
    gz_member(&probe, t, n1, &o);
    size_t base = probe.len; /* with no name; a name of k bytes adds k + 1 */
    free(probe.data);
    assert_true(base + 100 < CCG__INPUT_BUFFER - 40);
    char *name = malloc(CCG__INPUT_BUFFER);
    member_opts all = {.level = 6, .name = "second", .comment = "c", .extra = true, .hcrc = true};
    for (size_t start = CCG__INPUT_BUFFER - 40; start <= CCG__INPUT_BUFFER + 12; start++) {
        size_t k = start - base - 1;
        memset(name, 'n', k);
        name[k] = '\0';
        o.name = name;
        bytes gz = {0};
        gz_member(&gz, t, n1, &o);
        assert_int_equal(gz.len, start);
        gz_member(&gz, t + n1, n2, &all);
        bytes got;
        if (read_input(gz.data, gz.len, 1 << 20, &got) < 0)
            fail_msg("second member at %zu: %s", start, ccg_error_last());
        assert_int_equal(got.len, n1 + n2);
        assert_memory_equal(got.data, t, n1 + n2);
        free(got.data);
        free(gz.data);
    }
    free(name);
    free(t);
}

/* Bytes after a member that do not start another are ignored, as gzread does. */
static void test_trailing_garbage(void **state)
{
    (void)state;
    bytes gz = {0};
    gz_member(&gz, "abc\n", 4, NULL);
    put(&gz, "\0\0\0\0", 4);
    expect_bytes(&gz, "abc\n", 4);
    gz.len -= 4;
    put(&gz, "\x1f", 1);
    expect_bytes(&gz, "abc\n", 4);
    free(gz.data);
}

/* Every cut of a two-member file is an error, except at the members' ends. */
static void test_truncated(void **state)
{
    (void)state;
    char *t = text(3000, 5);
    member_opts all = {.level = 6, .name = "x", .comment = "y", .extra = true, .hcrc = true};
    bytes gz = {0};
    gz_member(&gz, t, 2000, &all);
    size_t m1 = gz.len;
    gz_member(&gz, t + 2000, 1000, &all);
    for (size_t cut = 2; cut < gz.len; cut++) {
        bytes part = {gz.data, cut, cut};
        if (cut == m1 || cut == m1 + 1) /* a whole member, then at most one byte */
            expect_bytes(&part, t, 2000);
        else
            expect_error(&part, "bad gzip data: unexpected end of file");
    }
    free(gz.data);
    free(t);
}

/*
 * A byte changed anywhere after the magic bytes is an error, or (in
 * header fields nobody reads, or padding bits) harmless: never other data.
 */
static void test_corrupt(void **state)
{
    (void)state;
    char *t = text(5000, 6);
    member_opts all = {.level = 6, .name = "x", .comment = "y", .extra = true, .hcrc = false};
    bytes gz = {0};
    gz_member(&gz, t, 5000, &all);
    size_t m1 = gz.len;
    gz_member(&gz, t, 5000, NULL);
    char *twice = malloc(10000);
    memcpy(twice, t, 5000);
    memcpy(twice + 5000, t, 5000);
    size_t errors = 0;
    for (size_t i = 2; i < gz.len; i++) {
        gz.data[i] ^= 0x55;
        bytes got;
        int rc = read_input(gz.data, gz.len, 0, &got);
        /* no magic bytes for the second member: it is trailing garbage */
        size_t want = i == m1 || i == m1 + 1 ? 5000 : 10000;
        if (rc < 0) {
            assert_int_equal(rc, CCG_EIO);
            if (!strstr(ccg_error_last(), "F: bad gzip data: "))
                fail_msg("byte %zu: %s", i, ccg_error_last());
            errors++;
        } else {
            if (got.len != want || memcmp(got.data, twice, want) != 0)
                fail_msg("byte %zu changed: no error, other data", i);
            free(got.data);
        }
        gz.data[i] ^= 0x55;
    }
    assert_true(errors > gz.len * 9 / 10);
    free(twice);
    free(gz.data);
    free(t);
}

/* The checks zlib names, named alike by both back ends. */
static void test_checks(void **state)
{
    (void)state;
    char *t = text(5000, 7);
    bytes gz = {0};
    gz_member(&gz, t, 5000, NULL);
    size_t n = gz.len;
    gz.data[n - 8] ^= 1; /* the CRC-32 */
    expect_error(&gz, "bad gzip data: incorrect data check");
    gz.data[n - 8] ^= 1;
    gz.data[n - 4] ^= 1; /* the length: zlib says "incorrect length check" */
    expect_error(&gz, "bad gzip data: incorrect ");
    gz.data[n - 4] ^= 1;
    gz.data[2] = 7; /* CM: not deflate */
    expect_error(&gz, "bad gzip data: unknown compression method");
    gz.data[2] = 8;
    expect_bytes(&gz, t, 5000);
    /* the header CRC-16, and an error in a later member */
    member_opts hc = {.level = 6, .hcrc = true};
    bytes two = {0};
    gz_member(&two, t, 5000, NULL);
    size_t m1 = two.len;
    gz_member(&two, t, 5000, &hc);
    two.data[m1 + 10] ^= 1;
    expect_error(&two, "bad gzip data: header crc mismatch");
    free(two.data);
    free(gz.data);
    free(t);
}

static void test_inflater(void **state)
{
    (void)state;
    const char *name = ccg__input_inflater();
    print_message("gzip input inflated by %s\n", name);
#ifdef CCG_HAVE_ISAL
    assert_true(strncmp(name, "ISA-L ", 6) == 0);
#else
    assert_true(strncmp(name, "zlib ", 5) == 0);
#endif
}

static int teardown(void **state)
{
    (void)state;
    if (path[0])
        unlink(path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inflater),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_empty_and_small),
        cmocka_unit_test(test_multi_member),
        cmocka_unit_test(test_larger_than_buffer),
        cmocka_unit_test(test_split_header_and_trailer),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
