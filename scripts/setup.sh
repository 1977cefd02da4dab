#!/usr/bin/env bash
# Installs everything Trefpunt needs to build and test on a fresh Debian machine.
# Idempotent: every step checks first, so a second run costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130

log() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Rust: the wasm target for the hydrate bundle.
if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The static checks of the test command: rustfmt and clippy (a minimal rustup profile has neither).
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    log "rustup component add $component"
    rustup component add "$component"
  fi
done

# cargo-leptos: 0.3.11 needs a newer rustc than this machine has.
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate pinned in Cargo.toml. Its lockfile names a crate
# version the registry lacks, hence no --locked.
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 7 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# brotli: the build compresses the bundle once, at the highest level.
apt_install ca-certificates brotli
# schemathesis (scripts/schemathesis.sh) lives in a venv; Debian's python3 needs python3-venv for that.
python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
# Only for tests and benchmarks (scripts/run.sh skips them): Debian's Chromium for the browser tests
# (no browser download is possible here), PostgreSQL 15 for the second backend's tests
# (scripts/postgres.sh starts private clusters), wrk for bench/ingest.sh, poppler-utils' pdftotext
# for reading back the printed area report.
if [ "${TREFPUNT_SKIP_TEST_TOOLS:-}" != 1 ]; then
  apt_install chromium postgresql wrk poppler-utils
fi

# npm: Leaflet (copied into the site), binaryen's wasm-opt (Debian's is too old), playwright-core, axe-core.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
