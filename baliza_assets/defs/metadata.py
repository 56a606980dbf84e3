"""Materialization metadata helpers shared by every layer."""

from collections.abc import Mapping
from datetime import date

import polars as pl


def markdown(frame: pl.DataFrame) -> str:
    cols = frame.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.iter_rows():
        lines.append("| " + " | ".join("" if v is None else str(v).replace("|", "\\|")[:160] for v in row) + " |")
    return "\n".join(lines)


def per_partition(context, by_day: Mapping[date, Mapping], asset_key=None) -> dict:
    """Record each day's own metadata on its own partition's materialization. A range run (a backfill's
    days in one run) materializes every partition of the range at once, and the metadata of the
    ``MaterializeResult`` goes to each of them: what belongs to one day (its records, rows, requests)
    is given here, per partition, and what the result carries is only what the run shares (its days,
    its API latency). A run of one day gets its day's metadata back, for its result to carry (as an asset
    invoked directly, outside a run, can record only that)."""
    if len(by_day) == 1:
        return dict(next(iter(by_day.values())))
    for day, meta in by_day.items():
        context.add_asset_metadata(dict(meta), asset_key=asset_key, partition_key=day.isoformat())
    return {}
