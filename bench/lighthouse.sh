#!/usr/bin/env bash
# Lighthouse on every resident page of the release build: mobile emulation, Lighthouse's default
# simulated slow 4G and CPU slowdown, Debian's Chromium, median of 5 runs per page.
#   bash bench/lighthouse.sh [runs]
# Lighthouse is pinned here and installed into bench/.lighthouse (not a dependency of the app or its
# tests): 12.8.2, the newest that runs on Node 20, this machine's (Lighthouse 13 needs Node 22.19).
# Needs the release build (scripts/build.sh) and the npm packages (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LIGHTHOUSE_VERSION=12.8.2
dir=bench/.lighthouse
if [ "$(node -p "try{require('./$dir/node_modules/lighthouse/package.json').version}catch{''}")" != "$LIGHTHOUSE_VERSION" ]; then
  npm install --loglevel=error --no-audit --no-fund --prefix "$dir" "lighthouse@$LIGHTHOUSE_VERSION" >&2
fi
target="${CARGO_TARGET_DIR:-$PWD/target}"
export TREFPUNT_BIN="${TREFPUNT_BIN:-$target/release/trefpunt}" LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$target/site}"
node bench/lighthouse.mjs "${1:-5}"
