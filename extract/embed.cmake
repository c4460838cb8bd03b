# Turns the lexicon TSV files into one C string, so the binary carries its
# lexicon and needs no data files at run time. Run with -DIN=a.tsv;b.tsv -DOUT=x.c
set(body "")
foreach(f IN LISTS IN)
  file(READ "${f}" text)
  get_filename_component(name "${f}" NAME)
  string(APPEND body "# file: ${name}\n${text}\n")
endforeach()
string(REPLACE "\\" "\\\\" body "${body}")
string(REPLACE "\"" "\\\"" body "${body}")
string(REPLACE "\t" "\\t" body "${body}")
string(REPLACE "\n" "\\n\"\n\"" body "${body}")
file(WRITE "${OUT}.tmp" "/* Generated from the TSV files of extract/lexicon by extract/embed.cmake. */\n#include <stddef.h>\nconst char ccg__lexicon_tsv[] =\n\"${body}\";\nconst size_t ccg__lexicon_tsv_len = sizeof(ccg__lexicon_tsv) - 1;\n")
file(RENAME "${OUT}.tmp" "${OUT}")
