# Exports (export/): unit tests, golden files for a hand-made network in
# every text format, and independent readers (xmllint with the schemas,
# networkx, python3-igraph, dot -Tcanon, rsvg-convert).
set(CCG_EXPORT_FIX ${CCG_FIXTURES}/export)

ccg_unit_test(test_export ${CCG_TEST_DIR}/unit/test_export.c ccg_export)
# The XML writer and number formatting against libxml2 and snprintf.
ccg_unit_test(test_export_xml ${CCG_TEST_DIR}/unit/test_export_xml.c ccg_export)
target_sources(test_export PRIVATE ${CCG_TEST_DIR}/unit/test_export_net.c)

# export_fixture FORMAT PATH [hostile] ...: the hand-made network in FORMAT.
add_executable(export_fixture ${CCG_TEST_DIR}/unit/test_export_fixture.c
  ${CCG_TEST_DIR}/unit/test_export_net.c)
target_include_directories(export_fixture PRIVATE ${CCG_TEST_DIR}/unit)
target_link_libraries(export_fixture PRIVATE ccg_export)
target_compile_options(export_fixture PRIVATE ${CCG_WARNINGS})
target_include_directories(test_export PRIVATE ${CCG_TEST_DIR}/unit)

# Golden files: hand-made network (plain and hostile) in every text format.
foreach(fmt tsv csv markdown latex graphml gexf json vosviewer thesaurus)
  foreach(variant plain hostile)
    set(extra)
    if(variant STREQUAL hostile)
      set(extra hostile)
    endif()
    if(fmt STREQUAL markdown OR fmt STREQUAL latex)
      # Survey tables show a few columns by default; these show them all,
      # hostile aliases included.
      list(APPEND extra columns=papers,pagerank,first_seen,aliases,introduced)
    endif()
    add_test(NAME export_golden_${fmt}_${variant}
      COMMAND sh ${CCG_TEST_DIR}/golden.sh ${CCG_EXPORT_FIX}/hand_${variant}.${fmt}
              $<TARGET_FILE:export_fixture> ${fmt} - ${extra})
    set_tests_properties(export_golden_${fmt}_${variant} PROPERTIES LABELS golden)
  endforeach()
endforeach()

# DOT golden (cgraph's agwrite output is stable for a given Graphviz).
foreach(variant plain hostile)
  set(extra)
  if(variant STREQUAL hostile)
    set(extra hostile)
  endif()
  add_test(NAME export_golden_dot_${variant}
    COMMAND sh ${CCG_TEST_DIR}/golden.sh ${CCG_EXPORT_FIX}/hand_${variant}.dot
            $<TARGET_FILE:export_fixture> dot - ${extra})
  set_tests_properties(export_golden_dot_${variant} PROPERTIES LABELS golden)

  # Independent readers: networkx, python3-igraph, csv, Graphviz, xmllint, rsvg-convert.
  add_test(NAME export_readers_${variant}
    COMMAND /usr/bin/python3 ${CCG_TEST_DIR}/export/readers.py
            $<TARGET_FILE:export_fixture> ${variant})
  set_tests_properties(export_readers_${variant} PROPERTIES LABELS readers)

  # Schemas: GraphML XSD and GEXF 1.3 RelaxNG (skipped without CCG_SCHEMA_DIR).
  add_test(NAME export_schemas_${variant}
    COMMAND sh ${CCG_TEST_DIR}/export/schemas.sh $<TARGET_FILE:export_fixture>
            "${CCG_SCHEMA_DIR}" ${variant})
  set_tests_properties(export_schemas_${variant} PROPERTIES LABELS readers
    SKIP_RETURN_CODE 77)
endforeach()

# Benchmark (not a test): bench_build_export [NODES] [EDGES] times each writer.
add_executable(bench_build_export ${CCG_TEST_DIR}/bench/bench_build_export.c)
ccg_use_allocator(bench_build_export)
target_link_libraries(bench_build_export PRIVATE ccg_export)
target_compile_options(bench_build_export PRIVATE ${CCG_WARNINGS} -Wno-missing-prototypes)

# The seed listing through the whole pipeline (`ccgraph build`), every text
# format byte for byte. These move when extraction or metrics change on
# purpose: review the diff, then CCG_UPDATE_GOLDEN=1 ctest -R export_seed.
foreach(fmt dot graphml gexf json vosviewer csv tsv markdown latex thesaurus)
  ccg_golden_test(export_seed_${fmt} ${CCG_EXPORT_FIX}/seed.${fmt}
    build export/arxiv_listing_seed.txt --to ${fmt} -o -)
endforeach()

# ccgraph build on the command line: exit codes, errors, atomic outputs.
add_test(NAME export_build_cli
  COMMAND sh ${CCG_TEST_DIR}/export/build_cli.sh ${CCG_BIN} ${CCG_EXPORT_FIX})
set_tests_properties(export_build_cli PROPERTIES LABELS cli)

# Random bytes in every string, every format read back (schemas if given).
add_test(NAME export_random_labels
  COMMAND sh ${CCG_TEST_DIR}/export/random.sh $<TARGET_FILE:export_fixture> "${CCG_SCHEMA_DIR}" 12)
set_tests_properties(export_random_labels PROPERTIES LABELS readers)
