/* ccgraph.h: the whole public API of libccgraph. */
#ifndef CCGRAPH_H
#define CCGRAPH_H
#include "ccg_common.h"
#include "ccg_record.h"
#include "ccg_extract.h"
#include "ccg_network.h"
#include "ccg_graph.h"
#include "ccg_export.h"
#endif
