"""The marts as DuckDB SQL: the daily one over the staging day, the others over the current state of
each record (`cdc.<entity>_current`: its latest version from every listing, feed and sweep)."""

from ...lib.pncp.client import REAL_DETAIL

DIRECT_CONTRACTING = (8, 9)  # modalidade 8 = Dispensa, 9 = Inexigibilidade

DAILY_SPEND = """
SELECT partition_date AS data,
       coalesce(unidade_uf_sigla, '??') AS uf,
       modalidade_id,
       any_value(modalidade_nome) AS modalidade_nome,
       coalesce(orgao_esfera_id, '?') AS esfera_id,
       coalesce(usuario_nome, '?') AS plataforma,
       count(*) AS contratacoes,
       sum(valor_total_estimado) AS valor_total_estimado,
       sum(valor_total_homologado) AS valor_total_homologado,
       count(valor_total_homologado) AS contratacoes_homologadas
FROM staging.contratacoes
WHERE partition_date BETWEEN $first AND $last
GROUP BY ALL
"""

# A CPF is personal data (LGPD): only its middle six digits are shown, as the government portals do.
MASKED_SUPPLIER = """CASE WHEN r.tipo_pessoa = 'PF' AND length(r.ni_fornecedor) = 11
        THEN '***.' || substr(r.ni_fornecedor, 4, 3) || '.' || substr(r.ni_fornecedor, 7, 3) || '-**'
        ELSE r.ni_fornecedor END"""

PRICE_EVIDENCE = f"""
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
FROM cdc.resultados_current r
JOIN cdc.itens_current i USING (numero_controle_pncp_compra, numero_item)
JOIN cdc.contratacoes_current c ON c.numero_controle_pncp = r.numero_controle_pncp_compra
WHERE r.situacao_compra_item_resultado_id = 1
"""

# Homologated prices per catalog item x unit, nationally (uf = 'BR') and per UF of the buying unit,
# beside the estimated prices of the same catalog item x unit (never mixed into the homologated figures).
ITEM_PRICE_REFERENCES = """
WITH homologated AS (
    SELECT catalogo_codigo_item, unidade_medida, uf, CAST(valor_unitario_homologado AS DOUBLE) AS preco,
           fornecedor_ni, orgao_cnpj, data_resultado, item_descricao
    FROM marts.price_evidence
    WHERE catalogo_codigo_item IS NOT NULL AND unidade_medida IS NOT NULL AND valor_unitario_homologado > 0
), estimated AS (
    SELECT i.catalogo_codigo_item, upper(trim(i.unidade_medida)) AS unidade_medida, c.unidade_uf_sigla AS uf,
           CAST(i.valor_unitario_estimado AS DOUBLE) AS preco
    FROM cdc.itens_current i
    JOIN cdc.contratacoes_current c ON c.numero_controle_pncp = i.numero_controle_pncp_compra
    WHERE i.catalogo_codigo_item IS NOT NULL AND i.unidade_medida IS NOT NULL
      AND i.valor_unitario_estimado > 0 AND NOT coalesce(i.orcamento_sigiloso, false)
), h AS (
    SELECT catalogo_codigo_item, unidade_medida, coalesce(uf, '??') AS uf, preco, fornecedor_ni, orgao_cnpj,
           data_resultado, item_descricao FROM homologated
    UNION ALL
    SELECT catalogo_codigo_item, unidade_medida, 'BR', preco, fornecedor_ni, orgao_cnpj, data_resultado,
           item_descricao FROM homologated
), e AS (
    SELECT catalogo_codigo_item, unidade_medida, coalesce(uf, '??') AS uf, preco FROM estimated
    UNION ALL
    SELECT catalogo_codigo_item, unidade_medida, 'BR', preco FROM estimated
), hstats AS (
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
           max(data_resultado) AS ultimo_resultado,
           mode(item_descricao) AS descricao_mais_comum
    FROM h GROUP BY ALL
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
       s.primeiro_resultado, s.ultimo_resultado, s.descricao_mais_comum,
       coalesce(o.resultados_outliers, 0) AS resultados_outliers,
       coalesce(o.resultados_outliers, 0) > 0 AS outlier,
       coalesce(x.itens_estimados, 0) AS itens_estimados,
       x.preco_estimado_mediano, x.preco_estimado_p10, x.preco_estimado_p90
FROM hstats s
JOIN outliers o USING (catalogo_codigo_item, unidade_medida, uf)
FULL JOIN estats x USING (catalogo_codigo_item, unidade_medida, uf)
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
       mode(c.usuario_nome) AS plataforma_principal,
       list_sort(list_distinct(list(c.usuario_nome))) AS plataformas,
       any_value(k.contratos) AS contratos,
       any_value(k.valor_contratos) AS valor_contratos
FROM latest c LEFT JOIN contratos k USING (orgao_cnpj)
WHERE c.orgao_cnpj IS NOT NULL
GROUP BY c.orgao_cnpj
"""
