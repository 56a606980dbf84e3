"""Throughput at the API's physical limit: fixed concurrency against the adaptive limiter.

    python bench/throughput.py [--compras 1500] [--days 4] [--latency-scale 0.1]

A sandbox (its own process, the `capacity` fault profile) serves a realistic-volume world with the
real latencies scaled down. Its detail API serves DETAIL_CAPACITY requests at once at its latency
floor, queues beyond that (latency grows with the requests in flight) and sheds load with 503s past
twice that; its consulta API answers 429 past 6 in flight. The client is not told the capacity.

For each profile (clean; faulty: 429s and 5xx on both APIs) and each client (fixed 8 in flight on
the detail API; adaptive from 8 up to 64), it fetches the itens and arquivos of the first
``--compras`` compras of a realistic weekday, with the resultados of their items in the same pass
(as `raw_details` fetches a day), and the contratações listings of ``--days`` days, and prints the
requests answered per second as a share of the sandbox's true capacity (its capacity over its mean
floor latency), and the pages lost or duplicated against what the sandbox holds. Then the
projected duration of the whole history at that capacity, and the wall time of the quick-start day
(one materialization of every asset, in process, on the small world).

The last line is

    detail_capacity_share=<x> consulta_capacity_share=<y> lost=<n>

for the adaptive client on the faulty profile.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
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
HISTORY_DAYS = 1_800


def serve(port: int, faults: str, scale: float, days: int, log: Path) -> subprocess.Popen:
    import httpx

    now = datetime.combine(DAY + timedelta(days=2), dtime(6))
    proc = start(port, ["--volume", "realistic", "--faults", faults, "--latency-scale", str(scale),
                        "--now", now.isoformat()], log)
    for n in range(days):  # the sandbox builds the days first: its own CPU is not the API's latency
        httpx.post(f"http://127.0.0.1:{port}/_sandbox/warm", params={"day": (DAY - timedelta(days=n)).isoformat()},
                   timeout=600)
    return proc


async def fetch(base: str, scale: float, adaptive: bool, compras, days: int) -> dict:
    from baliza_assets.lib import archive
    from baliza_assets.lib.pncp import CompraRef, PncpClient
    from baliza_assets.lib.pncp import endpoints as E
    from baliza_assets.lib.reconcile import reconcile
    from baliza_assets.settings import Settings

    config = Settings(consulta_url=base + "/api/consulta", detail_url=base + "/api/pncp", detail_concurrency=8,
                      detail_max_concurrency=64 if adaptive else 8, time_scale=scale).client_config()
    out = {}
    async with PncpClient(config) as client:
        mods = await client.modalidades()
        def results_of(ex):  # one pass, as raw_details fetches a day: resultados as their itens arrive
            if ex.endpoint != "itens" or ex.status != 200:
                return []
            return client.result_walks([(CompraRef.parse(ex.meta["compra"]), i["numeroItem"])
                                        for i in ex.data() if i.get("temResultado") is True])

        walks = {"detail": client.detail_walks(compras, kinds=("itens", "arquivos")),
                 "consulta": [w for n in range(days) for w in client.listings(
                     E.CONTRATACOES_PUBLICACAO, DAY - timedelta(days=n), DAY - timedelta(days=n), mods)]}
        for api, api_walks in walks.items():
            t0 = time.monotonic()
            exchanges = await client.collect(api_walks, expand=results_of if api == "detail" else None)
            wall = time.monotonic() - t0
            keys = Counter(ex.key for ex in exchanges)
            duplicated = sum(n - 1 for n in keys.values())
            if api == "detail":  # every compra answered each of its walks (a page, or 204)
                answered = {(ex.endpoint, ex.meta.get("compra")) for ex in exchanges if ex.status in (200, 204)}
                lost = sum(1 for w in api_walks if (w.endpoint.name, w.meta["compra"]) not in answered)
                asked = {(ex.meta["compra"], i["numeroItem"]) for ex in exchanges if ex.endpoint == "itens"
                         for i in ex.data() if i.get("temResultado") is True}
                got = {(ex.meta["compra"], ex.meta["item"]) for ex in exchanges
                       if ex.endpoint == "resultados" and ex.status in (200, 204)}
                lost += len(asked - got)
            else:  # every listing reconciles against totalRegistros
                frame = archive.frame([archive.row(ex, DAY) for ex in exchanges])
                lost = len(reconcile(frame))
            out[api] = {"answered": len(exchanges), "seconds": wall, "rps": len(exchanges) / wall,
                        "lost": lost, "duplicated": duplicated, "limiter": client.limiters[api].figures()}
    return out


def capacity_rps(scale: float) -> dict[str, float]:
    from baliza_sandbox import faults as F

    def mean(lat: F.Latency) -> float:
        return lat.p50 * math.exp(lat.sigma ** 2 / 2) * scale

    return {"detail": F.DETAIL_CAPACITY / mean(F.REAL_DETAIL_LATENCY),
            "consulta": 6 / mean(F.REAL_CONSULTA_LATENCY)}


def quickstart_day() -> float:
    """Seconds to materialize every asset of the quick-start day, in process, against the small world."""
    import dagster as dg

    from baliza_assets.definitions import ASSETS, CHECKS
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings
    from baliza_sandbox import Sandbox, World
    from baliza_sandbox.faults import profile
    from baliza_sandbox.server import running

    day = date(2025, 7, 10)
    root = Path(tempfile.mkdtemp(prefix="baliza-quick-"))
    world = World(seed=7, volume="small", now=datetime.combine(day + timedelta(days=2), dtime()))
    with running(Sandbox(world, profile("real", 0.02))) as ep, dg.instance_for_test() as instance:
        res = resources_for(Settings(consulta_url=ep.consulta, detail_url=ep.detail, time_scale=0.02,
                                     lake_location=str(root / "lake"), catalog=str(root / "catalog.sqlite")))
        t0 = time.monotonic()
        result = dg.materialize([*ASSETS, *CHECKS], partition_key=day.isoformat(), resources=res, instance=instance,
                                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
                                raise_on_error=False)
        seconds = time.monotonic() - t0
    if not result.success:
        raise SystemExit("the quick-start day failed")
    return seconds


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compras", type=int, default=1500)
    parser.add_argument("--days", type=int, default=4, help="days of contratações listings on the consulta API")
    parser.add_argument("--latency-scale", type=float, default=0.1)
    args = parser.parse_args()

    from baliza_assets.cli.plan import plan
    from baliza_assets.lib.lake import Lake
    from baliza_assets.lib.pncp import CompraRef
    from baliza_assets.lib.pncp.errors import InvalidValue
    from baliza_sandbox.world import PROFILES, World

    world = World(seed=1, volume=PROFILES["realistic"], now=datetime.combine(DAY + timedelta(days=2), dtime(6)))
    compras = []
    for c in world.published("contratacoes", DAY):
        try:
            compras.append(CompraRef.from_record(c))
        except InvalidValue:
            continue
    compras = compras[:args.compras]
    capacity = capacity_rps(args.latency_scale)
    results = {}
    for faults in ("capacity", "capacity_faulty"):
        port, log = free_port(), Path(tempfile.mkdtemp(prefix="baliza-tp-")) / "sandbox.log"
        proc = serve(port, faults, args.latency_scale, args.days, log)
        try:
            for adaptive in (False, True):
                got = asyncio.run(fetch(f"http://127.0.0.1:{port}", args.latency_scale, adaptive, compras, args.days))
                results[(faults, adaptive)] = got
                for api in ("detail", "consulta"):
                    r = got[api]
                    print(f"{faults:<16} {'adaptive' if adaptive else 'fixed-8':<9} {api:<9} {r['answered']:>6} "
                          f"answered in {r['seconds']:>6.1f} s = {r['rps']:>6.1f}/s, {r['rps'] / capacity[api]:>5.1%} "
                          f"of capacity; limit {r['limiter']['limit']} (peak {r['limiter']['peak_in_flight']}), "
                          f"floor {r['limiter']['latency_floor_s']} s; lost {r['lost']}, duplicated {r['duplicated']}",
                          flush=True)
        finally:
            proc.kill()
    print(f"(sandbox capacity: detail {capacity['detail']:.1f}/s, consulta {capacity['consulta']:.1f}/s "
          f"at latency x{args.latency_scale})")
    # The whole history at the sandbox's capacity, unscaled: the requests `baliza backfill-plan` expects.
    history = plan(Lake(tempfile.mkdtemp(prefix="baliza-empty-")), DAY - timedelta(days=HISTORY_DAYS - 1), DAY)
    for api in ("detail", "consulta"):
        real = capacity[api] * args.latency_scale
        print(f"history ({HISTORY_DAYS:,} days) on the {api} API at its capacity ({real:.2f}/s unscaled): "
              f"{history.requests[api] / real / 86_400:,.0f} days of fetching")
    print(f"quick-start day, every asset in process: {quickstart_day():.0f} s", flush=True)
    best = results[("capacity_faulty", True)]
    lost = sum(r[api]["lost"] + r[api]["duplicated"] for r in results.values() for api in r)
    print(f"detail_capacity_share={best['detail']['rps'] / capacity['detail']:.3f} "
          f"consulta_capacity_share={best['consulta']['rps'] / capacity['consulta']:.3f} lost={lost}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
