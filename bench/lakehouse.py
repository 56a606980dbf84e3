"""A realistic day's warehouse work on the DuckLake warehouse against the DuckDB file, and readers meanwhile.

    python bench/lakehouse.py [--volume-scale 1] [--rounds 1] [--baseline REV]

A sandbox (its own process, no latency) serves a realistic-volume weekday (about 6,200 contratações, 8,000
contratos, 2,800 atas and the itens, arquivos and resultados of every compra). The day is archived once
(raw and details, the current code); then, from copies of that same lake, each in a fresh process, the day's
staging, CDC captures and marts (every asset of the groups staging, cdc and marts, in process) run:

- on the DuckDB file, with the code of ``--baseline`` (by default the commit before the warehouse became a
  DuckLake), checked out into a temporary git worktree;
- on the DuckLake warehouse (a SQLite catalog, data under the lake), with the code of this checkout, while a
  reader loop in this process queries it as `baliza query` would (a connection per query: counts and the
  README's price research over whatever tables exist yet), each query's latency and errors recorded.

Printed per run: wall seconds, CPU seconds and peak RSS of the process; then the reader's latency (median,
p95, max) and errors. With ``--rounds`` above 1 the medians are compared. The last line is

    reader_errors=<n> reader_p95_s=<x> day_s_ratio=<lakehouse/file>
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sandbox_process import free_port, start

HERE = Path(__file__).resolve().parents[1]
DAY = date(2025, 8, 5)  # a Tuesday
SELECT_DAY = "group:staging or group:cdc or group:marts"
READS = [  # (the tables and views it reads, the query): a query waits until they exist
    (("staging.contratacoes",), "SELECT count(*), sum(valor_total_estimado) FROM staging.contratacoes"),
    (("staging.itens",), "SELECT catalogo_codigo_item, count(*) FROM staging.itens GROUP BY 1 ORDER BY 2 DESC LIMIT 5"),
    (("cdc.contratacoes_current",), "SELECT count(*) FROM cdc.contratacoes_current"),
    (("cdc.resultados_changes",), "SELECT op, count(*) FROM cdc.resultados_changes GROUP BY 1"),
    (("marts.daily_spend",), "SELECT uf, sum(contratacoes) FROM marts.daily_spend GROUP BY 1 ORDER BY 2 DESC"),
    (("marts.price_evidence",), """
        SELECT count(*), median(valor_unitario_homologado), quantile_cont(valor_unitario_homologado, 0.9),
               count(DISTINCT fornecedor_ni) FROM marts.price_evidence
        WHERE catalogo_codigo_item = (SELECT catalogo_codigo_item FROM marts.price_evidence
                                      GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)"""),
]


# ---- in a fresh process, with the code of --code ------------------------------------------------------

def child(args) -> None:
    sys.path.insert(0, args.code)
    import warnings

    warnings.filterwarnings("ignore")
    import dagster as dg

    from baliza_assets.definitions import ASSETS, CHECKS
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings

    base = f"http://127.0.0.1:{args.port}"
    given = {"consulta_url": base + "/api/consulta", "detail_url": base + "/api/pncp", "lake_location": args.lake}
    try:
        settings = Settings(**given, catalog=args.warehouse)
    except TypeError:  # the code of the DuckDB file: its settings name the file
        settings = Settings(**given, duckdb_path=args.warehouse)
    res = resources_for(settings)
    selection = dg.AssetSelection.from_string(args.select)
    t0, cpu0 = time.monotonic(), time.process_time()
    with dg.instance_for_test() as instance:
        result = dg.materialize([*ASSETS, *CHECKS], selection=selection, partition_key=DAY.isoformat(),
                                instance=instance, resources=res, raise_on_error=False,
                                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}})
    if not result.success:
        failures = [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        raise SystemExit(f"the run failed: {failures[:3]}")
    print(json.dumps({"seconds": time.monotonic() - t0, "cpu_s": time.process_time() - cpu0,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run_child(code: Path, port: int, lake: Path, warehouse: Path, select: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.Popen([sys.executable, str(HERE / "bench" / "lakehouse.py"), "--child", "--code", str(code),
                             "--port", str(port), "--lake", str(lake), "--warehouse", str(warehouse), "--select",
                             select], cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result_of(proc: subprocess.Popen, what: str) -> dict:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed: {err[-4000:]}")
    return json.loads(out.strip().splitlines()[-1])


# ---- the reader loop, in this process -----------------------------------------------------------------

class Reader:
    """Queries the warehouse while ``proc`` runs, a connection per query, as `baliza query` does."""

    def __init__(self, catalog: Path, lake: Path, proc: subprocess.Popen):
        self.catalog, self.lake, self.proc = catalog, lake, proc
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.snapshots: set[int] = set()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self) -> None:
        from baliza_assets.lib import warehouse
        from baliza_assets.lib.lake import Lake

        lake = Lake(str(self.lake))
        while self.proc.poll() is None and not self.catalog.exists():
            time.sleep(0.05)
        n = 0
        while self.proc.poll() is None:
            tables, sql = READS[n % len(READS)]
            n += 1
            t0 = time.monotonic()
            try:
                with warehouse.connect(str(self.catalog), lake, read_only=True) as con:
                    have = {f"{s}.{t}" for s, t in con.execute(
                        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'baliza' UNION ALL "
                        "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'baliza'").fetchall()}
                    if not set(tables) <= have:
                        continue
                    con.execute(sql).fetchall()
                    self.snapshots.add(con.execute("SELECT id FROM baliza.current_snapshot()").fetchone()[0])
            except Exception as e:  # every error counts
                if "no warehouse yet" in str(e):
                    continue
                self.errors.append(f"{type(e).__name__}: {str(e).splitlines()[0][:200]}")
            self.latencies.append(time.monotonic() - t0)


# ---- the baseline -------------------------------------------------------------------------------------

def baseline_commit(rev: str | None) -> str:
    """``rev``, or the parent of the commit that replaced the DuckDB file (lib/warehouse.py) by the DuckLake."""
    if rev is None:
        done = subprocess.run(["git", "log", "-1", "--diff-filter=D", "--format=%H", "--",
                               "baliza_assets/lib/warehouse.py"], cwd=HERE, capture_output=True, text=True, check=True)
        if not done.stdout.strip():
            raise SystemExit("no commit replaced baliza_assets/lib/warehouse.py; give --baseline REV")
        rev = done.stdout.strip() + "^"
    return subprocess.run(["git", "rev-parse", rev], cwd=HERE, capture_output=True, text=True,
                          check=True).stdout.strip()


def serve(port: int, scale: float, log: Path) -> subprocess.Popen:
    import httpx

    now = datetime.combine(DAY + timedelta(days=2), dtime(6))
    proc = start(port, ["--volume", "realistic", "--volume-scale", str(scale), "--faults", "none",
                        "--now", now.isoformat()], log)
    httpx.post(f"http://127.0.0.1:{port}/_sandbox/warm", params={"day": DAY.isoformat()}, timeout=600)
    return proc


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volume-scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", help="the DuckDB-file code to compare with (default: the commit before the "
                                           "DuckLake)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--code", "--port", "--lake", "--warehouse", "--select"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    sys.path.insert(0, str(HERE))
    root = Path(tempfile.mkdtemp(prefix="baliza-lakehouse-"))
    commit = baseline_commit(args.baseline)
    base_code = root / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(base_code), commit], cwd=HERE, check=True,
                   capture_output=True)
    port = free_port()
    sandbox = serve(port, args.volume_scale, root / "sandbox.log")
    runs: dict[str, list[dict]] = {"file": [], "lakehouse": []}
    readers: list[Reader] = []
    try:
        fetched = root / "fetched"
        t0 = time.monotonic()
        result_of(run_child(HERE, port, fetched / "lake", fetched / "catalog.sqlite", "group:raw"), "archiving the day")
        print(f"{DAY}: archived (raw and details) in {time.monotonic() - t0:.0f} s, "
              f"{sum(p.stat().st_size for p in (fetched / 'lake').rglob('*.parquet')) / 1e6:.0f} MB; "
              f"baseline {commit[:10]}", flush=True)
        for n in range(args.rounds):
            for variant in ("file", "lakehouse"):
                work = root / f"{variant}-{n}"
                shutil.copytree(fetched / "lake" / "raw", work / "lake" / "raw")
                shutil.copytree(fetched / "lake" / "meta", work / "lake" / "meta")
                if variant == "file":
                    proc = run_child(base_code, port, work / "lake", work / "baliza.duckdb", SELECT_DAY)
                    got = result_of(proc, "the day on the DuckDB file")
                else:
                    proc = run_child(HERE, port, work / "lake", work / "catalog.sqlite", SELECT_DAY)
                    reader = Reader(work / "catalog.sqlite", work / "lake", proc)
                    reader.thread.start()
                    got = result_of(proc, "the day on the DuckLake")
                    reader.thread.join()
                    readers.append(reader)
                    got["reads"] = len(reader.latencies)
                runs[variant].append(got)
                print(f"round {n + 1} {variant:<9}: {got['seconds']:6.1f} s wall, {got['cpu_s']:6.1f} s CPU, peak RSS "
                      f"{got['peak_rss_mb']:6.0f} MB" + (f"; {got['reads']} reads meanwhile" if "reads" in got else ""),
                      flush=True)
    finally:
        sandbox.kill()
        subprocess.run(["git", "worktree", "remove", "--force", str(base_code)], cwd=HERE, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
    seconds = {v: statistics.median(r["seconds"] for r in rs) for v, rs in runs.items()}
    rss = {v: statistics.median(r["peak_rss_mb"] for r in rs) for v, rs in runs.items()}
    latencies = [x for r in readers for x in r.latencies]
    errors = [e for r in readers for e in r.errors]
    snapshots = sum(len(r.snapshots) for r in readers)
    print(f"day (staging, CDC, marts): DuckDB file {seconds['file']:.1f} s, peak {rss['file']:.0f} MB; DuckLake "
          f"{seconds['lakehouse']:.1f} s, peak {rss['lakehouse']:.0f} MB")
    print(f"reader during the DuckLake day: {len(latencies)} queries over {snapshots} snapshots, median "
          f"{statistics.median(latencies):.3f} s, p95 {quantile(latencies, 0.95):.3f} s, max {max(latencies):.3f} s, "
          f"{len(errors)} errors" + (f" (first: {errors[0]})" if errors else ""))
    print(f"reader_errors={len(errors)} reader_p95_s={quantile(latencies, 0.95):.3f} "
          f"day_s_ratio={seconds['lakehouse'] / seconds['file']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
