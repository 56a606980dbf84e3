"""`baliza migrate-warehouse`: a deployment whose warehouse is the DuckDB file of the previous version moves it
into the DuckLake warehouse with one command: every table copied with the same rows (counts and checksums
printed, and the rows compared here one by one), the views made again over the lake, the file left as it was;
a second run copies nothing, and a warehouse written since is refused."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from baliza_assets.cli import migrate
from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.server import running

from .conftest import DAY, NOW
from .pipeline import materialize, query, resources

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
WORK = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"])
SUPPLIERS = dg.AssetSelection.assets(["marts", "supplier_profiles"])


def _previous_version_file(root: Path) -> tuple[Path, Lake]:
    """A day's contratos archived, staged and captured and the suppliers mart built, as the previous version kept
    them: every table in one DuckDB file, with its views and macro over the lake (their SQL as that version made
    them, commit d9fb064), and the lake holding the raw archive and no warehouse."""
    lake = Lake(str(root / "lake"))
    with dg.instance_for_test() as instance, running(Sandbox(World(seed=7, volume="small", now=NOW), Faults())) as ep:
        assert materialize(resources(ep, root), instance, DAY, selection=WORK).success
        assert materialize(resources(ep, root), instance, selection=SUPPLIERS).success
    old = root / "baliza.duckdb"
    with warehouse.connect(str(root / "catalog.sqlite"), read_only=True) as con:
        con.execute(f"ATTACH '{old}' AS old")
        for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = "
                                         "'baliza'").fetchall():
            con.execute(f"CREATE SCHEMA IF NOT EXISTS old.{schema}")
            con.execute(f"CREATE TABLE old.{schema}.{table} AS SELECT * FROM baliza.{schema}.{table}")
        con.execute("USE old")
        con.execute("CREATE SCHEMA raw")
        con.execute(f"""CREATE VIEW raw.api_requests AS
            SELECT * EXCLUDE (date, filename), regexp_extract(filename, '/raw/([a-z_]+)/date=', 1) AS raw_table
            FROM read_parquet('{lake.glob("raw/*")}', hive_partitioning = true, union_by_name = true,
                              filename = true)""")
        con.execute("CREATE MACRO raw.payload(sha) AS "
                    "(SELECT decode(payload) FROM raw.api_requests WHERE payload_sha256 = sha LIMIT 1)")
        con.execute("USE baliza")
        con.execute("DETACH old")
    (root / "catalog.sqlite").unlink()
    shutil.rmtree(root / "lake" / "warehouse")
    return old, lake


def test_the_previous_versions_file_moves_into_the_warehouse_with_one_command(tmp_path):
    old, lake = _previous_version_file(tmp_path)
    sha = hashlib.sha256(old.read_bytes()).hexdigest()
    file = duckdb.connect(str(old), read_only=True)
    tables = [f"{s}.{t}" for s, t in file.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                                   "ORDER BY 1, 2").fetchall()]
    rows = {t: file.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    file.close()
    assert {"staging.contratos", "cdc.contratos_history", "cdc.contratos_changes", "cdc.snapshots",
            "marts.supplier_profiles"} <= set(tables) and any(t.startswith("marts_state.") for t in tables)
    catalog = str(tmp_path / "new" / "catalog.sqlite")
    env = {**os.environ, "BALIZA_DUCKDB_PATH": str(old), "BALIZA_CATALOG": catalog, "BALIZA_LAKE": lake.location}

    done = subprocess.run([str(BIN / "baliza"), "migrate-warehouse"], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{old}: {len(tables)} tables, {len(tables)} to copy"
    printed = {line.split()[0]: line.split()[1:] for line in lines[2:2 + len(tables)]}
    assert list(printed) == tables
    for table, (old_rows, new_rows, old_sum, new_sum, verdict) in printed.items():
        assert old_rows == new_rows == f"{len(rows[table]):,}" and old_sum == new_sum and verdict == "same", table
    assert lines[-1].startswith(f"{len(tables)} tables ({sum(len(r) for r in rows.values()):,} rows) copied into "
                                f"the warehouse {catalog} in ")
    assert lines[-1].endswith(f"; views not copied, made again over the lake: raw.api_requests; {old} is left as it was")
    # every row, compared one by one; the views over the lake made again; the file untouched
    for table in tables:
        assert query(catalog, f"SELECT * FROM {table} ORDER BY ALL") == rows[table], table
    archived = duckdb.sql(f"SELECT count(*) FROM read_parquet('{lake.glob('raw/*')}')").fetchone()[0]
    assert query(catalog, "SELECT count(*) FROM raw.api_requests") == [(archived,)] and archived > 0
    payload_sha = query(catalog, "SELECT payload_sha256 FROM staging.contratos LIMIT 1")[0][0]
    assert hashlib.sha256(query(catalog, "SELECT raw.payload(?)", [payload_sha])[0][0].encode()).hexdigest() == payload_sha
    assert query(catalog, "SELECT count(*) FROM meta.schema_versions")[0][0] > 0
    assert hashlib.sha256(old.read_bytes()).hexdigest() == sha

    # Again: nothing copied, and it says so
    snapshot = query(catalog, "SELECT id FROM current_snapshot()")
    settings = Settings(catalog=catalog, lake_location=lake.location, duckdb_path=str(old))
    out = io.StringIO()
    assert migrate.run(settings, out) == 0
    assert out.getvalue().splitlines()[0] == f"{old}: {len(tables)} tables, 0 to copy, {len(tables)} already in the " \
                                             "warehouse with the same rows"
    assert out.getvalue().splitlines()[-1] == (f"already migrated: every table of {old} is in the warehouse with the "
                                               "same rows; nothing was copied")
    assert query(catalog, "SELECT id FROM current_snapshot()") == snapshot

    # A warehouse the pipeline wrote since is refused, naming the table; a missing file is named
    contratos = len(rows["staging.contratos"])
    with warehouse.connect(catalog, lake) as con:
        removed = con.execute("DELETE FROM staging.contratos WHERE numero_controle_pncp = "
                              "(SELECT min(numero_controle_pncp) FROM staging.contratos)").fetchone()[0]
    assert removed > 0
    with pytest.raises(migrate.MigrationError, match=rf"already holds staging.contratos \({contratos - removed:,} rows, "
                                                    rf"the file's {contratos:,}\) with other rows"):
        migrate.migrate(settings)
    with pytest.raises(migrate.MigrationError, match="no DuckDB file at .*nothing.duckdb \\(BALIZA_DUCKDB_PATH\\): "
                                                    "nothing to migrate"):
        migrate.migrate(Settings(catalog=catalog, lake_location=lake.location,
                                 duckdb_path=str(tmp_path / "nothing.duckdb")))
    assert hashlib.sha256(old.read_bytes()).hexdigest() == sha
