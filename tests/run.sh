#!/usr/bin/env bash
# Set up and run the whole test suite (lint, unit, data, CLI and browser tests) on a fresh machine.
# Installs Debian's chromium, PostgreSQL 15 + PostGIS and Redis when missing (as root), the Python packages
# into .venv, then runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: chromium (browser tests) and PostgreSQL 15 + PostGIS 3 (the storage
# contract runs against a real one; tests/pg.sh starts a throwaway cluster as the postgres user), and
# Redis (an office's export jobs run on Celery workers through it).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
[ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ] \
  || missing+=(postgresql-15-postgis-3)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)  # Celery export jobs (REDIS_URL)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Needed for the tests: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check .
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
# Everything: the browser tests (mostly waiting on Chromium and the server, so in two processes, a
# test module each at a time) and the others (mostly Python) side by side, the others at a lower
# priority and in two processes too, so that they take up both cores once the browser tests are
# done. Their reports follow each other; either failing fails the run. Each test has 600 s
# (pytest-timeout, pyproject.toml); each half has 40 min, so a hang outside a test ends the run too
# (status 124), never stalls it.
limit=(timeout --kill-after=60 2400)
others_log="$(mktemp)"
nice -n 10 "${limit[@]}" .venv/bin/python -m pytest tests --ignore=tests/browser -n 2 --dist loadfile \
  --durations=15 >"$others_log" 2>&1 &
others=$!
browser_status=0
"${limit[@]}" .venv/bin/python -m pytest tests/browser -n 2 --dist loadfile --durations=30 || browser_status=$?
others_status=0
wait "$others" || others_status=$?
cat "$others_log"
rm -f "$others_log"
[ "$browser_status" -eq 0 ] && [ "$others_status" -eq 0 ]
