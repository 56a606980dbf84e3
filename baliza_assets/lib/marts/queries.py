"""What each unpartitioned mart holds, as one SQL query over the current state of the records
(``cdc.<entity>_current``): the definition the maintained tables must equal, row for row.

The upkeep (the other modules of this package) never runs the aggregate queries over a whole history:
they state the meaning, make an empty mart's columns, and let the tests compare. ``price_evidence`` and
``estimated_prices`` take a *scope*, so the upkeep reads only the compras a day changed.

Ties are broken so that a rebuild always gives the same rows: the most common value is the smallest
among equally common ones, and a "latest" value is the one of the member with the greatest date, then
key.
"""

from __future__ import annotations

from ..pncp.client import REAL_DETAIL

DIRECT_CONTRACTING = (8, 9)  # modalidade 8 = Dispensa, 9 = Inexigibilidade

# A CPF is personal data (LGPD): only its middle six digits are shown, as the government portals do.
MASKED_SUPPLIER = """CASE WHEN r.tipo_pessoa = 'PF' AND length(r.ni_fornecedor) = 11
        THEN '***.' || substr(r.ni_fornecedor, 4, 3) || '.' || substr(r.ni_fornecedor, 7, 3) || '-**'
        ELSE r.ni_fornecedor END"""


def _inputs(scope: str) -> str:
    """The current resultados in force, itens and contratações, each restricted by ``scope`` (SQL over a
    column ``compra``, the compra's control number, and ``snapshot``, the capture of the version)."""
    def where(compra: str) -> str:
        return f"WHERE {scope.replace('{compra}', compra)}" if scope else ""
    return f"""r AS (SELECT * FROM cdc.resultados_current {where('numero_controle_pncp_compra')}),
       i AS (SELECT * FROM cdc.itens_current {where('numero_controle_pncp_compra')}),
       c AS (SELECT * FROM cdc.contratacoes_current {where('numero_controle_pncp')})"""


def price_evidence(scope: str = "") -> str:
    """One row per homologated item result in force (situação 1), with its item and compra; ``scope``
    (SQL with ``{compra}`` for the compra column) restricts the compras read."""
    return f"""
WITH {_inputs(scope)}
SELECT r.numero_controle_pncp_compra,
       r.numero_item,
       r.sequencial_resultado,
       i.descricao AS item_descricao,
       i.material_ou_servico,
       i.catalogo_codigo_item,
       i.catalogo_nome,
       upper(trim(i.unidade_medida)) AS unidade_medida,
       r.quantidade_homologada,
       r.valor_unitario_homologado,
       r.valor_total_homologado,
       r.percentual_desconto,
       i.valor_unitario_estimado,
       {MASKED_SUPPLIER} AS fornecedor_ni,
       r.tipo_pessoa AS fornecedor_tipo_pessoa,
       r.nome_razao_social_fornecedor AS fornecedor_nome,
       r.porte_fornecedor_id AS fornecedor_porte_id,
       r.porte_fornecedor_nome AS fornecedor_porte_nome,
       c.orgao_cnpj,
       c.orgao_razao_social,
       c.orgao_esfera_id,
       c.unidade_codigo,
       c.unidade_nome,
       c.unidade_uf_sigla AS uf,
       c.unidade_municipio_nome AS municipio,
       c.unidade_codigo_ibge AS codigo_ibge,
       c.modalidade_id,
       c.modalidade_nome,
       c.numero_compra,
       c.ano_compra,
       c.processo,
       c.srp,
       r.data_resultado,
       CAST(r.data_inclusao AS DATE) AS data_registro_resultado,
       CAST(c.data_publicacao_pncp AS DATE) AS data_publicacao_compra,
       c.usuario_nome AS plataforma,
       'https://pncp.gov.br/app/editais/' || c.orgao_cnpj || '/' || CAST(c.ano_compra AS VARCHAR) || '/'
           || CAST(c.sequencial_compra AS VARCHAR) AS link_pncp,
       '{REAL_DETAIL}/v1/orgaos/' || c.orgao_cnpj || '/compras/' || CAST(c.ano_compra AS VARCHAR) || '/'
           || CAST(c.sequencial_compra AS VARCHAR) || '/itens/' || CAST(r.numero_item AS VARCHAR) || '/resultados'
           AS fonte_api,
       r.payload_sha256,
       r.partition_date AS arquivado_em_particao,
       r.valid_from AS visto_em
FROM r
JOIN i USING (numero_controle_pncp_compra, numero_item)
JOIN c ON c.numero_controle_pncp = r.numero_controle_pncp_compra
WHERE r.situacao_compra_item_resultado_id = 1
"""


# The layout of price_evidence: the price-research queries filter one catalog code, unit and UF over a
# date range, so rows are written in that order and each block's min/max statistics skip the others.
PRICE_EVIDENCE_ORDER = ("catalogo_codigo_item", "unidade_medida", "uf", "data_resultado")


def estimated_prices(scope: str = "") -> str:
    """The estimated unit prices of the current itens (sigiloso left out), with the UF of their compra:
    the estimated side of item_price_references. ``scope`` as for ``price_evidence``."""
    return f"""
WITH {_inputs(scope)}
SELECT i.numero_controle_pncp_compra, i.numero_item, i.catalogo_codigo_item,
       upper(trim(i.unidade_medida)) AS unidade_medida, coalesce(c.unidade_uf_sigla, '??') AS uf,
       CAST(i.valor_unitario_estimado AS DOUBLE) AS preco
FROM i JOIN c ON c.numero_controle_pncp = i.numero_controle_pncp_compra
WHERE i.catalogo_codigo_item IS NOT NULL AND i.unidade_medida IS NOT NULL
  AND i.valor_unitario_estimado > 0 AND NOT coalesce(i.orcamento_sigiloso, false)
"""


def homologated(evidence: str = "marts.price_evidence") -> str:
    """The homologated prices a reference counts, from rows of price evidence: positive unit prices of a
    known catalog code and unit."""
    return f"""SELECT catalogo_codigo_item, unidade_medida, coalesce(uf, '??') AS uf,
       CAST(valor_unitario_homologado AS DOUBLE) AS preco, fornecedor_ni, orgao_cnpj, data_resultado, item_descricao
FROM {evidence}
WHERE catalogo_codigo_item IS NOT NULL AND unidade_medida IS NOT NULL AND valor_unitario_homologado > 0"""


# Homologated prices per catalog item x unit, nationally (uf = 'BR') and per UF of the buying unit,
# beside the estimated prices of the same catalog item x unit (never mixed into the homologated figures).
ITEM_PRICE_REFERENCES = f"""
WITH homologated AS ({homologated()}),
estimated AS ({estimated_prices()}),
h AS (SELECT * FROM homologated UNION ALL SELECT * REPLACE ('BR' AS uf) FROM homologated),
e AS (SELECT catalogo_codigo_item, unidade_medida, uf, preco FROM estimated
      UNION ALL SELECT catalogo_codigo_item, unidade_medida, 'BR', preco FROM estimated),
hstats AS (
    SELECT catalogo_codigo_item, unidade_medida, uf,
           count(*) AS resultados,
           median(preco) AS preco_homologado_mediano,
           quantile_cont(preco, 0.10) AS preco_homologado_p10,
           quantile_cont(preco, 0.90) AS preco_homologado_p90,
           min(preco) AS preco_homologado_min,
           max(preco) AS preco_homologado_max,
           count(DISTINCT fornecedor_ni) AS fornecedores_distintos,
           count(DISTINCT orgao_cnpj) AS compradores_distintos,
           min(data_resultado) AS primeiro_resultado,
           max(data_resultado) AS ultimo_resultado
    FROM h GROUP BY ALL
), descriptions AS (
    SELECT catalogo_codigo_item, unidade_medida, uf,
           first(item_descricao ORDER BY n DESC, item_descricao) AS descricao_mais_comum
    FROM (SELECT catalogo_codigo_item, unidade_medida, uf, item_descricao, count(*) AS n FROM h
          WHERE item_descricao IS NOT NULL GROUP BY ALL)
    GROUP BY ALL
), outliers AS (
    SELECT h.catalogo_codigo_item, h.unidade_medida, h.uf,
           count(*) FILTER (WHERE h.preco > 10 * s.preco_homologado_mediano
                            OR h.preco < s.preco_homologado_mediano / 10) AS resultados_outliers
    FROM h JOIN hstats s USING (catalogo_codigo_item, unidade_medida, uf)
    GROUP BY ALL
), estats AS (
    SELECT catalogo_codigo_item, unidade_medida, uf,
           count(*) AS itens_estimados,
           median(preco) AS preco_estimado_mediano,
           quantile_cont(preco, 0.10) AS preco_estimado_p10,
           quantile_cont(preco, 0.90) AS preco_estimado_p90
    FROM e GROUP BY ALL
)
SELECT catalogo_codigo_item, unidade_medida, uf,
       coalesce(s.resultados, 0) AS resultados,
       s.preco_homologado_mediano, s.preco_homologado_p10, s.preco_homologado_p90,
       s.preco_homologado_min, s.preco_homologado_max,
       coalesce(s.fornecedores_distintos, 0) AS fornecedores_distintos,
       coalesce(s.compradores_distintos, 0) AS compradores_distintos,
       s.primeiro_resultado, s.ultimo_resultado, d.descricao_mais_comum,
       coalesce(o.resultados_outliers, 0) AS resultados_outliers,
       coalesce(o.resultados_outliers, 0) > 0 AS outlier,
       coalesce(x.itens_estimados, 0) AS itens_estimados,
       x.preco_estimado_mediano, x.preco_estimado_p10, x.preco_estimado_p90
FROM hstats s
JOIN outliers o USING (catalogo_codigo_item, unidade_medida, uf)
LEFT JOIN descriptions d USING (catalogo_codigo_item, unidade_medida, uf)
FULL JOIN estats x USING (catalogo_codigo_item, unidade_medida, uf)
"""


def _latest(value: str, date: str, key: str) -> str:
    """The value of the row with the greatest (date, key), among rows where both value and date are set."""
    return (f"arg_max({value}, struct_pack(b0 := {date}, b1 := {key})) "
            f"FILTER (WHERE {value} IS NOT NULL AND {date} IS NOT NULL AND {key} IS NOT NULL)")


# The members each profile aggregates: a projection of the current records, and the filter they pass.
SUPPLIER_COLUMNS = """numero_controle_pncp, ni_fornecedor, nome_razao_social_fornecedor, tipo_pessoa,
       data_publicacao_pncp, valor_global, orgao_cnpj, unidade_uf_sigla, data_assinatura"""
SUPPLIER_WHERE = "ni_fornecedor IS NOT NULL"
SUPPLIER_MEMBERS = f"SELECT {SUPPLIER_COLUMNS} FROM cdc.contratos_current WHERE {SUPPLIER_WHERE}"

SUPPLIER_PROFILES = f"""
SELECT ni_fornecedor,
       {_latest('nome_razao_social_fornecedor', 'data_publicacao_pncp', 'numero_controle_pncp')} AS nome_razao_social,
       {_latest('tipo_pessoa', 'data_publicacao_pncp', 'numero_controle_pncp')} AS tipo_pessoa,
       count(*) AS contratos,
       sum(valor_global) AS valor_global_total,
       count(DISTINCT orgao_cnpj) AS compradores_distintos,
       count(DISTINCT unidade_uf_sigla) AS ufs_distintas,
       min(data_assinatura) AS primeira_assinatura,
       max(data_assinatura) AS ultima_assinatura
FROM ({SUPPLIER_MEMBERS})
GROUP BY ni_fornecedor
"""

BUYER_WHERE = "orgao_cnpj IS NOT NULL"
BUYER_CONTRATACOES_COLUMNS = """numero_controle_pncp, orgao_cnpj, orgao_razao_social, orgao_esfera_id,
       unidade_uf_sigla, data_publicacao_pncp, modalidade_id, valor_total_estimado, valor_total_homologado, usuario_nome"""
BUYER_CONTRATACOES = f"SELECT {BUYER_CONTRATACOES_COLUMNS} FROM cdc.contratacoes_current WHERE {BUYER_WHERE}"
BUYER_CONTRATOS_COLUMNS = "numero_controle_pncp, orgao_cnpj, valor_global"
BUYER_CONTRATOS = f"SELECT {BUYER_CONTRATOS_COLUMNS} FROM cdc.contratos_current WHERE {BUYER_WHERE}"

BUYER_PROFILES = f"""
WITH contratos AS (
    SELECT orgao_cnpj, count(*) AS contratos, sum(valor_global) AS valor_contratos
    FROM ({BUYER_CONTRATOS}) GROUP BY orgao_cnpj
), platforms AS (
    SELECT orgao_cnpj, first(usuario_nome ORDER BY n DESC, usuario_nome) AS plataforma_principal,
           list(usuario_nome ORDER BY usuario_nome) AS plataformas
    FROM (SELECT orgao_cnpj, usuario_nome, count(*) AS n FROM ({BUYER_CONTRATACOES})
          WHERE usuario_nome IS NOT NULL GROUP BY ALL)
    GROUP BY orgao_cnpj
)
SELECT c.orgao_cnpj,
       {_latest('c.orgao_razao_social', 'c.data_publicacao_pncp', 'c.numero_controle_pncp')} AS orgao_razao_social,
       {_latest('c.orgao_esfera_id', 'c.data_publicacao_pncp', 'c.numero_controle_pncp')} AS esfera_id,
       {_latest('c.unidade_uf_sigla', 'c.data_publicacao_pncp', 'c.numero_controle_pncp')} AS uf,
       count(*) AS contratacoes,
       sum(c.valor_total_estimado) AS valor_total_estimado,
       sum(c.valor_total_homologado) AS valor_total_homologado,
       count(*) FILTER (WHERE c.modalidade_id IN {DIRECT_CONTRACTING}) AS contratacoes_diretas,
       contratacoes_diretas / count(*) AS share_diretas,
       coalesce(sum(c.valor_total_estimado) FILTER (WHERE c.modalidade_id IN {DIRECT_CONTRACTING}), 0)
           / nullif(sum(c.valor_total_estimado), 0) AS share_valor_direto,
       any_value(p.plataforma_principal) AS plataforma_principal,
       coalesce(any_value(p.plataformas), []) AS plataformas,
       any_value(k.contratos) AS contratos,
       any_value(k.valor_contratos) AS valor_contratos
FROM ({BUYER_CONTRATACOES}) c LEFT JOIN contratos k USING (orgao_cnpj) LEFT JOIN platforms p USING (orgao_cnpj)
GROUP BY c.orgao_cnpj
"""

REFERENCES = {
    "price_evidence": price_evidence(),
    "item_price_references": ITEM_PRICE_REFERENCES,
    "supplier_profiles": SUPPLIER_PROFILES,
    "buyer_profiles": BUYER_PROFILES,
}
