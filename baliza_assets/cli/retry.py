"""`baliza retry-failed --from D --to D`: relaunch, as one backfill through the webserver, every
partition whose latest run failed or whose blocking check failed, with what depends on it."""

from __future__ import annotations

from datetime import date

import dagster as dg

from . import graphql
from .verify import partitioned_keys, verify


def _retried(kind: str) -> bool:
    """A failed run, or a failed blocking check ("<check> failed"): both are worth fetching again."""
    return kind.endswith("failed")


def plan(instance: dg.DagsterInstance, first: date, last: date) -> tuple[list[list[str]], list[str]]:
    """(asset keys, partition days) to relaunch: the failed assets and every partitioned asset downstream."""
    from ..definitions import defs

    problems = [p for p in verify(instance, first, last) if _retried(p.kind)]
    if not problems:
        return [], []
    graph = defs.get_repository_def().asset_graph
    partitioned = set(partitioned_keys())
    failed = {dg.AssetKey.from_user_string(p.asset) for p in problems}
    selected, frontier = set(failed), list(failed)
    while frontier:  # everything partitioned downstream of a failed asset
        for child in graph.get(frontier.pop()).child_keys:
            if child in partitioned and child not in selected:
                selected.add(child)
                frontier.append(child)
    days = sorted({p.day for p in problems})
    return sorted(k.path for k in selected), days


def run(instance: dg.DagsterInstance, first: date, last: date, webserver: str, dry_run: bool, out) -> int:
    keys, days = plan(instance, first, last)
    if not keys:
        out.write(f"nothing failed between {first} and {last}\n")
        return 0
    out.write(f"{len(days)} day(s): {', '.join(days)}\n{len(keys)} asset(s): "
              f"{', '.join('/'.join(k) for k in keys)}\n")
    if dry_run:
        out.write("dry run: nothing launched\n")
        return 0
    backfill_id = graphql.launch_backfill(webserver, keys, days, title=f"baliza retry-failed {first}..{last}")
    out.write(f"launched backfill {backfill_id} on {webserver}\n")
    return 0
