"""The cdc tables of an entity ``e``:

- ``cdc.e_history``: every version of every record, the staging columns plus ``valid_from`` (when
  Baliza first saw this version: the page's collection time), ``valid_to`` (when a newer version or a
  deletion was seen; null for the current version), ``ended_by`` (``U`` or ``D``, the tombstone),
  ``source`` and ``snapshot`` (the capture that brought it in). PNCP's own stamp stays in its column
  (``data_atualizacao_global`` ...), so a backdated amendment keeps both times;
- ``cdc.e_current``: one row per live record, its latest version, kept in the capture's transaction
  beside the history (``history WHERE valid_to IS NULL``, as a table), with ``capture_scope``: the scope
  a complete listing of the record covers (its publication day and modalidade, its compra, its item),
  stored so that a capture finds a scope's records without evaluating the scope on every record;
- ``cdc.e_deleted``: one row per record whose last version ended in a deletion (the tombstones), with
  ``deleted_at``, kept in the capture's transaction: a capture finds which of a day's unknown keys were
  deleted without reading the history (deletions are few; the history holds every version);
- ``cdc.e_changes``: one row per change: key, ``op`` (I, U, D), ``cdc_at`` (when it was seen),
  ``pncp_stamp``, ``source``, ``partition_date`` (the observing partition), ``snapshot``, and for
  updates the columns that changed with old and new values;
- ``cdc.snapshots``: one row per capture that changed something, with its counts.

Every timestamp here is naive Brasília time (see ``clock``).
"""

from __future__ import annotations

import duckdb
import polars as pl

from .targets import TARGETS

CHANGE_SET_EXTRA = ("op", "cdc_at", "pncp_stamp", "source", "snapshot", "changed_columns", "changes")  # beside a row
HISTORY_COLUMNS = {"valid_from": "TIMESTAMP", "valid_to": "TIMESTAMP", "ended_by": "VARCHAR", "source": "VARCHAR",
                   "snapshot": "VARCHAR"}


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def ensure_tables(con: duckdb.DuckDBPyConnection, entity: str, like: pl.DataFrame) -> None:
    """Create the CDC tables of an entity (columns from ``like``, typed staging rows); a column that
    staging gained since is added to the history."""
    con.execute("CREATE SCHEMA IF NOT EXISTS cdc")
    con.execute("""CREATE TABLE IF NOT EXISTS cdc.snapshots (entity VARCHAR, partition_date DATE, snapshot VARCHAR,
                   cdc_at TIMESTAMP, sources VARCHAR, rows BIGINT, inserts BIGINT, updates BIGINT, deletes BIGINT)""")
    con.register("_capture_like", like.head(0).to_arrow())
    extra = ", ".join(f"NULL::{t} AS {c}" for c, t in HISTORY_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS cdc.{entity}_history AS SELECT *, {extra} FROM _capture_like LIMIT 0")
    have = {r[0] for r in con.execute(f"DESCRIBE cdc.{entity}_history").fetchall()}
    staged = con.execute("SELECT column_name, column_type FROM (DESCRIBE _capture_like)").fetchall()
    con.unregister("_capture_like")
    for name, dtype in staged:
        if name not in have:
            con.execute(f"ALTER TABLE cdc.{entity}_history ADD COLUMN {q(name)} {dtype}")
    keys = ", ".join(f"NULL::{t} AS {q(c)}" for c, t in staged if c in TARGETS[entity].key)
    con.execute(f"""CREATE TABLE IF NOT EXISTS cdc.{entity}_changes AS SELECT {keys}, NULL::VARCHAR AS op,
                    NULL::TIMESTAMP AS cdc_at, NULL::TIMESTAMP AS pncp_stamp, NULL::VARCHAR AS source,
                    NULL::DATE AS partition_date, NULL::VARCHAR AS snapshot, NULL::VARCHAR[] AS changed_columns,
                    NULL::STRUCT("column" VARCHAR, old VARCHAR, new VARCHAR)[] AS changes LIMIT 0""")
    ensure_current(con, entity)
    ensure_deleted(con, entity)


def _kind(con, schema: str, name: str) -> str | None:
    found = con.execute("SELECT 'table' FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? UNION ALL "
                        "SELECT 'view' FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
                        [schema, name, schema, name]).fetchone()
    return found and found[0]


def scope_sql(entity: str) -> str:
    """The scope of a record, as SQL over its columns (NULL where no observation lists it whole)."""
    scope = TARGETS[entity].scope
    return f"CAST({scope} AS VARCHAR)" if scope else "NULL::VARCHAR"


def ensure_current(con: duckdb.DuckDBPyConnection, entity: str) -> None:
    """``cdc.<entity>_current``, the live versions as a table with their ``capture_scope``: made from the
    history the first time (also where it was a view over the history), then kept by the captures; a
    column the history gained is added."""
    current, history = f"cdc.{entity}_current", f"cdc.{entity}_history"
    kind = _kind(con, "cdc", f"{entity}_current")
    if kind == "view":
        con.execute(f"DROP VIEW {current}")
    if kind != "table":
        con.execute(f"""CREATE TABLE {current} AS SELECT * EXCLUDE (valid_to, ended_by),
                        {scope_sql(entity)} AS capture_scope FROM {history} WHERE valid_to IS NULL""")
        return
    have = {r[0] for r in con.execute(f"DESCRIBE {current}").fetchall()}
    for name, dtype, *_ in con.execute(f"DESCRIBE {history}").fetchall():
        if name not in have and name not in ("valid_to", "ended_by"):
            con.execute(f"ALTER TABLE {current} ADD COLUMN {q(name)} {dtype}")


def ensure_deleted(con: duckdb.DuckDBPyConnection, entity: str) -> None:
    """``cdc.<entity>_deleted``, the keys whose last version a deletion ended, with when: made from the
    history the first time, then kept by the captures."""
    if _kind(con, "cdc", f"{entity}_deleted") == "table":
        return
    key = ", ".join(q(k) for k in TARGETS[entity].key)
    con.execute(f"""CREATE TABLE cdc.{entity}_deleted AS SELECT {key}, max(valid_to) AS deleted_at
                    FROM cdc.{entity}_history GROUP BY ALL
                    HAVING count(*) FILTER (WHERE valid_to IS NULL) = 0 AND arg_max(ended_by, valid_to) = 'D'""")
