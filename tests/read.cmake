# The readers (issue #2): unit tests, golden `ccgraph read` outputs for every
# format, malformed inputs with their messages and exit codes, the fuzz
# corpora replayed, and the reading benchmark (built, not run).
set(CCG_READ_FIX ${CCG_FIXTURES}/read)
set(CCG_EXPECT sh ${CCG_READ_FIX}/expect.sh)

ccg_unit_test(test_read_text ${CCG_TEST_DIR}/unit/test_read_text.c ccg_extract)
ccg_unit_test(test_read ${CCG_TEST_DIR}/unit/test_read.c ccg_extract)
ccg_unit_test(test_read_json ${CCG_TEST_DIR}/unit/test_read_json.c ccg_extract)
# .gz input with the back end this build inflates with (ISA-L, or zlib).
ccg_unit_test(test_read_gzip ${CCG_TEST_DIR}/unit/test_read_gzip.c ccg_extract)
if(CCG_ISAL)
  target_compile_definitions(test_read_gzip PRIVATE CCG_HAVE_ISAL)
endif()

# Golden outputs: one per format, plus dedup across files and --format.
foreach(pair
    "listing=read/listing_seed.txt"
    "jsonl_gz=read/arxiv_slice50.jsonl.gz"
    "sources=read/sources.jsonl"
    "openalex_page=read/openalex_page.json"
    "openalex_work=read/openalex_work.json"
    "s2_batch=read/s2_batch.json"
    "atom=read/atom_sample.xml"
    "bibtex=read/sample.bib"
    "ris=read/sample.ris"
    "wos=read/sample_wos.txt"
    "scopus=read/sample_scopus.csv"
    "text=read/paragraphs.txt")
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 name)
  list(GET pair 1 file)
  ccg_golden_test(read_golden_${name} ${CCG_READ_FIX}/golden/${name}.jsonl read --quiet ${file})
endforeach()
ccg_golden_test(read_golden_dedup ${CCG_READ_FIX}/golden/dedup.jsonl read --quiet
  read/listing_seed.txt read/sources.jsonl read/atom_sample.xml read/sample.bib read/arxiv_slice50.jsonl
  read/arxiv_slice50.jsonl.gz)
# JSON Lines parsed by several threads: the same bytes, messages and exit codes.
ccg_golden_test(read_golden_sources_threads3 ${CCG_READ_FIX}/golden/sources.jsonl read --quiet
  --threads 3 read/sources.jsonl)
ccg_golden_test(read_golden_jsonl_gz_threads2 ${CCG_READ_FIX}/golden/jsonl_gz.jsonl read --quiet
  --threads 2 read/arxiv_slice50.jsonl.gz)
# Two gzip members (`cat a.gz b.gz`) read as one file, from a file or stdin.
ccg_golden_test(read_golden_multi_member_gz ${CCG_READ_FIX}/golden/jsonl_gz.jsonl read --quiet
  read/multi_member.jsonl.gz)
ccg_golden_test(read_golden_multi_member_gz_threads2 ${CCG_READ_FIX}/golden/jsonl_gz.jsonl read
  --quiet --threads 2 read/multi_member.jsonl.gz)
add_test(NAME read_stdin_multi_member_gz WORKING_DIRECTORY ${CCG_FIXTURES}
  COMMAND sh -c "\"$1\" read --quiet - < read/multi_member.jsonl.gz | cmp - read/golden/jsonl_gz.jsonl"
  sh ${CCG_BIN})
ccg_golden_test(read_golden_format_text ${CCG_READ_FIX}/golden/format_text.jsonl read --quiet
  --format text read/sample.ris)
ccg_golden_test(read_golden_stats ${CCG_READ_FIX}/golden/stats.txt stats --quiet
  read/listing_seed.txt read/sources.jsonl read/atom_sample.xml read/sample.bib read/sample.ris
  read/sample_wos.txt read/sample_scopus.csv read/s2_batch.json read/paragraphs.txt)

# Bad input: exit code and message (file:line: what is wrong), no output file left.
# Each test writes its own output path (@OUT@ below): expect.sh --absent also
# fails on a temporary file beside the path, and tests run in parallel.
function(ccg_read_expect name rc pattern)
  string(REPLACE "@OUT@" "${CMAKE_CURRENT_BINARY_DIR}/read_err_${name}.jsonl" args "${ARGN}")
  add_test(NAME read_err_${name} COMMAND ${CCG_EXPECT} ${rc} ${pattern} ${args}
    WORKING_DIRECTORY ${CCG_FIXTURES})
  set_tests_properties(read_err_${name} PROPERTIES LABELS cli)
endfunction()
set(OUT @OUT@)
ccg_read_expect(missing 1 "read/nope.txt: cannot open: No such file" --absent ${OUT}
  ${CCG_BIN} read read/nope.txt -o ${OUT})
ccg_read_expect(missing_after_good 1 "read/nope.txt: cannot open" --absent ${OUT}
  ${CCG_BIN} read read/sample.ris read/nope.txt -o ${OUT})
ccg_read_expect(truncated_json 1 "read/bad/truncated.json:15: truncated JSON" --absent ${OUT}
  ${CCG_BIN} read read/bad/truncated.json -o ${OUT})
ccg_read_expect(truncated_jsonl 1 "read/bad/truncated.jsonl:2: truncated JSON" --absent ${OUT}
  ${CCG_BIN} read read/bad/truncated.jsonl -o ${OUT})
ccg_read_expect(truncated_gzip 1 "read/bad/truncated.jsonl.gz: bad gzip data: unexpected end of file"
  --absent ${OUT} ${CCG_BIN} read read/bad/truncated.jsonl.gz -o ${OUT})
ccg_read_expect(corrupt_gzip 1 "read/bad/corrupt.gz: bad gzip data" --absent ${OUT}
  ${CCG_BIN} read read/bad/corrupt.gz -o ${OUT})
# gzip whichever back end inflates it (ISA-L or zlib): the same checks, the same words.
ccg_read_expect(crc_gzip 1 "read/bad/crc.jsonl.gz: bad gzip data: incorrect data check"
  --absent ${OUT} ${CCG_BIN} read read/bad/crc.jsonl.gz -o ${OUT})
ccg_read_expect(flipped_gzip 1 "read/bad/flipped.jsonl.gz: bad gzip data: invalid" --absent ${OUT}
  ${CCG_BIN} read read/bad/flipped.jsonl.gz -o ${OUT})
# past the first 64 KB, where the thread that inflates for the parsing threads meets it
ccg_read_expect(crc_gzip_late_threads 1 "read/bad/crc_late.jsonl.gz: bad gzip data: incorrect data check"
  --absent ${OUT} ${CCG_BIN} read --threads 2 read/bad/crc_late.jsonl.gz -o ${OUT})
ccg_read_expect(truncated_gzip_stdin 1 "-: bad gzip data: unexpected end of file"
  --stdin ${CCG_READ_FIX}/bad/truncated.jsonl.gz ${CCG_BIN} read -)
ccg_read_expect(empty_gzip 0 "0 papers" ${CCG_BIN} read read/empty.jsonl.gz)
ccg_read_expect(unterminated_bibtex 1 "read/bad/unterminated.bib:1: unterminated entry" --absent ${OUT}
  ${CCG_BIN} read read/bad/unterminated.bib -o ${OUT})
ccg_read_expect(unterminated_csv 1 "read/bad/unterminated.csv:2: unterminated quoted field"
  --absent ${OUT} ${CCG_BIN} read read/bad/unterminated.csv -o ${OUT})
ccg_read_expect(binary 1 "read/bad/binary.bin: binary data" --absent ${OUT}
  ${CCG_BIN} read read/bad/binary.bin -o ${OUT})
ccg_read_expect(truncated_xml 1 "read/bad/truncated.xml:27: invalid XML" --absent ${OUT}
  ${CCG_BIN} read read/bad/truncated.xml -o ${OUT})
ccg_read_expect(not_atom 1 "read/bad/not_atom.xml:2: not an Atom feed" --absent ${OUT}
  ${CCG_BIN} read read/bad/not_atom.xml -o ${OUT})
# A malformed record is skipped and counted; --strict makes it fatal.
ccg_read_expect(skip_bad_line 0 "read/sources.jsonl:8: invalid JSON at column 77: the line ends inside a value"
  ${CCG_BIN} read read/sources.jsonl)
ccg_read_expect(skip_summary 0 "6 papers, 0 duplicates, 3 skipped" ${CCG_BIN} read read/sources.jsonl)
ccg_read_expect(strict 1 "read/sources.jsonl:5: record has neither title nor abstract" --absent ${OUT}
  ${CCG_BIN} read --strict read/sources.jsonl -o ${OUT})
ccg_read_expect(skip_bad_line_threads 0
  "read/sources.jsonl:8: invalid JSON at column 77: the line ends inside a value"
  ${CCG_BIN} read --threads 2 read/sources.jsonl)
ccg_read_expect(strict_threads 1 "read/sources.jsonl:5: record has neither title nor abstract"
  --absent ${OUT} ${CCG_BIN} read --strict --threads 4 read/sources.jsonl -o ${OUT})
ccg_read_expect(truncated_jsonl_threads 1 "read/bad/truncated.jsonl:2: truncated JSON" --absent ${OUT}
  ${CCG_BIN} read --threads 2 read/bad/truncated.jsonl -o ${OUT})
ccg_read_expect(bad_threads 2 "threads: expected a number" ${CCG_BIN} read --threads x read/sources.jsonl)
ccg_read_expect(skip_ris 0 "read/sample.ris:21: record not closed by 'ER  - '"
  ${CCG_BIN} read read/sample.ris)
ccg_read_expect(skip_bibtex 0 "read/sample.bib:32: expected 'field = value' in entry broken"
  ${CCG_BIN} read read/sample.bib)
ccg_read_expect(quiet 0 EMPTY ${CCG_BIN} read --quiet read/sample_wos.txt)
ccg_read_expect(unknown_format 2 "unknown format 'nope'" ${CCG_BIN} read --format nope read/sample.ris)
ccg_read_expect(unwritable 1 "cannot create" ${CCG_BIN} read read/sample.ris -o /nonexistent/dir/x.jsonl)
ccg_read_expect(stdin 0 "2 papers" --stdin ${CCG_READ_FIX}/sample.ris ${CCG_BIN} read)
ccg_read_expect(stdin_dash 0 "50 papers" --stdin ${CCG_READ_FIX}/arxiv_slice50.jsonl.gz ${CCG_BIN} read -)
ccg_read_expect(stats_missing 1 "read/nope.txt: cannot open" ${CCG_BIN} stats read/nope.txt)
# stdout of `read -` equals that of `read FILE` (the golden file).
add_test(NAME read_stdin_golden WORKING_DIRECTORY ${CCG_FIXTURES}
  COMMAND sh -c "\"$1\" read --quiet - < read/sample.bib | cmp - read/golden/bibtex.jsonl" sh ${CCG_BIN})
# A 50 MB line is one abstract, streamed; past the 64 MB limit it is a clear error.
add_test(NAME read_huge_line COMMAND sh ${CCG_READ_FIX}/huge_line.sh ${CCG_BIN} 50 0 "1 paper")
add_test(NAME read_too_long_line COMMAND sh ${CCG_READ_FIX}/huge_line.sh ${CCG_BIN} 70 1
  "line longer than 64 MB")
set_tests_properties(read_huge_line read_too_long_line PROPERTIES TIMEOUT 120)

# Fuzzing: one libFuzzer target per reader (clang, -DCCG_FUZZ=ON), and with
# any compiler each seed corpus replayed through the same entry point.
set(CCG_READ_FUZZ_FORMATS arxiv=ARXIV_LISTING jsonl=JSONL json=JSON atom=ATOM
  bibtex=BIBTEX ris=RIS wos=WOS scopus=SCOPUS_CSV text=TEXT auto=AUTO)
if(CCG_FUZZ)
  # coverage feedback from the readers themselves, not just the target file
  target_compile_options(ccg_extract PRIVATE -fsanitize=fuzzer-no-link)
endif()
foreach(pair IN LISTS CCG_READ_FUZZ_FORMATS)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 name)
  list(GET pair 1 fmt)
  add_executable(fuzz_read_${name}_replay ${CCG_TEST_DIR}/fuzz/fuzz_read.c
    ${CCG_TEST_DIR}/fuzz/fuzz_read_replay.c)
  target_link_libraries(fuzz_read_${name}_replay PRIVATE ccg_extract)
  target_compile_options(fuzz_read_${name}_replay PRIVATE ${CCG_WARNINGS})
  target_compile_definitions(fuzz_read_${name}_replay PRIVATE CCG_FUZZ_FORMAT=CCG_FORMAT_${fmt})
  add_test(NAME fuzz_read_${name}_replay
    COMMAND fuzz_read_${name}_replay ${CCG_TEST_DIR}/fuzz/corpus/${name})
  set_tests_properties(fuzz_read_${name}_replay PROPERTIES LABELS fuzz)
  if(CCG_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
      message(FATAL_ERROR "CCG_FUZZ needs clang (libFuzzer): -DCMAKE_C_COMPILER=clang")
    endif()
    add_executable(fuzz_read_${name} ${CCG_TEST_DIR}/fuzz/fuzz_read.c)
    target_link_libraries(fuzz_read_${name} PRIVATE ccg_extract)
    target_compile_definitions(fuzz_read_${name} PRIVATE CCG_FUZZ_FORMAT=CCG_FORMAT_${fmt})
    target_compile_options(fuzz_read_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(fuzz_read_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  endif()
endforeach()

# The reading benchmark: built with the tests, run by hand on the big corpus
#   build/tests/bench_read ../shared/corpus/arxiv_cs_2025_2026.jsonl.gz --corpus
# and here only as a smoke test on a small input.
add_executable(bench_read ${CCG_TEST_DIR}/bench/bench_read.c)
ccg_use_allocator(bench_read)
target_link_libraries(bench_read PRIVATE ccg_extract)
target_include_directories(bench_read PRIVATE ${CMAKE_SOURCE_DIR}/extract) # the inflater's name
target_compile_options(bench_read PRIVATE ${CCG_WARNINGS})
add_test(NAME bench_read_smoke COMMAND bench_read ${CCG_READ_FIX}/arxiv_slice50.jsonl.gz --corpus
  --threads 2)
set_tests_properties(bench_read_smoke PROPERTIES LABELS bench PASS_REGULAR_EXPRESSION "corpus: 50 papers")

# `ccgraph read` output read back is the same output, byte for byte.
add_test(NAME read_roundtrip WORKING_DIRECTORY ${CCG_FIXTURES}
  COMMAND sh -c "\"$1\" read --quiet read/golden/dedup.jsonl | cmp - read/golden/dedup.jsonl" sh ${CCG_BIN})
add_test(NAME read_huge_multiline COMMAND sh ${CCG_READ_FIX}/huge_multiline.sh ${CCG_BIN})
set_tests_properties(read_huge_multiline PROPERTIES TIMEOUT 60)
