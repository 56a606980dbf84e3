"""marts.supplier_profiles, per supplier id: kept from the contratos the pending captures changed.

The members are the current contratos with a supplier; the suppliers they name (before and after the
change) are the groups touched; each touched supplier's row is rewritten from its kept state.
"""

from __future__ import annotations

import duckdb

from . import queries
from .groups import Entries, Grouped, Latest, Max, Min, Sum, touch
from .members import Members

MART = "supplier_profiles"
ENTITIES = ["contratos"]

MEMBERS = Members(f"{MART}_members", "contratos", "numero_controle_pncp", queries.SUPPLIER_COLUMNS,
                  queries.SUPPLIER_WHERE)
BY = ("data_publicacao_pncp", "numero_controle_pncp")
GROUPED = Grouped(MART, ("ni_fornecedor",),
                  moved=(Sum("valor_global", "valor_global"),
                         Min("primeira_assinatura", "data_assinatura"),
                         Max("ultima_assinatura", "data_assinatura"),
                         Latest("nome_razao_social", "nome_razao_social_fornecedor", BY),
                         Latest("tipo_pessoa", "tipo_pessoa", BY)),
                  entries=(Entries("buyers", "orgao_cnpj"), Entries("ufs", "unidade_uf_sigla")))

ROWS = f"""
SELECT t.ni_fornecedor, s.nome_razao_social, s.tipo_pessoa, s.__rows AS contratos,
       s.valor_global__sum AS valor_global_total,
       coalesce(b.k, 0) AS compradores_distintos, coalesce(u.k, 0) AS ufs_distintas,
       s.primeira_assinatura, s.ultima_assinatura
FROM _touched t
JOIN ({GROUPED.touched_state()}) s USING (ni_fornecedor)
LEFT JOIN ({GROUPED.distinct(GROUPED.entries[0], 'k')}) b USING (ni_fornecedor)
LEFT JOIN ({GROUPED.distinct(GROUPED.entries[1], 'k')}) u USING (ni_fornecedor)
"""


def build(con: duckdb.DuckDBPyConnection) -> dict:
    MEMBERS.build(con)
    GROUPED.build(con, f"SELECT * FROM {MEMBERS.table}")
    return {"records": con.execute(f"SELECT count(*) FROM {MEMBERS.table}").fetchone()[0],
            "groups": touch(con, GROUPED), "refreshed": 0}


def move(con: duckdb.DuckDBPyConnection, snapshots: dict[str, list[str]]) -> dict:
    records = MEMBERS.move(con, snapshots["contratos"], "_supplier_delta")
    refreshed = GROUPED.move(con, "SELECT * FROM _supplier_delta", f"SELECT * FROM {MEMBERS.table}")
    return {"records": records, "groups": touch(con, GROUPED), "refreshed": refreshed}
