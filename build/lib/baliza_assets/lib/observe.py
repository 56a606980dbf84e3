"""Observations of records in archived pages: which raw tables and endpoints show each entity, and
which scopes a day's pages list whole (the only ones a deletion may be inferred from)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import polars as pl

from . import staging as S
from .capture import SCOPE, TARGETS, Observation, seen_at
from .reconcile import listing_key, reconcile
from .staging.models import validate


@dataclass(frozen=True)
class Source:
    name: str  # what the request was for: publication, update_feed, sweep, details, targeted_details
    table: str  # the raw table (lake) whose partition holds the pages
    endpoint: str
    whole: str | None = None  # "listing": a reconciled listing lists its publication day (and modalidade) whole;
    # "compra": a compra's details list its itens or arquivos whole; "item": an item's resultados, whole


def _listings(publication: str, update: str | None, table: str) -> tuple[Source, ...]:
    out = [Source("publication", table, publication, "listing")]
    if update:
        out.append(Source("update_feed", "raw/atualizacoes", update))
    out += [Source("sweep", "raw/sweeps", publication, "listing")]
    if update:
        out.append(Source("sweep", "raw/sweeps", update))
    return tuple(out)


SOURCES: dict[str, tuple[Source, ...]] = {
    "contratacoes": _listings("contratacoes_publicacao", "contratacoes_atualizacao", "raw/contratacoes"),
    "contratos": _listings("contratos_publicacao", "contratos_atualizacao", "raw/contratos"),
    "atas": (Source("update_feed", "raw/atas", "atas_atualizacao"), Source("sweep", "raw/sweeps", "atas_atualizacao")),
    "itens": (Source("details", "raw/itens", "itens", "compra"),
              Source("targeted_details", "raw/itens_updated", "itens", "compra")),
    "arquivos": (Source("details", "raw/arquivos", "arquivos", "compra"),
                 Source("targeted_details", "raw/arquivos_updated", "arquivos", "compra")),
    "resultados": (Source("details", "raw/resultados", "resultados", "item"),
                   Source("targeted_details", "raw/resultados_updated", "resultados", "item")),
}


@dataclass
class Observed:
    observation: Observation
    rejected: int  # records that failed typing or the staging model: not versions
    incomplete: list[str]  # listings that did not reconcile (their scope records no deletion)


COUNTERS = ["endpoint", "path", "params", "context", "partition_date", "http_status", "numero_pagina",
            "total_paginas", "total_registros", "records", "collected_at"]


def observe(entity: str, source: Source, archived: pl.LazyFrame) -> Observed:
    """The records ``source`` shows in one partition's archive, typed as staging types them."""
    spec = dataclasses.replace(S.ENTITIES[entity], endpoints=(source.endpoint,))
    pages = archived.filter(pl.col("endpoint") == source.endpoint)
    typed, bad = S.build(spec, pages)
    good, cases = validate(entity, typed)  # the rows that pass, and the failing cases
    counters = pages.select(COUNTERS).collect()
    problems = reconcile(counters) if len(counters) else pl.DataFrame(schema={"listing": pl.String})
    incomplete = [f"{r['listing']}: {r['problem']}" for r in problems.iter_rows(named=True)]
    counters = counters.with_columns(listing=pl.struct("path", "params").map_elements(
        lambda r: listing_key(r["path"], r["params"]), return_dtype=pl.String))
    counters = counters.with_columns(reconciled=~pl.col("listing").is_in(problems["listing"].to_list()))
    complete = None
    if source.whole == "listing":
        complete = _whole_listings(counters)
        if source.name == "sweep":  # a sweep listing that did not reconcile records nothing at all
            good = good.filter(_row_scope(entity).is_in(complete[SCOPE].to_list()))
    elif source.whole in ("compra", "item"):
        complete = _whole_details(counters, good, source.whole)
    return Observed(Observation(source.name, good, complete), len(bad) + cases["index"].n_unique(), incomplete)


def _scope(query: dict) -> str:
    """A listing's scope as the capture's target names it: its day, and its modalidade if it has one."""
    d = str(query["dataInicial"])
    day = f"{d[:4]}-{d[4:6]}-{d[6:8]}"
    mod = query.get("codigoModalidadeContratacao")
    return day if mod is None else f"{day}|{mod}"


def _whole_listings(pages: pl.DataFrame) -> pl.DataFrame:
    """The listings (day, or day and modalidade) that reconciled and returned records, with when
    they were listed. An empty answer (204) is never evidence of a deletion: a vanished page 1 looks
    exactly like it."""
    listed = pages.with_columns(pl.col("params").map_elements(lambda p: _scope(json.loads(p)), return_dtype=pl.String)
                                .alias(SCOPE))
    return (listed.group_by(SCOPE).agg(seen_at(pl.col("collected_at")).max(), records=pl.col("records").sum(),
                                       reconciled=pl.col("reconciled").all())
            .filter(pl.col("reconciled") & (pl.col("records") > 0)).drop("records", "reconciled"))


def _row_scope(entity: str) -> pl.Expr:
    """The listing a record belongs to, as :func:`_scope` names it."""
    day = pl.col("data_publicacao_pncp").cast(pl.Date).cast(pl.String)
    if entity == "contratacoes":
        return pl.concat_str([day, pl.col("modalidade_id").cast(pl.String)], separator="|")
    return day


def _whole_details(pages: pl.DataFrame, good: pl.DataFrame, whole: str) -> pl.DataFrame:
    """Compras (or a compra's items) whose details came back whole and hold at least one record, with when."""
    def scope(compra: pl.Expr, item: pl.Expr) -> pl.Expr:
        return compra if whole == "compra" else pl.concat_str([compra, item.cast(pl.String)], separator="|")

    ctx = pl.col("context")
    incomplete = (pages.filter(~pl.col("reconciled"))
                  .select(scope(ctx.str.json_path_match("$.compra"), ctx.str.json_path_match("$.item")))
                  .to_series().unique().to_list())
    scoped = good.with_columns(scope(pl.col("numero_controle_pncp_compra"),
                                     pl.col("numero_item") if whole == "item" else pl.lit(None)).alias(SCOPE))
    return (scoped.filter(~pl.col(SCOPE).is_in(incomplete))
            .group_by(SCOPE).agg(seen_at(pl.col("collected_at")).max()))


def observations(entity: str, archives: dict[str, pl.LazyFrame | None]) -> list[tuple[Source, Observed]]:
    """Every source of ``entity`` whose raw table has pages in ``archives`` (table -> archive rows)."""
    out = []
    for source in SOURCES[entity]:
        archived = archives.get(source.table)
        if archived is not None:
            out.append((source, observe(entity, source, archived)))
    return out


assert set(SOURCES) == set(TARGETS)
