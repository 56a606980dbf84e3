"""The `baliza` operator commands against a real archive: a sandbox day in a lake and a DuckDB file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.cli import backup, doctor, payload, query, restore, retry, verify
from baliza_assets.lib import warehouse
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import ApiFaults, Faults

from .conftest import DAY, NOW
from .pipeline import materialize, resources
from .pipeline import query as sql
from .s3server import free_port
from .waiting import http_ok, wait

pytestmark = pytest.mark.e2e

CONTRATOS = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"])
SUPPLIERS = dg.AssetSelection.assets(["marts", "supplier_profiles"])  # a mart built from cdc/contratos
SECRET = "known-secret-value-9f3c"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """DAY's contratos archived, staged and captured, and the suppliers mart built from them, in two runs;
    yields (settings, root, world, instance, endpoints)."""
    root = tmp_path_factory.mktemp("ops")
    world = World(seed=7, volume="small", now=NOW)
    from baliza_sandbox.server import running

    with dg.instance_for_test() as instance, running(Sandbox(world, Faults())) as ep, pytest.MonkeyPatch.context() as mp:
        mp.setattr(warehouse.connection, "INLINING_ROWS", 0)  # every insert a Parquet file: the backup copies files
        assert materialize(resources(ep, root), instance, DAY, selection=CONTRATOS).success
        assert materialize(resources(ep, root), instance, selection=SUPPLIERS).success
        settings = Settings(consulta_url=ep.consulta, detail_url=ep.detail, catalog=str(root / "catalog.sqlite"),
                            lake_location=str(root / "lake"))
        yield settings, root, world, instance, ep


def _run(module_run, *args, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    code = module_run(*args, out=out, **kwargs)
    return code, out.getvalue()


def test_query_reads_and_nothing_else_reaches_duckdb(archive, tmp_path):
    settings, root, world, _, _ = archive
    code, text = _run(query.run, "SELECT count(*) AS n FROM staging.contratos", settings, "csv")
    assert code == 0 and text.splitlines() == ["n", str(len(world.published("contratos", DAY)))]
    before = hashlib.sha256(Path(settings.catalog).read_bytes()).hexdigest()
    target = tmp_path / "leak.csv"
    for statement, kind in ((f"COPY (SELECT * FROM staging.contratos) TO '{target}'", "COPY"),
                            ("DELETE FROM staging.contratos", "DELETE"), ("DROP TABLE staging.contratos", "DROP"),
                            (f"ATTACH '{tmp_path / 'other.duckdb'}' AS other", "ATTACH"),
                            ("SELECT 1; CREATE TABLE x AS SELECT 1", "CREATE"), ("INSTALL httpfs", "LOAD"),
                            ("SET threads = 1", "SET"), (f"EXPORT DATABASE '{tmp_path / 'dump'}'", "EXPORT")):
        with pytest.raises(query.QueryRefused, match=f"refused: {kind} statement"):
            query.run(statement, settings, "table", io.StringIO())
    assert not target.exists() and not (tmp_path / "other.duckdb").exists() and not (tmp_path / "dump").exists()
    assert hashlib.sha256(Path(settings.catalog).read_bytes()).hexdigest() == before
    # The CLI says why in one line, with a non-zero exit code.
    env = {**os.environ, "BALIZA_CATALOG": settings.catalog, "BALIZA_LAKE": settings.lake_location}
    done = subprocess.run([sys.executable, "-m", "baliza_assets.cli", "query", "DELETE FROM staging.contratos"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("baliza query: refused: DELETE statement")


def test_fetch_payload_returns_the_archived_bytes(archive):
    settings, root, _, _, _ = archive
    sha, size = sql(settings.catalog, "SELECT payload_sha256, payload_bytes FROM raw.api_requests LIMIT 1")[0]
    body = payload.fetch(settings.lake(), sha)
    assert hashlib.sha256(body).hexdigest() == sha and len(body) == size
    assert json.loads(body)["data"]
    with pytest.raises(payload.PayloadNotFound, match="no payload with sha256 0{64}"):
        payload.fetch(settings.lake(), "0" * 64)
    with pytest.raises(ValueError, match="is not a sha256"):
        payload.fetch(settings.lake(), "../../etc/passwd")
    # The installed command writes those bytes and nothing else, so `baliza fetch-payload X | sha256sum` is X.
    env = {**os.environ, "BALIZA_LAKE": settings.lake_location}
    done = subprocess.run([str(Path(sys.executable).with_name("baliza")), "fetch-payload", sha], env=env,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert hashlib.sha256(done.stdout).hexdigest() == sha and done.stdout == body


def test_backup_copies_the_warehouse_and_lists_the_lake(archive, tmp_path):
    settings, root, _, _, _ = archive
    manifest = backup.backup(settings, tmp_path / "b1")
    copy = tmp_path / "b1" / "catalog.sqlite"
    con = backup.open_copy(copy, tmp_path / "b1" / "warehouse")  # the copy over its own data files
    try:
        assert backup.tables(con) == manifest["warehouse"]["tables"]
        assert con.execute("SELECT count(*) FROM baliza.staging.contratos").fetchall() == sql(
            settings.catalog, "SELECT count(*) FROM staging.contratos")
    finally:
        con.close()
    assert manifest["warehouse"]["tables"]["staging.contratos"] > 0
    assert manifest["warehouse"]["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    data = {f["key"]: f["bytes"] for f in manifest["warehouse"]["data"]["files"]}
    files = {f["key"]: f["bytes"] for f in manifest["lake"]["files"]}
    on_disk = {str(p.relative_to(root / "lake")): p.stat().st_size for p in (root / "lake").rglob("*") if p.is_file()}
    assert data and data == {k.removeprefix("warehouse/"): n for k, n in on_disk.items() if k.startswith("warehouse/")}
    assert files == {k: n for k, n in on_disk.items() if not k.startswith("warehouse/")}
    assert f"raw/contratos/date={DAY}/part-0.parquet" in files
    assert {str(p.relative_to(tmp_path / "b1" / "warehouse")): p.stat().st_size
            for p in (tmp_path / "b1" / "warehouse").rglob("*") if p.is_file()} == data
    assert json.loads((tmp_path / "b1" / "manifest.json").read_text())["lake"]["objects"] == len(files)
    with pytest.raises(FileExistsError, match="is not empty"):
        backup.backup(settings, tmp_path / "b1")


def _tables(db) -> dict[str, tuple[int, str]]:
    """Every table of a warehouse with its row count and a checksum of its rows (in any order)."""
    with warehouse.connect(str(db), read_only=True) as con:
        names = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'baliza' "
                            "ORDER BY 1, 2").fetchall()
        return {f"{schema}.{table}": con.execute(
            f'SELECT count(*), md5(coalesce(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR), \'\')) '
            f'FROM "{schema}"."{table}" t').fetchone() for schema, table in names}


def _objects(lake) -> dict[str, str]:
    return {key: hashlib.sha256(lake.store.get(key)).hexdigest() for key in lake.store.sizes("")}


def _runs(instance: dg.DagsterInstance) -> dict[str, tuple]:
    """Every run as the UI shows it (status, job, tags, created, started, ended) and its event log, verbatim."""
    return {r.dagster_run.run_id: (r.dagster_run.status, r.dagster_run.job_name, dict(r.dagster_run.tags),
                                   r.create_timestamp, r.start_time, r.end_time,
                                   [dg.serialize_value(e) for e in instance.all_logs(r.dagster_run.run_id)])
            for r in instance.get_run_records()}


def _partitions(instance: dg.DagsterInstance) -> dict[str, tuple]:
    """Per asset: its materialized partitions and the run of its latest materialization."""
    return {key.to_user_string(): (instance.get_materialized_partitions(key),
                                   instance.get_latest_materialization_event(key).run_id)
            for key in instance.get_asset_keys()}


def test_restore_puts_back_the_archive_history_marts_and_run_records(archive, tmp_path):
    """Back up everything, restore with `baliza restore` into a new warehouse path, lake and instance: every
    table, lake object and run comes back equal, and the restored warehouse reads the restored lake."""
    settings, root, world, instance, _ = archive
    tables, objects, runs, partitions = (_tables(settings.catalog), _objects(settings.lake()), _runs(instance),
                                         _partitions(instance))
    contratos = len(world.published("contratos", DAY))
    assert tables["staging.contratos"][0] == contratos and tables["cdc.contratos_history"][0] == contratos
    assert tables["marts.supplier_profiles"][0] > 10
    assert len(runs) == 2 and f"raw/contratos/date={DAY}/part-0.parquet" in objects
    assert partitions["raw/contratos"][0] == {str(DAY)} and partitions["marts/supplier_profiles"][0] == set()
    archived = {k: sha for k, sha in objects.items() if not k.startswith("warehouse/")}  # the rest: the warehouse's
    manifest = backup.backup(settings, tmp_path / "b", copy_lake=True, instance=instance)
    assert manifest["dagster"]["runs"] == 2 and manifest["lake"]["objects"] == len(archived)
    assert manifest["dagster"]["events"] == sum(len(r[-1]) for r in runs.values())

    home, fresh = tmp_path / "home", tmp_path / "restored"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "BALIZA_CATALOG": str(fresh / "catalog.sqlite"),
           "BALIZA_LAKE": str(fresh / "lake")}
    command = [str(Path(sys.executable).with_name("baliza")), "restore", str(tmp_path / "b")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    size = (fresh / "catalog.sqlite").stat().st_size
    data = manifest["warehouse"]["data"]["files"]
    assert done.stdout.splitlines() == [
        f"warehouse: {fresh / 'catalog.sqlite'}: {size:,} bytes, {len(tables)} tables; {len(data)} data files "
        f"({sum(f['bytes'] for f in data):,} bytes) under the lake's warehouse/",
        f"lake: {fresh / 'lake'}: {len(archived)} objects ({manifest['lake']['bytes']:,} bytes) restored",
        f"dagster: 2 runs and their {manifest['dagster']['events']} events restored into the instance",
    ]
    restored = settings.model_copy(update=dict(catalog=str(fresh / "catalog.sqlite"),
                                               lake_location=str(fresh / "lake")))
    assert _tables(restored.catalog) == tables
    assert _objects(restored.lake()) == objects
    # the warehouse's views over the lake read the restored one (query reaches no other folder)
    count = "SELECT count(*) AS n FROM raw.api_requests"
    assert _run(query.run, count, restored, "csv") == _run(query.run, count, settings, "csv")
    with dg.DagsterInstance.from_config(str(home)) as again:
        assert _runs(again) == runs
        assert _partitions(again) == partitions
        keys = [dg.AssetKey(["raw", "contratos"]), dg.AssetKey(["staging", "contratos"])]
        assert verify.verify(again, DAY, DAY, keys=keys) == [] == verify.verify(instance, DAY, DAY, keys=keys)

    # Again: refused, naming everything it would overwrite, and nothing changes.
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stderr == (
        f"baliza restore: restore refuses to overwrite what exists: the warehouse {fresh / 'catalog.sqlite'} "
        f"(BALIZA_CATALOG) exists, {size:,} bytes; the lake {fresh / 'lake'} (BALIZA_LAKE) holds "
        f"{len(archived)} objects; "
        "the Dagster instance holds 2 runs. Restore into an empty catalog path, lake and instance, or pass --force "
        "to replace the catalog, the data files and the lake objects the backup holds, and add the runs the "
        "instance lacks\n")
    # --force replaces the warehouse and the lake's objects; a lake object not in the backup and the runs the
    # instance has are kept: no run or event doubled.
    later, day_key = DAY.replace(day=DAY.day + 1), f"raw/contratos/date={DAY}/part-0.parquet"
    restored.lake().store.put(day_key.replace(str(DAY), str(later)), restored.lake().store.get(day_key))  # archived later
    restored.lake().store.put(day_key, b"damaged")
    with warehouse.connect(restored.catalog, restored.lake()) as con:
        con.execute("DELETE FROM marts.supplier_profiles")
    with dg.DagsterInstance.from_config(str(home)) as again:
        code, text = _run(restore.run, restored, tmp_path / "b", again, True)
        assert code == 0 and text.splitlines()[1:] == [
            f"lake: {fresh / 'lake'}: {len(archived)} objects ({manifest['lake']['bytes']:,} bytes) restored, "
            f"{len(archived)} of them replacing the lake's; 1 objects not in the backup left as they were",
            "dagster: 0 runs and their 0 events restored into the instance; 2 runs it already had kept as they were"]
        assert _runs(again) == runs and _partitions(again) == partitions
    assert _tables(restored.catalog) == tables
    after = _objects(restored.lake())
    assert after.pop(day_key.replace(str(DAY), str(later))) == objects[day_key]
    # the backup's every object is back as it was; the delete file the DELETE above wrote is left, unreferenced
    assert {k: after[k] for k in objects} == objects and all(k.startswith("warehouse/") for k in after.keys() - objects)


def test_restore_writes_the_lake_to_s3_and_the_warehouse_reads_it_there(archive, tmp_path, s3_server):
    settings, _, _, _, _ = archive
    backup.backup(settings, tmp_path / "b", copy_lake=True)
    bucket = f"baliza-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=bucket)
    target = settings.model_copy(update=dict(
        catalog=str(tmp_path / "catalog.sqlite"), lake_location=f"s3://{bucket}/lake",
        aws_endpoint_url=s3_server.endpoint_url, aws_access_key_id=s3_server.access_key_id,
        aws_secret_access_key=s3_server.secret_access_key, aws_region=s3_server.region))
    code, text = _run(restore.run, target, tmp_path / "b", None, False)
    assert code == 0 and f"lake: s3://{bucket}/lake: " in text, text
    assert _objects(target.lake()) == _objects(settings.lake())
    count = "SELECT count(*) AS n FROM raw.api_requests"
    assert _run(query.run, count, target, "csv") == _run(query.run, count, settings, "csv")


def test_a_backup_without_the_lake_restores_the_warehouse_and_says_what_the_lake_lacks(archive, tmp_path):
    """The lake on durable storage stays where it is: the manifest tells whether it still holds what it listed."""
    settings, root, _, _, _ = archive
    manifest = backup.backup(settings, tmp_path / "b")
    assert not (tmp_path / "b" / "lake").exists() and manifest["dagster"] is None
    beside = settings.model_copy(update=dict(catalog=str(tmp_path / "w1" / "catalog.sqlite")))
    code, text = _run(restore.run, beside, tmp_path / "b", None, False)
    n = manifest["lake"]["objects"]
    assert code == 0 and text.splitlines()[1:] == [
        f"lake: not in this backup (made without --lake); {root / 'lake'} holds {n} of the {n} objects its manifest "
        "lists", "dagster: no run records in this backup (made without --runs)"]
    assert _tables(beside.catalog) == _tables(settings.catalog)
    elsewhere = beside.model_copy(update=dict(catalog=str(tmp_path / "w2" / "catalog.sqlite"),
                                              lake_location=str(tmp_path / "l")))
    code, text = _run(restore.run, elsewhere, tmp_path / "b", None, False)
    first = sorted(f["key"] for f in manifest["lake"]["files"])[0]
    assert code == 1 and text.splitlines()[1].startswith(
        f"lake: not in this backup (made without --lake); {tmp_path / 'l'} holds 0 of the {n} objects its manifest "
        f"lists, missing {first}, "), text


def test_restore_refuses_a_damaged_or_foreign_backup_before_writing(archive, tmp_path):
    settings, root, _, instance, _ = archive
    backup.backup(settings, tmp_path / "b", copy_lake=True)
    target = settings.model_copy(update=dict(catalog=str(tmp_path / "w" / "catalog.sqlite"),
                                             lake_location=str(tmp_path / "l")))
    with pytest.raises(restore.RestoreError, match=f"{tmp_path / 'nothing'} is not a folder"):
        restore.restore(target, tmp_path / "nothing")
    with pytest.raises(restore.RestoreError, match="holds no manifest.json: not a backup made by `baliza backup`"):
        restore.restore(target, root / "lake")
    key = f"raw/contratos/date={DAY}/part-0.parquet"
    (tmp_path / "b" / "lake" / key).write_bytes(b"not what was archived")
    with pytest.raises(restore.RestoreError, match=f"the backup's copy of lake object {key} is damaged: its sha256 "
                                                   "differs from the manifest's"):
        restore.restore(target, tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["lake"]["files"][0]["key"] = "../../outside.parquet"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(restore.RestoreError, match="the manifest names the lake object '../../outside.parquet', "
                                                   "which is not a path inside the backup"):
        restore.restore(target, tmp_path / "b")
    assert not (tmp_path / "w").exists() and not (tmp_path / "l").exists(), "nothing written"
    # A backup with run records needs an instance to restore them into.
    backup.backup(settings, tmp_path / "r", instance=instance)
    with pytest.raises(restore.RestoreError, match="the backup holds 2 Dagster runs, but DAGSTER_HOME is not set"):
        restore.restore(target, tmp_path / "r")
    assert not (tmp_path / "w").exists()


def test_doctor_reports_every_check_and_hides_secrets(archive, monkeypatch):
    settings, root, _, _, _ = archive
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", SECRET)
    monkeypatch.setenv("BALIZA_CATALOG", f"postgresql://baliza_catalog:{SECRET}@db.example:5432/baliza_catalog")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    code, text = _run(doctor.run, settings, today=NOW.date())  # the sandbox's clock, never the wall clock's
    assert SECRET not in text and "AWS_SECRET_ACCESS_KEY = (set, hidden)" in text
    assert "BALIZA_CATALOG = postgresql://baliza_catalog@db.example:5432/baliza_catalog (password hidden)" in text
    assert code == 0, text
    assert "ok    pncp: detail API" in text and "ok    lake:" in text and "raw tables: contratos" in text
    assert f"ok    warehouse: {settings.catalog}: snapshot " in text and "staging" in text
    assert "all checks passed" in text
    monkeypatch.setenv("BALIZA_CONSULTA_SHARE", "zero")
    broken = settings.model_copy(update=dict(consulta_url="http://127.0.0.1:9", detail_url="http://127.0.0.1:9"))
    code, text = _run(doctor.run, broken, today=NOW.date())
    assert code == 1
    assert "FAIL  configuration: BALIZA_CONSULTA_SHARE='zero'" in text and "FAIL  pncp:" in text
    assert "ok    lake:" in text and "2 check(s) failed" in text


def test_verify_and_retry_name_missing_failed_and_unreconciled_partitions(serve, tmp_path):
    """Three days: one complete, one whose reconciliation failed, one whose fetch failed. verify names
    them; retry-failed relaunches the two as one backfill through a real webserver's GraphQL API."""

    big = World(seed=7, volume=replace(World(seed=7, volume="small").volume, contratos=1200), now=NOW)  # 3 pages
    day2, day3 = DAY.replace(day=11), DAY.replace(day=12)
    broken = Faults(consulta=ApiFaults(rates={"500_text": 1.0}, repeats=None, deep_page=1, slow_error_seconds=0.0))
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        with serve(Sandbox(big, Faults())) as ep:
            assert materialize(resources(ep, tmp_path), instance, DAY, selection=CONTRATOS).success
        dropped = Sandbox(big, Faults())
        dropped.dropped.add("/api/consulta/v1/contratos?dataInicial=20250711&dataFinal=20250711&pagina=2"
                            "&tamanhoPagina=500")
        with serve(dropped) as ep:
            materialize(resources(ep, tmp_path), instance, day2, selection=CONTRATOS, raise_on_error=False)
        with serve(Sandbox(big, broken)) as ep:
            assert not materialize(resources(ep, tmp_path, max_attempts=2), instance, day3, selection=CONTRATOS,
                                   raise_on_error=False).success
        found = {(p.day, p.asset, p.kind) for p in verify.verify(instance, DAY, day3, keys=[
            dg.AssetKey(["raw", "contratos"]), dg.AssetKey(["staging", "contratos"]), dg.AssetKey(["raw", "atas"])])}
        code_v, table = _run(verify.run, instance, DAY, day3, keys=[
            dg.AssetKey(["raw", "contratos"]), dg.AssetKey(["staging", "contratos"]), dg.AssetKey(["raw", "atas"])])
        keys, days = retry.plan(instance, DAY, day3)
        with webserver(home) as url:
            code, text = _run(retry.run, instance, DAY, day3, url, False)
        backfill = instance.get_backfill(text.split("launched backfill ")[1].split()[0])
    assert found == {
        (str(DAY), "raw/atas", "missing"), (str(day2), "raw/atas", "missing"), (str(day3), "raw/atas", "missing"),
        (str(day2), "raw/contratos", "reconciliation failed"), (str(day3), "raw/contratos", "failed"),
        # Dagster marks a planned partition whose upstream failed as failed too, as the UI shows it.
        (str(day2), "staging/contratos", "failed"), (str(day3), "staging/contratos", "failed"),
    }
    # asked against done: three days asked of each asset
    assert code_v == 1 and table.splitlines()[:5] == [
        f"Asked {DAY}..{day3}: 3 day(s) for each of 3 partitioned assets",
        "  asset                             done  missing  failed  running  check failed",
        "  raw/contratos                 1/3  33%        0       1        0             1",
        "  staging/contratos             1/3  33%        0       2        0             0",
        "  raw/atas                      0/3   0%        3       0        0             0",
    ]
    assert table.splitlines()[-1] == "3 day(s) x 3 partitioned assets: 7 problem(s)"
    assert days == [str(day2), str(day3)]
    captured = {d for (d,) in sql(tmp_path / "catalog.sqlite", "SELECT partition_date FROM cdc.snapshots")}
    assert captured == {DAY}, "a short (unreconciled) or failed refresh never reaches the change log"
    assert ["raw", "contratos"] in keys and ["staging", "contratos"] in keys and ["cdc", "contratos"] in keys
    assert ["raw", "contratacoes"] not in keys and ["marts", "supplier_profiles"] not in keys
    assert code == 0 and f"2 day(s): {day2}, {day3}" in text
    targeted = backfill.asset_backfill_data.target_subset
    assert {tuple(k.path) for k in targeted.asset_keys} == {tuple(k) for k in keys}
    assert set(targeted.get_partitions_subset(dg.AssetKey(["raw", "contratos"])).get_partition_keys()) == set(days)


@contextmanager
def webserver(home: Path):
    """`dagster-webserver` on loopback over the instance in ``home`` and the Baliza code location."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("dagster-webserver")), "-h", "127.0.0.1", "-p",
                             str(port), "-m", "baliza_assets.definitions"], env={**os.environ, "DAGSTER_HOME": str(home)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    def up() -> bool:
        assert proc.poll() is None, "the webserver exited"
        return http_ok(f"{url}/server_info")

    try:
        wait("the webserver", up, 90, every=0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
