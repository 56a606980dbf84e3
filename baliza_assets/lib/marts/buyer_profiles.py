"""marts.buyer_profiles, per órgão: kept from the contratações and contratos the pending captures
changed. Each has its members (the current records with an órgão) and its kept state per órgão; the
órgãos they name, before and after the change, are the groups touched."""

from __future__ import annotations

import duckdb

from . import queries
from .groups import Entries, Grouped, Latest, Sum, touch
from .members import Members

MART = "buyer_profiles"
ENTITIES = ["contratacoes", "contratos"]

CONTRATACOES = Members(f"{MART}_contratacoes", "contratacoes", "numero_controle_pncp",
                       queries.BUYER_CONTRATACOES_COLUMNS, queries.BUYER_WHERE)
CONTRATOS = Members(f"{MART}_contratos", "contratos", "numero_controle_pncp", queries.BUYER_CONTRATOS_COLUMNS,
                    queries.BUYER_WHERE)

DIRECT = f"modalidade_id IN {queries.DIRECT_CONTRACTING}"
BY = ("data_publicacao_pncp", "numero_controle_pncp")
BUYS = Grouped(f"{MART}_contratacoes", ("orgao_cnpj",),
               moved=(Sum("estimado", "valor_total_estimado"), Sum("homologado", "valor_total_homologado"),
                      Sum("diretas", f"CASE WHEN {DIRECT} THEN 1 ELSE 0 END"),
                      Sum("estimado_direto", f"CASE WHEN {DIRECT} THEN valor_total_estimado END"),
                      Latest("orgao_razao_social", "orgao_razao_social", BY),
                      Latest("esfera_id", "orgao_esfera_id", BY),
                      Latest("uf", "unidade_uf_sigla", BY)),
               entries=(Entries("platforms", "usuario_nome"),))
CONTRACTS = Grouped(f"{MART}_contratos", ("orgao_cnpj",), moved=(Sum("valor", "valor_global"),))

ROWS = f"""
SELECT orgao_cnpj, s.orgao_razao_social, s.esfera_id, s.uf,
       s.__rows AS contratacoes,
       s.estimado__sum AS valor_total_estimado,
       s.homologado__sum AS valor_total_homologado,
       s.diretas__sum AS contratacoes_diretas,
       s.diretas__sum / s.__rows AS share_diretas,
       coalesce(s.estimado_direto__sum, 0) / nullif(s.estimado__sum, 0) AS share_valor_direto,
       m.k AS plataforma_principal,
       coalesce(p.k, []) AS plataformas,
       CASE WHEN k.__rows > 0 THEN k.__rows END AS contratos,
       k.valor__sum AS valor_contratos
FROM _touched
JOIN ({BUYS.touched_state()}) s USING (orgao_cnpj)
LEFT JOIN ({BUYS.most_common(BUYS.entries[0], 'k')}) m USING (orgao_cnpj)
LEFT JOIN ({BUYS.values(BUYS.entries[0], 'k')}) p USING (orgao_cnpj)
LEFT JOIN ({CONTRACTS.touched_state()}) k USING (orgao_cnpj)
"""


def build(con: duckdb.DuckDBPyConnection) -> dict:
    for members, grouped in ((CONTRATACOES, BUYS), (CONTRATOS, CONTRACTS)):
        members.build(con)
        grouped.build(con, f"SELECT * FROM {members.table}")
    return {"groups": touch(con, BUYS, CONTRACTS), "refreshed": 0}


def move(con: duckdb.DuckDBPyConnection, snapshots: dict[str, list[str]]) -> dict:
    records = refreshed = 0
    for members, grouped in ((CONTRATACOES, BUYS), (CONTRATOS, CONTRACTS)):
        ids = snapshots.get(members.entity, [])
        delta = f"_{members.name}_delta"
        if ids:
            records += members.move(con, ids, delta)
        else:
            members.ensure(con)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {delta} AS SELECT *, 0 AS n FROM {members.table} LIMIT 0")
        refreshed += grouped.move(con, f"SELECT * FROM {delta}", f"SELECT * FROM {members.table}")
    return {"records": records, "groups": touch(con, BUYS, CONTRACTS), "refreshed": refreshed}
