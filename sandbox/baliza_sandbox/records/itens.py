"""Itens of a compra, and their amendments."""

from __future__ import annotations

import random
import string
from datetime import datetime

from .catalog import _CAT_MAT, _CAT_SERV, _CATALOGO_OBJ, _CATEGORIA_CATALOGO, _MARCAS, _UNIDADE_VARIANTS
from .formats import _copy, _ts
from .tables import _BENEFICIO_NOME, _CRITERIO_NOME, _ITEM_CATEGORIA, _PROFILES, _SITUACAO_ITEM
from .weighted import Weighted

# What a leilão lot is.
_LOTES = Weighted([("veículo", 0.45), ("sucata", 0.20), ("máquina", 0.15), ("terreno", 0.20)])
# situacaoCompraItem of an item published without its result.
_SITUACAO_SEM_RESULTADO = Weighted([(1, 0.70), (4, 0.15), (5, 0.10), (3, 0.05)])
# What an amendment of the compra does to its itens, and to each item it edits.
_AMENDMENTS = Weighted([("homologate", 0.4), ("untouched", 0.3), ("edit", 0.3)])
_EDITS = Weighted([("price", 0.5), ("quantity", 0.25), ("close", 0.25)])


def _leilao_lote(rng: random.Random) -> tuple[str, str, float, int]:
    """(descrição, unidade de medida, valor de avaliação, itemCategoriaId) of a leilão lot."""
    lote = _LOTES.pick(rng)
    if lote == "veículo":
        marca, modelos = rng.choice(_MARCAS)
        placa = "".join(rng.choices(string.ascii_uppercase, k=3)) + str(rng.randint(0, 9)) + rng.choice(string.ascii_uppercase + string.digits) + f"{rng.randint(0, 99):02d}"
        return (f"VEÍCULO {marca} {rng.choice(modelos)}, ANO {rng.randint(1998, 2018)}, PLACA {placa}, NO ESTADO EM QUE SE ENCONTRA",
                rng.choice(("UNIDADE", "Unidade", "LOTE")), float(rng.randint(30, 600) * 100), 2)
    if lote == "sucata":
        return (rng.choice(("LOTE DE SUCATAS DIVERSAS (FERROSAS E NÃO FERROSAS)", "Lote de bens móveis inservíveis (móveis de escritório e equipamentos de informática)",
                            "LOTE DE MERCADORIAS APREENDIDAS (ELETRÔNICOS, VESTUÁRIO E ACESSÓRIOS)", "Sucata de veículos leves e pesados")),
                "LOTE", float(rng.randint(5, 400) * 100), 2)
    if lote == "máquina":
        return (f"MÁQUINA {rng.choice(('RETROESCAVADEIRA', 'MOTONIVELADORA', 'PÁ CARREGADEIRA', 'TRATOR AGRÍCOLA'))} "
                f"{rng.choice(('CASE', 'CATERPILLAR', 'JOHN DEERE', 'NEW HOLLAND', 'RANDON'))}, ANO {rng.randint(1995, 2015)}, NO ESTADO EM QUE SE ENCONTRA",
                "UNIDADE", float(rng.randint(150, 1500) * 100), 2)
    return (f"TERRENO URBANO, LOTE {rng.randint(1, 40):02d} DA QUADRA {rng.randint(1, 90)}, ÁREA {rng.randint(200, 5000)} M², MATRÍCULA {rng.randint(1000, 99999)}",
            "UNIDADE", float(rng.randint(300, 8000) * 100), 1)


def itens_count(rng: random.Random) -> int:
    """Items per compra: heavy tail (mean ≈ 7, median 3, ~0.5% with 100-1200 items)."""
    if rng.random() < 0.005:
        return min(1200, int(100 * 12 ** rng.random()))
    n = int(rng.lognormvariate(1.0, 1.05) + 0.5)
    if n < 1:
        return 1
    return 99 if n > 99 else n


def _kind_of_listing(listing: dict) -> str:
    mod = listing.get("modalidadeId")
    if mod in (1, 13):
        return "L"
    obj = (listing.get("objetoCompra") or "").lower()
    if "servi" in obj or "contratação de" in obj or "credenciamento" in obj or "locação" in obj or "show" in obj:
        return "S"
    return "M"


def itens(rng: random.Random, listing: dict, n: int) -> list[dict]:
    """``n`` items (numbered 1..n) of a compra, shaped as /v1/orgaos/{cnpj}/compras/{ano}/{seq}/itens."""
    mod = listing.get("modalidadeId") or 6
    prof = _PROFILES.get(mod, _PROFILES[6])
    sigiloso = listing.get("valorTotalEstimado") == 0.0
    est_total = listing.get("valorTotalEstimado") or 0.0
    per_item = (est_total / n) if (est_total and n) else 0.0
    inc = listing.get("dataInclusao")
    atu = listing.get("dataAtualizacao") or inc
    kind = _kind_of_listing(listing)
    serv_share = 0.85 if kind == "S" else 0.08
    crit_vals, crit_cum = prof.criterio
    crit_single = crit_vals[0] if len(crit_vals) == 1 else None
    # one criterion / benefit / catalog habit per compra (as real systems do)
    crit = crit_single if crit_single is not None else rng.choices(crit_vals, cum_weights=crit_cum)[0]
    if mod in (9, 12, 14, 10, 11):
        benef_default = 5
    elif mod in (1, 13):
        benef_default = 5 if rng.random() < 0.5 else 4
    else:
        benef_default = 1 if rng.random() < 0.45 else 4
    use_catalog = rng.random() < 0.62
    lower_unit = rng.random() < 0.15
    patrimonio_empty = rng.random() < 0.3
    leilao = mod in (1, 13)
    nmat, nserv = len(_CAT_MAT), len(_CAT_SERV)
    out = []
    for i in range(1, n + 1):
        if leilao:
            desc, unidade, aval, cat_id = _leilao_lote(rng)
            c = None
            q = 1.0
            vu = 0.0 if sigiloso else (round(per_item * rng.uniform(0.6, 1.4), 2) if per_item > 0 else aval)
            vt = round(q * vu, 2)
        else:
            if rng.random() < serv_share:
                c = _CAT_SERV[int(rng.random() * nserv)]
            else:
                c = _CAT_MAT[int(rng.random() * nmat)]
            desc, unidade, cat_id = c.descricao, c.unidade, 3
            preco = c.preco * rng.lognormvariate(0.0, 0.25)
            preco = round(preco, 4) if preco < 1.0 else round(preco, 2)
            if per_item > 0:
                q = float(max(1, int(per_item / preco * rng.uniform(0.6, 1.4) + 0.5)))
            else:
                q = float(rng.choice((1, 1, 2, 3, 5, 10, 12, 20, 50, 100, 200, 500)))
            if unidade.startswith("QUILOGRAMA") and rng.random() < 0.3:
                q += 0.5
            if sigiloso:
                vu = 0.0
                vt = 0.0
            else:
                vu = float(preco)
                vt = round(q * vu, 2)
            if lower_unit:
                unidade = unidade.strip().lower()
            elif unidade == "UNIDADE " and rng.random() < 0.2:
                unidade = _UNIDADE_VARIANTS[int(rng.random() * 6)]
        ms = "M" if c is None else c.ms
        # A dispensa or inexigibilidade is published once decided, with its result; a competitive
        # compra is published with its edital, and its results come with a later update (homologação).
        tem = rng.random() < (0.9 if listing.get("modalidadeId") in (8, 9) else 0.45)
        if tem:
            sit = 2
        else:
            sit = _SITUACAO_SEM_RESULTADO.pick(rng)
        benef = benef_default
        if benef == 1 and vt > 80000:
            benef = 3 if rng.random() < 0.5 else 4
        if use_catalog and c is not None:
            cod = c.codigo
            catalogo = dict(_CATALOGO_OBJ)
            categoria = dict(_CATEGORIA_CATALOGO[c.ms])
        else:
            cod = None
            catalogo = None
            categoria = None
        if leilao:
            patrimonio = str(rng.randint(1000, 99999)) if rng.random() < 0.5 else ("" if patrimonio_empty else None)
            reg_imob = (str(rng.randint(1000, 99999)) if cat_id == 1 else ("" if patrimonio_empty else None))
        else:
            patrimonio = "" if patrimonio_empty else None
            reg_imob = patrimonio
        info = None
        if rng.random() < 0.1:
            info = " " + desc.split(",")[0].title() + ": conforme especificações do Termo de Referência.  - "
        out.append({
            "numeroItem": i,
            "descricao": desc,
            "materialOuServico": ms,
            "materialOuServicoNome": "Material" if ms == "M" else "Serviço",
            "valorUnitarioEstimado": vu,
            "valorTotal": vt,
            "quantidade": q,
            "unidadeMedida": unidade,
            "orcamentoSigiloso": sigiloso,
            "itemCategoriaId": cat_id,
            "itemCategoriaNome": _ITEM_CATEGORIA[cat_id],
            "patrimonio": patrimonio,
            "codigoRegistroImobiliario": reg_imob,
            "criterioJulgamentoId": crit,
            "criterioJulgamentoNome": _CRITERIO_NOME[crit],
            "situacaoCompraItem": sit,
            "situacaoCompraItemNome": _SITUACAO_ITEM[sit],
            "tipoBeneficio": benef,
            "tipoBeneficioNome": _BENEFICIO_NOME[benef],
            "incentivoProdutivoBasico": False,
            "dataInclusao": inc,
            "dataAtualizacao": atu,
            "temResultado": tem,
            "imagem": 0,
            "aplicabilidadeMargemPreferenciaNormal": False,
            "aplicabilidadeMargemPreferenciaAdicional": False,
            "percentualMargemPreferenciaNormal": None,
            "percentualMargemPreferenciaAdicional": None,
            "ncmNbsCodigo": None,
            "ncmNbsDescricao": None,
            "catalogo": catalogo,
            "categoriaItemCatalogo": categoria,
            "catalogoCodigoItem": cod,
            "informacaoComplementar": info,
            "tipoMargemPreferencia": None,
            "exigenciaConteudoNacional": False,
        })
    return out


def amend_itens(rng: random.Random, itens: list[dict], at: datetime) -> list[dict]:
    """The itens after one amendment of their compra: some amendments homologate it (every item still
    in andamento gets its result), most others leave the itens alone, the rest re-price an item,
    change its quantity or close it, stamping ``dataAtualizacao``. Never mutates."""
    out = list(itens)
    amendment = _AMENDMENTS.pick(rng)
    if not out or amendment == "untouched":
        return out
    if amendment == "homologate":
        for pos, item in enumerate(out):
            if not item.get("temResultado") and item.get("situacaoCompraItem") == 1:
                item = _copy(item)
                item.update(temResultado=True, situacaoCompraItem=2, situacaoCompraItemNome=_SITUACAO_ITEM[2],
                            dataAtualizacao=_ts(at))
                out[pos] = item
        return out
    for pos in sorted(rng.sample(range(len(out)), min(len(out), rng.choice((1, 1, 2))))):
        item = _copy(out[pos])
        edit = _EDITS.pick(rng)
        if edit == "price" and not item.get("valorUnitarioEstimado"):
            edit = "quantity"
        if edit == "price":
            item["valorUnitarioEstimado"] = round(item["valorUnitarioEstimado"] * rng.uniform(0.8, 1.2) + 0.01, 2)
            item["valorTotal"] = round(item["valorUnitarioEstimado"] * (item.get("quantidade") or 1.0), 2)
        elif edit == "quantity":
            item["quantidade"] = float((item.get("quantidade") or 1.0) + rng.randint(1, 10))
            item["valorTotal"] = round((item.get("valorUnitarioEstimado") or 0.0) * item["quantidade"], 2)
        else:
            new = 3 if item.get("situacaoCompraItem") != 3 else 1
            item["situacaoCompraItem"] = new
            item["situacaoCompraItemNome"] = _SITUACAO_ITEM[new]
        item["dataAtualizacao"] = _ts(at)
        out[pos] = item
    return out
