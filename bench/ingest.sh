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
# After each run it counts the stored rows: every acknowledged (2xx) submission must be there.
# It measures, it does not pass or fail (but it exits non-zero if a stored count falls short).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
CONCURRENCY=${CONCURRENCY:-16 32 64}
BACKENDS=${BACKENDS:-sqlite postgres}
target="${CARGO_TARGET_DIR:-$PWD/target}"

command -v wrk >/dev/null || { echo "ingest.sh: wrk is missing (scripts/setup.sh installs it)" >&2; exit 1; }
# The release binary as scripts/build.sh makes it (cargo-leptos; quick when nothing changed), and the
# ceiling apart, in a target folder of its own: an example builds with the dev-dependencies'
# features and without cargo-leptos's environment, and in the same folder each build would undo the
# other's artifacts.
build_log=$(mktemp)
bash scripts/build.sh >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
CARGO_TARGET_DIR="$target/ingest-ceiling" cargo build -q --release --locked -p server --example ingest_ceiling
rm -f "$build_log"
bin="$target/release/trefpunt"
ceiling_bin="$target/ingest-ceiling/release/examples/ingest_ceiling"

work=$(mktemp -d /tmp/trefpunt-ingest.XXXXXX)
# scripts/postgres.sh runs the server as the postgres user, which must reach $work/pg.
chmod 755 "$work"
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

# Runs wrk once at concurrency C against http://127.0.0.1:PORT; prints a line and appends the RESULT
# line to $work/NAME.results. Sets `acked` to the 2xx answers of the run.
load() { # NAME PORT C
  local out line
  out=$(wrk -t2 -c"$3" -d"${DURATION}s" --timeout 10s -s bench/ingest.lua "http://127.0.0.1:$2")
  line=$(echo "$out" | grep '^RESULT')
  echo "c=$3 $line" >>"$work/$1.results"
  get() { echo "$line" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
  acked=$(( $(get requests) - $(get failed) ))
  printf '  %-9s c=%-3s %8s acknowledged/s   p50 %6s ms   p99 %6s ms   (requests %s, failed %s)' \
    "$1" "$3" "$(get ok_rps)" "$(get p50_ms)" "$(get p99_ms)" "$(get requests)" "$(get failed)"
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
# Every run starts from a fresh database with the areas imported, so the concurrencies compare.
for backend in $BACKENDS; do
  : >"$work/$backend.results"
  [ "$backend" != postgres ] || pg_url=$(bash scripts/postgres.sh start "$work/pg")
  run=0
  for c in $CONCURRENCY; do
    run=$((run + 1))
    case $backend in
      sqlite)
        mkdir -p "$work/sqlite$run"
        url="sqlite://$work/sqlite$run/trefpunt.db"
        count() { python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM submissions').fetchone()[0])" "$work/sqlite$run/trefpunt.db"; }
        ;;
      postgres)
        psql -X -q "$pg_url" -c "CREATE DATABASE ingest$run" >/dev/null
        url="${pg_url%/*}/ingest$run"
        count() { psql -X -qtA "$url" -c 'SELECT count(*) FROM submissions'; }
        ;;
      *) echo "ingest.sh: unknown backend $backend" >&2; exit 2 ;;
    esac
    import_areas "$url"
    port=$(free_port)
    serve "$url" "$port"
    load "$backend" "$port" "$c"
    stop_last
    stored=$(count)
    echo "   stored $stored"
    [ "$stored" -ge "$acked" ] || { echo "  $backend c=$c: STORED FEWER THAN ACKNOWLEDGED ($stored < $acked)" >&2; status=1; }
  done
done

port=$(free_port)
INGEST_CEILING_ADDR="127.0.0.1:$port" "$ceiling_bin" >"$work/ceiling.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$port/healthz"
: >"$work/ceiling.results"
for c in $CONCURRENCY; do
  load ceiling "$port" "$c"
  echo
done
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
