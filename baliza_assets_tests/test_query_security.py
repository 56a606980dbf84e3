"""`baliza query` reads the warehouse and the lake and nothing else: with the lake in a local folder and on
S3 (SeaweedFS on loopback), hostile queries are refused with a clear reason before they run (and DuckDB's
sandbox refuses them too), leave the warehouse and the lake byte for byte as they were, send no request
outside the lake's prefix nor to any other host, and a query that runs too long is stopped."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dagster as dg
import duckdb
import pytest

from baliza_assets.cli import payload, query
from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults

from .conftest import DAY
from .pipeline import materialize, resources
from .tcp_recorder import TcpRecorder
from .test_operator_commands import CONTRATOS, archive  # noqa: F401  (the local archive, shared)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def s3_archive(s3_server, tmp_path_factory):
    """DAY's contratos archived on S3 (s3://bucket/archive) and staged; objects outside the lake beside it.
    Yields (settings, root, world, bucket)."""
    from baliza_sandbox.server import running

    from .conftest import NOW

    root = tmp_path_factory.mktemp("ops-s3")
    bucket = f"baliza-q-{uuid.uuid4().hex[:8]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket)
    client.create_bucket(Bucket=f"{bucket}-other")
    client.put_object(Bucket=bucket, Key="outside/private.csv", Body=b"private\n1\n")
    client.put_object(Bucket=bucket, Key="archive-twin/private.csv", Body=b"private\n2\n")
    client.put_object(Bucket=f"{bucket}-other", Key="private.csv", Body=b"private\n3\n")
    location = f"s3://{bucket}/archive"
    world = World(seed=7, volume="small", now=NOW)
    with dg.instance_for_test() as instance, running(Sandbox(world, Faults())) as ep:
        assert materialize(resources(ep, root, lake=location, s3=s3_server), instance, DAY, selection=CONTRATOS).success
    yield Settings(consulta_url=ep.consulta, detail_url=ep.detail, catalog=str(root / "catalog.sqlite"),
                   lake_location=location, aws_endpoint_url=s3_server.endpoint_url,
                   aws_access_key_id=s3_server.access_key_id, aws_secret_access_key=s3_server.secret_access_key,
                   aws_region=s3_server.region), root, world, bucket


@dataclass
class Case:
    """One archive as a query sees it: the lake's root URI and what lies outside the lake."""
    settings: Settings
    world: World
    root: Path
    lake_root: str
    outside: Path
    snapshot: object
    outside_reads: list = field(default_factory=list)
    s3_env: dict = field(default_factory=dict)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def _outside_files(folder: Path) -> None:
    """Readable files outside the lake, one per reader: each a thing a query must not reach."""
    folder.mkdir()
    (folder / "private.json").write_text('{"private": 1}\n')
    (folder / "private.csv").write_text("private\n1\n")
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 1 AS private) TO '{folder / 'private.parquet'}' (FORMAT parquet)")
    con.close()
    db = sqlite3.connect(folder / "private.sqlite")
    db.execute("CREATE TABLE private AS SELECT 1 AS private")
    db.commit()
    db.close()
    dump = folder / "dump"
    dump.mkdir()
    (dump / "schema.sql").write_text("SELECT 42 AS leaked;\n")
    (dump / "load.sql").write_text("")


def _catalog_reads(settings: Settings) -> list[tuple[str, str]]:
    """The warehouse's catalog is read through the attached warehouse only: not as a file, nor its own tables. The
    catalog's extensions read outside DuckDB's own sandbox (sqlite_scan opens any SQLite file): their table
    functions are refused before anything runs, as every table function baliza query does not know."""
    outside = Path(settings.catalog).parent / "outside" / "private.sqlite"
    return [
        (f"SELECT * FROM sqlite_scan('{outside}', 'private')", "table function sqlite_scan() is not available"),
        (f"SELECT * FROM sqlite_attach('{outside}')", "table function sqlite_attach() is not available"),
        ("SELECT * FROM postgres_scan('host=127.0.0.1 dbname=postgres', 'public', 'x')",
         "table function postgres_scan() is not available"),
        ("SELECT * FROM postgres_query('__ducklake_metadata_baliza', 'SELECT 1')",
         "table function postgres_query() is not available"),
        (f"SELECT * FROM read_blob('{settings.catalog}')", f"'{settings.catalog}' is outside the lake"),
        (f"SELECT * FROM sqlite_scan('{settings.catalog}', 'ducklake_snapshot')",
         "table function sqlite_scan() is not available"),
        ("SELECT * FROM __ducklake_metadata_baliza.ducklake_snapshot",
         "__ducklake_metadata_baliza is the database that holds the warehouse's catalog"),
        ("SELECT * FROM __ducklake_metadata_baliza.main.ducklake_data_file",
         "__ducklake_metadata_baliza is the database that holds the warehouse's catalog"),
    ]


def _file_reads(outside: Path) -> list[tuple[str, str]]:
    return [
        ("SELECT * FROM read_text('/etc/passwd')", "'/etc/passwd' is outside the lake"),
        ("SELECT * FROM read_blob('/etc/passwd')", "'/etc/passwd' is outside the lake"),
        ("SELECT * FROM read_csv('/etc/passwd')", "'/etc/passwd' is outside the lake"),
        ('SELECT * FROM "/etc/passwd"', "'/etc/passwd' is outside the lake"),
        ("SELECT * FROM read_text('/etc/' || 'passwd')", "read_text() takes only literal arguments"),
        ("SELECT * FROM query('SELECT 1')", "table function query() is not available"),
        (f"SELECT * FROM read_json('{outside / 'private.json'}')", "private.json"),
        (f"SELECT * FROM read_csv('{outside / 'private.csv'}')", "private.csv"),
        (f"SELECT * FROM read_parquet('{outside / 'private.parquet'}')", "private.parquet"),
        (f"SELECT * FROM '{outside / 'private.parquet'}'", "private.parquet"),
        ("SELECT * FROM glob('/etc/**')", "'/etc/**'"),
        (f"SELECT * FROM glob('{outside}/*')", str(outside)),
    ]


@pytest.fixture(params=["local", "s3"])
def case(request, tmp_path):
    outside = tmp_path / "outside"
    _outside_files(outside)
    if request.param == "local":
        settings, root, world, _, _ = request.getfixturevalue("archive")
        lake_root = str(Path(settings.lake_location).absolute()) + "/"
        climb = f"{lake_root}../{os.path.relpath(outside / 'private.json', root)}"
        reads = _file_reads(outside) + [  # DuckDB would refuse these too: they are refused before it sees them
            (f"SELECT * FROM read_text('{lake_root}../../../../../../etc/passwd')", "etc/passwd' has a '..' segment"),
            (f"SELECT * FROM read_json('{climb}')", f"{climb!r} has a '..' segment"),
            (f'SELECT * FROM "{climb}"', f"{climb!r} has a '..' segment"),
            (f"SELECT * FROM read_text('file://{outside}/private.csv')", "is outside the lake"),
        ]

        def snapshot():
            return {"warehouse and lake": _files(root), "outside": sorted(os.listdir(tmp_path))}

        return Case(settings, world, root, lake_root, outside, snapshot, reads + _catalog_reads(settings))
    settings, root, world, bucket = request.getfixturevalue("s3_archive")
    client = request.getfixturevalue("s3_server").client()
    reads = _file_reads(outside) + [
        (f"SELECT * FROM read_csv('s3://{bucket}/outside/private.csv')", f"s3://{bucket}/outside/"),
        (f"SELECT * FROM read_csv('s3://{bucket}/archive-twin/private.csv')", f"s3://{bucket}/archive-twin/"),
        (f"SELECT * FROM read_csv('s3://{bucket}-other/private.csv')", f"s3://{bucket}-other/"),
        (f"SELECT * FROM glob('s3://{bucket}/**')", f"s3://{bucket}/**"),
        (f"SELECT * FROM read_text('{settings.s3.endpoint_url}/{bucket}/outside/private.csv')", "private.csv"),
    ]

    def snapshot():
        objects = {}
        for name in (bucket, f"{bucket}-other"):
            for obj in client.list_objects_v2(Bucket=name).get("Contents", []):
                objects[f"{name}/{obj['Key']}"] = _sha(client.get_object(Bucket=name, Key=obj["Key"])["Body"].read())
        return {"warehouse": _files(root), "lake": objects, "outside": sorted(os.listdir(tmp_path))}

    env = {"AWS_ENDPOINT_URL": settings.s3.endpoint_url, "AWS_ACCESS_KEY_ID": settings.s3.access_key_id,
           "AWS_SECRET_ACCESS_KEY": settings.s3.secret_access_key, "AWS_REGION": settings.s3.region}
    return Case(settings, world, root, f"s3://{bucket}/archive/", outside, snapshot, reads + _catalog_reads(settings), env)


def _query(sql: str, settings: Settings, fmt: str = "csv") -> str:
    out = io.StringIO()
    assert query.run(sql, settings, fmt, out) == 0
    return out.getvalue()


def _cli(case: Case, sql: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **case.s3_env, "BALIZA_CATALOG": case.settings.catalog,
           "BALIZA_LAKE": case.settings.lake_location}
    return subprocess.run([sys.executable, "-m", "baliza_assets.cli", "query", sql, "--format", "csv"],
                          env=env, capture_output=True, text=True, timeout=300)


def test_legitimate_queries_read_the_warehouse_and_the_lake(case):
    settings, lake = case.settings, case.settings.lake()
    contratos = len(case.world.published("contratos", DAY))
    assert _query("SELECT count(*) AS n FROM staging.contratos", settings).splitlines() == ["n", str(contratos)]
    archived = lake.read("raw/contratos", DAY)
    text = _query("SELECT count(*) AS n, count(DISTINCT raw_table) AS tables FROM raw.api_requests", settings)
    assert text.splitlines() == ["n,tables", f"{archived.height},1"]
    sha = archived["payload_sha256"][0]
    body = payload.fetch(lake, sha)
    out = io.StringIO()
    query.run(f"SELECT raw.payload('{sha}') AS body", settings, "json", out)
    assert json.loads(out.getvalue()) == [{"body": body.decode()}]
    files = _query(f"SELECT count(*) AS n FROM glob('{case.lake_root}raw/**')", settings)
    assert int(files.splitlines()[1]) >= 1
    assert "raw_table" in _query("DESCRIBE raw.api_requests", settings)
    assert "contratos" in _query("SHOW ALL TABLES", settings)
    assert "column_name" in _query("SUMMARIZE SELECT * FROM staging.contratos", settings)
    assert "physical_plan" in _query("EXPLAIN SELECT count(*) FROM raw.api_requests", settings)
    assert _query("WITH t AS (SELECT 1 AS x) SELECT x FROM t", settings).splitlines() == ["x", "1"]
    # A URL or a path that is only compared or shown opens nothing: a buyer filters by a PNCP link.
    links = _query("SELECT count(*) AS n FROM staging.contratos WHERE 'https://pncp.gov.br/app/contratos' "
                   "LIKE 'https://pncp.gov.br/%' AND '/etc/passwd' <> '../x'", settings)
    assert links.splitlines() == ["n", str(contratos)]
    done = _cli(case, "SELECT count(*) AS n FROM raw.api_requests")
    assert done.returncode == 0 and done.stdout.splitlines() == ["n", str(archived.height)], done.stderr


def test_explain_analyze_and_writes_are_refused_and_change_nothing(case, tmp_path):
    before = case.snapshot()
    target = tmp_path / "written.csv"
    warehouse_file = case.settings.catalog
    refused = [
        (f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{target}'", "EXPLAIN ANALYZE"),
        (f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{warehouse_file}'", "EXPLAIN ANALYZE"),
        (f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{case.lake_root}written.csv'", "EXPLAIN ANALYZE"),
        (f"EXPLAIN (ANALYZE) COPY (SELECT 1 AS x) TO '{case.lake_root}written.csv'", "EXPLAIN ANALYZE"),
        (f"/* a */ explain /* b */ analyse COPY (SELECT 1 AS x) TO '{case.lake_root}written.csv'", "EXPLAIN ANALYZE"),
        (f"SELECT 1; EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{case.lake_root}written.csv'", "EXPLAIN ANALYZE"),
        ("EXPLAIN ANALYZE SELECT count(*) FROM staging.contratos", "EXPLAIN ANALYZE"),
        (f"EXPLAIN COPY (SELECT 1 AS x) TO '{target}'", "EXPLAIN COPY"),
        (f"COPY (SELECT 1 AS x) TO '{case.lake_root}written.csv'", "COPY"),
        (f"COPY (SELECT 1 AS x) TO '{warehouse_file}'", "COPY"),
        ("PRAGMA enable_profiling", "PRAGMA"),
        ("SET enable_external_access = true", "SET"),
        ("SET lock_configuration = false", "SET"),
        ("RESET allowed_directories", "SET"),
    ]
    for sql, kind in refused:
        with pytest.raises(query.QueryRefused, match=f"^refused: {kind} statement"):
            query.run(sql, case.settings, "table", io.StringIO())
    assert not target.exists()
    assert case.snapshot() == before, "the warehouse and the lake are unchanged, nothing was written beside them"
    done = _cli(case, f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{warehouse_file}'")
    assert done.returncode == 2
    assert done.stderr.startswith("baliza query: refused: EXPLAIN ANALYZE statement") and done.stderr.count("\n") == 1
    assert case.snapshot() == before


def test_files_and_urls_outside_the_lake_are_refused_before_they_run(case):
    before = case.snapshot()
    for sql, named in case.outside_reads:
        with pytest.raises(query.QueryRefused) as info:
            query.run(sql, case.settings, "table", io.StringIO())
        message = str(info.value)
        assert message.startswith("refused: ") and "Permission Error" not in message, (sql, message)
        assert named in message, (sql, message)
        assert message.endswith(f"; baliza query reads only the warehouse and the lake ({case.lake_root})")
        assert "\n" not in message
    with pytest.raises(query.QueryRefused, match=r"^cannot parse the query: Permission Error: .*schema\.sql"):
        query.run(f"PRAGMA import_database('{case.outside / 'dump'}')", case.settings, "table", io.StringIO())
    done = _cli(case, "SELECT * FROM read_text('/etc/passwd')")
    assert done.returncode == 2 and "root:" not in done.stdout
    assert done.stderr.startswith("baliza query: refused: '/etc/passwd' is outside the lake")
    assert case.snapshot() == before


def test_duckdb_itself_holds_the_line(case, tmp_path):
    """Past the statement check: the sandboxed connection refuses outside files, extensions and settings."""
    settings = case.settings
    before = case.snapshot()
    with warehouse.connect(settings.catalog, settings.lake(), settings.s3, read_only=True, sandboxed=True) as con:
        for sql in (f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{tmp_path / 'x.csv'}'",
                    f"COPY (SELECT 1 AS x) TO '{tmp_path / 'x.csv'}'", f"ATTACH '{tmp_path / 'x.duckdb'}' AS x",
                    # the catalog's extension (sqlite) is loaded already, so LOAD sqlite adds nothing: another
                    "LOAD fts", "INSTALL sqlite", "SELECT * FROM read_text('/etc/passwd')"):
            with pytest.raises(duckdb.PermissionException):
                con.execute(sql)
        for sql in ("SET enable_external_access = true", "SET lock_configuration = false",
                    "SET allowed_directories = ['/']", "SET allow_unredacted_secrets = true"):
            with pytest.raises(duckdb.InvalidInputException, match="the configuration has been locked"):
                con.execute(sql)
        assert con.execute("SELECT current_setting('enable_external_access'), current_setting('lock_configuration'),"
                           " current_setting('allowed_directories')").fetchone()[:2] == (False, True)
        assert con.execute("SELECT count(*) FROM raw.api_requests").fetchone()[0] > 0
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.duckdb").exists()
    assert case.snapshot() == before
    with warehouse.connect(str(tmp_path / "writer.sqlite"), Lake(str(tmp_path / "writer-lake"))) as con:  # the pipeline's connections: unchanged
        con.execute(f"COPY (SELECT 1 AS x) TO '{tmp_path / 'writer.csv'}'")
        assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is True
    assert (tmp_path / "writer.csv").read_text().splitlines() == ["x", "1"]


class _Recorder(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


def test_s3_credentials_are_never_shown_nor_sent_elsewhere(request, monkeypatch):
    settings, root, _, bucket = request.getfixturevalue("s3_archive")
    secret, key_id = settings.s3.secret_access_key, settings.s3.access_key_id
    # As the CLI runs: the AWS variables set, which httpfs copies into its plain s3_* settings.
    for name, value in (("AWS_ENDPOINT_URL", settings.s3.endpoint_url), ("AWS_ACCESS_KEY_ID", key_id),
                        ("AWS_SECRET_ACCESS_KEY", secret), ("AWS_REGION", settings.s3.region)):
        monkeypatch.setenv(name, value)
    shown = _query("SELECT current_setting('s3_secret_access_key') AS s, current_setting('s3_access_key_id') AS k",
                   settings)
    assert secret not in shown and shown.splitlines()[1] in (",", '"",""')
    assert secret not in _query("SELECT name, value FROM duckdb_settings()", settings)
    secrets = _query("SELECT name, secret_string FROM duckdb_secrets()", settings)
    assert "baliza_lake" in secrets and "secret=redacted" in secrets and secret not in secrets
    with pytest.raises(duckdb.InvalidInputException, match="Displaying unredacted secrets is disabled"):
        query.run("SELECT * FROM duckdb_secrets(redact = false)", settings, "csv", io.StringIO())
    assert _query("SELECT count(*) > 0 AS ok FROM raw.api_requests", settings).splitlines() == ["ok", "True"]

    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        for sql in (f"SELECT * FROM read_text('{url}' || coalesce(current_setting('s3_secret_access_key'), 'none'))",
                    f"SELECT * FROM read_text('{url}' || coalesce(current_setting('s3_access_key_id'), 'none'))",
                    f"SELECT * FROM read_csv('{url}x.csv')"):
            with pytest.raises(query.QueryRefused, match=r"^refused: ('http://127\.0\.0\.1:\d+/x\.csv' is outside the "
                                                         r"lake|read_text\(\) takes only literal arguments)"):
                query.run(sql, settings, "csv", io.StringIO())
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert _Recorder.seen == [], "no request left DuckDB for a host outside the lake"

    env = {**os.environ, "BALIZA_CATALOG": settings.catalog, "BALIZA_LAKE": settings.lake_location}
    done = subprocess.run([sys.executable, "-m", "baliza_assets.cli", "query", "--format", "csv",
                           "SELECT current_setting('s3_secret_access_key') AS s FROM (SELECT 1) UNION ALL "
                           "SELECT secret_string FROM duckdb_secrets() UNION ALL "
                           "SELECT string_agg(value, ',') FROM duckdb_settings()"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout and secret not in done.stderr and "secret=redacted" in done.stdout


def _outside_prefix(requests: list[tuple[str, str]], bucket: str, prefix: str) -> list[str]:
    """The requests that name anything but the lake's objects (``/bucket/prefix/...``, or a listing of the
    bucket under ``prefix``), as the S3 server would resolve them ('..' included)."""
    outside = []
    for _, target in requests:
        parts = urlsplit(target)
        path = unquote(parts.path)
        listed = parse_qs(parts.query).get("prefix", [""])[0]
        if ".." in path.split("/") or "%2e" in target.lower():
            outside.append(target)
        elif not (path.startswith(f"/{bucket}/{prefix}") or
                  (path in (f"/{bucket}", f"/{bucket}/") and listed.startswith(prefix) and ".." not in listed)):
            outside.append(target)
    return outside


def test_s3_paths_that_climb_or_redirect_are_refused_before_any_request(request):
    """Between DuckDB and SeaweedFS, a proxy records every request; a bare listener stands where a query's
    URL parameters would send the signed request. Only requests under the lake's prefix reach the server."""
    settings, _, _, bucket = request.getfixturevalue("s3_archive")
    server = urlsplit(settings.s3.endpoint_url)
    with TcpRecorder(upstream=(server.hostname, server.port)) as proxy, TcpRecorder() as listener:
        proxied = settings.model_copy(update=dict(aws_endpoint_url=proxy.url))
        lake, root = proxied.lake(), f"s3://{bucket}/archive/"
        archived = lake.read("raw/contratos", DAY).height
        proxy_seen = len(proxy.requests())  # the lake read above went to SeaweedFS directly (boto3)
        text = _query(f"SELECT count(*) AS n FROM read_parquet('{lake.glob('raw/contratos')}')", proxied)
        assert text.splitlines() == ["n", str(archived)]
        assert _query("SELECT count(*) AS n FROM raw.api_requests", proxied).splitlines() == ["n", str(archived)]
        assert len(proxy.requests()) > proxy_seen, "the lake was read through the recording proxy"

        port = listener.port
        other = f"{bucket}-other/private.csv"
        refused = [
            (f"SELECT * FROM read_text('{root}../../{other}')", f"'{root}../../{other}' has a '..' segment"),
            (f"SELECT * FROM read_csv('{root}../outside/private.csv')", "has a '..' segment"),
            (f"SELECT * FROM read_text('{root}raw/../../{other}')", "has a '..' segment"),
            (f'SELECT * FROM "{root}../../{other}"', "has a '..' segment"),
            (f"DESCRIBE SELECT * FROM read_text('{root}../../{other}')", "has a '..' segment"),
            (f"EXPLAIN SELECT * FROM read_text('{root}../../{other}')", "has a '..' segment"),
            (f"SELECT * FROM read_text(E'{root}\\x2e\\x2e/\\x2e\\x2e/{other}')", "has a '..' segment"),
            (f"SELECT * FROM read_text('{root}%2e%2e/%2E%2E/{other}')", "percent-encoded dot, slash or backslash"),
            (f"SELECT * FROM read_text('{root}x%2f..%2f..%2f{other}')", "percent-encoded dot, slash or backslash"),
            (f"SELECT * FROM read_parquet('{root}x.parquet?s3_endpoint=127.0.0.1:{port}')",
             f"'{root}x.parquet?s3_endpoint=127.0.0.1:{port}' has URL parameters"),
            (f"SELECT * FROM read_parquet('{root}x.parquet?s3_endpoint=localhost:{port}&s3_use_ssl=false')",
             "has URL parameters"),
            (f"SELECT * FROM '{root}x.parquet?s3_endpoint=localhost:{port}'", "has URL parameters"),
            (f"SELECT * FROM read_text('{root}x#s3_endpoint=localhost:{port}')", "has URL parameters"),
            (f"SELECT * FROM read_text('{root}x' || chr(63) || 's3_endpoint=127.0.0.1:{port}')",
             "read_text() takes only literal arguments"),
            (f"SELECT * FROM read_text(concat('{root}', chr(46), chr(46), '/', chr(46), chr(46), '/{other}'))",
             "read_text() takes only literal arguments"),
            (f"SELECT * FROM query('SELECT * FROM read_text(''{root}'' || chr(46) || chr(46) || ''/x'')')",
             "table function query() is not available"),
            (f"SELECT * FROM query_table('{root}x.parquet')", "table function query_table() is not available"),
            ("SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
             "table function json_execute_serialized_sql() is not available"),
            (f"SELECT * FROM read_text('http://127.0.0.1:{port}/{bucket}/archive/x')", "is outside the lake"),
            (f"SELECT * FROM read_text('s3a://{bucket}/archive/x')", "is outside the lake"),
            (f"SELECT * FROM read_text('S3://{bucket}/archive/x')", "is outside the lake"),
        ]
        for sql, why in refused:
            with pytest.raises(query.QueryRefused) as info:
                query.run(sql, proxied, "csv", io.StringIO())
            message = str(info.value)
            assert message.startswith("refused: ") and why in message, (sql, message)
            assert message.endswith(f"; baliza query reads only the warehouse and the lake ({root})"), message
        env = {**os.environ, "BALIZA_CATALOG": settings.catalog, "BALIZA_LAKE": settings.lake_location,
               "AWS_ENDPOINT_URL": proxy.url, "AWS_ACCESS_KEY_ID": settings.s3.access_key_id,
               "AWS_SECRET_ACCESS_KEY": settings.s3.secret_access_key, "AWS_REGION": settings.s3.region}
        for sql, why in ((f"SELECT * FROM read_text('{root}../../{other}')", "has a '..' segment"),
                         (f"SELECT * FROM read_parquet('{root}x.parquet?s3_endpoint=127.0.0.1:{port}')",
                          "has URL parameters")):
            done = subprocess.run([sys.executable, "-m", "baliza_assets.cli", "query", sql], env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 2 and done.stdout == "", done.stderr
            assert done.stderr.startswith("baliza query: refused: '") and why in done.stderr, done.stderr
        assert listener.connections == 0 and listener.requests() == [], "no request went where a query said"
        assert _outside_prefix(proxy.requests(), bucket, "archive/") == [], "the S3 server saw only the lake"


def test_a_query_past_its_timeout_is_stopped_with_how_to_raise_it(request):
    settings = request.getfixturevalue("archive")[0]
    forever = "SELECT sum(a.range * b.range) AS s FROM range(100000000) a, range(100000000) b"
    with pytest.raises(query.QueryTimedOut) as info:
        query.run(forever, settings, "csv", io.StringIO(), timeout=0.5)
    assert str(info.value) == ("the query ran past the 0.5 s timeout and was stopped; give it more time with "
                               "--timeout SECONDS or BALIZA_QUERY_TIMEOUT (default 300 s)")
    assert _query("SELECT 1 AS x", settings).splitlines() == ["x", "1"]  # the default leaves a quick query be
    env = {**os.environ, "BALIZA_CATALOG": settings.catalog, "BALIZA_LAKE": settings.lake_location}
    env.pop("BALIZA_QUERY_TIMEOUT", None)

    def cli(*args, **variables) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "baliza_assets.cli", "query", *args],
                              env={**env, **variables}, capture_output=True, text=True, timeout=300)

    for done, limit in ((cli(forever, "--timeout", "1"), "1"), (cli(forever, BALIZA_QUERY_TIMEOUT="1.5"), "1.5"),
                        (cli(forever, "--timeout", "1", BALIZA_QUERY_TIMEOUT="600"), "1")):
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr == (f"baliza query: the query ran past the {limit} s timeout and was stopped; give it "
                               f"more time with --timeout SECONDS or BALIZA_QUERY_TIMEOUT (default 300 s)\n")
    done = cli("SELECT 1 AS x", "--format", "csv", "--timeout", "0")
    assert done.returncode == 2 and "argument --timeout: '0': expected a positive number of seconds" in done.stderr
    done = cli("SELECT 1 AS x", "--format", "csv", BALIZA_QUERY_TIMEOUT="soon")
    assert done.returncode == 2
    assert done.stderr == "baliza query: BALIZA_QUERY_TIMEOUT='soon': expected a positive number of seconds\n"
    done = cli("SELECT 1 AS x", "--format", "csv", BALIZA_QUERY_TIMEOUT="30")
    assert done.returncode == 0 and done.stdout.splitlines() == ["x", "1"], done.stderr
    assert Settings.from_env({}).query_timeout == 300.0
    assert Settings.from_env({"BALIZA_QUERY_TIMEOUT": "2.5"}).query_timeout == 2.5
