# Graph layer (graph/): unit tests on hand-made corpora with hand-computed
# values, and cross-checks of every metric against networkx.
set(CCG_GRAPH_FIX ${CCG_FIXTURES}/graph)

ccg_unit_test(test_graph ${CCG_TEST_DIR}/unit/test_graph.c ccg_graph)
target_sources(test_graph PRIVATE ${CCG_TEST_DIR}/unit/test_graph_corpus.c)
target_include_directories(test_graph PRIVATE ${CCG_TEST_DIR}/unit)

# graph_metrics_tool: metrics of an edge-list graph, for the networkx check.
add_executable(graph_metrics_tool ${CCG_TEST_DIR}/unit/graph_metrics_tool.c)
target_include_directories(graph_metrics_tool PRIVATE ${CMAKE_SOURCE_DIR}/graph
  ${CMAKE_SOURCE_DIR}/extract)
target_link_libraries(graph_metrics_tool PRIVATE ccg_graph)
target_compile_options(graph_metrics_tool PRIVATE ${CCG_WARNINGS})
add_test(NAME graph_networkx
  COMMAND /usr/bin/python3 ${CCG_TEST_DIR}/graph/check_networkx.py
          $<TARGET_FILE:graph_metrics_tool>)
set_tests_properties(graph_networkx PROPERTIES LABELS independent)

# End to end with the real readers and extractor: the graphs agree with
# `ccgraph extract` (edges, their papers, weights, evidence, inferred uses)
# and are byte-identical across reruns and thread counts.
foreach(corpus ${CCG_GRAPH_FIX}/arxiv_listing_seed.txt
               ${CMAKE_SOURCE_DIR}/examples/llm_alignment_eval.jsonl.gz)
  get_filename_component(stem ${corpus} NAME_WE)
  add_test(NAME graph_pipeline_${stem}
    COMMAND /usr/bin/python3 ${CCG_TEST_DIR}/graph/check_pipeline.py ${CCG_BIN} ${corpus})
  set_tests_properties(graph_pipeline_${stem} PROPERTIES LABELS independent)
endforeach()

# The seed listing with the gold annotation (no extractor): provenance of
# every concept edge, inferred uses.
ccg_unit_test(test_graph_gold ${CCG_TEST_DIR}/unit/test_graph_gold.c ccg_graph)

# Benchmark (prints figures, not a test):
#   tests/bench_graph /work/shared/corpus/arxiv_cs_2025_2026.jsonl.gz [MIN_PAPERS...]
add_executable(bench_graph ${CCG_TEST_DIR}/bench/bench_graph.c)
target_include_directories(bench_graph PRIVATE ${CMAKE_SOURCE_DIR}/graph ${CMAKE_SOURCE_DIR}/extract)
target_link_libraries(bench_graph PRIVATE ccg_graph)
target_compile_options(bench_graph PRIVATE ${CCG_WARNINGS})
