"""`baliza migrate-warehouse`: a deployment whose warehouse was the DuckDB file of earlier versions
(BALIZA_DUCKDB_PATH, default data/baliza.duckdb) moves it into the DuckLake warehouse (BALIZA_CATALOG, its data
under BALIZA_LAKE's warehouse/) with one command.

Every table of the file, whatever its schema (staging, cdc, marts, marts_state, ...), is copied in one
transaction: all of them land, or none does. Staging's and CDC's tables get the layout the warehouse gives them
(``layout_of``), price_evidence its sort. The file's views and macros (``raw.api_requests``, ``raw.payload``,
``meta.schema_versions``, over the lake) are not copied: they are made again over the lake, as the code makes
them. Each table's row count and content checksum (the sum of its rows' hashes, in any order) are then read from
both sides and printed; the command exits 1 if any differs. The file is opened read-only and left as it was.

Run again, it copies nothing of what is already there with the same rows (and says so); a table the warehouse
holds with other rows (the pipeline wrote it since) is refused, naming it, before anything is copied.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..lib import warehouse
from ..lib.marts import price_evidence
from ..lib.warehouse.tables import set_layout
from ..settings import Settings

OLD = "old_warehouse"


class MigrationError(RuntimeError):
    """A migration that cannot be made, named with the reason; nothing was copied."""


@dataclass(frozen=True)
class Compared:
    table: str
    old_rows: int
    new_rows: int
    old_checksum: str
    new_checksum: str
    copied: bool  # False: the warehouse held it already, with the same rows

    @property
    def same(self) -> bool:
        return (self.old_rows, self.old_checksum) == (self.new_rows, self.new_checksum)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND NOT internal "
                       "ORDER BY 1, 2", [database]).fetchall()


def _views(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    return [f"{s}.{v}" for s, v in con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = ? AND NOT internal ORDER BY 1, 2",
        [database]).fetchall()]


def digest(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, str]:
    """The row count and a content checksum of ``table`` (``database.schema.name``): the sum of every row's hash,
    whatever the order of the rows, counting each duplicate."""
    rows, total = con.execute(f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {table} t").fetchone()
    return rows, f"{total % (1 << 64):016x}"


def _check_readable(path: Path) -> None:
    """Refuse, with the reason, a file that is missing or that DuckDB cannot open read-only."""
    if not path.is_file():
        raise MigrationError(f"no DuckDB file at {path} (BALIZA_DUCKDB_PATH): nothing to migrate")
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0]
        hint = "; stop the deployment that still writes it, then migrate" if "lock" in first.lower() else ""
        raise MigrationError(f"cannot open {path} (BALIZA_DUCKDB_PATH) read-only: {first}{hint}") from None


def migrate(settings: Settings, out=None) -> list[Compared]:
    """Copy every table of the DuckDB file at BALIZA_DUCKDB_PATH into the warehouse; each table compared."""
    source = Path(settings.duckdb_path).absolute()
    _check_readable(source)
    lake = settings.lake()
    with warehouse.connect(settings.catalog, lake, settings.s3, memory_limit=settings.duckdb_memory_limit) as con:
        con.execute(f"ATTACH {warehouse.sql_str(str(source))} AS {OLD} (READ_ONLY)")
        try:
            tables = [f"{s}.{t}" for s, t in _tables(con, OLD)]
            if not tables:
                raise MigrationError(f"{source} (BALIZA_DUCKDB_PATH) holds no table: nothing to migrate")
            views = _views(con, OLD)
            before = {t: digest(con, f"{OLD}.{t}") for t in tables}
            held = {f"{s}.{t}" for s, t in _tables(con, warehouse.NAME)}
            found = {t: digest(con, f"{warehouse.NAME}.{t}") for t in tables if t in held}
            differing = [f"{t} ({found[t][0]:,} rows, the file's {before[t][0]:,})" for t in found
                         if found[t] != before[t]]
            if differing:
                raise MigrationError(f"the warehouse {settings.catalog} already holds {', '.join(differing)} with "
                                     "other rows than the file's; nothing was copied. Migrate into an empty warehouse "
                                     "(BALIZA_CATALOG, BALIZA_LAKE), before the pipeline writes it")
            missing = [t for t in tables if t not in found]
            if out is not None:
                out.write(f"{source}: {len(tables)} tables, {len(missing)} to copy"
                          + (f", {len(found)} already in the warehouse with the same rows" if found else "") + "\n")
            started = time.monotonic()
            if missing:
                with warehouse.transaction(con):
                    for table in missing:
                        _copy(con, table)
                warehouse.refresh_raw_view(con, lake)  # the views and macros over the lake, as the code makes them
            after = {t: digest(con, f"{warehouse.NAME}.{t}") for t in tables}
            seconds = time.monotonic() - started
        finally:
            con.execute(f"DETACH {OLD}")
    compared = [Compared(t, before[t][0], after[t][0], before[t][1], after[t][1], t in missing) for t in tables]
    if out is not None:
        _report(compared, views, source, settings, seconds, out)
    return compared


def _copy(con: duckdb.DuckDBPyConnection, table: str) -> None:
    schema, name = table.split(".")
    target = f"{warehouse.NAME}.{_q(schema)}.{_q(name)}"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {warehouse.NAME}.{_q(schema)}")
    con.execute(f"CREATE TABLE {target} AS SELECT * FROM {OLD}.{_q(schema)}.{_q(name)} LIMIT 0")
    if layout := warehouse.layout_of(con, table):
        set_layout(con, target, layout)
    elif table == "marts.price_evidence":
        set_layout(con, target, {"sorted": price_evidence.ORDER})
    con.execute(f"INSERT INTO {target} SELECT * FROM {OLD}.{_q(schema)}.{_q(name)}")


def _report(compared: list[Compared], views: list[str], source: Path, settings: Settings, seconds: float,
            out) -> None:
    width = max(len(c.table) for c in compared)
    out.write(f"{'table'.ljust(width)}  {'rows (file)':>12}  {'rows (warehouse)':>16}  {'checksum (file)':>16}  "
              f"{'checksum (warehouse)':>20}\n")
    for c in compared:
        out.write(f"{c.table.ljust(width)}  {c.old_rows:>12,}  {c.new_rows:>16,}  {c.old_checksum:>16}  "
                  f"{c.new_checksum:>20}  {'same' if c.same else 'DIFFERENT'}"
                  f"{'' if c.copied else ' (already there)'}\n")
    copied = [c for c in compared if c.copied]
    if not copied:
        out.write(f"already migrated: every table of {source} is in the warehouse with the same rows; nothing "
                  "was copied\n")
        return
    out.write(f"{len(copied)} tables ({sum(c.new_rows for c in copied):,} rows) copied into the warehouse "
              f"{warehouse.Catalog.parse(settings.catalog).describe()} in {seconds:.1f} s"
              + (f"; views not copied, made again over the lake: {', '.join(views)}" if views else "")
              + f"; {source} is left as it was\n")


def run(settings: Settings, out) -> int:
    compared = migrate(settings, out)
    differing = [c.table for c in compared if not c.same]
    if differing:
        out.write(f"DIFFERENT after the copy: {', '.join(differing)}\n")
        return 1
    return 0
