#!/usr/bin/env bash
# Set up Baliza in .venv, start the offline PNCP sandbox on loopback, and materialize one whole day
# (raw -> details -> staging -> marts) with Dagster into data/lake and the warehouse (catalog data/catalog.sqlite,
# its data under data/lake/warehouse/).
#   bash quickstart.sh [DAY]       materialize DAY (default: three days ago, Brasília), then print what it holds
#   bash quickstart.sh dev [DAY]   the same offline sandbox, with the same clock, under `dagster dev`
set -euo pipefail
cd "$(dirname "$0")"
MODE=run
if [ "${1:-}" = dev ]; then MODE=dev; shift; fi
DAY="${1:-}"
PORT="${SANDBOX_PORT:-8765}"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]" -e ./sandbox

export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
mkdir -p "$DAGSTER_HOME"
[ -f "$DAGSTER_HOME/dagster.yaml" ] || cp deploy/local/dagster.yaml "$DAGSTER_HOME/dagster.yaml"

# The day: the one asked for, else the quick start's first day (kept in $DAGSTER_HOME, so a later
# `quickstart.sh dev` serves the same day with the same clock), else three days ago: a recent day, as
# the Dagster UI plots the metadata of the latest 120 daily partitions.
if [ -z "$DAY" ] && [ -f "$DAGSTER_HOME/quickstart_day" ]; then DAY="$(cat "$DAGSTER_HOME/quickstart_day")"; fi
if [ -z "$DAY" ]; then
  DAY="$(.venv/bin/python -c "import datetime, zoneinfo; print(datetime.datetime.now(zoneinfo.ZoneInfo('America/Sao_Paulo')).date() - datetime.timedelta(days=3))")"
fi
[ -f "$DAGSTER_HOME/quickstart_day" ] || echo "$DAY" > "$DAGSTER_HOME/quickstart_day"

# The sandbox's clock: two days after the latest day this instance was asked for, kept in $DAGSTER_HOME,
# one clock for both modes (what a run materialized stays what the sandbox serves). A later day moves it
# on, and the days loaded before then show PNCP's amendments of the meantime as changes, as they would.
# The real latency and faults run 50x faster.
NOW="$(.venv/bin/python - "$DAY" "$DAGSTER_HOME/sandbox_clock" <<'PY'
import datetime, pathlib, sys
asked = datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=2)
kept = pathlib.Path(sys.argv[2])
clock = max(asked, datetime.date.fromisoformat(kept.read_text().strip())) if kept.exists() else asked
kept.write_text(f"{clock}\n")
print(f"{clock}T00:00:00")
PY
)"
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
# The sandbox answers 50x faster than PNCP, and the client scales its waits to match; a busy machine does not,
# so the read timeout stays 30 s in real time (1500 s scaled) rather than 1.2 s.
export PNCP_READ_TIMEOUT="${PNCP_READ_TIMEOUT:-1500}"
if [ "$MODE" = dev ]; then
  # BALIZA_ENV is left at local: the schedules and sensors start stopped, nothing runs until asked.
  echo "dagster dev on http://127.0.0.1:3000 (Ctrl-C stops it and the sandbox); sandbox clock $NOW," \
       "so materialize $DAY or the days before it" >&2
  .venv/bin/dagster dev -w workspace.yaml
  exit
fi
.venv/bin/dagster asset materialize -m baliza_assets.definitions --select 'not group:warehouse' --partition "$DAY" \
  2> "$DAGSTER_HOME/last_run.log" \
  || { tail -40 "$DAGSTER_HOME/last_run.log"; exit 1; }
.venv/bin/python -m baliza_assets.cli.summary "$DAY"
cat <<EOF

The commands are in .venv/bin: 'source .venv/bin/activate' puts baliza and dagster on the PATH
(or call .venv/bin/baliza verify --from $DAY --to $DAY). The same day in the Dagster UI, with the
same offline sandbox and clock: bash quickstart.sh dev $DAY
EOF
