"""The warehouse's upkeep: many small writes (a day's replacement, a capture, a mart's run) make many small
Parquet files and rows kept in the catalog (data inlining); the upkeep turns them into few large files and
removes the files no snapshot references, never a snapshot a citation may read unless told to.

In order, on a writer connection (``connect``):

1. the rows kept in the catalog are written into Parquet (``ducklake_flush_inlined_data``). DuckLake then drops
   the catalog's tables of rows inlined under an earlier version of a table's columns (its layout or columns
   changed since), which a DuckDB that attached the warehouse before still names from its cache: the same
   transaction re-sets a flushed table's comment, a change of the catalog's schema version that makes every
   attached DuckDB read the catalog afresh at its next transaction. A read transaction held open across that
   commit still fails, and is run again;
2. the files whose rows are mostly deleted (DuckLake's ``rewrite_delete_threshold``, 95%) are written again
   without them (``ducklake_rewrite_data_files``), and adjacent small files of a table (and partition) without
   deletions are merged into files of up to DuckLake's target size (``ducklake_merge_adjacent_files``): every
   snapshot still reads the rows it read, and the files no snapshot reads any more are scheduled for deletion
   (a file an older snapshot still reads is kept, as long as that snapshot is);
3. only with a retention: the snapshots older than it are expired (``ducklake_expire_snapshots``), and the files
   only they read are scheduled for deletion. Without one (the default) every snapshot is kept;
4. the files scheduled for deletion at least ``cleanup_after`` ago are deleted (``ducklake_cleanup_old_files``):
   a reader whose transaction began before the merge may still be reading them;
5. the files under the data path that no snapshot ever referenced (written by a transaction that failed, or a
   run killed mid-write) and at least ``orphans_after`` old are deleted (``ducklake_delete_orphaned_files``):
   a writer's transaction still open has written files that no snapshot references yet.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import duckdb

from ..lake import Lake
from .catalog import NAME
from .connection import DATA_FOLDER, transaction


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


def upkeep(con: duckdb.DuckDBPyConnection, lake: Lake, now: datetime, retention: timedelta | None = None,
           cleanup_after: timedelta = timedelta(hours=1), orphans_after: timedelta = timedelta(days=7)) -> Upkept:
    """Flush, merge, expire (only with a ``retention``) and clean the warehouse attached to ``con`` (a writer),
    whose data files live in ``lake``; ``now`` (timezone-aware) is when the ages are counted from."""
    started = time.monotonic()
    before = footprint(con, lake)
    with transaction(con):
        flushed = con.execute(f"CALL ducklake_flush_inlined_data('{NAME}')").fetchall()
        if flushed:
            schema, table = flushed[0][0], flushed[0][1]
            comment = con.execute("SELECT comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                                  "AND table_name = ?", [NAME, schema, table]).fetchone()[0]
            con.execute(f'COMMENT ON TABLE {NAME}."{schema}"."{table}" IS '
                        + ("NULL" if comment is None else "'" + comment.replace("'", "''") + "'"))
    rewritten = con.execute(f"CALL ducklake_rewrite_data_files('{NAME}')").fetchall()
    merged = con.execute(f"CALL ducklake_merge_adjacent_files('{NAME}')").fetchall()
    expired = []
    if retention is not None:
        expired = con.execute(f"CALL ducklake_expire_snapshots('{NAME}', older_than => ?::TIMESTAMPTZ)",
                              [now - retention]).fetchall()
    cleaned = con.execute(f"CALL ducklake_cleanup_old_files('{NAME}', older_than => ?::TIMESTAMPTZ)",
                          [now - cleanup_after]).fetchall()
    orphans = con.execute(f"CALL ducklake_delete_orphaned_files('{NAME}', older_than => ?::TIMESTAMPTZ)",
                          [now - orphans_after]).fetchall()
    snapshots = con.execute(f"SELECT count(*) FROM {NAME}.snapshots()").fetchone()[0]
    return Upkept(before=before, after=footprint(con, lake), rows_flushed=sum(r[2] for r in flushed),
                  files_rewritten=sum(r[2] for r in rewritten), files_merged=sum(r[2] for r in merged), files_created=sum(r[3] for r in merged),
                  snapshots_expired=len(expired), files_cleaned=len(cleaned), orphans_deleted=len(orphans),
                  snapshots=snapshots, seconds=round(time.monotonic() - started, 3))
