"""The warehouse's tables: a day's replacement, the layout chosen for years of history, and the views over
the lake's raw archive."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from ..archive import SCHEMA as RAW_COLUMNS
from ..frames import DayFrames
from ..lake import Lake
from .catalog import NAME, sql_str

RAW_TABLES_GLOB = "raw/*"

# How the tables lie in Parquet, for five years of daily writes (about 1,800 days):
# - staging.<entity>: partitioned by year and month of partition_date. A day's replacement deletes from that
#   month's files only, compaction merges a month of daily files into one (the largest, itens, is about
#   1.3 M rows a month), and a query over a date range opens only its months.
# - cdc.<entity>_history: partitioned by the year of partition_date (the capture that brought the version)
#   and sorted by the record's key. Compaction then rewrites one year at most, never five; within a file,
#   row groups are key ranges, so reading one record's versions (a citation checked) skips the others.
#   Current versions are closed in place (a delete of the old row), wherever the year.
# - cdc.<entity>_changes: partitioned by year and month of partition_date, like staging: an append-only log
#   read by day ranges.
# Files: DuckLake's target of 512 MB per file; a month of the largest table fits in one.
_BY_MONTH = {"partitioned": "year(partition_date), month(partition_date)"}


def layout_of(con: duckdb.DuckDBPyConnection, table: str, columns: set[str] | None = None) -> dict | None:
    """The partitioning and sort order ``schema.name`` is given (None: left as DuckLake writes it): staging's
    tables and the change logs by month of ``partition_date``, an entity's history by its year, sorted by key.
    ``columns``: the table's, when the caller has read them already."""
    from ..staging import ENTITIES  # the entities' natural keys

    schema, name = table.split(".")
    if columns is None:
        columns = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND "
                                             "schema_name = ? AND table_name = ?", [NAME, schema, name]).fetchall()}
    if "partition_date" not in columns:
        return None
    if schema == "staging" or (schema == "cdc" and name.endswith("_changes")):
        return _BY_MONTH
    entity = name.removesuffix("_history")
    if schema == "cdc" and name.endswith("_history") and entity in ENTITIES and set(ENTITIES[entity].key) <= columns:
        return {"partitioned": "year(partition_date)", "sorted": ", ".join(ENTITIES[entity].key)}
    return None


def set_layout(con: duckdb.DuckDBPyConnection, table: str, layout: dict) -> None:
    """Give ``table`` (``schema.name``, or ``catalog.schema.name`` in another attached lake) ``layout``."""
    if "partitioned" in layout:
        con.execute(f"ALTER TABLE {table} SET PARTITIONED BY ({layout['partitioned']})")
    if "sorted" in layout:
        con.execute(f"ALTER TABLE {table} SET SORTED BY ({layout['sorted']})")


# The schema DuckLake keeps its tables in, in each kind of catalog (the database's default: DuckDB does not list
# the catalog's database among duckdb_tables(), so it is known by the catalog's type)
_METADATA_SCHEMAS = {"duckdb": "main", "sqlite": "main", "postgres": "public"}


def metadata_schema(con: duckdb.DuckDBPyConnection) -> str | None:
    found = con.execute("SELECT catalog_type FROM ducklake_settings(?)", [NAME]).fetchone()
    return _METADATA_SCHEMAS.get(found[0]) if found else None


def settle_layout(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Give every table that has none yet the layout chosen for it (``layout_of``); the tables altered. A
    table created by a capture is laid out by the next writer to close (the rows already in it stay where
    they were written)."""
    meta = metadata_schema(con)
    if meta is None:
        return []
    m = f'"__ducklake_metadata_{NAME}"."{meta}"'
    laid_out = {(s, t) for s, t in con.execute(f"""
        SELECT s.schema_name, t.table_name FROM {m}.ducklake_table t JOIN {m}.ducklake_schema s USING (schema_id)
        WHERE t.end_snapshot IS NULL AND s.end_snapshot IS NULL AND t.table_id IN (
            SELECT table_id FROM {m}.ducklake_partition_info WHERE end_snapshot IS NULL
            UNION SELECT table_id FROM {m}.ducklake_sort_info WHERE end_snapshot IS NULL)""").fetchall()}
    done = []
    columns: dict[tuple[str, str], set[str]] = {}  # every table's, in one read of the catalog
    for schema, name, column in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() JOIN duckdb_tables() "
            "USING (database_name, schema_name, table_name) WHERE database_name = ? ORDER BY 1, 2", [NAME]).fetchall():
        columns.setdefault((schema, name), set()).add(column)
    for (schema, name), have in columns.items():
        table = f"{schema}.{name}"
        if (schema, name) not in laid_out and (layout := layout_of(con, table, have)):
            set_layout(con, table, layout)
            done.append(table)
    return done


def declared_layouts(con: duckdb.DuckDBPyConnection, snapshot: int) -> dict[str, dict]:
    """The partitioning and sort order each table (``schema.name``) of the attached warehouse had at
    ``snapshot``, as ``set_layout`` takes them (tables with neither left out), read from its catalog: the
    layout ``layout_of`` gives staging and CDC, and any other a table was given (price_evidence's sort)."""
    meta = metadata_schema(con)
    if meta is None:
        return {}
    m = f'"__ducklake_metadata_{NAME}"."{meta}"'

    def live(alias: str) -> str:
        return f"{alias}.begin_snapshot <= $n AND ({alias}.end_snapshot IS NULL OR {alias}.end_snapshot > $n)"

    tables = f"""(SELECT t.table_id, s.schema_name || '.' || t.table_name AS name FROM {m}.ducklake_table t
                  JOIN {m}.ducklake_schema s USING (schema_id) WHERE {live('t')} AND {live('s')})"""
    layouts: dict[str, dict] = {}
    for table, transforms, columns in con.execute(f"""
            SELECT t.name, list(pc.transform ORDER BY pc.partition_key_index),
                   list(c.column_name ORDER BY pc.partition_key_index)
            FROM {m}.ducklake_partition_info pi JOIN {tables} t USING (table_id)
            JOIN {m}.ducklake_partition_column pc USING (partition_id, table_id)
            JOIN {m}.ducklake_column c ON c.table_id = pc.table_id AND c.column_id = pc.column_id AND {live('c')}
            WHERE {live('pi')} GROUP BY t.name""", {"n": snapshot}).fetchall():
        layouts.setdefault(table, {})["partitioned"] = ", ".join(
            f'"{c}"' if t == "identity" else f'{t}("{c}")' for t, c in zip(transforms, columns))
    for table, keys in con.execute(f"""
            SELECT t.name, list(se.expression || ' ' || se.sort_direction || ' ' || replace(se.null_order, '_', ' ')
                                ORDER BY se.sort_key_index)
            FROM {m}.ducklake_sort_info si JOIN {tables} t USING (table_id)
            JOIN {m}.ducklake_sort_expression se USING (sort_id, table_id)
            WHERE {live('si')} GROUP BY t.name""", {"n": snapshot}).fetchall():
        layouts.setdefault(table, {})["sorted"] = ", ".join(keys)
    return layouts


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND "
                       "table_name = ?", [NAME, schema, name]).fetchone()[0] > 0


def replace_days(con: duckdb.DuckDBPyConnection, table: str, frames: DayFrames) -> tuple[int, dict]:
    """Replace the days of ``frames`` in ``table`` (``schema.name``, keyed by ``partition_date``), one
    day at a time; the table is created from the first day's columns, with its layout (``layout_of``).
    Returns (rows written, the columns' types). Run it in a transaction (``transaction``) with whatever
    else must land with it: DuckLake writes each day's Parquet files as it goes, and commits them together."""
    schema_name = table.split(".")[0]
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema_name}")
    rows, columns = 0, {}
    for day, part in sorted(frames.parts.items()):
        if isinstance(part, Path):
            columns = columns or dict(pl.read_parquet_schema(part))
            source = f"read_parquet({sql_str(str(part.absolute()))})"
        else:
            frame = part.collect()
            columns = columns or dict(frame.schema)
            con.register("_day_frame", frame.to_arrow())
            source = "_day_frame"
        if not _exists(con, table):
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM {source} LIMIT 0")
            if layout := layout_of(con, table):
                set_layout(con, table, layout)
        con.execute(f"DELETE FROM {table} WHERE partition_date = ?", [day])
        rows += con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}").fetchone()[0]
        if source == "_day_frame":
            con.unregister("_day_frame")
    return rows, columns


def _view_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_views() WHERE database_name = ? AND schema_name = ? AND "
                       "view_name = ?", [NAME, schema, name]).fetchone()[0] > 0


def refresh_raw_view(con: duckdb.DuckDBPyConnection, lake: Lake, replace: bool = False) -> bool:
    """``raw.api_requests``: every archived request of every raw table (``raw_table``), read from the lake at
    query time (new days show up without touching the view), and ``raw.payload(sha256)``, an archived payload
    as text; kept in the catalog, so a notebook attaching the warehouse has them too. Made once (``replace``:
    again, over ``lake``, for a warehouse restored beside another lake): its columns are the archive's, named,
    so a column added to the archive later does not change the view. False while the lake holds no raw data."""
    if not replace and _view_exists(con, "raw", "api_requests"):
        refresh_schema_versions_view(con, lake, replace)
        return True
    columns = ", ".join(f'"{c}"' for c in RAW_COLUMNS)
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    try:
        con.execute(f"""
            CREATE OR REPLACE VIEW raw.api_requests AS
            SELECT {columns}, regexp_extract(filename, '/raw/([a-z_]+)/date=', 1) AS raw_table
            FROM read_parquet({sql_str(lake.glob(RAW_TABLES_GLOB))},
                              hive_partitioning = true, union_by_name = true, filename = true)
        """)
    except duckdb.IOException as e:
        if "No files found" in str(e):
            return False
        raise
    con.execute("""
        CREATE OR REPLACE MACRO raw.payload(sha) AS
        (SELECT decode(payload) FROM raw.api_requests WHERE payload_sha256 = sha LIMIT 1)
    """)
    refresh_schema_versions_view(con, lake, replace)
    return True


def refresh_schema_versions_view(con: duckdb.DuckDBPyConnection, lake: Lake, replace: bool = False) -> bool:
    """``meta.schema_versions``: every payload fingerprint per endpoint, with the days it was seen (each
    archived table records its own, under ``meta/schema_versions/<table>/``); made once, like the raw view."""
    if not replace and _view_exists(con, "meta", "schema_versions"):
        return True
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    try:
        con.execute(f"""
            CREATE OR REPLACE VIEW meta.schema_versions AS
            SELECT endpoint, fingerprint, min(partition_date) AS first_seen, max(partition_date) AS last_seen,
                   count(DISTINCT partition_date) AS days, sum(records) AS records, any_value(paths) AS paths
            FROM read_parquet({sql_str(lake.glob("meta/schema_versions/**"))}, hive_partitioning = false,
                              union_by_name = true)
            GROUP BY endpoint, fingerprint
        """)
    except duckdb.IOException as e:
        if "No files found" in str(e):
            return False
        raise
    return True
