"""Contratações: the listing record, the compra's detail, and their amendments."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .formats import _copy, _money, _numero_compra, _parse_ts, _processo, _ts
from .orgaos import Orgao, Unidade
from .sistemas import _link, _sistema
from .tables import (
    _AMPARO,
    _INSTRUMENTO_NOME,
    _MODO_NOME,
    _ORCAMENTO_SIGILOSO,
    _PROFILES,
    _SITUACAO_COMPRA,
    MODALIDADE_NOME_EM_REGISTRO,
)
from .texts import _INFO_COMPLEMENTAR, _JUSTIFICATIVAS, _objeto, _opt_text, presence
from .weighted import Weighted

# situacaoCompraId at publication: divulgada, now and then anulada, revogada or suspensa.
_SITUACAO = Weighted([(1, 0.99), (3, 0.005), (2, 0.003), (4, 0.002)])
_JUSTIFICATIVA_PRESENCE = presence(0.15, 0.15)
_INFO_PRESENCE = presence(0.40, 0.15)


def contratacao(rng: random.Random, *, orgao: Orgao, unidade: Unidade, ano: int, sequencial: int, modalidade_id: int,
                published_at: datetime) -> dict:
    """A /v1/contratacoes/publicacao record (RecuperarCompraPublicacaoDTO), key order of the real page."""
    prof = _PROFILES[modalidade_id]
    amparo_cod = rng.choices(prof.amparo[0], cum_weights=prof.amparo[1])[0] if len(prof.amparo[0]) > 1 else prof.amparo[0][0]
    modo = rng.choices(prof.modo[0], cum_weights=prof.modo[1])[0] if len(prof.modo[0]) > 1 else prof.modo[0][0]
    if modalidade_id == 8:
        instrumento = 2 if modo == 4 else (3 if rng.random() < 0.7 else 2)
    elif modalidade_id in (9, 14):
        instrumento = 3 if rng.random() < 0.85 else 2
    elif modalidade_id == 12:
        instrumento = 1 if rng.random() < 0.7 else 3
    else:
        instrumento = 1
    nome_amp, desc_amp = _AMPARO[amparo_cod]
    if rng.random() < 0.08:
        nome_amp += " "
    usuario, link_kind = _sistema(orgao)
    numero_compra, numero = _numero_compra(rng, link_kind, ano)

    kinds = prof.kinds
    kind = kinds[int(rng.random() * len(kinds))]
    objeto, _cat = _objeto(rng, kind, unidade)
    if kind == "L" and orgao.esferaId != "F" and "Receita Federal" in objeto:
        objeto, _cat = _objeto(rng, kind, unidade)
    srp = rng.random() < prof.srp
    if srp and rng.random() < 0.3 and not objeto.upper().startswith("REGISTRO"):
        objeto = "Registro de preços para futura e eventual " + objeto[0].lower() + objeto[1:]

    # valores
    if rng.random() < prof.p_sig:
        estimado = 0.0
    else:
        estimado = _money(rng, prof.vmed, prof.vsig)
    homologado = None
    if rng.random() < prof.p_hom:
        base = estimado if estimado > 0 else _money(rng, prof.vmed, prof.vsig)
        f = rng.uniform(1.0, 1.8) if kind == "L" else rng.uniform(0.55, 1.0)
        homologado = round(base * f, 2)

    # prazos
    pub = published_at
    if modalidade_id in (9, 14) or (modalidade_id == 8 and modo == 5 and rng.random() < 0.5) or (modalidade_id in (10, 11) and rng.random() < 0.5):
        abertura = encerramento = None
        if modalidade_id == 9 and rng.random() < 0.1:
            abertura = _ts(pub)
            encerramento = _ts(pub + timedelta(days=rng.randint(1, 10)))
    elif modalidade_id == 8:
        a = pub + timedelta(minutes=rng.randint(1, 240))
        abertura = _ts(a.replace(second=0))
        encerramento = _ts((a + timedelta(days=rng.randint(3, 8))).replace(hour=rng.choice((8, 9, 10, 11, 14, 15)), minute=rng.choice((0, 0, 30, 20)), second=rng.choice((0, 0, 43))))
    elif modalidade_id == 12 or modalidade_id == 15:
        abertura = _ts(pub.replace(hour=8, minute=0, second=0) if rng.random() < 0.5 else pub)
        encerramento = _ts((pub + timedelta(days=rng.randint(30, 365))).replace(hour=17, minute=0, second=0))
    else:
        if rng.random() < 0.2:
            a = pub
        else:
            a = (pub + timedelta(days=rng.randint(0, 2))).replace(hour=rng.choice((8, 8, 9, 10)), minute=0, second=0)
        abertura = _ts(a)
        e = (pub + timedelta(days=rng.randint(8, 30))).replace(hour=rng.choice((8, 9, 9, 10, 10, 14)), minute=rng.choice((0, 0, 30, 59)), second=0)
        encerramento = _ts(e)

    if prof.presencial:
        justificativa = _opt_text(rng, _JUSTIFICATIVA_PRESENCE, _JUSTIFICATIVAS)
    else:
        justificativa = None if rng.random() < 0.9 else ""

    situacao = _SITUACAO.pick(rng)
    ts = _ts(pub)
    return {
        "numeroControlePNCP": f"{orgao.cnpj}-1-{sequencial:06d}/{ano}",
        "dataAtualizacaoGlobal": ts,
        "modalidadeId": modalidade_id,
        "srp": srp,
        "orgaoEntidade": orgao.as_json(),
        "anoCompra": ano,
        "sequencialCompra": sequencial,
        "dataInclusao": ts,
        "dataPublicacaoPncp": ts,
        "dataAtualizacao": ts,
        "numeroCompra": numero_compra,
        "unidadeOrgao": unidade.as_json(),
        "amparoLegal": {"descricao": desc_amp, "nome": nome_amp, "codigo": amparo_cod},
        "dataAberturaProposta": abertura,
        "dataEncerramentoProposta": encerramento,
        "informacaoComplementar": _opt_text(rng, _INFO_PRESENCE, _INFO_COMPLEMENTAR),
        "processo": _processo(rng, ano),
        "objetoCompra": objeto,
        "linkSistemaOrigem": _link(rng, link_kind, unidade, numero, ano),
        "justificativaPresencial": justificativa,
        "unidadeSubRogada": None,
        "orgaoSubRogado": None,
        "valorTotalHomologado": homologado,
        "modoDisputaId": modo,
        "linkProcessoEletronico": None if rng.random() < 0.97 else "",
        "valorTotalEstimado": estimado,
        "modalidadeNome": MODALIDADE_NOME_EM_REGISTRO[modalidade_id],
        "modoDisputaNome": _MODO_NOME[modo],
        "tipoInstrumentoConvocatorioCodigo": instrumento,
        "tipoInstrumentoConvocatorioNome": _INSTRUMENTO_NOME[instrumento],
        "fontesOrcamentarias": [],
        "situacaoCompraId": situacao,
        "situacaoCompraNome": _SITUACAO_COMPRA[situacao],
        "usuarioNome": usuario,
    }


_DETALHE_ORDER = (
    "valorTotalEstimado", "valorTotalHomologado", "orcamentoSigilosoCodigo", "orcamentoSigilosoDescricao",
    "numeroControlePNCP", "linkSistemaOrigem", "linkProcessoEletronico", "anoCompra", "sequencialCompra", "numeroCompra",
    "processo", "orgaoEntidade", "unidadeOrgao", "orgaoSubRogado", "unidadeSubRogada", "modalidadeId", "modalidadeNome",
    "justificativaPresencial", "modoDisputaId", "modoDisputaNome", "tipoInstrumentoConvocatorioCodigo",
    "tipoInstrumentoConvocatorioNome", "amparoLegal", "objetoCompra", "informacaoComplementar", "srp",
    "fontesOrcamentarias", "emendaParlamentar", "dataPublicacaoPncp", "dataAberturaProposta", "dataEncerramentoProposta",
    "situacaoCompraId", "situacaoCompraNome", "existeResultado", "dataInclusao", "dataAtualizacao",
    "dataAtualizacaoGlobal", "usuarioNome",
)
_DETALHE_ONLY = ("orcamentoSigilosoCodigo", "orcamentoSigilosoDescricao", "existeResultado")
_UNIDADE_DETALHE_ORDER = ("ufNome", "codigoUnidade", "nomeUnidade", "ufSigla", "municipioNome", "codigoIbge")


def _reorder_unidade(u):
    if not isinstance(u, dict):
        return u
    out = {k: u[k] for k in _UNIDADE_DETALHE_ORDER if k in u}
    for k, v in u.items():
        if k not in out:
            out[k] = v
    return out


def compra_detalhe(listing: dict, *, existe_resultado: bool) -> dict:
    """RecuperarCompraDTO (GET /v1/orgaos/{cnpj}/compras/{ano}/{seq}) built from a listing record."""
    est = listing.get("valorTotalEstimado")
    sig = 3 if est == 0.0 else 1
    extra = {"orcamentoSigilosoCodigo": sig, "orcamentoSigilosoDescricao": _ORCAMENTO_SIGILOSO[sig], "existeResultado": bool(existe_resultado)}
    out: dict = {}
    for k in _DETALHE_ORDER:
        if k in extra:
            out[k] = extra[k]
        elif k in listing:
            v = listing[k]
            if k == "unidadeOrgao" or k == "unidadeSubRogada":
                v = _reorder_unidade(v)
            elif isinstance(v, dict):
                v = dict(v)
            elif isinstance(v, list):
                v = list(v)
            out[k] = v
    for k, v in listing.items():
        if k not in out:
            out[k] = v
    return out


# What an amendment of a compra changes (a compra revogada or anulada only has its objeto retouched).
_CHANGES = Weighted([("homologado", 0.50), ("encerramento", 0.20), ("objeto", 0.12), ("situacao", 0.18)])
# A compra's situação after an amendment that changes it (a suspended one is always resumed).
_NEW_SITUACAO = Weighted([(4, 0.4), (2, 0.35), (3, 0.25)])


def amend_contratacao(rng: random.Random, record: dict, at: datetime) -> dict:
    """A new version of a contratação changed as a real update would; never mutates ``record``."""
    out = _copy(record)
    situ = out.get("situacaoCompraId")
    final = situ in (2, 3)
    changes = 0
    while changes == 0 or rng.random() < 0.2:
        changes += 1
        change = _CHANGES.pick(rng)
        if final:
            change = "objeto"
        if change == "homologado":
            est = out.get("valorTotalEstimado") or 0.0
            base = est if est > 0 else _money(rng, 50_000, 1.4)
            f = rng.uniform(1.0, 1.8) if out.get("modalidadeId") in (1, 13) else rng.uniform(0.55, 1.0)
            v = round(base * f, 2)
            if v == out.get("valorTotalHomologado"):
                v = round(v + 0.01, 2)
            out["valorTotalHomologado"] = v
        elif change == "encerramento":
            enc = _parse_ts(out.get("dataEncerramentoProposta"))
            base = enc or at
            out["dataEncerramentoProposta"] = _ts((base + timedelta(days=rng.randint(3, 20))).replace(second=0))
        elif change == "objeto":
            obj = out.get("objetoCompra") or ""
            stripped = obj.strip()
            if stripped != obj:
                out["objetoCompra"] = stripped
            elif rng.random() < 0.5 and not obj.endswith(" - RETIFICADO"):
                out["objetoCompra"] = obj + " - RETIFICADO"
            else:
                out["objetoCompra"] = obj.upper() if obj != obj.upper() else obj.capitalize() + "."
        else:
            new = 1 if situ == 4 else _NEW_SITUACAO.pick(rng)
            out["situacaoCompraId"] = new
            out["situacaoCompraNome"] = _SITUACAO_COMPRA[new]
            situ = new
            final = new in (2, 3)
    ts = _ts(at)
    out["dataAtualizacao"] = ts
    out["dataAtualizacaoGlobal"] = ts
    return out
