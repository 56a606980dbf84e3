"""Raw archive rows: one row per HTTP exchange with PNCP, the payload kept verbatim.

The ``payload`` column holds the exact bytes PNCP sent; the lake stores it zstd-compressed (Parquet's
zstd codec), so DuckDB and Polars read it back decompressed, addressed by ``payload_sha256``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import polars as pl

from .pncp import Exchange
from .pncp.exchange import records_of

SCHEMA = {
    "request_id": pl.String,  # sha256 of the request key: endpoint, path and parameters
    "partition_date": pl.Date,
    "endpoint": pl.String,
    "path": pl.String,
    "params": pl.String,  # JSON object of the query parameters, in the order sent
    "context": pl.String,  # JSON: what the request was for, e.g. {"modalidade": 6} or {"compra": "...-1-000012/2025"}
    "url": pl.String,
    "http_status": pl.Int32,
    "etag": pl.String,
    "content_type": pl.String,
    "payload_sha256": pl.String,
    "payload_bytes": pl.Int64,
    "payload": pl.Binary,
    "collected_at": pl.Datetime("us", "UTC"),
    "elapsed_s": pl.Float64,
    "attempts": pl.Int32,
    "numero_pagina": pl.Int64,
    "total_paginas": pl.Int64,
    "total_registros": pl.Int64,
    "records": pl.Int64,
}


# Where a row came from (its page, that page's payload, when it was fetched), not what it says.
PROVENANCE = ("partition_date", "payload_sha256", "collected_at")

# The archived pages that hold records: answered 200 with at least one. A 204, a 404 or an empty page
# holds none, and says so by its status and count without being decoded.
WITH_RECORDS = (pl.col("http_status") == 200) & (pl.col("records") > 0)


def request_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def row(ex: Exchange, day: date) -> dict:
    return {
        "request_id": request_id(ex.key),
        "partition_date": day,
        "endpoint": ex.endpoint,
        "path": ex.path,
        "params": json.dumps(dict(ex.params), ensure_ascii=False),
        "context": json.dumps(ex.meta, ensure_ascii=False, sort_keys=True),
        "url": ex.url,
        "http_status": ex.status,
        "etag": ex.etag,
        "content_type": ex.headers.get("content-type"),
        "payload_sha256": ex.sha256,
        "payload_bytes": len(ex.body),
        "payload": ex.body,
        "collected_at": ex.started_at,
        "elapsed_s": ex.elapsed_s,
        "attempts": ex.attempts,
        "numero_pagina": ex.page,
        "total_paginas": ex.total_pages,
        "total_registros": ex.total_records,
        "records": ex.records,
    }


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else pl.DataFrame(schema=SCHEMA)


def exchanges(archived: pl.DataFrame) -> dict[str, Exchange]:
    """Archived rows back as exchanges without their bodies, keyed by request key (what
    ``PncpClient.stream(known=)`` takes: page counters, not payloads)."""
    out = {}
    for r in archived.iter_rows(named=True):
        ex = Exchange(
            endpoint=r["endpoint"], api="", path=r["path"], params=tuple(json.loads(r["params"]).items()),
            url=r["url"], status=r["http_status"], headers={"etag": r["etag"]} if r["etag"] else {},
            body=b"", sha256=r["payload_sha256"], started_at=r["collected_at"],
            elapsed_s=r["elapsed_s"], attempts=r["attempts"], page=r["numero_pagina"], total_pages=r["total_paginas"],
            total_records=r["total_registros"], records=r["records"], meta=json.loads(r["context"]),
        )
        out[ex.key] = ex
    return out


def records(archived: pl.DataFrame, endpoint: str):
    """The records of every archived 200 page of ``endpoint``, in archive order."""
    for _, record in records_in_context(archived, endpoint):
        yield record


def records_in_context(archived: pl.DataFrame, endpoint: str):
    """(context of the request, record) for every record of every archived 200 page of ``endpoint``:
    a detail record names its compra only in its request's context."""
    pages = archived.filter((pl.col("endpoint") == endpoint) & WITH_RECORDS)
    for context, payload in pages.select("context", "payload").iter_rows():
        ctx = json.loads(context) if context else {}
        for record in records_of(json.loads(payload)):
            yield ctx, record
