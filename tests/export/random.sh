#!/bin/sh
# random.sh FIXTURE SCHEMA_DIR [SEEDS]: networks whose every string is
# random bytes (export_fixture random=SEED), written in every format and
# read back: XML well-formed (and schema-valid when SCHEMA_DIR is set),
# SVG inert and renderable, JSON parses, DOT re-read by Graphviz, CSV rows
# of equal width, thesaurus lines of two fields. It found an empty <FONT>
# in the legend and an unescaped backslash in a DOT attribute name.
set -u
fixture=$1 schemas=$2 seeds=${3:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: seed $seed: $*"; fails=$((fails + 1)); }
seed=1
while [ "$seed" -le "$seeds" ]; do
    for f in graphml gexf json vosviewer dot svg csv thesaurus; do
        "$fixture" "$f" "$tmp/out.$f" random=$seed draw_top=20 2>"$tmp/err" ||
            fail "$f: export failed: $(cat "$tmp/err")"
    done
    xmllint --noout "$tmp/out.graphml" "$tmp/out.gexf" "$tmp/out.svg" 2>/dev/null ||
        fail "XML not well-formed"
    if [ -n "$schemas" ] && [ -d "$schemas" ]; then
        xmllint --noout --schema "$schemas/graphml/graphml.xsd" "$tmp/out.graphml" 2>/dev/null ||
            fail "GraphML fails graphml.xsd"
        xmllint --noout --relaxng "$schemas/gexf-1.3/gexf.rng" "$tmp/out.gexf" 2>/dev/null ||
            fail "GEXF fails the 1.3 RelaxNG"
    fi
    grep -q "<script" "$tmp/out.svg" && fail "script element in the SVG"
    rsvg-convert "$tmp/out.svg" -o "$tmp/out.png" 2>/dev/null || fail "rsvg-convert cannot render"
    dot -Tcanon "$tmp/out.dot" >/dev/null 2>&1 || fail "dot -Tcanon rejects the DOT"
    /usr/bin/python3 - "$tmp" <<'PY' || fail "JSON, CSV or thesaurus unreadable"
import csv, json, sys
d = sys.argv[1]
j = json.load(open(d + "/out.json", encoding="utf-8"))
assert len(j["nodes"]) == 30 and len(j["links"]) == 60
v = json.load(open(d + "/out.vosviewer", encoding="utf-8"))
assert len(v["network"]["items"]) == 30
rows = list(csv.reader(open(d + "/out.csv", newline="", encoding="utf-8")))
assert len(rows) == 31 and all(len(r) == len(rows[0]) for r in rows)
edges = list(csv.reader(open(d + "/out.edges.csv", newline="", encoding="utf-8")))
assert len(edges) == 61 and all(len(r) == len(edges[0]) for r in edges)
PY
    seed=$((seed + 1))
done
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "random labels: $seeds networks, every format valid"
