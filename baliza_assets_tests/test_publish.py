"""`baliza publish`: a consumer with nothing but DuckDB and its extensions (another Python, which cannot import
Baliza) attaches the published archive, from a folder and from S3 with credentials that may only read, and gets
the warehouse's price evidence, verifies a cited payload by its sha256, and keeps getting them after the
warehouse changes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import duckdb
import pytest
from botocore.config import Config

from baliza_assets.cli import publish
from baliza_assets.lib import warehouse
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, profile

from .conftest import DAY
from .pipeline import CATALOG, materialize, query, resources

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
PRICES = "SELECT * FROM marts.price_evidence ORDER BY ALL"
CONSUMER = r"""
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import duckdb, duckdb_extensions
ask = json.loads(sys.argv[2])
con = duckdb.connect()
con.execute("SET extension_directory = ?", [ask["extensions"]])
for name in ask["load"]:
    duckdb_extensions.import_extension(name, con=con)
    con.execute(f"LOAD {name}")
if "s3" in ask:
    s3 = ask["s3"]
    con.execute(f"CREATE SECRET (TYPE s3, KEY_ID '{s3['key']}', SECRET '{s3['secret']}', ENDPOINT '{s3['host']}', "
                "URL_STYLE 'path', USE_SSL false, REGION 'us-east-1')")
con.execute(ask["attach"])
con.execute("USE baliza")
rows = con.execute(ask["prices"]).fetchall()
payload, text = con.execute("SELECT payload, raw.payload(payload_sha256) FROM raw.api_requests "
                            "WHERE payload_sha256 = ?", [ask["sha"]]).fetchone()
try:
    con.execute("CREATE TABLE marts.mine AS SELECT 1 AS x")
    wrote = "written"
except duckdb.Error as e:
    wrote = str(e).splitlines()[0]
print(json.dumps({"rows": json.dumps(rows, default=str), "payload_sha256": hashlib.sha256(payload).hexdigest(),
                  "text_is_payload": text.encode() == payload, "write": wrote,
                  "baliza_importable": any(m.startswith("baliza") for m in sys.modules)}))
"""


def _duckdb_only(folder: Path) -> Path:
    """A folder holding DuckDB's Python package and its extension wheels, nothing else: the consumer's whole
    world (it runs with -S -I: the standard library and this folder)."""
    site = Path(duckdb.__file__).parent.parent
    folder.mkdir()
    for entry in site.iterdir():
        if entry.name.startswith(("duckdb", "_duckdb")):
            (folder / entry.name).symlink_to(entry)
    return folder


def _consume(tmp_path: Path, manifest: dict, sha: str, s3: dict | None = None) -> dict:
    only = tmp_path / "duckdb-only"
    if not only.exists():
        _duckdb_only(only)
    ask = {"extensions": str(tmp_path / "consumer-extensions"), "load": manifest["extensions"],
           "attach": manifest["attach"], "prices": PRICES, "sha": sha, **({"s3": s3} if s3 else {})}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BALIZA_", "PNCP_"))}
    done = subprocess.run([sys.executable, "-S", "-I", "-c", CONSUMER, str(only), json.dumps(ask)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _warehouse_rows(catalog: str, snapshot: int) -> str:
    return json.dumps(query(catalog, PRICES, as_of=warehouse.AsOf(version=snapshot)), default=str)


def test_a_published_archive_is_read_with_duckdb_alone_from_a_folder_and_from_s3(world, serve, tmp_path, instance,
                                                                                  s3_server):
    with serve(Sandbox(world, profile("none"))) as ep:
        assert materialize(resources(ep, tmp_path), instance, DAY).success
    catalog = str(tmp_path / CATALOG)
    settings = Settings(catalog=catalog, lake_location=str(tmp_path / "lake"))
    snapshot = query(catalog, "SELECT id FROM current_snapshot()")[0][0]
    prices = _warehouse_rows(catalog, snapshot)
    cited = query(catalog, "SELECT payload_sha256 FROM marts.price_evidence ORDER BY ALL LIMIT 1")[0][0]
    assert json.loads(prices) and cited

    # From a folder, published by the command
    dest = tmp_path / "published" / "2025-07-10"
    env = {**os.environ, "BALIZA_CATALOG": catalog, "BALIZA_LAKE": settings.lake_location}
    done = subprocess.run([str(BIN / "baliza"), "publish", str(dest)], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((dest / publish.MANIFEST).read_text())
    assert done.stdout.splitlines()[0].startswith(f"{dest}: the warehouse at snapshot {snapshot} (")
    assert done.stdout.splitlines()[1] == f"attach it with: {manifest['attach']}"
    assert manifest["attach"] == (f"ATTACH 'ducklake:{dest}/catalog.ducklake' AS baliza "
                                  f"(READ_ONLY, SNAPSHOT_VERSION {manifest['catalog']['snapshot']})")
    assert manifest["snapshot"] == snapshot and manifest["data_path"] == f"{dest}/data/"
    counted = {t: n for t, n in _counts(catalog, snapshot).items() if not t.startswith("marts_state.")}
    assert {t: e["rows"] for t, e in manifest["tables"].items() if e["from"] == "warehouse"} == counted
    assert manifest["tables"]["marts.price_evidence"]["columns"]["valor_unitario_homologado"] == "DECIMAL(38,6)"
    assert manifest["tables"]["raw.api_requests"]["rows"] == query(catalog, "SELECT count(*) FROM raw.api_requests")[0][0]
    on_disk = {p.relative_to(dest).as_posix(): p for p in (dest / "data").rglob("*") if p.is_file()}
    assert {f["key"] for f in manifest["files"]} == set(on_disk) and on_disk
    assert all(hashlib.sha256(on_disk[f["key"]].read_bytes()).hexdigest() == f["sha256"] for f in manifest["files"])
    assert hashlib.sha256((dest / "catalog.ducklake").read_bytes()).hexdigest() == manifest["catalog"]["sha256"]
    assert sorted(p.name for p in dest.iterdir()) == ["catalog.ducklake", "data", "manifest.json"]

    local = _consume(tmp_path, manifest, cited)
    assert local["rows"] == prices
    assert local["payload_sha256"] == cited and local["text_is_payload"]
    assert "read-only" in local["write"] and not local["baliza_importable"]

    # The warehouse moves on (a price removed); the publication does not
    with warehouse.connect(catalog, settings.lake()) as con:
        assert con.execute("DELETE FROM marts.price_evidence WHERE payload_sha256 = ?", [cited]).fetchone()[0] > 0
    assert json.dumps(query(catalog, PRICES), default=str) != prices
    assert _consume(tmp_path, manifest, cited)["rows"] == prices

    # On S3, the snapshot published before the change, read with credentials that may only read
    bucket = f"pub-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=bucket)
    on_s3 = settings.model_copy(update={"aws_endpoint_url": s3_server.endpoint_url,
                                        "aws_access_key_id": s3_server.access_key_id,
                                        "aws_secret_access_key": s3_server.secret_access_key,
                                        "aws_region": s3_server.region})
    manifest = publish.publish(on_s3, f"s3://{bucket}/baliza/{DAY}", as_of=str(snapshot))
    assert manifest["snapshot"] == snapshot
    assert manifest["attach"] == (f"ATTACH 'ducklake:s3://{bucket}/baliza/{DAY}/catalog.ducklake' AS baliza "
                                  f"(READ_ONLY, SNAPSHOT_VERSION {manifest['catalog']['snapshot']})")
    stored = json.loads(s3_server.client().get_object(Bucket=bucket, Key=f"baliza/{DAY}/manifest.json")["Body"].read())
    assert stored == {k: v for k, v in manifest.items() if k != "seconds"}
    reader = {"key": s3_server.reader_key_id, "secret": s3_server.reader_secret,
              "host": s3_server.endpoint_url.removeprefix("http://")}
    remote = _consume(tmp_path, manifest, cited, s3=reader)  # those credentials cannot write the bucket:
    assert remote["rows"] == prices and remote["payload_sha256"] == cited and "read-only" in remote["write"]
    as_reader = boto3.client("s3", endpoint_url=s3_server.endpoint_url, aws_access_key_id=reader["key"],
                             aws_secret_access_key=reader["secret"], region_name="us-east-1",
                             config=Config(s3={"addressing_style": "path"}))
    with pytest.raises(Exception, match="AccessDenied"):
        as_reader.put_object(Bucket=bucket, Key=f"baliza/{DAY}/manifest.json", Body=b"{}")

    # A publication is never changed, and never made inside the lake
    with pytest.raises(publish.PublishError, match="is not empty: a publication is never changed"):
        publish.publish(settings, str(dest))
    with pytest.raises(publish.PublishError, match="overlaps the lake"):
        publish.publish(settings, str(tmp_path / "lake" / "published"))


def _counts(catalog: str, snapshot: int) -> dict[str, int]:
    with warehouse.connect(catalog, read_only=True, as_of=warehouse.AsOf(version=snapshot)) as con:
        names = con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = ?",
                            [warehouse.NAME]).fetchall()
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in names}
