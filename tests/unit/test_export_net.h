/* Hand-made networks for the export tests (tests/unit/test_export_net.c). */
#ifndef TEST_EXPORT_NET_H
#define TEST_EXPORT_NET_H

#include "ccg_network.h"

/**
 * A small concept network (9 nodes, 11 edges, 3 communities, a layout,
 * first-seen dates, metric columns, edge provenance). With hostile set,
 * the labels are what an abstract can throw at a writer: markup, CDATA
 * ends, quotes, backslashes, control bytes, invalid UTF-8, a very long
 * name, table separators, TeX specials, spreadsheet formulas.
 */
ccg_network *test_export_net(int hostile);

/**
 * A network of 30 nodes and 60 edges whose every string (labels, ids,
 * types, a column name and its values, edge and community labels, title)
 * is random non-NUL bytes, reproducible from seed. For the random-label
 * test (tests/export/random.sh).
 */
ccg_network *test_export_random_net(unsigned seed);

#endif
