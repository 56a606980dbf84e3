"""pandera models of the staging tables: types, nullability, formats, non-negative money, plausible dates.

Only the columns with a rule are declared; the others are typed by the staging builder already.
"""

from __future__ import annotations

from datetime import date, datetime

import pandera.polars as pa
import polars as pl
from pandera.engines.polars_engine import Decimal as PaDecimal

COMPRA = r"^\d{14}-1-\d{6}/\d{4}$"  # numeroControlePNCP of a compra
CONTRATO = r"^\d{14}-2-\d{6}/\d{4}$"
ATA = r"^\d{14}-1-\d{6}/\d{4}-\d{6}$"
CNPJ = r"^\d{14}$"
DEC = {"precision": 38, "scale": 6}  # DECIMAL(38, 6), as the staging builder types money
EARLIEST = date(2020, 1, 1)  # PNCP went live in 2021; anything before 2020 is a typo
LATEST = date(2040, 12, 31)  # vigências run years ahead, but not decades


class _Base(pa.DataFrameModel):
    class Config:
        strict = False
        coerce = False


class Contratacoes(_Base):
    numero_controle_pncp: str = pa.Field(str_matches=COMPRA, nullable=False, unique=True)
    orgao_cnpj: str = pa.Field(str_matches=CNPJ, nullable=False)
    ano_compra: int = pa.Field(in_range={"min_value": 2000, "max_value": 2100})
    modalidade_id: int = pa.Field(in_range={"min_value": 1, "max_value": 99}, nullable=False)
    valor_total_estimado: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    valor_total_homologado: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    data_publicacao_pncp: pl.Datetime = pa.Field(nullable=False, in_range={"min_value": datetime(2020, 1, 1),
                                                                          "max_value": datetime(2040, 12, 31)})


class Contratos(_Base):
    numero_controle_pncp: str = pa.Field(str_matches=CONTRATO, nullable=False, unique=True)
    numero_controle_pncp_compra: str = pa.Field(str_matches=COMPRA, nullable=True)
    orgao_cnpj: str = pa.Field(str_matches=CNPJ, nullable=False)
    ni_fornecedor: str = pa.Field(nullable=False)
    valor_inicial: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    valor_global: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    data_assinatura: pl.Date = pa.Field(nullable=True, in_range={"min_value": EARLIEST, "max_value": LATEST})
    data_vigencia_fim: pl.Date = pa.Field(nullable=True, in_range={"min_value": EARLIEST, "max_value": date(2100, 1, 1)})


class Atas(_Base):
    numero_controle_pncp_ata: str = pa.Field(str_matches=ATA, nullable=False, unique=True)
    numero_controle_pncp_compra: str = pa.Field(str_matches=COMPRA, nullable=True)
    orgao_cnpj: str = pa.Field(str_matches=CNPJ, nullable=False)
    vigencia_inicio: pl.Date = pa.Field(nullable=True, in_range={"min_value": EARLIEST, "max_value": LATEST})


class Itens(_Base):
    numero_controle_pncp_compra: str = pa.Field(str_matches=COMPRA, nullable=False)
    numero_item: int = pa.Field(ge=1, nullable=False)
    quantidade: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    valor_unitario_estimado: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    valor_total: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)


class Arquivos(_Base):
    numero_controle_pncp_compra: str = pa.Field(str_matches=COMPRA, nullable=False)
    sequencial_documento: int = pa.Field(ge=1, nullable=False)


class Resultados(_Base):
    numero_controle_pncp_compra: str = pa.Field(str_matches=COMPRA, nullable=False)
    numero_controle_pncp_compra_resultado: str = pa.Field(str_matches=COMPRA, nullable=True)
    numero_item: int = pa.Field(ge=1, nullable=False)
    sequencial_resultado: int = pa.Field(ge=1, nullable=False)
    ni_fornecedor: str = pa.Field(nullable=False)
    situacao_compra_item_resultado_id: int = pa.Field(isin=[1, 2], nullable=False)  # 1 Informado, 2 Cancelado
    porte_fornecedor_id: int = pa.Field(in_range={"min_value": 1, "max_value": 9}, nullable=True)
    quantidade_homologada: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    valor_unitario_homologado: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    valor_total_homologado: PaDecimal = pa.Field(ge=0, nullable=True, dtype_kwargs=DEC)
    data_resultado: pl.Date = pa.Field(nullable=True, in_range={"min_value": EARLIEST, "max_value": LATEST})


MODELS = {"contratacoes": Contratacoes, "contratos": Contratos, "atas": Atas, "itens": Itens, "arquivos": Arquivos,
          "resultados": Resultados}


def validate(name: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows that pass, failure cases: row index, column, check, failing value) for a staging table."""
    cases = pl.DataFrame(schema={"index": pl.Int64, "column": pl.String, "check": pl.String, "failure_case": pl.String})
    try:
        MODELS[name].validate(frame, lazy=True)
        return frame, cases
    except pa.errors.SchemaErrors as e:
        found = e.failure_cases.select(pl.col("index").cast(pl.Int64), "column", "check",
                                       pl.col("failure_case").cast(pl.String))
    table_level = found.filter(pl.col("index").is_null())
    if len(table_level):  # a wrong dtype or a missing column: nothing in the frame can be trusted
        raise ValueError(f"staging.{name} does not match its model: "
                         + "; ".join(f"{r['column']}: {r['check']}" for r in table_level.iter_rows(named=True)))
    bad = set(found["index"].to_list())
    good = frame.with_row_index("_i").filter(~pl.col("_i").is_in(list(bad))).drop("_i")
    return good, found.sort("index")
