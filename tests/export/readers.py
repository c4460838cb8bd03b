#!/usr/bin/python3
"""Independent readers for ccgraph's exports.

readers.py FIXTURE VARIANT: writes the hand-made network (VARIANT plain or
hostile) in every format with FIXTURE (export_fixture), then reads each
file back with third-party parsers and checks what they recover:
networkx and python3-igraph (GraphML, JSON), Python's csv module, Graphviz
(dot -Tcanon on the DOT), xmllint and rsvg-convert (SVG). Schema checks
are in schemas.sh. Run with Debian's /usr/bin/python3 (networkx 2.8.8).
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import igraph
import networkx as nx

FIXTURE, VARIANT = sys.argv[1], sys.argv[2]
EXTRA = ["hostile"] if VARIANT == "hostile" else []
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def clean(s):
    """What every writer promises to make of a label: valid UTF-8 with
    each invalid byte as U+FFFD, controls (C0, DEL, C1) as spaces."""
    b = s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s
    out = b.decode("utf-8", "replace")
    out = "".join(" " if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) else c for c in out)
    return out.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")


# The labels the fixture builds (tests/unit/test_export_net.c), as bytes.
LONG = b"Very-long " + b"W" * 590
LABELS = {
    "plain": [b"DPO", b"RLHF", b"PPO", b"GSM8K", b"MATH", b"LLaMA-3", b"GPT-4", b"accuracy", b"vLLM"],
    "hostile": [b"<script>alert(1)</script>", b"]]> & \"quoted\" 'single' <!-- -->",
                b"C:\\new\\N \\l back\\slash",
                b"ctl\x01\x02\x1b[31m\x7f tab\there\nnewline\rcr",
                b"bad\xff\xfe utf8 \xc3\x28 \xed\xa0\x80 end\xe2\x82", LONG,
                b"pipe | cell || $x^2_{i}$ % # & ~ \\", b"=HYPERLINK(\"http://x\")",
                "Señor 模型 🚀 \ufffe".encode()],
}[VARIANT]


def py_clean(b):
    # Python's "replace" turns a whole invalid sequence into one U+FFFD where
    # ccgraph replaces byte by byte: compare byte-wise for invalid input.
    out, i = [], 0
    while i < len(b):
        for n in (1, 2, 3, 4):
            try:
                ch = b[i:i + n].decode("utf-8")
                break
            except UnicodeDecodeError:
                ch = None
        if ch is None or (n > 1 and len(b[i:i + n]) < n):
            out.append("\ufffd")
            i += 1
            continue
        out.append(ch)
        i += n
    return clean("".join(out))


EXPECTED = [py_clean(b) for b in LABELS]
WEIGHTS = {(0, 1): 12, (0, 2): 9, (1, 2): 7, (0, 5): 5, (3, 4): 6, (3, 7): 4,
           (4, 7): 3, (5, 6): 8, (5, 8): 2, (6, 8): 2, (2, 3): 1}

tmp = tempfile.mkdtemp(prefix="ccg_readers_")


def write(fmt, ext, *args):
    path = os.path.join(tmp, "net." + ext)
    r = subprocess.run([FIXTURE, fmt, path, *EXTRA, *args], capture_output=True)
    check(r.returncode == 0, f"{fmt}: export failed: {r.stderr.decode(errors='replace')}")
    return path


# GraphML: networkx
p = write("graphml", "graphml")
g = nx.read_graphml(p)
check(g.number_of_nodes() == 9 and g.number_of_edges() == 11, "graphml/networkx: 9 nodes, 11 edges")
check(not g.is_directed(), "graphml/networkx: undirected")
labels = [g.nodes[f"n{i}"]["label"] for i in range(9)]
check(labels == EXPECTED, f"graphml/networkx: labels {labels!r} != {EXPECTED!r}")
for (s, t), w in WEIGHTS.items():
    check(g.edges[f"n{s}", f"n{t}"]["weight"] == w, f"graphml/networkx: weight {s}-{t}")
n0 = g.nodes["n0"]
check(isinstance(n0["r"], int) and 0 <= n0["r"] <= 255, "graphml: r is an int 0-255")
check(n0["papers"] == 40 and abs(n0["pagerank"] - 0.21 / 1.07) < 1e-15, "graphml: metric columns")
check(n0["introduced"] is True and g.nodes["n1"]["introduced"] is False, "graphml: boolean column")
check("pagerank" not in g.nodes["n7"], "graphml: missing value written as no <data>")
check(g.nodes["n0"]["start"] == 2023.5, "graphml: first-seen start")
check(g.edges["n0", "n1"]["papers"] == "2410.00002", "graphml: edge provenance")
want_el = '<uses> "&" \\' if VARIANT == "hostile" else "uses"
check(g.edges["n0", "n1"].get("label") == want_el, f"graphml: edge label {g.edges['n0', 'n1'].get('label')!r}")
check("label" not in g.edges["n0", "n2"], "graphml: edge without a label has none")

# GraphML: python3-igraph
ig = igraph.Graph.Read_GraphML(p)
check(ig.vcount() == 9 and ig.ecount() == 11, "graphml/igraph: 9 nodes, 11 edges")
check(ig.vs["label"] == EXPECTED, "graphml/igraph: labels")
check(sorted(ig.es["weight"]) == sorted(float(w) for w in WEIGHTS.values()), "graphml/igraph: weights")

# JSON: json + networkx node_link_graph
p = write("json", "json")
raw = open(p, "rb").read()
check(b"<" not in raw and b"</" not in raw, "json: no raw '<' (inert in a <script> block)")
d = json.loads(raw)
jg = nx.node_link_graph(d)
check(jg.number_of_nodes() == 9 and jg.number_of_edges() == 11, "json/networkx: 9 nodes, 11 edges")
check([n["label"] for n in d["nodes"]] == EXPECTED, "json: labels")
check(d["nodes"][7]["pagerank"] is None, "json: missing metric is null")

# VOSviewer JSON
p = write("vosviewer", "vos.json")
v = json.load(open(p, encoding="utf-8"))
items, links = v["network"]["items"], v["network"]["links"]
check(len(items) == 9 and len(links) == 11, "vosviewer: 9 items, 11 links")
check([it["label"] for it in items] == EXPECTED, "vosviewer: labels")
check(all(isinstance(it["id"], int) and it["id"] >= 1 for it in items), "vosviewer: positive int ids")
check(all(it["cluster"] >= 1 for it in items), "vosviewer: clusters from 1")
ids = {it["id"] for it in items}
check(all(l["source_id"] in ids and l["target_id"] in ids for l in links), "vosviewer: link ends exist")

# CSV: node and edge tables
p = write("csv", "csv", "rows=0")
with open(p, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
check(len(rows) == 10 and all(len(r) == len(rows[0]) for r in rows), "csv: 10 rows of equal width")
got = sorted(r[2] for r in rows[1:])
want = sorted(("'" + e) if e[:1] in "=+-@" else e for e in EXPECTED)
check(got == want, f"csv: labels {got!r}")
with open(os.path.join(tmp, "net.edges.csv"), newline="", encoding="utf-8") as f:
    erows = list(csv.reader(f))
check(len(erows) == 12 and erows[0][:3] == ["source", "target", "weight"], "csv: edge table")

# DOT: Graphviz re-reads it; labels survive with backslashes intact
p = write("dot", "dot")
r = subprocess.run(["dot", "-Tcanon", p], capture_output=True)
check(r.returncode == 0, f"dot -Tcanon: {r.stderr.decode(errors='replace')}")
r = subprocess.run(["dot", "-Tjson0", p], capture_output=True)
check(r.returncode == 0, "dot -Tjson0")
if r.returncode == 0:
    dj = json.loads(r.stdout)
    dl = {o["name"]: o["label"] for o in dj.get("objects", [])}
    # In DOT, a label's \\ is one backslash (escString): undo to compare.
    got = [dl[f"n{i}"].replace("\\\\", "\\") for i in range(9)]
    check(got == EXPECTED, f"dot: labels {got!r}")
    check(len(dj.get("edges", [])) == 11, "dot: 11 edges")

# SVG: well-formed, inert, renders
for fmt in ("svg",):
    p = write(fmt, fmt)
    r = subprocess.run(["xmllint", "--noout", p], capture_output=True)
    check(r.returncode == 0, f"svg: xmllint: {r.stderr.decode(errors='replace')}")
    root = ET.parse(p).getroot()
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    check("script" not in tags and "foreignObject" not in tags, "svg: no script/foreignObject")
    for el in root.iter():
        for k in el.attrib:
            check(not k.lower().startswith("on"), f"svg: event attribute {k}")
    texts = [t.text or "" for t in root.iter() if t.tag.endswith("text")]
    check(any("DPO" in t or "script" in t for t in texts), "svg: top labels drawn")
    r = subprocess.run(["rsvg-convert", p, "-o", os.path.join(tmp, "net.png")], capture_output=True)
    check(r.returncode == 0 and os.path.getsize(os.path.join(tmp, "net.png")) > 1000, "svg: rsvg-convert renders")

# PDF and PNG: magic bytes, no wall-clock date
p = write("pdf", "pdf")
pdf = open(p, "rb").read()
check(pdf.startswith(b"%PDF-"), "pdf: header")
check(b"D:2000010100" in pdf or b"CreationDate" not in pdf, "pdf: no rendering time")
p = write("png", "png")
check(open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "png: signature")

# Determinism: the same input gives the same bytes in every format.
for fmt, ext in (("graphml", "graphml"), ("gexf", "gexf"), ("dot", "dot"), ("svg", "svg"),
                 ("pdf", "pdf"), ("png", "png"), ("json", "json")):
    a = open(write(fmt, ext), "rb").read()
    b = open(write(fmt, ext), "rb").read()
    check(a == b, f"{fmt}: byte-identical reruns")

subprocess.run(["rm", "-rf", tmp])
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print(f"readers ({VARIANT}): all checks passed")
