# The extractor (issue #3): spec cases and unit tests, the quality bars on
# the gold files, thread determinism, golden output, CLI errors, and the
# fuzz corpus replayed.
set(CCG_EXTRACT_FIX ${CCG_FIXTURES}/extract)

ccg_unit_test(test_extract ${CCG_TEST_DIR}/unit/test_extract.c ccg_extract)
set_tests_properties(test_extract PROPERTIES TIMEOUT 300)

# The bars of issue #3, measured on copies of the gold files.
add_test(NAME extract_eval_seed COMMAND sh ${CCG_EXTRACT_FIX}/eval_bar.sh ${CCG_BIN}
  ${CCG_EXTRACT_FIX}/arxiv_listing_seed.gold.jsonl ${CCG_EXTRACT_FIX}/arxiv_listing_seed.txt
  1.0 0 0)
add_test(NAME extract_eval_dev100 COMMAND sh ${CCG_EXTRACT_FIX}/eval_bar.sh ${CCG_BIN}
  ${CCG_EXTRACT_FIX}/arxiv_dev100.gold.jsonl ${CCG_EXTRACT_FIX}/arxiv_dev100.jsonl
  0.90 0.85 0.90)
# 60 random abstracts annotated blind by a second annotator: the rules must generalise.
add_test(NAME extract_eval_holdout60 COMMAND sh ${CCG_EXTRACT_FIX}/eval_bar.sh ${CCG_BIN}
  ${CCG_EXTRACT_FIX}/arxiv_holdout60.gold.jsonl ${CCG_EXTRACT_FIX}/arxiv_holdout60.jsonl
  0.88 0.87 0.92)
add_test(NAME extract_threads_same_output COMMAND sh ${CCG_EXTRACT_FIX}/same_output.sh
  ${CCG_BIN} ${CCG_EXTRACT_FIX}/arxiv_dev100.jsonl)
set_tests_properties(extract_eval_seed extract_eval_dev100 extract_eval_holdout60
  extract_threads_same_output
  PROPERTIES LABELS extract)

# Golden outputs use the fixed spec lexicon, so they change with the
# extractor's rules, not with every new entry of the built-in lexicon.
ccg_golden_test(extract_golden_seed ${CCG_EXTRACT_FIX}/golden_seed.jsonl
  extract --quiet --no-builtin-lexicon --lexicon extract/spec_lexicon.tsv
  extract/arxiv_listing_seed.txt)
ccg_golden_test(extract_golden_seed_tsv ${CCG_EXTRACT_FIX}/golden_seed_explain.tsv
  extract --quiet --format tsv --explain --no-builtin-lexicon --lexicon extract/spec_lexicon.tsv
  extract/arxiv_listing_seed.txt)
ccg_golden_test(extract_golden_family ${CCG_EXTRACT_FIX}/golden_seed_family.tsv
  extract --quiet --format tsv --granularity family --no-builtin-lexicon
  --lexicon extract/spec_lexicon.tsv --thesaurus extract/thesaurus.txt extract/arxiv_listing_seed.txt)

# CLI errors: exit code, message, no partial output (read/expect.sh).
set(CCG_X_EXPECT sh ${CCG_FIXTURES}/read/expect.sh)
set(XOUT @XOUT@)
# Each test writes its own output path (@XOUT@): expect.sh --absent also fails
# on a temporary file beside the path, and tests run in parallel.
function(ccg_extract_expect name rc pattern)
  string(REPLACE "@XOUT@" "${CMAKE_CURRENT_BINARY_DIR}/extract_err_${name}.jsonl" args "${ARGN}")
  add_test(NAME extract_err_${name} COMMAND ${CCG_X_EXPECT} ${rc} ${pattern} ${args}
    WORKING_DIRECTORY ${CCG_FIXTURES})
  set_tests_properties(extract_err_${name} PROPERTIES LABELS cli)
endfunction()
ccg_extract_expect(bad_lexicon 1 "extract/bad_lexicon.tsv:3: unknown type 'gadget'" --absent ${XOUT}
  ${CCG_BIN} extract --lexicon extract/bad_lexicon.tsv extract/arxiv_listing_seed.txt -o ${XOUT})
ccg_extract_expect(bad_thesaurus 1 "extract/bad_thesaurus.txt:2: expected label<TAB>replace by"
  --absent ${XOUT} ${CCG_BIN} extract --thesaurus extract/bad_thesaurus.txt
  extract/arxiv_listing_seed.txt -o ${XOUT})
ccg_extract_expect(missing_input 1 "extract/nope.jsonl: cannot open" --absent ${XOUT}
  ${CCG_BIN} extract extract/nope.jsonl -o ${XOUT})
ccg_extract_expect(bad_format 2 "--format: expected jsonl or tsv" ${CCG_BIN} extract --format xml)
ccg_extract_expect(bad_granularity 2 "--granularity: expected family, version or variant"
  ${CCG_BIN} extract --granularity size)
ccg_extract_expect(bad_threads 2 "--threads: expected a number" ${CCG_BIN} extract --threads -3)
ccg_extract_expect(eval_no_gold 2 "--gold GOLD.jsonl is required" ${CCG_BIN} eval extract/arxiv_listing_seed.txt)
ccg_extract_expect(eval_bad_gold 1 "extract/bad_gold.jsonl:2:" ${CCG_BIN} eval --gold extract/bad_gold.jsonl
  extract/arxiv_listing_seed.txt)
ccg_extract_expect(stdin 0 EMPTY --stdin ${CCG_EXTRACT_FIX}/arxiv_listing_seed.txt ${CCG_BIN} extract --quiet)
ccg_extract_expect(unwritable 1 "cannot create" ${CCG_BIN} extract --quiet extract/arxiv_listing_seed.txt
  -o /nonexistent/dir/x.jsonl)

# Benchmark (not a test): bench_extract CORPUS [THREADS...] prints MB/s.
add_executable(bench_extract ${CCG_TEST_DIR}/bench/bench_extract.c)
ccg_use_allocator(bench_extract)
target_link_libraries(bench_extract PRIVATE ccg_extract)
target_compile_options(bench_extract PRIVATE ${CCG_WARNINGS} -Wno-missing-prototypes)

# Benchmark (not a test): bench_atomize CORPUS checks the tokenizer against its
# reference copy, then prints its MB/s.
add_executable(bench_atomize ${CCG_TEST_DIR}/bench/bench_atomize.c)
ccg_use_allocator(bench_atomize)
target_include_directories(bench_atomize PRIVATE ${CMAKE_SOURCE_DIR}/extract)
target_link_libraries(bench_atomize PRIVATE ccg_extract)
target_compile_options(bench_atomize PRIVATE ${CCG_WARNINGS} -Wno-missing-prototypes)
# Its check runs in the suite: the tokenizer against the reference copy on
# the example corpus (2,385 real abstracts) and the hostile inputs, in both
# builds (ASan sees a read past a text's end).
add_test(NAME tokenizer_matches_reference
         COMMAND bench_atomize --repeat 1 ${CMAKE_SOURCE_DIR}/examples/llm_alignment_eval.jsonl.gz)
set_tests_properties(tokenizer_matches_reference PROPERTIES
  PASS_REGULAR_EXPRESSION "check: identical on the corpus and hostile inputs")

# Fuzzing the extractor: the replay main of the readers' fuzz targets feeds
# the seed corpus to the same entry point under any compiler; with clang and
# -DCCG_FUZZ=ON, fuzz_extract is the libFuzzer binary.
add_executable(fuzz_extract_replay ${CCG_TEST_DIR}/fuzz/fuzz_extract.c
  ${CCG_TEST_DIR}/fuzz/fuzz_read_replay.c)
target_link_libraries(fuzz_extract_replay PRIVATE ccg_extract)
target_compile_options(fuzz_extract_replay PRIVATE ${CCG_WARNINGS})
add_test(NAME fuzz_extract_replay COMMAND fuzz_extract_replay ${CCG_TEST_DIR}/fuzz/corpus/extract)
set_tests_properties(fuzz_extract_replay PROPERTIES LABELS fuzz)
if(CCG_FUZZ)
  add_executable(fuzz_extract ${CCG_TEST_DIR}/fuzz/fuzz_extract.c)
  target_link_libraries(fuzz_extract PRIVATE ccg_extract)
  target_compile_options(fuzz_extract PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_extract PRIVATE -fsanitize=fuzzer,address,undefined)
endif()
