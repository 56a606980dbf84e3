"""`baliza verify --from D --to D`: what was asked against what is done, per asset (days done, missing,
failed, in progress, failing a blocking check), then each such partition.

Every status is read from the event log itself (materializations, planned materializations and their
runs, check executions), never from Dagster's asset status cache: that cache is updated incrementally
by whichever process reads it (the automation sensor every 30 s, the webserver), and an update computed
from an asset record loaded before a materialization, with a planned materialization of another run
stored after it, moves the cache's cursor past that materialization for good: the partition then reads
as never materialized although its materialization is in the event log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dagster as dg

from ..defs.check_status import failed_checks
from ..defs.partitions import daily


@dataclass
class Problem:
    asset: str
    day: str
    kind: str  # missing | failed | in progress | "<check name> failed"


def partitioned_keys() -> list[dg.AssetKey]:
    from ..definitions import PARTITIONED

    return list(PARTITIONED)


def blocking_checks() -> dict[dg.AssetKey, list[dg.AssetCheckKey]]:
    """The blocking, partitioned asset checks of the code location, by the asset they check."""
    from ..definitions import ASSETS, CHECKS

    found: dict[dg.AssetKey, list[dg.AssetCheckKey]] = {}
    for definition in (*CHECKS, *ASSETS):
        for spec in definition.check_specs:
            if spec.blocking and spec.partitions_def is not None and spec.key not in found.get(spec.asset_key, []):
                found.setdefault(spec.asset_key, []).append(spec.key)
    return found


def days_between(first: date, last: date) -> list[str]:
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")
    keys = daily.get_partition_keys_in_range(dg.PartitionKeyRange(first.isoformat(), last.isoformat()))
    if not keys:
        raise ValueError(f"no daily partitions between {first} and {last} (they start at 2021-01-01 and end today)")
    return keys


def partition_statuses(instance: dg.DagsterInstance, key: dg.AssetKey, days: list[str]) -> dict[str, str]:
    """Each day's status as Dagster defines it (the latest planned materialization without a
    materialization after it: in progress while its run is unfinished, failed if the run failed;
    otherwise materialized if any materialization exists), read from the event log: "materialized",
    "failed", "in progress" or "missing"."""
    storage = instance.event_log_storage
    wanted = set(days)
    materialized = storage.get_latest_storage_id_by_partition(key, dg.DagsterEventType.ASSET_MATERIALIZATION, wanted)
    attempts = {day: run_id for day, (run_id, _) in
                storage.get_latest_asset_partition_materialization_attempts_without_materializations(key).items()
                if day in wanted}
    runs = {r.run_id: r for r in instance.get_runs(dg.RunsFilter(run_ids=sorted(set(attempts.values()))))
            } if attempts else {}
    statuses = {}
    for day in days:
        run = runs.get(attempts[day]) if day in attempts else None  # None: no attempt, or run deleted
        if run is not None and not run.is_finished:
            statuses[day] = "in progress"
        elif run is not None and run.status == dg.DagsterRunStatus.FAILURE:
            statuses[day] = "failed"
        else:
            statuses[day] = "materialized" if day in materialized else "missing"
    return statuses


def coverage(instance: dg.DagsterInstance, first: date, last: date, keys: list[dg.AssetKey] | None = None
             ) -> tuple[dict[str, dict[str, int]], list[Problem]]:
    """What was asked (every day of the range, for each partitioned asset) against what is done: per asset,
    the days materialized with no blocking check failed ("done"), and those missing, failed, in progress
    or materialized with a failed blocking check; and each such day as a :class:`Problem`."""
    days = days_between(first, last)
    checks = blocking_checks()
    table, problems = {}, []
    for key in keys or partitioned_keys():
        asset = key.to_user_string()
        counts = {"asked": len(days), "done": 0, "missing": 0, "failed": 0, "in progress": 0, "check failed": 0}
        statuses = partition_statuses(instance, key, days)
        for day, status in statuses.items():
            if status != "materialized":
                counts[status] += 1
                problems.append(Problem(asset, day, status))
        checked_out = set()
        for check_key, day in failed_checks(instance, checks.get(key, []), days):
            problems.append(Problem(asset, day, f"{check_key.name} failed"))
            if statuses[day] == "materialized":
                checked_out.add(day)
        counts["check failed"] = len(checked_out)
        counts["done"] = sum(1 for s in statuses.values() if s == "materialized") - len(checked_out)
        table[asset] = counts
    return table, sorted(problems, key=lambda p: (p.day, p.asset, p.kind))


def verify(instance: dg.DagsterInstance, first: date, last: date, keys: list[dg.AssetKey] | None = None
           ) -> list[Problem]:
    return coverage(instance, first, last, keys)[1]


LISTED = 200  # problem lines printed at most: a 5-year range can hold tens of thousands


def run(instance: dg.DagsterInstance, first: date, last: date, out, keys: list[dg.AssetKey] | None = None) -> int:
    table, problems = coverage(instance, first, last, keys)
    days = days_between(first, last)
    out.write(f"Asked {first}..{last}: {len(days)} day(s) for each of {len(table)} partitioned assets\n")
    out.write(f"  {'asset':<24} {'done':>13} {'missing':>8} {'failed':>7} {'running':>8} {'check failed':>13}\n")
    for asset, c in table.items():
        done = f"{c['done']}/{c['asked']} {c['done'] / c['asked']:>4.0%}"
        out.write(f"  {asset:<24} {done:>13} {c['missing']:>8} {c['failed']:>7} {c['in progress']:>8} "
                  f"{c['check failed']:>13}\n")
    for p in problems[:LISTED]:
        out.write(f"{p.day}  {p.asset:<24} {p.kind}\n")
    if len(problems) > LISTED:
        out.write(f"... and {len(problems) - LISTED} more (a shorter --from/--to lists them)\n")
    out.write(f"{len(days)} day(s) x {len(table)} partitioned assets: "
              + (f"{len(problems)} problem(s)\n" if problems else "every partition materialized and reconciled\n"))
    return 1 if problems else 0
