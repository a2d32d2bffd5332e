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
.venv/bin/python -m pytest "$@"
