"""Change capture of a staging partition into DuckDB: a change log, an SCD2 history and a snapshot register.

For an entity ``e`` the warehouse holds:

- ``cdc.e_history``: every version of every record, the staging columns plus ``valid_from`` and
  ``valid_to`` (capture times; ``valid_to`` null for the current version), ``ended_by`` (``U`` when a
  newer version replaced it, ``D`` when the record vanished: a tombstone) and the ``snapshot`` that
  brought the version in;
- ``cdc.e_changes``: one row per record that changed between two snapshots (see :func:`cdc.diff`);
- ``cdc.snapshots``: one row per capture: entity, partition, snapshot, when, and what it found.

The first capture of a partition is its full load: history only, no change rows. Entities whose
partition is a whole listing (publication day) detect deletions; an update-dated entity (atas) is
compared key by key against the current versions, and cannot tell a deletion from silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl

from . import cdc
from . import staging as S

CHANGE_SET_EXTRA = ("op", "cdc_at", "old_snapshot", "new_snapshot", "changed_columns", "changes")  # beside a row
HISTORY_COLUMNS = {"valid_from": "TIMESTAMP", "valid_to": "TIMESTAMP", "ended_by": "VARCHAR", "snapshot": "VARCHAR"}


@dataclass(frozen=True)
class Target:
    entity: str
    key: tuple[str, ...]
    whole_partition: bool  # the partition is a complete listing: a record missing from it was deleted


TARGETS = {name: Target(name, S.ENTITIES[name].key, name != "atas")
           for name in ("contratacoes", "contratos", "atas", "itens")}


@dataclass
class Capture:
    entity: str
    day: date
    snapshot: str
    previous: str | None
    kind: str  # "full" (first capture), "changes" or "unchanged" (this snapshot was captured before)
    rows: int = 0
    log: pl.DataFrame = field(default_factory=pl.DataFrame)  # the change log rows
    change_set: pl.DataFrame = field(default_factory=pl.DataFrame)  # what a lake consumer applies

    def counts(self) -> dict[str, int]:
        ops = self.log["op"].value_counts() if len(self.log) else None
        got = dict(ops.iter_rows()) if ops is not None else {}
        return {"I": got.get("I", 0), "U": got.get("U", 0), "D": got.get("D", 0)}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_tables(con: duckdb.DuckDBPyConnection, entity: str) -> None:
    """Create the CDC tables of an entity; a column that staging gained since is added to the history."""
    con.execute("CREATE SCHEMA IF NOT EXISTS cdc")
    con.execute("""CREATE TABLE IF NOT EXISTS cdc.snapshots (entity VARCHAR, partition_date DATE, snapshot VARCHAR,
                   previous VARCHAR, cdc_at TIMESTAMP, kind VARCHAR, rows BIGINT, inserts BIGINT, updates BIGINT,
                   deletes BIGINT)""")
    extra = ", ".join(f"NULL::{t} AS {c}" for c, t in HISTORY_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS cdc.{entity}_history AS SELECT *, {extra} FROM staging.{entity} LIMIT 0")
    have = {r[0] for r in con.execute(f"DESCRIBE cdc.{entity}_history").fetchall()}
    staged = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE staging.{entity})").fetchall()
    for name, dtype in staged:
        if name not in have:
            con.execute(f"ALTER TABLE cdc.{entity}_history ADD COLUMN {_q(name)} {dtype}")
    keys = ", ".join(f"NULL::{t} AS {_q(c)}" for c, t in staged if c in TARGETS[entity].key)
    con.execute(f"""CREATE TABLE IF NOT EXISTS cdc.{entity}_changes AS SELECT {keys}, NULL::VARCHAR AS op,
                    NULL::TIMESTAMP AS cdc_at, NULL::DATE AS partition_date, NULL::VARCHAR AS old_snapshot,
                    NULL::VARCHAR AS new_snapshot, NULL::VARCHAR[] AS changed_columns,
                    NULL::STRUCT("column" VARCHAR, old VARCHAR, new VARCHAR)[] AS changes LIMIT 0""")


def last_snapshot(con: duckdb.DuckDBPyConnection, entity: str, day: date) -> str | None:
    row = con.execute("SELECT snapshot FROM cdc.snapshots WHERE entity = ? AND partition_date = ? "
                      "ORDER BY cdc_at DESC, snapshot DESC LIMIT 1", [entity, day]).fetchone()
    return row[0] if row else None


def compute(con: duckdb.DuckDBPyConnection, target: Target, day: date, snapshot: str, at: datetime,
            max_delete_share: float = 0.2, tolerated_deletes: int = 10) -> Capture:
    """What capturing staging's current rows of ``day`` as ``snapshot`` would record (nothing is written).
    Raises :class:`cdc.SuspiciousSnapshot` when the partition came back too short."""
    e = target.entity
    ensure_tables(con, e)
    previous = last_snapshot(con, e, day)
    if previous == snapshot:
        return Capture(e, day, snapshot, previous, "unchanged")
    new = con.execute(f"SELECT * FROM staging.{e} WHERE partition_date = ?", [day]).pl()
    columns = new.columns
    if target.whole_partition and previous is None:
        full = new.with_columns(op=pl.lit("I"), cdc_at=pl.lit(at), old_snapshot=pl.lit(None, pl.String),
                                new_snapshot=pl.lit(snapshot), changed_columns=pl.lit(None, pl.List(pl.String)),
                                changes=pl.lit(None, pl.List(cdc.CHANGE)))
        return Capture(e, day, snapshot, None, "full", len(new), log=full.clear().select(*target.key, "op"),
                       change_set=full)
    select = ", ".join(_q(c) for c in columns)
    if target.whole_partition:
        old = con.execute(f"SELECT {select} FROM cdc.{e}_history WHERE partition_date = ? AND valid_to IS NULL",
                          [day]).pl()
    else:  # compared key by key: the current version of each record this partition holds
        con.register("_capture_keys", new.select(target.key).to_arrow())
        on = " AND ".join(f"h.{_q(k)} = k.{_q(k)}" for k in target.key)
        old = con.execute(f"SELECT {', '.join('h.' + _q(c) for c in columns)} FROM cdc.{e}_history h "
                          f"SEMI JOIN _capture_keys k ON {on} WHERE h.valid_to IS NULL").pl()
        con.unregister("_capture_keys")
    log = cdc.diff(old, new, list(target.key), at=at, old_snapshot=previous, new_snapshot=snapshot,
                   max_delete_share=max_delete_share, tolerated_deletes=tolerated_deletes)
    log = log.with_columns(partition_date=pl.lit(day))
    change_set = (log.join(new.drop("partition_date"), on=list(target.key), how="left")
                  .select(*columns, *CHANGE_SET_EXTRA))
    return Capture(e, day, snapshot, previous, "changes", len(new), log=log, change_set=change_set)


def apply(con: duckdb.DuckDBPyConnection, cap: Capture, at: datetime) -> None:
    """Record a computed capture in one transaction: close replaced and deleted versions, add the new
    versions, append the change log and register the snapshot."""
    if cap.kind == "unchanged":
        return
    e, key = cap.entity, TARGETS[cap.entity].key
    counts = cap.counts()
    con.execute("BEGIN TRANSACTION")
    try:
        changed = cap.log.filter(pl.col("op").is_in(["U", "D"])).select(*key, "op")
        if len(changed):
            con.register("_capture_closed", changed.to_arrow())
            on = " AND ".join(f"h.{_q(k)} = c.{_q(k)}" for k in key)
            con.execute(f"UPDATE cdc.{e}_history h SET valid_to = ?, ended_by = c.op FROM _capture_closed c "
                        f"WHERE {on} AND h.valid_to IS NULL", [at])
            con.unregister("_capture_closed")
        versions = cap.change_set.filter(pl.col("op").is_in(["I", "U"]))
        if len(versions):
            staged = [c for c in cap.change_set.columns if c not in CHANGE_SET_EXTRA]
            con.register("_capture_versions", versions.select(*staged).to_arrow())
            con.execute(f"INSERT INTO cdc.{e}_history BY NAME SELECT *, ?::TIMESTAMP AS valid_from, "
                        "NULL::TIMESTAMP AS valid_to, NULL::VARCHAR AS ended_by, ?::VARCHAR AS snapshot "
                        "FROM _capture_versions", [at, cap.snapshot])
            con.unregister("_capture_versions")
        if cap.kind == "changes" and len(cap.log):
            con.register("_capture_log", cap.log.to_arrow())
            con.execute(f"INSERT INTO cdc.{e}_changes BY NAME SELECT * FROM _capture_log")
            con.unregister("_capture_log")
        con.execute("INSERT INTO cdc.snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [e, cap.day, cap.snapshot, cap.previous, at, cap.kind, cap.rows, counts["I"], counts["U"],
                     counts["D"]])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
