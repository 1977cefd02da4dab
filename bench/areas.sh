#!/usr/bin/env bash
# Areas benchmark (issue 3): Trefpunt's index against geopandas sjoin + groupby on the same 1,000,000
# clustered points and the 11,691 national buurten (../shared/data), at most 2 threads each.
# Installs geopandas in a venv under ~/.cache/trefpunt the first time. Prints both and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${TMPDIR:-/tmp}/trefpunt-bench-areas"
mkdir -p "$work"
venv="$HOME/.cache/trefpunt/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import geopandas, pyogrio' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check geopandas pyogrio
fi
export RAYON_NUM_THREADS=2 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2

ours=$(cargo bench -q -p server --bench areas -- --points "${POINTS:-1000000}" \
  --write-points "$work/points.bin" --write-areas "$work/buurten.geojson" 2>/dev/null)
echo "$ours" | grep -v '^RESULT'
peer=$("$venv/bin/python" bench/areas_geopandas.py "$work/points.bin" "$work/buurten.geojson")
echo "$peer" | grep -v '^RESULT'

get() { echo "$1" | grep '^RESULT' | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
ratio() { python3 -c "print(f'{float($1) / float($2):.1f}')"; }
echo
echo "ratios (geopandas time / Trefpunt time; target for join and count: at least 25x)"
echo "  (a)+(b) join and count      $(ratio "$(get "$peer" join_count_ms)" "$(get "$ours" join_count_ms)")x"
echo "  total with index build      $(ratio "$(get "$peer" total_ms)" "$(get "$ours" total_ms)")x"
echo "  points inside a buurt       Trefpunt $(get "$ours" inside), geopandas $(get "$peer" inside)"
echo "  single lookup (write path)  $(get "$ours" single_us) us (target: under 2 us)"
