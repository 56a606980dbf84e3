"""`baliza restore SRC [--force]`: a backup made by `baliza backup` put back. The warehouse copy becomes the
file at BALIZA_DUCKDB_PATH (staging, the CDC history, the marts); the lake's copy, when the backup has one
(`baliza backup --lake`), is written to BALIZA_LAKE, local or S3; the run records, when it has them
(`--runs`), go into the Dagster instance of DAGSTER_HOME.

Nothing is written before the whole backup is checked (the warehouse copy and every lake object against
the sha256 in its manifest, the run records read through) and every target is found empty. A warehouse
file, a lake holding objects or an instance holding runs is refused unless ``force``: then the warehouse
file is replaced (refused while a run or a query holds it), the lake objects the backup holds are written
over theirs, the runs it holds that the instance lacks are added (a run the instance has is the same run, and
kept as it is), and whatever else the lake and the instance hold is left as it is.
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
from .backup import MANIFEST, file_sha256


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
    except (ValueError, KeyError, TypeError) as e:
        raise RestoreError(f"{path} is not a backup manifest ({type(e).__name__}: {e})") from None
    return manifest


def _inside(folder: Path, name: str, what: str) -> Path:
    """``folder / name``, refusing a name that would lead out of ``folder``."""
    parts = PurePosixPath(name).parts
    if not name or PurePosixPath(name).is_absolute() or ".." in parts or "\\" in name:
        raise RestoreError(f"the manifest names {what} {name!r}, which is not a path inside the backup")
    return folder.joinpath(*parts)


def _check_backup(source: Path, manifest: dict) -> tuple[Path, list[tuple[str, Path]], Path | None, list[str]]:
    """The warehouse copy, the lake objects (key, file) and the run records' folder and run ids, each proven
    whole against the manifest."""
    wh = manifest["warehouse"]
    copy = _inside(source, wh["copy"], "the warehouse copy")
    if not copy.is_file():
        raise RestoreError(f"the backup's warehouse copy {copy} is missing")
    if file_sha256(copy) != wh["sha256"]:
        raise RestoreError(f"the backup's warehouse copy {copy} is damaged: its sha256 differs from the manifest's")
    objects = []
    if manifest["lake"].get("copy"):
        folder = _inside(source, manifest["lake"]["copy"], "the lake copy")
        for entry in manifest["lake"]["files"]:
            path = _inside(folder, entry["key"], "the lake object")
            if not path.is_file():
                raise RestoreError(f"the backup's copy of lake object {entry['key']} is missing ({path})")
            if hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
                raise RestoreError(f"the backup's copy of lake object {entry['key']} is damaged: its sha256 "
                                   "differs from the manifest's")
            objects.append((entry["key"], path))
    runs_folder, run_ids = None, []
    if manifest.get("dagster"):
        from . import run_records

        runs_folder = _inside(source, manifest["dagster"]["copy"], "the run records")
        try:
            run_ids = run_records.run_ids(runs_folder)
        except run_records.RunRecordsError as e:
            raise RestoreError(f"the backup's run records cannot be read: {e}") from None
    return copy, objects, runs_folder, run_ids


def _occupied(target: Path, lake, objects, run_ids, instance) -> list[str]:
    """Every target that already holds something the restore would overwrite."""
    found = []
    wal = target.with_name(target.name + ".wal")
    if (target.exists() and target.stat().st_size) or wal.exists():
        found.append(f"the warehouse {target} (BALIZA_DUCKDB_PATH) exists, "
                     f"{target.stat().st_size if target.exists() else 0:,} bytes")
    if objects and (held := lake.store.sizes("")):
        found.append(f"the lake {lake.location} (BALIZA_LAKE) holds {len(held)} objects")
    if run_ids and (runs := instance.get_runs_count()):
        found.append(f"the Dagster instance holds {runs} runs")
    return found


def _put_warehouse(copy: Path, target: Path, sha256: str, tables: int) -> int:
    """Replace ``target`` with ``copy`` (and the write-ahead log copied beside it, if any), atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    wal = target.with_name(target.name + ".wal")
    if target.exists():
        try:  # a writer or a reader holding the file would go on with the old one, or corrupt the new one
            duckdb.connect(str(target)).close()  # (closing checkpoints the old file's write-ahead log)
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise RestoreError(f"the warehouse {target} is in use (a run or a query holds it): stop them, "
                                   "then restore") from None
        except duckdb.Error:  # not a warehouse DuckDB can open: nothing to keep
            pass
    tmp = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex}")
    try:
        shutil.copyfile(copy, tmp)
        if file_sha256(tmp) != sha256:
            raise RestoreError(f"the warehouse copied to {tmp} differs from the backup's; nothing was replaced")
        wal.unlink(missing_ok=True)  # the old file's, never to be replayed on the restored one
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    copied_wal = copy.with_name(copy.name + ".wal")
    if copied_wal.exists():
        shutil.copyfile(copied_wal, wal)
    con = duckdb.connect(str(target), read_only=True)
    try:
        restored = con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]
    finally:
        con.close()
    if restored != tables:
        raise RestoreError(f"the restored warehouse {target} holds {restored} tables, the backup's {tables}")
    return restored


def _point_views_at(target: Path, lake, settings: Settings) -> bool:
    """The warehouse's views over the lake (``raw.api_requests``, ``meta.schema_versions``) name its location:
    they are made again over the lake they are restored beside, which may be another. False when that lake
    holds no raw table yet (the views are left as the backup had them)."""
    with warehouse.connect(str(target), lake, settings.s3) as con:
        return warehouse.refresh_raw_view(con, lake)


def restore(settings: Settings, source: Path, instance=None, force: bool = False) -> dict:
    """Restore the backup in ``source`` into the warehouse, lake and ``instance`` of ``settings``; what was
    restored. Raises :class:`RestoreError` before writing anything when the backup is damaged or a target
    holds something and ``force`` is not given."""
    source = Path(source)
    manifest = _manifest(source)
    copy, objects, runs_folder, run_ids = _check_backup(source, manifest)
    if run_ids and instance is None:
        raise RestoreError(f"the backup holds {len(run_ids)} Dagster runs, but DAGSTER_HOME is not set: set it to "
                           "the instance to restore them into")
    target, lake = Path(settings.duckdb_path), settings.lake()
    if (found := _occupied(target, lake, objects, run_ids, instance)) and not force:
        raise RestoreError("restore refuses to overwrite what exists: " + "; ".join(found)
                           + ". Restore into an empty warehouse path, lake and instance, or pass --force to replace "
                           "the warehouse file and the lake objects the backup holds, and add the runs the instance "
                           "lacks")
    tables = _put_warehouse(copy, target, manifest["warehouse"]["sha256"], len(manifest["warehouse"]["tables"]))
    report = {"warehouse": {"path": str(target), "bytes": target.stat().st_size, "tables": tables},
              "lake": None, "dagster": None}
    if objects:
        held = lake.store.sizes("")
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
    out.write(f"warehouse: {wh['path']}: {wh['bytes']:,} bytes, {wh['tables']} tables\n")
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
