/*
 * ccgraph read: any input format in, the normalised corpus out as JSON
 * Lines (one paper a line, fixed key order, absent fields omitted).
 * Records stream through: only the ids of papers seen are kept.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

enum { OPT_THREADS = 1000 }; /* long only, as in extract */

static const struct option options[] = {
    {"format", required_argument, NULL, 'f'},
    {"strict", no_argument, NULL, 's'},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"quiet", no_argument, NULL, 'q'},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
static const char *const argnames[] = {"F", NULL, "N", NULL, "OUT", NULL};
static const char *const help[] = {
    "input format: auto (default), arxiv, jsonl, json, atom, bibtex, ris, wos, scopus, text",
    "a malformed record is an error, not skipped",
    "threads (default 0: all cores); the output is the same for any N",
    "no summary line and no warnings",
    "write to OUT (atomically) instead of stdout",
    "show this help",
};

static void usage(FILE *fp)
{
    cli_usage(fp, "ccgraph read [--format F] [--strict] [--threads N] [--quiet] [FILE...] [-o OUT.jsonl]",
              "Reads abstracts in any supported format (.gz too; no FILE or - is stdin)\n"
              "and writes one clean JSON object per paper. A paper seen twice (same\n"
              "arXiv id or DOI) is written once.",
              options, argnames, help);
}

/* Reads one file, writing each new paper; returns 0 or a library error. */
static int read_one(const char *path, const ccg_reader_options *ro, ccg_corpus *seen,
                    FILE *out, size_t *n_papers)
{
    ccg_reader *r = NULL;
    ccg_record *rec = NULL;
    int err = ccg_reader_open(&r, path, ro);
    if (err < 0)
        return err;
    bool progress = !cli_quiet && isatty(STDERR_FILENO);
    size_t n_read = 0;
    while ((err = ccg_reader_next(r, &rec)) > 0) {
        char *json = NULL;
        if (progress && ++n_read % 4096 == 0)
            fprintf(stderr, "\rccgraph: %s: %.0f MB, %zu papers", path,
                    (double)ccg_reader_bytes(r) / 1e6, n_read);
        int isnew = ccg_corpus_mark(seen, rec);
        if (isnew > 0 && (err = ccg_record_to_json(rec, &json)) == 0) {
            fputs(json, out);
            fputc('\n', out);
            (*n_papers)++;
        }
        free(json);
        ccg_record_free(rec);
        if (isnew < 0 || err < 0) {
            err = isnew < 0 ? isnew : err;
            break;
        }
    }
    if (progress && n_read >= 4096)
        fputc('\n', stderr);
    seen->n_skipped += ccg_reader_skipped(r);
    ccg_reader_free(r);
    return err;
}

int cmd_read(int argc, char **argv)
{
    ccg_reader_options ro = {.format = CCG_FORMAT_AUTO, .diag = cli_diag};
    const char *outpath = "-";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:sqo:h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (ccg_format_parse(optarg, &ro.format) < 0) {
                cli_lib_error(CCG_EINVAL);
                return CLI_USAGE;
            }
            break;
        case 's': ro.strict = true; break;
        case OPT_THREADS: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || n < 0 || n > 64) {
                cli_error("--threads: expected a number from 0 (all cores) to 64, not '%s'", optarg);
                return CLI_USAGE;
            }
            ro.threads = (unsigned)n;
            break;
        }
        case 'q': cli_quiet = true; break;
        case 'o': outpath = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        default: usage(stderr); return CLI_USAGE;
        }
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;

    ccg_corpus *seen = NULL;
    ccg_outfile of = {0};
    size_t n_papers = 0;
    int err = ccg_corpus_new(&seen);
    if (err == 0)
        err = ccg__outfile_open(&of, outpath);
    for (int i = 0; err == 0 && i < nfiles; i++)
        err = read_one(files[i], &ro, seen, of.fp, &n_papers);
    if (err == 0)
        err = ccg__outfile_commit(&of);
    else
        ccg__outfile_abort(&of);
    if (err < 0)
        cli_lib_error(err);
    else if (!cli_quiet)
        fprintf(stderr, "ccgraph: %zu paper%s, %zu duplicate%s, %zu skipped\n", n_papers,
                n_papers == 1 ? "" : "s", seen->n_duplicates, seen->n_duplicates == 1 ? "" : "s",
                seen->n_skipped);
    ccg_corpus_free(seen);
    return err < 0 ? CLI_ERROR : CLI_OK;
}
