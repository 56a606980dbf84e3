"""Typed staging tables from archived PNCP payloads, with every bad value accounted for.

Payloads are decoded with every leaf read as text, then each column is typed explicitly. A value
that is present but cannot be typed never becomes a silent null: its row goes to the rejects,
with the reason, and the good rows flow on.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..archive import PROVENANCE, WITH_RECORDS
from . import columns as C
from .columns import Col

DECIMAL = pl.Decimal(38, 6)


@dataclass(frozen=True)
class Entity:
    name: str
    endpoints: tuple[str, ...]  # archive endpoints whose payloads hold this entity
    columns: tuple[Col, ...]
    key: tuple[str, ...]  # natural key
    version: str  # orders versions of a record: the latest wins
    envelope: bool  # consulta envelope ({"data": [...]}) or a bare array (detail API)
    from_compra: bool = False  # detail records name their compra only in the request

    @property
    def output_columns(self) -> list[str]:
        lead = ["numero_controle_pncp_compra"] if self.from_compra else []
        return lead + [c.name for c in self.columns] + list(PROVENANCE)


ENTITIES = {e.name: e for e in (
    Entity("contratacoes", ("contratacoes_publicacao",), C.CONTRATACOES, ("numero_controle_pncp",),
           "data_atualizacao_global", True),
    Entity("contratos", ("contratos_publicacao",), C.CONTRATOS, ("numero_controle_pncp",), "data_atualizacao_global", True),
    Entity("atas", ("atas_atualizacao",), C.ATAS, ("numero_controle_pncp_ata",), "data_atualizacao_global", True),
    Entity("itens", ("itens",), C.ITENS, ("numero_controle_pncp_compra", "numero_item"), "data_atualizacao", False, True),
    Entity("arquivos", ("arquivos",), C.ARQUIVOS, ("numero_controle_pncp_compra", "sequencial_documento"),
           "data_publicacao_pncp", False, True),
    Entity("resultados", ("resultados",), C.RESULTADOS,
           ("numero_controle_pncp_compra", "numero_item", "sequencial_resultado"), "data_atualizacao", False, True),
)}

REJECTS_SCHEMA = {"entity": pl.String, "partition_date": pl.Date, "payload_sha256": pl.String,
                  "record_key": pl.String, "reason": pl.String, "record": pl.String}


def _record_dtype(cols: tuple[Col, ...]) -> pl.Struct:
    tree: dict = {}
    for col in cols:
        node = tree
        for part in col.path[:-1]:
            node = node.setdefault(part, {})
        node[col.path[-1]] = None

    def to_dtype(node: dict) -> pl.Struct:
        return pl.Struct({k: pl.String if v is None else to_dtype(v) for k, v in node.items()})

    return to_dtype(tree)


def _raw(col: Col) -> pl.Expr:
    expr = pl.col("rec")
    for part in col.path:
        expr = expr.struct.field(part)
    return expr


def _typed(col: Col, raw: pl.Expr) -> pl.Expr:
    if col.kind == "str":
        s = raw.str.strip_chars()
        return pl.when(s == "").then(None).otherwise(s)
    if col.kind == "int":
        return raw.cast(pl.Int64, strict=False)
    if col.kind == "dec":
        return raw.cast(DECIMAL, strict=False)
    if col.kind == "bool":
        return pl.when(raw == "true").then(True).when(raw == "false").then(False).otherwise(None)
    if col.kind == "date":
        return raw.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if col.kind == "ts":
        return pl.coalesce(raw.str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us"),
                           raw.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")))
    raise ValueError(f"unknown column kind {col.kind!r} for {col.name}")


def _decode(entity: Entity, payloads: pl.DataFrame) -> pl.DataFrame:
    rec = _record_dtype(entity.columns)
    dtype = pl.Struct({"data": pl.List(rec)}) if entity.envelope else pl.List(rec)
    doc = pl.col("payload").cast(pl.String).str.json_decode(dtype)
    frame = payloads.select(*PROVENANCE, "context", rec=doc.struct.field("data") if entity.envelope else doc)
    return frame.explode("rec", empty_as_null=True).filter(pl.col("rec").is_not_null())


def build(entity: Entity, archived: pl.DataFrame | pl.LazyFrame,
          chunk_bytes: int = 4_000_000) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(staging rows, rejects) for ``entity`` from archive rows.

    Payloads are decoded about ``chunk_bytes`` of JSON at a time, and a lazy source (a Parquet scan)
    is read one slice of rows at a time, so memory stays flat however big the day is.
    """
    base = archived.lazy()
    wanted = pl.col("endpoint").is_in(entity.endpoints) & WITH_RECORDS
    index = base.with_row_index("_row").filter(wanted).select("_row", "payload_bytes").collect()
    goods, rejects = [], []
    for first, last in _chunks(index["_row"].to_list(), index["payload_bytes"].to_list(), chunk_bytes):
        rows = base.slice(first, last - first + 1).filter(wanted).select(*PROVENANCE, "context", "payload").collect()
        good, bad = _type_chunk(entity, _decode(entity, rows))
        goods.append(good)
        rejects.append(bad)
    good = pl.concat(goods) if goods else empty_table(entity)
    good = (good.sort([entity.version, "collected_at"], nulls_last=False)
            .unique(list(entity.key), keep="last", maintain_order=True)
            .sort(list(entity.key)))
    bad = pl.concat(rejects) if rejects else pl.DataFrame(schema=REJECTS_SCHEMA)
    return good, bad


def _chunks(rows: list[int], sizes: list[int], limit: int) -> list[tuple[int, int]]:
    """Ranges (first row, last row) of consecutive wanted rows holding about ``limit`` bytes each."""
    out, start, prev, acc = [], None, None, 0
    for row, size in zip(rows, sizes):
        if start is not None and acc + size > limit:
            out.append((start, prev))
            start, acc = None, 0
        if start is None:
            start = row
        acc += size
        prev = row
    if start is not None:
        out.append((start, prev))
    return out


def _type_chunk(entity: Entity, recs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    typed, problems = [], []
    for col in entity.columns:
        raw = _raw(col)
        value = _typed(col, raw)
        typed.append(value.alias(col.name))
        if col.kind != "str":
            problems.append(pl.when(raw.is_not_null() & value.is_null())
                            .then(pl.format("{}: cannot read '{}' as {}", pl.lit(col.name), raw, pl.lit(col.kind))))
    lead = [pl.col("context").str.json_path_match("$.compra").alias("numero_controle_pncp_compra")] if entity.from_compra else []
    reason = pl.concat_str(problems, separator="; ", ignore_nulls=True) if problems else pl.lit(None, pl.String)
    missing_key = pl.any_horizontal([pl.col(k).is_null() for k in entity.key])
    out = recs.select(*lead, *typed, *PROVENANCE, "rec", _reason=pl.when(reason == "").then(None).otherwise(reason))
    out = out.with_columns(_reason=pl.when(missing_key)
                           .then(pl.concat_str([pl.lit("natural key missing"), pl.col("_reason")], separator="; ",
                                               ignore_nulls=True))
                           .otherwise(pl.col("_reason")))
    bad = out.filter(pl.col("_reason").is_not_null()).select(
        entity=pl.lit(entity.name), partition_date="partition_date", payload_sha256="payload_sha256",
        record_key=pl.concat_str([pl.col(k).cast(pl.String) for k in entity.key], separator="|", ignore_nulls=True),
        reason="_reason", record=pl.col("rec").struct.json_encode())
    good = out.filter(pl.col("_reason").is_null()).select(entity.output_columns)
    return good, bad


def empty_table(entity: Entity) -> pl.DataFrame:
    kinds = {"str": pl.String, "int": pl.Int64, "dec": DECIMAL, "bool": pl.Boolean, "date": pl.Date, "ts": pl.Datetime("us")}
    schema = {"numero_controle_pncp_compra": pl.String} if entity.from_compra else {}
    schema |= {c.name: kinds[c.kind] for c in entity.columns}
    schema |= {"partition_date": pl.Date, "payload_sha256": pl.String, "collected_at": pl.Datetime("us", "UTC")}
    return pl.DataFrame(schema=schema)
