"""Staging columns per entity: name, JSON path in the PNCP record, and type.

Types: ``str`` (trimmed, "" as null), ``int``, ``dec`` (Decimal(38, 6): money and quantities),
``bool``, ``date`` (YYYY-MM-DD), ``ts`` (local Brasília timestamp, as PNCP sends it).
Nested objects are flattened: ``orgaoEntidade.cnpj`` becomes ``orgao_cnpj``.

Every column has a description (what the value means to a PNCP user), shown in the column schema of
the staging assets: ``DESCRIPTIONS`` by column name, or a fourth element of the column's spec where
the same name means something else in that entity. A column without one fails at import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    name: str
    path: tuple[str, ...]
    kind: str
    description: str


_ESFERA = "F federal, E estadual, M municipal, D distrital (N also occurs: not informed)"
_PODER = "L legislativo, E executivo, J judiciário (N also occurs: not informed)"
_TIPO_PESSOA = "PJ legal entity (CNPJ), PF natural person (CPF), PE foreign"

# Columns outside the record: the compra a detail record belongs to, and where each row came from.
EXTRA = {
    "numero_controle_pncp_compra": "PNCP control number of the compra (contratação) the record belongs to, "
                                   "{cnpj}-1-{seq6}/{ano}",
    "partition_date": "Baliza partition (day) whose run archived the payload this row was read from",
    "payload_sha256": "sha256 of the archived PNCP response payload this row was read from "
                      "(`baliza fetch-payload` returns it verbatim)",
    "collected_at": "When Baliza collected that payload from PNCP (UTC)",
    "source": "What observed the record: its publication listing (publication), the update feed (update_feed), "
              "a sweep listing an earlier day again (sweep), the details of a compra of the day (details) or of an "
              "earlier compra the feed changed (targeted_details)",
    "endpoint": "The PNCP endpoint whose page held the record (contratacoes_publicacao, contratos_atualizacao, itens, ...)",
}

DESCRIPTIONS = EXTRA | {
    # identifiers
    "numero_controle_pncp": "PNCP control number identifying the record",
    "ano_compra": "Year of the compra (part of its PNCP identifier)",
    "sequencial_compra": "Sequence number of the compra within the órgão and year (part of its PNCP identifier)",
    "numero_compra": "Number the buyer gave the compra (free text)",
    "processo": "Number of the buyer's administrative process (free text)",
    # contratação
    "modalidade_id": "Modalidade de contratação code (e.g. 6 Pregão Eletrônico, 8 Dispensa, 9 Inexigibilidade)",
    "modalidade_nome": "Modalidade de contratação name",
    "modo_disputa_id": "Modo de disputa: 1 Aberto, 2 Fechado, 3 Aberto-Fechado, 4 Dispensa Com Disputa, "
                       "5 Não se aplica, 6 Fechado-Aberto",
    "modo_disputa_nome": "Modo de disputa name",
    "tipo_instrumento_convocatorio_codigo": "Instrumento convocatório: 1 Edital, 2 Aviso de Contratação Direta, "
                                            "3 Ato que autoriza a Contratação Direta",
    "tipo_instrumento_convocatorio_nome": "Instrumento convocatório name",
    "situacao_compra_id": "Situação of the compra: 1 Divulgada no PNCP, 2 Revogada, 3 Anulada, 4 Suspensa",
    "situacao_compra_nome": "Situação of the compra, name",
    "srp": "Whether the compra is a Sistema de Registro de Preços (leads to atas de registro de preço)",
    "objeto_compra": "Object of the compra: what is being bought (free text)",
    "informacao_complementar": "Additional information sent by the buyer (free text)",
    "valor_total_estimado": "Total estimated value of the compra in BRL (0 when the budget is sigiloso)",
    "valor_total_homologado": "Total homologated value of the compra in BRL (null until homologated)",
    "amparo_legal_codigo": "Amparo legal code: the legal basis (article of Lei 14.133/2021) of the compra",
    "amparo_legal_nome": "Amparo legal name, e.g. 'Lei 14.133/2021, Art. 28, II'",
    "amparo_legal_descricao": "Amparo legal description",
    # buyer (orgaoEntidade, unidadeOrgao and their sub-rogated successors)
    "orgao_cnpj": "CNPJ of the buying órgão/entidade (14 digits)",
    "orgao_razao_social": "Name (razão social) of the buying órgão/entidade",
    "orgao_poder_id": "Poder of the buying órgão: " + _PODER,
    "orgao_esfera_id": "Esfera of the buying órgão: " + _ESFERA,
    "unidade_codigo": "Code of the buying administrative unit (unidade) within the órgão",
    "unidade_nome": "Name of the buying administrative unit",
    "unidade_uf_sigla": "UF (state abbreviation) of the buying unit",
    "unidade_uf_nome": "UF (state) name of the buying unit",
    "unidade_municipio_nome": "Município of the buying unit",
    "unidade_codigo_ibge": "IBGE code of the buying unit's município",
    "orgao_subrogado_cnpj": "CNPJ of the órgão that took over (sub-rogou) the record, if any",
    "orgao_subrogado_razao_social": "Name of the órgão that took over (sub-rogou) the record, if any",
    "unidade_subrogada_codigo": "Code of the unit that took over (sub-rogou) the record, if any",
    "unidade_subrogada_nome": "Name of the unit that took over (sub-rogou) the record, if any",
    # dates
    "data_inclusao": "When the record was included in PNCP (Brasília time)",
    "data_publicacao_pncp": "When the record was published in PNCP (Brasília time)",
    "data_atualizacao": "When the record was last updated in PNCP (Brasília time)",
    "data_atualizacao_global": "When the record or anything attached to it (itens, arquivos, ...) was last updated "
                               "in PNCP (Brasília time): orders versions of a record",
    "data_abertura_proposta": "When the receipt of proposals opens (Brasília time)",
    "data_encerramento_proposta": "When the receipt of proposals closes (Brasília time)",
    "link_sistema_origem": "Link to the compra on the sending system (as sent: may lack a scheme)",
    "link_processo_eletronico": "Link to the electronic process, if any",
    "justificativa_presencial": "Justification for an in-person (non-electronic) procedure",
    "usuario_nome": "Platform (PNCP user) that sent the record, e.g. Compras.gov.br, Licitanet, BLL",
    # contrato
    "ano_contrato": "Year of the contrato (part of its PNCP identifier)",
    "sequencial_contrato": "Sequence number of the contrato within the órgão and year",
    "numero_contrato_empenho": "Number of the contrato or nota de empenho given by the buyer",
    "tipo_contrato_id": "Tipo de contrato: 1 Contrato, 2 Comodato, 3 Arrendamento, 4 Concessão, 5 Termo de Adesão, "
                        "6 Convênio, 7 Empenho, 8 Outros, 9 TED, 10 ACT, 11 Termo de Compromisso, 12 Carta Contrato",
    "tipo_contrato_nome": "Tipo de contrato name",
    "categoria_processo_id": "Categoria do processo: 1 Cessão, 2 Compras, 3 Informática (TIC), 4 Internacional, "
                             "5 Locação Imóveis, 6 Mão de Obra, 7 Obras, 8 Serviços, 9 Serviços de Engenharia, "
                             "10 Serviços de Saúde, 11 Alienação de bens móveis/imóveis",
    "categoria_processo_nome": "Categoria do processo name",
    "receita": "Whether the contrato is a revenue for the órgão (receita) rather than an expense",
    "objeto_contrato": "Object of the contrato (free text)",
    "ni_fornecedor": "Supplier id: CNPJ (14 digits) or CPF (11 digits), unmasked",
    "tipo_pessoa": "Supplier person type: " + _TIPO_PESSOA,
    "nome_razao_social_fornecedor": "Supplier name (razão social)",
    "codigo_pais_fornecedor": "Supplier country code (e.g. BRA)",
    "ni_fornecedor_subcontratado": "Subcontracted supplier id (CNPJ or CPF)",
    "nome_fornecedor_subcontratado": "Subcontracted supplier name",
    "tipo_pessoa_subcontratada": "Subcontracted supplier person type: " + _TIPO_PESSOA,
    "valor_inicial": "Initial value of the contrato in BRL",
    "valor_parcela": "Value of each installment (parcela) in BRL",
    "valor_global": "Global value of the contrato in BRL",
    "valor_acumulado": "Accumulated value of the contrato in BRL, amendments included",
    "numero_parcelas": "Number of installments (parcelas)",
    "numero_retificacao": "Number of rectifications of the record",
    "data_assinatura": "Signature date",
    "data_vigencia_inicio": "Start of the contrato's term (vigência)",
    "data_vigencia_fim": "End of the contrato's term (vigência)",
    "identificador_cipi": "CIPI identifier (Cadastro Integrado de Projetos de Investimento) of the work, if any",
    "url_cipi": "CIPI link of the work, if any",
    # ata
    "numero_controle_pncp_ata": "PNCP control number of the ata de registro de preço, {compra}-{seq6}",
    "numero_ata_registro_preco": "Number the buyer gave the ata de registro de preço",
    "ano_ata": "Year of the ata",
    "cancelado": "Whether the ata was cancelled",
    "data_cancelamento": "Cancellation date",
    "vigencia_inicio": "Start of the ata's term (vigência)",
    "vigencia_fim": "End of the ata's term (vigência)",
    "objeto_contratacao": "Object of the contratação the ata registers prices for (free text)",
    "orgao_nome": "Name of the managing órgão",
    "orgao_subrogado_nome": "Name of the órgão that took over (sub-rogou) the record, if any",
    "usuario": "Platform (PNCP user) that sent the record",
    # item
    "numero_item": "Number of the item within its compra",
    "descricao": "Item description (free text)",
    "material_ou_servico": "M material (goods) or S serviço",
    "material_ou_servico_nome": "Material or serviço, name",
    "quantidade": "Estimated quantity of the item",
    "unidade_medida": "Unit of measure (free text, e.g. UNIDADE, CAIXA)",
    "valor_unitario_estimado": "Estimated unit value of the item in BRL",
    "valor_total": "Estimated total value of the item in BRL",
    "orcamento_sigiloso": "Whether the item's budget is confidential (sigiloso): its estimated values are withheld",
    "item_categoria_id": "Item category code (e.g. bens móveis, serviços, obras)",
    "item_categoria_nome": "Item category name",
    "criterio_julgamento_id": "Critério de julgamento: 1 Menor preço, 2 Maior desconto, 4 Técnica e preço, "
                              "5 Maior lance, 6 Maior retorno econômico, 7 Não se aplica, 8 Melhor técnica, "
                              "9 Conteúdo artístico",
    "criterio_julgamento_nome": "Critério de julgamento name",
    "situacao_compra_item": "Situação of the item: 1 Em Andamento, 2 Homologado, 3 Anulado/Revogado/Cancelado, "
                            "4 Deserto, 5 Fracassado",
    "situacao_compra_item_nome": "Situação of the item, name",
    "tipo_beneficio": "Benefit for small companies: 1 Exclusiva ME/EPP, 2 Subcontratação ME/EPP, "
                      "3 Cota reservada ME/EPP, 4 Sem benefício, 5 Não se aplica",
    "tipo_beneficio_nome": "Benefit for small companies, name",
    "incentivo_produtivo_basico": "Whether the Processo Produtivo Básico incentive applies",
    "tem_resultado": "Whether the item has results (winning suppliers) published",
    "catalogo_codigo_item": "Catalog code of the item (CATMAT for materials, CATSER for services)",
    "catalogo_nome": "Name of the catalog the code belongs to",
    "categoria_item_catalogo_nome": "Category of the item in the catalog",
    "ncm_nbs_codigo": "NCM (goods) or NBS (services) code",
    "ncm_nbs_descricao": "NCM or NBS description",
    "patrimonio": "Asset (patrimônio) number, for sales of public property",
    "codigo_registro_imobiliario": "Real-estate registry code, for real-estate items",
    "exigencia_conteudo_nacional": "Whether national content is required",
    # arquivo
    "sequencial_documento": "Sequence number of the document within its compra",
    "titulo": "Document title (often a bare file name or number)",
    "tipo_documento_id": "Tipo de documento: 1 Aviso de Contratação Direta, 2 Edital, 3 Minuta do Contrato, "
                         "4 Termo de Referência, ... 16 Outros Documentos, 20 Ato que autoriza a Contratação Direta",
    "tipo_documento_nome": "Tipo de documento name",
    "tipo_documento_descricao": "Tipo de documento description",
    "status_ativo": "Whether the document is active (not removed)",
    "url": "Download link of the document in the PNCP API",
    "uri": "URI of the document (the same as url)",
    # resultado
    "sequencial_resultado": "Sequence number of the result within its item",
    "codigo_pais": "Supplier country code",
    "porte_fornecedor_id": "Supplier size (porte): 1 ME, 2 EPP, 3 Demais, 4 Não se aplica, 5 Não informado",
    "porte_fornecedor_nome": "Supplier size (porte), name",
    "natureza_juridica_id": "Supplier legal nature (natureza jurídica) code",
    "natureza_juridica_nome": "Supplier legal nature (natureza jurídica) name",
    "quantidade_homologada": "Homologated quantity awarded to the supplier",
    "valor_unitario_homologado": "Homologated unit value in BRL",
    "percentual_desconto": "Discount obtained, in percent",
    "ordem_classificacao_srp": "Ranking of the supplier in a registro de preços",
    "data_resultado": "Date of the result",
    "situacao_compra_item_resultado_id": "Situação of the result: 1 Informado, 2 Cancelado",
    "situacao_compra_item_resultado_nome": "Situação of the result, name",
    "motivo_cancelamento": "Why the result was cancelled",
    "indicador_subcontratacao": "Whether subcontracting is foreseen",
    "aplicacao_margem_preferencia": "Whether a preference margin was applied",
    "aplicacao_beneficio_me_epp": "Whether the ME/EPP (small company) benefit was applied",
    "aplicacao_criterio_desempate": "Whether a tie-breaking criterion was applied",
    "moeda_estrangeira": "Symbol of the foreign currency of the bid, if any",
    "valor_nominal_moeda_estrangeira": "Nominal value in the foreign currency",
    "pais_origem_produto_servico": "Country of origin of the product or service",
    "numero_controle_pncp_compra_resultado": "PNCP control number of the compra, as the result itself states it",
}


def _cols(*specs: tuple[str, ...]) -> tuple[Col, ...]:
    """``(name, path, kind)``, or ``(name, path, kind, description)`` where ``DESCRIPTIONS`` does not fit."""
    return tuple(Col(name, tuple(path.split(".")), kind, doc[0] if doc else DESCRIPTIONS[name])
                 for name, path, kind, *doc in specs)


def descriptions(cols: tuple[Col, ...]) -> dict[str, str]:
    """Description of every column a staging table of ``cols`` can hold, ``EXTRA`` included."""
    return EXTRA | {c.name: c.description for c in cols}


_ORGAO = (
    ("orgao_cnpj", "orgaoEntidade.cnpj", "str"),
    ("orgao_razao_social", "orgaoEntidade.razaoSocial", "str"),
    ("orgao_poder_id", "orgaoEntidade.poderId", "str"),
    ("orgao_esfera_id", "orgaoEntidade.esferaId", "str"),
    ("unidade_codigo", "unidadeOrgao.codigoUnidade", "str"),
    ("unidade_nome", "unidadeOrgao.nomeUnidade", "str"),
    ("unidade_uf_sigla", "unidadeOrgao.ufSigla", "str"),
    ("unidade_uf_nome", "unidadeOrgao.ufNome", "str"),
    ("unidade_municipio_nome", "unidadeOrgao.municipioNome", "str"),
    ("unidade_codigo_ibge", "unidadeOrgao.codigoIbge", "str"),
    ("orgao_subrogado_cnpj", "orgaoSubRogado.cnpj", "str"),
    ("orgao_subrogado_razao_social", "orgaoSubRogado.razaoSocial", "str"),
    ("unidade_subrogada_codigo", "unidadeSubRogada.codigoUnidade", "str"),
    ("unidade_subrogada_nome", "unidadeSubRogada.nomeUnidade", "str"),
)

CONTRATACOES = _cols(
    ("numero_controle_pncp", "numeroControlePNCP", "str", "PNCP control number of the compra, {cnpj}-1-{seq6}/{ano}"),
    ("ano_compra", "anoCompra", "int"),
    ("sequencial_compra", "sequencialCompra", "int"),
    ("numero_compra", "numeroCompra", "str"),
    ("processo", "processo", "str"),
    ("modalidade_id", "modalidadeId", "int"),
    ("modalidade_nome", "modalidadeNome", "str"),
    ("modo_disputa_id", "modoDisputaId", "int"),
    ("modo_disputa_nome", "modoDisputaNome", "str"),
    ("tipo_instrumento_convocatorio_codigo", "tipoInstrumentoConvocatorioCodigo", "int"),
    ("tipo_instrumento_convocatorio_nome", "tipoInstrumentoConvocatorioNome", "str"),
    ("situacao_compra_id", "situacaoCompraId", "int"),
    ("situacao_compra_nome", "situacaoCompraNome", "str"),
    ("srp", "srp", "bool"),
    ("objeto_compra", "objetoCompra", "str"),
    ("informacao_complementar", "informacaoComplementar", "str"),
    ("valor_total_estimado", "valorTotalEstimado", "dec"),
    ("valor_total_homologado", "valorTotalHomologado", "dec"),
    ("amparo_legal_codigo", "amparoLegal.codigo", "int"),
    ("amparo_legal_nome", "amparoLegal.nome", "str"),
    ("amparo_legal_descricao", "amparoLegal.descricao", "str"),
    *_ORGAO,
    ("data_inclusao", "dataInclusao", "ts"),
    ("data_publicacao_pncp", "dataPublicacaoPncp", "ts"),
    ("data_atualizacao", "dataAtualizacao", "ts"),
    ("data_atualizacao_global", "dataAtualizacaoGlobal", "ts"),
    ("data_abertura_proposta", "dataAberturaProposta", "ts"),
    ("data_encerramento_proposta", "dataEncerramentoProposta", "ts"),
    ("link_sistema_origem", "linkSistemaOrigem", "str"),
    ("link_processo_eletronico", "linkProcessoEletronico", "str"),
    ("justificativa_presencial", "justificativaPresencial", "str"),
    ("usuario_nome", "usuarioNome", "str"),
)

CONTRATOS = _cols(
    ("numero_controle_pncp", "numeroControlePNCP", "str", "PNCP control number of the contrato, {cnpj}-2-{seq6}/{ano}"),
    ("numero_controle_pncp_compra", "numeroControlePncpCompra", "str"),
    ("ano_contrato", "anoContrato", "int"),
    ("sequencial_contrato", "sequencialContrato", "int"),
    ("numero_contrato_empenho", "numeroContratoEmpenho", "str"),
    ("processo", "processo", "str"),
    ("tipo_contrato_id", "tipoContrato.id", "int"),
    ("tipo_contrato_nome", "tipoContrato.nome", "str"),
    ("categoria_processo_id", "categoriaProcesso.id", "int"),
    ("categoria_processo_nome", "categoriaProcesso.nome", "str"),
    ("receita", "receita", "bool"),
    ("objeto_contrato", "objetoContrato", "str"),
    ("informacao_complementar", "informacaoComplementar", "str"),
    ("ni_fornecedor", "niFornecedor", "str"),
    ("tipo_pessoa", "tipoPessoa", "str"),
    ("nome_razao_social_fornecedor", "nomeRazaoSocialFornecedor", "str"),
    ("codigo_pais_fornecedor", "codigoPaisFornecedor", "str"),
    ("ni_fornecedor_subcontratado", "niFornecedorSubContratado", "str"),
    ("nome_fornecedor_subcontratado", "nomeFornecedorSubContratado", "str"),
    ("tipo_pessoa_subcontratada", "tipoPessoaSubContratada", "str"),
    ("valor_inicial", "valorInicial", "dec"),
    ("valor_parcela", "valorParcela", "dec"),
    ("valor_global", "valorGlobal", "dec"),
    ("valor_acumulado", "valorAcumulado", "dec"),
    ("numero_parcelas", "numeroParcelas", "int"),
    ("numero_retificacao", "numeroRetificacao", "int"),
    ("data_assinatura", "dataAssinatura", "date"),
    ("data_vigencia_inicio", "dataVigenciaInicio", "date"),
    ("data_vigencia_fim", "dataVigenciaFim", "date"),
    *_ORGAO,
    ("data_publicacao_pncp", "dataPublicacaoPncp", "ts"),
    ("data_atualizacao", "dataAtualizacao", "ts"),
    ("data_atualizacao_global", "dataAtualizacaoGlobal", "ts"),
    ("identificador_cipi", "identificadorCipi", "str"),
    ("url_cipi", "urlCipi", "str"),
    ("usuario_nome", "usuarioNome", "str"),
)

ATAS = _cols(
    ("numero_controle_pncp_ata", "numeroControlePNCPAta", "str"),
    ("numero_controle_pncp_compra", "numeroControlePNCPCompra", "str"),
    ("numero_ata_registro_preco", "numeroAtaRegistroPreco", "str"),
    ("ano_ata", "anoAta", "int"),
    ("cancelado", "cancelado", "bool"),
    ("data_cancelamento", "dataCancelamento", "date", "Cancellation date of the ata"),
    ("data_assinatura", "dataAssinatura", "date", "Signature date of the ata"),
    ("vigencia_inicio", "vigenciaInicio", "date"),
    ("vigencia_fim", "vigenciaFim", "date"),
    ("data_publicacao_pncp", "dataPublicacaoPncp", "date"),
    ("data_inclusao", "dataInclusao", "date"),
    ("data_atualizacao", "dataAtualizacao", "date"),
    ("data_atualizacao_global", "dataAtualizacaoGlobal", "date"),
    ("objeto_contratacao", "objetoContratacao", "str"),
    ("orgao_cnpj", "cnpjOrgao", "str", "CNPJ of the órgão managing the ata"),
    ("orgao_nome", "nomeOrgao", "str"),
    ("unidade_codigo", "codigoUnidadeOrgao", "str", "Code of the unit managing the ata"),
    ("unidade_nome", "nomeUnidadeOrgao", "str", "Name of the unit managing the ata"),
    ("orgao_subrogado_cnpj", "cnpjOrgaoSubrogado", "str"),
    ("orgao_subrogado_nome", "nomeOrgaoSubrogado", "str"),
    ("unidade_subrogada_codigo", "codigoUnidadeOrgaoSubrogado", "str"),
    ("unidade_subrogada_nome", "nomeUnidadeOrgaoSubrogado", "str"),
    ("usuario", "usuario", "str"),
)

ITENS = _cols(
    ("numero_item", "numeroItem", "int"),
    ("descricao", "descricao", "str"),
    ("material_ou_servico", "materialOuServico", "str"),
    ("material_ou_servico_nome", "materialOuServicoNome", "str"),
    ("quantidade", "quantidade", "dec"),
    ("unidade_medida", "unidadeMedida", "str"),
    ("valor_unitario_estimado", "valorUnitarioEstimado", "dec"),
    ("valor_total", "valorTotal", "dec"),
    ("orcamento_sigiloso", "orcamentoSigiloso", "bool"),
    ("item_categoria_id", "itemCategoriaId", "int"),
    ("item_categoria_nome", "itemCategoriaNome", "str"),
    ("criterio_julgamento_id", "criterioJulgamentoId", "int"),
    ("criterio_julgamento_nome", "criterioJulgamentoNome", "str"),
    ("situacao_compra_item", "situacaoCompraItem", "int"),
    ("situacao_compra_item_nome", "situacaoCompraItemNome", "str"),
    ("tipo_beneficio", "tipoBeneficio", "int"),
    ("tipo_beneficio_nome", "tipoBeneficioNome", "str"),
    ("incentivo_produtivo_basico", "incentivoProdutivoBasico", "bool"),
    ("tem_resultado", "temResultado", "bool"),
    ("catalogo_codigo_item", "catalogoCodigoItem", "str"),
    ("catalogo_nome", "catalogo.nome", "str"),
    ("categoria_item_catalogo_nome", "categoriaItemCatalogo.nome", "str"),
    ("ncm_nbs_codigo", "ncmNbsCodigo", "str"),
    ("ncm_nbs_descricao", "ncmNbsDescricao", "str"),
    ("patrimonio", "patrimonio", "str"),
    ("codigo_registro_imobiliario", "codigoRegistroImobiliario", "str"),
    ("exigencia_conteudo_nacional", "exigenciaConteudoNacional", "bool"),
    ("informacao_complementar", "informacaoComplementar", "str", "Additional information on the item (free text)"),
    ("data_inclusao", "dataInclusao", "ts"),
    ("data_atualizacao", "dataAtualizacao", "ts"),
)

ARQUIVOS = _cols(
    ("sequencial_documento", "sequencialDocumento", "int"),
    ("titulo", "titulo", "str"),
    ("tipo_documento_id", "tipoDocumentoId", "int"),
    ("tipo_documento_nome", "tipoDocumentoNome", "str"),
    ("tipo_documento_descricao", "tipoDocumentoDescricao", "str"),
    ("status_ativo", "statusAtivo", "bool"),
    ("data_publicacao_pncp", "dataPublicacaoPncp", "ts", "When the document was published in PNCP (Brasília time)"),
    ("url", "url", "str"),
    ("uri", "uri", "str"),
)

RESULTADOS = _cols(
    ("numero_item", "numeroItem", "int"),
    ("sequencial_resultado", "sequencialResultado", "int"),
    ("ni_fornecedor", "niFornecedor", "str", "Winning supplier id: CNPJ (14 digits) or CPF (11 digits), unmasked"),
    ("nome_razao_social_fornecedor", "nomeRazaoSocialFornecedor", "str", "Winning supplier name (razão social)"),
    ("tipo_pessoa", "tipoPessoa", "str", "Winning supplier person type: " + _TIPO_PESSOA),  # PJ, PF or PE (foreign): PNCP sends a code, not a number
    ("codigo_pais", "codigoPais", "str"),
    ("porte_fornecedor_id", "porteFornecedorId", "int"),
    ("porte_fornecedor_nome", "porteFornecedorNome", "str"),
    ("natureza_juridica_id", "naturezaJuridicaId", "str"),
    ("natureza_juridica_nome", "naturezaJuridicaNome", "str"),
    ("quantidade_homologada", "quantidadeHomologada", "dec"),
    ("valor_unitario_homologado", "valorUnitarioHomologado", "dec"),
    ("valor_total_homologado", "valorTotalHomologado", "dec", "Homologated total value awarded to the supplier for the item, in BRL"),
    ("percentual_desconto", "percentualDesconto", "dec"),
    ("ordem_classificacao_srp", "ordemClassificacaoSrp", "int"),
    ("data_resultado", "dataResultado", "date"),
    ("situacao_compra_item_resultado_id", "situacaoCompraItemResultadoId", "int"),
    ("situacao_compra_item_resultado_nome", "situacaoCompraItemResultadoNome", "str"),
    ("data_cancelamento", "dataCancelamento", "ts", "When the result was cancelled (Brasília time)"),
    ("motivo_cancelamento", "motivoCancelamento", "str"),
    ("indicador_subcontratacao", "indicadorSubcontratacao", "bool"),
    ("aplicacao_margem_preferencia", "aplicacaoMargemPreferencia", "bool"),
    ("aplicacao_beneficio_me_epp", "aplicacaoBeneficioMeEpp", "bool"),
    ("aplicacao_criterio_desempate", "aplicacaoCriterioDesempate", "bool"),
    ("moeda_estrangeira", "moedaEstrangeira.simbolo", "str"),  # objects per the spec (MoedaResumidoDTO, PaisResumidoDTO)
    ("valor_nominal_moeda_estrangeira", "valorNominalMoedaEstrangeira", "dec"),
    ("pais_origem_produto_servico", "paisOrigemProdutoServico.nome", "str"),
    ("numero_controle_pncp_compra_resultado", "numeroControlePNCPCompra", "str"),
    ("data_inclusao", "dataInclusao", "ts"),
    ("data_atualizacao", "dataAtualizacao", "ts"),
)
