"""History at scale: what one new day's staging, captures and marts cost on top of K days of history.

    python bench/history_scale.py [--days 0,365,1800] [--volume-scale 0.25] [--workdir DIR]

1. A sandbox (its own process) serves a realistic world (``--volume-scale`` times the realistic daily
   counts). Day D0 is built through the pipeline (publications, details, the update feed and its
   details, staging, CDC, marts); the raw pages of the next day D1 are fetched and archived.
2. For each K, a copy of that warehouse (its SQLite catalog, its data path moved to the copy's lake) and lake
   gets K days of history before D0, as daily work would have grown it: every row D0 put in a table that has
   a ``partition_date`` (staging, CDC history, current state, tombstones, change log, captures), and
   price_evidence with the marts' kept state, copied once per day with new keys (``<key>-h<k>``) and every
   date, timestamp, snapshot id and scope moved back k days: ``INSERT ... SELECT`` in the warehouse, 30 days
   per statement, one transaction per table (DuckLake writes each statement's rows as files of the table's
   partitions, sorted as the table is: the files a compaction of daily files would leave). The lake's D0
   folders are linked again under each earlier date. The aggregate marts are then built whole from those
   copies (the same rows daily upkeep gives: tests/test_marts_upkeep.py).
3. D1's staging, captures and marts then run, each in a fresh process (``dagster`` materializations of
   the asset groups, as the daily runs select them): wall seconds, CPU seconds (user + system, from the
   kernel's accounting of the child), peak RSS; the warehouse's size; the README's two price-research
   queries for the 20 busiest catalog item x unit x UF of the last 12 months (before D1), 3 times each;
   and whether every unpartitioned mart equals its defining query after the day (``marts_ok``).

The sweep (30 earlier publication days listed again) is left out of D1: its records are not in a
synthetic history (which holds copies with new keys), so it would count them all as new. The last line is

    daily_cpu_ratio=<cpu at max K / cpu at 0> daily_peak_rss_mb=<max over K> marts_ok=<true|false> query_p95_s=<x>
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sandbox_process import free_port, start

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

D0 = date(2025, 8, 5)  # a Tuesday: a working day's volume
D1 = D0 + timedelta(days=1)
STAGES = ("staging", "captures", "marts")
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
COPIED_STATE = ("price_evidence_compras", "estimated_prices", "supplier_profiles_members",
                "buyer_profiles_contratacoes", "buyer_profiles_contratos", "applied")
REBUILT = ("item_price_references", "supplier_profiles", "buyer_profiles")

QUERIES = {  # the README's price research, its date taken from the bench's day instead of the clock
    "reference": """SELECT count(*) AS resultados, median(valor_unitario_homologado) AS mediana,
       quantile_cont(valor_unitario_homologado, 0.1) AS p10, quantile_cont(valor_unitario_homologado, 0.9) AS p90,
       count(DISTINCT fornecedor_ni) AS fornecedores, count(DISTINCT orgao_cnpj) AS compradores
FROM marts.price_evidence
WHERE catalogo_codigo_item = $code AND unidade_medida = $unit AND uf = $uf
  AND data_resultado >= $today - INTERVAL 12 MONTH""",
    "evidence": """SELECT data_resultado, valor_unitario_homologado, quantidade_homologada, fornecedor_ni, fornecedor_nome,
       orgao_razao_social, unidade_nome, municipio, modalidade_nome, numero_compra, ano_compra, plataforma,
       link_pncp, payload_sha256
FROM marts.price_evidence
WHERE catalogo_codigo_item = $code AND unidade_medida = $unit AND uf = $uf
  AND data_resultado >= $today - INTERVAL 12 MONTH
ORDER BY data_resultado DESC""",
}


# ---- where a run's warehouse and lake live --------------------------------------------------------------
def environment(root: Path, sandbox: str | None = None, memory: str | None = None) -> dict[str, str]:
    """The variables the code location reads, pointing at ``root``'s warehouse and lake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BALIZA_", "PNCP_"))}
    env.update(BALIZA_CATALOG=str(root / "catalog.sqlite"), BALIZA_LAKE=str(root / "lake"),
               DAGSTER_HOME=str(root / "dagster_home"), PYTHONWARNINGS="ignore")
    if memory:
        env["BALIZA_DUCKDB_MEMORY_LIMIT"] = memory
    if sandbox:
        env.update(PNCP_CONSULTA_URL=sandbox + "/api/consulta", PNCP_DETAIL_URL=sandbox + "/api/pncp")
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return env


def _resources():
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings

    return resources_for(Settings.from_env())


def _warehouse():
    """The warehouse of this process's settings (BALIZA_CATALOG, BALIZA_LAKE, BALIZA_DUCKDB_MEMORY_LIMIT)."""
    from baliza_assets.defs.resources import WarehouseResource
    from baliza_assets.defs.wiring import lake_resource
    from baliza_assets.settings import Settings

    settings = Settings.from_env()  # values, not the EnvVars the code location shows by name
    return WarehouseResource(catalog=settings.catalog, lake=lake_resource(settings),
                             memory_limit=settings.duckdb_memory_limit,
                             snapshot_retention_days=settings.snapshot_retention_days)


def _materialize(selection, partition: date | None) -> None:
    import dagster as dg

    from baliza_assets.definitions import ASSETS, CHECKS

    result = dg.materialize([*ASSETS, *CHECKS], selection=selection, resources=_resources(), run_config=QUIET,
                            partition_key=partition.isoformat() if partition else None, raise_on_error=False,
                            instance=dg.DagsterInstance.get())
    if not result.success:
        failures = [e.message for e in result.all_events if e.is_step_failure]
        raise SystemExit(f"{selection}: {failures[:3]}")


def _selection(stage: str):
    import dagster as dg

    from baliza_assets.defs.schedules import DAILY_WORK

    works = [w for w in DAILY_WORK if w.name in ("daily_harvest", "daily_updates")]
    fetched = dg.AssetSelection.groups("raw", "details") & (works[0].selection | works[1].selection)
    return {"fetch": fetched, "staging": dg.AssetSelection.groups("staging"), "captures": dg.AssetSelection.groups("cdc"),
            "daily_marts": dg.AssetSelection.assets(["marts", "daily_spend"]),
            "marts": dg.AssetSelection.groups("marts") - dg.AssetSelection.assets(["marts", "daily_spend"])}[stage]


# ---- the stages, each run in its own process ------------------------------------------------------------
def run_stage(stage: str, day: date) -> None:
    warnings.filterwarnings("ignore")
    if stage == "marts":
        _materialize(_selection("daily_marts"), day)
        _materialize(_selection("marts"), None)
    elif stage == "base":  # D0 whole, then D1's pages
        for part in ("fetch", "staging", "captures"):
            _materialize(_selection(part), D0)
        run_stage("marts", D0)
        _materialize(_selection("fetch"), D1)
    else:
        _materialize(_selection(stage), day)


def measured(env: dict, *args: str) -> dict:
    """Run this script with ``args`` in a fresh process: wall and CPU seconds, peak RSS."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), *args], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


# ---- synthetic history ----------------------------------------------------------------------------------
def _moved(name: str, dtype: str) -> str:
    """The expression giving a copied column its k-days-earlier value (``k``: the copy's day offset)."""
    q = f'"{name}"'
    if dtype.startswith(("DATE", "TIMESTAMP")):
        return f"CAST({q} - INTERVAL (k) DAY AS {dtype})"
    if dtype == "VARCHAR" and name.startswith("numero_controle_pncp"):
        return f"{q} || '-h' || k"
    if dtype == "VARCHAR" and name in ("snapshot", "since"):  # YYYYmmdd-HHMMSS-...: moved back, still sortable
        return (f"CASE WHEN regexp_matches({q}, '^[0-9]{{8}}-[0-9]{{6}}') THEN "
                f"strftime(strptime(substr({q}, 1, 15), '%Y%m%d-%H%M%S') - INTERVAL (k) DAY, '%Y%m%d-%H%M%S') "
                f"|| substr({q}, 16) || '-h' || k ELSE {q} || '-h' || k END")
    if dtype == "VARCHAR" and name in ("capture_scope", "scope"):  # a day (and modalidade), or a compra (and item)
        return (f"CASE WHEN regexp_matches({q}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN "
                f"strftime(CAST(substr({q}, 1, 10) AS DATE) - INTERVAL (k) DAY, '%Y-%m-%d') || substr({q}, 11) "
                f"ELSE split_part({q}, '|', 1) || '-h' || k || "
                f"CASE WHEN contains({q}, '|') THEN substr({q}, strpos({q}, '|')) ELSE '' END END")
    return q


def _copied(schema: str, name: str, columns: list[str]) -> str | None:
    """The rows of D0 a table holds that each earlier day would have added (None: not copied)."""
    if "partition_date" in columns:
        return f"SELECT * FROM {schema}.{name} WHERE partition_date = DATE '{D0}'"
    if (schema, name) in (("marts", "price_evidence"),) or (schema == "marts_state" and name in COPIED_STATE):
        return f"SELECT * FROM {schema}.{name}"
    return None


def synthesize(days: int, chunk: int = 30) -> dict:
    """Grow the warehouse of this process's settings with ``days`` days of history before D0 (see the
    module's docstring); returns the rows added per table."""
    from baliza_assets.lib import marts
    from baliza_assets.lib.cdc.tables import ensure_deleted
    from baliza_assets.lib.cdc.targets import TARGETS
    from baliza_assets.lib.warehouse import NAME, transaction

    added: dict[str, int] = {}
    with _warehouse().connect() as con:
        for entity in TARGETS:  # a base day built before the tombstones had their table: made once, as a capture would
            if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'cdc' "
                           "AND table_name = ?", [NAME, f"{entity}_history"]).fetchone()[0]:
                ensure_deleted(con, entity)
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
                             "ORDER BY ALL", [NAME]).fetchall()
        for schema, name in tables:
            cols = con.execute(f"DESCRIBE {schema}.{name}").fetchall()
            rows = _copied(schema, name, [c[0] for c in cols])
            if rows is None or days == 0:
                continue
            started = time.monotonic()
            con.execute(f"CREATE OR REPLACE TEMP TABLE _day AS {rows}")
            exprs = ", ".join(_moved(c[0], c[1]) for c in cols)
            total = 0
            with transaction(con):  # one snapshot per table: oldest days first, as they were archived
                for last in range(days, 0, -chunk):
                    first = max(1, last - chunk + 1)
                    total += con.execute(f"INSERT INTO {schema}.{name} SELECT {exprs} FROM _day, "
                                         f"range({last}, {first - 1}, -1) r(k)").fetchone()[0]
            added[f"{schema}.{name}"] = total
            print(f"{schema}.{name}: {total:,} rows, {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
        for mart in REBUILT:  # the aggregates of the copies: what daily upkeep would have made of them
            started = time.monotonic()
            marts.upkeep(con, mart, full_rebuild=True)
            print(f"{mart} built whole, {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    _link_lake(Path(os.environ["BALIZA_LAKE"]), days)
    return added


def _link_lake(lake: Path, days: int) -> None:
    """Every folder of D0 in the lake linked again (hard links: the same bytes) under each earlier date."""
    warehouse = lake / "warehouse"  # the warehouse's own data files: grown above
    for folder in [p for p in lake.rglob(f"date={D0}") if p.is_dir() and warehouse not in p.parents]:
        for k in range(1, days + 1):
            target = folder.parent / f"date={D0 - timedelta(days=k)}"
            for path in folder.rglob("*"):
                if path.is_file():
                    dest = target / path.relative_to(folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    if not dest.exists():
                        os.link(path, dest)


# ---- what the day left ----------------------------------------------------------------------------------
def check(queries_per_search: int = 3, searches: int = 20) -> dict:
    """The README's queries for the busiest searches, and whether each mart equals its definition."""
    from baliza_assets.lib.marts import queries

    today = D1 + timedelta(days=1)
    with _warehouse().connect(read_only=True) as con:
        picks = con.execute("""SELECT catalogo_codigo_item, unidade_medida, uf FROM marts.price_evidence
                               WHERE data_resultado >= ?::DATE - INTERVAL 12 MONTH AND catalogo_codigo_item IS NOT NULL
                               AND unidade_medida IS NOT NULL AND uf IS NOT NULL
                               GROUP BY ALL ORDER BY count(*) DESC, 1, 2, 3 LIMIT ?""", [today, searches]).fetchall()
        timings = []
        for code, unit, uf in picks:
            for sql in QUERIES.values():
                for _ in range(queries_per_search):
                    started = time.perf_counter()
                    con.execute(sql, {"code": code, "unit": unit, "uf": uf, "today": today}).fetchall()
                    timings.append(time.perf_counter() - started)
        differing = {}
        for mart, reference in queries.REFERENCES.items():
            n = con.execute(f"SELECT (SELECT count(*) FROM (SELECT * FROM marts.{mart} EXCEPT ALL SELECT * FROM ({reference}))) "
                            f"+ (SELECT count(*) FROM (SELECT * FROM ({reference}) EXCEPT ALL SELECT * FROM marts.{mart}))"
                            ).fetchone()[0]
            differing[mart] = n
        rows = {m: con.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in queries.REFERENCES}
    timings.sort()
    return {"searches": len(picks), "query_p50_s": timings[len(timings) // 2] if timings else None,
            "query_p95_s": timings[int(len(timings) * 0.95)] if timings else None,
            "marts_differing_rows": differing, "mart_rows": rows}


def _size_mb(root: Path) -> dict:
    """The warehouse (its catalog and its data files, under the lake's warehouse/) and the rest of the lake."""
    def du(path: Path) -> float:
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0
    catalog = sum(p.stat().st_size for p in root.glob("catalog.sqlite*")) / 1e6
    data = du(root / "lake" / "warehouse")
    return {"warehouse_mb": catalog + data, "catalog_mb": catalog, "lake_mb": du(root / "lake") - data}


# ---- the bench ------------------------------------------------------------------------------------------
def _copy(base: Path, work: Path) -> None:
    """A copy of the base day's warehouse (copied: it is written) and lake (hard links: its files are
    replaced, never written in place)."""
    import sqlite3

    shutil.copytree(base, work, ignore=shutil.ignore_patterns("lake"))
    shutil.copytree(base / "lake", work / "lake", copy_function=os.link)
    catalog = sqlite3.connect(work / "catalog.sqlite")  # the copy's data files are its own lake's
    with catalog:
        catalog.execute("UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'",
                        [str((work / "lake" / "warehouse").absolute()) + "/"])
    catalog.close()


def serve(volume_scale: float, root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    now = datetime.combine(D1 + timedelta(days=1), dtime(6))
    return start(port, ["--volume", "realistic", "--volume-scale", str(volume_scale), "--faults", "none",
                        "--latency-scale", "0.001", "--now", now.isoformat(),
                        "--first-day", (D0 - timedelta(days=400)).isoformat()],
                 root / "sandbox.log"), f"http://127.0.0.1:{port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", default="0,365,1800", help="the Ks: days of history before the measured day")
    parser.add_argument("--volume-scale", type=float, default=0.25,
                        help="the sandbox's realistic daily counts times this (1 = about 107,000 history rows a day)")
    parser.add_argument("--workdir", help="where the warehouses go (default: a new temporary folder, removed after)")
    parser.add_argument("--reuse-base", action="store_true", help="keep the base day already built in --workdir")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--day", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:  # a child: one stage in this process
        if args.stage == "synthesize":
            print(json.dumps(synthesize(int(args.day))), flush=True)
        elif args.stage == "check":
            print(json.dumps(check()), flush=True)
        else:
            run_stage(args.stage, date.fromisoformat(args.day) if args.day else D1)
        return 0

    ks = sorted({int(k) for k in args.days.split(",")})
    root = Path(args.workdir or tempfile.mkdtemp(prefix="baliza-history-"))
    root.mkdir(parents=True, exist_ok=True)
    base = root / "base"
    if args.reuse_base and (base / "catalog.sqlite").exists():
        print(f"D0 {D0} and D1 {D1}'s pages from {base}", flush=True)
    else:
        shutil.rmtree(base, ignore_errors=True)
        proc, sandbox = serve(args.volume_scale, root)
        try:
            started = time.monotonic()
            measured(environment(base, sandbox), "--stage", "base")
            print(f"D0 {D0} built and D1 {D1} fetched through the pipeline ({time.monotonic() - started:.0f} s), "
                  f"volume x{args.volume_scale}", flush=True)
        finally:
            proc.kill()
    results = {}
    for k in ks:
        work = root / f"k{k}"
        shutil.rmtree(work, ignore_errors=True)
        _copy(base, work)
        started = time.monotonic()
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--stage", "synthesize", "--day", str(k)],
                             env=environment(work, memory="8GB"), check=True, capture_output=True, text=True)
        added = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"K={k}: {sum(added.values()):,} rows of history synthesized ({time.monotonic() - started:.0f} s)", flush=True)
        row = {"history_rows": sum(v for t, v in added.items() if t.startswith("cdc.") and t.endswith("_history"))}
        for stage in STAGES:
            row[stage] = measured(environment(work), "--stage", stage, "--day", D1.isoformat())
            print(f"  {stage:<9} wall {row[stage]['wall_s']:7.1f} s  cpu {row[stage]['cpu_s']:7.1f} s  "
                  f"peak RSS {row[stage]['rss_mb']:7.0f} MB", flush=True)
        row.update(_size_mb(work))
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--stage", "check"], env=environment(work, memory="8GB"),
                             check=True, capture_output=True, text=True)
        row.update(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  warehouse {row['warehouse_mb']:,.0f} MB, lake {row['lake_mb']:,.0f} MB; queries p50 {row['query_p50_s']:.3f} s "
              f"p95 {row['query_p95_s']:.3f} s over {row['searches']} searches; marts differing from their definition: "
              f"{row['marts_differing_rows']}", flush=True)
        results[k] = row
        if k != ks[-1]:
            shutil.rmtree(work, ignore_errors=True)
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"{'K':>6} {'history rows':>13} " + " ".join(f"{s + ' wall/cpu s, MB':>26}" for s in STAGES)
          + f" {'warehouse MB':>13} {'query p95 s':>12}")
    for k, r in results.items():
        print(f"{k:>6} {r['history_rows']:>13,} " + " ".join(
            f"{r[s]['wall_s']:>9.1f} /{r[s]['cpu_s']:>7.1f} /{r[s]['rss_mb']:>6.0f}" for s in STAGES)
            + f" {r['warehouse_mb']:>13,.0f} {r['query_p95_s']:>12.3f}")
    cpu = {k: sum(r[s]["cpu_s"] for s in STAGES) for k, r in results.items()}
    ratio = cpu[ks[-1]] / cpu[ks[0]]
    peak = max(r[s]["rss_mb"] for r in results.values() for s in STAGES)
    ok = all(not any(r["marts_differing_rows"].values()) for r in results.values())
    p95 = max(r["query_p95_s"] for r in results.values())
    print(f"daily_cpu_ratio={ratio:.2f} daily_peak_rss_mb={peak:.0f} marts_ok={str(ok).lower()} query_p95_s={p95:.3f}")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    raise SystemExit(main())
