/*
 * The graphs of the seed listing, with the annotation taken from the gold
 * file (arxiv_listing_seed.gold.jsonl) instead of the extractor: every
 * co-mention edge must list exactly the papers whose gold entities hold
 * both names, and the paper graph must have a "uses" edge exactly where a
 * paper mentions a name another (earlier) paper introduces.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ccg_graph.h"

#define SEED CCG_FIXTURES "/graph/arxiv_listing_seed.txt"
#define GOLD CCG_FIXTURES "/graph/arxiv_listing_seed.gold.jsonl"

typedef struct {
    ccg_corpus *c;
    ccg_annotation *a;
    json_t *gold[64]; /* per record: its gold entity array (borrowed) */
    json_t *lines[64];
    size_t n_lines;
} fixture;

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static long find_entity(const ccg_annotation *a, const char *name)
{
    for (size_t e = 0; e < a->n_entities; e++)
        if (strcmp(a->entities[e].name, name) == 0)
            return (long)e;
    return -1;
}

static int date_of(const ccg_record *r)
{
    return r->year * 100 + r->month;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ccg_reader_options ro = {0};
    char line[65536];
    FILE *fp = fopen(GOLD, "r");
    assert_non_null(fp);
    assert_int_equal(ccg_corpus_new(&f->c), 0);
    assert_int_equal(ccg_corpus_read_file(f->c, SEED, &ro), 0);
    assert_int_equal(f->c->n_records, 10);
    while (fgets(line, sizeof line, fp)) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        assert_non_null(j);
        const char *id = json_string_value(json_object_get(j, "id"));
        for (size_t p = 0; p < f->c->n_records; p++)
            if (strcmp(f->c->records[p]->id, id) == 0)
                f->gold[p] = json_object_get(j, "entities");
        f->lines[f->n_lines++] = j;
    }
    fclose(fp);

    /* Entities: the gold names, sorted, unique (names are unique per type here). */
    ccg_annotation *a = calloc(1, sizeof *a);
    char *names[512];
    size_t nn = 0;
    for (size_t p = 0; p < f->c->n_records; p++) {
        assert_non_null(f->gold[p]);
        size_t i;
        json_t *e;
        json_array_foreach(f->gold[p], i, e) names[nn++] =
            (char *)json_string_value(json_object_get(e, "name"));
    }
    qsort(names, nn, sizeof *names, cmp_str);
    a->entities = calloc(nn, sizeof *a->entities);
    for (size_t k = 0; k < nn; k++)
        if (k == 0 || strcmp(names[k], names[k - 1]) != 0) {
            a->entities[a->n_entities].name = strdup(names[k]);
            a->entities[a->n_entities].introduced_by = -1;
            a->n_entities++;
        }
    a->n_docs = f->c->n_records;
    a->docs = calloc(a->n_docs, sizeof *a->docs);
    for (size_t p = 0; p < f->c->n_records; p++) {
        size_t i;
        json_t *e;
        ccg_doc_entities *d = &a->docs[p];
        d->items = calloc(json_array_size(f->gold[p]) + 1, sizeof *d->items);
        json_array_foreach(f->gold[p], i, e)
        {
            long k = find_entity(a, json_string_value(json_object_get(e, "name")));
            ccg_entity_type t;
            assert_int_equal(ccg_entity_type_parse(json_string_value(json_object_get(e, "type")), &t),
                             0);
            ccg_doc_entity *de = &d->items[d->n++];
            de->entity = (uint32_t)k;
            de->count = 1;
            de->introduced = json_is_true(json_object_get(e, "introduced"));
            a->entities[k].type = t;
            a->entities[k].n_papers++;
            /* introduced_by: the earliest-dated introducer, then corpus order */
            long *ib = &a->entities[k].introduced_by;
            if (de->introduced &&
                (*ib < 0 || date_of(f->c->records[p]) < date_of(f->c->records[*ib])))
                *ib = (long)p;
        }
    }
    f->a = a;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t p = 0; p < f->a->n_docs; p++)
        free(f->a->docs[p].items);
    free(f->a->docs);
    for (size_t e = 0; e < f->a->n_entities; e++)
        free(f->a->entities[e].name);
    free(f->a->entities);
    free(f->a);
    for (size_t k = 0; k < f->n_lines; k++)
        json_decref(f->lines[k]);
    ccg_corpus_free(f->c);
    free(f);
    return 0;
}

static bool gold_has(const json_t *ents, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(ents, i, e) if (strcmp(json_string_value(json_object_get(e, "name")),
                                              name) == 0) return true;
    return false;
}

static void test_concept_edges_list_their_papers(void **state)
{
    fixture *f = *state;
    ccg_graph_options o;
    ccg_network *net = NULL;
    ccg_graph_options_init(&o);
    o.provenance_max = 0;
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), 0);
    assert_int_equal(net->n_nodes, f->a->n_entities);

    /* Expected pairs: every pair of names of each gold paper. */
    size_t pairs = 0;
    for (size_t u = 0; u < net->n_nodes; u++)
        for (size_t v = u + 1; v < net->n_nodes; v++) {
            char want[4096] = "";
            size_t np = 0;
            for (size_t p = 0; p < f->c->n_records; p++)
                if (gold_has(f->gold[p], net->node_id[u]) && gold_has(f->gold[p], net->node_id[v])) {
                    if (np++)
                        strcat(want, ";");
                    strcat(want, f->c->records[p]->id);
                }
            long e = -1;
            for (size_t k = 0; k < net->n_edges; k++)
                if (net->source[k] == u && net->target[k] == v)
                    e = (long)k;
            if (!np) {
                assert_int_equal(e, -1);
                continue;
            }
            pairs++;
            assert_true(e >= 0);
            assert_string_equal(ccg_network_edge_column(net, "papers")->s[e], want);
            assert_int_equal(ccg_network_edge_column(net, "n_papers")->i[e], (int64_t)np);
            assert_true(net->weight[e] == (double)np);
        }
    assert_int_equal(net->n_edges, pairs);
    /* GPT-4 is the only name in two papers (2408.11878 and 2406.11328). */
    assert_string_equal(net->node_id[0], "GPT-4");
    assert_int_equal(ccg_network_node_column(net, "papers")->i[0], 2);
    ccg_network_free(net);
}

static void test_uses_edges_where_names_are_reused(void **state)
{
    fixture *f = *state;
    ccg_graph_options o;
    ccg_network *net = NULL;
    ccg_graph_options_init(&o);
    o.kind = CCG_NET_PAPERS;
    assert_int_equal(ccg_graph_build(f->c, f->a, &o, &net), 0);
    assert_int_equal(net->n_nodes, f->c->n_records);
    /* Expected: B -> A for each name B mentions without introducing that
     * A (another, not later paper) introduced. The seed listing has none:
     * each introduced name stays in its paper, and the graph has no edge. */
    size_t want = 0;
    for (size_t p = 0; p < f->c->n_records; p++) {
        const ccg_doc_entities *d = &f->a->docs[p];
        for (size_t i = 0; i < d->n; i++) {
            long ib = f->a->entities[d->items[i].entity].introduced_by;
            if (d->items[i].introduced || ib < 0 || (size_t)ib == p ||
                date_of(f->c->records[ib]) > date_of(f->c->records[p]))
                continue;
            want++;
            bool found = false;
            for (size_t e = 0; e < net->n_edges; e++)
                found |= net->source[e] == p && net->target[e] == (uint32_t)ib &&
                         strstr(net->edge_label[e], f->a->entities[d->items[i].entity].name);
            assert_true(found);
        }
    }
    assert_int_equal(want, 0);
    assert_int_equal(net->n_edges, 0);
    /* Labels: the name a paper introduces. */
    for (size_t p = 0; p < f->c->n_records; p++) {
        const ccg_doc_entities *d = &f->a->docs[p];
        for (size_t i = 0; i < d->n; i++)
            if (d->items[i].introduced) {
                assert_string_equal(net->node_label[p], f->a->entities[d->items[i].entity].name);
                break;
            }
    }
    ccg_network_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concept_edges_list_their_papers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uses_edges_where_names_are_reused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
