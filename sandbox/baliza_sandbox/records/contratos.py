"""Contratos and their amendments (aditivos, prorrogações, apostilamentos)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .formats import _copy, _d, _date_plus, _money, _processo, _ts
from .fornecedores import _fornecedor
from .orgaos import Orgao, Unidade
from .sistemas import _sistema
from .tables import _CATEGORIA_PROCESSO, _TIPO_CONTRATO
from .texts import _INFO_COMPLEMENTAR, _OBJETOS, _objeto, _opt_text, presence
from .weighted import Weighted, cum

_TIPO_CONTRATO_VALS, _TIPO_CONTRATO_CUM = cum([(1, 45), (7, 24), (8, 20), (5, 3), (12, 3), (6, 1), (2, 0.5), (3, 0.3), (4, 1), (9, 0.5), (10, 0.5), (11, 1)])
_CATPROC_VALS, _CATPROC_CUM = cum([(2, 55), (8, 18), (9, 6), (7, 4), (10, 5), (3, 4), (6, 3), (5, 2), (11, 1.5), (1, 0.5), (4, 0.2)])
_OBJ_CAT = {tpl: cat for tpls in _OBJETOS.values() for tpl, cat in tpls}


# numeroContratoEmpenho: (rng, n, ano) -> text, n drawn after the form.
_NUMERO_FORMS = Weighted([
    (lambda rng, n, ano: f"{n:03d}/{ano}", 0.25),
    (lambda rng, n, ano: f"AF{rng.randint(100000, 299999)}", 0.20),
    (lambda rng, n, ano: f"{ano}NE{rng.randint(1, 9999):06d}", 0.15),
    (lambda rng, n, ano: f"CT {n}/{ano}", 0.12),
    (lambda rng, n, ano: f"0{rng.randint(100000, 999999)}/{n:04d}", 0.10),
    (lambda rng, n, ano: str(n), 0.10),
    (lambda rng, n, ano: f"{n}/{ano}-{rng.choice(('SMS', 'SEMED', 'SEMAD', 'PMF'))}", 0.08),
])
# numeroParcelas: one, twelve, or any count from 2 to 60.
_PARCELAS = Weighted([(lambda rng: 1, 0.7), (lambda rng: 12, 0.2), (lambda rng: rng.randint(2, 60), 0.1)])
# valorAcumulado at publication: null, nothing executed yet, or the whole value.
_ACUMULADO = Weighted([("null", 0.04), ("zero", 0.51), ("valor", 0.45)])
# What an amendment of a contrato is.
_AMENDMENTS = Weighted([("aditivo", 0.4), ("prorrogação", 0.35), ("execução", 0.25)])
_INFO_PRESENCE = presence(0.70, 0.05)


def _numero_contrato(rng: random.Random, ano: int) -> str:
    form = _NUMERO_FORMS.pick(rng)
    return form(rng, rng.randint(1, 999), ano)


def contrato(rng: random.Random, *, orgao: Orgao, unidade: Unidade, ano: int, sequencial: int, published_at: datetime,
             compra: dict | None) -> dict:
    """A /v1/contratos record (RecuperarContratoDTO), key order of contratos_page.json."""
    pub = published_at
    if compra is not None:
        ctrl_compra = compra.get("numeroControlePNCP") or f"{orgao.cnpj}-1-{rng.randint(1, 2000):06d}/{ano}"
        obj = compra.get("objetoCompra") or ""
        processo = compra.get("processo") or _processo(rng, ano)
        if rng.random() < 0.15:
            obj = obj.strip().upper()
        est = compra.get("valorTotalEstimado") or 0.0
        if est > 0:
            valor = round(est * rng.uniform(0.05, 1.0) if rng.random() < 0.5 else est * rng.uniform(0.6, 1.0), 2)
        else:
            valor = _money(rng, 20_000, 1.5)
        mod = compra.get("modalidadeId")
        cat = 11 if mod in (1, 13) else None
        if cat is None:
            for tpl, c in _OBJ_CAT.items():
                if obj[:25].lower() == tpl[:25].lower():
                    cat = c
                    break
        if cat is None:
            cat = rng.choices(_CATPROC_VALS, cum_weights=_CATPROC_CUM)[0]
    else:
        ctrl_compra = f"{orgao.cnpj}-1-{rng.randint(1, 2000):06d}/{ano - (1 if rng.random() < 0.3 else 0)}"
        kind = rng.choice("CCCSSSOI")
        obj, cat = _objeto(rng, kind, unidade)
        processo = _processo(rng, ano)
        valor = _money(rng, 20_000, 1.6)
    if cat == 11:
        receita = rng.random() < 0.6
    else:
        receita = rng.random() < 0.01

    ni, nome, tipo_pessoa, _porte = _fornecedor(rng)
    assin = pub - timedelta(days=int(rng.expovariate(0.25)))
    r = rng.random()
    inicio = assin if r < 0.7 else assin + timedelta(days=rng.randint(1, 5))
    dur = rng.choice((15, 30, 30, 60, 90, 120, 180, 365, 365, 365, 365, 730))
    fim = inicio + timedelta(days=dur)
    tipo = rng.choices(_TIPO_CONTRATO_VALS, cum_weights=_TIPO_CONTRATO_CUM)[0]
    parcelas = _PARCELAS.pick(rng)(rng)
    parcela = 0.0 if rng.random() < 0.4 else round(valor / parcelas, 2)
    acumulado = {"null": None, "zero": 0.0, "valor": valor}[_ACUMULADO.pick(rng)]
    ts = _ts(pub)
    usuario, _k = _sistema(orgao)
    if orgao.esferaId == "F" and rng.random() < 0.8:
        usuario = "Contratos.gov.br"
    elif rng.random() < 0.1:
        usuario = "Inovea Tecnologia Ltda"
    return {
        "codigoPaisFornecedor": "BRA" if rng.random() < 0.976 else None,
        "numeroControlePncpCompra": ctrl_compra,
        "nomeRazaoSocialFornecedor": nome,
        "anoContrato": ano,
        "tipoContrato": {"id": tipo, "nome": _TIPO_CONTRATO[tipo]},
        "numeroContratoEmpenho": _numero_contrato(rng, ano),
        "dataAssinatura": _d(assin),
        "dataVigenciaInicio": _d(inicio),
        "dataVigenciaFim": _d(fim),
        "niFornecedor": ni,
        "tipoPessoa": tipo_pessoa,
        "orgaoEntidade": orgao.as_json(),
        "categoriaProcesso": {"id": cat, "nome": _CATEGORIA_PROCESSO[cat]},
        "dataPublicacaoPncp": ts,
        "dataAtualizacao": ts,
        "sequencialContrato": sequencial,
        "unidadeOrgao": unidade.as_json(),
        "informacaoComplementar": _opt_text(rng, _INFO_PRESENCE, _INFO_COMPLEMENTAR),
        "processo": processo,
        "unidadeSubRogada": None,
        "orgaoSubRogado": None,
        "niFornecedorSubContratado": None,
        "nomeFornecedorSubContratado": None,
        "numeroControlePNCP": f"{orgao.cnpj}-2-{sequencial:06d}/{ano}",
        "receita": receita,
        "numeroParcelas": parcelas,
        "numeroRetificacao": 0,
        "tipoPessoaSubContratada": None,
        "objetoContrato": obj,
        "valorInicial": valor,
        "valorParcela": parcela,
        "valorGlobal": valor,
        "valorAcumulado": acumulado,
        "dataAtualizacaoGlobal": ts,
        "identificadorCipi": None,
        "urlCipi": None,
        "usuarioNome": usuario,
    }


def amend_contrato(rng: random.Random, record: dict, at: datetime) -> dict:
    """A new version of a contrato changed as a real update would; never mutates ``record``."""
    out = _copy(record)
    out["numeroRetificacao"] = (out.get("numeroRetificacao") or 0) + 1
    amendment = _AMENDMENTS.pick(rng)
    glob = out.get("valorGlobal") or 0.0
    if amendment == "aditivo":  # aditivo de valor
        novo = round(glob * rng.uniform(1.05, 1.25), 2) if glob else _money(rng, 20_000, 1.5)
        out["valorGlobal"] = novo
        if out.get("valorAcumulado") is not None:
            out["valorAcumulado"] = novo
    elif amendment == "prorrogação":
        out["dataVigenciaFim"] = _date_plus(out.get("dataVigenciaFim"), rng.choice((90, 180, 365, 365)), at)
    else:  # execução / apostilamento: the accumulated value grows towards valorGlobal
        cur = out.get("valorAcumulado") or 0.0
        if glob and cur < glob:
            out["valorAcumulado"] = round(cur + (glob - cur) * rng.uniform(0.2, 1.0), 2)
        else:
            out["dataVigenciaFim"] = _date_plus(out.get("dataVigenciaFim"), 365, at)
    ts = _ts(at)
    out["dataAtualizacao"] = ts
    out["dataAtualizacaoGlobal"] = ts
    return out
