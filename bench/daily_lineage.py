"""A realistic day's work, run as the schedules run it: wall time, CPU, peak memory, and how often each
archived payload is JSON-decoded and each record validated.

    python bench/daily_lineage.py [--volume-scale 1] [--archived-days 7]

A sandbox (its own process, zero latency, no faults) serves a realistic-volume world whose records
change over their life. The listings of the days before DAY are archived, staged and captured first
(what the sweep lists again and the update feed amends; not measured). Then the three daily runs for
DAY (``daily_harvest``, ``daily_updates``, ``daily_sweep``, in priority order, with the schedules'
selections and tags) each run in a fresh process on one persistent Dagster instance, lake and DuckDB
file, as a deployment's run workers do. Each process counts, with wrappers installed before the run:
every ``json.loads`` of an archived payload (by sha256), the payloads the staging builder decodes, and
every record a pandera model validates.

Printed per run: wall s, CPU s, peak RSS MB; then the decodes per archive row of DAY by raw table (the
decodes of a payload over the three runs, divided by the archive rows of every raw table holding it:
two requests may be answered byte-identical pages, a modalidade's publication listing of the day and
its update feed, or the modalidades table each run archives beside its listings), and the validations
per record observation (those of a record of a payload, divided by the sources whose archive rows hold
that payload: each source types its pages and validates their records once). The last line is

    wall_s=<sum> cpu_s=<sum> peak_rss_mb=<max> decodes_per_payload_max=<x> validations_per_record_max=<y>
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sandbox_process import free_port, start

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DAY = date(2025, 8, 5)  # a Tuesday
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def install_counters() -> tuple[Counter, Counter]:
    """(decodes by payload sha256, validations by (entity, payload sha256, key)), counted from now on."""
    decodes, validations = Counter(), Counter()
    real_loads = json.loads

    def loads(s, *args, **kwargs):
        raw = bytes(s) if isinstance(s, (bytes, bytearray)) else s.encode() if isinstance(s, str) else b""
        if len(raw) > 2:
            decodes[hashlib.sha256(raw).hexdigest()] += 1
        return real_loads(s, *args, **kwargs)

    json.loads = loads

    import importlib

    B = importlib.import_module("baliza_assets.lib.staging.build")
    M = importlib.import_module("baliza_assets.lib.staging.models")

    name = next(n for n in ("decode_payloads", "_decode") if hasattr(B, n))
    real_decode = getattr(B, name)

    def decode(entity, payloads, *args, **kwargs):
        decodes.update(payloads["payload_sha256"].to_list())
        return real_decode(entity, payloads, *args, **kwargs)

    setattr(B, name, decode)
    for entity, model in M.MODELS.items():
        key = list(B.ENTITIES[entity].key)
        real = model.validate.__func__

        def validate(cls, frame, *args, _real=real, _entity=entity, _key=key, **kwargs):
            validations.update((_entity, *r) for r in frame.select("payload_sha256", *_key).iter_rows())
            return _real(cls, frame, *args, **kwargs)

        model.validate = classmethod(validate)
    return decodes, validations


def child(args) -> dict:
    """Runs in a fresh process: one run of the day's work (or the warm-up), measured."""
    import dagster as dg

    from baliza_assets.definitions import ASSETS, CHECKS, defs
    from baliza_assets.defs.schedules import DAILY_WORK
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings

    root, base = Path(args.root), f"http://127.0.0.1:{args.port}"
    res = resources_for(Settings(consulta_url=base + "/api/consulta", detail_url=base + "/api/pncp",
                                 lake_location=str(root / "lake"), catalog=str(root / "catalog.sqlite")))
    decodes, validations = install_counters() if args.child != "warm" else (Counter(), Counter())
    t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    (root / "dagster").mkdir(exist_ok=True)
    with dg.instance_for_test(temp_dir=str(root / "dagster")) as instance:
        if args.child == "warm":
            warm = dg.AssetSelection.assets(["raw", "contratacoes"], ["raw", "contratos"], ["staging", "contratacoes"],
                                            ["staging", "contratos"], ["cdc", "contratacoes"], ["cdc", "contratos"])
            result = dg.materialize([*ASSETS, *CHECKS], selection=warm, resources=res, instance=instance,
                                    run_config=QUIET, raise_on_error=False,
                                    tags={"dagster/asset_partition_range_start": args.first,
                                          "dagster/asset_partition_range_end": args.last})
        else:
            work = next(w for w in DAILY_WORK if w.name == args.child)
            morning = datetime.combine(DAY + timedelta(days=1), dtime(6))
            request = defs.get_schedule_def(work.name)(dg.build_schedule_context(instance=instance,
                                                                                 scheduled_execution_time=morning))
            result = dg.materialize([*ASSETS, *CHECKS], selection=work.selection, resources=res,
                                    partition_key=request.partition_key, instance=instance, tags=request.tags,
                                    raise_on_error=False, run_config=QUIET)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    if not result.success:
        failures = [e.step_failure_data.error.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        raise SystemExit(f"{args.child} failed: {failures[:3]}")
    return {"wall_s": time.monotonic() - t0, "cpu_s": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime),
            "peak_rss_mb": r1.ru_maxrss / 1024, "decodes": dict(decodes),
            "validations": [[*k, v] for k, v in validations.items()]}


def run_child(*argv: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run([sys.executable, __file__, *argv, "--out", out.name], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-4000:])
        return json.loads(Path(out.name).read_text())


def serve(args, port: int, log: Path) -> subprocess.Popen:
    now = datetime.combine(DAY - timedelta(days=args.archived_days - 1), dtime(6))
    return start(port, ["--volume", "realistic", "--volume-scale", str(args.volume_scale), "--faults", "none",
                        "--latency-scale", "0", "--now", now.isoformat(),
                        "--first-day", (DAY - timedelta(days=400)).isoformat()], log)


def archived_rows(root: Path) -> list[tuple[str, str, str]]:
    """The archive rows of DAY holding records: (raw table, endpoint, payload sha256) each."""
    import polars as pl

    out = []
    for path in sorted((root / "lake" / "raw").glob(f"*/date={DAY}/*.parquet")):
        table = path.parent.parent.name
        rows = (pl.read_parquet(path, columns=["endpoint", "payload_sha256", "http_status", "records"])
                .filter((pl.col("http_status") == 200) & (pl.col("records") > 0)))
        out += [(table, endpoint, sha) for endpoint, sha in rows.select("endpoint", "payload_sha256").iter_rows()]
    return out


def observations(rows: list[tuple[str, str, str]]) -> Counter:
    """Per (entity, payload sha256), the sources whose archive rows of DAY hold that payload."""
    from baliza_assets.lib.staging.sources import SOURCES

    held = set(rows)
    return Counter((entity, sha) for entity, sources in SOURCES.items() for s in sources
                   for table, endpoint, sha in held if f"raw/{table}" == s.table and endpoint == s.endpoint)


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volume-scale", type=float, default=1.0)
    parser.add_argument("--archived-days", type=int, default=7, help="publication days archived before DAY")
    parser.add_argument("--child", choices=["warm", "daily_harvest", "daily_updates", "daily_sweep"])
    parser.add_argument("--root")
    parser.add_argument("--port", type=int)
    parser.add_argument("--first")
    parser.add_argument("--last")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        Path(args.out).write_text(json.dumps(child(args)))
        return 0

    import httpx

    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="baliza-lineage-"))
    proc = serve(args, port, root / "sandbox.log")
    base = f"http://127.0.0.1:{port}"
    common = ["--root", str(root), "--port", str(port)]
    try:
        first = DAY - timedelta(days=args.archived_days)
        t0 = time.monotonic()
        httpx.post(f"{base}/_sandbox/clock", params={"set": datetime.combine(DAY, dtime(6)).isoformat()}, timeout=60)
        run_child("--child", "warm", *common, "--first", first.isoformat(), "--last", (DAY - timedelta(days=1)).isoformat())
        print(f"archived, staged and captured the listings of {first}..{DAY - timedelta(days=1)} "
              f"({time.monotonic() - t0:.0f} s)", flush=True)
        httpx.post(f"{base}/_sandbox/clock", params={"set": datetime.combine(DAY + timedelta(days=1), dtime(6)).isoformat()},
                   timeout=60)
        httpx.post(f"{base}/_sandbox/warm", params={"day": DAY.isoformat()}, timeout=600)
        runs, decodes, validations = {}, Counter(), Counter()
        print(f"{'run':<16}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}")
        for name in ("daily_harvest", "daily_updates", "daily_sweep"):
            got = run_child("--child", name, *common)
            runs[name] = got
            decodes.update(got["decodes"])
            validations.update({tuple(v[:-1]): v[-1] for v in got["validations"]})
            print(f"{name:<16}{got['wall_s']:>9.1f}{got['cpu_s']:>9.1f}{got['peak_rss_mb']:>13.0f}", flush=True)
    finally:
        proc.kill()
    rows = archived_rows(root)
    holding = Counter(sha for _, _, sha in rows)  # archive rows per payload, every raw table
    twice = sum(1 for n in holding.values() if n > 1)
    print(f"\ndecodes per archive row of {DAY} over the three runs ({len(rows):,} archive rows with records, "
          f"{twice} payloads archived in more than one row)")
    print(f"{'raw table':<24}{'rows':>9}{'mean':>7}{'max':>6}")
    worst = 0.0
    for table in sorted({t for t, _, _ in rows}):
        per = [decodes.get(sha, 0) / holding[sha] for t, _, sha in rows if t == table]
        worst = max(worst, max(per))
        print(f"{table:<24}{len(per):>9,}{sum(per) / len(per):>7.2f}{max(per):>6.2f}")
    sources = observations(rows)
    per_record = Counter(n / sources[key[:2]] if sources[key[:2]] else float("inf")
                         for key, n in validations.items())
    print("\nvalidations per record observation: "
          + ", ".join(f"{k:g}: {n:,} records" for k, n in sorted(per_record.items())))
    wall = sum(r["wall_s"] for r in runs.values())
    cpu = sum(r["cpu_s"] for r in runs.values())
    rss = max(r["peak_rss_mb"] for r in runs.values())
    print(f"wall_s={wall:.1f} cpu_s={cpu:.1f} peak_rss_mb={rss:.0f} decodes_per_payload_max={worst:.2f} "
          f"validations_per_record_max={max(per_record) if per_record else 0:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
