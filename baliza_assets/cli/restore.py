"""`baliza restore SRC [--force]`: a backup made by `baliza backup` put back. The warehouse's catalog copy
becomes the SQLite catalog at BALIZA_CATALOG and its data files go under BALIZA_LAKE's warehouse/ folder
(staging, the CDC history, the marts, every snapshot); the catalog then names that folder as its data path.
The lake's copy, when the backup has one (`baliza backup --lake`), is written to BALIZA_LAKE, local or S3; the
run records, when it has them (`--runs`), go into the Dagster instance of DAGSTER_HOME.

Nothing is written before the whole backup is checked (the catalog copy, every data file and every lake object
against the sha256 in its manifest, the run records read through) and every target is found empty. A catalog,
a lake holding objects or an instance holding runs is refused unless ``force``: then the catalog is replaced
(refused while a run writes it), the data files and lake objects the backup holds are written over theirs, the
runs it holds that the instance lacks are added (a run the instance has is the same run, and kept as it is), and
whatever else the lake and the instance hold is left as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path, PurePosixPath

import duckdb

from ..lib import warehouse
from ..settings import Settings
from .backup import MANIFEST, file_sha256, tables


class RestoreError(RuntimeError):
    """A backup that cannot be restored, or a target it would overwrite, named with the reason."""


def _manifest(source: Path) -> dict:
    if not source.is_dir():
        raise RestoreError(f"{source} is not a folder; expected a backup made by `baliza backup`")
    path = source / MANIFEST
    if not path.is_file():
        raise RestoreError(f"{source} holds no {MANIFEST}: not a backup made by `baliza backup`")
    try:
        manifest = json.loads(path.read_text())
        manifest["warehouse"]["copy"], manifest["warehouse"]["sha256"], manifest["lake"]["files"]
        manifest["warehouse"]["data"]["copy"], manifest["warehouse"]["data"]["files"]
    except (ValueError, KeyError, TypeError) as e:
        raise RestoreError(f"{path} is not a backup manifest ({type(e).__name__}: {e})") from None
    return manifest


def _inside(folder: Path, name: str, what: str) -> Path:
    """``folder / name``, refusing a name that would lead out of ``folder``."""
    parts = PurePosixPath(name).parts
    if not name or PurePosixPath(name).is_absolute() or ".." in parts or "\\" in name:
        raise RestoreError(f"the manifest names {what} {name!r}, which is not a path inside the backup")
    return folder.joinpath(*parts)


def _files(folder: Path, entries: list[dict], what: str) -> list[tuple[str, Path]]:
    """(key, file) of every entry, each file proven whole against its sha256."""
    found = []
    for entry in entries:
        path = _inside(folder, entry["key"], f"the {what}")
        if not path.is_file():
            raise RestoreError(f"the backup's copy of {what} {entry['key']} is missing ({path})")
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            raise RestoreError(f"the backup's copy of {what} {entry['key']} is damaged: its sha256 "
                               "differs from the manifest's")
        found.append((entry["key"], path))
    return found


def _check_backup(source: Path, manifest: dict) -> tuple[Path, list, list[tuple[str, Path]], Path | None, list[str]]:
    """The catalog copy, the warehouse's data files and the lake objects (key, file), and the run records' folder
    and run ids, each proven whole against the manifest."""
    wh = manifest["warehouse"]
    copy = _inside(source, wh["copy"], "the warehouse copy")
    if not copy.is_file():
        raise RestoreError(f"the backup's warehouse copy {copy} is missing")
    if file_sha256(copy) != wh["sha256"]:
        raise RestoreError(f"the backup's warehouse copy {copy} is damaged: its sha256 differs from the manifest's")
    data = _files(_inside(source, wh["data"]["copy"], "the warehouse's data"), wh["data"]["files"],
                  "the warehouse data file")
    objects = []
    if manifest["lake"].get("copy"):
        folder = _inside(source, manifest["lake"]["copy"], "the lake copy")
        objects = _files(folder, manifest["lake"]["files"], "lake object")
    runs_folder, run_ids = None, []
    if manifest.get("dagster"):
        from . import run_records

        runs_folder = _inside(source, manifest["dagster"]["copy"], "the run records")
        try:
            run_ids = run_records.run_ids(runs_folder)
        except run_records.RunRecordsError as e:
            raise RestoreError(f"the backup's run records cannot be read: {e}") from None
    return copy, data, objects, runs_folder, run_ids


def _occupied(target: Path, lake, data, objects, run_ids, instance) -> list[str]:
    """Every target that already holds something the restore would overwrite (a data file the lake holds as the
    backup does is not: data files are named once, by a UUID, and never rewritten)."""
    found = []
    if target.exists() and target.stat().st_size:
        found.append(f"the warehouse {target} (BALIZA_CATALOG) exists, {target.stat().st_size:,} bytes")
    prefix = warehouse.DATA_FOLDER + "/"
    held = lake.store.sizes("")
    differing = [k for k, path in data if held.get(prefix + k) not in (None, path.stat().st_size)]
    if differing:
        found.append(f"the lake {lake.location} (BALIZA_LAKE) holds {len(differing)} other warehouse data files "
                     "under the same names")
    if objects and (others := sum(1 for k in held if not k.startswith(prefix))):
        found.append(f"the lake {lake.location} (BALIZA_LAKE) holds {others} objects")
    if run_ids and (runs := instance.get_runs_count()):
        found.append(f"the Dagster instance holds {runs} runs")
    return found


def _put_warehouse(copy: Path, target: Path, sha256: str, data: list[tuple[str, Path]], lake) -> dict[str, int]:
    """Replace the catalog at ``target`` with ``copy``, atomically, holding the catalog's write lock (refused while
    a run writes it); put the data files under the lake's warehouse/ folder; make the catalog name that folder as
    its data path. The tables of the restored warehouse, with their row counts."""
    catalog = warehouse.Catalog("sqlite", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warehouse.writer_lock(catalog, wait_s=0):
            tmp = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex}")
            try:
                shutil.copyfile(copy, tmp)
                if file_sha256(tmp) != sha256:
                    raise RestoreError(f"the warehouse copied to {tmp} differs from the backup's; nothing was replaced")
                repoint(tmp, warehouse.data_path(lake))
                for suffix in ("-wal", "-shm"):  # the old catalog's, never to be replayed on the restored one
                    target.with_name(target.name + suffix).unlink(missing_ok=True)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
    except TimeoutError:
        raise RestoreError(f"the warehouse {target} is in use (a run writes it): stop it, then restore") from None
    for key, path in data:
        lake.store.put(f"{warehouse.DATA_FOLDER}/{key}", path.read_bytes())
    with warehouse.connect(catalog, lake, lake.s3, read_only=True) as con:
        return tables(con)


def repoint(catalog_file: Path, data_path: str) -> None:
    """Make the SQLite catalog at ``catalog_file`` keep its data files under ``data_path`` (its files are named
    relative to it)."""
    import sqlite3

    db = sqlite3.connect(catalog_file)
    try:
        db.execute("UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path' AND scope IS NULL", [data_path])
        db.commit()
    finally:
        db.close()


def _point_views_at(target: Path, lake, settings: Settings) -> bool:
    """The warehouse's views over the lake (``raw.api_requests``, ``meta.schema_versions``) name its location:
    they are made again over the lake they are restored beside, which may be another. False when that lake
    holds no raw table yet (the views are left as the backup had them)."""
    with warehouse.connect(str(target), lake, settings.s3) as con:
        return warehouse.refresh_raw_view(con, lake, replace=True)


def restore(settings: Settings, source: Path, instance=None, force: bool = False) -> dict:
    """Restore the backup in ``source`` into the warehouse, lake and ``instance`` of ``settings``; what was
    restored. Raises :class:`RestoreError` before writing anything when the backup is damaged or a target
    holds something and ``force`` is not given."""
    source = Path(source)
    manifest = _manifest(source)
    copy, data, objects, runs_folder, run_ids = _check_backup(source, manifest)
    if run_ids and instance is None:
        raise RestoreError(f"the backup holds {len(run_ids)} Dagster runs, but DAGSTER_HOME is not set: set it to "
                           "the instance to restore them into")
    catalog, lake = settings.warehouse_catalog(), settings.lake()
    if catalog.kind != "sqlite":
        raise RestoreError(f"the warehouse's catalog {catalog.describe()} is a PostgreSQL database: restore it with "
                           "the server's tools (pg_restore); baliza restore puts back a SQLite catalog")
    target = Path(catalog.path)
    if (found := _occupied(target, lake, data, objects, run_ids, instance)) and not force:
        raise RestoreError("restore refuses to overwrite what exists: " + "; ".join(found)
                           + ". Restore into an empty catalog path, lake and instance, or pass --force to replace "
                           "the catalog, the data files and the lake objects the backup holds, and add the runs the "
                           "instance lacks")
    restored = _put_warehouse(copy, target, manifest["warehouse"]["sha256"], data, lake)
    if restored != manifest["warehouse"]["tables"]:
        raise RestoreError(f"the restored warehouse {target} does not hold what the backup's did: "
                           f"{restored} against {manifest['warehouse']['tables']}")
    report = {"warehouse": {"path": str(target), "bytes": target.stat().st_size, "tables": len(restored),
                            "data_files": len(data), "data_bytes": sum(p.stat().st_size for _, p in data)},
              "lake": None, "dagster": None}
    if objects:
        held = {k: n for k, n in lake.store.sizes("").items() if not k.startswith(warehouse.DATA_FOLDER + "/")}
        for key, path in objects:
            lake.store.put(key, path.read_bytes())
        keys = {key for key, _ in objects}
        report["lake"] = {"location": lake.location, "objects": len(objects),
                          "bytes": sum(path.stat().st_size for _, path in objects),
                          "replaced": len(keys & held.keys()), "kept": len(held.keys() - keys)}
    else:  # the backup only lists the lake: say what of it the lake still holds
        held = lake.store.sizes("")
        listed = {e["key"]: e["bytes"] for e in manifest["lake"]["files"]}
        report["lake_listed"] = {"location": lake.location, "listed": len(listed),
                                 "missing": sorted(k for k, n in listed.items() if held.get(k) != n)}
    if run_ids:
        from . import run_records

        try:
            report["dagster"] = run_records.restore(instance, runs_folder, keep_existing=force)
        except run_records.RunRecordsError as e:
            raise RestoreError(f"restoring the run records: {e}") from None
    try:
        report["warehouse"]["lake_views"] = _point_views_at(target, lake, settings)
    except duckdb.Error as e:
        raise RestoreError(f"everything was restored, but the warehouse's views over the lake cannot be made over "
                           f"{lake.location}: {str(e).splitlines()[0]}") from None
    return report


def run(settings: Settings, source: Path, instance, force: bool, out) -> int:
    """Restore and print what was restored; 1 when the backup holds no copy of the lake and the lake lacks
    objects its manifest lists."""
    report = restore(settings, source, instance, force)
    wh = report["warehouse"]
    out.write(f"warehouse: {wh['path']}: {wh['bytes']:,} bytes, {wh['tables']} tables; {wh['data_files']} data "
              f"files ({wh['data_bytes']:,} bytes) under the lake's {warehouse.DATA_FOLDER}/\n")
    code = 0
    if lake := report["lake"]:
        out.write(f"lake: {lake['location']}: {lake['objects']} objects ({lake['bytes']:,} bytes) restored"
                  + (f", {lake['replaced']} of them replacing the lake's" if lake["replaced"] else "")
                  + (f"; {lake['kept']} objects not in the backup left as they were" if lake["kept"] else "")
                  + "\n")
    else:
        listed = report["lake_listed"]
        missing = listed["missing"]
        out.write(f"lake: not in this backup (made without --lake); {listed['location']} holds "
                  f"{listed['listed'] - len(missing)} of the {listed['listed']} objects its manifest lists"
                  + (f", missing {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}" if missing else "")
                  + "\n")
        code = 1 if missing else 0
    if runs := report["dagster"]:
        out.write(f"dagster: {runs['runs']} runs and their {runs['events']} events restored into the instance"
                  + (f"; {runs['kept']} runs it already had kept as they were" if runs["kept"] else "") + "\n")
    else:
        out.write("dagster: no run records in this backup (made without --runs)\n")
    return code
