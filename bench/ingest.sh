#!/usr/bin/env bash
# Ingest benchmark (issue 6): wrk posts new, valid submissions (bench/ingest.lua) for DURATION seconds
# at concurrency 16, 32 and 64 against the release `trefpunt` on SQLite (synchronous=FULL) and on
# PostgreSQL 15 (a private cluster from scripts/postgres.sh, fsync on), with the Drechtsteden buurten
# imported so every entry gets its areas, and the rate limit off. The ceiling is a bare axum handler
# that reads the same body with the same parsing code and stores nothing
# (server/examples/ingest_ceiling.rs), measured in the same run with the same wrk. Traffic stays on
# 127.0.0.1; wrk and the server share this machine's cores, for the ceiling too.
#
#   bash bench/ingest.sh                 all three, 30 s per run
#   DURATION=10 CONCURRENCY="32" bash bench/ingest.sh
#   BACKENDS="sqlite" bash bench/ingest.sh
#
# After each backend it counts the stored rows: every acknowledged (2xx) submission must be there.
# It measures, it does not pass or fail (but it exits non-zero if a stored count falls short).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
CONCURRENCY=${CONCURRENCY:-16 32 64}
BACKENDS=${BACKENDS:-sqlite postgres}
target="${CARGO_TARGET_DIR:-$PWD/target}"

command -v wrk >/dev/null || { echo "ingest.sh: wrk is missing (scripts/setup.sh installs it)" >&2; exit 1; }
# The release binary as scripts/build.sh makes it (cargo-leptos; quick when nothing changed), and the
# ceiling apart: an example builds with the dev-dependencies' features, which must not leak into it.
bash scripts/build.sh >/dev/null
cargo build -q --release --locked -p server --example ingest_ceiling
bin="$target/release/trefpunt"
ceiling_bin="$target/release/examples/ingest_ceiling"

work=$(mktemp -d /tmp/trefpunt-ingest.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() { # URL
  for _ in $(seq 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "ingest.sh: nothing answers at $1" >&2
  exit 1
}

# Runs wrk at every concurrency against http://127.0.0.1:PORT; prints a line per run and keeps the
# RESULT lines in $work/NAME.results.
load() { # NAME PORT
  : >"$work/$1.results"
  for c in $CONCURRENCY; do
    out=$(wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s -s bench/ingest.lua "http://127.0.0.1:$2")
    line=$(echo "$out" | grep '^RESULT')
    echo "c=$c $line" >>"$work/$1.results"
    get() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
    printf '  %-9s c=%-3s %8s acknowledged/s   p50 %6s ms   p99 %6s ms   (requests %s, failed %s)\n' \
      "$1" "$c" "$(get ok_rps)" "$(get p50_ms)" "$(get p99_ms)" "$(get requests)" "$(get failed)"
  done
}

acknowledged() { # NAME: the 2xx answers over all runs
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "requests") r += kv[2]; if (kv[1] == "failed") f += kv[2] } } END { print r - f }' "$work/$1.results"
}

serve() { # DB_URL PORT: starts trefpunt, waits until it is ready
  TREFPUNT_DATABASE_URL="$1" LEPTOS_SITE_ADDR="127.0.0.1:$2" TREFPUNT_RATE_LIMIT_PER_MINUTE=0 \
    TREFPUNT_TILE_URL=none TREFPUNT_PHOTO_DIR="$work/photos" RUST_LOG=warn "$bin" serve >"$work/server.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$2/readyz"
}

stop_last() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

import_areas() { # DB_URL
  TREFPUNT_DATABASE_URL="$1" "$bin" import-areas ../shared/data/boundaries/drechtsteden_buurten_2023.geojson \
    --level buurt --year 2023 >/dev/null
}

echo "ingest: new submissions for ${DURATION} s per run, concurrency $CONCURRENCY, $(nproc) cores shared by wrk and the server"
status=0
for backend in $BACKENDS; do
  case $backend in
    sqlite)
      url="sqlite://$work/sqlite/trefpunt.db"
      count() { python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM submissions').fetchone()[0])" "$work/sqlite/trefpunt.db"; }
      ;;
    postgres)
      url=$(bash scripts/postgres.sh start "$work/pg")
      count() { psql -X -qtA "$url" -c 'SELECT count(*) FROM submissions'; }
      ;;
    *) echo "ingest.sh: unknown backend $backend" >&2; exit 2 ;;
  esac
  import_areas "$url"
  port=$(free_port)
  serve "$url" "$port"
  load "$backend" "$port"
  stop_last
  acked=$(acknowledged "$backend")
  stored=$(count)
  echo "  $backend: $acked acknowledged, $stored stored"
  [ "$stored" -ge "$acked" ] || { echo "  $backend: STORED FEWER THAN ACKNOWLEDGED" >&2; status=1; }
done

port=$(free_port)
INGEST_CEILING_ADDR="127.0.0.1:$port" "$ceiling_bin" >"$work/ceiling.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$port/healthz"
load ceiling "$port"
stop_last

echo
echo "ratio to the ceiling (acknowledged/s over the bare handler's answers/s)"
for backend in $BACKENDS; do
  for c in $CONCURRENCY; do
    ours=$(grep "^c=$c " "$work/$backend.results" | tr ' ' '\n' | grep '^ok_rps=' | cut -d= -f2)
    peer=$(grep "^c=$c " "$work/ceiling.results" | tr ' ' '\n' | grep '^ok_rps=' | cut -d= -f2)
    printf '  %-9s c=%-3s %s\n' "$backend" "$c" "$(python3 -c "print(f'{$ours / $peer:.3f}')")"
  done
done
echo "target: SQLite at c=32 at least 2000 acknowledged/s with p99 under 50 ms"
exit $status
