# Exports (export/): unit tests, golden files for a hand-made network in
# every text format, and independent readers (xmllint with the schemas,
# networkx, python3-igraph, dot -Tcanon, rsvg-convert).
set(CCG_EXPORT_FIX ${CCG_FIXTURES}/export)

ccg_unit_test(test_export ${CCG_TEST_DIR}/unit/test_export.c ccg_export)
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
    add_test(NAME export_golden_${fmt}_${variant}
      COMMAND sh ${CCG_TEST_DIR}/golden.sh ${CCG_EXPORT_FIX}/hand_${variant}.${fmt}
              $<TARGET_FILE:export_fixture> ${fmt} - ${extra})
    set_tests_properties(export_golden_${fmt}_${variant} PROPERTIES LABELS golden)
  endforeach()
endforeach()
