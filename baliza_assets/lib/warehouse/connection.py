"""Opening the warehouse: an in-memory DuckDB with the DuckLake catalog attached as ``baliza`` and USE'd,
its data files under the lake's ``warehouse/`` folder (local or S3).

Readers and writers (runs, ``baliza query``, a notebook) work at once: each transaction reads the snapshot
that was current when it began, whatever commits meanwhile. Writers:

- on a SQLite catalog, SQLite admits one writing transaction at a time and fails the others ("database is
  locked"), so a writing connection first takes the catalog's write lock (``<catalog>.lock``, a file lock
  beside it) and holds it until it closes: writers of one machine take turns, readers never wait;
- on PostgreSQL, writers of any machine commit at once. DuckLake settles two commits that race for the next
  snapshot itself, retrying the loser against the new snapshot when their changes do not conflict
  (``ducklake_max_retry_count`` 10 times, about 100 ms apart at random, growing 1.5x). Changes that do
  conflict (two transactions deleting from one table, an insert into a table another deleted from, altered or
  dropped, two creations of one name), or a race lost more times than that, fail the later commit as a whole:
  nothing of it is applied, and it is raised as :class:`WriteConflict` for the caller to run again from a
  fresh snapshot.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import duckdb

from ..lake import Lake, S3Settings
from .catalog import NAME, AsOf, Catalog, attach, load_extensions, sql_str
from .sandbox import lake_root, sandbox

DATA_FOLDER = "warehouse"
# Inserts of up to this many rows go into the catalog instead of a Parquet file of their own (DuckLake's data
# inlining; its default is 10): a capture's cdc.snapshots row, a day's few rejects or a quiet day's changes would
# each be a file of a few KB, mostly footer (the staging tables have 30 to 60 columns) and, on S3, a request to
# write and one to read, thousands a year. Beyond about 100 rows the file pays for itself, and rows kept in the
# catalog are slower to scan than Parquet; inlined rows stay readable and are merged into Parquet in bulk
# (ducklake_flush_inlined_data).
INLINING_ROWS = 100
_OPTIONS = {"parquet_compression": "zstd"}  # set once, when a writer first finds them unset


class WriteConflict(RuntimeError):
    """Another writer committed a conflicting change first; this transaction was rolled back whole."""


def data_path(lake: Lake) -> str:
    """Where the warehouse's Parquet files live: ``<lake>/warehouse/``."""
    return lake_root(lake) + DATA_FOLDER + "/"


def configure_s3(con: duckdb.DuckDBPyConnection, s3: S3Settings, extension_dir: str) -> None:
    """Load httpfs from its wheel and point DuckDB at the S3 endpoint (no credentials printed)."""
    load_extensions(con, ("httpfs",), extension_dir)
    parts = ["TYPE s3", "URL_STYLE 'path'"]
    if s3.endpoint_url:
        url = urlparse(s3.endpoint_url)
        parts += [f"ENDPOINT {sql_str(url.netloc)}", f"USE_SSL {'true' if url.scheme == 'https' else 'false'}"]
    if s3.access_key_id:
        parts += [f"KEY_ID {sql_str(s3.access_key_id)}", f"SECRET {sql_str(s3.secret_access_key or '')}"]
    parts.append(f"REGION {sql_str(s3.region or 'us-east-1')}")
    con.execute(f"CREATE OR REPLACE TEMPORARY SECRET baliza_lake ({', '.join(parts)})")


def is_conflict(error: BaseException) -> bool:
    """Whether ``error`` is a commit another writer's commit refused, or a table another writer created after
    this one looked for it (a retry from a fresh snapshot may pass)."""
    text = str(error).lower()
    if isinstance(error, duckdb.CatalogException):
        return "already exists" in text
    if not isinstance(error, duckdb.TransactionException):
        return False
    return "conflict" in text or "database is locked" in text or "exceeded the maximum retry count" in text


@contextlib.contextmanager
def writer_lock(catalog: Catalog, wait_s: float) -> Iterator[None]:
    """The SQLite catalog's write lock, waited for up to ``wait_s`` seconds (nothing for PostgreSQL)."""
    if catalog.kind != "sqlite":
        yield
        return
    path = Path(catalog.path + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        deadline, delay = time.monotonic() + wait_s, 0.05
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    f.seek(0)
                    holder = f.read().strip() or "another process"
                    raise TimeoutError(f"the warehouse {catalog.path} has been written by {holder} for more than "
                                       f"{wait_s:g} s; nothing was written") from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        try:
            f.seek(0)
            f.truncate()
            f.write(f"pid {os.getpid()}\n")
            f.flush()
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: everything in the block commits together, or nothing does."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _ensure_options(con: duckdb.DuckDBPyConnection) -> None:
    have = {name: value for name, value in con.execute(
        f"SELECT option_name, value FROM {NAME}.options() WHERE scope = 'GLOBAL'").fetchall()}
    for name, value in _OPTIONS.items():
        if name not in have:
            try:
                con.execute(f"CALL {NAME}.set_option({sql_str(name)}, {sql_str(value)})")
            except duckdb.TransactionException as e:  # another writer set them first
                if not is_conflict(e):
                    raise


def _open(catalog: Catalog, lake: Lake | None, s3: S3Settings | None, writer: bool, as_of: AsOf | None,
          memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB with the extensions loaded and the warehouse attached and USE'd."""
    work = Path(catalog.work_dir())
    con = duckdb.connect(":memory:", config={"memory_limit": memory_limit} if memory_limit else {})
    try:
        con.execute(f"SET temp_directory = {sql_str(str(work / '.duckdb_tmp'))}")
        extension_dir = str(work / ".duckdb_extensions")
        if (lake.is_s3 if lake is not None else s3 is not None):
            configure_s3(con, s3 or S3Settings(), extension_dir)
        load_extensions(con, ("ducklake", "sqlite" if catalog.kind == "sqlite" else "postgres"), extension_dir)
        attach(con, catalog, data_path(lake) if lake is not None else None, read_only=not writer, as_of=as_of,
               inlining_rows=INLINING_ROWS if writer else None)
        if writer:
            _ensure_options(con)
    except BaseException:
        con.close()
        raise
    return con


# DuckDB loads an extension into each new database by reading and checking its whole file (about 0.15 s for
# ducklake, as much for sqlite or postgres), and attaching reads the catalog: a process keeps one database per
# warehouse it opens (an "engine") and hands out connections to it (``cursor()``: each with its own
# transactions, registered frames and USE). A SQLite catalog is told apart by its file's identity, so a catalog
# replaced on disk (a restore) gets a database of its own. Sandboxed and as-of connections are never shared.
_ENGINES: dict[tuple, duckdb.DuckDBPyConnection] = {}
_ENGINES_LOCK = threading.Lock()


def _engine_key(catalog: Catalog, lake: Lake | None, s3: S3Settings | None, writer: bool,
                memory_limit: str | None) -> tuple:
    identity = None
    if catalog.kind == "sqlite" and os.path.exists(catalog.path):
        stat = os.stat(catalog.path)
        identity = (stat.st_dev, stat.st_ino)
    s3 = lake.s3 if lake is not None and lake.is_s3 else s3
    s3_key = (s3.endpoint_url, s3.access_key_id, s3.secret_access_key, s3.region) if s3 else None
    return (catalog, identity, data_path(lake) if lake is not None else None, s3_key, writer, memory_limit)


def _shared(catalog: Catalog, lake: Lake | None, s3: S3Settings | None, writer: bool,
            memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    """A new connection to this process's engine for the warehouse (opened on first use)."""
    if writer and catalog.kind == "sqlite" and not catalog.exists():
        _open(catalog, lake, s3, writer, None, memory_limit).close()  # creates the catalog: its file's identity
    key = _engine_key(catalog, lake, s3, writer, memory_limit)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _open(catalog, lake, s3, writer, None, memory_limit)
        con = engine.cursor()
    con.execute(f"USE {NAME}")
    return con


@contextlib.contextmanager
def connect(catalog: str | Catalog, lake: Lake | None = None, s3: S3Settings | None = None, *,
            read_only: bool = False,
            as_of: AsOf | None = None, memory_limit: str | None = None, sandboxed: bool = False,
            lock_wait_s: float = 3600.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse of ``catalog`` (BALIZA_CATALOG) whose data lives in ``lake`` (a reader may
    leave it out: the data path is then the catalog's own, on S3 with ``s3``'s endpoint and credentials).

    ``read_only``: the catalog attached read-only (a reader: never waits, never blocks a writer). ``as_of``:
    read-only, as the warehouse was at that snapshot. A writer on a SQLite catalog holds its write lock until
    the connection closes. ``sandboxed``: the connection may read the warehouse and ``lake`` only (see
    ``sandbox``), in a database of its own. A commit refused by a conflicting writer is raised as
    :class:`WriteConflict`.
    """
    catalog = catalog if isinstance(catalog, Catalog) else Catalog.parse(catalog)
    writer = not read_only and as_of is None
    with writer_lock(catalog, lock_wait_s) if writer else contextlib.nullcontext():
        if sandboxed or as_of is not None:
            con = _open(catalog, lake, s3, writer, as_of, memory_limit)
            if sandboxed:
                sandbox(con, lake)
        else:
            con = _shared(catalog, lake, s3, writer, memory_limit)
        try:
            yield con
        except (duckdb.TransactionException, duckdb.CatalogException) as e:
            if is_conflict(e):
                raise WriteConflict(f"another writer changed the warehouse first; this transaction was rolled "
                                    f"back whole: {str(e).strip().splitlines()[-1]}") from e
            raise
        finally:
            con.close()
