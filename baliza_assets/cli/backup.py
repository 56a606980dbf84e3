"""`baliza backup DEST [--lake] [--runs]`: a consistent copy of the warehouse (its catalog and its data files)
and a manifest of the lake; with ``--lake`` a copy of the lake too, with ``--runs`` the Dagster instance's run
records.

The warehouse is a DuckLake: its SQLite catalog is copied with SQLite's online backup, a consistent snapshot
taken while runs go on writing, then every data file under the lake's ``warehouse/`` folder is copied with its
sha256 (files written after the catalog's copy are copied too and referenced by nothing; a file the copy
references is never removed, as every snapshot is kept). The copy is then attached, over its own data files,
and every table read to prove it is whole. The manifest lists every other lake object with its size, so a
restore or an audit can tell what existed; the lake itself (the archive, on durable storage in production) is
copied only when asked, under ``DEST/lake/`` with each object's sha256 in the manifest. The run records go to
``DEST/dagster/`` (``run_records``). ``baliza restore`` (``restore``) puts a backup back.

A PostgreSQL catalog is a database of the deployment's server: back it up with the server's own tools
(``pg_dump``), and the data files with the lake (``--lake``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ..lib import warehouse
from ..settings import Settings


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


LAKE = "lake"  # the lake's copy in a backup, the warehouse's data files', and the run records'
DATA = "warehouse"
RUNS = "dagster"
MANIFEST = "manifest.json"


def copy_sqlite(source: str, target: Path) -> None:
    """A consistent copy of the SQLite database ``source`` at ``target`` (SQLite's online backup, in one step)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def tables(con) -> dict[str, int]:
    """Every table of the attached warehouse with its row count."""
    names = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? ORDER BY 1, 2",
                        [warehouse.NAME]).fetchall()
    return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM {warehouse.NAME}."{s}"."{t}"').fetchone()[0]
            for s, t in names}


def open_copy(catalog: Path, data: Path):
    """A read-only connection to a backed-up warehouse: its catalog over its own copy of the data files."""
    import duckdb

    con = duckdb.connect()
    extensions = os.path.join(tempfile.gettempdir(), "baliza-warehouse", ".duckdb_extensions")  # none in the backup
    warehouse.load_extensions(con, ("ducklake", "sqlite"), extensions)
    con.execute(f"ATTACH 'ducklake:sqlite:{catalog}' AS {warehouse.NAME} (DATA_PATH '{data}/', "
                "OVERRIDE_DATA_PATH true, READ_ONLY)")
    return con


def backup(settings: Settings, dest: Path, copy_lake: bool = False, instance=None) -> dict:
    """Back up into ``dest`` (a new or empty folder); ``copy_lake``: the lake too; ``instance``: the Dagster
    instance whose run records to copy."""
    dest = Path(dest)
    catalog = settings.warehouse_catalog()
    if catalog.kind != "sqlite":
        raise ValueError(f"the warehouse's catalog {catalog.describe()} is a PostgreSQL database: back it up with "
                         "the server's tools (pg_dump), and its data files with the lake (baliza backup --lake "
                         "copies the lake, warehouse/ included)")
    if not catalog.exists():
        raise FileNotFoundError(f"no warehouse at {catalog.path} (BALIZA_CATALOG); nothing to back up")
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; choose a new folder for each backup")
    dest.mkdir(parents=True, exist_ok=True)
    copy = dest / Path(catalog.path).name
    copy_sqlite(catalog.path, copy)
    lake = settings.lake()
    prefix = warehouse.DATA_FOLDER + "/"
    every = lake.store.sizes("")
    data = _copy(lake, [k for k in every if k.startswith(prefix)], dest / DATA, strip=prefix)
    con = open_copy(copy, dest / DATA)
    try:
        counted = tables(con)
        snapshot = con.execute(f"SELECT id FROM {warehouse.NAME}.current_snapshot()").fetchone()[0]
    finally:
        con.close()
    objects = {key: size for key, size in every.items() if not key.startswith(prefix)}
    copied = _copy(lake, list(objects), dest / LAKE) if copy_lake else {}
    if copy_lake:
        objects = {key: size for key, (_, size) in copied.items()}
    by_table: dict[str, dict[str, int]] = {}
    for key, size in objects.items():
        table = key.split("/date=")[0] if "/date=" in key else key.rsplit("/", 1)[0]
        entry = by_table.setdefault(table, {"objects": 0, "bytes": 0})
        entry["objects"] += 1
        entry["bytes"] += size
    manifest = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "warehouse": {"source": catalog.path, "copy": copy.name, "bytes": copy.stat().st_size,
                      "sha256": file_sha256(copy), "snapshot": snapshot, "tables": counted,
                      "data": {"copy": DATA, "files": [{"key": k, "bytes": n, "sha256": sha}
                                                       for k, (sha, n) in data.items()]}},
        "lake": {"location": lake.location, "objects": len(objects), "bytes": sum(objects.values()),
                 "copy": LAKE if copy_lake else None, "by_table": by_table,
                 "files": [{"key": k, "bytes": n, **({"sha256": copied[k][0]} if copy_lake else {})}
                           for k, n in objects.items()]},
        "dagster": None,
    }
    if instance is not None:
        from . import run_records

        manifest["dagster"] = {"copy": RUNS, **run_records.export(instance, dest / RUNS)}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def _copy(lake, keys: list[str], folder: Path, strip: str = "") -> dict[str, tuple[str, int]]:
    """Copy every object of ``keys`` to ``folder``, keyed as in the lake (less ``strip``); the sha256 and size
    of each copied one (an object removed since it was listed, such as a fetch's pending chunk, is left out)."""
    copied = {}
    for key in keys:
        data = lake.store.get(key)
        if data is None:
            continue
        name = key[len(strip):]
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        copied[name] = (hashlib.sha256(data).hexdigest(), len(data))
    return copied
