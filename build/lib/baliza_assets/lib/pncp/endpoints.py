"""The PNCP endpoints Baliza reads, with each one's paging rules (API.md §2, §3, §7)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    name: str
    api: str  # "consulta" or "detail"
    path: str  # relative to the API base; may hold {cnpj}/{ano}/{sequencial}/{numeroItem}
    paging: str  # "envelope": consulta envelope with totalPaginas; "until_short": bare arrays paged until a short page; "none"
    page_size: int | None = None  # what the client asks for (the endpoint's cap)
    modalidade: bool = False  # needs codigoModalidadeContratacao (one call per modalidade)
    window: bool = False  # needs dataInicial/dataFinal
    max_bytes: int = 32_000_000  # a body larger than this is refused (a full 500-record page is ~2 MB)


CONTRATACOES_PUBLICACAO = Endpoint("contratacoes_publicacao", "consulta", "/v1/contratacoes/publicacao", "envelope", 50, True, True)
CONTRATACOES_ATUALIZACAO = Endpoint("contratacoes_atualizacao", "consulta", "/v1/contratacoes/atualizacao", "envelope", 50, True, True)
CONTRATOS_PUBLICACAO = Endpoint("contratos_publicacao", "consulta", "/v1/contratos", "envelope", 500, False, True)
CONTRATOS_ATUALIZACAO = Endpoint("contratos_atualizacao", "consulta", "/v1/contratos/atualizacao", "envelope", 500, False, True)
ATAS_ATUALIZACAO = Endpoint("atas_atualizacao", "consulta", "/v1/atas/atualizacao", "envelope", 500, False, True)
COMPRA = Endpoint("compra", "consulta", "/v1/orgaos/{cnpj}/compras/{ano}/{sequencial}", "none", max_bytes=2_000_000)
MODALIDADES = Endpoint("modalidades", "detail", "/v1/modalidades", "none", max_bytes=1_000_000)
ITENS = Endpoint("itens", "detail", "/v1/orgaos/{cnpj}/compras/{ano}/{sequencial}/itens", "until_short", 500)
ARQUIVOS = Endpoint("arquivos", "detail", "/v1/orgaos/{cnpj}/compras/{ano}/{sequencial}/arquivos", "until_short", 500)
RESULTADOS = Endpoint("resultados", "detail", "/v1/orgaos/{cnpj}/compras/{ano}/{sequencial}/itens/{numeroItem}/resultados", "none")

ALL = {e.name: e for e in (
    CONTRATACOES_PUBLICACAO, CONTRATACOES_ATUALIZACAO, CONTRATOS_PUBLICACAO, CONTRATOS_ATUALIZACAO,
    ATAS_ATUALIZACAO, COMPRA, MODALIDADES, ITENS, ARQUIVOS, RESULTADOS,
)}
