# Every example in examples/ and every command of the README's quick start
# runs as a test.
add_executable(landscape_example ${CMAKE_SOURCE_DIR}/examples/landscape.c)
target_link_libraries(landscape_example PRIVATE ccg_export)
target_compile_options(landscape_example PRIVATE ${CCG_WARNINGS})

add_test(NAME example_landscape_c
  COMMAND landscape_example ${CMAKE_SOURCE_DIR}/examples/arxiv_listing_seed.txt
          ${CMAKE_CURRENT_BINARY_DIR}/example_landscape.graphml)
set_tests_properties(example_landscape_c PROPERTIES
  PASS_REGULAR_EXPRESSION "10 papers, [0-9]+ entities, graph of [0-9]+ nodes")

add_test(NAME example_readme_commands
  COMMAND sh ${CCG_TEST_DIR}/examples/readme_commands.sh ${CCG_BIN}
          ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/readme_commands)
set_tests_properties(example_readme_commands PROPERTIES LABELS examples)

add_test(NAME lexicon_lint
  COMMAND python3 ${CCG_TEST_DIR}/lexicon_lint.py ${CMAKE_SOURCE_DIR}/extract/lexicon)

set(CCG_INSTALL_TEST_CFLAGS "")
if(CCG_SANITIZE)
  set(CCG_INSTALL_TEST_CFLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME example_installed_library
  COMMAND sh ${CCG_TEST_DIR}/examples/installed.sh ${CMAKE_BINARY_DIR}
          ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/installed "${CCG_INSTALL_TEST_CFLAGS}")
set_tests_properties(example_installed_library PROPERTIES LABELS examples
  PASS_REGULAR_EXPRESSION "10 papers, [0-9]+ entities")
