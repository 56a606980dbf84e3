"""A partition's observations, as the capture compares them: the records every source of the day
showed (read from staging, which typed and validated each once), when each page was seen and by
which source, and the scopes the day's pages list whole. Nothing is decoded or typed here."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..staging import ENTITIES
from ..staging.build import empty_table
from ..staging.scopes import row_scope
from ..staging.sources import SOURCES
from .clock import brasilia
from .targets import SCOPE, SEEN, SOURCE


@dataclass
class Observations:
    rows: pl.DataFrame  # the staging columns, SEEN (naive Brasília) and SOURCE
    scopes: pl.DataFrame  # SCOPE, SEEN (when it was listed whole) and SOURCE
    seen_by: list[str]  # the sources that showed records, e.g. "publication contratacoes_publicacao"


def columns(entity: str) -> list[str]:
    """The columns a version holds: the staging columns without the source's labels."""
    return list(empty_table(ENTITIES[entity]).schema)


def observations(entity: str, staged: pl.DataFrame, scopes: pl.DataFrame) -> Observations:
    """``staged``: the day's rows of ``staging.<entity>``; ``scopes``: its ``staging.<entity>_scopes``."""
    for source in SOURCES[entity]:
        if source.name == "sweep" and source.whole == "listing":
            # a sweep listing that did not reconcile records nothing at all: only its whole scopes count
            listed = scopes.filter((pl.col("source") == source.name) & (pl.col("endpoint") == source.endpoint))
            mine = (pl.col("source") == source.name) & (pl.col("endpoint") == source.endpoint)
            staged = staged.filter(~mine | row_scope(entity).is_in(listed["scope"].to_list()))
    seen_by = [f"{s} {e}" for s, e in staged.select("source", "endpoint").unique(maintain_order=True).iter_rows()]
    rows = staged.select(*columns(entity), brasilia(pl.col("collected_at")).alias(SEEN), pl.col("source").alias(SOURCE))
    whole = scopes.select(pl.col("scope").alias(SCOPE), brasilia(pl.col("listed_at")).alias(SEEN),
                          pl.col("source").alias(SOURCE))
    return Observations(rows, whole, seen_by)
