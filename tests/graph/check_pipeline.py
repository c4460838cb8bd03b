#!/usr/bin/python3
"""End-to-end check of the graphs ccgraph builds from a real corpus with the
real extractor, against the extractor's own output (`ccgraph extract`).

Usage: check_pipeline.py CCGRAPH CORPUS

Independent of how good the extraction is, the graphs must agree with it:
- concepts: one edge per pair of names found in the same paper, listing
  exactly those papers in corpus order, weight = number of papers (count)
  or c_ij / (s_i s_j) (association); evidence is a sentence naming one end;
- papers: every "uses" edge B -> A is labelled with names A introduces and
  B mentions without introducing them, and every such mention of a name
  introduced by an earlier (or same-month) paper has its edge;
- reruns, and runs with other thread counts, give identical bytes.
"""
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile

BIN, CORPUS = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
failures = 0


def run(*args):
    proc = subprocess.run([BIN, *args], capture_output=True)
    if proc.returncode:
        sys.exit(f"ccgraph {' '.join(args)}: exit {proc.returncode}\n"
                 + proc.stderr.decode(errors="replace"))
    return proc.stdout


def table(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ok(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    failures += not cond


# The extractor's view: per paper (corpus order) its names, forms, introductions.
papers = []
for line in run("extract", CORPUS).splitlines():
    d = json.loads(line)
    papers.append(d)
types = {}
for d in papers:
    for e in d["entities"]:
        types.setdefault(e["name"], set()).add(e["type"])
ambiguous = {n for n, t in types.items() if len(t) > 1}

# Concepts, count weights, every paper of every edge.
out = os.path.join(tmp, "c.csv")
run("rank", "-n", "0", "--min-papers", "1", "--provenance-max", "0", "-o", out, CORPUS)
edges = table(os.path.join(tmp, "c.edges.csv"))
want = {}
for d in papers:
    names = sorted({e["name"] for e in d["entities"]} - ambiguous)
    for a, b in itertools.combinations(names, 2):
        want.setdefault((a, b), []).append(d["id"])
got = {}
for e in edges:
    if e["source"] in ambiguous or e["target"] in ambiguous:
        continue
    key = tuple(sorted((e["source"], e["target"])))
    got[key] = e
ok(set(got) == set(want), f"concepts: {len(got)} edges = the {len(want)} co-mentioned pairs")
bad = [k for k in want if k in got and got[k]["papers"].split(";") != want[k]]
ok(not bad, f"concepts: every edge lists exactly its papers, in corpus order {bad[:3]}")
bad = [k for k, e in got.items()
       if float(e["weight"]) != len(want.get(k, [])) or int(e["n_papers"]) != len(want.get(k, []))]
ok(not bad, f"concepts: weight = n_papers = number of papers {bad[:3]}")
forms = {}
for d in papers:
    for e in d["entities"]:
        forms.setdefault(e["name"], set()).update(e["forms"])
bad = [k for k, e in got.items()
       if not any(f in e["evidence"] for n in k for f in forms[n])]
ok(not bad, f"concepts: each evidence sentence names an end of its edge {bad[:3]}")

# Sentence window: a subset of the paper window, edge by edge and paper by paper.
run("rank", "-n", "0", "--min-papers", "1", "--provenance-max", "0", "--window", "sentence",
    "-o", os.path.join(tmp, "s.csv"), CORPUS)
sent = {tuple(sorted((e["source"], e["target"]))): e["papers"].split(";")
        for e in table(os.path.join(tmp, "s.edges.csv"))
        if e["source"] not in ambiguous and e["target"] not in ambiguous}
bad = [k for k, ps in sent.items() if k not in want or not set(ps) <= set(want[k])]
ok(not bad and len(sent) <= len(want),
   f"sentence window: {len(sent)} edges, each within the paper window's {bad[:3]}")

# Association strength from the node table's paper counts.
run("rank", "-n", "0", "--weight", "association", "-o", os.path.join(tmp, "a.csv"), CORPUS)
s = {r["id"]: int(r["papers"]) for r in table(os.path.join(tmp, "a.csv"))}
bad = [e for e in table(os.path.join(tmp, "a.edges.csv"))
       if abs(float(e["weight"]) - int(e["n_papers"]) / (s[e["source"]] * s[e["target"]]))
       > 1e-12 * float(e["weight"])]
ok(not bad, "association: weight = c_ij / (s_i s_j)")

# Papers: inferred uses.
run("rank", "--graph", "papers", "-n", "0", "-o", os.path.join(tmp, "p.csv"), CORPUS)
date = {r["id"]: r["date"] for r in table(os.path.join(tmp, "p.csv"))}
intro = {}
for d in papers:
    for e in d["entities"]:
        if e["introduced"]:
            intro.setdefault(e["name"], set()).add(d["id"])
mentions = {d["id"]: {e["name"] for e in d["entities"] if not e["introduced"]} for d in papers}
uses = {}
for e in table(os.path.join(tmp, "p.edges.csv")):
    if "uses" in e["kind"]:
        for n in e["label"].split("; "):
            uses.setdefault((e["source"], n), set()).add(e["target"])
bad = [(b, n, a) for (b, n), targets in uses.items() for a in targets
       if a not in intro.get(n, ()) or n not in mentions[b] or date[a] > date[b]]
ok(not bad, f"papers: {len(uses)} uses edges, each from a mention to an earlier introducer {bad[:3]}")
missing = [(d["id"], n) for d in papers for n in mentions[d["id"]] - ambiguous
           if any(a != d["id"] and date[a] <= date[d["id"]] for a in intro.get(n, ()))
           and (d["id"], n) not in uses]
# The introducer is the corpus's earliest one: it may be dated after this paper
# while a later-dated introducer is not; only count clear misses.
missing = [(b, n) for b, n in missing
           if all(date[a] <= date[b] for a in intro[n] if a != b)]
ok(not missing, f"papers: every use of an earlier introduced name has its edge {missing[:3]}")

# Determinism: reruns and thread counts give the same bytes.
a = run("rank", "-n", "0", "--to", "csv", CORPUS)
b = run("rank", "-n", "0", "--to", "csv", "--threads", "1", CORPUS)
c = run("rank", "-n", "0", "--to", "csv", "--community", "louvain", "--threads", "2", CORPUS)
d = run("rank", "-n", "0", "--to", "csv", "--community", "louvain", CORPUS)
ok(a == b and c == d, "same bytes on reruns and with 1 or 2 threads")

sys.exit(1 if failures else 0)
