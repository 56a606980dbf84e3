"""Command line for the PNCP sandbox.

    python -m baliza_sandbox serve --port 8765 --volume small --faults real --latency-scale 0.1

then point Baliza at it:

    PNCP_CONSULTA_URL=http://127.0.0.1:8765/api/consulta PNCP_DETAIL_URL=http://127.0.0.1:8765/api/pncp
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from .app import Sandbox
from .faults import PROFILES as FAULT_PROFILES
from .faults import profile
from .server import serve_forever
from .world import EPOCH, World
from .world import PROFILES as VOLUME_PROFILES


def build(args: argparse.Namespace) -> Sandbox:
    now = datetime.fromisoformat(args.now) if args.now else None
    volume = VOLUME_PROFILES[args.volume].scaled(args.volume_scale) if args.volume_scale != 1.0 else args.volume
    first_day = date.fromisoformat(args.first_day) if args.first_day else EPOCH
    world = World(seed=args.seed, volume=volume, now=now, first_day=first_day)
    return Sandbox(world, profile(args.faults, args.latency_scale))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pncp-sandbox", description="Offline simulator of the PNCP APIs")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve both APIs on loopback")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--volume", choices=sorted(VOLUME_PROFILES), default="small")
    serve.add_argument("--volume-scale", type=float, default=1.0, help="multiply the volume profile's daily counts")
    serve.add_argument("--faults", choices=sorted(FAULT_PROFILES), default="none")
    serve.add_argument("--latency-scale", type=float, default=1.0, help="multiply every delay (0.01 = 100x faster)")
    serve.add_argument("--now", help="the sandbox clock, ISO timestamp in Brasília time (default: start of today)")
    serve.add_argument("--first-day", help="the first publication day of the world (default 2021-01-01)")
    args = parser.parse_args(argv)
    sandbox = build(args)
    root = f"http://{args.host}:{args.port}"
    print(f"PNCP sandbox: consulta {root}/api/consulta  detail {root}/api/pncp  (clock {sandbox.world.now:%Y-%m-%d %H:%M})",
          file=sys.stderr, flush=True)
    serve_forever(sandbox, args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
