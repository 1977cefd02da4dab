#!/usr/bin/env bash
# Builds the release site (server binary + WASM bundle + assets) after installing what is missing.
# The site lands in "${CARGO_TARGET_DIR:-target}/site"; the binary in "${CARGO_TARGET_DIR:-target}/release".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Leaflet comes from npm and is copied in, never committed.
rm -rf public/vendor && mkdir -p public/vendor/leaflet
cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
  public/vendor/leaflet/

# cargo-leptos would try to download wasm-opt: use binaryen from npm (Debian's is too old).
export PATH="$PWD/node_modules/.bin:$PATH"
cargo leptos build --release

site="${CARGO_TARGET_DIR:-$PWD/target}/site"
# Compress once, at the highest level, so the server sends .br/.gz files as they are.
find "$site" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.svg' -o -name '*.json' \) \
  -print0 | while IFS= read -r -d '' f; do
    brotli -f -q 11 -o "$f.br" "$f"
    gzip -f -k -9 "$f"
  done
echo "site: $site" >&2
