"""`baliza publish DEST [--as-of SNAPSHOT]`: the archive as one snapshot, in a form anyone with DuckDB can attach.

DEST (a new local folder, or an S3 prefix ``s3://bucket/prefix`` holding nothing yet) receives a DuckLake of its
own:

- ``catalog.ducklake``: its catalog, a DuckDB file, which DuckDB attaches read-only from a folder or from S3 with
  nothing but the ``ducklake`` extension (and ``httpfs`` on S3); a SQLite or PostgreSQL catalog could not be read
  from object storage. It holds one snapshot: every table of the warehouse (staging, cdc, marts; not the marts'
  bookkeeping, ``marts_state``) as it was at the warehouse's snapshot, with the layout it had there, and the raw
  archive as ``raw.api_requests`` (every archived request with its verbatim payload, sorted by
  ``payload_sha256``, so a lookup reads the one block that holds it), ``raw.payload(sha256)`` and
  ``meta.schema_versions``, as the warehouse shows them;
- ``data/``: the rows, written anew as Parquet files (zstd). They are copied out of the lake rather than referenced
  in it: a publication must stay readable without access to the lake or its credentials, and unchanged when the
  warehouse's upkeep merges and removes its files or a retention expires its snapshots. Each file's sha256 is in
  the manifest, and the catalog names ``DEST/data/`` as its data path;
- ``manifest.json``, written last: the warehouse's snapshot (the id ``baliza query --as-of`` takes), its time and
  schema version, each table's columns and row count, the catalog's and every data file's sha256 and size, and
  the exact ``ATTACH`` statement, under ``attach``.

A publication is never changed: DEST must be new. A local one is built beside DEST and renamed into place whole;
on S3 the data files go first, the catalog next and the manifest last, so a manifest names only what is there.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from ..lib import warehouse
from ..lib.lake import Lake
from ..lib.warehouse.tables import declared_layouts, set_layout
from ..settings import Settings
from .backup import file_sha256

CATALOG = "catalog.ducklake"
DATA = "data"
MANIFEST = "manifest.json"
PUBLISHED = "baliza"  # the name the manifest's ATTACH gives the archive, as the warehouse's own
_PRIVATE_SCHEMAS = ("marts_state",)  # the marts' upkeep bookkeeping: not the archive
RAW = "raw.api_requests"
RAW_ROW_GROUP = 1024  # rows per Parquet row group of the payloads: a lookup by sha256 reads about this many


class PublishError(RuntimeError):
    """A publication that cannot be made, named with the reason; nothing is left at DEST."""


def _target(dest: str, settings: Settings) -> Lake:
    """DEST as a store, refused when it holds anything or lies inside the lake (whose warehouse/ folder the upkeep
    cleans of files no snapshot references)."""
    target = Lake(dest, settings.s3)
    root, lake = warehouse.lake_root(target), warehouse.lake_root(settings.lake())
    if root.startswith(lake) or lake.startswith(root):
        raise PublishError(f"{dest} overlaps the lake {settings.lake_location} (BALIZA_LAKE): publish outside it")
    if target.store.sizes(""):
        raise PublishError(f"{dest} is not empty: a publication is never changed; choose a new DEST for each")
    return target


def _snapshot(settings: Settings, as_of: str | None) -> tuple[int, str, int]:
    """The warehouse's snapshot to publish (the current one, or the one ``as_of`` names), its time and its
    schema version."""
    asked = warehouse.AsOf.parse(as_of) if as_of is not None else None
    with warehouse.connect(settings.catalog, settings.lake(), settings.s3, read_only=True, as_of=asked) as con:
        snapshot = con.execute(f"SELECT id FROM {warehouse.NAME}.current_snapshot()").fetchone()[0]
        found = con.execute(f"SELECT snapshot_time, schema_version FROM {warehouse.NAME}.snapshots() "
                            "WHERE snapshot_id = ?", [snapshot]).fetchone()
    return snapshot, found[0].astimezone(timezone.utc).isoformat(), found[1]


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    return [f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1, 2",
        [database]).fetchall()]


def _has_view(con: duckdb.DuckDBPyConnection, view: str) -> bool:
    schema, name = view.split(".")
    return con.execute("SELECT count(*) FROM duckdb_views() WHERE database_name = ? AND schema_name = ? AND "
                       "view_name = ?", [warehouse.NAME, schema, name]).fetchone()[0] > 0


def _copy_tables(con: duckdb.DuckDBPyConnection, snapshot: int) -> dict[str, str]:
    """Every table of the warehouse (at ``snapshot``) into ``pub``, with its layout, and the lake's views as
    tables; what each table came from."""
    sources, layouts = {}, declared_layouts(con, snapshot)
    for table in _tables(con, warehouse.NAME):
        schema = table.split(".")[0]
        if schema in _PRIVATE_SCHEMAS:
            continue
        con.execute(f"CREATE SCHEMA IF NOT EXISTS pub.{schema}")
        con.execute(f"CREATE TABLE pub.{table} AS SELECT * FROM {warehouse.NAME}.{table} LIMIT 0")
        if layout := layouts.get(table):
            set_layout(con, f"pub.{table}", layout)
        con.execute(f"INSERT INTO pub.{table} SELECT * FROM {warehouse.NAME}.{table}")
        sources[table] = "warehouse"
    if _has_view(con, RAW):
        con.execute(f"CREATE TABLE pub.{RAW} AS SELECT * FROM {warehouse.NAME}.{RAW} LIMIT 0")
        con.execute(f"INSERT INTO pub.{RAW} SELECT * FROM {warehouse.NAME}.{RAW} ORDER BY payload_sha256, request_id")
        con.execute("USE pub")  # the macro names the table without its catalog: it resolves where it is attached
        con.execute("CREATE MACRO raw.payload(sha) AS "
                    "(SELECT decode(payload) FROM raw.api_requests WHERE payload_sha256 = sha LIMIT 1)")
        con.execute(f"USE {warehouse.NAME}")
        sources[RAW] = "lake"
    if _has_view(con, "meta.schema_versions"):
        con.execute("CREATE SCHEMA IF NOT EXISTS pub.meta")
        con.execute(f"CREATE TABLE pub.meta.schema_versions AS SELECT * FROM {warehouse.NAME}.meta.schema_versions "
                    "ORDER BY ALL")
        sources["meta.schema_versions"] = "lake"
    return sources


def _describe(con: duckdb.DuckDBPyConnection, sources: dict[str, str]) -> dict[str, dict]:
    out = {}
    for table in _tables(con, "pub"):
        schema, name = table.split(".")
        columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'pub' AND "
                              "schema_name = ? AND table_name = ? ORDER BY column_index", [schema, name]).fetchall()
        out[table] = {"rows": con.execute(f"SELECT count(*) FROM pub.{table}").fetchone()[0],
                      "columns": dict(columns), "from": sources[table]}
    return out


def _build(settings: Settings, snapshot: int, folder: Path) -> tuple[dict, int]:
    """The publication of the warehouse at ``snapshot`` in ``folder``; its tables and its catalog's snapshot."""
    with warehouse.connect(settings.catalog, settings.lake(), settings.s3, as_of=warehouse.AsOf(version=snapshot),
                           memory_limit=settings.duckdb_memory_limit) as con:
        con.execute(f"ATTACH {warehouse.sql_str('ducklake:' + str(folder / CATALOG))} AS pub "
                    f"(DATA_PATH {warehouse.sql_str(str(folder / DATA) + '/')}, DATA_INLINING_ROW_LIMIT 0)")
        try:
            con.execute("CALL pub.set_option('parquet_compression', 'zstd')")
            if _has_view(con, RAW):  # options are set outside the transaction that writes (DuckLake's rule)
                con.execute("CREATE SCHEMA pub.raw")
                con.execute(f"CALL pub.set_option('parquet_row_group_size', {RAW_ROW_GROUP}, schema => 'raw')")
            with warehouse.transaction(con):
                sources = _copy_tables(con, snapshot)
            published = con.execute("SELECT id FROM pub.current_snapshot()").fetchone()[0]
            tables = _describe(con, sources)
            for table, entry in tables.items():
                if entry["from"] == "warehouse":
                    rows = con.execute(f"SELECT count(*) FROM {warehouse.NAME}.{table}").fetchone()[0]
                    if rows != entry["rows"]:
                        raise PublishError(f"{table}: {entry['rows']} rows published, {rows} in the warehouse")
        finally:
            con.execute(f"USE {warehouse.NAME}")
            con.execute("DETACH pub")
    return tables, published


def _repoint(catalog_file: Path, data_path: str) -> None:
    """Make the published catalog name ``data_path`` (where its data files are read from) as its data path."""
    con = duckdb.connect(str(catalog_file))
    try:
        con.execute("UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path' AND scope IS NULL", [data_path])
    finally:
        con.close()


def _files(folder: Path) -> list[dict]:
    return [{"key": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size, "sha256": file_sha256(p)}
            for p in sorted((folder / DATA).rglob("*")) if p.is_file()]


def attach_statement(catalog_uri: str, snapshot: int) -> str:
    return f"ATTACH {warehouse.sql_str('ducklake:' + catalog_uri)} AS {PUBLISHED} (READ_ONLY, SNAPSHOT_VERSION {snapshot})"


def publish(settings: Settings, dest: str, as_of: str | None = None) -> dict:
    """Publish the warehouse at its current snapshot (or ``as_of``'s) to ``dest``; the manifest."""
    started = time.monotonic()
    target = _target(dest, settings)
    snapshot, snapshot_time, schema_version = _snapshot(settings, as_of)
    if target.is_s3:
        parent = None
    else:
        parent = Path(dest).absolute().parent
        parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{Path(dest).name}.publishing-{uuid.uuid4().hex[:8]}-", dir=parent))
    try:
        tables, published = _build(settings, snapshot, folder)
        root = warehouse.lake_root(target)
        _repoint(folder / CATALOG, root + DATA + "/")
        with duckdb.connect() as con:
            con.execute(f"ATTACH {warehouse.sql_str(str(folder / CATALOG))} AS c (READ_ONLY)")
            ducklake_version = con.execute("SELECT value FROM c.ducklake_metadata WHERE key = 'version'").fetchone()[0]
        files = _files(folder)
        manifest = {
            "archive": "Baliza: PNCP's public-procurement data, archived",
            "snapshot": snapshot, "snapshot_time": snapshot_time, "schema_version": schema_version,
            "ducklake_version": ducklake_version,
            "published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "attach": attach_statement(root + CATALOG, published),
            "extensions": ["ducklake", "httpfs"] if target.is_s3 else ["ducklake"],
            "catalog": {"key": CATALOG, "bytes": (folder / CATALOG).stat().st_size,
                        "sha256": file_sha256(folder / CATALOG), "snapshot": published},
            "data_path": root + DATA + "/",
            "payloads": ({"table": RAW, "bytes": f"SELECT payload FROM {RAW} WHERE payload_sha256 = '<sha256>'",
                          "text": "SELECT raw.payload('<sha256>')"} if RAW in tables else None),
            "tables": tables,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        if target.is_s3:
            for entry in [*files, {"key": CATALOG}, {"key": MANIFEST}]:
                source = folder / entry["key"]
                target.store.put_file(entry["key"], lambda tmp, source=source: shutil.copyfile(source, tmp))
        else:
            final = Path(dest).absolute()
            if final.is_dir():
                final.rmdir()  # empty (checked above)
            os.rename(folder, final)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    manifest["seconds"] = round(time.monotonic() - started, 2)
    return manifest


def run(settings: Settings, dest: str, as_of: str | None, out) -> int:
    manifest = publish(settings, dest, as_of)
    files = manifest["files"]
    rows = sum(t["rows"] for t in manifest["tables"].values())
    size = manifest["catalog"]["bytes"] + sum(f["bytes"] for f in files)
    out.write(f"{dest}: the warehouse at snapshot {manifest['snapshot']} ({manifest['snapshot_time']}): "
              f"{len(manifest['tables'])} tables, {rows:,} rows, {len(files)} data files, {size:,} bytes "
              f"in {manifest['seconds']:g} s\n")
    out.write(f"attach it with: {manifest['attach']}\n")
    return 0
