"""The lake on a real S3-compatible server (SeaweedFS on loopback)."""

from __future__ import annotations

import uuid

import dagster as dg
import pytest

from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake, S3Settings
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import assert_day_matches, materialize, resources

pytestmark = pytest.mark.e2e


@pytest.fixture
def bucket(s3_server):
    name = f"baliza-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=name)
    return name


def _settings(server) -> S3Settings:
    return S3Settings(server.endpoint_url, server.access_key_id, server.secret_access_key, server.region)


def test_whole_day_with_the_lake_on_s3(world, serve, tmp_path, s3_server, bucket):
    location = f"s3://{bucket}/archive"
    with dg.instance_for_test() as instance, serve(Sandbox(world, profile("none"))) as ep:
        res = resources(ep, tmp_path, lake=location, s3=s3_server)
        assert materialize(res, instance, DAY).success
        assert materialize(res, instance, DAY).success  # idempotent on S3 too
    pages = s3_server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    keys = sorted(o["Key"] for page in pages for o in page.get("Contents", []))
    # the warehouse's data files: Parquet under the lake's warehouse/ (its catalog is a file beside the test)
    data = [k for k in keys if k.startswith("archive/warehouse/")]
    assert data and all(k.endswith(".parquet") for k in data), data
    assert {k.split("/")[2] for k in data} >= {"staging", "cdc", "marts"}, data
    keys = [k for k in keys if not k.startswith("archive/warehouse/")]
    changes = {}
    for k in keys:
        if k.startswith("archive/cdc/"):
            changes.setdefault(k.split("/")[2], []).append(k)
            assert k.startswith(f"archive/cdc/{k.split('/')[2]}/changes/date={DAY}/changes-"), k
    assert {e: len(files) for e, files in changes.items()} == dict.fromkeys(
        ("arquivos", "atas", "contratacoes", "contratos", "itens", "resultados"), 1), "one change set of inserts; the re-run changed nothing"
    raw = ("raw/arquivos", "raw/arquivos_updated", "raw/atas", "raw/atualizacoes", "raw/contratacoes", "raw/contratos",
           "raw/itens", "raw/itens_updated", "raw/resultados", "raw/resultados_updated", "raw/sweeps")
    # each archived table, and beside it what its asset kept of each page's decode on arrival: the payload
    # fingerprints and the identifiers that call for details
    assert sorted(k for k in keys if not k.startswith("archive/cdc/")) == sorted(
        f"archive/{t}/date={DAY}/part-0.parquet"
        for t in raw + tuple(f"meta/{kept}/{t}" for t in raw for kept in ("schema_versions", "listed")))
    assert not (tmp_path / "lake").exists(), "nothing may go to local disk when the lake is on S3"
    assert_day_matches(world, tmp_path / "catalog.sqlite", DAY, s3=_settings(s3_server))

    lake = Lake(location, _settings(s3_server))
    with warehouse.connect(str(tmp_path / "catalog.sqlite"), lake, _settings(s3_server), read_only=True) as con:
        n, statuses = con.execute("SELECT count(*), list(DISTINCT http_status ORDER BY http_status) "
                                  "FROM raw.api_requests").fetchone()
        sha = con.execute("SELECT payload_sha256 FROM raw.api_requests WHERE endpoint = 'itens' LIMIT 1").fetchone()[0]
        text = con.execute("SELECT raw.payload(?)", [sha]).fetchone()[0]
    assert n == sum(lake.read(f"raw/{t}", DAY).height
                    for t in ("itens", "arquivos", "resultados", "atas", "contratacoes", "contratos", "atualizacoes",
                              "itens_updated", "arquivos_updated", "resultados_updated", "sweeps"))
    assert 200 in statuses and text.startswith("[")


def test_s3_lake_roundtrip_and_pending(s3_server, bucket):
    import polars as pl

    lake = Lake(f"s3://{bucket}/p", _settings(s3_server))
    frame = pl.DataFrame({"partition_date": [DAY, DAY], "x": [1, 2]})
    lake.write("raw/t", DAY, frame)
    assert lake.exists("raw/t", DAY) and lake.days("raw/t") == [DAY]
    assert lake.read("raw/t", DAY).equals(frame)
    assert lake.scan("raw/t", [DAY]).collect().equals(frame)
    lake.write_pending("raw/t", DAY, frame.head(1))
    lake.write_pending("raw/t", DAY, frame.tail(1))
    assert sorted(lake.scan_pending("raw/t", DAY).collect()["x"].to_list()) == [1, 2]
    lake.clear_pending("raw/t", DAY)
    assert lake.scan_pending("raw/t", DAY) is None


def test_wrong_s3_credentials_fail_with_a_clear_error(s3_server, bucket):
    import polars as pl

    bad = S3Settings(s3_server.endpoint_url, s3_server.access_key_id, "not-the-secret", s3_server.region)
    with pytest.raises(Exception) as info:
        Lake(f"s3://{bucket}/p", bad).write("raw/t", DAY, pl.DataFrame({"x": [1]}))
    assert "SignatureDoesNotMatch" in str(info.value) or "AccessDenied" in str(info.value)
    assert "not-the-secret" not in str(info.value)
