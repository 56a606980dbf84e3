"""The Baliza code location: only assembles what `defs/` defines."""

import dagster as dg

from .defs import cdc, details, marts, raw, staging
from .defs.automation import automation_sensor
from .defs.schedules import daily_schedules
from .defs.wiring import resources_for
from .settings import Settings

SETTINGS = Settings.from_env()  # every variable read and checked once, as the code location loads

# Each layer defines its own assets and checks; the code location only adds what spans them.
_layers = [layer.definitions() for layer in (raw, details, staging, cdc, marts)]
ASSETS = [a for layer in _layers for a in layer.assets or ()]
CHECKS = [c for layer in _layers for c in layer.asset_checks or ()]

PARTITIONED = [key for a in ASSETS if a.partitions_def is not None for key in a.keys]

# Every run executes its steps in the run's own process, one after another: a day's run has dozens of
# steps, and a process per step would spend more time starting Python than most steps spend working.
# The pools (one step at a time per PNCP API and for DuckDB) order the steps across runs, and inside a
# step the client keeps each API as busy as it allows.
defs = dg.Definitions(
    executor=dg.in_process_executor,
    assets=ASSETS,
    asset_checks=CHECKS,
    schedules=daily_schedules(SETTINGS.harvest_cron),
    sensors=[automation_sensor],
    resources=resources_for(SETTINGS),
)
