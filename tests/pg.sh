#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 + PostGIS cluster for the storage tests and print its URL.
# Usage: eval "$(bash tests/pg.sh start)"  (exports ATLAS_TEST_DATABASE_URL and ATLAS_TEST_PGDATA)
#        bash tests/pg.sh stop "$ATLAS_TEST_PGDATA"
# initdb refuses root, so the cluster runs as the postgres user, in a temp dir it owns.
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    dir=$(mktemp -d /tmp/atlas-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    as_postgres "$BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    as_postgres "$BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE atlas" >/dev/null
    as_postgres "$BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d atlas -q -c "CREATE EXTENSION postgis" >/dev/null
    echo "export ATLAS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/atlas"
    echo "export ATLAS_TEST_PGDATA=$dir"
    ;;
  stop)
    as_postgres "$BIN/pg_ctl" -D "$2/data" -m immediate stop >/dev/null
    rm -rf "$2"
    ;;
esac
