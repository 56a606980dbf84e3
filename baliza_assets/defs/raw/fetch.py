"""Shared by the API-bound assets: fetch days of walks into the lake, resumably, with metadata."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone

import dagster as dg
import polars as pl

from ...lib import archive
from ...lib.arrival import Arrivals
from ...lib.harvest import Harvested, harvest
from ...lib.lake import Lake
from ...lib.pncp import Exchange, PncpClient
from ...lib.pncp import endpoints as E
from ...lib.pncp.errors import FetchFailed
from ..metadata import markdown, per_partition
from ..partitions import partition_days
from .resume import archived

# (client, day) -> (walks, exchanges already made that belong in the archive)
Planner = Callable[[PncpClient, date], Awaitable[tuple[list, list[Exchange]]]]

BACKFILL_TAG = "dagster/backfill"


def purpose_of(context: dg.AssetExecutionContext, daily_work: str) -> str:
    """What a run's requests are for: the daily work named, or ``backfill`` inside a backfill."""
    return "backfill" if context.has_tag(BACKFILL_TAG) else daily_work


def fetch_days(context: dg.AssetExecutionContext, client: PncpClient, lake: Lake, plan: Planner,
               purpose: str) -> dg.MaterializeResult:
    """Archive every day of the run's partition window into the asset's own table. The asset owns its
    lake writes: pages go to the day's pending rows as they arrive, and once every day is fetched each
    day's pending rows become its partition (``Lake.promote``). A re-run resumes from what is archived
    (``resume.archived``): pages already pending or promoted by a run that did not finish are not fetched again.
    ``purpose`` names what the requests are for in the metadata (publication, update_feed, ...)."""
    table = "/".join(context.asset_key.path)
    meta = _fetch(context, client, lake, plan, purpose, [table], lambda endpoint: table)
    return dg.MaterializeResult(metadata=meta[table])


def fetch_tables(context: dg.AssetExecutionContext, client: PncpClient, lake: Lake, plan: Planner, purpose: str,
                 tables: Mapping[str, str], expand: Callable[[Exchange], Iterable] | None = None):
    """One pass over several tables: the walks of every endpoint in ``tables`` (endpoint -> table)
    fetched together under the client's one limiter per API, each exchange archived in its endpoint's
    table, and ``expand`` scheduling dependent walks as their parents arrive. Yields one
    ``dg.MaterializeResult`` per table selected in the run, each table written as ``fetch_days`` writes one."""
    selected = [t for t in tables.values() if dg.AssetKey(t.split("/")) in context.selected_asset_keys]
    meta = _fetch(context, client, lake, plan, purpose, selected, tables.__getitem__, expand)
    for table in selected:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(table.split("/")), metadata=meta[table])


def _fetch(context, client: PncpClient, lake: Lake, plan: Planner, purpose: str, tables: list[str],
           route: Callable[[str], str], expand=None) -> dict[str, dict]:
    days = partition_days(context)
    name = ", ".join(tables)
    by_day: dict[date, Harvested] = {}
    seconds: dict[date, float] = {}
    arrivals = Arrivals()  # what each page's decode on arrival gives: its fingerprint and the details it calls for
    started = time.monotonic()

    def sink(frame: pl.DataFrame, day: date) -> None:
        for (endpoint,), part in frame.group_by("endpoint"):
            lake.write_pending(route(endpoint), day, part)

    async def run() -> None:
        async with client:
            for done, day in enumerate(days):
                if len(days) > 1:  # a range run (a backfill): how far it is, and when it should end
                    elapsed = time.monotonic() - started
                    eta = (f", ETA {timedelta(seconds=round(elapsed / done * (len(days) - done)))}" if done else "")
                    context.log.info(f"{name}: {done}/{len(days)} days done{eta}")
                day_started = time.monotonic()
                known = {k: ex for table in tables for k, ex in archived(context, lake, table, day).items()}
                walks, extra = await plan(client, day)

                def report(done: int, expected: int, day=day) -> None:
                    context.log.info(f"{name} {day}: {done}/{expected} pages")

                try:
                    got = await harvest(client, walks, day, lambda f, day=day: sink(f, day), known=known, extra=extra,
                                        expand=expand, progress=report,
                                        arrived=lambda ex, day=day: arrivals.add(route(ex.endpoint), day, ex))
                except FetchFailed as e:
                    raise dg.Failure(
                        description=(f"{name} {day}: PNCP failed; {e.done} pages of this attempt are archived as "
                                     f"pending and a re-execution resumes from them. Causes: {e}"),
                        metadata={"stats": dg.MetadataValue.json(client.stats.as_metadata())},
                    ) from e
                by_day[day] = got
                seconds[day] = round(time.monotonic() - day_started, 1)
            if len(days) > 1:
                context.log.info(f"{name}: {len(days)}/{len(days)} days done in "
                                 f"{timedelta(seconds=round(time.monotonic() - started))}")

    asyncio.run(run())
    stats = client.stats.as_metadata()
    limits = {api: lim.figures() for api, lim in client.limiters.items() if lim.completed}
    for api, f in limits.items():
        context.log.info(f"{name}: {api} API limit {f['limit']} in flight (peak {f['peak_in_flight']}, ceiling "
                         f"{f['ceiling']}), latency floor {f['latency_floor_s']} s, {f['throughput_rps']} requests/s")
    shared = {  # the run's: in a range run, every partition of the range shows them
        "days": len(days),
        "purpose": purpose,
        # milliseconds are what a latency plot needs; None (no request made) stays None
        "api_latency_p50_s": stats["latency_p50_s"] and round(stats["latency_p50_s"], 3),
        "api_latency_p95_s": stats["latency_p95_s"] and round(stats["latency_p95_s"], 3),
        "retries": stats["retries"],
        "rate_limited_429": stats["rate_limited_429"],
        "concurrency": dg.MetadataValue.json(limits),
        **{f"{api}_concurrency_limit": f["limit"] for api, f in limits.items()},
        **{f"{api}_throughput_rps": f["throughput_rps"] for api, f in limits.items()},
    }
    meta = {}
    for table in tables:  # every day fetched: only now does each become its partition
        own = {}
        for day in days:
            written, rows = lake.promote(table, day, archive.SCHEMA)
            arrivals.record(lake, table, day, datetime.now(timezone.utc))
            own[day] = _day_metadata(lake, table, day, by_day[day], route, purpose, seconds[day], written, rows)
        meta[table] = {**shared, **per_partition(context, own, asset_key=dg.AssetKey(table.split("/"))),
                       "lake_uri": dg.MetadataValue.text(lake.uri(table))}
    return meta


def _day_metadata(lake: Lake, table: str, day: date, got: Harvested, route, purpose: str, seconds: float,
                  written: int, rows: int) -> dict:
    """One partition's own metadata: what its day asked and archived."""
    result = lake.scan(table, [day])
    summary = (result.group_by("endpoint").agg(requests=pl.len(), records=pl.col("records").sum(),
                                               json_bytes=pl.col("payload_bytes").sum()).sort("endpoint").collect())
    requests = int(summary["requests"].sum())
    fetched = sum(n for endpoint, n in got.fetched_by_endpoint.items() if route(endpoint) == table)
    return {
        "seconds": seconds,  # the day's fetching
        "requests_by_purpose": dg.MetadataValue.json({purpose: fetched}),
        "requests": requests,
        "requests_fetched": fetched,
        "requests_resumed": requests - fetched,
        # the records of the asset's own listings: the modalidades domain table archived beside them is not one
        "records": int(summary.filter(pl.col("endpoint") != E.MODALIDADES.name)["records"].sum()),
        "payload_bytes": int(summary["json_bytes"].sum()),
        "by_endpoint": dg.MetadataValue.md(markdown(summary)),
        "preview": dg.MetadataValue.md(_preview(result)),
        "lake_rows": rows,
        "compressed_bytes": written,
    }


def _preview(result: pl.LazyFrame, n: int = 5) -> str:
    head = result.select("partition_date", "endpoint", "params", "http_status", "records", "payload_sha256").head(n).collect()
    return markdown(head)
