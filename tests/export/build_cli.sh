#!/bin/sh
# build_cli.sh CCGRAPH FIXTURES: `ccgraph build` from the outside: every
# output of one run is written and valid, exit codes are 0/1/2 as the
# house style says, errors name the file, and a failing run leaves no
# partial or temporary file behind.
set -u
bin=$1
fix=$2
seed=$fix/arxiv_listing_seed.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

expect_rc() { # expect_rc CODE DESCRIPTION CMD...
    want=$1 what=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" = "$want" ] || fail "$what: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
}

# Every output in one run, all from the same layout.
expect_rc 0 "all outputs" "$bin" build "$seed" -o "$tmp/l.svg" -o "$tmp/l.graphml" \
    -o "$tmp/l.gexf" -o "$tmp/l.dot" -o "$tmp/top.md" -o "$tmp/l.json" -o "$tmp/l.vos.json" \
    -o "$tmp/l.csv" -o "$tmp/l.tex" -o "$tmp/l.pdf" -o "$tmp/l.png" -o "$tmp/m.thesaurus.txt" \
    --title "Seed <listing> & co"
for f in l.svg l.graphml l.gexf l.dot top.md l.json l.vos.json l.csv l.edges.csv l.tex l.pdf \
         l.png m.thesaurus.txt; do
    [ -s "$tmp/$f" ] || fail "all outputs: $f missing or empty"
done
xmllint --noout "$tmp/l.svg" "$tmp/l.graphml" "$tmp/l.gexf" || fail "XML outputs not well-formed"
dot -Tcanon "$tmp/l.dot" >/dev/null || fail "dot -Tcanon rejects l.dot"
grep -q "Seed &lt;listing&gt; &amp; co" "$tmp/l.svg" || fail "title not escaped into the SVG"
rsvg-convert "$tmp/l.svg" -o "$tmp/l_svg.png" || fail "rsvg-convert cannot render l.svg"
ls "$tmp" | grep -q '\.tmp\.' && fail "temporary files left behind"

# The same layout in every output: node x of the GraphML = x in the JSON.
/usr/bin/python3 - "$tmp" <<'PY' || fail "layout differs between GraphML and JSON"
import json, sys
import networkx as nx
d = sys.argv[1]
g = nx.read_graphml(d + "/l.graphml")
j = json.load(open(d + "/l.json"))
gx = {g.nodes[n]["name"]: (g.nodes[n].get("x"), g.nodes[n].get("y")) for n in g.nodes}
jx = {n["id"]: (n.get("x"), n.get("y")) for n in j["nodes"]}
assert gx == jx, "positions differ"
assert any(v[0] is not None for v in gx.values()), "no positions at all"
PY

# Reruns give the same bytes (PDF aside: see figure.c).
expect_rc 0 "rerun" "$bin" build "$seed" -o "$tmp/r.svg" -o "$tmp/r.graphml" -o "$tmp/r.dot" \
    --title "Seed <listing> & co"
cmp -s "$tmp/l.svg" "$tmp/r.svg" || fail "SVG differs between runs"
cmp -s "$tmp/l.graphml" "$tmp/r.graphml" || fail "GraphML differs between runs"

# --timings reports every stage (time, CPU, peak memory) and each output on
# stderr, and changes no output.
expect_rc 0 "timings" "$bin" build "$seed" -o "$tmp/t.graphml" --title "Seed <listing> & co" --timings
for stage in "read (with" "extract (the rest)" "graph and layout" "$tmp/t.graphml:"; do
    grep -qF "$stage" "$tmp/err" || fail "--timings: no line for $stage"
done
[ "$(grep -c 'peak RSS [0-9]* MB' "$tmp/err")" = 2 ] || fail "--timings: peak RSS not on the two stage lines"
cmp -s "$tmp/l.graphml" "$tmp/t.graphml" || fail "--timings changed the GraphML"

# Usage errors: exit 2.
expect_rc 2 "no output" "$bin" build "$seed"
grep -q -- "-o FILE" "$tmp/err" || fail "no output: message does not say how"
expect_rc 2 "unknown extension" "$bin" build "$seed" -o "$tmp/x.docx"
grep -q "x.docx" "$tmp/err" || fail "unknown extension: message does not name the file"
expect_rc 2 "unknown --to" "$bin" build "$seed" --to docx -o "$tmp/x"
expect_rc 2 "dangling --to" "$bin" build "$seed" -o "$tmp/y.svg" --to svg
expect_rc 2 "same output twice" "$bin" build "$seed" -o "$tmp/z.svg" -o "$tmp/z.svg"
expect_rc 2 "bad --draw-top" "$bin" build "$seed" -o "$tmp/z.svg" --draw-top many
expect_rc 2 "bad --engine" "$bin" build "$seed" -o "$tmp/z.svg" --engine dot
expect_rc 2 "bad --layout" "$bin" build "$seed" -o "$tmp/z.svg" --layout spring
expect_rc 0 "--help" "$bin" build --help
grep -q "draw-top" "$tmp/out" || fail "--help does not list --draw-top"
[ -e "$tmp/z.svg" ] && fail "a usage error wrote an output"

# --to for a name without a known extension.
expect_rc 0 "--to" "$bin" build "$seed" --to graphml -o "$tmp/network.xml"
xmllint --noout "$tmp/network.xml" || fail "--to graphml did not write GraphML"

# Runtime errors: exit 1, the file named, nothing half-written.
expect_rc 1 "missing input" "$bin" build "$tmp/nope.txt" -o "$tmp/a.svg"
grep -q "nope.txt" "$tmp/err" || fail "missing input: message does not name the file"
[ -e "$tmp/a.svg" ] && fail "missing input: wrote an output"
expect_rc 1 "unwritable output" "$bin" build "$seed" -o "$tmp/no/such/dir/a.graphml"
grep -q "no/such/dir/a.graphml" "$tmp/err" || fail "unwritable: message does not name the file"
expect_rc 1 "bad --sort-by" "$bin" build "$seed" -o "$tmp/b.md" --sort-by no_such_metric
[ -e "$tmp/b.md" ] && fail "bad --sort-by: wrote a table"
ls "$tmp" | grep -q '\.tmp\.' && fail "temporary files left behind after errors"

# Data tables keep every node; Markdown keeps --rows.
expect_rc 0 "rows" "$bin" build "$seed" -o "$tmp/all.tsv" -o "$tmp/top.md" --rows 5
[ "$(wc -l <"$tmp/top.md")" -eq 7 ] || fail "--rows 5: Markdown has $(wc -l <"$tmp/top.md") lines, want 7"
[ "$(wc -l <"$tmp/all.tsv")" -eq 6 ] || fail "--rows given: TSV should have 5 rows too"
expect_rc 0 "all rows" "$bin" build "$seed" -o "$tmp/all2.tsv"
[ "$(wc -l <"$tmp/all2.tsv")" -gt 20 ] || fail "TSV without --rows should keep every node"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "build CLI: all checks passed"
