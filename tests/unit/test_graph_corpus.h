/*
 * test_graph_corpus.h: corpora and annotations made by hand for the graph
 * tests, without the readers or the extractor.
 */
#ifndef TEST_GRAPH_CORPUS_H
#define TEST_GRAPH_CORPUS_H

#include "ccg_extract.h"
#include "ccg_record.h"

/** One mention: entity index and sentence number. */
typedef struct {
    unsigned entity, sentence;
} tg_mention;

/** A hand-made paper: id, date, abstract, mentions (entity = -1u ends),
 *  entities it introduces (bit mask over entity indices), refs. */
typedef struct {
    const char *id;
    int year, month;
    const char *abstract;
    tg_mention mentions[12];
    unsigned introduces;
    const char *refs[4];
} tg_paper;

typedef struct {
    const char *name;
    ccg_entity_type type;
} tg_entity;

/**
 * Builds a corpus and annotation from the tables. Sentences of each abstract
 * are split after ". "; spans are left NULL. introduced_by is the first
 * paper (in table order) whose mask has the entity.
 */
void tg_build(const tg_paper *papers, size_t np, const tg_entity *ents, size_t ne,
              ccg_corpus **c, ccg_annotation **a);
void tg_free(ccg_corpus *c, ccg_annotation *a);

#endif
