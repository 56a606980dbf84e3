"""One source's pages of one day, staged: every record typed and validated once, the records that
fail in the rejects with the reason, and the scopes the pages list whole.

A record is typed by :func:`build.build` (every value explicitly, a value that cannot be typed sends
its record to the rejects) and validated by its pandera model (:mod:`models`); the rows that pass
carry their ``source`` (publication, update_feed, sweep, details, targeted_details) and ``endpoint``
beside the page they came from (``partition_date``, ``payload_sha256``, ``collected_at``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import polars as pl

from ..reconcile import listing_key, reconcile
from .build import ENTITIES, REJECTS_SCHEMA, build
from .models import validate
from .scopes import SCOPES_SCHEMA, whole_details, whole_listings
from .sources import Source

COUNTERS = ["endpoint", "path", "params", "context", "partition_date", "http_status", "numero_pagina",
            "total_paginas", "total_registros", "records", "collected_at"]
RULES_SCHEMA = {"column": pl.String, "check": pl.String, "len": pl.UInt32}


@dataclass
class Staged:
    source: Source
    rows: pl.DataFrame  # typed records that passed the model, with their source and endpoint
    rejects: pl.DataFrame  # records that could not be typed or failed the model (REJECTS_SCHEMA)
    scopes: pl.DataFrame  # the scopes the pages list whole, with when (SCOPES_SCHEMA)
    rejected_typing: int
    rejected_model: int
    rules: pl.DataFrame  # failures per model rule: column, check, len
    unreconciled: list[str]  # listings that did not reconcile: no deletion is inferred from them
    pages: int


def stage(entity: str, source: Source, archived: pl.LazyFrame) -> Staged:
    """The records ``source`` shows in one day's archive of its raw table (``archived``), typed and validated."""
    spec = dataclasses.replace(ENTITIES[entity], endpoints=(source.endpoint,))
    pages = archived.filter(pl.col("endpoint") == source.endpoint)
    typed, typing_rejects = build(spec, pages)
    good, cases = validate(entity, typed)
    model_bad = model_rejects(entity, typed, cases)
    counters = pages.select(COUNTERS).collect()
    problems = reconcile(counters) if len(counters) else pl.DataFrame(schema={"listing": pl.String, "problem": pl.String})
    counters = counters.with_columns(listing=pl.struct("path", "params").map_elements(
        lambda r: listing_key(r["path"], r["params"]), return_dtype=pl.String))
    counters = counters.with_columns(reconciled=~pl.col("listing").is_in(problems["listing"].to_list()))
    if source.whole == "listing":
        scopes = whole_listings(counters)
    elif source.whole in ("compra", "item"):
        scopes = whole_details(counters, good, source.whole)
    else:
        scopes = pl.DataFrame(schema=SCOPES_SCHEMA)
    rules = (cases.group_by("column", "check").len().sort(["len", "column", "check"], descending=[True, False, False])
             if len(cases) else pl.DataFrame(schema=RULES_SCHEMA))
    tag = {"source": pl.lit(source.name), "endpoint": pl.lit(source.endpoint)}
    return Staged(source=source, rows=good.with_columns(**tag),
                  rejects=pl.concat([typing_rejects, model_bad]).with_columns(**tag),
                  scopes=scopes, rejected_typing=len(typing_rejects), rejected_model=len(model_bad), rules=rules,
                  unreconciled=[f"{r['listing']}: {r['problem']}" for r in problems.iter_rows(named=True)],
                  pages=len(counters))


def model_rejects(entity: str, typed: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """Rows that failed the pandera model, as rejects: one row each, every failed rule in the reason."""
    if cases.is_empty():
        return pl.DataFrame(schema=REJECTS_SCHEMA)
    key = ENTITIES[entity].key
    reasons = cases.group_by("index").agg(
        reason=pl.concat_str([pl.col("column"), pl.lit(": "), pl.col("check"), pl.lit(" ("), pl.col("failure_case"),
                              pl.lit(")")]).str.join("; "))
    failing = typed.with_row_index("index").with_columns(pl.col("index").cast(pl.Int64)).join(reasons, on="index")
    return failing.select(
        entity=pl.lit(entity), partition_date="partition_date", payload_sha256="payload_sha256",
        record_key=pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator="|", ignore_nulls=True),
        reason=pl.col("reason"), record=pl.struct(pl.exclude("index", "reason")).struct.json_encode())
