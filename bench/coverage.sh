#!/usr/bin/env bash
# Walking-coverage benchmark (issue 17): Amsterdam's network imported and asked about through the
# service, a simulated national network (COPIES copies of Amsterdam's, default 130), and the
# multi-source Dijkstra against networkx (system-wide python3) on the same graph in the same run.
# Prints both and the ratio networkx time / Trefpunt time.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${TMPDIR:-/tmp}/trefpunt-bench-coverage"
mkdir -p "$work"

ours=$(cargo bench -q -p server --bench coverage -- --copies "${COPIES:-130}" --write-graph "$work" 2>/dev/null)
echo "$ours" | grep -v '^RESULT'
echo
peer=$(python3 bench/coverage_networkx.py "$work")
echo "$peer" | grep -v '^RESULT'

get() { echo "$1" | grep '^RESULT' | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
ratio() { python3 -c "print(f'{float($1) / float($2):.1f}')"; }
echo
echo "multi-source Dijkstra, 60 sources over Amsterdam (same graph, same run)"
echo "  Trefpunt walk_times          $(get "$ours" dijkstra_ms) ms"
echo "  networkx                     $(get "$peer" nx_dijkstra_ms) ms"
echo "  ratio (networkx / Trefpunt)  $(ratio "$(get "$peer" nx_dijkstra_ms)" "$(get "$ours" dijkstra_ms)")x"
echo "  equal=$(get "$peer" equal) (max_diff=$(get "$peer" max_diff) m)"
