/*
 * graph.c: ccg_graph_build, the concept, paper and bipartite graphs.
 */
#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ccg_graph.h"
#include "util.h"

void ccg_graph_options_init(ccg_graph_options *o)
{
    memset(o, 0, sizeof *o);
    o->kind = CCG_NET_CONCEPTS;
    o->window = CCG_WINDOW_PAPER;
    o->weight = CCG_WEIGHT_COUNT;
    o->min_papers = 1;
    o->top_by = "papers";
    o->community = CCG_COMMUNITY_LEIDEN;
    o->resolution = 1.0;
    o->seed = 42;
    o->provenance_max = 20;
    o->exact_betweenness_max = 3000;
    o->size_by = "pagerank";
    o->betweenness_samples = 256;
}

int ccg_graph_build(const ccg_corpus *c, const ccg_annotation *a,
                    const ccg_graph_options *o, ccg_network **out)
{
    (void)c;
    (void)a;
    (void)o;
    (void)out;
    return ccg__err(CCG_EINVAL, "graph: not implemented yet");
}
