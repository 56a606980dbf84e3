"""The Baliza code location: only assembles what `defs/` defines."""

import dagster as dg

from .defs.automation import automation_sensor
from .defs.cdc import capture
from .defs.details import assets as details
from .defs.details import checks as details_checks
from .defs.marts import assets as marts
from .defs.raw import assets as raw
from .defs.raw import checks as raw_checks
from .defs.raw import updates
from .defs.schedules import daily_schedules
from .defs.staging import assets as staging
from .defs.staging import checks as staging_checks
from .defs.wiring import resources_for
from .settings import Settings

SETTINGS = Settings.from_env()  # every variable read and checked once, as the code location loads

ASSETS = dg.load_assets_from_modules([raw, updates, details, staging, marts, capture])
CHECKS = dg.load_asset_checks_from_modules([raw_checks, details_checks, staging_checks])

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
