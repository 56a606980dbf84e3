"""Staging columns per entity: name, JSON path in the PNCP record, and type.

Types: ``str`` (trimmed, "" as null), ``int``, ``dec`` (Decimal(38, 6): money and quantities),
``bool``, ``date`` (YYYY-MM-DD), ``ts`` (local Brasília timestamp, as PNCP sends it).
Nested objects are flattened: ``orgaoEntidade.cnpj`` becomes ``orgao_cnpj``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    name: str
    path: tuple[str, ...]
    kind: str


def _cols(*specs: tuple[str, str, str]) -> tuple[Col, ...]:
    return tuple(Col(name, tuple(path.split(".")), kind) for name, path, kind in specs)


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
    ("numero_controle_pncp", "numeroControlePNCP", "str"),
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
    ("numero_controle_pncp", "numeroControlePNCP", "str"),
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
    ("data_cancelamento", "dataCancelamento", "date"),
    ("data_assinatura", "dataAssinatura", "date"),
    ("vigencia_inicio", "vigenciaInicio", "date"),
    ("vigencia_fim", "vigenciaFim", "date"),
    ("data_publicacao_pncp", "dataPublicacaoPncp", "date"),
    ("data_inclusao", "dataInclusao", "date"),
    ("data_atualizacao", "dataAtualizacao", "date"),
    ("data_atualizacao_global", "dataAtualizacaoGlobal", "date"),
    ("objeto_contratacao", "objetoContratacao", "str"),
    ("orgao_cnpj", "cnpjOrgao", "str"),
    ("orgao_nome", "nomeOrgao", "str"),
    ("unidade_codigo", "codigoUnidadeOrgao", "str"),
    ("unidade_nome", "nomeUnidadeOrgao", "str"),
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
    ("informacao_complementar", "informacaoComplementar", "str"),
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
    ("data_publicacao_pncp", "dataPublicacaoPncp", "ts"),
    ("url", "url", "str"),
    ("uri", "uri", "str"),
)

RESULTADOS = _cols(
    ("numero_item", "numeroItem", "int"),
    ("sequencial_resultado", "sequencialResultado", "int"),
    ("ni_fornecedor", "niFornecedor", "str"),
    ("nome_razao_social_fornecedor", "nomeRazaoSocialFornecedor", "str"),
    ("tipo_pessoa", "tipoPessoa", "str"),  # PJ, PF or PE (foreign): PNCP sends a code, not a number
    ("codigo_pais", "codigoPais", "str"),
    ("porte_fornecedor_id", "porteFornecedorId", "int"),
    ("porte_fornecedor_nome", "porteFornecedorNome", "str"),
    ("natureza_juridica_id", "naturezaJuridicaId", "str"),
    ("natureza_juridica_nome", "naturezaJuridicaNome", "str"),
    ("quantidade_homologada", "quantidadeHomologada", "dec"),
    ("valor_unitario_homologado", "valorUnitarioHomologado", "dec"),
    ("valor_total_homologado", "valorTotalHomologado", "dec"),
    ("percentual_desconto", "percentualDesconto", "dec"),
    ("ordem_classificacao_srp", "ordemClassificacaoSrp", "int"),
    ("data_resultado", "dataResultado", "date"),
    ("situacao_compra_item_resultado_id", "situacaoCompraItemResultadoId", "int"),
    ("situacao_compra_item_resultado_nome", "situacaoCompraItemResultadoNome", "str"),
    ("data_cancelamento", "dataCancelamento", "ts"),
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
