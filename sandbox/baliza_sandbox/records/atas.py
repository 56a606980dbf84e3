"""Atas de registro de preço and their amendments (renewal, cancellation)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .formats import _copy, _d, _date_plus
from .weighted import Weighted

# An ata's vigência: a year (364 or 365 days), two years, a few months, or now and then a typo in
# the year, as real data has ("7203-07-27").
_VIGENCIAS = Weighted([("typo", 0.001), ("one year", 0.799), ("two years", 0.15), ("months", 0.05)])
# numeroAtaRegistroPreco, from its number n and the year.
_NUMERO_FORMS = Weighted([("{n:05d}", 0.45), ("{n}", 0.30), ("{n}/{ano}", 0.15), ("ARP {n:03d}/{ano}", 0.10)])


def ata(rng: random.Random, *, compra: dict, sequencial_ata: int, published_at: datetime) -> dict:
    """A flat /v1/atas(/atualizacao) record with date-only dates."""
    pub = published_at
    assin = pub - timedelta(days=int(rng.expovariate(0.3)))
    inicio = assin if rng.random() < 0.6 else assin + timedelta(days=rng.randint(1, 7))
    vigencia = _VIGENCIAS.pick(rng)
    if vigencia == "typo":
        fim_s = f"{rng.randint(2100, 9999)}{_d(inicio)[4:]}"
    else:
        if vigencia == "one year":
            fim = inicio + timedelta(days=364 if rng.random() < 0.5 else 365)
        elif vigencia == "two years":
            fim = inicio + timedelta(days=730 + rng.randint(-1, 3))
        else:
            fim = inicio + timedelta(days=rng.choice((90, 180, 240)))
        fim_s = _d(fim)
    n = rng.randint(1, 500)
    numero = _NUMERO_FORMS.pick(rng).format(n=n, ano=pub.year)
    orgao = compra.get("orgaoEntidade") or {}
    unidade = compra.get("unidadeOrgao") or {}
    usuario = compra.get("usuarioNome") or "Compras.gov.br"
    if usuario == "Compras.gov.br":
        usuario = "Contratos.gov.br" if rng.random() < 0.8 else usuario
    ds = _d(pub)
    return {
        "numeroControlePNCPAta": f"{compra['numeroControlePNCP']}-{sequencial_ata:06d}",
        "numeroAtaRegistroPreco": numero,
        "anoAta": pub.year,
        "numeroControlePNCPCompra": compra["numeroControlePNCP"],
        "cancelado": False,
        "dataCancelamento": None,
        "dataAssinatura": _d(assin),
        "vigenciaInicio": _d(inicio),
        "vigenciaFim": fim_s,
        "dataPublicacaoPncp": ds,
        "dataInclusao": ds,
        "dataAtualizacao": ds,
        "dataAtualizacaoGlobal": ds,
        "usuario": usuario,
        "objetoContratacao": compra.get("objetoCompra") or "",
        "cnpjOrgao": orgao.get("cnpj"),
        "nomeOrgao": orgao.get("razaoSocial"),
        "cnpjOrgaoSubrogado": None,
        "nomeOrgaoSubrogado": None,
        "codigoUnidadeOrgao": unidade.get("codigoUnidade"),
        "nomeUnidadeOrgao": unidade.get("nomeUnidade"),
        "codigoUnidadeOrgaoSubrogado": None,
        "nomeUnidadeOrgaoSubrogado": None,
    }


def amend_ata(rng: random.Random, record: dict, at: datetime) -> dict:
    """A new version of an ata changed as a real update would (cancelled, or its vigência renewed);
    never mutates ``record``."""
    out = _copy(record)
    ds = _d(at)
    if out.get("cancelado"):
        out["vigenciaFim"] = out.get("dataCancelamento") or ds
        if out["vigenciaFim"] == record.get("vigenciaFim"):
            out["vigenciaFim"] = _date_plus(record.get("vigenciaFim"), -1, at)
    elif rng.random() < 0.3:
        out["cancelado"] = True
        out["dataCancelamento"] = ds
    else:
        out["vigenciaFim"] = _date_plus(out.get("vigenciaFim"), 365, at)
        if out["vigenciaFim"] == record.get("vigenciaFim"):  # e.g. a year-9999 typo cannot grow
            out["cancelado"] = True
            out["dataCancelamento"] = ds
    out["dataAtualizacao"] = ds
    out["dataAtualizacaoGlobal"] = ds
    return out
