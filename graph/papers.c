/*
 * papers.c: the paper citation graph.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "util.h"

int ccg__build_papers(const ccg_corpus *c, const ccg_annotation *a,
                      const ccg_graph_options *o, const ccg__selection *sel,
                      ccg_network **out)
{
    (void)c; (void)a; (void)o; (void)sel; (void)out;
    return ccg__err(CCG_EINVAL, "papers graph: not implemented yet");
}
