"""The marts as DuckDB SQL, over the current state of each record (`cdc.<entity>_current`: its latest
version from every listing, feed and sweep); the daily one over the current contratações published that day.

Beside each query, its columns and what they mean (``<MART>_COLUMNS``); ``COLUMNS`` gathers them per
mart for the column schemas the UI shows, and ``describe`` gives the types DuckDB infers for them.
"""

from functools import cache

import duckdb

from ...lib.cdc.tables import ensure_tables
from ...lib.marts.queries import REFERENCES
from ...lib.staging import ENTITIES
from ...lib.staging.build import empty_table

DAILY_SPEND = """
SELECT CAST(data_publicacao_pncp AS DATE) AS data,
       coalesce(unidade_uf_sigla, '??') AS uf,
       modalidade_id,
       any_value(modalidade_nome) AS modalidade_nome,
       coalesce(orgao_esfera_id, '?') AS esfera_id,
       coalesce(usuario_nome, '?') AS plataforma,
       count(*) AS contratacoes,
       sum(valor_total_estimado) AS valor_total_estimado,
       sum(valor_total_homologado) AS valor_total_homologado,
       count(valor_total_homologado) AS contratacoes_homologadas
FROM cdc.contratacoes_current
WHERE CAST(data_publicacao_pncp AS DATE) BETWEEN $first AND $last
GROUP BY ALL
"""

DAILY_SPEND_COLUMNS = {
    "data": "Publication day (partition) of the contratações, counted as they are now (their current version)",
    "uf": "UF of the buying unit ('??' when the record did not say)",
    "modalidade_id": "Modalidade de contratação code (e.g. 6 Pregão Eletrônico, 8 Dispensa, 9 Inexigibilidade)",
    "modalidade_nome": "Modalidade de contratação name",
    "esfera_id": "Esfera of the buying órgão: F federal, E estadual, M municipal, D distrital ('?' when the record did not say)",
    "plataforma": "Platform that sent the contratações (usuarioNome: Compras.gov.br, Licitanet, ...; '?' when absent)",
    "contratacoes": "Number of contratações",
    "valor_total_estimado": "Sum of their estimated values (valorTotalEstimado), BRL",
    "valor_total_homologado": "Sum of their homologated values (valorTotalHomologado), BRL",
    "contratacoes_homologadas": "Number of contratações with a homologated value",
}

# The unpartitioned marts are defined once, in lib/marts (where they are kept): their queries are
# what the kept tables equal, row for row.
PRICE_EVIDENCE = REFERENCES["price_evidence"]

PRICE_EVIDENCE_COLUMNS = {
    "numero_controle_pncp_compra": "PNCP control number of the compra, {cnpj}-1-{seq6}/{ano}",
    "numero_item": "Number of the item within its compra",
    "sequencial_resultado": "Sequence number of the result within its item",
    "item_descricao": "Item description (free text)",
    "material_ou_servico": "M material (goods) or S serviço",
    "catalogo_codigo_item": "Catalog code of the item (CATMAT for materials, CATSER for services)",
    "catalogo_nome": "Name of the catalog the code belongs to",
    "unidade_medida": "Unit of measure, upper-cased and trimmed",
    "quantidade_homologada": "Homologated quantity awarded to the supplier",
    "valor_unitario_homologado": "Homologated unit price, BRL",
    "valor_total_homologado": "Homologated total value of the result, BRL",
    "percentual_desconto": "Discount obtained, in percent",
    "valor_unitario_estimado": "Estimated unit price of the item, BRL",
    "fornecedor_ni": "Winning supplier id: CNPJ, or a CPF masked to its middle six digits (LGPD)",
    "fornecedor_tipo_pessoa": "Winning supplier person type: PJ legal entity, PF natural person, PE foreign",
    "fornecedor_nome": "Winning supplier name (razão social)",
    "fornecedor_porte_id": "Winning supplier size (porte): 1 ME, 2 EPP, 3 Demais, 4 Não se aplica, 5 Não informado",
    "fornecedor_porte_nome": "Winning supplier size (porte), name",
    "orgao_cnpj": "CNPJ of the buying órgão",
    "orgao_razao_social": "Name of the buying órgão",
    "orgao_esfera_id": "Esfera of the buying órgão: F federal, E estadual, M municipal, D distrital",
    "unidade_codigo": "Code of the buying unit",
    "unidade_nome": "Name of the buying unit",
    "uf": "UF of the buying unit",
    "municipio": "Município of the buying unit",
    "codigo_ibge": "IBGE code of the buying unit's município",
    "modalidade_id": "Modalidade de contratação code",
    "modalidade_nome": "Modalidade de contratação name",
    "numero_compra": "Number the buyer gave the compra",
    "ano_compra": "Year of the compra",
    "processo": "Number of the buyer's administrative process",
    "srp": "Whether the compra is a Sistema de Registro de Preços",
    "data_resultado": "Date of the result",
    "data_registro_resultado": "Day PNCP recorded the result (its dataInclusao)",
    "data_publicacao_compra": "Day the compra was published in PNCP",
    "plataforma": "Platform that sent the compra (usuarioNome: Compras.gov.br, Licitanet, BLL, ...)",
    "link_pncp": "The compra's page on the PNCP portal",
    "fonte_api": "The PNCP API request the result came from",
    "payload_sha256": "sha256 of the archived payload holding the result (`baliza fetch-payload` returns it verbatim)",
    "arquivado_em_particao": "Baliza partition (day) whose harvest archived that payload",
    "visto_em": "When Baliza first saw this version of the result (Brasília time)",
}

ITEM_PRICE_REFERENCES = REFERENCES["item_price_references"]

ITEM_PRICE_REFERENCES_COLUMNS = {
    "catalogo_codigo_item": "Catalog code of the item (CATMAT/CATSER, catalogoCodigoItem)",
    "unidade_medida": "Unit of measure, upper-cased and trimmed",
    "uf": "UF of the buying unit; 'BR' for the national figures, '??' when the record did not say",
    "resultados": "Number of homologated results in force with a positive unit price",
    "preco_homologado_mediano": "Median homologated unit price, BRL",
    "preco_homologado_p10": "10th percentile of the homologated unit prices, BRL",
    "preco_homologado_p90": "90th percentile of the homologated unit prices, BRL",
    "preco_homologado_min": "Lowest homologated unit price, BRL",
    "preco_homologado_max": "Highest homologated unit price, BRL",
    "fornecedores_distintos": "Number of distinct winning suppliers",
    "compradores_distintos": "Number of distinct buying órgãos (CNPJ)",
    "primeiro_resultado": "Date of the first result",
    "ultimo_resultado": "Date of the last result",
    "descricao_mais_comum": "Most common item description",
    "resultados_outliers": "Number of homologated prices more than 10x above or below the median",
    "outlier": "Whether any homologated price is more than 10x above or below the median",
    "itens_estimados": "Number of items with a positive estimated unit price (valorUnitarioEstimado; sigiloso left out)",
    "preco_estimado_mediano": "Median estimated unit price, BRL",
    "preco_estimado_p10": "10th percentile of the estimated unit prices, BRL",
    "preco_estimado_p90": "90th percentile of the estimated unit prices, BRL",
}

SUPPLIER_PROFILES = REFERENCES["supplier_profiles"]

SUPPLIER_PROFILES_COLUMNS = {
    "ni_fornecedor": "Supplier id (niFornecedor): CNPJ (14 digits) or CPF (11 digits)",
    "nome_razao_social": "Supplier name, from its latest contrato",
    "tipo_pessoa": "Supplier person type, from its latest contrato: PJ legal entity, PF natural person, PE foreign",
    "contratos": "Number of contratos (current version of each)",
    "valor_global_total": "Total global value of its contratos (valorGlobal), BRL",
    "compradores_distintos": "Number of distinct buying órgãos (CNPJ)",
    "ufs_distintas": "Number of distinct UFs of the buying units",
    "primeira_assinatura": "Signature date of its first contrato",
    "ultima_assinatura": "Signature date of its last contrato",
}

BUYER_PROFILES = REFERENCES["buyer_profiles"]

BUYER_PROFILES_COLUMNS = {
    "orgao_cnpj": "CNPJ of the buying órgão",
    "orgao_razao_social": "Name of the órgão, from its latest contratação",
    "esfera_id": "Esfera of the órgão, from its latest contratação: F federal, E estadual, M municipal, D distrital",
    "uf": "UF of the buying unit of its latest contratação",
    "contratacoes": "Number of contratações (current version of each)",
    "valor_total_estimado": "Sum of their estimated values, BRL",
    "valor_total_homologado": "Sum of their homologated values, BRL",
    "contratacoes_diretas": "Number of direct contratações (modalidade 8 Dispensa or 9 Inexigibilidade)",
    "share_diretas": "Share of its contratações that are direct (8 Dispensa, 9 Inexigibilidade), 0 to 1",
    "share_valor_direto": "Share of its estimated value in direct contratações, 0 to 1 (null when the total is 0)",
    "plataforma_principal": "Platform it sends most contratações from (usuarioNome)",
    "plataformas": "Every platform it used, a sorted list (filter with list_contains)",
    "contratos": "Number of its contratos (current version of each)",
    "valor_contratos": "Total global value of its contratos (valorGlobal), BRL",
}

# mart -> (its query, its columns); price_evidence before item_price_references, which reads it
MARTS = {
    "daily_spend": (DAILY_SPEND, DAILY_SPEND_COLUMNS),
    "price_evidence": (PRICE_EVIDENCE, PRICE_EVIDENCE_COLUMNS),
    "item_price_references": (ITEM_PRICE_REFERENCES, ITEM_PRICE_REFERENCES_COLUMNS),
    "supplier_profiles": (SUPPLIER_PROFILES, SUPPLIER_PROFILES_COLUMNS),
    "buyer_profiles": (BUYER_PROFILES, BUYER_PROFILES_COLUMNS),
}
COLUMNS = {name: columns for name, (_, columns) in MARTS.items()}


@cache
def describe() -> dict[str, tuple[tuple[str, str], ...]]:
    """The (column, DuckDB type) each mart's query produces, found on an empty in-memory warehouse:
    the staging and CDC tables as the staging columns make them, no rows."""
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA staging")
        for name, entity in ENTITIES.items():
            like = empty_table(entity)
            con.register("_like", like.to_arrow())
            con.execute(f"CREATE TABLE staging.{name} AS SELECT * FROM _like")
            con.unregister("_like")
            ensure_tables(con, name, like)
        con.execute("CREATE SCHEMA marts")
        out = {}
        for name, (query, _) in MARTS.items():
            params = {"first": "2000-01-01", "last": "2000-01-01"} if "$first" in query else None
            out[name] = tuple((r[0], r[1]) for r in con.execute(f"DESCRIBE {query}", params).fetchall())
            con.execute(f"CREATE TABLE marts.{name} AS {query}", params)
        return out
    finally:
        con.close()


def ensure_inputs(con: duckdb.DuckDBPyConnection, deps: list[str]) -> list[str]:
    """Create, empty, every input of a mart that does not exist yet, and name them. ``deps``: the mart's
    inputs as asset keys (``cdc/<entity>``: its tables and ``cdc.<entity>_current`` view, as the first capture
    makes them; ``marts/<name>``: the mart's table, with the columns its query makes). On a fresh
    warehouse the automation rebuilds a mart once any of its inputs is captured, before the others are:
    the mart is then built from what exists, and rebuilt when the rest is captured."""
    existing = {f"{schema}.{name}" for schema, name in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() UNION ALL "
        "SELECT schema_name, view_name FROM duckdb_views()").fetchall()}
    created = []
    for dep in deps:
        layer, name = dep.split("/")
        if layer == "cdc" and f"cdc.{name}_current" not in existing:
            ensure_tables(con, name, empty_table(ENTITIES[name]))
            created.append(f"cdc.{name}_current")
        elif layer == "marts" and f"marts.{name}" not in existing:
            con.execute("CREATE SCHEMA IF NOT EXISTS marts")
            columns = ", ".join(f'"{column}" {dtype}' for column, dtype in describe()[name])
            con.execute(f"CREATE TABLE marts.{name} ({columns})")
            created.append(f"marts.{name}")
        elif layer not in ("cdc", "marts"):
            raise ValueError(f"{dep}: a mart reads cdc/<entity> or marts/<name>, not {layer}/")
    return created
