"""The warehouse's upkeep: many small writes (a day's replacement, a capture, a mart's run) make many small
Parquet files and rows kept in the catalog (data inlining); the upkeep turns them into few large files and
removes the files no snapshot references, never a snapshot a citation may read unless told to.

In order, on a writer connection (``connect``):

1. the rows kept in the catalog are written into Parquet (``ducklake_flush_inlined_data``), but only while no
   table holds rows inlined under an earlier version of its columns (written before the table got its layout or
   a column): any flush makes DuckLake drop the catalog's tables of such rows, which a read transaction held
   open across it (and, from its cache, a DuckDB attached before) still reads, and fails. While some table
   holds such rows, every inlined row stays in the catalog, readable, unless ``flush_older``: then everything
   is flushed, in one transaction with a re-set of a flushed table's comment, a change of the catalog's schema
   version that makes every attached DuckDB read the catalog afresh at its next transaction (a read
   transaction held open across that commit still fails). A flush with no such table leaves every reader be;
2. the files whose rows are mostly deleted (DuckLake's ``rewrite_delete_threshold``, 95%) are written again
   without them (``ducklake_rewrite_data_files``), and adjacent small files of a table (and partition) without
   deletions are merged into files of up to DuckLake's target size (``ducklake_merge_adjacent_files``): every
   snapshot still reads the rows it read, and the files no snapshot reads any more are scheduled for deletion
   (a file an older snapshot still reads is kept, as long as that snapshot is);
3. only with a retention: the snapshots older than it are expired (``ducklake_expire_snapshots``), and the files
   only they read are scheduled for deletion. Without one (the default) every snapshot is kept;
4. the files scheduled for deletion at least ``cleanup_after`` ago are deleted (``ducklake_cleanup_old_files``):
   a reader whose transaction began before the merge may still be reading them;

The ages of 3. and 4. are counted in whole days: a snapshot taken, or a file scheduled, before the UTC day in
which ``now`` less the age falls (``_cutoff``). DuckLake 1.5.5 compares these times as text in a SQLite
catalog (``'2026-12-07 14:36:01+00'`` against ``'2026-12-07T13:00:00'``), so any time of a day matches every
time of that day: a file merged away by this very run would otherwise be deleted under a reader still reading
it. The daily upkeep deletes what the previous days' merged away.

5. the files under the data path that no snapshot ever referenced (written by a transaction that failed, or a
   run killed mid-write) and at least ``orphans_after`` old are deleted (``ducklake_delete_orphaned_files``):
   a writer's transaction still open has written files that no snapshot references yet.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

import duckdb

from ..lake import Lake
from .catalog import NAME
from .connection import DATA_FOLDER, transaction
from .tables import metadata_schema


@dataclass(frozen=True)
class Footprint:
    """The warehouse's data files in storage, and those its current snapshot reads."""
    files: int
    bytes: int
    current_files: int


def footprint(con: duckdb.DuckDBPyConnection, lake: Lake) -> Footprint:
    stored = lake.store.sizes(DATA_FOLDER + "/")
    current = 0
    for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?",
                                     [NAME]).fetchall():
        current += con.execute("SELECT count(*) + count(delete_file) FROM ducklake_list_files(?, ?, schema => ?)",
                               [NAME, table, schema]).fetchone()[0]
    return Footprint(files=len(stored), bytes=sum(stored.values()), current_files=current)


@dataclass(frozen=True)
class Upkept:
    before: Footprint
    after: Footprint
    rows_flushed: int
    tables_left_inlined: int  # tables whose inlined rows were not flushed (see the module's 1.)
    files_rewritten: int  # files mostly deleted, written again without their deleted rows
    files_merged: int  # small files merged into ...
    files_created: int  # ... these
    snapshots_expired: int
    files_cleaned: int  # deleted: merged away or read only by expired snapshots
    orphans_deleted: int  # deleted: referenced by no snapshot ever
    snapshots: int  # kept, after
    seconds: float

    def metadata(self) -> dict:
        out = {f"{k}_before": v for k, v in asdict(self.before).items()}
        out |= {f"{k}_after": v for k, v in asdict(self.after).items()}
        return out | {k: v for k, v in asdict(self).items() if k not in ("before", "after")}


def _inlined(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], bool]:
    """Every table with rows inlined in the catalog: whether it has some under an earlier version of its columns."""
    meta = metadata_schema(con)
    if meta is None:
        return {}
    m = f'"__ducklake_metadata_{NAME}"."{meta}"'
    return {(s, t): older for s, t, older in con.execute(f"""
        SELECT s.schema_name, t.table_name, count(*) > 1 FROM {m}.ducklake_inlined_data_tables i
        JOIN {m}.ducklake_table t USING (table_id) JOIN {m}.ducklake_schema s USING (schema_id)
        WHERE t.end_snapshot IS NULL AND s.end_snapshot IS NULL GROUP BY ALL""").fetchall()}


def _flush(con: duckdb.DuckDBPyConnection, flush_older: bool) -> tuple[int, int]:
    """Flush the inlined rows (see the module's 1.); the rows flushed and the tables left inlined."""
    tables = _inlined(con)
    if any(tables.values()) and not flush_older:
        return 0, len(tables)
    with transaction(con):
        flushed = con.execute(f"CALL ducklake_flush_inlined_data('{NAME}')").fetchall()
        if flushed and any(tables.values()):
            schema, table = flushed[0][0], flushed[0][1]
            comment = con.execute("SELECT comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                                  "AND table_name = ?", [NAME, schema, table]).fetchone()[0]
            con.execute(f'COMMENT ON TABLE {NAME}."{schema}"."{table}" IS '
                        + ("NULL" if comment is None else "'" + comment.replace("'", "''") + "'"))
    return sum(r[2] for r in flushed), 0


def _cutoff(now: datetime, age: timedelta) -> datetime:
    """The last second of the UTC day before the one ``now - age`` falls in (see the module's note on ages)."""
    day = (now - age).astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(seconds=1)


def upkeep(con: duckdb.DuckDBPyConnection, lake: Lake, now: datetime, retention: timedelta | None = None,
           cleanup_after: timedelta = timedelta(hours=1), orphans_after: timedelta = timedelta(days=7),
           flush_older: bool = False) -> Upkept:
    """Flush, merge, expire (only with a ``retention``) and clean the warehouse attached to ``con`` (a writer),
    whose data files live in ``lake``; ``now`` (timezone-aware) is when the ages are counted from."""
    started = time.monotonic()
    before = footprint(con, lake)
    flushed, left_inlined = _flush(con, flush_older)
    rewritten = con.execute(f"CALL ducklake_rewrite_data_files('{NAME}')").fetchall()
    merged = con.execute(f"CALL ducklake_merge_adjacent_files('{NAME}')").fetchall()
    expired = []
    if retention is not None:
        expired = con.execute(f"CALL ducklake_expire_snapshots('{NAME}', older_than => ?::TIMESTAMPTZ)",
                              [_cutoff(now, retention)]).fetchall()
    cleaned = con.execute(f"CALL ducklake_cleanup_old_files('{NAME}', older_than => ?::TIMESTAMPTZ)",
                          [_cutoff(now, cleanup_after)]).fetchall()
    orphans = con.execute(f"CALL ducklake_delete_orphaned_files('{NAME}', older_than => ?::TIMESTAMPTZ)",
                          [now - orphans_after]).fetchall()
    snapshots = con.execute(f"SELECT count(*) FROM {NAME}.snapshots()").fetchone()[0]
    return Upkept(before=before, after=footprint(con, lake), rows_flushed=flushed, tables_left_inlined=left_inlined,
                  files_rewritten=sum(r[2] for r in rewritten), files_merged=sum(r[2] for r in merged), files_created=sum(r[3] for r in merged),
                  snapshots_expired=len(expired), files_cleaned=len(cleaned), orphans_deleted=len(orphans),
                  snapshots=snapshots, seconds=round(time.monotonic() - started, 3))
