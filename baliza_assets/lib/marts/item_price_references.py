"""marts.item_price_references, per catalog item code x unit x UF (and 'BR' for the whole country):
kept from the figures price_evidence's upkeep logged (``marts_state.price_evidence_log``): the prices,
suppliers, buyers, dates and descriptions it removed and added, homologated and estimated.

The medians and quantiles need every price of a group: each group keeps its prices as a multiset
(price, count), so a touched group reads its distinct prices, not its rows. The log is deleted once
applied, in the same transaction.
"""

from __future__ import annotations

import duckdb

from . import price_evidence as pe
from . import queries
from .groups import Entries, Grouped, Max, Min, touch

MART = "item_price_references"
ENTITIES: list[str] = []  # it applies price_evidence's log, not captures
GROUP = ("catalogo_codigo_item", "unidade_medida", "uf")

HOMOLOGATED = Grouped("item_prices_homologated", GROUP,
                      moved=(Min("primeiro_resultado", "data_resultado"), Max("ultimo_resultado", "data_resultado")),
                      entries=(Entries("prices", "preco"), Entries("suppliers", "fornecedor_ni"),
                               Entries("buyers", "orgao_cnpj"), Entries("descriptions", "item_descricao")))
ESTIMATED = Grouped("item_prices_estimated", GROUP, entries=(Entries("prices", "preco"),))


def _national(rows: str) -> str:
    """``rows`` per UF, and again as uf = 'BR'."""
    return f"SELECT * FROM ({rows}) UNION ALL SELECT * REPLACE ('BR' AS uf) FROM ({rows})"


HOMOLOGATED_MEMBERS = _national(queries.homologated())
ESTIMATED_MEMBERS = _national(f"SELECT catalogo_codigo_item, unidade_medida, uf, preco FROM {pe.ESTIMATED}")


def _delta(kind: str, columns: str) -> str:
    return (f"SELECT {columns}, sum(n) AS n FROM ({_national(f'SELECT {columns}, n FROM _ipr_log WHERE kind = {kind!r}')}) "
            "GROUP BY ALL HAVING sum(n) <> 0")


_QUANTILES = {"q50": 0.5, "q10": 0.1, "q90": 0.9}
ROWS = f"""
SELECT catalogo_codigo_item, unidade_medida, uf,
       coalesce(h.n_values, 0) AS resultados,
       h.q50 AS preco_homologado_mediano, h.q10 AS preco_homologado_p10, h.q90 AS preco_homologado_p90,
       h.lowest AS preco_homologado_min, h.highest AS preco_homologado_max,
       coalesce(f.k, 0) AS fornecedores_distintos, coalesce(b.k, 0) AS compradores_distintos,
       s.primeiro_resultado, s.ultimo_resultado, d.k AS descricao_mais_comum,
       coalesce(h.outliers, 0) AS resultados_outliers, coalesce(h.outliers, 0) > 0 AS outlier,
       coalesce(e.n_values, 0) AS itens_estimados,
       e.q50 AS preco_estimado_mediano, e.q10 AS preco_estimado_p10, e.q90 AS preco_estimado_p90
FROM _touched
LEFT JOIN ({HOMOLOGATED.quantiles(HOMOLOGATED.entries[0], _QUANTILES, outliers='q50')}) h USING ({', '.join(GROUP)})
LEFT JOIN ({HOMOLOGATED.touched_state()}) s USING ({', '.join(GROUP)})
LEFT JOIN ({HOMOLOGATED.distinct(HOMOLOGATED.entries[1], 'k')}) f USING ({', '.join(GROUP)})
LEFT JOIN ({HOMOLOGATED.distinct(HOMOLOGATED.entries[2], 'k')}) b USING ({', '.join(GROUP)})
LEFT JOIN ({HOMOLOGATED.most_common(HOMOLOGATED.entries[3], 'k')}) d USING ({', '.join(GROUP)})
LEFT JOIN ({ESTIMATED.quantiles(ESTIMATED.entries[0], _QUANTILES)}) e USING ({', '.join(GROUP)})
WHERE h.n_values > 0 OR e.n_values > 0
"""


def build(con: duckdb.DuckDBPyConnection) -> dict:
    pe.ensure(con)
    runs = con.execute(f"SELECT DISTINCT run FROM {pe.LOG}").fetchall()
    HOMOLOGATED.build(con, HOMOLOGATED_MEMBERS)
    ESTIMATED.build(con, ESTIMATED_MEMBERS)
    _consumed(con, [r for (r,) in runs])
    return {"groups": touch(con, HOMOLOGATED, ESTIMATED), "refreshed": 0}


def move(con: duckdb.DuckDBPyConnection, snapshots: dict[str, list[str]]) -> dict | None:
    pe.ensure(con)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ipr_log AS SELECT * FROM {pe.LOG}")
    runs = [r for (r,) in con.execute("SELECT DISTINCT run FROM _ipr_log ORDER BY run").fetchall()]
    if not runs:
        return None
    refreshed = HOMOLOGATED.move(con, _delta("h", ", ".join(c for c in pe._FIGURES)), HOMOLOGATED_MEMBERS)
    refreshed += ESTIMATED.move(con, _delta("e", "catalogo_codigo_item, unidade_medida, uf, preco"), ESTIMATED_MEMBERS)
    _consumed(con, runs)
    return {"log_runs": len(runs), "groups": touch(con, HOMOLOGATED, ESTIMATED), "refreshed": refreshed}


def _consumed(con: duckdb.DuckDBPyConnection, runs: list[str]) -> None:
    if runs:
        con.execute(f"DELETE FROM {pe.LOG} WHERE run IN (SELECT unnest(?))", [runs])
