#!/usr/bin/env bash
# Schemathesis against the public REST API: starts an already-built `trefpunt` on a free loopback port
# with a fresh SQLite database (Drechtsteden areas and a few entries when ../shared/data is there, PDOK
# Locatieserver replayed by a local stand-in), generates requests from the OpenAPI document the server
# serves (GET /api/v1/openapi.json, generated from the handlers) and checks that no answer is a server
# error and that every answer matches the documented status codes, content types and schemas. The staff
# routes are left out: they need a signed-in session.
#
#   bash scripts/schemathesis.sh target/debug/trefpunt      (or TREFPUNT_BIN=… bash scripts/schemathesis.sh)
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 50 per operation), SCHEMATHESIS_SEED (default 20251125),
# SCHEMATHESIS_SCHEMA (default: the served document; a path to a saved document checks it against
# another binary), SCHEMATHESIS_ARGS (more `st run` options, e.g. "--phases fuzzing").
# The first run installs a pinned schemathesis from PyPI in a venv under
# ${XDG_CACHE_HOME:-~/.cache}/trefpunt/venv. Exits non-zero when schemathesis finds a failure; its report
# has a curl command for each.
set -euo pipefail
# Paths given on the command line are relative to where it was typed.
absolute() { case "$1" in /*|*://*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
bin="${1:-${TREFPUNT_BIN:-}}"
[ -n "$bin" ] && bin="$(absolute "$bin")"
[ -n "${SCHEMATHESIS_SCHEMA:-}" ] && SCHEMATHESIS_SCHEMA="$(absolute "$SCHEMATHESIS_SCHEMA")"
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5

log() { printf '\033[1mschemathesis:\033[0m %s\n' "$*" >&2; }

if [ -z "$bin" ]; then
  echo "usage: $0 PATH/TO/trefpunt   (or set TREFPUNT_BIN)" >&2
  exit 2
fi
if [ ! -x "$bin" ]; then
  echo "$bin: not an executable; build it first (cargo build -p server --bin trefpunt)" >&2
  exit 2
fi

# A pinned schemathesis in its own venv, installed once.
venv="${XDG_CACHE_HOME:-$HOME/.cache}/trefpunt/venv"
if ! "$venv/bin/st" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION in $venv (once)"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv --clear "$venv"; then
    echo "python3 -m venv failed: install Debian's python3-venv (scripts/setup.sh)" >&2
    exit 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/trefpunt-schemathesis.XXXXXX")"
server_pid=
pdok_pid=
st_pid=
cleanup() {
  local rc=$?
  if [ -n "$st_pid" ]; then kill "$st_pid" 2>/dev/null || true; wait "$st_pid" 2>/dev/null || true; fi
  if [ -n "$pdok_pid" ]; then kill "$pdok_pid" 2>/dev/null || true; wait "$pdok_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # Give it a few seconds to shut down cleanly, then make sure.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "$work/server.log" ]; then
    log "the server's log (last 40 lines):"
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

export TREFPUNT_DATABASE_URL="sqlite://$work/trefpunt.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
# The API needs no built site; pages would answer from an empty directory.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$work/site}"
mkdir -p "$LEPTOS_SITE_ROOT"
# Nothing leaves the machine. Address search goes to a local stand-in for PDOK Locatieserver that answers
# with the bodies PDOK gave for real queries (../shared/data/pdok/locatieserver, as the API tests do);
# without them, to a closed port (every search a documented, but server-error, 503).
export TREFPUNT_LOCATIESERVER_URL="http://127.0.0.1:9"
fixtures=../shared/data/pdok/locatieserver
if [ -d "$fixtures" ]; then
  "$venv/bin/python" - "$fixtures" "$work/pdok.port" >"$work/pdok.log" 2>&1 <<'PY' &
import http.server, os, sys, urllib.parse
fixtures, port_file = sys.argv[1], sys.argv[2]
class Free(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = " ".join(v for k, v in urllib.parse.parse_qsl(url.query) if k == "q").lower()
        if url.path != "/bzk/locatieserver/search/v3_1/free":
            status, name = 404, "v3_1_free_error400_undefined-field__openforms.json"
        elif "bolstraat" in q:
            status, name = 200, "v3_1_free_adres_bolstraat-utrecht__foarsitter.json"
        elif "1118cp" in q:
            status, name = 200, "v3_free_postcode-1118CP_rows1__nickurt.json"
        elif "utrecht" in q:
            status, name = 200, "v3_1_free_gemeente-utrecht_q-utrecht__openforms.json"
        else:
            status, name = 200, "v3_free_empty_numFound0__nickurt.json"
        with open(os.path.join(fixtures, name), "rb") as f:
            body = f.read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Free)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PY
  pdok_pid=$!
  for _ in $(seq 100); do [ -s "$work/pdok.port" ] && break; sleep 0.1; done
  [ -s "$work/pdok.port" ] || { cat "$work/pdok.log" >&2; log "the PDOK stand-in did not start"; exit 1; }
  export TREFPUNT_LOCATIESERVER_URL="http://127.0.0.1:$(cat "$work/pdok.port")/bzk/locatieserver/search/v3_1"
fi
export TREFPUNT_TILE_URL=none
# No per-client limit on POST /submissions: schemathesis sends hundreds from one address.
export TREFPUNT_RATE_LIMIT_PER_MINUTE=0
export RUST_LOG="${RUST_LOG:-warn}"

# Real areas and population (when ../shared/data is there) so that /areas, /aggregates and the exports
# have rows to answer with.
data=../shared/data
run_import() {
  "$bin" "$@" >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
}
if [ -f "$data/boundaries/drechtsteden_buurten_2023.geojson" ]; then
  run_import import-areas "$data/boundaries/drechtsteden_buurten_2023.geojson" --level buurt --year 2023
  run_import import-areas "$data/boundaries/drechtsteden_wijken_2023_derived.geojson" --level wijk --year 2023
  run_import import-population "$data/population/drechtsteden_buurten_2023_kwb.csv"
fi

log "starting $bin on $base"
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
healthy() { "$venv/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/healthz" 2>/dev/null; }
for _ in $(seq 300); do
  healthy && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "the server exited before it answered"
    exit 1
  fi
  sleep 0.1
done
healthy || { log "the server did not answer $base/healthz within 30 s"; exit 1; }

# A few entries of each kind by six residents in Dordrecht, so that lists, the heatmap and released
# (unsuppressed) figures are not all empty.
"$venv/bin/python" - "$base" <<'PY'
import json, sys, urllib.request, uuid
base = sys.argv[1]
bodies = []
for i in range(6):
    who = str(uuid.uuid4())
    lon, lat = 4.6712 + i * 0.0004, 51.8123 + i * 0.0003
    bodies += [
        {"kind": "barrier", "category": "steps", "location": {"lon": lon, "lat": lat},
         "details": {"severity": 2, "affects": ["elderly"]}, "text": "Hoge stoep"},
        {"kind": "place", "category": "library", "location": {"lon": lon, "lat": lat},
         "details": {"name": "Bibliotheek", "qualities": ["free"]}},
        {"kind": "wish", "category": "meeting_place", "details": {"talent": "koken"}},
    ]
    for b in bodies[-3:]:
        b.update(id=str(uuid.uuid4()), respondent=who, language="nl")
for b in bodies:
    req = urllib.request.Request(base + "/api/v1/submissions", json.dumps(b).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 201, (r.status, r.read())
PY

# With Dordrecht imported: a worker's activity grown from a wish, the mosque it meets at and the
# walking group it led to, so the public dynamics reads (lists, ripple map, exports) have a graph.
if [ -f "$data/boundaries/drechtsteden_buurten_2023.geojson" ]; then
  # A throwaway account of this run's throwaway database; its password travels by stdin and the
  # environment, never on a command line.
  SEED_PASSWORD="$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
  export SEED_PASSWORD
  printf '%s\n' "$SEED_PASSWORD" | "$bin" user add --role worker --gemeente GM0505 --password-stdin \
    opbouw@schemathesis.invalid >"$work/user.log" 2>&1 || { cat "$work/user.log" >&2; exit 1; }
  "$venv/bin/python" - "$base" <<'PY'
import json, os, sys, urllib.request, uuid
base, password = sys.argv[1], os.environ["SEED_PASSWORD"]
def send(path, body, headers=None):
    req = urllib.request.Request(base + "/api/v1" + path, json.dumps(body).encode(),
                                 {"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status in (200, 201), (path, r.status, r.read())
        return r.headers.get("Set-Cookie", ""), json.loads(r.read() or b"null")
cookie, signed_in = send("/session", {"email": "opbouw@schemathesis.invalid", "password": password})
staff = {"Cookie": cookie.split(";")[0], "X-CSRF-Token": signed_in["csrf"]}
wish = str(uuid.uuid4())
send("/submissions", {"id": wish, "respondent": str(uuid.uuid4()), "kind": "wish",
                      "category": "activity", "text": "Samen koken", "language": "nl",
                      "location": {"lon": 4.6712, "lat": 51.8123}})
for path, body in [
    ("/networks", {"id": "moskee", "name": "Moskee Al-Nour", "kind": "local_network",
                   "gemeente": "GM0505", "location": {"lon": 4.6745, "lat": 51.8105}}),
    ("/activities", {"id": "kookclub", "name": "Kookclub", "gemeente": "GM0505",
                     "started_on": "2026-03-01", "recurring": True, "grew_from": [wish],
                     "location": {"lon": 4.6720, "lat": 51.8120}}),
    ("/activities", {"id": "wandelgroep", "name": "Wandelgroep", "gemeente": "GM0505",
                     "started_on": "2026-05-01", "grew_from": ["kookclub"]}),
    ("/links", {"id": "kookclub-moskee", "from": "kookclub", "to": "moskee",
                "kind": "residents_networks", "on": "2026-03-08", "capital": "social",
                "note": "staff only"}),
]:
    send(path, body, staff)
PY
  unset SEED_PASSWORD
fi

# The public API; the staff routes (sessions, users, audit, moderation, PATCH, recording activities)
# need a signed-in session.
operations='^(createSubmission|listSubmissions|getSubmission|geocode|openapi|listAreas|heatmap|aggregates|exportCsv|exportGeojson|listCampaigns|getCampaign|answerSurvey|meToo|getOwnEntry|changeOwnEntry|deleteOwnEntry|uploadPhoto|getOwnPhoto|getPhoto|listActivities|activityRipples|listNetworks|listLinks|exportDynamics)$'

log "st run (schemathesis $SCHEMATHESIS_VERSION)"
start=$(date +%s)
status=0
# shellcheck disable=SC2086 # SCHEMATHESIS_ARGS is split on purpose
"$venv/bin/st" --no-color run "${SCHEMATHESIS_SCHEMA:-$base/api/v1/openapi.json}" \
  --url "$base/api/v1" \
  --include-operation-id-regex "$operations" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" \
  --seed "${SCHEMATHESIS_SEED:-20251125}" \
  --generation-database none \
  --request-timeout 30 \
  --workers 1 \
  ${SCHEMATHESIS_ARGS:-} &
# In the background so that a TERM or INT stops everything at once, not after schemathesis finishes.
st_pid=$!
wait "$st_pid" || status=$?
st_pid=
log "st run took $(( $(date +%s) - start ))s, exit code $status"
exit "$status"
