#!/usr/bin/python3
"""Cross-checks ccgraph's node metrics against networkx on the same graphs.

Usage: check_networkx.py GRAPH_METRICS_TOOL

Every metric ccgraph computes with igraph is recomputed here with networkx
(Debian's python3-networkx) under the definitions documented in
include/ccg_graph.h, and must agree to 1e-9 (PageRank and eigenvector to
1e-6: those are iterative in networkx). Edge weights are 1, 2 or 4 so that
path lengths 1/w add up exactly in binary and ties in shortest paths are
ties for both libraries.
"""
import math
import os
import random
import subprocess
import sys
import tempfile

import networkx as nx
from networkx.algorithms import community as nxcom

TOOL = sys.argv[1]


def run_tool(G, n, directed, *extra):
    with tempfile.NamedTemporaryFile("w", suffix=".edges", delete=False) as f:
        f.write(f"{n} {1 if directed else 0}\n")
        for u, v, d in sorted(G.edges(data=True)):
            if not directed and u > v:
                u, v = v, u
            f.write(f"{u} {v} {d['weight']}\n")
        path = f.name
    try:
        proc = subprocess.run([TOOL, path, *map(str, extra)], capture_output=True, text=True)
        if proc.returncode:
            sys.exit(f"{TOOL} failed ({proc.returncode}):\n{proc.stderr}")
        out = proc.stdout
    finally:
        os.unlink(path)
    lines = out.strip().split("\n")
    head = lines[0].split("\t")
    rows = {}
    for line in lines[1:]:
        f = line.split("\t")
        rows[int(f[0])] = {h: float(x) for h, x in zip(head[1:], f[1:])}
    return rows


failures = 0


def check(name, metric, got, want, tol):
    global failures
    for v in sorted(want):
        g, w = got[v][metric], want[v]
        if not (abs(g - w) <= tol * max(1.0, abs(w))):
            print(f"FAIL {name}: {metric} of node {v}: ccgraph {g!r}, networkx {w!r}")
            failures += 1
            return
    print(f"ok   {name}: {metric} ({len(want)} nodes)")


def expected(G, directed):
    n = G.number_of_nodes()
    for u, v, d in G.edges(data=True):
        d["length"] = 1.0 / d["weight"]
    U = G
    if directed:  # u->v and v->u become one edge with the summed weight
        U = nx.Graph()
        U.add_nodes_from(G)
        for u, v, d in G.edges(data=True):
            w = d["weight"] + (U[u][v]["weight"] if U.has_edge(u, v) else 0)
            U.add_edge(u, v, weight=w, length=1.0 / w)
    exp = {
        "degree": dict(G.degree()),
        "strength": dict(G.degree(weight="weight")),
        "betweenness": nx.betweenness_centrality(G, weight="length", normalized=False),
        # igraph: (reached - 1) / sum of distances to the reached nodes
        "closeness": nx.closeness_centrality(U, distance="length", wf_improved=False),
        "harmonic": {v: h / (n - 1) for v, h in
                     nx.harmonic_centrality(U, distance="length").items()},
        "pagerank": nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-14, max_iter=10000),
        "coreness": nx.core_number(U),
        "clustering": nx.clustering(nx.Graph(U)),
    }
    if nx.is_connected(U):
        ev = nx.eigenvector_centrality_numpy(U, weight="weight")
        top = max(ev.values())
        exp["eigenvector"] = {v: x / top for v, x in ev.items()}
    return exp


def compare(name, G, directed, sampled=False):
    n = G.number_of_nodes()
    got = run_tool(G, n, directed, *((1, n) if sampled else ()))
    exp = expected(G, directed)
    for metric, want in exp.items():
        tol = 1e-6 if metric in ("pagerank", "eigenvector") else 1e-9
        check(name, metric, got, want, tol)
    return got


def weighted(G, rng):
    for u, v in G.edges():
        G[u][v]["weight"] = rng.choice([1, 2, 4])
    return G


rng = random.Random(7)

karate = weighted(nx.karate_club_graph(), rng)
got = compare("karate", karate, False)
# Communities: a partition, and as good as networkx's own Louvain.
parts = {}
for v, row in got.items():
    parts.setdefault(int(row["community"]), set()).add(v)
q = nxcom.modularity(karate, parts.values(), weight="weight")
q_nx = max(nxcom.modularity(karate, nxcom.louvain_communities(karate, weight="weight", seed=s),
                            weight="weight") for s in range(5))
print(f"{'ok  ' if q >= 0.97 * q_nx else 'FAIL'} karate: Leiden modularity {q:.4f} "
      f"vs networkx Louvain {q_nx:.4f}")
failures += q < 0.97 * q_nx
if sorted(parts) != list(range(len(parts))):
    print("FAIL karate: communities not numbered 0..k-1")
    failures += 1

# Two components and an isolated node.
G = weighted(nx.gnm_random_graph(40, 70, seed=3), rng)
G.add_edges_from([(40, 41, {"weight": 2}), (41, 42, {"weight": 1})])
G.add_node(43)
compare("disconnected", G, False)

# The sampled estimator (ccgraph's own Brandes) with every node as a source
# is exact: undirected, disconnected, directed.
compare("sampled=all", karate, False, sampled=True)
compare("sampled=all disconnected", G, False, sampled=True)

D = weighted(nx.gnp_random_graph(30, 0.12, seed=5, directed=True), rng)
compare("directed", D, True)
compare("sampled=all directed", D, True, sampled=True)

sys.exit(1 if failures else 0)
