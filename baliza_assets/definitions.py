"""The Baliza code location: only assembles what `defs/` defines."""

from pathlib import Path

import dagster as dg

from .defs import cdc, details, marts, raw, staging, upkeep
from .defs.automation import automation_sensor
from .defs.reaper import in_process_executor
from .defs.recovery import recovery_sensor
from .defs.schedules import daily_schedules
from .defs.upkeep import upkeep_schedule
from .defs.wiring import resources_for
from .settings import Settings

SETTINGS = Settings.from_env()  # every variable read and checked once, as the code location loads

OWNERS = ["team:baliza"]  # who answers for every asset: the UI's owner filter and each asset's page
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


def _described(assets: list, settings: Settings) -> list:
    """Every asset with its owners and a reference to the file and line that define it, linked to the
    repository (BALIZA_GIT_URL, BALIZA_GIT_BRANCH) when it is known, so the UI opens the source there."""
    owned = dg.map_asset_specs(lambda spec: spec.replace_attributes(owners=OWNERS), assets)
    referenced = dg.with_source_code_references(owned)
    if not settings.git_url:
        return list(referenced)
    return list(dg.link_code_references_to_git(
        referenced, git_url=settings.git_url, git_branch=settings.git_branch,
        file_path_mapping=dg.AnchorBasedFilePathMapping(local_file_anchor=REPOSITORY_ROOT,
                                                        file_anchor_path_in_repository="")))


# Each layer defines its own assets and checks; the code location only adds what spans them.
_layers = [layer.definitions() for layer in (raw, details, staging, cdc, marts, upkeep)]
ASSETS = _described([a for layer in _layers for a in layer.assets or ()], SETTINGS)
CHECKS = [c for layer in _layers for c in layer.asset_checks or ()]

PARTITIONED = [key for a in ASSETS if a.partitions_def is not None for key in a.keys]


def build_definitions(settings: Settings) -> dg.Definitions:
    """The code location for ``settings``: schedules and sensors run from the start only in production
    (BALIZA_ENV=production); in local development nothing runs, and nothing is fetched, until asked.

    Every run executes its steps in the run's own process, one after another: a day's run has dozens of
    steps, and a process per step would spend more time starting Python than most steps spend working.
    The pools (one step at a time per PNCP API and for DuckDB) order the steps across runs, and inside a
    step the client keeps each API as busy as it allows."""
    return dg.Definitions(
        executor=in_process_executor,  # first frees the pool slots of runs whose process is gone
        assets=ASSETS,
        asset_checks=CHECKS,
        schedules=[*daily_schedules(settings.harvest_cron, settings.automation_runs),
                   upkeep_schedule(settings.automation_runs)],
        sensors=[automation_sensor(settings.automation_runs), recovery_sensor(settings)],
        resources=resources_for(settings),
    )


defs = build_definitions(SETTINGS)
