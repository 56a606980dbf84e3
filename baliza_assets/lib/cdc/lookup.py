"""What the warehouse holds of a day's observed records, read column by column as the capture needs
it: the live version of each observed key (its first sighting and PNCP's stamp), the live records of
each scope observed whole, every column only of the records compared (read from the row groups that
hold them), and the keys last seen deleted. The live versions come from ``cdc.<entity>_current`` (one row per live record, the scope
stored), never from every version of the history; only the keys with no live version are looked up
in ``cdc.<entity>_deleted`` (the tombstones), never in the history."""

from __future__ import annotations

import polars as pl

from .tables import q
from .targets import SCOPE, Target


def _keyed(con, sql: str, keys: pl.DataFrame, name: str = "_capture_keys") -> pl.DataFrame:
    con.register(name, keys.to_arrow())
    try:
        return con.execute(sql).pl()
    finally:
        con.unregister(name)


def _on(target: Target, left: str = "c", right: str = "k") -> str:
    return " AND ".join(f"{left}.{q(k)} = {right}.{q(k)}" for k in target.key)


def live(con, target: Target, keys: pl.DataFrame) -> pl.DataFrame:
    """The observed keys that have a live version: key, ``valid_from``, PNCP's stamp, where the row is
    (``_rid``, for :func:`versions`) and the partition its version came in (``partition_date``: where the
    history holds it)."""
    cols = ", ".join(f"c.{q(c)}" for c in (*target.key, "valid_from", target.stamp, "partition_date"))
    return _keyed(con, f"SELECT {cols}, c.rowid AS _rid FROM cdc.{target.entity}_current c SEMI JOIN _capture_keys k "
                       f"ON {_on(target)}", keys)


def in_scopes(con, target: Target, scopes: pl.DataFrame) -> pl.DataFrame:
    """The live records of the scopes observed whole: key, ``valid_from``, ``partition_date`` and the scope
    (``SCOPE``)."""
    cols = ", ".join(q(c) for c in (*target.key, "valid_from", "partition_date"))
    return _keyed(con, f"SELECT {cols}, capture_scope AS {SCOPE} FROM cdc.{target.entity}_current "
                       f"WHERE capture_scope IN (SELECT {SCOPE} FROM _capture_scopes)",
                  scopes.select(SCOPE), "_capture_scopes")


ROW_GROUP = 122_880  # DuckDB's rows per row group: rows further apart than this lie in different groups


def _ranges(rids: list[int]) -> list[tuple[int, int]]:
    """Sorted row ids as the ranges of row groups they fall in (a gap of a row group or more splits them)."""
    out: list[tuple[int, int]] = []
    for rid in sorted(rids):
        if out and rid - out[-1][1] < ROW_GROUP:
            out[-1] = (out[-1][0], rid)
        else:
            out.append((rid, rid))
    return out


def versions(con, target: Target, columns: list[str], rids: list[int]) -> pl.DataFrame:
    """Every column of the live versions at ``rids`` (from :func:`live`, in the same transaction): those
    an observation is compared with. Only the row groups holding them are read, so comparing the
    records seen again (the recent ones a sweep lists, the compras just amended) does not read every
    column of every live record."""
    cols = ", ".join(f"c.{q(c)}" for c in columns)
    if not rids:
        return con.execute(f"SELECT {cols} FROM cdc.{target.entity}_current c LIMIT 0").pl()
    within = " OR ".join(f"c.rowid BETWEEN {lo} AND {hi}" for lo, hi in _ranges(rids))
    return _keyed(con, f"SELECT {cols} FROM cdc.{target.entity}_current c WHERE ({within}) "
                       "AND c.rowid IN (SELECT _rid FROM _capture_rids)",
                  pl.DataFrame({"_rid": rids}, schema={"_rid": pl.Int64}), "_capture_rids")


def tombstones(con, target: Target, keys: pl.DataFrame) -> pl.DataFrame:
    """Of ``keys`` (keys with no live version), those last seen deleted, with when (``_deleted_at``)."""
    key = ", ".join(f"d.{q(k)}" for k in target.key)
    return _keyed(con, f"SELECT {key}, d.deleted_at AS _deleted_at FROM cdc.{target.entity}_deleted d "
                       f"SEMI JOIN _capture_keys k ON {_on(target, 'd')}", keys)
