"""The peer for the coverage benchmark: networkx's multi_source_dijkstra_path_length on the same graph
that `cargo bench -p server --bench coverage -- --write-graph DIR` wrote (edges `a b length`, the source
nodes, Trefpunt's distance per node). Builds an undirected nx.Graph (parallel edges: the shortest kept,
which gives the same shortest paths), times the call (median of 5, the build apart), and checks that
every node's distance equals Trefpunt's within 1e-6 m. Prints RESULT lines for bench/coverage.sh."""
import math
import statistics
import sys
import time

import networkx as nx

folder = sys.argv[1]
RUNS = 5

t = time.perf_counter()
G = nx.Graph()
with open(f"{folder}/edges.txt") as f:
    for line in f:
        a, b, w = line.split()
        a, b, w = int(a), int(b), float(w)
        old = G.get_edge_data(a, b)
        if old is None or w < old["length"]:
            G.add_edge(a, b, length=w)
build = time.perf_counter() - t
with open(f"{folder}/sources.txt") as f:
    sources = [int(s) for s in f.read().split()]

times = []
dist = None
for _ in range(RUNS):
    t = time.perf_counter()
    dist = nx.multi_source_dijkstra_path_length(G, sources, weight="length")
    times.append(time.perf_counter() - t)
median = statistics.median(times)

max_diff = 0.0
equal = True
with open(f"{folder}/ours.txt") as f:
    for line in f:
        n, d = line.split()
        n, d = int(n), float(d)
        theirs = dist.get(n, math.inf)
        if math.isinf(d) or math.isinf(theirs):
            if d != theirs:
                equal = False
            continue
        diff = abs(d - theirs)
        max_diff = max(max_diff, diff)
        if diff > 1e-6:
            equal = False

print(f"networkx version: {nx.__version__}")
print(f"networkx graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges (parallel edges: shortest kept)")
print(f"networkx graph build (not counted): {build * 1e3:.1f} ms")
print(f"networkx multi_source_dijkstra_path_length, {len(sources)} sources (median of {RUNS} runs): {median * 1e3:.2f} ms")
print(f"networkx nodes reached: {len(dist)} nodes")
print(f"RESULT nx_dijkstra_ms={median * 1e3:.3f} nx_build_ms={build * 1e3:.3f}")
print(f"RESULT equal={'yes' if equal else 'no'} max_diff={max_diff:.3g}")
