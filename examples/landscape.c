/*
 * landscape.c: the library used from C, end to end. Reads abstracts,
 * extracts entities, builds the concept graph, lays it out and writes
 * GraphML, then prints the five most central entities.
 *
 *   landscape CORPUS OUT.graphml
 *
 * Built and run as a test (tests/examples.cmake).
 */
#include <stdio.h>
#include <stdlib.h>

#include "ccgraph.h"

static int fail(int err)
{
    fprintf(stderr, "landscape: %s\n", *ccg_error_last() ? ccg_error_last() : ccg_strerror(err));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: landscape CORPUS OUT.graphml\n");
        return 2;
    }
    ccg_corpus *corpus = NULL;
    ccg_extractor *x = NULL;
    ccg_annotation *ann = NULL;
    ccg_network *net = NULL;
    int err, rc = 1;

    ccg_reader_options ro = {0}; /* detect the format, skip bad records */
    if ((err = ccg_corpus_new(&corpus)) < 0 ||
        (err = ccg_corpus_read_file(corpus, argv[1], &ro)) < 0)
        goto cleanup;

    ccg_extractor_options xo;
    ccg_extractor_options_init(&xo);
    if ((err = ccg_extractor_new(&x, &xo)) < 0 ||
        (err = ccg_extractor_annotate(x, corpus, &ann)) < 0)
        goto cleanup;

    ccg_graph_options go;
    ccg_graph_options_init(&go); /* concepts, paper window, Leiden, seed 42 */
    if ((err = ccg_graph_build(corpus, ann, &go, &net)) < 0 ||
        (err = ccg_graph_layout(net, CCG_LAYOUT_FR, go.seed)) < 0)
        goto cleanup;

    ccg_export_options eo;
    ccg_export_options_init(&eo);
    if ((err = ccg_export_file(net, ann, CCG_OUT_GRAPHML, argv[2], &eo)) < 0)
        goto cleanup;

    printf("%zu papers, %zu entities, graph of %zu nodes and %zu edges\n",
           corpus->n_records, ann->n_entities, net->n_nodes, net->n_edges);
    /* Nodes come sorted by papers; print the five with the largest size metric. */
    size_t best[5] = {0};
    size_t nbest = 0;
    for (size_t i = 0; i < net->n_nodes; i++) {
        size_t k = nbest < 5 ? nbest++ : 5;
        while (k > 0 && net->size[best[k - 1]] < net->size[i]) {
            if (k < 5)
                best[k] = best[k - 1];
            k--;
        }
        if (k < 5)
            best[k] = i;
    }
    for (size_t k = 0; k < nbest; k++)
        printf("%-24s %-8s %.4f\n", net->node_label[best[k]], net->node_type[best[k]],
               net->size[best[k]]);
    rc = 0;

cleanup:
    if (rc)
        fail(err);
    ccg_network_free(net);
    ccg_annotation_free(ann);
    ccg_extractor_free(x);
    ccg_corpus_free(corpus);
    return rc;
}
