/*
 * ccg_extract.h: named-entity extraction (methods, datasets, models,
 * metrics, tools) from abstracts, and the corpus-level merge of names.
 *
 * Per text, ccg_extractor_extract() finds mentions (byte spans into the
 * caller's text). Over a corpus, ccg_extractor_annotate() extracts every
 * record (in parallel), merges names across papers (long form <-> acronym,
 * versions, plurals, thesaurus) and yields one entity table plus, per paper,
 * the entities it mentions.
 */
#ifndef CCG_EXTRACT_H
#define CCG_EXTRACT_H

#include "ccg_common.h"
#include "ccg_record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CCG_TYPE_MODEL = 0,
    CCG_TYPE_METHOD,
    CCG_TYPE_DATASET,
    CCG_TYPE_METRIC,
    CCG_TYPE_TOOL,
    CCG_TYPE_COUNT
} ccg_entity_type;

/** "model", "method", "dataset", "metric", "tool". */
const char *ccg_entity_type_name(ccg_entity_type t);
/** Parses a type name; CCG_EINVAL if unknown. */
int ccg_entity_type_parse(const char *name, ccg_entity_type *out);

/** How finely model names are told apart. */
typedef enum {
    CCG_GRANULARITY_VERSION = 0, /**< LLaMA3-8B -> LLaMA-3 (the default, as ANNOTATION.md) */
    CCG_GRANULARITY_FAMILY,      /**< LLaMA3-8B -> LLaMA */
    CCG_GRANULARITY_VARIANT,     /**< LLaMA3-8B -> LLaMA-3-8B */
} ccg_granularity;

typedef struct {
    ccg_granularity granularity;
    unsigned threads;            /**< 0: all cores */
    bool builtin_lexicon;        /**< load the compiled-in lexicon (default true via ccg_extractor_options_init);
                                      the compiled-in stop list is loaded either way */
    bool explain;                /**< record the rule behind each mention */
} ccg_extractor_options;

void ccg_extractor_options_init(ccg_extractor_options *o);

typedef struct ccg_extractor ccg_extractor;

/** Creates an extractor. Returns 0, CCG_ENOMEM, or CCG_EINVAL. */
int ccg_extractor_new(ccg_extractor **out, const ccg_extractor_options *opts);
void ccg_extractor_free(ccg_extractor *x);

/**
 * Adds entries from a TSV lexicon (name, type, aliases separated by '|',
 * '#' comments). Forms with a capital or digit match case-sensitively
 * (up to spaces and hyphens: LLaMA3 = LLaMA-3 = Llama 3), lower-case and
 * multi-word forms match in any case. Entries added later win over earlier
 * ones with the same form, so a user lexicon overrides the built-in one.
 * Not thread-safe: add everything before extracting.
 * Returns 0, CCG_EIO, CCG_EPARSE (message "file:line: ..."), CCG_ENOMEM.
 */
int ccg_extractor_add_lexicon(ccg_extractor *x, const char *path);
/**
 * Adds a stop list: one string per line ('#' comments, a second TAB column
 * is ignored), never an entity; matched folding case, spaces, hyphens and
 * a plural s. Returns 0, CCG_EIO, CCG_ENOMEM.
 */
int ccg_extractor_add_stoplist(ccg_extractor *x, const char *path);
/**
 * Adds a VOSviewer thesaurus ("label<TAB>replace by" with a header line);
 * an empty replacement drops the label. Applied by ccg_extractor_annotate
 * to the names found (labels matched folding case, spaces and hyphens).
 * Returns 0, CCG_EIO, CCG_EPARSE ("file:line: ..."), CCG_ENOMEM.
 */
int ccg_extractor_add_thesaurus(ccg_extractor *x, const char *path);

/** One mention found in one text. */
typedef struct {
    size_t start, end;     /**< byte span [start, end) into the caller's text */
    const char *name;      /**< canonical name within this text (owned by the result) */
    ccg_entity_type type;
    bool introduced;       /**< this text introduces the name */
    const char *rule;      /**< which rule found it (when explain is on), else NULL */
} ccg_mention;

/** Mentions of one text, in order of start. */
typedef struct ccg_mentions {
    ccg_mention *items;
    size_t n;
    void *priv;
} ccg_mentions;

/**
 * Extracts mentions from one text (UTF-8; invalid bytes are treated as
 * separators). Thread-safe for one extractor across threads. Time is linear
 * in len (PCRE2 match limits bound each pattern).
 * Returns 0 or CCG_ENOMEM/CCG_ELIMIT; free the result with ccg_mentions_free.
 */
int ccg_extractor_extract(const ccg_extractor *x, const char *text, size_t len,
                          ccg_mentions **out);
void ccg_mentions_free(ccg_mentions *m);

/** A corpus-level entity after merging. */
typedef struct {
    char *name;            /**< canonical name */
    ccg_entity_type type;
    char **forms;          /**< surface forms seen, sorted, unique */
    size_t n_forms;
    size_t n_papers;       /**< papers that mention it */
    size_t n_mentions;
    long introduced_by;    /**< index of the earliest paper introducing it, or -1 */
    const char *rule;      /**< with explain: the rule that found it first */
} ccg_entity;

/** One entity in one paper. */
typedef struct {
    uint32_t entity;       /**< index into ccg_annotation.entities */
    uint32_t count;        /**< mentions in this paper */
    bool introduced;
    uint32_t *spans;       /**< 2*count offsets: start,end pairs into ccg_record_text() */
    uint32_t *sentences;   /**< sentence number of each mention (count items) */
} ccg_doc_entity;

/** Entities of one paper, sorted by first mention. */
typedef struct {
    ccg_doc_entity *items;
    size_t n;
    uint32_t n_sentences;      /**< sentences in the paper's text */
    uint32_t *sentence_starts; /**< byte offset of each sentence in ccg_record_text() */
} ccg_doc_entities;

/**
 * The annotation of a corpus: entity table and per-paper entities, indexed
 * like corpus->records. Entities are sorted by name (byte order), so the
 * result does not depend on thread count or input order of equal papers.
 */
typedef struct ccg_annotation {
    ccg_entity *entities;
    size_t n_entities;
    ccg_doc_entities *docs;    /**< n = corpus->n_records */
    size_t n_docs;
    /** merges made: form -> canonical name, for the thesaurus export */
    char **merge_from, **merge_to;
    size_t n_merges;
    void *priv;
} ccg_annotation;

/**
 * Extracts every record of the corpus with opts->threads threads and merges
 * names across the corpus: long forms defined in one paper are found in
 * the others (a second, cheaper pass), names are grouped by their key
 * (case, spaces, hyphens, underscores and an acronym's plural s folded,
 * thesaurus applied), the canonical name is the lexicon's if any, else the
 * most frequent name (ties by byte order), the type the lexicon's, else the
 * most voted. The result is the same for any thread count. Time is linear
 * in the corpus text (plus sorting the entities).
 * Returns 0, CCG_ENOMEM or CCG_ELIMIT; free with ccg_annotation_free.
 */
int ccg_extractor_annotate(const ccg_extractor *x, const ccg_corpus *c,
                           ccg_annotation **out);

/**
 * Runs the first pass of ccg_extractor_annotate on one record and keeps
 * it in the record (rec->prepared), so that the pass can overlap reading:
 * pass it as the reader's prepare (ccg_reader_options), with x as its ud,
 * through a function of that type. ccg_extractor_annotate with the same x
 * then takes the kept pass instead of making it (and frees it); the
 * result is the same. Thread-safe for one extractor across threads. On
 * failure (out of memory) nothing is kept: annotate makes the pass itself.
 */
void ccg_extractor_prepare(const ccg_extractor *x, ccg_record *rec);
void ccg_annotation_free(ccg_annotation *a);

#ifdef __cplusplus
}
#endif
#endif
