"""What a lake holds for a day, as the resumption tests compare it: pages by request, and the requests
(as the sandbox records them) whose pages are archived, promoted or pending; and made-up pages."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

import polars as pl

from baliza_assets.lib import archive
from baliza_assets.lib.lake import Lake
from baliza_assets.lib.pncp import Exchange

# the raw tables one day's publications fill: the listings, then the details of their compras
DAY_TABLES = ("raw/contratacoes", "raw/itens", "raw/arquivos", "raw/resultados")
WHEN = ("collected_at", "elapsed_s")  # when a page was fetched and how long it took: not what PNCP said
MODALIDADES = "/api/pncp/v1/modalidades?statusAtivo=true"


def pages(lake: Lake, table: str, day: date) -> dict[str, dict]:
    """Every page of the day's partition, by request id, without when it was fetched."""
    frame = lake.read(table, day)
    assert frame is not None, f"{table} {day}: no partition"
    assert frame["request_id"].is_unique().all(), f"{table} {day}: a request archived twice"
    return {r["request_id"]: r for r in frame.drop(WHEN).iter_rows(named=True)}


def request_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def archived_requests(lake: Lake, day: date, tables=DAY_TABLES) -> set[str]:
    """The requests whose pages the lake holds for ``day``: promoted or pending."""
    found = set()
    for table in tables:
        frames = [lake.read(table, day), p.collect() if (p := lake.scan_pending(table, day)) is not None else None]
        for frame in frames:
            if frame is not None:
                found |= {request_of(u) for u in frame["url"]}
    return found


def pending_counts(lake: Lake, day: date, tables=DAY_TABLES) -> dict[str, int]:
    return {t: 0 if (p := lake.scan_pending(t, day)) is None else p.select(pl.len()).collect().item() for t in tables}


def asked_since(requested: Counter, before: Counter) -> Counter:
    """The requests the sandbox served since the snapshot ``before``."""
    return +(requested - before)


def page(n: int) -> Exchange:
    """A made-up itens page, the ``n``-th."""
    body = b'[{"numeroItem": %d}]' % n
    return Exchange(endpoint="itens", api="detail", path=f"/v1/orgaos/1/compras/2025/{n}/itens",
                    params=(("pagina", "1"), ("tamanhoPagina", "500")), url=f"http://pncp/{n}", status=200,
                    headers={}, body=body, sha256=f"{n:064x}", started_at=datetime(2025, 7, 11, tzinfo=timezone.utc),
                    elapsed_s=0.1, attempts=1, page=1, records=1, meta={"compra": f"c{n}"})


def rows(ns, day: date = date(2025, 7, 10)) -> pl.DataFrame:
    """The archive rows of made-up pages ``ns``."""
    return archive.frame([archive.row(page(n), day) for n in ns])
