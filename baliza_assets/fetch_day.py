"""Fetch one whole PNCP day into local files, without Dagster.

    python -m baliza_assets.fetch_day 2025-07-10            # from the offline sandbox (default)
    python -m baliza_assets.fetch_day 2025-07-10 --real     # from the real PNCP (or PNCP_*_URL)

Writes one Parquet file per endpoint under ``data/raw/<endpoint>/date=<day>/`` with one row per
HTTP exchange (URL, params, status, ETag, sha256, sizes, timings, page counters and the
zstd-compressed verbatim payload), then prints what it got.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from .lib import raw_codec
from .lib.pncp import ClientConfig, CompraRef, Exchange, PncpClient, endpoints as E
from .lib.pncp.client import REAL_CONSULTA, REAL_DETAIL


def exchanges_frame(exchanges: list[Exchange], day: date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "request_key": [ex.key for ex in exchanges],
            "partition_date": [day] * len(exchanges),
            "endpoint": [ex.endpoint for ex in exchanges],
            "url": [ex.url for ex in exchanges],
            "params": [json.dumps(dict(ex.params)) for ex in exchanges],
            "http_status": [ex.status for ex in exchanges],
            "etag": [ex.etag for ex in exchanges],
            "payload_sha256": [ex.sha256 for ex in exchanges],
            "payload_bytes": [len(ex.body) for ex in exchanges],
            "payload_zstd": [raw_codec.compress(ex.body) for ex in exchanges],
            "collected_at": [ex.started_at for ex in exchanges],
            "elapsed_s": [ex.elapsed_s for ex in exchanges],
            "attempts": [ex.attempts for ex in exchanges],
            "numero_pagina": [ex.page for ex in exchanges],
            "total_paginas": [ex.total_pages for ex in exchanges],
            "total_registros": [ex.total_records for ex in exchanges],
            "records": [ex.records for ex in exchanges],
        },
        schema_overrides={"numero_pagina": pl.Int64, "total_paginas": pl.Int64, "total_registros": pl.Int64},
    )


async def fetch(config: ClientConfig, day: date) -> tuple[list[Exchange], list[Exchange], PncpClient]:
    async with PncpClient(config) as client:
        mods = await client.modalidades()
        walks = (client.listings(E.CONTRATACOES_PUBLICACAO, day, day, mods)
                 + client.listings(E.CONTRATOS_PUBLICACAO, day, day)
                 + client.listings(E.ATAS_ATUALIZACAO, day, day))
        listings = await client.collect(walks)
        compras = {CompraRef.from_record(r) for ex in listings if ex.endpoint == E.CONTRATACOES_PUBLICACAO.name
                   for r in ex.data()}
        details = await client.collect(client.detail_walks(sorted(compras, key=lambda c: c.numero_controle)))
        return listings, details, client


@contextlib.contextmanager
def sandbox_endpoints(day: date):
    from .sandbox import Sandbox, World, profile
    from .sandbox.server import running

    world = World(seed=1, volume="small", now=datetime.combine(day + timedelta(days=1), datetime.min.time()))
    with running(Sandbox(world, profile("real", 0.01))) as ep:
        yield ep.consulta, ep.detail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fetch one PNCP day into data/raw (no Dagster needed)")
    parser.add_argument("day", type=date.fromisoformat, nargs="?", default=date(2025, 7, 10))
    parser.add_argument("--real", action="store_true", help="use PNCP_CONSULTA_URL/PNCP_DETAIL_URL (default: real PNCP)")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("BALIZA_DATA_DIR", "data")) / "raw")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.real:
            consulta = os.environ.get("PNCP_CONSULTA_URL", REAL_CONSULTA)
            detail = os.environ.get("PNCP_DETAIL_URL", REAL_DETAIL)
        else:
            consulta, detail = stack.enter_context(sandbox_endpoints(args.day))
        t0 = time.monotonic()
        listings, details, client = asyncio.run(fetch(ClientConfig(consulta_url=consulta, detail_url=detail), args.day))
        elapsed = time.monotonic() - t0
    frame = exchanges_frame(listings + details, args.day)
    for (endpoint,), part in frame.group_by(["endpoint"]):
        folder = args.out / endpoint / f"date={args.day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        part.write_parquet(folder / "part-0.parquet")
    summary = frame.group_by("endpoint").agg(
        pl.len().alias("requests"), pl.col("records").sum(), pl.col("payload_bytes").sum().alias("json_bytes"),
        pl.col("payload_zstd").bin.size().sum().alias("zstd_bytes"),
    ).sort("endpoint")
    with pl.Config(tbl_rows=20, tbl_hide_dataframe_shape=True):
        print(summary)
    stats = client.stats.as_metadata()
    print(f"{args.day}: {len(frame)} requests in {elapsed:.1f} s, {stats['retries']} retries, "
          f"{stats['rate_limited_429']} x 429; written under {args.out}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
