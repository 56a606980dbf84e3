#!/usr/bin/env bash
# Set up Baliza in .venv, start the offline PNCP sandbox on loopback, and materialize one whole day
# (raw -> details -> staging -> marts) with Dagster into data/lake and data/baliza.duckdb.
#   bash quickstart.sh [DAY]       materialize DAY (default 2025-07-10), then print what it holds
#   bash quickstart.sh dev [DAY]   the same offline sandbox, with the same clock, under `dagster dev`
set -euo pipefail
cd "$(dirname "$0")"
MODE=run
if [ "${1:-}" = dev ]; then MODE=dev; shift; fi
DAY="${1:-2025-07-10}"
PORT="${SANDBOX_PORT:-8765}"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]" -e ./sandbox

export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
mkdir -p "$DAGSTER_HOME"
[ -f "$DAGSTER_HOME/dagster.yaml" ] || cp deploy/local/dagster.yaml "$DAGSTER_HOME/dagster.yaml"

# The sandbox's clock sits two days after DAY (one clock for both modes: what a run materialized stays
# what the sandbox serves), with the real latency and faults 50x faster.
NOW="$(.venv/bin/python -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=2))" "$DAY")T00:00:00"
.venv/bin/python -m baliza_sandbox serve --port "$PORT" --volume small --faults real --latency-scale 0.02 \
  --now "$NOW" 2> "$DAGSTER_HOME/sandbox.log" &
SANDBOX=$!
trap 'kill $SANDBOX 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  .venv/bin/python -c "import httpx,sys; httpx.get(sys.argv[1], timeout=1)" "http://127.0.0.1:$PORT/_sandbox/state" 2>/dev/null && break
  sleep 0.1
done

export PNCP_CONSULTA_URL="http://127.0.0.1:$PORT/api/consulta" PNCP_DETAIL_URL="http://127.0.0.1:$PORT/api/pncp"
export PNCP_TIME_SCALE=0.02
if [ "$MODE" = dev ]; then
  # BALIZA_ENV is left at local: the schedules and sensors start stopped, nothing runs until asked.
  echo "dagster dev on http://127.0.0.1:3000 (Ctrl-C stops it and the sandbox); sandbox clock $NOW," \
       "so materialize $DAY or the days before it" >&2
  .venv/bin/dagster dev -w workspace.yaml
  exit
fi
.venv/bin/dagster asset materialize -m baliza_assets.definitions --select '*' --partition "$DAY" 2> "$DAGSTER_HOME/last_run.log" \
  || { tail -40 "$DAGSTER_HOME/last_run.log"; exit 1; }
.venv/bin/python -m baliza_assets.summary "$DAY"
cat <<EOF

The commands are in .venv/bin: 'source .venv/bin/activate' puts baliza and dagster on the PATH
(or call .venv/bin/baliza verify --from $DAY --to $DAY). The same day in the Dagster UI, with the
same offline sandbox and clock: bash quickstart.sh dev $DAY
EOF
