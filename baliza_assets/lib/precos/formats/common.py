"""What every format of a research shares: the evidence's columns, the summary's lines, and numbers written
the Brazilian way (decimal comma), exactly as the warehouse keeps them."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal

from ..research import Research
from ..units import listing

# The evidence's columns: (key, label). Keys are marts.price_evidence's columns, and three of the research's:
# situacao (mantido/removido), motivo_remocao and relevancia (the description's BM25 score).
EVIDENCE = (
    ("situacao", "Situação"),
    ("motivo_remocao", "Motivo da remoção"),
    ("data_resultado", "Data do resultado"),
    ("valor_unitario_homologado", "Valor unitário homologado (R$)"),
    ("valor_unitario_estimado", "Valor unitário estimado (R$)"),
    ("quantidade_homologada", "Quantidade homologada"),
    ("unidade_medida", "Unidade de medida"),
    ("item_descricao", "Descrição do item"),
    ("catalogo_codigo_item", "Código do catálogo"),
    ("relevancia", "Relevância da descrição"),
    ("orgao_razao_social", "Órgão comprador"),
    ("orgao_cnpj", "CNPJ do órgão"),
    ("unidade_nome", "Unidade compradora"),
    ("municipio", "Município"),
    ("uf", "UF"),
    ("orgao_esfera_id", "Esfera"),
    ("fornecedor_nome", "Fornecedor"),
    ("fornecedor_ni", "CNPJ/CPF do fornecedor"),
    ("modalidade_nome", "Modalidade"),
    ("numero_compra", "Número da compra"),
    ("ano_compra", "Ano da compra"),
    ("numero_controle_pncp_compra", "Número de controle PNCP"),
    ("numero_item", "Item"),
    ("sequencial_resultado", "Resultado do item"),
    ("data_publicacao_compra", "Publicação da compra"),
    ("data_registro_resultado", "Registro do resultado no PNCP"),
    ("link_pncp", "Link PNCP"),
    ("payload_sha256", "payload_sha256"),
)
MONEY = frozenset({"valor_unitario_homologado", "valor_unitario_estimado"})
SPREAD_LABELS = {"n": "n", "min": "mínimo", "p10": "p10", "median": "mediana", "mean": "média", "p90": "p90",
                 "max": "máximo"}


def situacao(row: dict) -> str:
    return "mantido" if row["motivo_remocao"] is None else "removido"


def value(row: dict, key: str):
    """The row's value of an evidence column."""
    return situacao(row) if key == "situacao" else row.get(key)


def decimal_text(number: Decimal | int, grouping: bool = False, places: int = 2) -> str:
    """``number`` with a decimal comma, at least ``places`` decimals and every further significant one the
    warehouse keeps (up to 6): 7424.690000 -> 7424,69 (7.424,69 with ``grouping``), 0.123400 -> 0,1234."""
    if isinstance(number, int):
        text = f"{number:,}" if grouping else str(number)
        return text.replace(",", ".")
    text = f"{number:f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    frac = frac + "0" * (places - len(frac)) if len(frac) < places else frac
    if grouping:
        sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        whole = sign + f"{int(digits):,}".replace(",", ".")
    return f"{whole},{frac}" if frac else whole


def cnpj(ni: str | None) -> str:
    """A CNPJ as 00.000.000/0000-00 (a masked CPF, or anything else, as it is)."""
    if ni and len(ni) == 14 and ni.isdigit():
        return f"{ni[:2]}.{ni[2:5]}.{ni[5:8]}/{ni[8:12]}-{ni[12:]}"
    return ni or ""


def snapshot_utc(research: Research) -> datetime:
    """When the snapshot was committed, in UTC (without a zone, as a spreadsheet holds it)."""
    t = research.snapshot.time
    return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def reproduce(research: Research) -> str:
    """The command that reads the same research again, at the same snapshot."""
    return f"{research.ask.command()} --as-of {research.snapshot.id}"


def units_line(research: Research) -> str:
    compared = sum(research.unit_counts[u] for u in research.units)
    total = sum(research.unit_counts.values())
    line = " + ".join(research.units)
    if len(research.units) > 1:
        line += " (tomadas juntas, como pedido)"
    others = {u if u is not None else "(sem unidade)": n for u, n in research.unit_counts.items()
              if u not in research.units}
    if others:
        line += f"; {total - compared} de {total} resultados em outras unidades ficaram de fora: {listing(Counter(others))}"
    return line


def summary(research: Research) -> list[tuple[str, object]]:
    """The research as (label, value) lines, values typed (str, int, Decimal, date)."""
    lines: list[tuple[str, object]] = list(research.ask.describe())
    lines += [
        ("Snapshot do warehouse (DuckLake)", research.snapshot.id),
        ("Hora do snapshot (UTC)", snapshot_utc(research)),
        ("Para reproduzir", reproduce(research)),
        ("Unidade comparada", units_line(research)),
        ("Preços encontrados", len(research.rows)),
        ("Preços removidos (outliers)", len(research.removed)),
        ("Preços mantidos", len(research.kept)),
    ]
    if research.fences.low is not None:
        lines += [("Limite inferior", research.fences.low), ("Limite superior", research.fences.high)]
    return lines


def spread_rows(research: Research, portuguese: bool = True) -> list[tuple[str, object, object]]:
    """(figure, of the prices found, of the prices kept)."""
    return [(SPREAD_LABELS[label] if portuguese else label, a, b) for (label, a), (_, b) in zip(research.found.items(),
                                                                       research.kept_spread.items())]


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
