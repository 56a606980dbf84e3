"""Steady state on the sandbox clock: what the daily work costs PNCP, day after day.

    python bench/steady_state.py [--days 14] [--volume-scale 1] [--latency-scale 0.001]

A sandbox (its own process) serves a realistic-volume world whose records change over their life
(contratos over years, contratações over months) with the real latency distribution scaled down.
The listings of the 30 days before are archived first (what a sweep lists again in steady state).
Every simulated morning the clock moves to 06:00 and the three daily schedules (`daily_harvest`,
`daily_updates`, `daily_sweep`) are evaluated as the daemon evaluates them; each RunRequest is
executed in priority order, in process, against one Dagster instance, lake and DuckDB file.

Printed: requests per simulated day by purpose (from the runs' own metadata), each API's share of
its daily capacity (ceiling / mean latency x 86,400: consulta 6 in flight at 1.4 s, detail 8 in
flight at 8.5 s, as measured on the real PNCP), and the amplification: all requests over those the
new publications alone need (their listings and their compras' details). The same figures for the
publication-day refresh design are computed from the sandbox's truth: each day, one whole-day
refetch (listings and details) per earlier publication day the update feed touched, plus the
trailing 3-day re-harvest. The last line is

    amplification=<x> consulta_share=<y> detail_share=<z>
"""

from __future__ import annotations

import argparse
import math
import os
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

START = date(2025, 8, 4)  # a Monday
CAPACITY = {"consulta": 6 / 1.4 * 86_400, "detail": 8 / 8.5 * 86_400}
DETAIL_PURPOSES = {"details", "targeted_details"}
NEW_PUBLICATIONS = {"publication", "details"}
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def serve(args, port: int, log: Path):
    now = datetime.combine(START + timedelta(days=1), dtime(6))
    return start(port, ["--volume", "realistic", "--volume-scale", str(args.volume_scale), "--faults", "real",
                        "--latency-scale", str(args.latency_scale), "--now", now.isoformat(),
                        "--first-day", (START - timedelta(days=args.history_days)).isoformat()], log)


def requests_by_purpose(result) -> Counter:
    out = Counter()
    for event in result.get_asset_materialization_events():
        meta = event.materialization.metadata
        if "requests_by_purpose" in meta:
            out.update(meta["requests_by_purpose"].value)
    return out


def old_design(world, day: date, refresh_days: int = 3) -> tuple[int, int]:
    """(consulta, detail) requests the publication-day refresh design makes on ``day``: the trailing
    re-harvest of the last ``refresh_days`` days, and one whole-day refetch per earlier publication day
    the day's update feed touched."""
    harvested = {day - timedelta(days=n) for n in range(refresh_days)}
    touched = {e: {date.fromisoformat(r["dataPublicacaoPncp"][:10]) for r in world.updated(e, day)} - harvested
               for e in ("contratacoes", "contratos")}
    consulta = detail = 0
    for d in harvested | touched["contratacoes"]:  # listings, then the details of every compra of the day
        mods = Counter(r["modalidadeId"] for r in world.published("contratacoes", d))
        consulta += sum(max(1, math.ceil(mods.get(m, 0) / 50)) for m in range(1, 15))
        detail += 2 * sum(mods.values()) + 1
    for d in harvested | touched["contratos"]:  # the contratos listing only
        consulta += max(1, math.ceil(world.count("contratos", d) / 500))
    consulta += max(1, math.ceil(world.count("atas", day) / 500))
    return consulta, detail


def main() -> int:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--volume-scale", type=float, default=1.0)
    parser.add_argument("--latency-scale", type=float, default=0.001)
    parser.add_argument("--history-days", type=int, default=400, help="publication days before the first one")
    parser.add_argument("--archived-days", type=int, default=30, help="days archived (listings) before the first one")
    args = parser.parse_args()

    import dagster as dg
    import httpx

    from baliza_assets.definitions import ASSETS, CHECKS, defs
    from baliza_assets.defs.schedules import DAILY_WORK
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings
    from baliza_sandbox.world import PROFILES, World

    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="baliza-steady-"))
    proc = serve(args, port, root / "sandbox.log")
    base = f"http://127.0.0.1:{port}"
    # The client keeps real timeouts: the sandbox computing a realistic day's views is not PNCP's latency.
    res = resources_for(Settings(consulta_url=base + "/api/consulta", detail_url=base + "/api/pncp",
                                 lake_location=str(root / "lake"), catalog=str(root / "catalog.sqlite")))
    truth = World(seed=1, volume=PROFILES["realistic"].scaled(args.volume_scale),
                  first_day=START - timedelta(days=args.history_days))
    rows, old_rows = [], []
    try:
        with dg.instance_for_test() as instance:
            # The archive a steady state has: the publication listings of the days a sweep lists again.
            httpx.post(f"{base}/_sandbox/clock", params={"set": datetime.combine(START, dtime(6)).isoformat()}, timeout=60)
            warm = dg.AssetSelection.assets(["raw", "contratacoes"], ["raw", "contratos"], ["staging", "contratacoes"],
                                            ["staging", "contratos"], ["cdc", "contratacoes"], ["cdc", "contratos"])
            t0 = time.monotonic()
            archived = dg.materialize([*ASSETS, *CHECKS], selection=warm, resources=res, instance=instance, run_config=QUIET,
                                      tags={"dagster/asset_partition_range_start": (START - timedelta(days=args.archived_days)).isoformat(),
                                            "dagster/asset_partition_range_end": (START - timedelta(days=1)).isoformat()},
                                      raise_on_error=False)
            if not archived.success:
                raise SystemExit("archiving the earlier days failed")
            print(f"archived the listings of the {args.archived_days} days before {START} ({time.monotonic() - t0:.0f} s)",
                  flush=True)
            for n in range(args.days):
                day = START + timedelta(days=n)
                morning = datetime.combine(day + timedelta(days=1), dtime(6))
                httpx.post(f"{base}/_sandbox/clock", params={"set": morning.isoformat()}, timeout=60)
                httpx.post(f"{base}/_sandbox/warm", params={"day": day.isoformat()}, timeout=600)
                before = httpx.get(f"{base}/_sandbox/state", timeout=60).json()["served"]
                purposes, t0 = Counter(), time.monotonic()
                for work in sorted(DAILY_WORK, key=lambda w: -w.priority):
                    schedule = defs.get_schedule_def(work.name)
                    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=morning)
                    request = schedule(context)
                    result = dg.materialize([*ASSETS, *CHECKS], selection=work.selection, resources=res,
                                            partition_key=request.partition_key, instance=instance,
                                            tags=request.tags, raise_on_error=False, run_config=QUIET)
                    if not result.success:
                        raise SystemExit(f"{work.name} {day} failed")
                    purposes.update(requests_by_purpose(result))
                after = httpx.get(f"{base}/_sandbox/state", timeout=60).json()["served"]
                served = Counter({k: v - before.get(k, 0) for k, v in after.items()})
                api = {a: sum(v for k, v in served.items() if k.startswith(a)) for a in CAPACITY}
                truth.set_now(morning)
                old_rows.append(old_design(truth, day))
                rows.append((day, purposes, api))
                print(f"{day} {day:%a}  " + "  ".join(f"{p}={purposes[p]}" for p in sorted(purposes))
                      + f"  | served consulta={api['consulta']} detail={api['detail']}  ({time.monotonic() - t0:.0f} s)",
                      flush=True)
    except BaseException:
        if proc.poll() is not None:
            print(f"the sandbox exited ({proc.returncode}): {(root / 'sandbox.log').read_text()[-2000:]}", file=sys.stderr)
        raise
    finally:
        proc.kill()

    days = len(rows)
    total = Counter()
    for _, purposes, _ in rows:
        total.update(purposes)
    new = sum(total[p] for p in NEW_PUBLICATIONS)
    consulta = sum(v for p, v in total.items() if p not in DETAIL_PURPOSES) / days
    detail = sum(total[p] for p in DETAIL_PURPOSES) / days
    amplification = sum(total.values()) / new
    old_consulta = sum(c for c, _ in old_rows) / days
    old_detail = sum(d for _, d in old_rows) / days
    old_amplification = sum(c + d for c, d in old_rows) / new
    print()
    print(f"{'per simulated day':<34}{'this design':>14}{'publication-day refresh':>26}")
    for p in sorted(total):
        print(f"  {p:<32}{total[p] / days:>14,.0f}")
    print(f"  {'consulta API':<32}{consulta:>14,.0f}{old_consulta:>26,.0f}")
    print(f"  {'detail API':<32}{detail:>14,.0f}{old_detail:>26,.0f}")
    print(f"  {'consulta share of capacity':<32}{consulta / CAPACITY['consulta']:>14.1%}"
          f"{old_consulta / CAPACITY['consulta']:>26.1%}")
    print(f"  {'detail share of capacity':<32}{detail / CAPACITY['detail']:>14.1%}{old_detail / CAPACITY['detail']:>26.1%}")
    print(f"  {'amplification':<32}{amplification:>14.2f}{old_amplification:>26.2f}")
    print(f"(capacity per day: consulta {CAPACITY['consulta']:,.0f}, detail {CAPACITY['detail']:,.0f}; "
          f"{days} days from {START}, volume x{args.volume_scale}, latency x{args.latency_scale})")
    print(f"amplification={amplification:.2f} consulta_share={consulta / CAPACITY['consulta']:.3f} "
          f"detail_share={detail / CAPACITY['detail']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
