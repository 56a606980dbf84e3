"""The marts as DuckDB SQL: the daily one over the staging day, the others over the current state of
each record (`cdc.<entity>_current`: its latest version from every listing, feed and sweep)."""

DIRECT_CONTRACTING = (8, 9)  # modalidade 8 = Dispensa, 9 = Inexigibilidade

DAILY_SPEND = """
SELECT partition_date AS data,
       coalesce(unidade_uf_sigla, '??') AS uf,
       modalidade_id,
       any_value(modalidade_nome) AS modalidade_nome,
       coalesce(orgao_esfera_id, '?') AS esfera_id,
       count(*) AS contratacoes,
       sum(valor_total_estimado) AS valor_total_estimado,
       sum(valor_total_homologado) AS valor_total_homologado,
       count(valor_total_homologado) AS contratacoes_homologadas
FROM staging.contratacoes
WHERE partition_date BETWEEN $first AND $last
GROUP BY ALL
"""

ITEM_PRICE_REFERENCES = """
WITH priced AS (
    SELECT catalogo_codigo_item,
           upper(trim(unidade_medida)) AS unidade_medida,
           CAST(valor_unitario_estimado AS DOUBLE) AS preco,
           descricao
    FROM cdc.itens_current i
    SEMI JOIN cdc.contratacoes_current c ON c.numero_controle_pncp = i.numero_controle_pncp_compra
    WHERE catalogo_codigo_item IS NOT NULL AND unidade_medida IS NOT NULL
      AND valor_unitario_estimado > 0 AND NOT coalesce(orcamento_sigiloso, false)
), stats AS (
    SELECT catalogo_codigo_item, unidade_medida,
           count(*) AS itens,
           median(preco) AS preco_mediano,
           quantile_cont(preco, 0.10) AS preco_p10,
           quantile_cont(preco, 0.90) AS preco_p90,
           min(preco) AS preco_min,
           max(preco) AS preco_max,
           mode(descricao) AS descricao_mais_comum
    FROM priced GROUP BY ALL
), outliers AS (
    SELECT p.catalogo_codigo_item, p.unidade_medida,
           count(*) FILTER (WHERE p.preco > 10 * s.preco_mediano OR p.preco < s.preco_mediano / 10) AS itens_outliers
    FROM priced p JOIN stats s USING (catalogo_codigo_item, unidade_medida)
    GROUP BY ALL
)
SELECT s.*, o.itens_outliers, o.itens_outliers > 0 AS outlier
FROM stats s JOIN outliers o USING (catalogo_codigo_item, unidade_medida)
"""

SUPPLIER_PROFILES = """
WITH latest AS (SELECT * FROM cdc.contratos_current)
SELECT ni_fornecedor,
       arg_max(nome_razao_social_fornecedor, data_publicacao_pncp) AS nome_razao_social,
       arg_max(tipo_pessoa, data_publicacao_pncp) AS tipo_pessoa,
       count(*) AS contratos,
       sum(valor_global) AS valor_global_total,
       count(DISTINCT orgao_cnpj) AS compradores_distintos,
       count(DISTINCT unidade_uf_sigla) AS ufs_distintas,
       min(data_assinatura) AS primeira_assinatura,
       max(data_assinatura) AS ultima_assinatura
FROM latest
WHERE ni_fornecedor IS NOT NULL
GROUP BY ni_fornecedor
"""

BUYER_PROFILES = f"""
WITH latest AS (SELECT * FROM cdc.contratacoes_current), contratos AS (
    SELECT orgao_cnpj, count(*) AS contratos, sum(valor_global) AS valor_contratos
    FROM cdc.contratos_current
    GROUP BY orgao_cnpj
)
SELECT c.orgao_cnpj,
       arg_max(c.orgao_razao_social, c.data_publicacao_pncp) AS orgao_razao_social,
       arg_max(c.orgao_esfera_id, c.data_publicacao_pncp) AS esfera_id,
       arg_max(c.unidade_uf_sigla, c.data_publicacao_pncp) AS uf,
       count(*) AS contratacoes,
       sum(c.valor_total_estimado) AS valor_total_estimado,
       sum(c.valor_total_homologado) AS valor_total_homologado,
       count(*) FILTER (WHERE c.modalidade_id IN {DIRECT_CONTRACTING}) AS contratacoes_diretas,
       contratacoes_diretas / count(*) AS share_diretas,
       coalesce(sum(c.valor_total_estimado) FILTER (WHERE c.modalidade_id IN {DIRECT_CONTRACTING}), 0)
           / nullif(sum(c.valor_total_estimado), 0) AS share_valor_direto,
       any_value(k.contratos) AS contratos,
       any_value(k.valor_contratos) AS valor_contratos
FROM latest c LEFT JOIN contratos k USING (orgao_cnpj)
WHERE c.orgao_cnpj IS NOT NULL
GROUP BY c.orgao_cnpj
"""
