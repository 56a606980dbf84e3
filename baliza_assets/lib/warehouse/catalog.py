"""Where the warehouse's catalog lives (BALIZA_CATALOG), and attaching it to a DuckDB connection.

The warehouse is a DuckLake: a catalog (the tables, their columns and every snapshot, in a SQL database)
and data files (Parquet, under the lake's ``warehouse/`` folder, local or S3). Two catalogs are accepted:

- a SQLite file (the default, ``data/catalog.sqlite``): several processes of one machine read and write it
  at once. It is kept in WAL mode, so a reader never blocks a writer's commit nor waits for one;
- ``postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE`` (or ``postgres://``): a database of its own on a
  PostgreSQL server, for a deployment whose runs execute on several machines. The password (percent-encoded
  in the URL) goes into a temporary DuckDB secret, never into the ATTACH string that ``duckdb_databases()``
  shows. libpq's own variables (PGSSLMODE, ...) apply.

A catalog made by DuckDB itself (a ``.ducklake``/``.duckdb`` file) is refused: DuckDB locks it for a single
process, which is the limit this warehouse exists to remove.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb

NAME = "baliza"  # the attached catalog, USE'd: staging.x, cdc.x_history and marts.x resolve in it
SECRET = "baliza_catalog"
INIT_ATTEMPTS = 5  # a writer finding the catalog half made by another attaches again this many times
_DUCKDB_SUFFIXES = (".duckdb", ".ducklake", ".db")


class CatalogError(ValueError):
    """A BALIZA_CATALOG that cannot be used, or a catalog that cannot be attached, named with the reason."""


@dataclass(frozen=True)
class Catalog:
    kind: str  # "sqlite" or "postgres"
    path: str | None = None  # the SQLite file, absolute
    host: str | None = None
    port: int = 5432
    database: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, raw: str) -> Catalog:
        text = raw.strip()
        if not text:
            raise CatalogError("empty: expected the catalog's SQLite file (such as data/catalog.sqlite) or "
                               "postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
        if text.startswith(("postgresql://", "postgres://")):
            return cls._postgres(text)
        if "://" in text or text.startswith(("ducklake:", "sqlite:", "postgres:")):
            raise CatalogError("expected a SQLite file path or postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
        path = Path(text).expanduser().absolute()
        if path.suffix.lower() in _DUCKDB_SUFFIXES:
            raise CatalogError(f"{path.name} looks like a DuckDB file: DuckDB lets one process at a time open it; "
                               "use a SQLite file (such as data/catalog.sqlite) or PostgreSQL")
        if path.is_dir():
            raise CatalogError("is a directory; expected the path of the catalog's SQLite file")
        return cls("sqlite", path=str(path))

    @classmethod
    def _postgres(cls, text: str) -> Catalog:
        url = urlsplit(text)
        database = unquote(url.path.lstrip("/"))
        try:
            port = url.port or 5432
        except ValueError:
            raise CatalogError("the port of the PostgreSQL URL is not a number") from None
        if not url.hostname or not database or "/" in database:
            raise CatalogError("expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE (a host and one database)")
        if url.query or url.fragment:
            raise CatalogError("takes no ?parameters: set libpq's variables (PGSSLMODE, ...) instead")
        return cls("postgres", host=url.hostname, port=port, database=database,
                   user=unquote(url.username) if url.username else None,
                   password=unquote(url.password) if url.password else None)

    def describe(self) -> str:
        """The catalog as an operator may see it (never the password)."""
        if self.kind == "sqlite":
            return self.path
        return f"postgresql://{self.user + '@' if self.user else ''}{self.host}:{self.port}/{self.database}"

    def exists(self) -> bool:
        """False only for a SQLite file not created yet (a PostgreSQL database is taken to exist)."""
        return self.kind != "sqlite" or os.path.exists(self.path)

    def work_dir(self) -> str:
        """Where DuckDB keeps its extensions and spills: beside a SQLite catalog, else the system's temp."""
        if self.kind == "sqlite":
            return str(Path(self.path).parent)
        return os.path.join(tempfile.gettempdir(), "baliza-warehouse")


def problem(raw: str) -> str | None:
    """Why the code location would refuse ``raw`` as BALIZA_CATALOG (a SQLite catalog's folder must exist or
    be creatable, and take new files: SQLite writes its -wal and -shm files beside the catalog)."""
    try:
        catalog = Catalog.parse(raw)
    except CatalogError as e:
        return str(e)
    if catalog.kind != "sqlite":
        return None
    folder = existing = Path(catalog.path).parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"its folder {folder} cannot be created: {existing} is not a folder"
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".baliza-probe-", dir=existing))
    except OSError as e:
        what = "written" if existing == folder else "created"
        return f"its folder {folder} cannot be {what}: {existing} takes no new file or folder ({e.strerror})"
    return None


def sql_str(value: str) -> str:
    """``value`` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def load_extensions(con: duckdb.DuckDBPyConnection, names: tuple[str, ...], extension_dir: str) -> None:
    """Load DuckDB extensions from their wheels (no download at run time), into ``extension_dir``."""
    import duckdb_extensions

    Path(extension_dir).mkdir(parents=True, exist_ok=True)
    con.execute(f"SET extension_directory = {sql_str(extension_dir)}")
    for name in names:
        duckdb_extensions.import_extension(name, con=con)
        con.execute(f"LOAD {'sqlite_scanner' if name == 'sqlite' else name}")


def _wal(path: str) -> None:
    """Create the SQLite catalog (if new) in WAL mode: readers then never block a writer's commit."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    try:
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # another process holds it in the old mode: it still works, slower
        pass
    except sqlite3.DatabaseError as e:
        raise CatalogError(f"{path} (BALIZA_CATALOG) is not a SQLite database: {e}") from None
    finally:
        db.close()


@dataclass(frozen=True)
class AsOf:
    """A snapshot to read the warehouse at: a DuckLake snapshot id, or a time (the snapshot then current)."""
    version: int | None = None
    time: str | None = None

    @classmethod
    def parse(cls, raw: str) -> AsOf:
        text = raw.strip()
        if text.isdigit():
            return cls(version=int(text))
        try:
            duckdb.sql(f"SELECT CAST({sql_str(text)} AS TIMESTAMPTZ)").fetchone()
        except duckdb.Error:
            raise CatalogError(f"--as-of {raw!r}: expected a snapshot id (a whole number, from "
                               "baliza.snapshots()) or a timestamp such as 2025-07-12 08:00:00+00") from None
        return cls(time=text)

    def option(self) -> str:
        return f"SNAPSHOT_VERSION {self.version}" if self.version is not None else f"SNAPSHOT_TIME {sql_str(self.time)}"


def attach(con: duckdb.DuckDBPyConnection, catalog: Catalog, data_path: str | None, read_only: bool = False,
           as_of: AsOf | None = None, inlining_rows: int | None = None) -> None:
    """Attach the warehouse to ``con`` as ``baliza`` and USE it. ``data_path``: where its Parquet files live
    (a new catalog records it; an existing one must agree; None: wherever the catalog says, for a reader).
    ``as_of``: read it as it was at that snapshot (read-only). The ducklake and catalog extensions must be
    loaded (``load_extensions``)."""
    if data_path is None and not (read_only or as_of):
        raise CatalogError("a writer names the data path (the lake's warehouse/ folder)")
    options = [f"DATA_PATH {sql_str(data_path)}"] if data_path else []
    if catalog.kind == "sqlite":
        if not catalog.exists():
            if read_only or as_of:
                raise CatalogError(f"no warehouse yet at {catalog.path} (BALIZA_CATALOG): the first staging run "
                                   "creates it")
        if not read_only and not as_of:
            _wal(catalog.path)
        target = f"ducklake:sqlite:{catalog.path}"
    else:
        parts = ["TYPE postgres", f"HOST {sql_str(catalog.host)}", f"PORT {catalog.port}",
                 f"DATABASE {sql_str(catalog.database)}"]
        if catalog.user:
            parts.append(f"USER {sql_str(catalog.user)}")
        if catalog.password:
            parts.append(f"PASSWORD {sql_str(catalog.password)}")
        con.execute(f"CREATE OR REPLACE TEMPORARY SECRET {SECRET} ({', '.join(parts)})")
        options.append(f"METADATA_PARAMETERS MAP {{'SECRET': {sql_str(SECRET)}}}")
        target = "ducklake:postgres:"
    if read_only or as_of:
        options.append("READ_ONLY")
    if as_of:
        options.append(as_of.option())
    if inlining_rows is not None:
        options.append(f"DATA_INLINING_ROW_LIMIT {int(inlining_rows)}")
    for attempt in range(INIT_ATTEMPTS):
        try:
            con.execute(f"ATTACH {sql_str(target)} AS {NAME} ({', '.join(options)})")
            break
        except duckdb.Error as e:
            # Two writers meeting an empty catalog both create its tables: the one that loses finds them made
            # when it attaches again.
            if "Failed to initialize DuckLake" in str(e) and attempt + 1 < INIT_ATTEMPTS:
                time.sleep(1.0 + attempt)
                continue
            _refused(e, catalog, data_path)
    con.execute(f"USE {NAME}")


def _refused(e: duckdb.Error, catalog: Catalog, data_path: str | None) -> None:
    """Raise why the catalog could not be attached."""
    message = str(e).strip().splitlines()[0]
    if "does not match existing data path" in str(e):
        raise CatalogError(f"the warehouse {catalog.describe()} keeps its data elsewhere than {data_path} "
                           f"(BALIZA_LAKE moved?): {message}") from None
    raise CatalogError(f"cannot attach the warehouse {catalog.describe()} (BALIZA_CATALOG): {message}") from None
