"""Client throughput against the sandbox with the real latency distribution and the 6-in-flight ceiling.

    python bench/client_throughput.py [--days 5] [--scale 0.05]

Serves a realistic-volume sandbox from a separate process (latencies scaled by --scale, so a
real-time minute takes scale minutes), fetches every listing page of --days weekdays
(contratações for every modalidade, contratos, atas) and reports, in real-time equivalents:
pages per second, the theoretical maximum (ceiling / mean served latency), a sequential client
pacing 1 request per second, and pages lost against the sandbox's ground truth. Then the
same under the "busy" fault profile (429s and 5xx) and the "flaky" one (429s, 500s, 503s,
hangs, HTML with status 200, truncated JSON, spurious 422s). Under faults the "adjusted"
maximum counts the server slot-time that failed requests consumed (a hung request holds its
slot server-side long after the client gave up on it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sandbox_process import free_port

from baliza_assets.lib.pncp import PncpClient  # noqa: E402
from baliza_assets.lib.pncp import endpoints as E
from baliza_assets.settings import Settings  # noqa: E402
from baliza_sandbox import World  # noqa: E402

FIRST_DAY = date(2025, 7, 7)  # a Monday
CEILING = 6


def weekdays(n: int) -> list[date]:
    out, d = [], FIRST_DAY
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def expected_pages(world: World, days: list[date], modalidades: list[int]) -> tuple[int, int]:
    pages = records = 0
    for d in days:
        for m in modalidades:
            n = len(world.published("contratacoes", d, modalidade=m))
            pages += max(1, math.ceil(n / 50))
            records += n
        for n in (len(world.published("contratos", d)), len(world.updated("atas", d))):
            pages += max(1, math.ceil(n / 500))
            records += n
    return pages, records


class Server:
    def __init__(self, faults: str, scale: float, now: datetime):
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "baliza_sandbox", "serve", "--port", str(self.port), "--volume", "realistic",
             "--faults", faults, "--latency-scale", str(scale), "--now", now.isoformat()],
            stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                httpx.get(self.root + "/_sandbox/state", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("sandbox did not start")

    def warm(self, days):
        for d in days:
            httpx.post(self.root + f"/_sandbox/warm?day={d.isoformat()}", timeout=120)

    def state(self) -> dict:
        return httpx.get(self.root + "/_sandbox/state", timeout=10).json()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


async def concurrent_run(root: str, scale: float, days: list[date]) -> tuple[float, list, PncpClient]:
    config = Settings(consulta_url=root + "/api/consulta", detail_url=root + "/api/pncp", time_scale=scale).client_config()
    async with PncpClient(config) as client:
        mods = await client.modalidades()
        walks = []
        for d in days:
            walks += client.listings(E.CONTRATACOES_PUBLICACAO, d, d, mods)
            walks += client.listings(E.CONTRATOS_PUBLICACAO, d, d)
            walks += client.listings(E.ATAS_ATUALIZACAO, d, d)
        t0 = time.monotonic()
        exchanges = await client.collect(walks)
        return time.monotonic() - t0, exchanges, client


def sequential_run(root: str, scale: float, day: date, pages: int) -> float:
    """What most PNCP tools do: one request at a time, 1 s pause between requests."""
    url = root + "/api/consulta/v1/contratacoes/publicacao"
    t0 = time.monotonic()
    with httpx.Client(timeout=60) as http:
        for p in range(1, pages + 1):
            r = http.get(url, params={"dataInicial": day.strftime("%Y%m%d"), "dataFinal": day.strftime("%Y%m%d"),
                                      "codigoModalidadeContratacao": 8, "pagina": p, "tamanhoPagina": 50})
            r.raise_for_status()
            time.sleep(1.0 * scale)
    return time.monotonic() - t0


def run(profile: str, args, world: World, days: list[date], expected: tuple[int, int]) -> dict:
    server = Server(profile, args.scale, world.now)
    try:
        server.warm(days)
        elapsed, exchanges, client = asyncio.run(concurrent_run(server.root, args.scale, days))
        state = server.state()
        seq_pages = 20
        seq_elapsed = sequential_run(server.root, args.scale, days[0], seq_pages) if profile == "real" else None
    finally:
        server.stop()
    pages = sum(1 for ex in exchanges if ex.endpoint != "modalidades")
    records = sum(ex.records for ex in exchanges)
    keys = [r.get("numeroControlePNCP") or r.get("numeroControlePNCPAta") for ex in exchanges for r in ex.data()]
    mean_latency = state["latency"]["consulta"]["mean"] / args.scale
    real_elapsed = elapsed / args.scale
    out = {
        "profile": profile,
        "pages": pages,
        "expected_pages": expected[0],
        "lost_pages": expected[0] - pages,
        "records": records,
        "expected_records": expected[1],
        "duplicate_records": len(keys) - len(set(keys)),
        "seconds_real_equivalent": round(real_elapsed, 1),
        "pages_per_s": round(pages / real_elapsed, 3),
        "theoretical_max_pages_per_s": round(CEILING / mean_latency, 3),
        "mean_served_latency_s": round(mean_latency, 3),
        "ratio_to_max": round((pages / real_elapsed) / (CEILING / mean_latency), 3),
        # Pages per second the ceiling allows once the slot-time wasted on faults is counted:
        # ceiling / (server slot-seconds spent, per page delivered).
        "fault_adjusted_max_pages_per_s": round(CEILING * pages / (state["busy_seconds"]["consulta"] / args.scale), 3),
        "retries": client.stats.retries,
        "http_429": client.stats.rate_limited,
        "timeouts": client.stats.timeouts,
        "bad_payloads": client.stats.bad_payloads,
        "server_max_inflight": state["max_inflight"].get("consulta"),
    }
    out["ratio_to_fault_adjusted_max"] = round(out["pages_per_s"] / out["fault_adjusted_max_pages_per_s"], 3)
    if seq_elapsed is not None:
        out["sequential_1rps_pages_per_s"] = round(seq_pages / (seq_elapsed / args.scale), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--scale", type=float, default=0.1, help="latency scale (0.1: 10x faster than real time)")
    parser.add_argument("--profiles", default="real,busy,flaky")
    args = parser.parse_args()
    days = weekdays(args.days)
    now = datetime.combine(days[-1] + timedelta(days=2), datetime.min.time())
    world = World(seed=1, volume="realistic", now=now)
    from baliza_sandbox.records import MODALIDADES

    expected = expected_pages(world, days, [m["id"] for m in MODALIDADES])
    results = [run(p, args, world, days, expected) for p in args.profiles.split(",")]
    for r in results:
        print(json.dumps(r))
    print()
    print(f"{'profile':8} {'pages':>6} {'lost':>5} {'dups':>5} {'pages/s':>8} {'max/s':>7} {'ratio':>6} "
          f"{'adj max/s':>9} {'adj ratio':>9} {'seq 1rps/s':>10} {'429s':>5} {'retries':>7}")
    for r in results:
        print(f"{r['profile']:8} {r['pages']:>6} {r['lost_pages']:>5} {r['duplicate_records']:>5} {r['pages_per_s']:>8} "
              f"{r['theoretical_max_pages_per_s']:>7} {r['ratio_to_max']:>6} {r['fault_adjusted_max_pages_per_s']:>9} "
              f"{r['ratio_to_fault_adjusted_max']:>9} {str(r.get('sequential_1rps_pages_per_s', '-')):>10} "
              f"{r['http_429']:>5} {r['retries']:>7}")


if __name__ == "__main__":
    main()
