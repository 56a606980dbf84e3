"""The day's work, as three schedules whose runs the queue orders by Dagster run priority: yesterday's
new publications first, then the update feed and the details of what it changed, then the sweeps.
A backfill (priority 0 unless its launcher says otherwise) comes after all three."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import dagster as dg

from .work import DAILY_TAG

PRIORITY_TAG = "dagster/priority"


@dataclass(frozen=True)
class DailyWork:
    name: str
    work: str  # the assets tagged baliza/daily=<work> (defs/work.py), and the captures of their records
    priority: int  # Dagster run priority: the queue launches higher first
    purpose: str
    description: str

    @property
    def selection(self) -> dg.AssetSelection:
        """The assets tagged with the work, the staging of what they fetch (staging types only the pages it
        has not typed yet: the update feed's run types the feed, not the day's publications again), and
        the captures of what is staged."""
        fetched = dg.AssetSelection.tag(DAILY_TAG, self.work)
        staged = fetched.downstream(depth=1) & dg.AssetSelection.groups("staging")
        return fetched | staged | ((fetched | staged).downstream(depth=1) & dg.AssetSelection.groups("cdc"))


DAILY_WORK = (
    DailyWork("daily_harvest", "harvest", 30, "publication",
              "yesterday's publications: listings, the itens, arquivos and resultados of every new compra, staging, CDC"),
    DailyWork("daily_updates", "updates", 20, "update_feed",
              "yesterday's update feed (full current records) and the itens, arquivos and resultados of only the "
              "earlier compras it reports as changed, captured as versions"),
    DailyWork("daily_sweep", "sweep", 10, "sweep",
              "earlier publication days listed again (listing pages only) to find deletions, and the update "
              "feed of a week before read again for backdated amendments"),
)


def daily_schedule(work: DailyWork, cron: str, running: bool) -> dg.ScheduleDefinition:

    @dg.schedule(
        name=work.name,
        cron_schedule=cron,
        execution_timezone="America/Sao_Paulo",
        target=work.selection,
        default_status=dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED,
        description=f"Every day at 06:00 Brasília (BALIZA_HARVEST_CRON), one run for yesterday's partition: "
                    f"{work.description}. Run priority {work.priority} ({PRIORITY_TAG}).",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = context.scheduled_execution_time.date() - timedelta(days=1)
        return dg.RunRequest(
            run_key=f"{work.name}:{day}",
            partition_key=day.isoformat(),
            tags={PRIORITY_TAG: str(work.priority), "baliza/trigger": work.name, "baliza/purpose": work.purpose},
        )

    return _schedule


def daily_schedules(cron: str, running: bool) -> list[dg.ScheduleDefinition]:
    """The three schedules, at ``cron`` (Brasília time; BALIZA_HARVEST_CRON in the settings), running from
    the start when ``running`` (BALIZA_ENV=production), stopped until someone starts them otherwise."""
    return [daily_schedule(work, cron, running) for work in DAILY_WORK]
