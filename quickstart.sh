#!/usr/bin/env bash
# Set up Baliza in .venv and fetch one whole PNCP day from the offline sandbox into data/raw.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/python -m baliza_assets.fetch_day "${1:-2025-07-10}"
