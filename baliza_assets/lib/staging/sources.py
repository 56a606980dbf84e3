"""Where each entity is observed: the raw tables and endpoints whose archived pages show its records,
what each source is (publication listing, update feed, sweep, details, targeted details), and which
sources list a scope whole (the only observations a deletion may be inferred from)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str  # what the request was for: publication, update_feed, sweep, details, targeted_details
    table: str  # the raw table (lake) whose partition holds the pages
    endpoint: str
    whole: str | None = None  # "listing": a reconciled listing lists its publication day (and modalidade) whole;
    # "compra": a compra's details list its itens or arquivos whole; "item": an item's resultados, whole


def _listings(publication: str, update: str | None, table: str) -> tuple[Source, ...]:
    out = [Source("publication", table, publication, "listing")]
    if update:
        out.append(Source("update_feed", "raw/atualizacoes", update))
    out += [Source("sweep", "raw/sweeps", publication, "listing")]
    if update:
        out.append(Source("sweep", "raw/sweeps", update))
    return tuple(out)


SOURCES: dict[str, tuple[Source, ...]] = {
    "contratacoes": _listings("contratacoes_publicacao", "contratacoes_atualizacao", "raw/contratacoes"),
    "contratos": _listings("contratos_publicacao", "contratos_atualizacao", "raw/contratos"),
    "atas": (Source("update_feed", "raw/atas", "atas_atualizacao"), Source("sweep", "raw/sweeps", "atas_atualizacao")),
    "itens": (Source("details", "raw/itens", "itens", "compra"),
              Source("targeted_details", "raw/itens_updated", "itens", "compra")),
    "arquivos": (Source("details", "raw/arquivos", "arquivos", "compra"),
                 Source("targeted_details", "raw/arquivos_updated", "arquivos", "compra")),
    "resultados": (Source("details", "raw/resultados", "resultados", "item"),
                   Source("targeted_details", "raw/resultados_updated", "resultados", "item")),
}


def tables(entity: str) -> list[str]:
    """The raw tables an entity is staged from, in the order its sources are listed."""
    return list(dict.fromkeys(s.table for s in SOURCES[entity]))
