"""`baliza backup DEST [--lake] [--runs]`: a consistent copy of the DuckDB file and a manifest of the lake;
with ``--lake`` a copy of the lake too, with ``--runs`` the Dagster instance's run records.

The warehouse is copied while a read-only connection holds DuckDB's shared lock, so no run can
write in the middle of the copy (a writer waits, see ``warehouse.connect``); the copy is then opened
to prove it is whole. The manifest lists every lake object with its size, so a restore or an audit can
tell what existed; the lake itself (the archive, on durable storage in production) is copied only when
asked, under ``DEST/lake/`` with each object's sha256 in the manifest. The run records go to
``DEST/dagster/`` (``run_records``). ``baliza restore`` (``restore``) puts a backup back.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from ..lib import warehouse
from ..settings import Settings


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


LAKE = "lake"  # the lake's copy in a backup, and the run records'
RUNS = "dagster"
MANIFEST = "manifest.json"


def backup(settings: Settings, dest: Path, copy_lake: bool = False, instance=None) -> dict:
    """Back up into ``dest`` (a new or empty folder); ``copy_lake``: the lake too; ``instance``: the Dagster
    instance whose run records to copy."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; choose a new folder for each backup")
    dest.mkdir(parents=True, exist_ok=True)
    source = Path(settings.duckdb_path)
    if not source.exists():
        raise FileNotFoundError(f"no warehouse at {source} (BALIZA_DUCKDB_PATH); nothing to back up")
    copy = dest / source.name
    with warehouse.connect(str(source), read_only=True) as con:  # the shared lock: no writer meanwhile
        tables = con.execute("SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() "
                             "ORDER BY 1").fetchall()
        shutil.copy2(source, copy)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + ".wal"))
    check = duckdb.connect(str(copy), read_only=True)
    try:
        copied = check.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]
    finally:
        check.close()
    if copied != len(tables):
        raise RuntimeError(f"the copy at {copy} holds {copied} tables, the warehouse {len(tables)}")
    lake = settings.lake()
    objects = lake.store.sizes("")
    copied = _copy_lake(lake, objects, dest / LAKE) if copy_lake else {}
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
        "warehouse": {"source": str(source), "copy": copy.name, "bytes": copy.stat().st_size,
                      "sha256": file_sha256(copy), "tables": {t: n for t, n in tables}},
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


def _copy_lake(lake, objects: dict[str, int], folder: Path) -> dict[str, tuple[str, int]]:
    """Copy every object to ``folder``, keyed as in the lake; the sha256 and size of each copied one (an object
    removed since it was listed, such as a fetch's pending chunk, is left out)."""
    copied = {}
    for key in objects:
        data = lake.store.get(key)
        if data is None:
            continue
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        copied[key] = (hashlib.sha256(data).hexdigest(), len(data))
    return copied
