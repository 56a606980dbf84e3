"""The day's work, as three schedules whose runs the queue orders by Dagster run priority: yesterday's
new publications first, then the update feed and the details of what it changed, then the sweeps.
A backfill (priority 0 unless its launcher says otherwise) comes after all three."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import dagster as dg

from ..lib.capture import TARGETS

PRIORITY_TAG = "dagster/priority"


@dataclass(frozen=True)
class DailyWork:
    name: str
    priority: int  # Dagster run priority: the queue launches higher first
    purpose: str
    keys: tuple[tuple[str, ...], ...]
    description: str


CAPTURES = tuple(("cdc", name) for name in TARGETS)
DAILY_WORK = (
    DailyWork("daily_harvest", 30, "publication",
              (("raw", "contratacoes"), ("raw", "contratos"), ("raw", "atas"), ("raw", "itens"), ("raw", "arquivos"),
               ("raw", "resultados"), ("staging", "contratacoes"), ("staging", "contratos"), ("staging", "atas"),
               ("staging", "itens"), ("staging", "arquivos"), ("staging", "resultados"), ("marts", "daily_spend"))
              + CAPTURES,
              "yesterday's publications: listings, the itens, arquivos and resultados of every new compra, staging, CDC"),
    DailyWork("daily_updates", 20, "update_feed",
              (("raw", "atualizacoes"), ("raw", "itens_updated"), ("raw", "arquivos_updated"),
               ("raw", "resultados_updated"), ("cdc", "contratacoes"), ("cdc", "contratos"), ("cdc", "itens"),
               ("cdc", "arquivos"), ("cdc", "resultados")),
              "yesterday's update feed (full current records) and the itens, arquivos and resultados of only the "
              "earlier compras it reports as changed, captured as versions"),
    DailyWork("daily_sweep", 10, "sweep",
              (("raw", "sweeps"), ("cdc", "contratacoes"), ("cdc", "contratos"), ("cdc", "atas")),
              "earlier publication days listed again (listing pages only) to find deletions, and the update "
              "feed of a week before read again for backdated amendments"),
)


def daily_schedule(work: DailyWork, cron: str) -> dg.ScheduleDefinition:
    keys = [dg.AssetKey(list(k)) for k in work.keys]

    @dg.schedule(
        name=work.name,
        cron_schedule=cron,
        execution_timezone="America/Sao_Paulo",
        target=dg.AssetSelection.assets(*keys),
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Every day at 06:00 Brasília (BALIZA_HARVEST_CRON), one run for yesterday's partition: "
                    f"{work.description}. Run priority {work.priority} ({PRIORITY_TAG}).",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = context.scheduled_execution_time.date() - timedelta(days=1)
        return dg.RunRequest(
            run_key=f"{work.name}:{day}",
            partition_key=day.isoformat(),
            asset_selection=keys,
            tags={PRIORITY_TAG: str(work.priority), "baliza/trigger": work.name, "baliza/purpose": work.purpose},
        )

    return _schedule


def daily_schedules(cron: str) -> list[dg.ScheduleDefinition]:
    """The three schedules, at ``cron`` (Brasília time; BALIZA_HARVEST_CRON in the settings)."""
    return [daily_schedule(work, cron) for work in DAILY_WORK]
