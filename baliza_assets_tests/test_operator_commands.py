"""The `baliza` operator commands against a real archive: a sandbox day in a lake and a DuckDB file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.ops import backup, doctor, payload, query, retry, verify
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import ApiFaults, Faults

from .conftest import DAY
from .pipeline import materialize, resources
from .pipeline import query as sql
from .s3server import free_port
from .waiting import http_ok, wait

pytestmark = pytest.mark.e2e

CONTRATOS = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"])
SECRET = "known-secret-value-9f3c"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """DAY's contratos archived and staged; yields (settings, root, world, instance, endpoints)."""
    from .conftest import NOW

    root = tmp_path_factory.mktemp("ops")
    world = World(seed=7, volume="small", now=NOW)
    from baliza_sandbox.server import running

    with dg.instance_for_test() as instance, running(Sandbox(world, Faults())) as ep:
        assert materialize(resources(ep, root), instance, DAY, selection=CONTRATOS).success
        settings = Settings(consulta_url=ep.consulta, detail_url=ep.detail, duckdb_path=str(root / "baliza.duckdb"),
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
    before = hashlib.sha256(Path(settings.duckdb_path).read_bytes()).hexdigest()
    target = tmp_path / "leak.csv"
    for statement, kind in ((f"COPY (SELECT * FROM staging.contratos) TO '{target}'", "COPY"),
                            ("DELETE FROM staging.contratos", "DELETE"), ("DROP TABLE staging.contratos", "DROP"),
                            (f"ATTACH '{tmp_path / 'other.duckdb'}' AS other", "ATTACH"),
                            ("SELECT 1; CREATE TABLE x AS SELECT 1", "CREATE"), ("INSTALL httpfs", "LOAD"),
                            ("SET threads = 1", "SET"), (f"EXPORT DATABASE '{tmp_path / 'dump'}'", "EXPORT")):
        with pytest.raises(query.QueryRefused, match=f"refused: {kind} statement"):
            query.run(statement, settings, "table", io.StringIO())
    assert not target.exists() and not (tmp_path / "other.duckdb").exists() and not (tmp_path / "dump").exists()
    assert hashlib.sha256(Path(settings.duckdb_path).read_bytes()).hexdigest() == before
    # The CLI says why in one line, with a non-zero exit code.
    env = {**os.environ, "BALIZA_DUCKDB_PATH": settings.duckdb_path, "BALIZA_LAKE": settings.lake_location}
    done = subprocess.run([sys.executable, "-m", "baliza_assets.ops.cli", "query", "DELETE FROM staging.contratos"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("baliza query: refused: DELETE statement")


def test_fetch_payload_returns_the_archived_bytes(archive):
    settings, root, _, _, _ = archive
    sha, size = sql(settings.duckdb_path, "SELECT payload_sha256, payload_bytes FROM raw.api_requests LIMIT 1")[0]
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
    copy = tmp_path / "b1" / "baliza.duckdb"
    assert sql(copy, "SELECT count(*) FROM staging.contratos") == sql(settings.duckdb_path,
                                                                      "SELECT count(*) FROM staging.contratos")
    assert manifest["warehouse"]["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    files = {f["key"]: f["bytes"] for f in manifest["lake"]["files"]}
    on_disk = {str(p.relative_to(root / "lake")): p.stat().st_size for p in (root / "lake").rglob("*") if p.is_file()}
    assert files == on_disk and f"raw/contratos/date={DAY}/part-0.parquet" in files
    assert json.loads((tmp_path / "b1" / "manifest.json").read_text())["lake"]["objects"] == len(on_disk)
    with pytest.raises(FileExistsError, match="is not empty"):
        backup.backup(settings, tmp_path / "b1")


def test_doctor_reports_every_check_and_hides_secrets(archive, monkeypatch):
    settings, root, _, _, _ = archive
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", SECRET)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    code, text = _run(doctor.run, settings)
    assert SECRET not in text and "AWS_SECRET_ACCESS_KEY = (set, hidden)" in text
    assert code == 0, text
    assert "ok    pncp: detail API" in text and "ok    lake:" in text and "raw tables: contratos" in text
    assert "ok    duckdb:" in text and "staging" in text and "all checks passed" in text
    monkeypatch.setenv("BALIZA_CONSULTA_SHARE", "zero")
    broken = replace(settings, consulta_url="http://127.0.0.1:9", detail_url="http://127.0.0.1:9")
    code, text = _run(doctor.run, broken)
    assert code == 1
    assert "FAIL  configuration: BALIZA_CONSULTA_SHARE='zero'" in text and "FAIL  pncp:" in text
    assert "ok    lake:" in text and "2 check(s) failed" in text


def test_verify_and_retry_name_missing_failed_and_unreconciled_partitions(serve, tmp_path):
    """Three days: one complete, one whose reconciliation failed, one whose fetch failed. verify names
    them; retry-failed relaunches the two as one backfill through a real webserver's GraphQL API."""
    from .conftest import NOW

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
    captured = {d for (d,) in sql(tmp_path / "baliza.duckdb", "SELECT partition_date FROM cdc.snapshots")}
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
