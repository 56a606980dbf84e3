"""marts.price_evidence, kept per compra: the compras whose contratação, itens or resultados a pending
capture changed have their rows read again from the current records and replaced; no other row is read.

The same upkeep keeps, for the compras it touches:

- ``marts_state.estimated_prices``: the estimated unit prices of their itens, the estimated side of
  item_price_references (read through the same lookups);
- ``marts_state.price_evidence_log``: what it removed and added of the figures item_price_references
  counts (homologated and estimated prices, netted), which that mart applies and deletes;
- ``marts_state.price_evidence_compras``: per compra, a lower bound of the snapshots its current
  records came from. A day's lookups read the current records from the oldest bound of the compras
  they need, so a day costs what the compras it touches cost, not what the archive holds.
"""

from __future__ import annotations

import duckdb

from . import queries
from .members import sql_list
from .state import SCHEMA, forget

MART = "price_evidence"
ENTITIES = ["resultados", "itens", "contratacoes"]
COMPRA = {"resultados": "numero_controle_pncp_compra", "itens": "numero_controle_pncp_compra",
          "contratacoes": "numero_controle_pncp"}

ESTIMATED = f"{SCHEMA}.estimated_prices"
COMPRAS = f"{SCHEMA}.price_evidence_compras"
LOG = f"{SCHEMA}.price_evidence_log"
ORDER = ", ".join(queries.PRICE_EVIDENCE_ORDER)

# What item_price_references counts of a compra's rows, as log rows: kind h (homologated) and e (estimated).
_FIGURES = ("catalogo_codigo_item", "unidade_medida", "uf", "preco", "fornecedor_ni", "orgao_cnpj",
            "data_resultado", "item_descricao")


def _figures(kind: str, source: str) -> str:
    if kind == "h":
        return f"SELECT 'h' AS kind, * FROM ({queries.homologated(source)})"
    return (f"SELECT 'e' AS kind, catalogo_codigo_item, unidade_medida, uf, preco, NULL::VARCHAR AS fornecedor_ni, "
            f"NULL::VARCHAR AS orgao_cnpj, NULL::DATE AS data_resultado, NULL::VARCHAR AS item_descricao FROM {source}")


def lay_out(con: duckdb.DuckDBPyConnection) -> None:
    """On DuckLake, the table's files are written sorted by the research order, as each insert and each
    compaction writes them; a DuckDB file keeps rows as inserted (each insert is sorted)."""
    kind = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if kind and kind[0] == "ducklake":
        con.execute(f"ALTER TABLE marts.price_evidence SET SORTED BY ({ORDER})")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {ESTIMATED} AS {queries.estimated_prices()} LIMIT 0")
    con.execute(f"CREATE TABLE IF NOT EXISTS {COMPRAS} (numero_controle_pncp_compra VARCHAR, since VARCHAR)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {LOG} AS SELECT NULL::VARCHAR AS run, *, NULL::BIGINT AS n "
                f"FROM ({_figures('h', 'marts.price_evidence')}) LIMIT 0")


def build(con: duckdb.DuckDBPyConnection, run: str) -> dict:
    """Every row again, from every current record. item_price_references is then built whole too."""
    ensure(con)
    lay_out(con)
    for table in ("marts.price_evidence", ESTIMATED, COMPRAS, LOG):
        con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO marts.price_evidence BY NAME {queries.price_evidence()} ORDER BY {ORDER}")
    con.execute(f"INSERT INTO {ESTIMATED} BY NAME {queries.estimated_prices()}")
    sources = " UNION ALL ".join(f"SELECT {COMPRA[e]} AS compra, snapshot FROM cdc.{e}_current" for e in ENTITIES)
    con.execute(f"INSERT INTO {COMPRAS} SELECT compra, min(snapshot) FROM ({sources}) GROUP BY compra")
    forget(con, "item_price_references")
    return {"compras": con.execute(f"SELECT count(*) FROM {COMPRAS}").fetchone()[0],
            "rows_written": con.execute("SELECT count(*) FROM marts.price_evidence").fetchone()[0]}


def move(con: duckdb.DuckDBPyConnection, snapshots: dict[str, list[str]], run: str) -> dict | None:
    """Replace the rows of the compras the captures ``snapshots`` (entity -> ids) changed."""
    ensure(con)
    changed = []
    for entity, ids in snapshots.items():
        since = "'" + min(ids).replace("'", "''") + "'"
        changed.append(f"SELECT {COMPRA[entity]} AS compra, min(snapshot) AS since FROM cdc.{entity}_changes "
                       f"WHERE snapshot >= {since} AND list_contains({sql_list(ids)}, snapshot) GROUP BY 1")
    if not changed:
        return None
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _pe_compras AS
                    SELECT p.compra, least(min(p.since), any_value(x.since)) AS since
                    FROM ({' UNION ALL '.join(changed)}) p
                    LEFT JOIN {COMPRAS} x ON x.numero_controle_pncp_compra = p.compra GROUP BY p.compra""")
    compras, since = con.execute("SELECT count(*), min(since) FROM _pe_compras").fetchone()
    if not compras:
        return {"compras": 0, "rows_written": 0, "rows_removed": 0, "read_since": None}
    # Every current record of these compras was captured at or after the bound: older blocks are skipped.
    scope = f"{{compra}} IN (SELECT compra FROM _pe_compras) AND snapshot >= '{since.replace(chr(39), chr(39) * 2)}'"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _pe_new AS {queries.price_evidence(scope)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _pe_estimated AS {queries.estimated_prices(scope)}")
    # the rows replaced: only the columns the log needs are read
    old = ", ".join(("valor_unitario_homologado", *(c for c in _FIGURES if c != "preco")))
    con.execute(f"CREATE OR REPLACE TEMP TABLE _pe_old AS SELECT {old} FROM marts.price_evidence "
                "WHERE numero_controle_pncp_compra IN (SELECT compra FROM _pe_compras)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _pe_old_estimated AS SELECT * FROM {ESTIMATED} "
                "WHERE numero_controle_pncp_compra IN (SELECT compra FROM _pe_compras)")
    figures = ", ".join(_FIGURES)
    con.execute(f"""INSERT INTO {LOG} SELECT ? AS run, kind, {figures}, sum(n) AS n FROM (
                        SELECT *, 1 AS n FROM ({_figures('h', '_pe_new')})
                        UNION ALL SELECT *, -1 FROM ({_figures('h', '_pe_old')})
                        UNION ALL SELECT *, 1 FROM ({_figures('e', '_pe_estimated')})
                        UNION ALL SELECT *, -1 FROM ({_figures('e', '_pe_old_estimated')}))
                    GROUP BY ALL HAVING sum(n) <> 0""", [run])
    con.execute("DELETE FROM marts.price_evidence WHERE numero_controle_pncp_compra IN (SELECT compra FROM _pe_compras)")
    con.execute(f"INSERT INTO marts.price_evidence BY NAME SELECT * FROM _pe_new ORDER BY {ORDER}")
    con.execute(f"DELETE FROM {ESTIMATED} WHERE numero_controle_pncp_compra IN (SELECT compra FROM _pe_compras)")
    con.execute(f"INSERT INTO {ESTIMATED} BY NAME SELECT * FROM _pe_estimated")
    con.execute(f"DELETE FROM {COMPRAS} WHERE numero_controle_pncp_compra IN (SELECT compra FROM _pe_compras)")
    con.execute(f"INSERT INTO {COMPRAS} SELECT compra, since FROM _pe_compras")
    written, removed = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("_pe_new", "_pe_old"))
    return {"compras": compras, "rows_written": written, "rows_removed": removed, "read_since": since}
