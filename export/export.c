#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char *const format_names[CCG_OUT_COUNT] = {
    [CCG_OUT_DOT] = "dot",         [CCG_OUT_GRAPHML] = "graphml",
    [CCG_OUT_GEXF] = "gexf",       [CCG_OUT_SVG] = "svg",
    [CCG_OUT_PDF] = "pdf",         [CCG_OUT_PNG] = "png",
    [CCG_OUT_JSON] = "json",       [CCG_OUT_VOSVIEWER] = "vosviewer",
    [CCG_OUT_CSV] = "csv",         [CCG_OUT_TSV] = "tsv",
    [CCG_OUT_MARKDOWN] = "markdown", [CCG_OUT_LATEX] = "latex",
    [CCG_OUT_THESAURUS] = "thesaurus",
};

const char *ccg_output_format_name(ccg_output_format f)
{
    return (unsigned)f < CCG_OUT_COUNT ? format_names[f] : "?";
}

int ccg_output_format_parse(const char *name, ccg_output_format *out)
{
    static const struct {
        const char *alias;
        ccg_output_format f;
    } aliases[] = {{"gv", CCG_OUT_DOT}, {"md", CCG_OUT_MARKDOWN}, {"tex", CCG_OUT_LATEX},
                   {"vos", CCG_OUT_VOSVIEWER}};
    if (!name)
        return ccg__err(CCG_EINVAL, "no output format given");
    for (int f = 0; f < CCG_OUT_COUNT; f++)
        if (strcmp(name, format_names[f]) == 0) {
            *out = (ccg_output_format)f;
            return 0;
        }
    for (size_t k = 0; k < sizeof aliases / sizeof *aliases; k++)
        if (strcmp(name, aliases[k].alias) == 0) {
            *out = aliases[k].f;
            return 0;
        }
    return ccg__err(CCG_EINVAL,
                    "unknown output format '%s' (dot, graphml, gexf, svg, pdf, png, json, "
                    "vosviewer, csv, tsv, markdown, latex, thesaurus)",
                    name);
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (k > n)
        return false;
    for (size_t i = 0; i < k; i++) {
        char a = s[n - k + i], b = suffix[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

int ccg_output_format_from_path(const char *path, ccg_output_format *out)
{
    /* Longer suffixes first: "x.vos.json" is VOSviewer, not plain JSON. */
    static const struct {
        const char *ext;
        ccg_output_format f;
    } exts[] = {
        {".vos.json", CCG_OUT_VOSVIEWER}, {".thesaurus.txt", CCG_OUT_THESAURUS},
        {".dot", CCG_OUT_DOT},            {".gv", CCG_OUT_DOT},
        {".graphml", CCG_OUT_GRAPHML},    {".gexf", CCG_OUT_GEXF},
        {".svg", CCG_OUT_SVG},            {".pdf", CCG_OUT_PDF},
        {".png", CCG_OUT_PNG},            {".json", CCG_OUT_JSON},
        {".csv", CCG_OUT_CSV},            {".tsv", CCG_OUT_TSV},
        {".md", CCG_OUT_MARKDOWN},        {".markdown", CCG_OUT_MARKDOWN},
        {".tex", CCG_OUT_LATEX},
    };
    if (!path)
        return ccg__err(CCG_EINVAL, "no output path given");
    for (size_t k = 0; k < sizeof exts / sizeof *exts; k++)
        if (ends_with_ci(path, exts[k].ext)) {
            *out = exts[k].f;
            return 0;
        }
    return ccg__err(CCG_EINVAL,
                    "%s: cannot tell the output format from the extension (.dot .graphml "
                    ".gexf .svg .pdf .png .json .vos.json .csv .tsv .md .tex "
                    ".thesaurus.txt)",
                    path);
}

void ccg_export_options_init(ccg_export_options *o)
{
    memset(o, 0, sizeof *o);
    o->draw_top = 300;
    o->label_top = 40;
    o->table_rows = 50;
}

const char *ccg__fmt_id(char *buf, const char *prefix, uint64_t v)
{
    /* Millions of ids per big export: cheaper than snprintf's format parsing. */
    char digits[24];
    size_t n = 0, p = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (*prefix && p < 8)
        buf[p++] = *prefix++;
    while (n)
        buf[p++] = digits[--n];
    buf[p] = '\0';
    return buf;
}

const char *ccg__fmt_int(char buf[32], int64_t v)
{
    if (v >= 0)
        return ccg__fmt_id(buf, "", (uint64_t)v);
    buf[0] = '-';
    ccg__fmt_id(buf + 1, "", -(uint64_t)v); /* INT64_MIN too */
    return buf;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128; /* gcc and clang on 64-bit targets */

/* d's text as snprintf "%.*g" with precision p writes it, given its p
 * significant digits (D, 10^(p-1) <= D < 10^p) and decimal exponent x. */
static void fmt_g(char *buf, bool neg, uint64_t D, int p, int x)
{
    char dig[20];
    int n = p;
    for (int k = p - 1; k >= 0; k--, D /= 10)
        dig[k] = (char)('0' + D % 10);
    while (n > 1 && dig[n - 1] == '0') /* %g drops trailing zeros */
        n--;
    char *q = buf;
    if (neg)
        *q++ = '-';
    if (x < -4 || x >= p) { /* d.ddde+XX */
        *q++ = dig[0];
        if (n > 1) {
            *q++ = '.';
            memcpy(q, dig + 1, (size_t)n - 1);
            q += n - 1;
        }
        *q++ = 'e';
        *q++ = x < 0 ? '-' : '+';
        unsigned ax = (unsigned)(x < 0 ? -x : x);
        if (ax >= 100)
            *q++ = (char)('0' + ax / 100);
        *q++ = (char)('0' + ax / 10 % 10);
        *q++ = (char)('0' + ax % 10);
    } else if (x >= 0) { /* ddd.ddd */
        memcpy(q, dig, (size_t)x + 1);
        q += x + 1;
        if (n > x + 1) {
            *q++ = '.';
            memcpy(q, dig + x + 1, (size_t)(n - x - 1));
            q += n - x - 1;
        }
    } else { /* 0.000ddd */
        *q++ = '0';
        *q++ = '.';
        for (int k = -1; k > x; k--)
            *q++ = '0';
        memcpy(q, dig, (size_t)n);
        q += n;
    }
    *q = '\0';
}

/*
 * What the loop in ccg__fmt_double writes (snprintf "%.15g", "%.16g" or
 * "%.17g", the first that strtod reads back as d), by exact integer
 * arithmetic: |d| = m 2^e, so d 10^s = m 5^s / 2^k with k = -(s + e), and
 * m 5^s fits 128 bits for s <= 27. The digits are that quotient rounded to
 * nearest, ties to even (as glibc's printf); the digits read back as d when
 * they are closer to d than half the gap to the next double (the lower gap
 * is half as wide when m is a power of two), a tie going to the even
 * mantissa (as strtod). About 1e-11 <= |d| < 1e15; false outside, for the
 * loop. Checked against the loop by test_export_xml.
 */
static bool fmt_exact(char buf[32], double d)
{
    static const uint64_t pow5[28] = {
        1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u, 9765625u,
        48828125u, 244140625u, 1220703125u, 6103515625u, 30517578125u, 152587890625u,
        762939453125u, 3814697265625u, 19073486328125u, 95367431640625u, 476837158203125u,
        2384185791015625u, 11920928955078125u, 59604644775390625u, 298023223876953125u,
        1490116119384765625u, 7450580596923828125u};
    static const uint64_t pow10[18] = {
        1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
        1000000000u, 10000000000u, 100000000000u, 1000000000000u, 10000000000000u,
        100000000000000u, 1000000000000000u, 10000000000000000u, 100000000000000000u};
    double a = fabs(d);
    if (!(a >= 1e-11 && a < 1e15))
        return false;
    int e;
    uint64_t m = (uint64_t)ldexp(frexp(a, &e), 53); /* exact: 2^52 <= m < 2^53 */
    e -= 53;
    int x0 = (int)floor(log10(a)); /* may be off by one: corrected below */
    for (int p = 15; p <= 17; p++) {
        int x = x0, s = 0, k = 0, tries;
        u128 N = 0, q = 0;
        /* x is floor(log10 |d|) when the truncated d 10^s has p digits. */
        for (tries = 0; tries < 4; tries++) {
            s = p - 1 - x;
            k = -(s + e);
            if (s < 0 || s > 27 || k < 1 || k > 68)
                return false;
            N = (u128)m * pow5[s];
            q = N >> k;
            if (q >= pow10[p])
                x++;
            else if (q < pow10[p - 1])
                x--;
            else
                break;
        }
        if (tries == 4)
            return false;
        u128 r = N & (((u128)1 << k) - 1), half = (u128)1 << (k - 1);
        q += r > half || (r == half && (q & 1));
        if (p < 17) { /* 17 digits always read back */
            u128 t = q << (k + 2), u = N << 2, gap = (u128)pow5[s] << 1, diff;
            if (t >= u) {
                diff = t - u;
            } else {
                diff = u - t;
                if (m == (uint64_t)1 << 52)
                    gap >>= 1;
            }
            if (diff > gap || (diff == gap && (m & 1)))
                continue;
        }
        uint64_t D = (uint64_t)q;
        if (D == pow10[p]) { /* rounding carried into a new digit: 9.99.. -> 10.0 */
            D = pow10[p - 1];
            x++;
        }
        fmt_g(buf, d < 0, D, p, x);
        return true;
    }
    return false;
}
#else
static bool fmt_exact(char buf[32], double d)
{
    (void)buf;
    (void)d;
    return false;
}
#endif

const char *ccg__fmt_double(char buf[32], double d)
{
    if (isnan(d)) {
        buf[0] = '\0';
        return buf;
    }
    if (isinf(d)) {
        strcpy(buf, d > 0 ? "inf" : "-inf");
        return buf;
    }
    if (d == 0)
        d = 0; /* no "-0" */
    if (d == trunc(d) && fabs(d) < 1e15) { /* 40, not 4e+01 */
        if (d < 0) {
            buf[0] = '-';
            ccg__fmt_id(buf + 1, "", (uint64_t)-d);
        } else {
            ccg__fmt_id(buf, "", (uint64_t)d);
        }
        return buf;
    }
    /* The loop costs three snprintf and two strtod for most metrics (those
     * need 17 digits): fmt_exact gives the same text in a tenth of the
     * instructions (callgrind, the GraphML and GEXF of 20k abstracts). */
    if (fmt_exact(buf, d))
        return buf;
    /* Any double with a decimal form of at most 15 significant digits
     * prints as that form under %.15g (trailing zeros dropped); others need
     * 16 or 17. So at most three tries give the shortest round-trip text. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

const char *ccg__column_text(const ccg_column *c, size_t i, char buf[32])
{
    switch (c->type) {
    case CCG_COL_STRING: return c->s[i] ? c->s[i] : "";
    case CCG_COL_INT: return ccg__fmt_int(buf, c->i[i]);
    case CCG_COL_BOOL: return c->i[i] ? "true" : "false";
    case CCG_COL_DOUBLE: return ccg__fmt_double(buf, c->d[i]);
    }
    return "";
}

bool ccg__column_missing(const ccg_column *c, size_t i)
{
    return (c->type == CCG_COL_STRING && !c->s[i]) || (c->type == CCG_COL_DOUBLE && isnan(c->d[i]));
}

/* qsort has no user pointer in C11: the order is computed with a file-local
 * context. Export runs on one thread (Graphviz is not thread-safe anyway). */
static struct {
    const ccg_network *net;
    const ccg_column *col;
} order_ctx;

static double sort_key(size_t i)
{
    const ccg_column *c = order_ctx.col;
    if (!c)
        return order_ctx.net->size ? order_ctx.net->size[i] : NAN;
    switch (c->type) {
    case CCG_COL_DOUBLE: return c->d[i];
    case CCG_COL_INT:
    case CCG_COL_BOOL: return (double)c->i[i];
    case CCG_COL_STRING: return NAN;
    }
    return NAN;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int order_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const ccg_network *net = order_ctx.net;
    if (order_ctx.col && order_ctx.col->type == CCG_COL_STRING) {
        int c = cmp_str(order_ctx.col->s[a], order_ctx.col->s[b]);
        if (c)
            return c;
    } else {
        double x = sort_key(a), y = sort_key(b);
        bool nx = isnan(x), ny = isnan(y);
        if (nx != ny)
            return nx ? 1 : -1;
        if (!nx && x != y)
            return x > y ? -1 : 1;
    }
    int c = cmp_str(net->node_label[a], net->node_label[b]);
    if (c)
        return c;
    c = cmp_str(net->node_id[a], net->node_id[b]);
    if (c)
        return c;
    return a < b ? -1 : a > b;
}

int ccg__export_order(const ccg_network *net, const char *sort_by, size_t **out)
{
    const ccg_column *col = NULL;
    if (sort_by && !(col = ccg_network_node_column(net, sort_by)))
        return ccg__err(CCG_EINVAL, "no node column '%s' to sort by", sort_by);
    size_t *idx = ccg__malloc((net->n_nodes ? net->n_nodes : 1) * sizeof *idx);
    if (!idx)
        return ccg__err(CCG_ENOMEM, "out of memory");
    for (size_t i = 0; i < net->n_nodes; i++)
        idx[i] = i;
    order_ctx.net = net;
    order_ctx.col = col;
    qsort(idx, net->n_nodes, sizeof *idx, order_cmp);
    *out = idx;
    return 0;
}

/* Okabe & Ito (2008), "Color Universal Design": distinguishable under the
 * common colour-vision deficiencies. Black is replaced by a dark blue-grey
 * so that black text labels stay readable on it. */
static const unsigned char palette[CCG__PALETTE_N][3] = {
    {0x00, 0x72, 0xB2}, /* blue */
    {0xE6, 0x9F, 0x00}, /* orange */
    {0x00, 0x9E, 0x73}, /* bluish green */
    {0xCC, 0x79, 0xA7}, /* reddish purple */
    {0x56, 0xB4, 0xE9}, /* sky blue */
    {0xD5, 0x5E, 0x00}, /* vermillion */
    {0xF0, 0xE4, 0x42}, /* yellow */
    {0x55, 0x5F, 0x6B}, /* slate */
};

void ccg__palette_rgb(long rank, unsigned char rgb[3])
{
    static const unsigned char grey[3] = {0xBB, 0xBB, 0xBB};
    const unsigned char *c = rank >= 0 && rank < CCG__PALETTE_N ? palette[rank] : grey;
    memcpy(rgb, c, 3);
}

/* A community and its size, sorted biggest first (qsort has no context
 * argument in C11, and outputs are written by several threads at once). */
typedef struct {
    size_t count;
    long id;
} community_size;

static int rank_cmp(const void *pa, const void *pb)
{
    const community_size *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

int ccg__community_ranks(const ccg_network *net, long **out, size_t *n)
{
    int err = 0;
    size_t nc = net->n_communities;
    size_t *count = NULL;
    community_size *by_size = NULL;
    long *rank = NULL;
    if (net->community)
        for (size_t i = 0; i < net->n_nodes; i++)
            if (net->community[i] >= 0 && (size_t)net->community[i] >= nc)
                nc = (size_t)net->community[i] + 1;
    count = ccg__calloc(nc + 1, sizeof *count);
    by_size = ccg__calloc(nc + 1, sizeof *by_size);
    rank = ccg__calloc(nc + 1, sizeof *rank);
    if (!count || !by_size || !rank) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (net->community)
        for (size_t i = 0; i < net->n_nodes; i++)
            if (net->community[i] >= 0)
                count[net->community[i]]++;
    for (size_t k = 0; k < nc; k++)
        by_size[k] = (community_size){count[k], (long)k};
    qsort(by_size, nc, sizeof *by_size, rank_cmp);
    for (size_t r = 0; r < nc; r++)
        rank[by_size[r].id] = (long)r;
    *out = rank;
    *n = nc;
    rank = NULL;
cleanup:
    free(rank);
    free(by_size);
    free(count);
    return err;
}

void ccg__node_rgb(const ccg_network *net, const long *ranks, size_t nranks, size_t i,
                   unsigned char rgb[3])
{
    long r = -1;
    if (net->community && net->community[i] >= 0 && (size_t)net->community[i] < nranks)
        r = ranks[net->community[i]];
    ccg__palette_rgb(r, rgb);
}

static int write_csv_pair(const ccg_network *net, const char *path, const ccg_export_options *o)
{
    /* "out.csv" -> "out.edges.csv" beside it; stdout gets the node table only. */
    int err = 0;
    ccg_outfile nodes = {0}, edges = {0};
    char *epath = NULL;
    bool to_stdout = strcmp(path, "-") == 0;
    if (!to_stdout) {
        size_t n = strlen(path);
        size_t stem = ends_with_ci(path, ".csv") ? n - 4 : n;
        if (!(epath = ccg__malloc(stem + sizeof ".edges.csv"))) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        memcpy(epath, path, stem);
        strcpy(epath + stem, ".edges.csv");
    }
    if ((err = ccg__outfile_open(&nodes, path)) < 0)
        goto cleanup;
    if (epath && (err = ccg__outfile_open(&edges, epath)) < 0)
        goto cleanup;
    if ((err = ccg__export_table(net, CCG_OUT_CSV, nodes.fp, o)) < 0)
        goto cleanup;
    if (epath && (err = ccg__export_csv_edges(net, edges.fp)) < 0)
        goto cleanup;
    if (epath && (err = ccg__outfile_commit(&edges)) < 0)
        goto cleanup;
    err = ccg__outfile_commit(&nodes);
cleanup:
    if (err < 0) {
        ccg__outfile_abort(&edges);
        ccg__outfile_abort(&nodes);
    }
    free(epath);
    return err;
}

int ccg_export_file(const ccg_network *net, const ccg_annotation *a, ccg_output_format f,
                    const char *path, const ccg_export_options *o)
{
    int err = 0;
    ccg_outfile of = {0};
    ccg_export_options defaults;
    if (!o) {
        ccg_export_options_init(&defaults);
        o = &defaults;
    }
    if (!net || !path)
        return ccg__err(CCG_EINVAL, "export: no network or no path");
    if (f == CCG_OUT_CSV)
        return write_csv_pair(net, path, o);
    if ((err = ccg__outfile_open(&of, path)) < 0)
        return err;
    switch (f) {
    case CCG_OUT_TSV:
    case CCG_OUT_MARKDOWN:
    case CCG_OUT_LATEX: err = ccg__export_table(net, f, of.fp, o); break;
    case CCG_OUT_GRAPHML: err = ccg__export_graphml(net, a, of.fp, o); break;
    case CCG_OUT_GEXF: err = ccg__export_gexf(net, a, of.fp, o); break;
    case CCG_OUT_SVG:
    case CCG_OUT_PDF:
    case CCG_OUT_PNG: err = ccg__export_figure(net, f, of.fp, o); break;
    case CCG_OUT_DOT: err = ccg__export_dot(net, a, of.fp, o); break;
    case CCG_OUT_JSON: err = ccg__export_json(net, a, of.fp, o); break;
    case CCG_OUT_VOSVIEWER: err = ccg__export_vosviewer(net, a, of.fp, o); break;
    case CCG_OUT_THESAURUS: err = ccg__export_thesaurus(net, a, of.fp, o); break;
    default:
        err = ccg__err(CCG_EINVAL, "%s: output format %s is not supported yet", path,
                       ccg_output_format_name(f));
        break;
    }
    if (err < 0)
        goto cleanup;
    if (ferror(of.fp)) {
        err = ccg__err(CCG_EIO, "%s: write error: %s", path, strerror(errno));
        goto cleanup;
    }
    err = ccg__outfile_commit(&of);
cleanup:
    if (err < 0)
        ccg__outfile_abort(&of);
    return err;
}
