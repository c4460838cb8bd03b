/*
 * cmd_extract.h: what `ccgraph extract` and `ccgraph eval` share: the
 * extraction options and the run from files to an annotation.
 */
#ifndef CCG_CMD_EXTRACT_H
#define CCG_CMD_EXTRACT_H

#include "cli.h"

#define XCLI_MAX_FILES 32

/* Long options both commands take; their `val`s are the XCLI_* below. */
enum {
    XCLI_GRANULARITY = 1000,
    XCLI_THREADS,
    XCLI_LEXICON,
    XCLI_STOPLIST,
    XCLI_THESAURUS,
    XCLI_NO_BUILTIN,
    XCLI_STRICT,
};

/* The shared rows of both getopt_long tables, with their argument names and help. */
#define XCLI_OPTIONS                                                      \
    {"granularity", required_argument, NULL, XCLI_GRANULARITY},            \
        {"threads", required_argument, NULL, XCLI_THREADS},                \
        {"lexicon", required_argument, NULL, XCLI_LEXICON},                \
        {"stoplist", required_argument, NULL, XCLI_STOPLIST},              \
        {"thesaurus", required_argument, NULL, XCLI_THESAURUS},            \
        {"no-builtin-lexicon", no_argument, NULL, XCLI_NO_BUILTIN},        \
        {"strict", no_argument, NULL, XCLI_STRICT},                        \
        {"quiet", no_argument, NULL, 'q'}
#define XCLI_ARGNAMES "G", "N", "FILE", "FILE", "FILE", NULL, NULL, NULL
#define XCLI_HELP                                                                      \
    "model names: family (LLaMA), version (LLaMA-3, default), variant (LLaMA-3-8B)",    \
        "threads (default 0: all cores); the output is the same for any N",            \
        "a lexicon TSV: name<TAB>type<TAB>aliases separated by |",                      \
        "strings that are never entities, one a line",                                  \
        "VOSviewer thesaurus: label<TAB>replace by, header line; empty replacement drops", \
        "use only the --lexicon files", "a malformed input record is an error, not skipped", \
        "no warnings"

typedef struct {
    ccg_extractor_options xo;
    ccg_reader_options ro;
    const char *lexicons[XCLI_MAX_FILES], *stoplists[XCLI_MAX_FILES],
        *thesauri[XCLI_MAX_FILES];
    int n_lexicons, n_stoplists, n_thesauri;
    bool timings;            /* print the seconds of reading and extraction on stderr */
} xcli;

void xcli_init(xcli *o);

/** Handles a shared option: 1 if handled, 0 if not shared, -1 on a bad value (message printed). */
int xcli_option(xcli *o, int c, const char *arg);

/**
 * Loads the corpus and the user files, then annotates. Returns CLI_OK or
 * CLI_ERROR (message printed); on success the caller frees the three.
 */
int xcli_run(xcli *o, char **files, int nfiles, ccg_corpus **c, ccg_extractor **x,
             ccg_annotation **a);

#endif
