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
ccg_use_allocator(bench_graph)
target_include_directories(bench_graph PRIVATE ${CMAKE_SOURCE_DIR}/graph ${CMAKE_SOURCE_DIR}/extract)
target_link_libraries(bench_graph PRIVATE ccg_graph)
target_compile_options(bench_graph PRIVATE ${CCG_WARNINGS})

# ccgraph rank: formats, exit codes, no partial output on failure.
set(CCG_SEED ${CCG_GRAPH_FIX}/arxiv_listing_seed.txt)
add_test(NAME graph_rank_markdown COMMAND ${CCG_BIN} rank --to md -n 3 ${CCG_SEED})
set_tests_properties(graph_rank_markdown PROPERTIES
  PASS_REGULAR_EXPRESSION "^\\| rank \\| label \\| type \\| community \\|")
add_test(NAME graph_rank_papers COMMAND ${CCG_BIN} rank --graph papers -n 0 ${CCG_SEED})
set_tests_properties(graph_rank_papers PROPERTIES
  PASS_REGULAR_EXPRESSION "\tOpen-FinLLMs?\tpaper\t[0-9]+\t[^\t]*\t2024-08\t")
add_test(NAME graph_rank_bad_value
  COMMAND sh -c "\"$0\" rank --weight nonsense \"$1\"; test $? -eq 2" ${CCG_BIN} ${CCG_SEED})
add_test(NAME graph_rank_bad_metric
  COMMAND sh -c "\"$0\" rank --size-by title \"$1\" 2>&1; test $? -eq 1" ${CCG_BIN} ${CCG_SEED})
set_tests_properties(graph_rank_bad_metric PROPERTIES PASS_REGULAR_EXPRESSION "size-by: no numeric node column 'title'")
add_test(NAME graph_rank_missing_file
  COMMAND sh -c "\"$0\" rank no-such-file.txt 2>&1; test $? -eq 1" ${CCG_BIN})
set_tests_properties(graph_rank_missing_file PROPERTIES PASS_REGULAR_EXPRESSION "no-such-file.txt")
add_test(NAME graph_rank_unwritable
  COMMAND sh -c "\"$0\" rank -o /nonexistent-dir/x.tsv \"$1\"; rc=$?; test $rc -eq 1 && ! ls /nonexistent-dir/ 2>/dev/null"
          ${CCG_BIN} ${CCG_SEED})
add_test(NAME graph_rank_not_a_table
  COMMAND sh -c "\"$0\" rank -o x.svg \"$1\"; test $? -eq 2" ${CCG_BIN} ${CCG_SEED})
