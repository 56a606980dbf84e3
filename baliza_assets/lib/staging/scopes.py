"""The scopes a day's pages list whole: a publication listing that reconciled lists its day (and
modalidade) whole, a compra's complete details list its itens or arquivos whole, an item's complete
resultados its results. The capture infers a deletion only from these: a current record of such a
scope that the listing lacks. Each scope is named as ``cdc.targets`` names it in SQL."""

from __future__ import annotations

import json
from datetime import date, datetime

import polars as pl

SCOPES_SCHEMA = {"scope": pl.String, "listed_at": pl.Datetime("us", "UTC")}


def listing_scope(published: date, modalidade) -> str:
    """A listing's scope: its publication day, and its modalidade if it has one."""
    return published.isoformat() if modalidade is None else f"{published.isoformat()}|{modalidade}"


def _params_scope(params: str) -> str | None:
    """The scope of a listing request, from its parameters (``dataInicial`` in PNCP's YYYYMMDD form);
    None for a request that names no day (it lists no scope whole)."""
    query = json.loads(params)
    if "dataInicial" not in query:
        return None
    return listing_scope(datetime.strptime(str(query["dataInicial"]), "%Y%m%d").date(),
                         query.get("codigoModalidadeContratacao"))


def row_scope(entity: str) -> pl.Expr:
    """The listing a staged record belongs to, named as :func:`listing_scope` names it."""
    day = pl.col("data_publicacao_pncp").cast(pl.Date).cast(pl.String)
    if entity == "contratacoes":
        return pl.concat_str([day, pl.col("modalidade_id").cast(pl.String)], separator="|")
    return day


def whole_listings(pages: pl.DataFrame) -> pl.DataFrame:
    """The listings (day, or day and modalidade) of ``pages`` (counters with ``reconciled``) that
    reconciled and returned records, with when they were listed. An empty answer (204) is never
    evidence of a deletion: a vanished page 1 looks exactly like it."""
    if pages.is_empty():
        return pl.DataFrame(schema=SCOPES_SCHEMA)
    listed = pages.with_columns(pl.col("params").map_elements(_params_scope, return_dtype=pl.String).alias("scope"))
    return (listed.group_by("scope").agg(listed_at=pl.col("collected_at").max(), records=pl.col("records").sum(),
                                         reconciled=pl.col("reconciled").all())
            .filter(pl.col("reconciled") & (pl.col("records") > 0) & pl.col("scope").is_not_null())
            .select(SCOPES_SCHEMA.keys()))


def whole_details(pages: pl.DataFrame, good: pl.DataFrame, whole: str) -> pl.DataFrame:
    """Compras (``whole="compra"``) or a compra's items (``"item"``) whose details came back whole and
    hold at least one typed record, with when."""
    def scope(compra: pl.Expr, item: pl.Expr) -> pl.Expr:
        return compra if whole == "compra" else pl.concat_str([compra, item.cast(pl.String)], separator="|")

    ctx = pl.col("context")
    incomplete = (pages.filter(~pl.col("reconciled"))
                  .select(scope(ctx.str.json_path_match("$.compra"), ctx.str.json_path_match("$.item")))
                  .to_series().unique().to_list())
    scoped = good.with_columns(scope(pl.col("numero_controle_pncp_compra"),
                                     pl.col("numero_item") if whole == "item" else pl.lit(None)).alias("scope"))
    return (scoped.filter(~pl.col("scope").is_in(incomplete))
            .group_by("scope").agg(listed_at=pl.col("collected_at").max()).select(SCOPES_SCHEMA.keys()))
