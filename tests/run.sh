#!/usr/bin/env bash
# Set up and run the whole test suite (lint, unit, data, CLI and browser tests) on a fresh machine.
# Installs Debian's chromium when it is missing (as root), the Python packages into .venv, then runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "Chromium is needed for the browser tests: sudo apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
