#!/usr/bin/env bash
# Runs Trefpunt on a fresh Debian machine: installs what is missing, builds in release and serves on
# http://127.0.0.1:3000 with an embedded SQLite database (data/trefpunt.db). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium, PostgreSQL and wrk are only for the tests and benchmarks.
TREFPUNT_SKIP_TEST_TOOLS=1 bash scripts/build.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
export LEPTOS_SITE_ROOT="$target/site"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
exec "$target/release/trefpunt" serve
