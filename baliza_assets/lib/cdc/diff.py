"""The difference between two snapshots of a table, record by record.

``diff(old, new, key)`` returns one row per changed record: the key, the operation (I insert,
U update, D delete: a record missing from the newer snapshot, kept as a tombstone), when, the two
snapshots compared, and for updates the columns that changed with their old and new values.

Rows are compared through a hash of their compared columns, so only the few changed records are
ever compared column by column. A newer snapshot that would delete more than ``max_delete_share``
of the older one (beyond a few) is refused (:class:`SuspiciousSnapshot`): an API that failed or answered short
must never turn into mass deletions.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from ..archive import PROVENANCE
from .clock import now

CHANGE = pl.Struct({"column": pl.String, "old": pl.String, "new": pl.String})


class SuspiciousSnapshot(ValueError):
    pass


def _hashed(frame: pl.LazyFrame, key: list[str], compare: list[str]) -> pl.LazyFrame:
    return frame.select(*key, pl.struct(compare).hash(seed=7).alias("_h"))


def diff(old: pl.DataFrame | pl.LazyFrame, new: pl.DataFrame | pl.LazyFrame, key: list[str], *,
         compare: list[str] | None = None, ignore: tuple[str, ...] = PROVENANCE, at: datetime | None = None,
         old_snapshot: str | None = None,
         new_snapshot: str | None = None, max_delete_share: float = 0.2, tolerated_deletes: int = 10) -> pl.DataFrame:
    """The change log from ``old`` to ``new`` (records identified by ``key``), ``cdc_at`` being ``at``
    (by default now, Brasília time, as every cdc timestamp). Up to ``tolerated_deletes`` deletions
    always pass, so a small day losing a few records is not refused."""
    old, new = old.lazy(), new.lazy()
    columns = new.collect_schema().names()
    compare = compare or [c for c in columns if c not in key and c not in ignore]
    pairs = (_hashed(old, key, compare).join(_hashed(new, key, compare), on=key, how="full", coalesce=True,
                                             suffix="_new")
             .filter(pl.col("_h").is_null() | pl.col("_h_new").is_null() | (pl.col("_h") != pl.col("_h_new")))
             .select(*key, op=pl.when(pl.col("_h").is_null()).then(pl.lit("I"))
                     .when(pl.col("_h_new").is_null()).then(pl.lit("D")).otherwise(pl.lit("U")))
             .collect())
    deletes = int((pairs["op"] == "D").sum())
    if deletes:
        before = old.select(pl.len()).collect().item()
        if deletes > tolerated_deletes and deletes / before > max_delete_share:
            raise SuspiciousSnapshot(
                f"the newer snapshot would delete {deletes} of {before} records ({deletes / before:.1%}, more than "
                f"{max_delete_share:.0%}); refusing: a failed or short refresh must not become mass deletions")
    updated = pairs.filter(pl.col("op") == "U").select(key)
    changes = _changed_columns(old, new, updated, key, compare) if len(updated) else None
    out = pairs.with_columns(cdc_at=pl.lit(at or now()), old_snapshot=pl.lit(old_snapshot, pl.String),
                             new_snapshot=pl.lit(new_snapshot, pl.String))
    if changes is not None:
        out = out.join(changes, on=key, how="left")
    else:
        out = out.with_columns(changed_columns=pl.lit(None, pl.List(pl.String)), changes=pl.lit(None, pl.List(CHANGE)))
    return out.sort(key)


def _changed_columns(old: pl.LazyFrame, new: pl.LazyFrame, keys: pl.DataFrame, key: list[str],
                     compare: list[str]) -> pl.DataFrame:
    """For updated records only: which compared columns changed, with old and new values as text."""
    both = (keys.lazy().join(old.select(*key, *compare), on=key, how="left")
            .join(new.select(*key, *compare), on=key, how="left", suffix="__new").collect())
    per_column = [
        pl.when(pl.col(c).ne_missing(pl.col(f"{c}__new")))
        .then(pl.struct(column=pl.lit(c), old=pl.col(c).cast(pl.String), new=pl.col(f"{c}__new").cast(pl.String)))
        for c in compare
    ]
    return both.select(*key, changes=pl.concat_list(per_column).list.drop_nulls()).with_columns(
        changed_columns=pl.col("changes").list.eval(pl.element().struct.field("column")))
