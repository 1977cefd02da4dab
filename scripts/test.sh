#!/usr/bin/env bash
# Runs every test: formatting, clippy (server, and the app for wasm) and rustdoc without warnings, Rust unit
# tests, the API tests on SQLite and on PostgreSQL, a long run of the fuzz targets, the release build, schemathesis against the OpenAPI document, the browser tests (Debian's Chromium via
# playwright-core) and the page-weight budget (the whole entry at 150 kB). Installs what is missing first. Exits non-zero on any
# failure. The fault tests mount a tmpfs and use chattr: run as root (CI does).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s (%ss)\033[0m\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
bash scripts/setup.sh

step "formatting, lints (server, and the app for wasm) and docs"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "Rust unit tests, API tests on SQLite"
cargo test --workspace --locked

step "fuzzing: the boundary importer and the submission validator, ${TREFPUNT_FUZZ_CASES:=10000} inputs each"
# server/tests/fuzz.rs; a plain `cargo test` above ran a few hundred per target.
TREFPUNT_FUZZ_CASES=$TREFPUNT_FUZZ_CASES cargo test --locked -p server --test fuzz

step "API tests on PostgreSQL 15 (a private cluster on a free loopback port)"
pg=$(mktemp -d /tmp/trefpunt-pg.XXXXXX)
stop_pg() { bash scripts/postgres.sh stop "$pg" >/dev/null 2>&1 || true; rm -rf "$pg"; }
trap stop_pg EXIT
pg_url=$(bash scripts/postgres.sh start "$pg")
TREFPUNT_TEST_POSTGRES_URL=$pg_url cargo test --locked -p server --test api
stop_pg
trap - EXIT

step "release build"
bash scripts/build.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
export TREFPUNT_BIN="$target/release/trefpunt" LEPTOS_SITE_ROOT="$target/site"

step "memory under 20 maximal photo uploads (the release binary)"
cargo test --locked -p server --test api twenty_maximal_uploads -- --ignored --nocapture

step "API contract (schemathesis against /api/v1/openapi.json)"
bash scripts/schemathesis.sh "$TREFPUNT_BIN"

step "browser tests"
node --test --test-concurrency=1 tests/e2e/*.test.mjs

step "page weight"
node bench/page_weight.mjs --budget-kb 150 --first-view-budget-kb 60

step "all tests passed"
