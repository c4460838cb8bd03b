# Graph layer (graph/): unit tests on hand-made corpora with hand-computed
# values, and cross-checks of every metric against networkx.
set(CCG_GRAPH_FIX ${CCG_FIXTURES}/graph)

ccg_unit_test(test_graph ${CCG_TEST_DIR}/unit/test_graph.c ccg_graph)
target_sources(test_graph PRIVATE ${CCG_TEST_DIR}/unit/test_graph_corpus.c)
target_include_directories(test_graph PRIVATE ${CCG_TEST_DIR}/unit)
