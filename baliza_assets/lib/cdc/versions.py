"""Where a version starts: an observation newer than the recorded version of its record, and different
from it, is a change (``compute``), recorded in one transaction (``apply``).

An observation older than the version already recorded (seen earlier, or stamped earlier by PNCP)
changes nothing, so captures can run in any order and re-running one records nothing. Deletions
come only from observations that cover a whole scope (a publication day whose listing reconciled,
a compra whose details came back): a current record of that scope that is absent becomes a
tombstone, unless the scope would lose more than ``max_delete_share`` of its records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from . import lookup
from .clock import now
from .diff import diff
from .observations import Observations
from .tables import CHANGE_SET_EXTRA, ensure_tables, q, scope_sql
from .targets import SCOPE, SEEN, SOURCE, TARGETS, Target


@dataclass
class Capture:
    entity: str
    day: date
    snapshot: str
    rows: int = 0  # records observed
    unchanged: int = 0  # records observed that bring nothing new: already recorded as they are, or older
    log: pl.DataFrame = field(default_factory=pl.DataFrame)  # the change log rows
    change_set: pl.DataFrame = field(default_factory=pl.DataFrame)  # what a lake consumer applies
    refused: list[str] = field(default_factory=list)  # scopes whose deletions were refused
    held: pl.DataFrame = field(default_factory=pl.DataFrame)  # key, partition_date: where live versions lie

    def counts(self) -> dict[str, int]:
        got = dict(self.log["op"].value_counts().iter_rows()) if len(self.log) else {}
        return {"I": got.get("I", 0), "U": got.get("U", 0), "D": got.get("D", 0)}


def compute(con: duckdb.DuckDBPyConnection, target: Target, day: date, snapshot: str, seen: Observations,
            max_delete_share: float = 0.2, tolerated_deletes: int = 10) -> Capture:
    """What capturing the observations ``seen`` (made in partition ``day``) would record; nothing is written."""
    e, key = target.entity, list(target.key)
    observed = seen.rows
    if observed.is_empty():
        return Capture(e, day, snapshot)
    columns = [c for c in observed.columns if c not in (SEEN, SOURCE)]
    ensure_tables(con, e, observed.select(columns))
    # Per key the newest version PNCP stamped, as first seen (the feed and a sweep may both show it).
    latest = (observed.sort([target.stamp, SEEN], descending=[False, True], nulls_last=False)
              .unique(key, keep="last", maintain_order=True))
    scopes = seen.scopes.sort(SEEN).unique(SCOPE, keep="last") if len(seen.scopes) else None
    live = lookup.live(con, target, latest.select(key))
    # Fresh: never seen, or seen after the current version and not stamped before it.
    joined = latest.join(live.select(*key, _cur_seen="valid_from", _cur_stamp=target.stamp), on=key, how="left")
    gone = lookup.tombstones(con, target, latest.select(key).join(live.select(key), on=key, how="anti"))
    joined = joined.join(gone, on=key, how="left")
    fresh_rule = ((pl.col("_cur_seen").is_null() | (pl.col(SEEN) > pl.col("_cur_seen")))
                  & (pl.col("_cur_stamp").is_null() | pl.col(target.stamp).is_null()
                     | (pl.col(target.stamp) >= pl.col("_cur_stamp")))
                  & (pl.col("_deleted_at").is_null() | (pl.col(SEEN) > pl.col("_deleted_at"))))
    fresh = joined.filter(fresh_rule).drop("_cur_seen", "_cur_stamp", "_deleted_at")
    old = lookup.versions(con, target, columns, live.join(fresh.select(key), on=key, how="semi")["_rid"].to_list())
    upserts = diff(old, fresh.select(columns), key)
    upserts = upserts.join(fresh.select(*key, SEEN, SOURCE, target.stamp), on=key, how="left").select(
        *key, "op", cdc_at=pl.col(SEEN), pncp_stamp=pl.col(target.stamp).cast(pl.Datetime("us")),
        source=SOURCE, changed_columns="changed_columns", changes="changes")
    in_scope = lookup.in_scopes(con, target, scopes) if scopes is not None else None
    deletes, refused = _deletions(target, in_scope, observed.select(key).unique(), scopes, max_delete_share,
                                  tolerated_deletes)
    log = pl.concat([upserts, deletes], how="diagonal_relaxed").with_columns(
        partition_date=pl.lit(day), snapshot=pl.lit(snapshot)).sort(key)
    change_set = (log.join(fresh.select(columns).drop("partition_date"), on=key, how="left")
                  .select(*columns, *CHANGE_SET_EXTRA))
    held = live.select(*key, "partition_date")
    if in_scope is not None:
        held = pl.concat([held, in_scope.select(*key, "partition_date")], how="vertical_relaxed").unique()
    return Capture(e, day, snapshot, rows=len(observed), unchanged=len(latest) - len(upserts), log=log,
                   change_set=change_set, refused=refused, held=held)


def _deletions(target: Target, current: pl.DataFrame | None, observed_keys: pl.DataFrame,
               scopes: pl.DataFrame | None, max_delete_share: float,
               tolerated_deletes: int) -> tuple[pl.DataFrame, list[str]]:
    """Tombstones: the live records of the complete scopes (``current``: key, valid_from, SCOPE) that the
    observation lacks and that were seen before the scope was listed. A scope that would lose too many
    records deletes nothing."""
    key = list(target.key)
    empty = pl.DataFrame(schema={**{k: observed_keys.schema[k] for k in key}, "op": pl.String,
                                 "cdc_at": pl.Datetime("us"), "source": pl.String})
    if scopes is None or current is None or current.is_empty():
        return empty, []
    in_scope = (current.unique(key).join(scopes.select(SCOPE, _listed=SEEN, _by=SOURCE), on=SCOPE))
    gone = in_scope.join(observed_keys, on=key, how="anti").filter(pl.col("valid_from") < pl.col("_listed"))
    sizes = dict(in_scope.group_by(SCOPE).len().iter_rows())
    refused, kept = [], []
    for (scope,), group in gone.group_by([SCOPE]):
        size = sizes.get(scope, 0)
        if len(group) > tolerated_deletes and len(group) / max(1, size) > max_delete_share:
            refused.append(f"{scope}: {len(group)} of {size} records would be deleted ({len(group) / size:.0%}, "
                           f"more than {max_delete_share:.0%}); refusing: a short listing must not become mass "
                           "deletions")
        else:
            kept.append(group)
    if not kept:
        return empty, sorted(refused)
    out = pl.concat(kept).select(*key, op=pl.lit("D"), cdc_at="_listed", source="_by")
    return out, sorted(refused)


def apply(con: duckdb.DuckDBPyConnection, cap: Capture) -> None:
    """Record a computed capture in one transaction: close replaced and deleted versions (and take them
    out of the current state), add the new versions (to the current state too), append the change log and
    register the capture."""
    if cap.log.is_empty():
        return
    e, key = cap.entity, TARGETS[cap.entity].key
    counts = cap.counts()
    con.execute("BEGIN TRANSACTION")
    try:
        closed = cap.log.filter(pl.col("op").is_in(["U", "D"])).select(*key, "op", "cdc_at")
        if len(closed):
            con.register("_capture_closed", closed.to_arrow())
            on = " AND ".join(f"h.{q(k)} = c.{q(k)}" for k in key)
            _close(con, e, on, closed, cap.held)
            con.execute(f"DELETE FROM cdc.{e}_current h USING _capture_closed c WHERE {on}")
            # the deleted keys become tombstones; a key given a new version below is one no longer
            con.execute(f"DELETE FROM cdc.{e}_deleted h USING _capture_closed c WHERE {on}")
            con.execute(f"INSERT INTO cdc.{e}_deleted SELECT {', '.join(q(k) for k in key)}, cdc_at "
                        "FROM _capture_closed WHERE op = 'D'")
            con.unregister("_capture_closed")
        versions = cap.change_set.filter(pl.col("op").is_in(["I", "U"]))
        if len(versions):
            staged = [c for c in versions.columns if c not in CHANGE_SET_EXTRA]
            con.register("_capture_versions", versions.select(*staged, "cdc_at", "source").with_columns(
                partition_date=pl.lit(cap.day)).to_arrow())
            con.execute(f"INSERT INTO cdc.{e}_history BY NAME SELECT * EXCLUDE (cdc_at), cdc_at AS valid_from, "
                        "NULL::TIMESTAMP AS valid_to, NULL::VARCHAR AS ended_by, ?::VARCHAR AS snapshot "
                        "FROM _capture_versions", [cap.snapshot])
            con.execute(f"INSERT INTO cdc.{e}_current BY NAME SELECT * EXCLUDE (cdc_at), cdc_at AS valid_from, "
                        f"?::VARCHAR AS snapshot, {scope_sql(e)} AS capture_scope FROM _capture_versions",
                        [cap.snapshot])
            on = " AND ".join(f"h.{q(k)} = v.{q(k)}" for k in key)
            con.execute(f"DELETE FROM cdc.{e}_deleted h USING _capture_versions v WHERE {on}")
            con.unregister("_capture_versions")
        con.register("_capture_log", cap.log.to_arrow())
        con.execute(f"INSERT INTO cdc.{e}_changes BY NAME SELECT * FROM _capture_log")
        con.unregister("_capture_log")
        sources = ",".join(sorted(set(cap.log["source"].drop_nulls().to_list())))
        con.execute("INSERT INTO cdc.snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [e, cap.day, cap.snapshot, now(), sources, cap.rows, counts["I"], counts["U"],
                     counts["D"]])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")  # a refused commit rolls back by itself; the caller sees why


def _close(con: duckdb.DuckDBPyConnection, e: str, on: str, closed: pl.DataFrame, held: pl.DataFrame) -> None:
    """Close the live versions of ``closed`` (registered as ``_capture_closed``) in the history, reading only
    the partitions that hold them (``held``: key, partition_date, from the current state): the history's
    other years and months are not read. A version not found there (none should be) is closed by a search of
    the whole history."""
    key = [c for c in closed.columns if c not in ("op", "cdc_at")]
    days = sorted(held.join(closed.select(key), on=key, how="semi")["partition_date"].unique().drop_nulls()) \
        if len(held) else []
    done = 0
    if days:
        within = ", ".join(f"DATE '{d.isoformat()}'" for d in days)
        done = con.execute(f"UPDATE cdc.{e}_history h SET valid_to = c.cdc_at, ended_by = c.op FROM _capture_closed c "
                           f"WHERE h.partition_date IN ({within}) AND {on} AND h.valid_to IS NULL").fetchone()[0]
    if done < len(closed):
        con.execute(f"UPDATE cdc.{e}_history h SET valid_to = c.cdc_at, ended_by = c.op FROM _capture_closed c "
                    f"WHERE {on} AND h.valid_to IS NULL")
