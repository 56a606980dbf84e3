"""The asset graph end to end: memory of one day, staging and marts over 30 days, archive ratio.

    python bench/asset_graph.py [--scales 0.25,0.5,1] [--days 30]

1. One day end to end (raw -> details -> staging -> marts and every check, in-process executor)
   against a sandbox serving a realistic-volume day (about 6,500 contratações, 8,500 contratos, 2,400 atas
   and the itens and arquivos of every compra) with zero latency, at growing fractions of that
   volume: seconds, requests, peak RSS of the process running every step. The sandbox serves
   from its own process, so its memory is not counted.
2. Archived bytes (the lake's Parquet files, payloads zstd-compressed) over the JSON bytes PNCP
   sent, for the full realistic day.
3. Staging and marts rebuilt for --days realistic days already archived (latency zero): an
   archive of that many days is written straight from the sandbox's world (the same records the
   API would serve), then one run materializes staging for the whole range and the marts.
   Seconds and peak RSS.
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
from datetime import date, datetime, timedelta
from pathlib import Path

from sandbox_process import free_port, start

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DAY = date(2025, 7, 10)  # a Thursday


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resources(root: Path, consulta: str = "http://127.0.0.1:9/none", detail: str = "http://127.0.0.1:9/none"):
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings

    return resources_for(Settings(consulta_url=consulta, detail_url=detail, consulta_concurrency=12,
                                  detail_concurrency=16, lake_location=str(root / "lake"),
                                  catalog=str(root / "catalog.sqlite"),
                                  duckdb_memory_limit=Settings.from_env().duckdb_memory_limit))


def child_day(args) -> dict:
    """Runs in a fresh process: the whole graph for one day against the sandbox at args.port."""
    import dagster as dg
    import polars as pl

    from baliza_assets.definitions import ASSETS, CHECKS

    root = Path(args.root)
    base = f"http://127.0.0.1:{args.port}"
    t0 = time.monotonic()
    with dg.instance_for_test() as instance:
        result = dg.materialize([*ASSETS, *CHECKS], partition_key=DAY.isoformat(), instance=instance,
                                resources=_resources(root, base + "/api/consulta", base + "/api/pncp"))
    seconds = time.monotonic() - t0
    assert result.success
    raw = pl.scan_parquet(str(root / "lake/raw/*/date=*/*.parquet")).select(
        requests=pl.len(), json_bytes=pl.col("payload_bytes").sum(), records=pl.col("records").sum()).collect()
    archived = sum(p.stat().st_size for p in (root / "lake/raw").rglob("*.parquet"))
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "requests": raw["requests"][0],
            "records": raw["records"][0], "json_bytes": raw["json_bytes"][0], "archived_bytes": archived}


def child_staging(args) -> dict:
    """Runs in a fresh process: staging for every archived day (one run) and the marts."""
    import dagster as dg

    from baliza_assets.definitions import ASSETS, CHECKS

    root = Path(args.root)
    first, last = date.fromisoformat(args.first), date.fromisoformat(args.last)
    selection = dg.AssetSelection.groups("staging", "marts")
    t0 = time.monotonic()
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [*ASSETS, *CHECKS], selection=selection, instance=instance, resources=_resources(root),
            tags={"dagster/asset_partition_range_start": first.isoformat(),
                  "dagster/asset_partition_range_end": last.isoformat()})
    seconds = time.monotonic() - t0
    assert result.success
    from baliza_assets.lib import warehouse

    with warehouse.connect(str(root / "catalog.sqlite"), read_only=True) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchone()[0]
                  for t in ("contratacoes", "contratos", "atas", "itens", "arquivos")}
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "rows": counts}


def run_child(*argv: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-4000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve(scale: float, now: datetime):
    port = free_port()
    return start(port, ["--volume", "realistic", "--volume-scale", str(scale), "--faults", "none",
                        "--now", now.isoformat()]), port


def write_archive(world, root: Path, days: list[date]) -> int:
    """Archive rows for each day, built from the world the sandbox serves (no HTTP), into the lake."""

    import hashlib

    from baliza_assets.lib import archive
    from baliza_assets.lib.lake import Lake
    from baliza_assets.lib.pncp import Exchange

    lake = Lake(str(root / "lake"))
    now = datetime.now().astimezone()
    total = 0

    def rows_for(endpoint, path, params, body, day, records, page=None, pages=None, total_records=None, ctx=None):
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return archive.row(Exchange(
            endpoint=endpoint, api="", path=path, params=tuple(params), url="http://sandbox" + path, status=200,
            headers={"content-type": "application/json"}, body=data, sha256=hashlib.sha256(data).hexdigest(),
            started_at=now, elapsed_s=0.0, attempts=1, page=page, total_pages=pages, total_records=total_records,
            records=records, meta=ctx or {}), day)

    def envelope(endpoint, path, records, size, day, extra=()):
        pages = max(1, -(-len(records) // size))
        out = []
        for p in range(1, pages + 1):
            chunk = records[(p - 1) * size:p * size]
            body = {"data": chunk, "totalRegistros": len(records), "totalPaginas": pages, "numeroPagina": p,
                    "paginasRestantes": pages - p, "empty": not chunk}
            out.append(rows_for(endpoint, path, tuple(extra) + (("pagina", str(p)),), body, day, len(chunk), p, pages,
                                len(records)))
        return out

    for day in days:
        compras = world.published("contratacoes", day)
        by_mod: dict[int, list] = {}
        for c in compras:
            by_mod.setdefault(c["modalidadeId"], []).append(c)
        listing = []
        for m, recs in sorted(by_mod.items()):
            listing += envelope("contratacoes_publicacao", "/v1/contratacoes/publicacao", recs, 50, day,
                                (("codigoModalidadeContratacao", str(m)),))
        tables = {
            "raw/contratacoes": listing,
            "raw/contratos": envelope("contratos_publicacao", "/v1/contratos", world.published("contratos", day), 500, day),
            "raw/atas": envelope("atas_atualizacao", "/v1/atas/atualizacao", world.updated("atas", day), 500, day),
            "raw/itens": [], "raw/arquivos": [],
        }
        for c in compras:
            ref = c["numeroControlePNCP"]
            base = f"/v1/orgaos/{c['orgaoEntidade']['cnpj']}/compras/{c['anoCompra']}/{c['sequencialCompra']}"
            for kind, recs in (("itens", world.itens(c)), ("arquivos", world.arquivos(c))):
                for p in range(1, max(1, -(-len(recs) // 500)) + 1):
                    chunk = recs[(p - 1) * 500:p * 500]
                    tables[f"raw/{kind}"].append(rows_for(kind, f"{base}/{kind}", (("pagina", str(p)),), chunk, day,
                                                          len(chunk), p, ctx={"compra": ref}))
        for table, rows in tables.items():
            total += lake.write(table, day, archive.frame(rows))[0]
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="0.25,0.5,1")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--skip-day", action="store_true", help="only the staging and marts part")
    parser.add_argument("--child", choices=["day", "staging"])
    parser.add_argument("--root")
    parser.add_argument("--port", type=int)
    parser.add_argument("--first")
    parser.add_argument("--last")
    args = parser.parse_args()
    if args.child == "day":
        print(json.dumps(child_day(args)))
        return
    if args.child == "staging":
        print(json.dumps(child_staging(args)))
        return

    from baliza_sandbox import World

    now = datetime.combine(DAY + timedelta(days=2), datetime.min.time())
    if not args.skip_day:
        print("1. One day end to end, zero latency (peak RSS of the process running every step)")
        print(f"{'volume':>8} {'requests':>9} {'records':>9} {'seconds':>8} {'peak RSS MB':>12}")
    full = None
    for scale in [] if args.skip_day else [float(s) for s in args.scales.split(",")]:
        root = Path(tempfile.mkdtemp(prefix="baliza-bench-"))
        proc, port = serve(scale, now)
        try:
            got = run_child("--child", "day", "--root", str(root), "--port", str(port))
        finally:
            proc.kill()
            shutil.rmtree(root, ignore_errors=True)
        print(f"{scale:>8.2f} {got['requests']:>9} {got['records']:>9} {got['seconds']:>8.1f} {got['peak_rss_mb']:>12.0f}")
        full = got
    if full:
        print(f"\n2. Archive ratio for the last day: {full['archived_bytes']:,} archived bytes / {full['json_bytes']:,} "
              f"JSON bytes = {full['archived_bytes'] / full['json_bytes']:.3f}")

    root = Path(tempfile.mkdtemp(prefix="baliza-bench-"))
    try:
        days = [DAY - timedelta(days=i) for i in range(args.days)][::-1]
        t0 = time.monotonic()
        world = World(seed=1, volume="realistic", now=datetime.combine(days[-1] + timedelta(days=2), datetime.min.time()))
        archived = write_archive(world, root, days)
        print(f"\n3. Staging and marts over {args.days} archived realistic days "
              f"({archived / 1e6:.0f} MB archived, written in {time.monotonic() - t0:.0f} s)")
        got = run_child("--child", "staging", "--root", str(root), "--first", days[0].isoformat(),
                        "--last", days[-1].isoformat())
        rows = ", ".join(f"{k} {v:,}" for k, v in got["rows"].items())
        print(f"   {got['seconds']:.1f} s, peak RSS {got['peak_rss_mb']:.0f} MB; staging rows: {rows}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
