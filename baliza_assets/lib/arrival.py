"""What the raw layer keeps of each page from its decode on arrival, so that nothing decodes it again
before staging types it:

- the structural fingerprint of its records, per endpoint (payload drift): ``meta/schema_versions/<table>``;
- the identifiers it lists that call for details: each compra of a contratações listing (with its
  publication day, or why its identifiers cannot build a detail URL) and each item of an itens page
  that says it has a result: ``meta/listed/<table>``.

Both are written beside the day's partition when it is promoted. The pages a fetch did not decode
itself (taken from an interrupted attempt) are decoded then, once; a partition archived without them
(by hand, or before they existed) is read from its payloads by :func:`listed`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

from . import drift
from .archive import WITH_RECORDS, request_id
from .lake import ROW_GROUP_ROWS, Lake
from .pncp import CompraRef, Exchange
from .pncp.errors import InvalidValue
from .pncp.exchange import records_of
from .pncp.refs import positive

LISTED_SCHEMA = {"endpoint": pl.String, "compra": pl.String, "published": pl.String, "item": pl.Int64,
                 "refused": pl.String}
COMPRA_LISTINGS = ("contratacoes_publicacao", "contratacoes_atualizacao")
ITENS = "itens"


def listed_table(table: str) -> str:
    """Where the identifiers listed by the archived ``table`` live in the lake, one partition per day."""
    return f"meta/listed/{table}"


def identifiers(endpoint: str, context: dict, records: list) -> list[tuple]:
    """The rows (LISTED_SCHEMA) one page's records give: its compras, or its items with a result."""
    out = []
    if endpoint in COMPRA_LISTINGS:
        for rec in records:
            published = str(rec.get("dataPublicacaoPncp") or "")[:10] if isinstance(rec, dict) else ""
            try:
                out.append((endpoint, CompraRef.from_record(rec).numero_controle, published, None, None))
            except (InvalidValue, KeyError, TypeError, AttributeError) as e:
                name = rec.get("numeroControlePNCP") if isinstance(rec, dict) else rec
                out.append((endpoint, name if isinstance(name, str) else None, published, None,
                            f"{name if isinstance(rec, dict) else repr(rec)}: {e}"))
    elif endpoint == ITENS:
        compra = context.get("compra")
        for item in records:
            if not isinstance(item, dict) or item.get("temResultado") is not True:
                continue
            try:
                CompraRef.parse(compra)
                out.append((endpoint, compra, None, positive(item.get("numeroItem"), "numeroItem", 100000), None))
            except InvalidValue as e:
                out.append((endpoint, compra, None, None, f"{compra} item {item.get('numeroItem')!r}: {e}"))
    return out


@dataclass
class _Day:
    fingerprints: dict[str, drift.Fingerprint] = field(default_factory=dict)
    listed: list[tuple] = field(default_factory=list)
    pages: set[str] = field(default_factory=set)  # request ids

    def add(self, rid: str, endpoint: str, context: dict, records: list) -> None:
        self.pages.add(rid)
        fp = self.fingerprints.setdefault(endpoint, drift.Fingerprint())
        for record in records:
            fp.add(record)
        self.listed += identifiers(endpoint, context, records)


class Arrivals:
    """The pages of a fetch as they arrive, per table and day, from the client's decode."""

    def __init__(self):
        self.days: dict[tuple[str, date], _Day] = {}

    def add(self, table: str, day: date, ex: Exchange) -> None:
        got = self.days.setdefault((table, day), _Day())
        rid = request_id(ex.key)
        if ex.status == 200 and ex.records > 0 and rid not in got.pages:
            got.add(rid, ex.endpoint, ex.meta, ex.data())

    def record(self, lake: Lake, table: str, day: date, observed_at: datetime) -> None:
        """Write the day's fingerprints and identifiers beside its partition (which must be promoted):
        those of the pages decoded on arrival, and of the others, decoded now."""
        got = self.days.get((table, day)) or _Day()
        seen = list(got.pages)
        _decode_pages(got, lake.scan(table, [day]).filter(~pl.col("request_id").is_in(seen)))
        versions = drift.versions_table(table)
        lake.write(versions, day, drift.record_versions(lake.read(versions, day),
                                                        drift.versions(day, got.fingerprints, observed_at)))
        lake.write(listed_table(table), day, pl.DataFrame(got.listed, schema=LISTED_SCHEMA, orient="row"))


def _decode_pages(into: _Day, pages: pl.LazyFrame) -> None:
    """Decode archived pages (a slice of rows at a time) into ``into``."""
    rows = pages.select(pl.len()).collect().item()
    for offset in range(0, rows, ROW_GROUP_ROWS):
        part = (pages.slice(offset, ROW_GROUP_ROWS).filter(WITH_RECORDS)
                .select("request_id", "endpoint", "context", "payload").collect())
        for rid, endpoint, context, payload in part.iter_rows():
            into.add(rid, endpoint, json.loads(context) if context else {}, records_of(json.loads(payload)))


def listed(lake: Lake, table: str, day: date, pages: pl.LazyFrame | None = None) -> pl.DataFrame:
    """The identifiers the day's pages of ``table`` list: recorded on arrival, or read from the pages
    (``pages``, or the day's partition) when nothing was recorded."""
    if pages is None:
        recorded = lake.read(listed_table(table), day)
        if recorded is not None:
            return recorded
        pages = lake.scan(table, [day])
    into = _Day()
    _decode_pages(into, pages)
    return pl.DataFrame(into.listed, schema=LISTED_SCHEMA, orient="row")
