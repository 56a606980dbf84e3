"""The DuckDB warehouse: one file, schemas by layer, able to read the lake (local or S3)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import polars as pl

from .frames import DayFrames
from .lake import Lake, S3Settings

RAW_TABLES_GLOB = "raw/*"


def replace_days(con: duckdb.DuckDBPyConnection, table: str, frames: DayFrames) -> tuple[int, dict]:
    """Replace the days of ``frames`` in ``table`` (``schema.name``, keyed by ``partition_date``), one
    day at a time and checkpointed after each, so a long range never piles up in memory; the table
    is created from the first day's columns. Returns (rows written, the columns' types)."""
    schema_name = table.split(".")[0]
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema_name}")
    rows, columns = 0, {}
    for day, part in sorted(frames.parts.items()):
        if isinstance(part, Path):
            columns = columns or dict(pl.read_parquet_schema(part))
            source = f"read_parquet({_sql_str(str(part.absolute()))})"
        else:
            frame = part.collect()
            columns = columns or dict(frame.schema)
            con.register("_day_frame", frame.to_arrow())
            source = "_day_frame"
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM {source} LIMIT 0")
        con.execute(f"DELETE FROM {table} WHERE partition_date = ?", [day])
        rows += con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}").fetchone()[0]
        if source == "_day_frame":
            con.unregister("_day_frame")
        con.execute("CHECKPOINT")
    return rows, columns


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def configure_s3(con: duckdb.DuckDBPyConnection, s3: S3Settings, extension_dir: str) -> None:
    """Load httpfs from its wheel and point DuckDB at the S3 endpoint (no credentials printed)."""
    import duckdb_extensions

    Path(extension_dir).mkdir(parents=True, exist_ok=True)
    con.execute(f"SET extension_directory = {_sql_str(extension_dir)}")
    duckdb_extensions.import_extension("httpfs", con=con)
    parts = ["TYPE s3", "URL_STYLE 'path'"]
    if s3.endpoint_url:
        url = urlparse(s3.endpoint_url)
        parts += [f"ENDPOINT {_sql_str(url.netloc)}", f"USE_SSL {'true' if url.scheme == 'https' else 'false'}"]
    if s3.access_key_id:
        parts += [f"KEY_ID {_sql_str(s3.access_key_id)}", f"SECRET {_sql_str(s3.secret_access_key or '')}"]
    parts.append(f"REGION {_sql_str(s3.region or 'us-east-1')}")
    con.execute(f"CREATE OR REPLACE TEMPORARY SECRET baliza_lake ({', '.join(parts)})")


_S3_CREDENTIAL_SETTINGS = ("s3_access_key_id", "s3_secret_access_key", "s3_session_token")


def lake_root(lake: Lake) -> str:
    """The lake's folder (absolute, normalized: no '..' nor '.') or ``s3://bucket/prefix/``, ending in '/'."""
    root = lake.store.uri("")
    if not lake.is_s3:
        root = os.path.normpath(root)
    return root if root.endswith("/") else root + "/"


def sandbox(con: duckdb.DuckDBPyConnection, lake: Lake | None) -> None:
    """Confine ``con`` to the warehouse and the lake, for SQL typed by someone else.

    DuckDB then refuses every other file and URL (``enable_external_access = false`` with only the
    lake in ``allowed_directories``; DuckDB itself adds the database file and its temporary
    directory), loading or installing extensions, reading Python variables as tables, and any change of
    setting (``lock_configuration``).
    httpfs copies the AWS_* variables into plain ``s3_*`` settings that any query could read: they are
    reset, so the credentials live only in the temporary secret, which DuckDB shows redacted.
    Writing under an allowed directory stays possible for DuckDB: the caller still refuses statements
    that write. On S3 DuckDB checks the path before httpfs resolves ``..`` and reads URL parameters
    (``?s3_endpoint=``): the caller also checks every path a query names (``ops.query_reach``).
    """
    present = {name for (name,) in con.execute(
        "SELECT name FROM duckdb_settings() WHERE name IN (SELECT unnest(?))", [list(_S3_CREDENTIAL_SETTINGS)]
    ).fetchall()}
    for name in _S3_CREDENTIAL_SETTINGS:
        if name in present:
            con.execute(f"RESET {name}")
    allowed = [lake_root(lake)] if lake is not None else []
    con.execute("SET allowed_directories = ?", [allowed])
    con.execute("SET allowed_paths = []")
    con.execute("SET allow_unredacted_secrets = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET python_enable_replacements = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


@contextlib.contextmanager
def connect(path: str, lake: Lake | None = None, s3: S3Settings | None = None, read_only: bool = False,
            lock_wait_s: float = 120.0, memory_limit: str | None = None,
            sandboxed: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, waiting for another process's write lock to clear.

    ``sandboxed``: the connection may read the warehouse and ``lake`` only (see ``sandbox``).
    """
    config = {"memory_limit": memory_limit} if memory_limit else {}
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_wait_s
    delay = 0.2
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only, config=config)
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
    try:
        if lake is not None and lake.is_s3:
            configure_s3(con, s3 or S3Settings(), os.path.join(os.path.dirname(os.path.abspath(path)), ".duckdb_extensions"))
        if sandboxed:
            sandbox(con, lake)
        yield con
    finally:
        con.close()


def refresh_raw_view(con: duckdb.DuckDBPyConnection, lake: Lake) -> bool:
    """``raw.api_requests``: every archived request of every raw table (``raw_table``), read from the lake.

    ``raw.payload(sha256)`` returns an archived payload as text. False while the lake holds no raw data.
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    try:
        con.execute(f"""
            CREATE OR REPLACE VIEW raw.api_requests AS
            SELECT * EXCLUDE (date, filename),
                   regexp_extract(filename, '/raw/([a-z_]+)/date=', 1) AS raw_table
            FROM read_parquet({_sql_str(lake.glob(RAW_TABLES_GLOB))},
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
    refresh_schema_versions_view(con, lake)
    return True


def refresh_schema_versions_view(con: duckdb.DuckDBPyConnection, lake: Lake) -> bool:
    """``meta.schema_versions``: every payload fingerprint per endpoint, with the days it was seen (each
    archived table records its own, under ``meta/schema_versions/<table>/``)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    try:
        con.execute(f"""
            CREATE OR REPLACE VIEW meta.schema_versions AS
            SELECT endpoint, fingerprint, min(partition_date) AS first_seen, max(partition_date) AS last_seen,
                   count(DISTINCT partition_date) AS days, sum(records) AS records, any_value(paths) AS paths
            FROM read_parquet({_sql_str(lake.glob("meta/schema_versions/**"))}, hive_partitioning = false,
                              union_by_name = true)
            GROUP BY endpoint, fingerprint
        """)
    except duckdb.IOException as e:
        if "No files found" in str(e):
            return False
        raise
    return True
