"""The CDC tables as the marts read them (``cdc.<e>_history``, ``_current``, ``_changes``, ``cdc.snapshots``),
written directly by ``Captures.capture``: a capture closes the current versions of the records it
changes or deletes, adds their new versions, and logs the changes under one snapshot id. The ids are
random, so nothing may order captures by them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import duckdb

# The columns the marts read, typed as staging types them.
COLUMNS = {
    "contratacoes": {
        "numero_controle_pncp": "VARCHAR", "ano_compra": "BIGINT", "sequencial_compra": "BIGINT",
        "numero_compra": "VARCHAR", "processo": "VARCHAR", "modalidade_id": "BIGINT", "modalidade_nome": "VARCHAR",
        "srp": "BOOLEAN", "valor_total_estimado": "DECIMAL(38,6)", "valor_total_homologado": "DECIMAL(38,6)",
        "orgao_cnpj": "VARCHAR", "orgao_razao_social": "VARCHAR", "orgao_esfera_id": "VARCHAR",
        "unidade_codigo": "VARCHAR", "unidade_nome": "VARCHAR", "unidade_uf_sigla": "VARCHAR",
        "unidade_municipio_nome": "VARCHAR", "unidade_codigo_ibge": "VARCHAR", "data_publicacao_pncp": "TIMESTAMP",
        "usuario_nome": "VARCHAR"},
    "contratos": {
        "numero_controle_pncp": "VARCHAR", "ni_fornecedor": "VARCHAR", "tipo_pessoa": "VARCHAR",
        "nome_razao_social_fornecedor": "VARCHAR", "valor_global": "DECIMAL(38,6)", "data_assinatura": "DATE",
        "orgao_cnpj": "VARCHAR", "unidade_uf_sigla": "VARCHAR", "data_publicacao_pncp": "TIMESTAMP"},
    "itens": {
        "numero_controle_pncp_compra": "VARCHAR", "numero_item": "BIGINT", "descricao": "VARCHAR",
        "material_ou_servico": "VARCHAR", "unidade_medida": "VARCHAR", "valor_unitario_estimado": "DECIMAL(38,6)",
        "orcamento_sigiloso": "BOOLEAN", "catalogo_codigo_item": "VARCHAR", "catalogo_nome": "VARCHAR"},
    "resultados": {
        "numero_controle_pncp_compra": "VARCHAR", "numero_item": "BIGINT", "sequencial_resultado": "BIGINT",
        "ni_fornecedor": "VARCHAR", "nome_razao_social_fornecedor": "VARCHAR", "tipo_pessoa": "VARCHAR",
        "porte_fornecedor_id": "BIGINT", "porte_fornecedor_nome": "VARCHAR", "quantidade_homologada": "DECIMAL(38,6)",
        "valor_unitario_homologado": "DECIMAL(38,6)", "valor_total_homologado": "DECIMAL(38,6)",
        "percentual_desconto": "DECIMAL(38,6)", "data_resultado": "DATE",
        "situacao_compra_item_resultado_id": "BIGINT", "data_inclusao": "TIMESTAMP"},
}
COMMON = {"partition_date": "DATE", "payload_sha256": "VARCHAR"}
KEYS = {"contratacoes": ("numero_controle_pncp",), "contratos": ("numero_controle_pncp",),
        "itens": ("numero_controle_pncp_compra", "numero_item"),
        "resultados": ("numero_controle_pncp_compra", "numero_item", "sequencial_resultado")}


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Empty CDC tables for every entity the marts read."""
    con.execute("CREATE SCHEMA IF NOT EXISTS cdc")
    con.execute("CREATE TABLE IF NOT EXISTS cdc.snapshots (entity VARCHAR, partition_date DATE, snapshot VARCHAR, "
                "cdc_at TIMESTAMP, sources VARCHAR, rows BIGINT, inserts BIGINT, updates BIGINT, deletes BIGINT)")
    for entity, columns in COLUMNS.items():
        cols = ", ".join(f"{c} {t}" for c, t in {**columns, **COMMON}.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS cdc.{entity}_history ({cols}, valid_from TIMESTAMP, valid_to TIMESTAMP, "
                    "ended_by VARCHAR, source VARCHAR, snapshot VARCHAR)")
        keys = ", ".join(f"{k} {columns[k]}" for k in KEYS[entity])
        con.execute(f"CREATE TABLE IF NOT EXISTS cdc.{entity}_changes ({keys}, op VARCHAR, cdc_at TIMESTAMP, "
                    "pncp_stamp TIMESTAMP, source VARCHAR, partition_date DATE, snapshot VARCHAR)")
        con.execute(f"CREATE OR REPLACE VIEW cdc.{entity}_current AS SELECT * EXCLUDE (valid_to, ended_by) "
                    f"FROM cdc.{entity}_history WHERE valid_to IS NULL")


class Captures:
    """Writes captures into the CDC tables of ``con`` (created if missing), one at a time."""

    def __init__(self, con: duckdb.DuckDBPyConnection, start: datetime = datetime(2025, 7, 1, 8)):
        self.con, self.clock = con, start
        create(con)

    def current(self, entity: str) -> dict[tuple, dict]:
        cols = list(COLUMNS[entity])
        rows = self.con.execute(f"SELECT {', '.join(cols)} FROM cdc.{entity}_current").fetchall()
        return {tuple(r[cols.index(k)] for k in KEYS[entity]): dict(zip(cols, r, strict=True)) for r in rows}

    def capture(self, entity: str, upserts: list[dict] = (), deletes: list[tuple] = (),
                day: date | None = None) -> str | None:
        """Record ``upserts`` (whole records; new keys are inserts) and ``deletes`` (keys) as one capture.
        Returns its snapshot id, or None when it changes nothing."""
        if not upserts and not deletes:
            return None
        self.clock += timedelta(minutes=7)
        seen, snapshot = self.clock, uuid.uuid4().hex
        day = day or seen.date()
        con, cols, keys = self.con, list(COLUMNS[entity]), KEYS[entity]
        live = set(self.current(entity))
        ops = [(tuple(r[k] for k in keys), "U" if tuple(r[k] for k in keys) in live else "I") for r in upserts]
        ops += [(k, "D") for k in deletes if k in live]
        on = " AND ".join(f"{k} = ?" for k in keys)
        for key, op in ops:
            if op != "I":
                con.execute(f"UPDATE cdc.{entity}_history SET valid_to = ?, ended_by = ? WHERE {on} AND valid_to IS NULL",
                            [seen, op, *key])
            con.execute(f"INSERT INTO cdc.{entity}_changes ({', '.join(keys)}, op, cdc_at, source, partition_date, "
                        f"snapshot) VALUES ({', '.join('?' for _ in keys)}, ?, ?, 'test', ?, ?)",
                        [*key, op, seen, day, snapshot])
        for record in upserts:
            values = [record.get(c) for c in cols]
            con.execute(f"INSERT INTO cdc.{entity}_history ({', '.join(cols)}, partition_date, payload_sha256, "
                        f"valid_from, source, snapshot) VALUES ({', '.join('?' for _ in cols)}, ?, ?, ?, 'test', ?)",
                        [*values, day, uuid.uuid4().hex + uuid.uuid4().hex, seen, snapshot])
        counts = {op: sum(1 for _, o in ops if o == op) for op in "IUD"}
        con.execute("INSERT INTO cdc.snapshots VALUES (?, ?, ?, ?, 'test', ?, ?, ?, ?)",
                    [entity, day, snapshot, seen, len(ops), counts["I"], counts["U"], counts["D"]])
        return snapshot
