#!/usr/bin/env bash
# Runs every test: Rust unit and API tests, the release build, the browser tests (Debian's Chromium via
# playwright-core), schemathesis against the OpenAPI document and the page-weight budget. Installs what is missing first. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s (%ss)\033[0m\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
bash scripts/setup.sh

step "Rust unit and API tests"
cargo test --workspace --locked

step "release build"
bash scripts/build.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
export TREFPUNT_BIN="$target/release/trefpunt" LEPTOS_SITE_ROOT="$target/site"

step "API contract (schemathesis against /api/v1/openapi.json)"
bash scripts/schemathesis.sh "$TREFPUNT_BIN"

step "browser tests"
node --test --test-concurrency=1 tests/e2e/*.test.mjs

step "page weight"
node bench/page_weight.mjs --budget-kb 300

step "all tests passed"
