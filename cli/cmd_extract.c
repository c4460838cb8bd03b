/*
 * ccgraph extract: named methods, datasets, models, metrics and tools per
 * paper, as JSON Lines (the gold format of ANNOTATION.md plus counts and
 * spans) or as TSV (one mention a line).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd_extract.h"
#include "util.h"

void xcli_init(xcli *o)
{
    memset(o, 0, sizeof *o);
    ccg_extractor_options_init(&o->xo);
    o->ro.format = CCG_FORMAT_AUTO;
    o->ro.diag = cli_diag;
    /* extract, eval, rank and build never look at them; `ccgraph read` keeps them */
    o->ro.omit = CCG_FIELD_AUTHORS | CCG_FIELD_CATEGORIES;
}

static int add_path(const char **v, int *n, const char *arg, const char *what)
{
    if (*n == XCLI_MAX_FILES) {
        cli_error("too many --%s files (at most %d)", what, XCLI_MAX_FILES);
        return -1;
    }
    v[(*n)++] = arg;
    return 1;
}

int xcli_option(xcli *o, int c, const char *arg)
{
    switch (c) {
    case XCLI_GRANULARITY:
        if (strcmp(arg, "version") == 0)
            o->xo.granularity = CCG_GRANULARITY_VERSION;
        else if (strcmp(arg, "family") == 0)
            o->xo.granularity = CCG_GRANULARITY_FAMILY;
        else if (strcmp(arg, "variant") == 0)
            o->xo.granularity = CCG_GRANULARITY_VARIANT;
        else {
            cli_error("--granularity: expected family, version or variant, not '%s'", arg);
            return -1;
        }
        return 1;
    case XCLI_THREADS: {
        char *end;
        long n = strtol(arg, &end, 10);
        if (*arg == '\0' || *end || n < 0 || n > 64) {
            cli_error("--threads: expected a number from 0 (all cores) to 64, not '%s'", arg);
            return -1;
        }
        o->xo.threads = (unsigned)n;
        o->ro.threads = (unsigned)n;
        return 1;
    }
    case XCLI_LEXICON: return add_path(o->lexicons, &o->n_lexicons, arg, "lexicon");
    case XCLI_STOPLIST: return add_path(o->stoplists, &o->n_stoplists, arg, "stoplist");
    case XCLI_THESAURUS: return add_path(o->thesauri, &o->n_thesauri, arg, "thesaurus");
    case XCLI_NO_BUILTIN: o->xo.builtin_lexicon = false; return 1;
    case XCLI_STRICT: o->ro.strict = true; return 1;
    case 'q': cli_quiet = true; return 1;
    default: return 0;
    }
}

/* The reader's prepare: extraction's first pass runs in the threads that parse. */
static void prepare(void *x, ccg_record *rec)
{
    ccg_extractor_prepare(x, rec);
}

int xcli_run(xcli *o, char **files, int nfiles, ccg_corpus **cp, ccg_extractor **xp,
             ccg_annotation **ap)
{
    ccg_extractor *x = NULL;
    ccg_corpus *c = NULL;
    ccg_annotation *a = NULL;
    int err = ccg_extractor_new(&x, &o->xo);
    for (int i = 0; err == 0 && i < o->n_lexicons; i++)
        err = ccg_extractor_add_lexicon(x, o->lexicons[i]);
    for (int i = 0; err == 0 && i < o->n_stoplists; i++)
        err = ccg_extractor_add_stoplist(x, o->stoplists[i]);
    for (int i = 0; err == 0 && i < o->n_thesauri; i++)
        err = ccg_extractor_add_thesaurus(x, o->thesauri[i]);
    if (err < 0) {
        cli_lib_error(err);
        ccg_extractor_free(x);
        return CLI_ERROR;
    }
    double t0 = cli_seconds(), c0 = cli_cpu_seconds();
    ccg_reader_options ro = o->ro;
    ro.prepare = prepare;
    ro.prepare_ud = x;
    if (cli_load_corpus(files, nfiles, &ro, &c) != CLI_OK) {
        ccg_extractor_free(x);
        return CLI_ERROR;
    }
    double t1 = cli_seconds(), c1 = cli_cpu_seconds(), m1 = cli_peak_mb();
    if ((err = ccg_extractor_annotate(x, c, &a)) < 0) {
        cli_lib_error(err);
        ccg_corpus_free(c);
        ccg_extractor_free(x);
        return CLI_ERROR;
    }
    if (o->timings)
        fprintf(stderr,
                "ccgraph: read (with extraction's first pass where threads parse): %.2f s, "
                "%.2f s CPU (%zu papers, peak RSS %.0f MB); extract (the rest): %.2f s, "
                "%.2f s CPU (%zu entities, peak RSS %.0f MB)\n",
                t1 - t0, c1 - c0, c->n_records, m1, cli_seconds() - t1, cli_cpu_seconds() - c1,
                a->n_entities, cli_peak_mb());
    *cp = c;
    *xp = x;
    *ap = a;
    return CLI_OK;
}

/* ---- output -------------------------------------------------------------- */

static void json_str(FILE *fp, const char *s, size_t n)
{
    fputc('"', fp);
    for (size_t i = 0; i < n; i++) {
        /* plain bytes go out in runs: a call per byte was most of the time */
        size_t r = i;
        while (r < n && (unsigned char)s[r] >= 0x20 && s[r] != '"' && s[r] != '\\' &&
               s[r] != 0x7f)
            r++;
        if (r > i) {
            fwrite(s + i, 1, r - i, fp);
            i = r;
            if (i == n)
                break;
        }
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\r': fputs("\\r", fp); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                fprintf(fp, "\\u%04x", ch);
            else
                fputc(ch, fp);
        }
    }
    fputc('"', fp);
}

/* A number in decimal: printf's cost per call was most of the output time. */
static void put_uint(FILE *fp, uint32_t v)
{
    char d[10];
    size_t n = 0;
    do
        d[sizeof d - ++n] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    fwrite(d + sizeof d - n, 1, n, fp);
}

/* A mention's surface form on one line (newlines and tabs as spaces). */
static void surface(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i], fp);
}

static int cmp_form(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

/* The forms of one entity in one paper: its spans' texts, sorted and unique. */
static int doc_forms(const char *text, const ccg_doc_entity *it, char ***out, size_t *n_out)
{
    char **v = ccg__calloc(it->count + 1, sizeof *v);
    if (!v)
        return CCG_ENOMEM;
    size_t n = 0;
    for (uint32_t k = 0; k < it->count; k++) {
        uint32_t s = it->spans[2 * k], e = it->spans[2 * k + 1];
        char *f = ccg__strndup(text + s, e - s);
        if (!f) {
            for (size_t i = 0; i < n; i++)
                free(v[i]);
            free(v);
            return CCG_ENOMEM;
        }
        for (char *p = f; *p; p++)
            if (*p == '\n' || *p == '\t' || *p == '\r' || *p == '~')
                *p = ' ';
        v[n++] = f;
    }
    qsort(v, n, sizeof *v, cmp_form);
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        if (u > 0 && strcmp(v[u - 1], v[i]) == 0)
            free(v[i]);
        else
            v[u++] = v[i];
    }
    *out = v;
    *n_out = u;
    return 0;
}

static int write_json(FILE *fp, const ccg_record *rec, const char *text,
                      const ccg_annotation *a, const ccg_doc_entities *de, bool explain)
{
    fputs("{\"id\":", fp);
    json_str(fp, rec->id ? rec->id : "", rec->id ? strlen(rec->id) : 0);
    fputs(",\"entities\":[", fp);
    for (size_t i = 0; i < de->n; i++) {
        const ccg_doc_entity *it = &de->items[i];
        const ccg_entity *e = &a->entities[it->entity];
        char **forms;
        size_t nf;
        int err = doc_forms(text, it, &forms, &nf);
        if (err < 0)
            return err;
        fputs(i ? ",{\"name\":" : "{\"name\":", fp);
        json_str(fp, e->name, strlen(e->name));
        fputs(",\"type\":\"", fp);
        fputs(ccg_entity_type_name(e->type), fp);
        fputs("\",\"forms\":[", fp);
        for (size_t k = 0; k < nf; k++) {
            if (k)
                fputc(',', fp);
            json_str(fp, forms[k], strlen(forms[k]));
            free(forms[k]);
        }
        free(forms);
        fputs(it->introduced ? "],\"introduced\":true,\"count\":" : "],\"introduced\":false,\"count\":",
              fp);
        put_uint(fp, it->count);
        fputs(",\"spans\":[", fp);
        for (uint32_t k = 0; k < it->count; k++) {
            fputs(k ? ",[" : "[", fp);
            put_uint(fp, it->spans[2 * k]);
            fputc(',', fp);
            put_uint(fp, it->spans[2 * k + 1]);
            fputc(']', fp);
        }
        fputc(']', fp);
        if (explain && e->rule) {
            fputs(",\"rule\":", fp);
            json_str(fp, e->rule, strlen(e->rule));
        }
        fputc('}', fp);
    }
    fputs("]}\n", fp);
    return 0;
}

/* TSV: id, start, end, surface form, name, type, introduced, one mention a line. */
static void write_tsv(FILE *fp, const ccg_record *rec, const char *text,
                      const ccg_annotation *a, const ccg_doc_entities *de, bool explain)
{
    for (size_t i = 0; i < de->n; i++) {
        const ccg_doc_entity *it = &de->items[i];
        const ccg_entity *e = &a->entities[it->entity];
        for (uint32_t k = 0; k < it->count; k++) {
            uint32_t s = it->spans[2 * k], en = it->spans[2 * k + 1];
            surface(fp, rec->id ? rec->id : "", rec->id ? strlen(rec->id) : 0);
            fprintf(fp, "\t%u\t%u\t", s, en);
            surface(fp, text + s, en - s);
            fputc('\t', fp);
            surface(fp, e->name, strlen(e->name));
            fprintf(fp, "\t%s\t%s", ccg_entity_type_name(e->type),
                    it->introduced ? "true" : "false");
            if (explain)
                fprintf(fp, "\t%s", e->rule ? e->rule : "");
            fputc('\n', fp);
        }
    }
}

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'f'},
    {"explain", no_argument, NULL, 'e'},
    XCLI_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
static const char *const argnames[] = {"OUT", "F", NULL, XCLI_ARGNAMES, NULL};
static const char *const help[] = {
    "write to OUT (atomically) instead of stdout",
    "jsonl (default): one paper a line; tsv: one mention a line",
    "add the rule that found each entity",
    XCLI_HELP,
    "show this help",
};

static void usage(FILE *fp)
{
    cli_usage(fp, "ccgraph extract [options] [FILE...] [-o OUT]",
              "Finds the named methods, datasets, models, metrics and tools of each paper.\n"
              "jsonl: {\"id\",\"entities\":[{\"name\",\"type\",\"forms\",\"introduced\",\"count\",\n"
              "\"spans\":[[start,end],...]}]}; tsv: id, start, end, form, name, type, introduced.\n"
              "Spans are byte offsets into the paper's text: its title, two newlines, then\n"
              "its abstract (just one of them if the other is absent), as `ccgraph read`\n"
              "gives them.",
              options, argnames, help);
}

int cmd_extract(int argc, char **argv)
{
    xcli o;
    xcli_init(&o);
    const char *outpath = "-";
    bool tsv = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:f:eqh", options, NULL)) != -1) {
        int r = xcli_option(&o, c, optarg);
        if (r < 0)
            return CLI_USAGE;
        if (r > 0)
            continue;
        switch (c) {
        case 'o': outpath = optarg; break;
        case 'f':
            if (strcmp(optarg, "tsv") == 0)
                tsv = true;
            else if (strcmp(optarg, "jsonl") == 0)
                tsv = false;
            else {
                cli_error("--format: expected jsonl or tsv, not '%s'", optarg);
                return CLI_USAGE;
            }
            break;
        case 'e': o.xo.explain = true; break;
        case 'h': usage(stdout); return CLI_OK;
        default: usage(stderr); return CLI_USAGE;
        }
    }
    ccg_corpus *corpus = NULL;
    ccg_extractor *x = NULL;
    ccg_annotation *a = NULL;
    if (xcli_run(&o, argv + optind, argc - optind, &corpus, &x, &a) != CLI_OK)
        return CLI_ERROR;
    ccg_outfile of = {0};
    int err = ccg__outfile_open(&of, outpath);
    for (size_t d = 0; err == 0 && d < corpus->n_records; d++) {
        size_t len;
        char *text = ccg_record_text(corpus->records[d], &len);
        if (!text) {
            err = CCG_ENOMEM;
            break;
        }
        if (tsv)
            write_tsv(of.fp, corpus->records[d], text, a, &a->docs[d], o.xo.explain);
        else
            err = write_json(of.fp, corpus->records[d], text, a, &a->docs[d], o.xo.explain);
        free(text);
    }
    if (err == 0)
        err = ccg__outfile_commit(&of);
    else
        ccg__outfile_abort(&of);
    if (err < 0)
        cli_lib_error(err);
    ccg_annotation_free(a);
    ccg_extractor_free(x);
    ccg_corpus_free(corpus);
    return err < 0 ? CLI_ERROR : CLI_OK;
}
