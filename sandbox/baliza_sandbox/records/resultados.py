"""Resultados of an item (the homologated suppliers), and their cancellations."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .catalog import _CAT_BY_DESC
from .formats import _d, _parse_ts, _ts
from .fornecedores import _fornecedor
from .tables import _PORTE_NOME
from .weighted import Weighted

# How many suppliers an item's result names.
_SUPPLIERS = Weighted([(1, 0.90), (2, 0.07), (3, 0.03)])


def resultados(rng: random.Random, listing: dict, item: dict, recorded_at: datetime | None = None) -> list[dict]:
    """Results of one item (1, sometimes 2-3), shaped as .../itens/{n}/resultados. ``recorded_at``:
    when an update of the compra brought them (the result is dated the days before); None for
    results published with the compra."""
    k = _SUPPLIERS.pick(rng)
    srp = bool(listing.get("srp"))
    if not srp:  # a quantity is split between suppliers whole units at a time
        k = min(k, max(1, int(item.get("quantidade") or 1.0)))
    base = _parse_ts(listing.get("dataEncerramentoProposta")) or _parse_ts(listing.get("dataPublicacaoPncp")) or datetime(2025, 1, 1, 9)
    published = _parse_ts(listing.get("dataPublicacaoPncp")) or base
    if recorded_at is not None:
        base = max(base, recorded_at - timedelta(days=12))
    else:
        base = min(base, published - timedelta(days=12))
    qtd = item.get("quantidade") or 1.0
    vu_est = item.get("valorUnitarioEstimado") or 0.0
    if not vu_est:
        c = _CAT_BY_DESC.get(item.get("descricao"))
        vu_est = c.preco if c else 100.0
    leilao = listing.get("modalidadeId") in (1, 13)
    crit = item.get("criterioJulgamentoId")
    benef = item.get("tipoBeneficio")
    out = []
    remaining = qtd
    for s in range(1, k + 1):
        forn = _fornecedor(rng)
        ni, nome, tipo, porte = forn
        if benef == 1 and porte not in (1, 2) and tipo == "PJ":
            porte = 1
        if srp or s == k:
            q = qtd if srp else remaining
        else:  # a share of what is left, leaving at least one unit to each supplier after this one
            q = float(min(remaining - (k - s), max(1, int(remaining * rng.uniform(0.3, 0.7)))))
            remaining -= q
        f = rng.uniform(1.0, 2.0) if leilao else rng.uniform(0.55, 1.0)
        vu = vu_est * f
        vu = round(vu, 4) if vu < 1.0 else round(vu, 2)
        vt = round(q * vu, 2)
        desconto = round((1.0 - vu / vu_est) * 100.0, 2) if crit == 2 and vu_est else 0.0
        dres = base + timedelta(days=rng.randint(0, 12), seconds=rng.randint(0, 36000))
        # a result is dated before PNCP shows it: with the compra's publication, or with the later update
        dres = min(dres, recorded_at if recorded_at is not None else published)
        cancel = rng.random() < 0.01
        sit = 2 if cancel else 1
        tsr = _ts(recorded_at if recorded_at is not None else dres)  # when PNCP recorded it
        out.append({
            "indicadorSubcontratacao": False,
            "reservaRemanescente": {"codigo": 1, "nome": "Não se aplica"},
            "timezoneCotacaoMoedaEstrangeira": None,
            "moedaEstrangeira": None,
            "dataInclusao": tsr,
            "numeroItem": item["numeroItem"],
            "niFornecedor": ni,
            "dataCancelamento": _ts(dres + timedelta(days=rng.randint(1, 30))) if cancel else None,
            "dataAtualizacao": tsr,
            "tipoPessoa": tipo,
            "nomeRazaoSocialFornecedor": nome,
            "valorTotalHomologado": vt,
            "valorNominalMoedaEstrangeira": None,
            "dataCotacaoMoedaEstrangeira": None,
            "codigoPais": "BRA",
            "porteFornecedorId": porte,
            "quantidadeHomologada": float(q),
            "valorUnitarioHomologado": float(vu),
            "percentualDesconto": desconto,
            "amparoLegalMargemPreferencia": None,
            "amparoLegalCriterioDesempate": None,
            "paisOrigemProdutoServico": None,
            "localidadeExterior": None,
            "ordemClassificacaoSrp": s,
            "dataResultado": _d(dres),
            "motivoCancelamento": "Desistência do fornecedor" if cancel else None,
            "situacaoCompraItemResultadoId": sit,
            "porteFornecedorNome": _PORTE_NOME[porte],
            "situacaoCompraItemResultadoNome": "Cancelado" if cancel else "Informado",
            "sequencialResultado": s,
            "naturezaJuridicaNome": None,
            "localidadeFornecedor": None,
            "aplicacaoMargemPreferencia": False,
            "aplicacaoBeneficioMeEpp": benef in (1, 2, 3) and porte in (1, 2),
            "aplicacaoCriterioDesempate": False,
            "naturezaJuridicaId": None,
            "numeroControlePNCPCompra": listing["numeroControlePNCP"],
        })
    return out


_MOTIVOS_CANCELAMENTO = ("Desistência do fornecedor", "Fornecedor não assinou a ata no prazo",
                         "Recusa na entrega da documentação de habilitação", "Anulação do item por decisão administrativa")


def amend_resultados(rng: random.Random, rows: list[dict], at: datetime, cancel_share: float = 0.15) -> list[dict]:
    """The results of an item after one later amendment of their compra: a few are cancelled
    (situação 2, dataCancelamento and motivoCancelamento set, dataAtualizacao stamped). Never mutates."""
    live = [i for i, r in enumerate(rows) if r["situacaoCompraItemResultadoId"] == 1]
    if not live or rng.random() >= cancel_share:
        return rows
    out = list(rows)
    pos = rng.choice(live)
    row = dict(out[pos])
    row.update(dataCancelamento=_ts(at), dataAtualizacao=_ts(at), motivoCancelamento=rng.choice(_MOTIVOS_CANCELAMENTO),
               situacaoCompraItemResultadoId=2, situacaoCompraItemResultadoNome="Cancelado")
    out[pos] = row
    return out
