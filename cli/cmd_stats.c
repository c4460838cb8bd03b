/*
 * ccgraph stats: what a corpus holds before anything is extracted: papers
 * per format and per year, empty abstracts, duplicates, and every record
 * skipped with the reason.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct option options[] = {
    {"format", required_argument, NULL, 'f'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
static const char *const argnames[] = {"F", NULL, NULL};
static const char *const help[] = {
    "input format: auto (default), arxiv, jsonl, json, atom, bibtex, ris, wos, scopus, text",
    "no warnings on stderr",
    "show this help",
};

/* Shown in full up to this many; then counted. */
#define MAX_LISTED 20

typedef struct {
    char *lines[MAX_LISTED];
    size_t n;
} skip_list;

static void on_diag(void *ud, ccg_diag_kind kind, const char *file, unsigned long line,
                    const char *msg)
{
    skip_list *s = ud;
    if (kind == CCG_DIAG_WARNING) {
        cli_diag(NULL, kind, file, line, msg);
        return;
    }
    if (s->n < MAX_LISTED) {
        size_t len = strlen(file) + strlen(msg) + 32;
        char *t = malloc(len);
        if (t)
            snprintf(t, len, "%s:%lu: %s", file, line, msg);
        s->lines[s->n] = t;
    }
    s->n++;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void report(const ccg_corpus *c, const skip_list *skips)
{
    size_t per_format[CCG_FORMAT_COUNT] = {0}, empty = 0, no_year = 0;
    int *years = malloc((c->n_records ? c->n_records : 1) * sizeof *years);
    size_t ny = 0;
    for (size_t i = 0; i < c->n_records; i++) {
        const ccg_record *r = c->records[i];
        per_format[r->format]++;
        empty += r->abstract == NULL;
        if (r->year && years)
            years[ny++] = r->year;
        else
            no_year++;
    }
    printf("papers\t%zu\nduplicates\t%zu\nskipped\t%zu\nempty abstracts\t%zu\n", c->n_records,
           c->n_duplicates, c->n_skipped, empty);
    printf("\nformat\tpapers\n");
    for (int f = 1; f < CCG_FORMAT_COUNT; f++)
        if (per_format[f])
            printf("%s\t%zu\n", ccg_format_name((ccg_format)f), per_format[f]);
    printf("\nyear\tpapers\n");
    if (years) {
        qsort(years, ny, sizeof *years, cmp_int);
        for (size_t i = 0; i < ny;) {
            size_t j = i;
            while (j < ny && years[j] == years[i])
                j++;
            printf("%d\t%zu\n", years[i], j - i);
            i = j;
        }
    }
    if (no_year)
        printf("unknown\t%zu\n", no_year);
    free(years);
    if (skips->n) {
        printf("\nskipped records\n");
        for (size_t i = 0; i < skips->n && i < MAX_LISTED; i++)
            printf("%s\n", skips->lines[i] ? skips->lines[i] : "(out of memory)");
        if (skips->n > MAX_LISTED)
            printf("... and %zu more\n", skips->n - MAX_LISTED);
    }
}

int cmd_stats(int argc, char **argv)
{
    skip_list skips = {{NULL}, 0};
    ccg_reader_options ro = {.format = CCG_FORMAT_AUTO, .diag = on_diag, .diag_ud = &skips};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:qh", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (ccg_format_parse(optarg, &ro.format) < 0) {
                cli_lib_error(CCG_EINVAL);
                return CLI_USAGE;
            }
            break;
        case 'q': cli_quiet = true; break;
        case 'h':
            cli_usage(stdout, "ccgraph stats [--format F] [FILE...]",
                      "Counts papers per format and per year, empty abstracts, duplicates\n"
                      "(same arXiv id or DOI) and skipped records, with the reason for each.",
                      options, argnames, help);
            return CLI_OK;
        default:
            cli_usage(stderr, "ccgraph stats [--format F] [FILE...]", "", options, argnames, help);
            return CLI_USAGE;
        }
    }
    ccg_corpus *corpus = NULL;
    int rc = cli_load_corpus(argv + optind, argc - optind, &ro, &corpus);
    if (rc == CLI_OK) {
        report(corpus, &skips);
        ccg_corpus_free(corpus);
    }
    for (size_t i = 0; i < skips.n && i < MAX_LISTED; i++)
        free(skips.lines[i]);
    return rc;
}
