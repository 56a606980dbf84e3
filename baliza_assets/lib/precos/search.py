"""Finding the homologated prices a research asks for in ``marts.price_evidence``.

The filters (period of ``data_resultado``, UF, município, esfera, catalog code) are SQL over the mart, which
keeps exact decimals. A description is matched by DuckDB's full-text search (the ``fts`` extension, from its
wheel): BM25 over the distinct descriptions of the filtered rows, with Portuguese stemming ("canetas" finds
"CANETA"), accents and case ignored, digits kept ("500 mg"), a few Portuguese stop words left out, and every
word of the search required. The index lives in an in-memory database of its own, built per research:
DuckLake tables take no FTS index, and the distinct descriptions of a filtered period are far fewer than
its rows. Catalog codes are optional in PNCP (many municipal items carry none): a description finds the
rows with a code and those without.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import duckdb
import duckdb_extensions
import pyarrow as pa

from .ask import Ask
from .text import STOPWORDS, fold, words

# The columns a research reads and shows, as marts.price_evidence names them.
COLUMNS = (
    "numero_controle_pncp_compra", "numero_item", "sequencial_resultado", "item_descricao", "catalogo_codigo_item",
    "unidade_medida", "quantidade_homologada", "valor_unitario_homologado", "valor_total_homologado",
    "valor_unitario_estimado", "fornecedor_ni", "fornecedor_tipo_pessoa", "fornecedor_nome", "orgao_cnpj",
    "orgao_razao_social", "orgao_esfera_id", "unidade_nome", "uf", "municipio", "modalidade_nome", "numero_compra",
    "ano_compra", "data_resultado", "data_registro_resultado", "data_publicacao_compra", "link_pncp",
    "payload_sha256",
)
_KEY = "p.numero_controle_pncp_compra, p.numero_item, p.sequencial_resultado"
@dataclass(frozen=True)
class Snapshot:
    """The warehouse snapshot a research was read at: ``baliza precos --as-of <id>`` reads it again."""
    id: int
    time: datetime


@dataclass
class Found:
    rows: list[dict]  # each with the COLUMNS and ``relevancia`` (the BM25 score; None for a code-only search)
    snapshot: Snapshot
    descriptions: int  # distinct descriptions searched (in the filtered period)


def snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    row = con.execute("SELECT s.snapshot_id, s.snapshot_time FROM baliza.current_snapshot() c "
                      "JOIN baliza.snapshots() s ON s.snapshot_id = c.id").fetchone()
    return Snapshot(row[0], row[1])


def _filters(ask: Ask) -> tuple[str, list]:
    where = ["data_resultado BETWEEN ? AND ?", "valor_unitario_homologado > 0"]
    params: list = [ask.first, ask.last]
    if ask.code:
        where.append("catalogo_codigo_item = ?")
        params.append(ask.code)
    if ask.ufs:
        where.append("uf IN (SELECT unnest(?))")
        params.append(list(ask.ufs))
    if ask.municipios:
        where.append("lower(strip_accents(municipio)) IN (SELECT unnest(?))")
        params.append([fold(m) for m in ask.municipios])
    if ask.esferas:
        where.append("orgao_esfera_id IN (SELECT unnest(?))")
        params.append(list(ask.esferas))
    return " AND ".join(where), params


def find(con: duckdb.DuckDBPyConnection, ask: Ask) -> Found:
    """The rows of ``marts.price_evidence`` the research matches, every unit of measure, best match first
    (then the latest result first)."""
    where, params = _filters(ask)
    columns = ", ".join(f"p.{c}" for c in COLUMNS)
    searched = 0
    if ask.text:
        with Index(con.execute("SELECT current_setting('extension_directory')").fetchone()[0]) as index:
            # Only descriptions holding every word's stem (or what of it a suffix rule cannot rewrite) are indexed.
            likes = " AND ".join("lower(strip_accents(item_descricao)) LIKE ?" for _ in index.prefixes(ask.text))
            descriptions = [d for (d,) in con.execute(
                f"SELECT DISTINCT item_descricao FROM marts.price_evidence WHERE {where} AND {likes}",
                params + [f"%{p}%" for p in index.prefixes(ask.text)]).fetchall()]
            searched = len(descriptions)
            scores = index.rank(descriptions, ask.text)
        con.register("_precos_matches", _frame(scores))
        sql = (f"SELECT {columns}, m.relevancia FROM marts.price_evidence p "
               f"JOIN _precos_matches m ON m.descricao = p.item_descricao WHERE {where} "
               "ORDER BY m.relevancia DESC, p.data_resultado DESC, " + _KEY)
    else:
        sql = (f"SELECT {columns}, NULL::DOUBLE AS relevancia FROM marts.price_evidence p WHERE {where} "
               "ORDER BY p.data_resultado DESC, " + _KEY)
    try:
        result = con.execute(sql, params)
        names = [d[0] for d in result.description]
        rows = [dict(zip(names, r)) for r in result.fetchall()]
    finally:
        if ask.text:
            con.unregister("_precos_matches")
    return Found(rows, snapshot(con), searched)


def _frame(scores: dict[str, float]) -> pa.Table:
    return pa.table({"descricao": pa.array(list(scores), pa.string()),
                     "relevancia": pa.array(list(scores.values()), pa.float64())})


class Index:
    """DuckDB's full-text search in an in-memory database of its own (DuckLake tables take no FTS index)."""

    def __init__(self, extension_dir: str):
        self.extension_dir = extension_dir

    def __enter__(self) -> Index:
        self.con = duckdb.connect(":memory:")
        try:
            self.con.execute("SET extension_directory = ?", [self.extension_dir])
            duckdb_extensions.import_extension("fts", con=self.con)
            self.con.execute("LOAD fts")
        except BaseException:
            self.con.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.con.close()

    def prefixes(self, text: str) -> list[str]:
        """For each word of ``text``, what every word of the same Portuguese stem holds, to pick the descriptions
        worth indexing: the stem itself, since on words whose accents are folded the stemmer only strips
        suffixes; should a rule rewrite one, the part the stem shares with the word less two letters. At least
        three letters."""
        out = []
        for word in words(text):
            stem = self.con.execute("SELECT stem(?, 'portuguese')", [word]).fetchone()[0]
            shared = os.path.commonprefix([stem, word])
            keep = shared if shared == stem else shared[:-2]
            out.append(keep if len(keep) >= 3 else word[:3])
        return list(dict.fromkeys(out))

    def rank(self, descriptions: list[str], text: str) -> dict[str, float]:
        """The descriptions that hold every word of ``text`` (stemmed, accents and case ignored), with their
        BM25 score."""
        query = " ".join(words(text))
        if not descriptions or not query:
            return {}
        con = self.con
        con.execute("CREATE OR REPLACE TABLE stopwords (sw VARCHAR)")
        con.executemany("INSERT INTO stopwords VALUES (?)", [[w] for w in STOPWORDS])
        con.register("given", pa.table({"descricao": pa.array(descriptions, pa.string())}))
        con.execute("CREATE OR REPLACE TABLE descricoes AS SELECT row_number() OVER () AS id, descricao FROM given")
        con.execute("PRAGMA create_fts_index('descricoes', 'id', 'descricao', stemmer = 'portuguese', "
                    "stopwords = 'stopwords', ignore = '(\\.|[^a-z0-9])+', strip_accents = 1, lower = 1, "
                    "overwrite = 1)")
        return dict(con.execute("SELECT descricao, score FROM (SELECT descricao, fts_main_descricoes.match_bm25("
                                "id, ?, conjunctive := 1) AS score FROM descricoes) WHERE score IS NOT NULL",
                                [query]).fetchall())


def rank(descriptions: list[str], text: str, extension_dir: str) -> dict[str, float]:
    """``Index.rank`` in an index of its own."""
    with Index(extension_dir) as index:
        return index.rank(descriptions, text)
