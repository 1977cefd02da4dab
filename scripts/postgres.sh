#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 cluster for tests and benchmarks.
#
#   scripts/postgres.sh start DIR   initdb in DIR/data (once), start it on a free port of 127.0.0.1 and
#                                   print its URL (postgres://postgres@127.0.0.1:PORT/trefpunt), the only
#                                   line on stdout; also written to DIR/url. Log: DIR/log.
#   scripts/postgres.sh stop DIR    stop it (fast); nothing to do is not an error.
#
# Trust authentication, superuser `postgres`, UTF8 with no locale (text sorts bytewise, as on SQLite).
# As root, DIR is given to the `postgres` user and the server runs as that user (initdb refuses root).
set -euo pipefail

die() { printf 'postgres.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'postgres.sh: %s\n' "$*" >&2; }

usage() { die "usage: $0 start|stop DIR"; }
[ $# -eq 2 ] || usage
cmd=$1
[ -n "$2" ] || usage
case $cmd in start | stop) ;; *) usage ;; esac

# Binaries: Debian's versioned directory, else pg_config's, else PATH.
bindir=
for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; break; fi
done
bin() {
  if [ -n "$bindir" ]; then printf '%s/%s' "$bindir" "$1"
  elif command -v "$1" >/dev/null 2>&1; then command -v "$1"
  else die "$1 not found (install PostgreSQL 15: scripts/setup.sh, or apt-get install postgresql)"
  fi
}
INITDB=$(bin initdb)
PG_CTL=$(bin pg_ctl)
PSQL=$(bin psql)
PG_ISREADY=$(bin pg_isready)

# The server's user: `postgres` when we are root, else ourselves.
if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' user (apt-get install postgresql makes one)"
  command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (util-linux)"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

if [ "$cmd" = start ]; then mkdir -p -- "$2"; fi
[ -d "$2" ] || { [ "$cmd" = stop ] && { say "no directory $2: nothing to stop"; exit 0; }; die "no directory $2"; }
DIR=$(cd -- "$2" && pwd -P)
DATA=$DIR/data
LOG=$DIR/log
# Run everything from DIR: the server's user may not be able to read the caller's working directory.
cd -- "$DIR"

log_tail() {
  if [ -f "$LOG" ]; then
    printf -- '--- last lines of %s ---\n' "$LOG" >&2
    tail -n 30 -- "$LOG" >&2
  fi
}

running() { [ -f "$DATA/PG_VERSION" ] && as_pg "$PG_CTL" status -D "$DATA" >/dev/null 2>&1; }

if [ "$cmd" = stop ]; then
  if ! running; then
    say "no server running in $DATA: nothing to stop"
    exit 0
  fi
  as_pg "$PG_CTL" stop -D "$DATA" -m fast -w -t 60 >/dev/null 2>>"$LOG" || { log_tail; die "pg_ctl stop failed"; }
  say "stopped the server in $DATA"
  exit 0
fi

# --- start ---

if running; then
  [ -s "$DIR/url" ] || die "a server runs in $DATA but $DIR/url is missing; stop it first"
  say "already running"
  cat -- "$DIR/url"
  exit 0
fi

# A Unix socket path is limited to 107 bytes.
[ ${#DIR} -le 90 ] || die "DIR is too long for the server's Unix socket ($DIR); use a shorter path, e.g. mktemp -d"

if [ "$(id -u)" = 0 ]; then
  chown -R postgres: -- "$DIR"
  runuser -u postgres -- test -w "$DIR" -a -x "$DIR" \
    || die "user postgres cannot write $DIR (is a parent directory closed to others? e.g. /root)"
fi
# The server's user appends to the log; create it as that user.
as_pg touch -- "$LOG"

if [ ! -f "$DATA/PG_VERSION" ]; then
  [ ! -e "$DATA" ] || [ -z "$(ls -A -- "$DATA")" ] || die "$DATA exists but is no PostgreSQL cluster"
  if ! as_pg "$INITDB" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$DIR/initdb.log" 2>&1; then
    tail -n 30 -- "$DIR/initdb.log" >&2
    die "initdb failed (whole output in $DIR/initdb.log)"
  fi
  # Settings that stay; the port is chosen afresh at every start.
  quoted_dir=${DIR//\'/\'\'}
  cat >>"$DATA/postgresql.conf" <<EOF

# scripts/postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$quoted_dir'
fsync = on
logging_collector = off
# Tests run several apps at once, each with its own pool.
max_connections = 200
EOF
fi

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for _ in $(seq 50); do
      p=$((20000 + RANDOM % 30000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
  fi
}

# Another process may take the port between choosing and binding: then try another one.
started=
for attempt in 1 2 3; do
  port=$(free_port) || die "found no free TCP port on 127.0.0.1"
  if as_pg "$PG_CTL" start -D "$DATA" -l "$LOG" -w -t 60 -o "-p $port" >/dev/null 2>>"$LOG"; then
    started=1
    break
  fi
  # A failed start may leave nothing running; make sure before retrying.
  as_pg "$PG_CTL" stop -D "$DATA" -m immediate >/dev/null 2>&1 || true
  if [ "$attempt" -lt 3 ] && tail -n 20 -- "$LOG" 2>/dev/null | grep -q 'could not bind\|Address already in use'; then
    say "port $port was taken, trying another"
    continue
  fi
  break
done
[ -n "$started" ] || { log_tail; die "the server in $DATA did not start"; }

# pg_ctl -w waited for the socket; also wait for TCP to answer.
for _ in $(seq 100); do
  "$PG_ISREADY" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres && break
  sleep 0.1
done
"$PG_ISREADY" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
  || { log_tail; die "the server started but does not answer on 127.0.0.1:$port"; }

psql_admin() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }
exists=$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'trefpunt'") \
  || { log_tail; die "cannot query the server on 127.0.0.1:$port"; }
if [ "$exists" != 1 ]; then
  psql_admin -c 'CREATE DATABASE trefpunt' >/dev/null || { log_tail; die "CREATE DATABASE trefpunt failed"; }
fi

url="postgres://postgres@127.0.0.1:$port/trefpunt"
printf '%s\n' "$url" >"$DIR/url"
say "running in $DATA (log $LOG)"
printf '%s\n' "$url"
