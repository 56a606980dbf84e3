"""What a price research must find, from the sandbox's own records (not from the warehouse): the homologated
results in force of the compras published on a day, with their item and compra, and the spread and outliers
computed with Python's ``statistics`` (the same linear interpolation, an implementation of its own)."""

from __future__ import annotations

import statistics
import unicodedata
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from baliza_sandbox import World


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


def evidence(world: World, day: date) -> list[dict]:
    """The price evidence of the compras published on ``day``: results in force with a positive unit price."""
    out = []
    for c in world.published("contratacoes", day):
        for i in world.itens(c):
            for r in world.resultados(c, i):
                if r["situacaoCompraItemResultadoId"] != 1 or not r["valorUnitarioHomologado"]:
                    continue
                out.append({
                    "key": (c["numeroControlePNCP"], i["numeroItem"], r["sequencialResultado"]),
                    "descricao": i["descricao"].strip(), "unidade": " ".join((i["unidadeMedida"] or "").split()).upper(),
                    "codigo": i.get("catalogoCodigoItem"), "uf": c["unidadeOrgao"]["ufSigla"],
                    "municipio": c["unidadeOrgao"]["municipioNome"], "esfera": c["orgaoEntidade"]["esferaId"],
                    "orgao_cnpj": c["orgaoEntidade"]["cnpj"],
                    "preco": Decimal(repr(r["valorUnitarioHomologado"])),
                    "estimado": Decimal(repr(i["valorUnitarioEstimado"])) if i.get("valorUnitarioEstimado") is not None else None,
                    "data": date.fromisoformat(r["dataResultado"][:10]), "ni": r["niFornecedor"],
                    "tipo_pessoa": r["tipoPessoa"],
                })
    return out


def matching(rows: list[dict], words: tuple[str, ...] = (), **equal) -> list[dict]:
    """The rows whose description holds each of ``words`` (folded, whole words) and whose fields equal ``equal``."""
    def has(row):
        tokens = set("".join(ch if ch.isalnum() else " " for ch in fold(row["descricao"])).split())
        return all(w in tokens for w in words)
    return [r for r in rows if has(r) and all(r[k] == v for k, v in equal.items())]


def spread(prices: list[Decimal]) -> dict[str, Decimal | int]:
    deciles = statistics.quantiles(prices, n=10, method="inclusive")
    mean = statistics.mean(prices).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)
    return {"n": len(prices), "min": min(prices), "p10": deciles[0], "median": statistics.median(prices),
            "mean": mean, "p90": deciles[8], "max": max(prices)}


def iqr_outliers(rows: list[dict], k: Decimal = Decimal("1.5")) -> set:
    q1, _, q3 = statistics.quantiles([r["preco"] for r in rows], n=4, method="inclusive")
    low, high = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    return {r["key"] for r in rows if not low <= r["preco"] <= high}


def median_outliers(rows: list[dict], percent: Decimal) -> set:
    median = statistics.median([r["preco"] for r in rows])
    return {r["key"] for r in rows if abs(r["preco"] - median) > median * percent / 100}
