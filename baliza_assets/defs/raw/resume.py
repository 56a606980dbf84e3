"""What a fetch takes from the archive instead of asking PNCP again.

A fetch archives its pages as the day's pending rows as they arrive, and once every day of the run is
fetched, promotes each day's pending rows to its partition. A re-run resumes from both:

- the pending rows an interrupted attempt left;
- a partition promoted by a run that did not finish: one killed or failed after the step that
  promoted it (the run of a whole day, killed while it fetched the details, had already promoted
  the day's listings), or one killed between promoting a day again and recording it. Its pages
  are taken back as pending rows (``Lake.reopen``), and the partition is rewritten with them.

A partition whose materialization a successful run recorded is finished: materializing that day again
asks PNCP again. So is one a check of its run failed at ERROR severity (what ``baliza retry-failed``
relaunches to be fetched again), one whose pages are older than ``RESUME_MAX_AGE``, and one the
instance has no materialization of (a lake written through another instance, or a promotion cut
short before the day was ever recorded: nothing tells who archived it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import dagster as dg
import polars as pl

from ...lib import archive
from ...lib.lake import Lake
from ...lib.pncp import Exchange

RESUME_MAX_AGE = timedelta(hours=24)


def archived(context, lake: Lake, table: str, day: date) -> dict[str, Exchange]:
    """The pages of ``table`` for ``day`` a fetch need not ask for again, by request key (counters, no bodies)."""
    if lake.exists(table, day):
        why = unfinished(context.instance, lake, table, day)
        if why:
            taken = lake.reopen(table, day)
            context.log.info(f"{table} {day}: the partition was {why}; {taken} of its pages taken back to resume from")
    pending = lake.scan_pending(table, day)
    if pending is None:
        return {}
    frame = pending.collect()
    oldest = frame["collected_at"].min()
    if oldest is not None and oldest < datetime.now(timezone.utc) - RESUME_MAX_AGE:
        context.log.info(f"{table} {day}: discarding {len(frame)} pending pages older than {RESUME_MAX_AGE}")
        lake.clear_pending(table, day)
        return {}
    context.log.info(f"{table} {day}: resuming, {len(frame)} pages already archived by an interrupted attempt")
    return archive.exchanges(frame.unique("request_id", keep="last"))


def unfinished(instance: dg.DagsterInstance, lake: Lake, table: str, day: date) -> str | None:
    """Why the day's partition of ``table`` is the work of a run that did not finish (None when it is
    finished, empty, or too old to resume from)."""
    when = pl.col("collected_at")
    oldest, newest = lake.scan(table, [day]).select(when.min().alias("oldest"), when.max().alias("newest")).collect().row(0)
    if newest is None or oldest < datetime.now(timezone.utc) - RESUME_MAX_AGE:
        return None
    key = dg.AssetKey(table.split("/"))
    latest = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[day.isoformat()]), limit=1).records
    if not latest:
        return None  # this instance never recorded the day: nothing says who archived it, or that it is unfinished
    if latest[0].timestamp < newest.timestamp():
        return "promoted again after its latest materialization, by a run that ended before recording it"
    run = instance.get_run_by_id(latest[0].run_id)
    if run is None or run.status == dg.DagsterRunStatus.SUCCESS or _check_failed(instance, run.run_id, key, day):
        return None
    return f"materialized by run {run.run_id}, which did not finish ({run.status.value})"


def _check_failed(instance: dg.DagsterInstance, run_id: str, key: dg.AssetKey, day: date) -> bool:
    """Whether a check of the asset's ``day`` failed at ERROR severity in the run: its archive is wrong, not unfinished."""
    events = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    for record in events:
        check = record.event_log_entry.dagster_event.asset_check_evaluation_data
        if (check.asset_key == key and not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
                and check.partition in (None, day.isoformat())):
            return True
    return False
