"""What the capture needs to know of each entity: the natural key of a record, PNCP's stamp of a
version (an observation stamped before the recorded version is stale), and the scope a complete
observation lists whole (a publication listing its day and modalidade, a compra's details its itens
or arquivos, an item's resultados its results), as SQL over the staging columns."""

from __future__ import annotations

from dataclasses import dataclass

from ..staging import ENTITIES

SCOPE = "_scope"  # the scope of a current record, or a scope an observation lists whole
SEEN = "_seen"  # when a page was collected, naive Brasília (see clock)
SOURCE = "_source"  # which source observed it: publication, update_feed, sweep, details, targeted_details


@dataclass(frozen=True)
class Target:
    entity: str
    key: tuple[str, ...]
    stamp: str  # PNCP's stamp of a version: an observation stamped before the current version is stale
    scope: str | None  # SQL over staging columns: the set a complete observation lists whole; None: never whole


# A listing is one publication day (contratos) or one day and modalidade (contratações, listed per modalidade).
_PUBLISHED_ON = "CAST(CAST(data_publicacao_pncp AS DATE) AS VARCHAR)"
TARGETS = {
    "contratacoes": Target("contratacoes", ENTITIES["contratacoes"].key, "data_atualizacao_global",
                           _PUBLISHED_ON + " || '|' || CAST(modalidade_id AS VARCHAR)"),
    "contratos": Target("contratos", ENTITIES["contratos"].key, "data_atualizacao_global", _PUBLISHED_ON),
    "atas": Target("atas", ENTITIES["atas"].key, "data_atualizacao_global", None),
    "itens": Target("itens", ENTITIES["itens"].key, "data_atualizacao", "numero_controle_pncp_compra"),
    "arquivos": Target("arquivos", ENTITIES["arquivos"].key, "data_publicacao_pncp", "numero_controle_pncp_compra"),
    # one item's /resultados lists that item's results whole
    "resultados": Target("resultados", ENTITIES["resultados"].key, "data_atualizacao",
                         "numero_controle_pncp_compra || '|' || CAST(numero_item AS VARCHAR)"),
}
