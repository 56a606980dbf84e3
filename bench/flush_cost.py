"""What a flush of pending pages costs, on a local lake and on S3, and what reading the chunks back costs.

    python bench/flush_cost.py [--compras 400] [--repeats 40]

A day's detail pages (itens, arquivos and the resultados of every item with one, from the sandbox's
small world, zero latency) are fetched once into memory. Then, for batches of 10, 50 and 500 pages:
the seconds one flush takes (one pending chunk per table the batch touches, as the fetch writes
them), median and p95 over ``--repeats`` flushes, on a local lake and on SeaweedFS on loopback.
Last, promoting a day left in chunks of 500, 50 and 10 pages: the seconds to compact them into the
partition.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import polars as pl  # noqa: E402

from baliza_assets.lib import archive  # noqa: E402
from baliza_assets.lib.lake import Lake, S3Settings  # noqa: E402
from baliza_assets.lib.pncp import CompraRef, PncpClient  # noqa: E402
from baliza_assets.settings import Settings  # noqa: E402
from baliza_sandbox import Sandbox, World  # noqa: E402
from baliza_sandbox.server import running  # noqa: E402

DAY = date(2025, 7, 10)
TABLES = {"itens": "raw/itens", "arquivos": "raw/arquivos", "resultados": "raw/resultados"}


async def detail_rows(ep, world: World, compras: int) -> pl.DataFrame:
    refs = sorted({CompraRef.from_record(c) for c in world.published("contratacoes", DAY)},
                  key=lambda r: r.numero_controle)[:compras]
    async with PncpClient(Settings(consulta_url=ep.consulta, detail_url=ep.detail).client_config()) as client:
        def expand(ex):
            if ex.endpoint != "itens" or ex.status != 200:
                return []
            return client.result_walks([(CompraRef.parse(ex.meta["compra"]), i["numeroItem"])
                                        for i in ex.data() if i.get("temResultado")])
        got = await client.collect(client.detail_walks(refs), expand=expand)
    return archive.frame([archive.row(ex, DAY) for ex in got])


def flush(lake: Lake, batch: pl.DataFrame) -> float:
    t0 = time.perf_counter()
    for (endpoint,), part in batch.group_by("endpoint"):
        lake.write_pending(TABLES[endpoint], DAY, part)
    return time.perf_counter() - t0


def measure(lake: Lake, rows: pl.DataFrame, size: int, repeats: int) -> tuple[float, float, int]:
    times = []
    for i in range(repeats):
        start = (i * size) % max(1, len(rows) - size)
        times.append(flush(lake, rows.slice(start, size)))
    for table in TABLES.values():
        lake.clear_pending(table, DAY)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return statistics.median(times), p95, int(rows.slice(0, size)["payload_bytes"].sum())


def promote_day(lake: Lake, rows: pl.DataFrame, size: int) -> tuple[int, float]:
    chunks = 0
    for start in range(0, len(rows), size):
        flush(lake, rows.slice(start, size))
        chunks += 1
    t0 = time.perf_counter()
    for table in TABLES.values():
        lake.promote(table, DAY, archive.SCHEMA)
    return chunks, time.perf_counter() - t0


def report(name: str, lake: Lake, rows: pl.DataFrame, repeats: int) -> None:
    for size in (10, 50, 500):
        median, p95, payload = measure(lake, rows, size, repeats)
        print(f"{name:6} flush of {size:3} pages ({payload / 1e6:5.2f} MB of JSON): "
              f"median {median * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms")
    for size in (500, 50, 10):
        chunks, seconds = promote_day(lake, rows, size)
        print(f"{name:6} promote {len(rows)} pages left in {chunks} flushes of {size}: {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compras", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    world = World(seed=7, volume="medium", now=datetime(2025, 7, 12))
    with running(Sandbox(world)) as ep:
        rows = asyncio.run(detail_rows(ep, world, args.compras))
    print(f"{len(rows)} detail pages, {rows['payload_bytes'].sum() / 1e6:.1f} MB of JSON "
          f"({', '.join(f'{e} {n}' for e, n in sorted(rows.group_by('endpoint').len().iter_rows()))})")
    with tempfile.TemporaryDirectory() as tmp:
        report("local", Lake(str(Path(tmp) / "lake")), rows, args.repeats)
        sys.path.insert(0, str(Path(__file__).parents[1]))
        from baliza_assets_tests.s3server import seaweedfs

        with seaweedfs(Path(tmp) / "weed") as s3:
            s3.client().create_bucket(Bucket="bench")
            settings = S3Settings(s3.endpoint_url, s3.access_key_id, s3.secret_access_key, s3.region)
            report("s3", Lake("s3://bench/lake", settings), rows, args.repeats)


if __name__ == "__main__":
    main()
