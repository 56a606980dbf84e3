"""The daily harvest: every partitioned asset over a trailing window of days, as one run."""

from __future__ import annotations

import os
from datetime import timedelta

import dagster as dg
from dagster._utils.schedules import is_valid_cron_string

from .automation import ONE_PROCESS

HARVEST_CRON_ENV = "BALIZA_HARVEST_CRON"
DEFAULT_HARVEST_CRON = "0 6 * * *"
REFRESH_DAYS_ENV = "BALIZA_REFRESH_DAYS"
DEFAULT_REFRESH_DAYS = 3
MAX_REFRESH_DAYS = 60


def refresh_days() -> int:
    """How many days (ending yesterday) the daily harvest fetches again, from BALIZA_REFRESH_DAYS."""
    raw = os.environ.get(REFRESH_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_REFRESH_DAYS
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_REFRESH_DAYS:
        raise ValueError(f"{REFRESH_DAYS_ENV}={raw!r}: expected a whole number of days from 1 to {MAX_REFRESH_DAYS}")
    return n


def harvest_cron() -> str:
    """When the daily harvest runs (Brasília time), from BALIZA_HARVEST_CRON, read when the code loads."""
    cron = os.environ.get(HARVEST_CRON_ENV, "").strip() or DEFAULT_HARVEST_CRON
    if not is_valid_cron_string(cron):
        raise ValueError(f"{HARVEST_CRON_ENV}={cron!r} is not a cron schedule (e.g. '0 6 * * *')")
    return cron


def daily_harvest(keys: list[dg.AssetKey]) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="daily_harvest",
        cron_schedule=harvest_cron(),
        execution_timezone="America/Sao_Paulo",
        target=dg.AssetSelection.assets(*keys),
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Every day at 06:00 Brasília (BALIZA_HARVEST_CRON): one run over the last BALIZA_REFRESH_DAYS days ending "
                    f"yesterday (default {DEFAULT_REFRESH_DAYS}) of every partitioned asset. Yesterday is fetched "
                    "for the first time; the earlier days are refreshed, which catches late publications, "
                    "deletions and backdated updates the update feed missed.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        last = context.scheduled_execution_time.date() - timedelta(days=1)
        first = last - timedelta(days=refresh_days() - 1)
        return dg.RunRequest(
            run_key=f"daily:{first}:{last}",
            asset_selection=keys,
            run_config=ONE_PROCESS,
            tags={"dagster/asset_partition_range_start": first.isoformat(),
                  "dagster/asset_partition_range_end": last.isoformat(), "baliza/trigger": "daily_harvest"},
        )

    return _schedule
