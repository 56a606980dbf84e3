"""Synthetic PNCP records shaped exactly like the real API responses.

Pure Python (stdlib only), deterministic given a ``random.Random`` and fast enough to
build a realistic day (~6.5 k contratações, ~8.5 k contratos, ~45 k itens) in about a second.

Every builder mirrors the key order, JSON types and quirks of the real captures in
``shared/pncp/samples`` (see ``shared/pncp/API.md`` sections 5-9):

* integer enums where the spec says strings (``situacaoCompraId``, ``situacaoCompraItem``,
  ``tipoBeneficio``, ``porteFornecedorId``, ``situacaoCompraItemResultadoId``);
* ``codigoIbge`` as a string, ``poderId``/``esferaId`` including ``"N"``;
* money always as floats (``0.0`` when the budget is sigiloso), ``valorTotalHomologado`` often null;
* ``"YYYY-MM-DDTHH:MM:SS"`` timestamps without timezone, date-only strings for ata dates and
  contrato assinatura/vigência;
* ``""`` and ``null`` mixed for missing text, trailing/leading spaces, odd ``linkSistemaOrigem``.

The package holds the data tables (``tables``, ``geography``, ``catalog``, ``texts``), then one
builder module per entity (``orgaos``, ``contratacoes``, ``itens``, ``arquivos``, ``resultados``,
``contratos``, ``atas``, with ``fornecedores`` and ``sistemas`` behind them). Probabilities are
weighted-choice tables (``weighted.Weighted``) drawn exactly as the ladders they replaced, so a
seed gives the same world. Names with a leading underscore are the package's own.
"""

from __future__ import annotations

import random
from datetime import datetime

from .arquivos import arquivos, arquivos_count
from .atas import amend_ata, ata
from .contratacoes import amend_contratacao, compra_detalhe, contratacao
from .contratos import amend_contrato, contrato
from .ids import is_valid_cnpj, valid_cnpj
from .itens import amend_itens, itens, itens_count
from .orgaos import Orgao, Unidade, orgao_pool
from .resultados import amend_resultados, resultados
from .tables import DAILY_MIX, MODALIDADE_NOME_EM_REGISTRO, MODALIDADES

__all__ = [
    "DAILY_MIX",
    "MODALIDADES",
    "MODALIDADE_NOME_EM_REGISTRO",
    "Orgao",
    "Unidade",
    "amend",
    "amend_itens",
    "amend_resultados",
    "arquivos",
    "arquivos_count",
    "ata",
    "compra_detalhe",
    "contratacao",
    "contrato",
    "is_valid_cnpj",
    "itens",
    "itens_count",
    "orgao_pool",
    "resultados",
    "valid_cnpj",
]

_AMEND = {"contratacoes": amend_contratacao, "contratos": amend_contrato, "atas": amend_ata}


def amend(rng: random.Random, entity: str, record: dict, at: datetime) -> dict:
    """A new version of ``record`` changed as a real update would; never mutates ``record``."""
    try:
        change = _AMEND[entity]
    except KeyError:
        raise ValueError(f"unknown entity {entity!r}; expected 'contratacoes', 'contratos' or 'atas'") from None
    return change(rng, record, at)
