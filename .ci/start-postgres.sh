#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on loopback for the collector's test suite and
# prints its URL. Idempotent: reuses a cluster already running on the port.
set -euo pipefail
PGPORT=${PGPORT:-54329}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDATA=${PGDATA:-/tmp/si-pg-$PGPORT}
url="postgres://postgres@127.0.0.1:$PGPORT/si_test"

if pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; then
  echo "$url"
  exit 0
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust >/dev/null
fi
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -l "$PGDATA.log" -w start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" si_test 2>/dev/null || true
echo "$url"
