# The front end itself: help, version, usage errors.
add_test(NAME cli_help COMMAND ${CCG_BIN} --help)
set_tests_properties(cli_help PROPERTIES PASS_REGULAR_EXPRESSION "Usage: ccgraph COMMAND")
add_test(NAME cli_version COMMAND ${CCG_BIN} --version)
set_tests_properties(cli_version PROPERTIES PASS_REGULAR_EXPRESSION "igraph 0\\.10.*Graphviz.*PCRE2 10.*allocator: ")
add_test(NAME cli_unknown_command COMMAND ${CCG_BIN} frobnicate)
set_tests_properties(cli_unknown_command PROPERTIES WILL_FAIL TRUE)
