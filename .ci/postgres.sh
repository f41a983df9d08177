#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the complaint-store tests and
# prints `export PORTAL_TEST_POSTGRES_DSN=…` on standard output (for eval).
# Installs Debian's postgresql package if no server is installed. Quiet and
# idempotent: run it again and it reuses the running cluster. Everything but
# the export line goes to standard error.
#
# Settings (environment): PORTAL_PG_PORT (default 55432), PORTAL_PG_DATA
# (default ${TMPDIR:-/tmp}/portal-postgres), PORTAL_PG_DB (default portal_test).
set -euo pipefail

port="${PORTAL_PG_PORT:-55432}"
data="${PORTAL_PG_DATA:-${TMPDIR:-/tmp}/portal-postgres}"
db="${PORTAL_PG_DB:-portal_test}"

log() { echo "postgres.sh: $*" >&2; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin="$(bindir)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
    exit 1
  fi
  # shellcheck source=apt.sh
  . "$(dirname "$0")/apt.sh"
  apt_install postgresql
  bin="$(bindir)"
fi

# The server refuses to run as root: as root, run it as the postgres user.
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  mkdir -p "$data"
  chown postgres: "$data"
  chmod 700 "$data"
  as_pg() { runuser -u postgres -- "$@"; }
fi

if [ ! -f "$data/PG_VERSION" ]; then
  log "initialising a cluster in $data"
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 ||
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
fi

if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  log "starting PostgreSQL on 127.0.0.1:$port"
  # Sockets go in the data folder so no system folder is needed; only
  # loopback TCP is opened.
  as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=on" start >/dev/null
fi

psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)
for _ in $(seq 1 30); do
  if "${psql[@]}" -tAc 'SELECT 1' >/dev/null 2>&1; then break; fi
  sleep 1
done
if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
  "${psql[@]}" -c "CREATE DATABASE $db" >/dev/null
fi

echo "export PORTAL_TEST_POSTGRES_DSN='postgres://postgres@127.0.0.1:$port/$db?sslmode=disable'"
