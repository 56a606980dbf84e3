"""Synthetic PNCP records shaped exactly like the real API responses.

Pure Python (stdlib only), deterministic given a ``random.Random`` and fast enough to
build a realistic day (~6.5 k contratações, ~8.5 k contratos, ~45 k itens) in about a second.

Every builder mirrors the key order, JSON types and quirks of the real captures in
``shared/pncp/samples`` (see ``shared/pncp/API.md`` sections 5-9):

* integer enums where the spec says strings (``situacaoCompraId``, ``situacaoCompraItem``,
  ``tipoBeneficio``, ``porteFornecedorId``, ``situacaoCompraItemResultadoId``);
* ``codigoIbge`` as a string, ``poderId``/``esferaId`` including ``"N"``;
* money always as floats (``0.0`` when the budget is sigiloso), ``valorTotalHomologado`` often null;
* ``"YYYY-MM-DDTHH:MM:SS"`` timestamps without timezone, date-only strings for ata dates and
  contrato assinatura/vigência;
* ``""`` and ``null`` mixed for missing text, trailing/leading spaces, odd ``linkSistemaOrigem``.
"""

from __future__ import annotations

import hashlib
import random
import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "DAILY_MIX",
    "MODALIDADES",
    "MODALIDADE_NOME_EM_REGISTRO",
    "Orgao",
    "Unidade",
    "amend",
    "arquivos",
    "arquivos_count",
    "ata",
    "compra_detalhe",
    "contratacao",
    "contrato",
    "is_valid_cnpj",
    "itens",
    "itens_count",
    "orgao_pool",
    "resultados",
    "valid_cnpj",
]

# --------------------------------------------------------------------------------------
# Domain tables
# --------------------------------------------------------------------------------------

_MODALIDADE_ROWS: tuple[tuple[int, str, str, str, str], ...] = (
    (1, "Leilão - Eletrônico", "Leilão realizado em formato eletrônico para alienação de bens imóveis ou de bens móveis inservíveis ou legalmente apreendidos", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (2, "Diálogo Competitivo", "Modalidade de licitação para contratação de obras, serviços e compras em que a Administração realiza diálogos com licitantes previamente selecionados", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (3, "Concurso", "Modalidade de licitação para escolha de trabalho técnico, científico ou artístico", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (4, "Concorrência - Eletrônica", "Concorrência realizada em formato eletrônico", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (5, "Concorrência - Presencial", "Concorrência realizada em formato presencial", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (6, "Pregão - Eletrônico", "Pregão realizado em formato eletrônico", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (7, "Pregão - Presencial", "Pregão realizado em formato presencial", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (8, "Dispensa de Licitação", "Contratação direta por dispensa de licitação", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (9, "Inexigibilidade", "Contratação direta por inexigibilidade de licitação", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (10, "Manifestação de Interesse", "Procedimento de manifestação de interesse", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (11, "Pré-qualificação", "Procedimento auxiliar de pré-qualificação", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (12, "Credenciamento", "Procedimento auxiliar de credenciamento", "2021-06-21T13:44:42", "2021-06-21T13:44:42"),
    (13, "Leilão - Presencial", "Leilão realizado em formato presencial", "2022-12-15T10:21:05", "2022-12-15T10:21:05"),
    (14, "Inaplicabilidade da Licitação", "Contratações em que não se aplica a licitação (Lei 13.303/2016, art. 28, § 3º)", "2023-06-01T09:00:00", "2023-06-01T09:00:00"),
    (15, "Chamada pública", "Chamada pública para aquisição de gêneros alimentícios da agricultura familiar e demais hipóteses legais", "2025-09-01T09:00:00", "2025-09-01T09:00:00"),
    (16, "Concorrência – Eletrônica Internacional", "Concorrência internacional realizada em formato eletrônico", "2025-09-01T09:00:00", "2025-09-01T09:00:00"),
    (17, "Concorrência – Presencial Internacional", "Concorrência internacional realizada em formato presencial", "2025-09-01T09:00:00", "2025-09-01T09:00:00"),
    (18, "Pregão – Eletrônico Internacional", "Pregão internacional realizado em formato eletrônico", "2025-09-01T09:00:00", "2025-09-01T09:00:00"),
    (19, "Pregão – Presencial Internacional", "Pregão internacional realizado em formato presencial", "2025-09-01T09:00:00", "2025-09-01T09:00:00"),
)

MODALIDADES: list[dict] = [
    {"id": i, "nome": nome, "descricao": desc, "dataInclusao": inc, "dataAtualizacao": atu, "statusAtivo": True}
    for i, nome, desc, inc, atu in _MODALIDADE_ROWS
]

MODALIDADE_NOME_EM_REGISTRO: dict[int, str] = {i: nome for i, nome, *_ in _MODALIDADE_ROWS}
MODALIDADE_NOME_EM_REGISTRO[8] = "Dispensa"

DAILY_MIX: dict[int, int] = {1: 8, 4: 223, 5: 17, 6: 1802, 7: 63, 8: 3030, 9: 1244, 10: 1, 11: 5, 12: 105, 13: 1}

_MODO_NOME = {1: "Aberto", 2: "Fechado", 3: "Aberto-Fechado", 4: "Dispensa Com Disputa", 5: "Não se aplica", 6: "Fechado-Aberto"}
_INSTRUMENTO_NOME = {1: "Edital", 2: "Aviso de Contratação Direta", 3: "Ato que autoriza a Contratação Direta"}
_SITUACAO_COMPRA = {1: "Divulgada no PNCP", 2: "Revogada", 3: "Anulada", 4: "Suspensa"}
_CRITERIO_NOME = {1: "Menor preço", 2: "Maior desconto", 4: "Técnica e preço", 5: "Maior lance", 6: "Maior retorno econômico", 7: "Não se aplica", 8: "Melhor técnica", 9: "Conteúdo artístico"}
_SITUACAO_ITEM = {1: "Em Andamento", 2: "Homologado", 3: "Anulado/Revogado/Cancelado", 4: "Deserto", 5: "Fracassado"}
_BENEFICIO_NOME = {1: "Participação exclusiva para ME/EPP", 2: "Subcontratação para ME/EPP", 3: "Cota reservada para ME/EPP", 4: "Sem benefício", 5: "Não se aplica"}
_PORTE_NOME = {1: "ME", 2: "EPP", 3: "Demais", 4: "Não se aplica", 5: "Não informado"}
_ITEM_CATEGORIA = {1: "Bens Imóveis", 2: "Bens Móveis", 3: "Não se aplica"}
_TIPO_CONTRATO = {1: "Contrato (termo inicial)", 2: "Comodato", 3: "Arrendamento", 4: "Concessão", 5: "Termo de Adesão", 6: "Convênio", 7: "Empenho", 8: "Outros", 9: "Termo de Execução Descentralizada", 10: "Acordo de Cooperação Técnica", 11: "Termo de Compromisso", 12: "Carta Contrato"}
_CATEGORIA_PROCESSO = {1: "Cessão", 2: "Compras", 3: "Informática (TIC)", 4: "Internacional", 5: "Locação Imóveis", 6: "Mão de Obra", 7: "Obras", 8: "Serviços", 9: "Serviços de Engenharia", 10: "Serviços de Saúde", 11: "Alienação de bens móveis/imóveis"}
_TIPO_DOCUMENTO = {1: "Aviso de Contratação Direta", 2: "Edital", 3: "Minuta do Contrato", 4: "Termo de Referência", 5: "Anteprojeto", 6: "Projeto Básico", 7: "Estudo Técnico Preliminar", 8: "Projeto Executivo", 9: "Mapa de Riscos", 10: "DFD", 11: "Ata de Registro de Preço", 12: "Contrato", 13: "Termo de Rescisão", 14: "Termo Aditivo", 15: "Termo de Apostilamento", 16: "Outros Documentos", 17: "Nota de Empenho", 18: "Relatório Final de Contrato", 20: "Ato que autoriza a Contratação Direta"}
_ORCAMENTO_SIGILOSO = {1: "Compra sem sigilo", 2: "Compra parcialmente sigilosa", 3: "Compra totalmente sigilosa"}

# Amparo legal: codigo -> (nome, descricao). Codes and texts of the official PNCP table.
_AMPARO: dict[int, tuple[str, str]] = {
    1: ("Lei 14.133/2021, Art. 28, I", "pregão: modalidade de licitação obrigatória para aquisição de bens e serviços comuns"),
    2: ("Lei 14.133/2021, Art. 28, II", "concorrência: modalidade de licitação para contratação de bens e serviços especiais e de obras e serviços comuns e especiais de engenharia"),
    3: ("Lei 14.133/2021, Art. 28, III", "concurso: modalidade de licitação para escolha de trabalho técnico, científico ou artístico, cujo critério de julgamento será o de melhor técnica ou conteúdo artístico, e para concessão de prêmio ou remuneração ao vencedor"),
    4: ("Lei 14.133/2021, Art. 28, IV", "Leilão: modalidade de licitação para alienação de bens imóveis ou de bens móveis inservíveis ou legalmente apreendidos a quem oferecer o maior lance"),
    5: ("Lei 14.133/2021, Art. 28, V", "diálogo competitivo: modalidade de licitação para contratação de obras, serviços e compras em que a Administração Pública realiza diálogos com licitantes previamente selecionados mediante critérios objetivos, com o intuito de desenvolver uma ou mais alternativas capazes de atender às suas necessidades, devendo os licitantes apresentar proposta final após o encerramento dos diálogos"),
    6: ("Lei 14.133/2021, Art. 74, I", "Inexigibilidade de Licitação: aquisição de materiais, de equipamentos ou de gêneros ou contratação de serviços que só possam ser fornecidos por produtor, empresa ou representante comercial exclusivos"),
    7: ("Lei 14.133/2021, Art. 74, II", "Inexigibilidade de Licitação: contratação de profissional do setor artístico, diretamente ou por meio de empresário exclusivo, desde que consagrado pela crítica especializada ou pela opinião pública"),
    8: ("Lei 14.133/2021, Art. 74, III, a", "Inexigibilidade de Licitação: a) estudos técnicos, planejamentos, projetos básicos ou projetos executivos."),
    9: ("Lei 14.133/2021, Art. 74, III, b", "Inexigibilidade de Licitação: b) pareceres, perícias e avaliações em geral."),
    10: ("Lei 14.133/2021, Art. 74, III, c", "Inexigibilidade de Licitação: c) assessorias ou consultorias técnicas e auditorias financeiras ou tributárias."),
    11: ("Lei 14.133/2021, Art. 74, III, d", "Inexigibilidade de Licitação: d) fiscalização, supervisão ou gerenciamento de obras ou serviços;"),
    12: ("Lei 14.133/2021, Art. 74, III, e", "Inexigibilidade de Licitação: e) patrocínio ou defesa de causas judiciais ou administrativas;"),
    13: ("Lei 14.133/2021, Art. 74, III, f", "Inexigibilidade de Licitação: f) treinamento e aperfeiçoamento de pessoal"),
    14: ("Lei 14.133/2021, Art. 74, III, g", "Inexigibilidade de Licitação: g) restauração de obras de arte e de bens de valor histórico"),
    15: ("Lei 14.133/2021, Art. 74, III, h", "Inexigibilidade de Licitação: h) controles de qualidade e tecnológico, análises, testes e ensaios de campo e laboratoriais, instrumentação e monitoramento de parâmetros específicos de obras e do meio ambiente e demais serviços de engenharia que se enquadrem no disposto neste inciso"),
    16: ("Lei 14.133/2021, Art. 74, IV", "Inexigibilidade de Licitação: objetos que devam ou possam ser contratados por meio de credenciamento"),
    17: ("Lei 14.133/2021, Art. 74, V", "Inexigibilidade de Licitação: aquisição ou locação de imóvel cujas características de instalações e de localização tornem necessária sua escolha."),
    18: ("Lei 14.133/2021, Art. 75, I", "Dispensa de Licitação: para contratação que envolva valores inferiores a R$ 100.000,00 (cem mil reais), no caso de obras e serviços de engenharia ou de serviços de manutenção de veículos automotores"),
    19: ("Lei 14.133/2021, Art. 75, II", "Dispensa de Licitação: para contratação que envolva valores inferiores a R$ 50.000,00 (cinquenta mil reais), no caso de outros serviços e compras"),
    20: ("Lei 14.133/2021, Art. 75, III, a", "Dispensa de Licitação: não surgiram licitantes interessados ou não foram apresentadas propostas válidas"),
    21: ("Lei 14.133/2021, Art. 75, III, b", "Dispensa de Licitação: as propostas apresentadas consignaram preços manifestamente superiores aos praticados no mercado ou incompatíveis com os fixados pelos órgãos oficiais competentes"),
    22: ("Lei 14.133/2021, Art. 75, IV, a", "Dispensa de Licitação: bens, componentes ou peças de origem nacional ou estrangeira necessários à manutenção de equipamentos, a serem adquiridos do fornecedor original desses equipamentos durante o período de garantia técnica, quando essa condição de exclusividade for indispensável para a vigência da garantia"),
    24: ("Lei 14.133/2021, Art. 75, IV, c", "Dispensa de Licitação: produtos para pesquisa e desenvolvimento, limitada a contratação, no caso de obras e serviços de engenharia, ao valor de R$ 300.000,00 (trezentos mil reais)"),
    26: ("Lei 14.133/2021, Art. 75, IV, e", "Dispensa de Licitação: hortifrutigranjeiros, pães e outros gêneros perecíveis, no período necessário para a realização dos processos licitatórios correspondentes, hipótese em que a contratação será realizada diretamente com base no preço do dia."),
    34: ("Lei 14.133/2021, Art. 75, IV, m", "Dispensa de Licitação: aquisição de medicamentos destinados exclusivamente ao tratamento de doenças raras definidas pelo Ministério da Saúde"),
    38: ("Lei 14.133/2021, Art. 75, VIII", "Dispensa de Licitação: nos casos de emergência ou de calamidade pública, quando caracterizada urgência de atendimento de situação que possa ocasionar prejuízo ou comprometer a continuidade dos serviços públicos ou a segurança de pessoas, obras, serviços, equipamentos e outros bens, públicos ou particulares, e somente para aquisição dos bens necessários ao atendimento da situação emergencial ou calamitosa e para as parcelas de obras e serviços que possam ser concluídas no prazo máximo de 1 (um) ano, contado da data de ocorrência da emergência ou da calamidade, vedadas a prorrogação dos respectivos contratos e a recontratação de empresa já contratada com base no disposto neste inciso"),
    39: ("Lei 14.133/2021, Art. 75, IX", "Dispensa de Licitação: para a aquisição, por pessoa jurídica de direito público interno, de bens produzidos ou serviços prestados por órgão ou entidade que integrem a Administração Pública e que tenham sido criados para esse fim específico, desde que o preço contratado seja compatível com o praticado no mercado"),
    44: ("Lei 14.133/2021, Art. 75, XIV", "Dispensa de Licitação: para contratação de associação de pessoas com deficiência, sem fins lucrativos e de comprovada idoneidade, por órgão ou entidade da Administração Pública, para a prestação de serviços, desde que o preço contratado seja compatível com o praticado no mercado e os serviços contratados sejam prestados exclusivamente por pessoas com deficiência"),
    47: ("Lei 14.133/2021, Art. 78, I", "Credenciamento: processo administrativo de chamamento público em que a Administração Pública convoca interessados em prestar serviços ou fornecer bens para que, preenchidos os requisitos necessários, se credenciem no órgão ou na entidade para executar o objeto quando convocados"),
    50: ("Lei 14.133/2021, Art. 74, caput", "Inexigibilidade de Licitação: Todas as formas de inexigibilidade não previstas no art. 74"),
    78: ("Lei 14.628/2023, Art. 4º", "Dispensa de Licitação: O Poder Executivo federal, estadual, distrital e municipal poderá adquirir, dispensada a licitação, os alimentos produzidos pelos beneficiários fornecedores de que trata o art. 5º desta Lei."),
    82: ("Lei 13.303/2016, Art. 28, § 3º, I", "Inaplicabilidade de Licitação: comercialização, prestação ou execução, de forma direta, pelas empresas mencionadas no caput , de produtos, serviços ou obras especificamente relacionados com seus respectivos objetos sociais"),
    83: ("Lei 13.303/2016, Art. 28, § 3º, II", "Inaplicabilidade de Licitação: escolha do parceiro esteja associada a suas características particulares, vinculada a oportunidades de negócio definidas e específicas, justificada a inviabilidade de procedimento competitivo"),
    112: ("Lei 13.303/2016, Art. 31, § 4º", "Manifestação de Interesse Privado: procedimento adotado para o recebimento de propostas e projetos de empreendimentos com vistas a atender necessidades previamente identificadas, cabendo a regulamento a definição de suas regras específicas."),
    122: ("Lei 13.303/2016, Art. 63, I", "Pré-qualificação permanente"),
    138: ("Lei 11.947/2009, Art. 14, 1º", "Dispensa de Licitação: aquisição de gêneros alimentícios diretamente da agricultura familiar e do empreendedor familiar rural ou de suas organizações"),
}


def _cum(pairs):
    """(values, cumulative weights) for rng.choices(values, cum_weights=...)."""
    vals, cum, tot = [], [], 0.0
    for v, w in pairs:
        tot += w
        vals.append(v)
        cum.append(tot)
    return vals, cum


# Per modalidade: amparo, modo de disputa, critério de julgamento, srp prob., template kinds,
# valor (median, sigma), prob. of sigiloso budget, prob. of homologado known at publication.
class _Prof:
    __slots__ = ("amparo", "modo", "criterio", "srp", "kinds", "vmed", "vsig", "p_sig", "p_hom", "presencial")

    def __init__(self, amparo, modo, criterio, srp, kinds, vmed, vsig, p_sig, p_hom, presencial=False):
        self.amparo = _cum(amparo)
        self.modo = _cum(modo)
        self.criterio = _cum(criterio)
        self.srp = srp
        self.kinds = kinds
        self.vmed = vmed
        self.vsig = vsig
        self.p_sig = p_sig
        self.p_hom = p_hom
        self.presencial = presencial


_DISPENSA_AMPARO = [(19, 55), (18, 15), (38, 7), (20, 4), (21, 2), (26, 3), (22, 1), (39, 2), (78, 5), (44, 1), (24, 1), (34, 1)]
_INEXIG_AMPARO = [(6, 20), (7, 12), (16, 20), (10, 8), (12, 6), (13, 10), (17, 8), (8, 4), (9, 3), (50, 5), (11, 2), (14, 1), (15, 1)]

_PROFILES: dict[int, _Prof] = {
    1: _Prof([(4, 1)], [(1, 1)], [(5, 1)], 0.0, "L", 90_000, 1.3, 0.0, 0.10),
    2: _Prof([(5, 1)], [(2, 1)], [(4, 1), (8, 1)], 0.0, "SO", 2_000_000, 1.0, 0.10, 0.0),
    3: _Prof([(3, 1)], [(2, 1)], [(8, 2), (9, 1)], 0.0, "S", 60_000, 1.0, 0.0, 0.0),
    4: _Prof([(2, 1)], [(1, 40), (3, 35), (2, 15), (6, 10)], [(1, 80), (4, 12), (2, 8)], 0.10, "OOSC", 1_200_000, 1.4, 0.08, 0.03),
    5: _Prof([(2, 1)], [(2, 60), (1, 40)], [(1, 85), (4, 10), (2, 5)], 0.05, "OOS", 900_000, 1.3, 0.03, 0.03, True),
    6: _Prof([(1, 1)], [(1, 60), (3, 35), (6, 5)], [(1, 85), (2, 15)], 0.40, "CCCS", 150_000, 1.6, 0.08, 0.05),
    7: _Prof([(1, 1)], [(1, 80), (3, 20)], [(1, 90), (2, 10)], 0.30, "CCS", 90_000, 1.4, 0.02, 0.05, True),
    8: _Prof(_DISPENSA_AMPARO, [(4, 55), (5, 45)], [(1, 100)], 0.02, "CCCSSO", 9_000, 1.2, 0.01, 0.25),
    9: _Prof(_INEXIG_AMPARO, [(5, 1)], [(7, 100)], 0.0, "II", 25_000, 1.4, 0.0, 0.20),
    10: _Prof([(112, 1)], [(5, 1)], [(7, 1)], 0.0, "SO", 500_000, 1.0, 0.0, 0.0),
    11: _Prof([(122, 1)], [(5, 1)], [(7, 1)], 0.0, "CS", 100_000, 1.0, 0.0, 0.0),
    12: _Prof([(47, 70), (16, 30)], [(5, 1)], [(7, 1)], 0.0, "R", 400_000, 1.3, 0.0, 0.0),
    13: _Prof([(4, 1)], [(1, 1)], [(5, 1)], 0.0, "L", 60_000, 1.2, 0.0, 0.10, True),
    14: _Prof([(82, 60), (83, 40)], [(5, 1)], [(7, 1)], 0.0, "CS", 50_000, 1.3, 0.0, 0.10),
    15: _Prof([(138, 1)], [(5, 1)], [(1, 1)], 0.0, "C", 120_000, 1.0, 0.0, 0.0),
    16: _Prof([(2, 1)], [(1, 50), (3, 50)], [(1, 1)], 0.0, "OC", 3_000_000, 1.2, 0.05, 0.0),
    17: _Prof([(2, 1)], [(2, 1)], [(1, 1)], 0.0, "OC", 3_000_000, 1.2, 0.05, 0.0, True),
    18: _Prof([(1, 1)], [(1, 60), (3, 40)], [(1, 1)], 0.2, "C", 900_000, 1.2, 0.05, 0.0),
    19: _Prof([(1, 1)], [(1, 1)], [(1, 1)], 0.2, "C", 900_000, 1.2, 0.05, 0.0, True),
}

# --------------------------------------------------------------------------------------
# Geography: real municipalities with IBGE codes (all 27 UFs)
# --------------------------------------------------------------------------------------

_UF: dict[str, tuple[str, str]] = {  # sigla -> (ufNome, "ESTADO D? ..." razão social)
    "AC": ("Acre", "ESTADO DO ACRE"), "AL": ("Alagoas", "ESTADO DE ALAGOAS"), "AP": ("Amapá", "ESTADO DO AMAPA"),
    "AM": ("Amazonas", "ESTADO DO AMAZONAS"), "BA": ("Bahia", "ESTADO DA BAHIA"), "CE": ("Ceará", "ESTADO DO CEARA"),
    "DF": ("Distrito Federal", "DISTRITO FEDERAL"), "ES": ("Espírito Santo", "ESTADO DO ESPIRITO SANTO"),
    "GO": ("Goiás", "ESTADO DE GOIAS"), "MA": ("Maranhão", "ESTADO DO MARANHAO"), "MT": ("Mato Grosso", "ESTADO DE MATO GROSSO"),
    "MS": ("Mato Grosso do Sul", "ESTADO DE MATO GROSSO DO SUL"), "MG": ("Minas Gerais", "ESTADO DE MINAS GERAIS"),
    "PA": ("Pará", "ESTADO DO PARA"), "PB": ("Paraíba", "ESTADO DA PARAIBA"), "PR": ("Paraná", "ESTADO DO PARANA"),
    "PE": ("Pernambuco", "ESTADO DE PERNAMBUCO"), "PI": ("Piauí", "ESTADO DO PIAUI"), "RJ": ("Rio de Janeiro", "ESTADO DO RIO DE JANEIRO"),
    "RN": ("Rio Grande do Norte", "ESTADO DO RIO GRANDE DO NORTE"), "RS": ("Rio Grande do Sul", "ESTADO DO RIO GRANDE DO SUL"),
    "RO": ("Rondônia", "ESTADO DE RONDONIA"), "RR": ("Roraima", "ESTADO DE RORAIMA"), "SC": ("Santa Catarina", "ESTADO DE SANTA CATARINA"),
    "SP": ("São Paulo", "ESTADO DE SAO PAULO"), "SE": ("Sergipe", "ESTADO DE SERGIPE"), "TO": ("Tocantins", "ESTADO DO TOCANTINS"),
}

# (ufSigla, municipioNome, codigoIbge); the first entry of each UF is its capital.
_MUNICIPIOS_RAW = """RO|Porto Velho|1100205;RO|Ji-Paraná|1100122;RO|Ariquemes|1100023;RO|Vilhena|1100304
AC|Rio Branco|1200401;AC|Cruzeiro do Sul|1200203
AM|Manaus|1302603;AM|Parintins|1303403;AM|Itacoatiara|1301902
RR|Boa Vista|1400100
PA|Belém|1501402;PA|Santarém|1506807;PA|Marabá|1504208;PA|Ananindeua|1500800
AP|Macapá|1600303;AP|Santana|1600600
TO|Palmas|1721000;TO|Araguaína|1702109;TO|Gurupi|1709500
MA|São Luís|2111300;MA|Imperatriz|2105302;MA|Caxias|2103000
PI|Teresina|2211001;PI|Parnaíba|2207702;PI|Picos|2208007
CE|Fortaleza|2304400;CE|Juazeiro do Norte|2307304;CE|Sobral|2312908;CE|Caucaia|2303709
RN|Natal|2408102;RN|Mossoró|2408003;RN|Parnamirim|2403251
PB|João Pessoa|2507507;PB|Campina Grande|2504009;PB|Patos|2510808
PE|Recife|2611606;PE|Caruaru|2604106;PE|Petrolina|2611101;PE|Olinda|2609600;PE|Jaboatão dos Guararapes|2607901
AL|Maceió|2704302;AL|Arapiraca|2700300
SE|Aracaju|2800308;SE|Lagarto|2803500
BA|Salvador|2927408;BA|Feira de Santana|2910800;BA|Vitória da Conquista|2933307;BA|Ilhéus|2913606;BA|Juazeiro|2918407;BA|Barreiras|2903201
MG|Belo Horizonte|3106200;MG|Uberlândia|3170206;MG|Juiz de Fora|3136702;MG|Montes Claros|3143302;MG|Contagem|3118601;MG|Uberaba|3170107;MG|Governador Valadares|3127701;MG|Ipatinga|3131307;MG|Nazareno|3144508;MG|Novo Cruzeiro|3145307
ES|Vitória|3205309;ES|Vila Velha|3205200;ES|Cachoeiro de Itapemirim|3201209;ES|Vargem Alta|3205036;ES|Serra|3205002
RJ|Rio de Janeiro|3304557;RJ|Niterói|3303302;RJ|Itaguaí|3302007;RJ|Duque de Caxias|3301702;RJ|Nova Iguaçu|3303500;RJ|Petrópolis|3303906;RJ|Campos dos Goytacazes|3301009
SP|São Paulo|3550308;SP|Campinas|3509502;SP|São Bernardo do Campo|3548708;SP|São José do Rio Preto|3549805;SP|Salto de Pirapora|3545308;SP|Barra Bonita|3505302;SP|Ribeirão Preto|3543402;SP|Santos|3548500;SP|Sorocaba|3552205;SP|Guarulhos|3518800;SP|Osasco|3534401;SP|Bauru|3506003;SP|Piracicaba|3538709;SP|São José dos Campos|3549904
PR|Curitiba|4106902;PR|Londrina|4113700;PR|Maringá|4115200;PR|Cascavel|4104808;PR|Ponta Grossa|4119905;PR|Foz do Iguaçu|4108304;PR|Amaporã|4100905;PR|Jataizinho|4112702
SC|Florianópolis|4205407;SC|Joinville|4209102;SC|Blumenau|4202404;SC|Chapecó|4204202;SC|Curitibanos|4204806;SC|Urupema|4218954;SC|Águas Mornas|4200606;SC|Lages|4209300;SC|Massaranduba|4210605;SC|Videira|4219309
RS|Porto Alegre|4314902;RS|Caxias do Sul|4305108;RS|Pelotas|4314407;RS|Santa Maria|4316907;RS|Passo Fundo|4314100;RS|Tapejara|4320909;RS|Vila Flores|4323309;RS|Westfália|4323770;RS|Fazenda Vilanova|4308078;RS|Canoas|4304606;RS|Eldorado do Sul|4306767
MS|Campo Grande|5002704;MS|Dourados|5003702;MS|Coxim|5003306;MS|Ivinhema|5004700;MS|Japorã|5004809;MS|Três Lagoas|5008305
MT|Cuiabá|5103403;MT|Rondonópolis|5107602;MT|Várzea Grande|5108402;MT|Sinop|5107909
GO|Goiânia|5208707;GO|Anápolis|5201108;GO|Formosa|5208004;GO|Aparecida de Goiânia|5201405;GO|Rio Verde|5218805
DF|Brasília|5300108"""

# More municipalities (codes checked against the IBGE check digit), so that municipal órgãos spread out.
_MUNICIPIOS_MAIS = """MG|Betim|3106705;MG|Sete Lagoas|3167202;MG|Divinópolis|3122306;MG|Poços de Caldas|3151800;MG|Patos de Minas|3148004;MG|Pouso Alegre|3152501;MG|Teófilo Otoni|3168606;MG|Barbacena|3105608;MG|Varginha|3170701;MG|Araxá|3104007;MG|Itabira|3131703;MG|Lavras|3138203;MG|Ouro Preto|3146107;MG|Diamantina|3121605;MG|Passos|3147907;MG|Ubá|3169901;MG|Muriaé|3143906;MG|Conselheiro Lafaiete|3118304;MG|Paracatu|3147006;MG|Unaí|3170404;MG|Januária|3135209;MG|Curvelo|3120904;MG|João Monlevade|3136207;MG|Caratinga|3113404;MG|Manhuaçu|3139409;MG|Três Corações|3169307;MG|Ituiutaba|3134202;MG|Frutal|3127107;MG|Alfenas|3101607;MG|São João del Rei|3162500
SP|Santo André|3547809;SP|Mauá|3529401;SP|Mogi das Cruzes|3530607;SP|Diadema|3513801;SP|Jundiaí|3525904;SP|Carapicuíba|3510609;SP|Franca|3516200;SP|Limeira|3526902;SP|Taubaté|3554102;SP|Praia Grande|3541000;SP|Suzano|3552502;SP|São Carlos|3548906;SP|Marília|3529005;SP|Presidente Prudente|3541406;SP|Araraquara|3503208;SP|Americana|3501608;SP|Jacareí|3524402;SP|Araçatuba|3502804;SP|Itu|3523909;SP|Barretos|3505500;SP|Botucatu|3507506;SP|Registro|3542602;SP|Assis|3504008;SP|Ourinhos|3534708;SP|Catanduva|3511102;SP|Bragança Paulista|3507605;SP|Rio Claro|3543907;SP|Itapetininga|3522307;SP|Avaré|3504503;SP|Lins|3527108
RS|Santa Cruz do Sul|4316808;RS|Novo Hamburgo|4313409;RS|São Leopoldo|4318705;RS|Gravataí|4309209;RS|Viamão|4323002;RS|Rio Grande|4315602;RS|Uruguaiana|4322400;RS|Bagé|4301602;RS|Santo Ângelo|4317509;RS|Erechim|4307005;RS|Ijuí|4310207;RS|Lajeado|4311403;RS|Bento Gonçalves|4302105;RS|Santa Rosa|4317202;RS|Cachoeira do Sul|4303004;RS|Alegrete|4300406;RS|Cruz Alta|4306106;RS|Vacaria|4322509;RS|Camaquã|4303509;RS|Sapucaia do Sul|4320008
BA|Camaçari|2905701;BA|Itabuna|2914802;BA|Lauro de Freitas|2919207;BA|Jequié|2918001;BA|Teixeira de Freitas|2931350;BA|Alagoinhas|2900702;BA|Porto Seguro|2925303;BA|Simões Filho|2930709;BA|Paulo Afonso|2924009;BA|Eunápolis|2910727;BA|Santo Antônio de Jesus|2928703;BA|Valença|2932903;BA|Guanambi|2911709;BA|Jacobina|2917508;BA|Serrinha|2930501;BA|Senhor do Bonfim|2930105;BA|Irecê|2914604;BA|Brumado|2904605
PR|São José dos Pinhais|4125506;PR|Colombo|4105805;PR|Guarapuava|4109401;PR|Paranaguá|4118204;PR|Apucarana|4101408;PR|Toledo|4127700;PR|Pinhais|4119152;PR|Campo Largo|4104204;PR|Arapongas|4101507;PR|Umuarama|4128104;PR|Francisco Beltrão|4108403;PR|Pato Branco|4118501;PR|Cianorte|4105508;PR|Telêmaco Borba|4127106;PR|Castro|4104907;PR|Paranavaí|4118402
GO|Luziânia|5212501;GO|Águas Lindas de Goiás|5200258;GO|Valparaíso de Goiás|5221858;GO|Trindade|5221403;GO|Senador Canedo|5220454;GO|Catalão|5205109;GO|Itumbiara|5211503;GO|Jataí|5211909;GO|Caldas Novas|5204508;GO|Planaltina|5217609;GO|Goianésia|5208608;GO|Mineiros|5213103;GO|Inhumas|5210000
PI|Floriano|2203909;PI|Piripiri|2208403;PI|Campo Maior|2202208;PI|Barras|2201200;PI|União|2211100;PI|Oeiras|2207009;PI|São Raimundo Nonato|2210607;PI|Bom Jesus|2201903
PB|Santa Rita|2513703;PB|Bayeux|2501807;PB|Sousa|2516201;PB|Cajazeiras|2503704;PB|Guarabira|2506301;PB|Cabedelo|2503209;PB|Sapé|2515302;PB|Mamanguape|2508901;PB|Pombal|2512101;PB|Monteiro|2509701
MA|São José de Ribamar|2111201;MA|Timon|2112209;MA|Codó|2103307;MA|Paço do Lumiar|2107506;MA|Açailândia|2100055;MA|Bacabal|2101202;MA|Balsas|2101400;MA|Santa Inês|2110005;MA|Pinheiro|2108603;MA|Chapadinha|2102804
PE|Paulista|2610707;PE|Cabo de Santo Agostinho|2602902;PE|Camaragibe|2603454;PE|Garanhuns|2606002;PE|Vitória de Santo Antão|2616407;PE|Igarassu|2606804;PE|São Lourenço da Mata|2613701;PE|Serra Talhada|2613909;PE|Araripina|2601201;PE|Gravatá|2606408
CE|Maracanaú|2307650;CE|Crato|2304202;CE|Itapipoca|2306405;CE|Maranguape|2307700;CE|Iguatu|2305506;CE|Quixadá|2311306;CE|Canindé|2302800;CE|Aquiraz|2301000;CE|Pacatuba|2309706;CE|Crateús|2304103;CE|Russas|2311801;CE|Tianguá|2313401
RN|São Gonçalo do Amarante|2412005;RN|Macaíba|2407104;RN|Ceará-Mirim|2402600;RN|Caicó|2402006;RN|Açu|2400208;RN|Currais Novos|2403103
PA|Castanhal|1502400;PA|Parauapebas|1505536;PA|Abaetetuba|1500107;PA|Cametá|1502103;PA|Bragança|1501709;PA|Altamira|1500602;PA|Tucuruí|1508100;PA|Barcarena|1501303;PA|Itaituba|1503606;PA|Paragominas|1505502;PA|Redenção|1506138
MT|Tangará da Serra|5107958;MT|Cáceres|5102504;MT|Sorriso|5107925;MT|Lucas do Rio Verde|5105259;MT|Primavera do Leste|5107040;MT|Barra do Garças|5101803;MT|Alta Floresta|5100250
TO|Porto Nacional|1718204;TO|Paraíso do Tocantins|1716109;TO|Colinas do Tocantins|1705508
AL|Palmeira dos Índios|2706307;AL|Rio Largo|2707701;AL|Penedo|2706703;AL|União dos Palmares|2709301;AL|São Miguel dos Campos|2708600;AL|Delmiro Gouveia|2702405
SE|Nossa Senhora do Socorro|2804805;SE|Itabaiana|2802908;SE|São Cristóvão|2806701;SE|Estância|2802106;SE|Tobias Barreto|2807402
RJ|São Gonçalo|3304904;RJ|Belford Roxo|3300456;RJ|São João de Meriti|3305109;RJ|Volta Redonda|3306305;RJ|Macaé|3302403;RJ|Magé|3302502;RJ|Cabo Frio|3300704;RJ|Angra dos Reis|3300100;RJ|Nova Friburgo|3303401;RJ|Barra Mansa|3300407;RJ|Teresópolis|3305802;RJ|Resende|3304201;RJ|Maricá|3302700
ES|Cariacica|3201308;ES|Linhares|3203205;ES|São Mateus|3204906;ES|Colatina|3201506;ES|Guarapari|3202405;ES|Aracruz|3200607
MS|Corumbá|5003207;MS|Ponta Porã|5006606;MS|Naviraí|5005707;MS|Nova Andradina|5006200;MS|Aquidauana|5001102;MS|Sidrolândia|5007901
AM|Manacapuru|1302504;AM|Coari|1301209;AM|Tefé|1304203;AM|Tabatinga|1304062;AM|Maués|1302900;AM|Humaitá|1301704
RO|Cacoal|1100049;RO|Rolim de Moura|1100288;RO|Jaru|1100114;RO|Guajará-Mirim|1100106;RO|Ouro Preto do Oeste|1100155
AC|Sena Madureira|1200500;AC|Tarauacá|1200609;AC|Feijó|1200302;AC|Brasiléia|1200104
AP|Laranjal do Jari|1600279;AP|Oiapoque|1600501;AP|Mazagão|1600402
RR|Rorainópolis|1400472;RR|Caracaraí|1400209;RR|Pacaraima|1400456;RR|Alto Alegre|1400050"""

_MUN_BY_UF: dict[str, list[tuple[str, str]]] = {}
for _line in (_MUNICIPIOS_RAW + "\n" + _MUNICIPIOS_MAIS).splitlines():
    for _entry in _line.split(";"):
        _uf, _nome, _ibge = _entry.split("|")
        _MUN_BY_UF.setdefault(_uf, []).append((_nome, _ibge))
del _line, _entry, _uf, _nome, _ibge

# Municipal orgãos per UF follow roughly the number of municipalities in each UF.
_UF_MUNICIPAL_WEIGHT = {
    "MG": 853, "SP": 645, "RS": 497, "BA": 417, "PR": 399, "SC": 295, "GO": 246, "PI": 224, "PB": 223, "MA": 217,
    "PE": 185, "CE": 184, "RN": 167, "PA": 144, "MT": 141, "TO": 139, "AL": 102, "RJ": 92, "MS": 79, "ES": 78,
    "SE": 75, "AM": 62, "RO": 52, "AC": 22, "AP": 16, "RR": 15,
}

_ACCENTS = str.maketrans("ÁÀÂÃÄÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÇáàâãäéèêëíìîïóòôõöúùûüç", "AAAAAEEEEIIIIOOOOOUUUUCaaaaaeeeeiiiiooooouuuuc")


def _plain_upper(s: str) -> str:
    return s.translate(_ACCENTS).upper()


# --------------------------------------------------------------------------------------
# CNPJ / CPF
# --------------------------------------------------------------------------------------

_CNPJ_W1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_W2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def _cnpj_dvs(d12: str) -> str:
    s = 0
    for c, w in zip(d12, _CNPJ_W1):
        s += (ord(c) - 48) * w
    r = s % 11
    d1 = 0 if r < 2 else 11 - r
    s = d1 * 2
    for c, w in zip(d12, _CNPJ_W2):
        s += (ord(c) - 48) * w
    r = s % 11
    d2 = 0 if r < 2 else 11 - r
    return f"{d1}{d2}"


def valid_cnpj(rng: random.Random) -> str:
    """A random 14-digit CNPJ with valid check digits (matriz ``0001`` most of the time)."""
    base = rng.randrange(100_000, 100_000_000)
    filial = 1 if rng.random() < 0.88 else rng.randint(2, 80)
    d12 = f"{base:08d}{filial:04d}"
    return d12 + _cnpj_dvs(d12)


def is_valid_cnpj(s: str) -> bool:
    if not isinstance(s, str) or len(s) != 14 or not s.isdigit() or s == s[0] * 14:
        return False
    return _cnpj_dvs(s[:12]) == s[12:]


def _cpf_dvs(d9: str) -> str:
    s = sum((ord(c) - 48) * w for c, w in zip(d9, range(10, 1, -1)))
    d1 = (s * 10 % 11) % 10
    s = sum((ord(c) - 48) * w for c, w in zip(d9 + str(d1), range(11, 1, -1)))
    d2 = (s * 10 % 11) % 10
    return f"{d1}{d2}"


def _valid_cpf(rng: random.Random) -> str:
    d9 = f"{rng.randrange(1_000_000, 999_999_999):09d}"
    return d9 + _cpf_dvs(d9)


def _is_valid_cpf(s: str) -> bool:
    if len(s) != 11 or not s.isdigit() or s == s[0] * 11:
        return False
    return _cpf_dvs(s[:9]) == s[9:]


# --------------------------------------------------------------------------------------
# Órgãos and unidades
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unidade:
    ufNome: str
    codigoIbge: str
    codigoUnidade: str
    nomeUnidade: str
    ufSigla: str
    municipioNome: str

    def as_json(self) -> dict:
        return {
            "ufNome": self.ufNome,
            "codigoIbge": self.codigoIbge,
            "codigoUnidade": self.codigoUnidade,
            "nomeUnidade": self.nomeUnidade,
            "ufSigla": self.ufSigla,
            "municipioNome": self.municipioNome,
        }


@dataclass(frozen=True, slots=True)
class Orgao:
    cnpj: str
    razaoSocial: str
    poderId: str
    esferaId: str
    unidades: tuple[Unidade, ...]

    def as_json(self) -> dict:
        return {"cnpj": self.cnpj, "razaoSocial": self.razaoSocial, "poderId": self.poderId, "esferaId": self.esferaId}


_PESSOAS = (
    "PROFESSORA EUDES VERAS", "JOSE DE ALENCAR", "MONTEIRO LOBATO", "RUI BARBOSA", "DOM PEDRO II", "TIRADENTES",
    "CECILIA MEIRELES", "MACHADO DE ASSIS", "PROFESSOR PAULO FREIRE", "ANITA GARIBALDI", "SANTOS DUMONT",
    "GETULIO VARGAS", "CASTRO ALVES", "PRESIDENTE CASTELO BRANCO", "MARIA QUITERIA", "DUQUE DE CAXIAS",
)
_SECRETARIAS_MUN = (
    "Secretaria Municipal de Saúde", "SECRETARIA MUNICIPAL DE EDUCACAO", "Secretaria Municipal de Administração",
    "SECRETARIA MUNICIPAL DE OBRAS E SERVICOS PUBLICOS", "Secretaria Municipal de Assistência Social",
    "FUNDO MUNICIPAL DE ASSISTENCIA SOCIAL", "Secretaria Municipal de Agricultura", "Secretaria de Finanças",
    "SECRETARIA MUNICIPAL DE CULTURA, ESPORTE E LAZER", "Secretaria Municipal de Meio Ambiente ",
)
_UNIDADES_EST = (
    "SECRETARIA DA SAUDE", "SECRETARIA DE ESTADO DA EDUCACAO", "POLICIA MILITAR DO ESTADO", "SECRETARIA DE ESTADO DA ADMINISTRACAO",
    "DEPARTAMENTO ESTADUAL DE TRANSITO", "CORPO DE BOMBEIROS MILITAR", "SECRETARIA DA SEGURANCA PUBLICA",
    "SECRETARIA DE INFRAESTRUTURA", "HOSPITAL GERAL DO ESTADO", "Secretaria de Estado da Fazenda",
    "SUPERINTENDENCIA DE OBRAS PUBLICAS", "FUNDACAO ESTADUAL DE SAUDE", "Secretaria da Agricultura e Pecuária",
)
_FEDERAIS = (  # (razão social, poder, unidade name templates)
    ("COMANDO DO EXERCITO", "E", ("{n} BATALHAO DE INFANTARIA", "{n} GRUPO DE MISSEIS E FOGUETES", "HOSPITAL GERAL DE {MUN}", "{n} REGIAO MILITAR", "COLEGIO MILITAR DE {MUN}")),
    ("COMANDO DA AERONAUTICA", "E", ("BASE AEREA DE {MUN}", "GRUPAMENTO DE APOIO DE {MUN}", "{n} COMANDO AEREO REGIONAL")),
    ("COMANDO DA MARINHA", "E", ("CAPITANIA DOS PORTOS DE {UFN}", "{n} DISTRITO NAVAL", "HOSPITAL NAVAL DE {MUN}")),
    ("MINISTERIO DA FAZENDA", "E", ("Superintendência Regional da Receita Federal do Brasil da {n}ª Região Fiscal", "Delegacia da Receita Federal em {Mun}", "Alfândega da Receita Federal em {Mun}")),
    ("MINISTERIO DA SAUDE", "E", ("SUPERINTENDENCIA ESTADUAL DO MINISTERIO DA SAUDE - {UF}", "DISTRITO SANITARIO ESPECIAL INDIGENA - {UF}")),
    ("INSTITUTO NACIONAL DO SEGURO SOCIAL", "E", ("GERENCIA EXECUTIVA {MUN}", "SUPERINTENDENCIA REGIONAL - {UF}")),
    ("DEPARTAMENTO DE POLICIA FEDERAL", "E", ("SUPERINTENDENCIA REGIONAL NO ESTADO DE {UFN}", "DELEGACIA DE POLICIA FEDERAL EM {MUN}")),
    ("EMPRESA BRASILEIRA DE SERVICOS HOSPITALARES - EBSERH", "E", ("HOSPITAL UNIVERSITARIO DE {MUN}", "MATERNIDADE ESCOLA - {UF}")),
    ("DEPARTAMENTO NACIONAL DE INFRAESTRUTURA DE TRANSPORTES", "E", ("SUPERINTENDENCIA REGIONAL DO DNIT NO ESTADO - {UF}",)),
    ("JUSTICA FEDERAL DE PRIMEIRO GRAU", "J", ("SECAO JUDICIARIA DO ESTADO - {UF}", "SUBSECAO JUDICIARIA DE {MUN}")),
    ("TRIBUNAL REGIONAL ELEITORAL", "J", ("TRIBUNAL REGIONAL ELEITORAL - {UF}",)),
    ("MINISTERIO PUBLICO DA UNIAO", "E", ("PROCURADORIA DA REPUBLICA NO ESTADO - {UF}",)),
)
_FEDERAIS_UF = (
    ("UNIVERSIDADE FEDERAL {DO} {UFN}", "E", ("UNIVERSIDADE FEDERAL {DO} {UFN}", "HOSPITAL UNIVERSITARIO {DO} {UFN}")),
    ("INSTITUTO FEDERAL DE EDUCACAO, CIENCIA E TECNOLOGIA {DO} {UFN}", "E", ("CAMPUS {MUN}", "REITORIA")),
    ("TRIBUNAL REGIONAL DO TRABALHO DA {n}A REGIAO", "J", ("TRIBUNAL REGIONAL DO TRABALHO DA {n}A REGIAO",)),
)
_DF = (
    ("DISTRITO FEDERAL", "N", ("SECRETARIA DE ESTADO DE SAUDE DO DISTRITO FEDERAL", "SECRETARIA DE ESTADO DE EDUCACAO DO DISTRITO FEDERAL", "POLICIA MILITAR DO DISTRITO FEDERAL", "SECRETARIA DE ESTADO DE OBRAS E INFRAESTRUTURA")),
    ("CAMARA LEGISLATIVA DO DISTRITO FEDERAL", "L", ("CAMARA LEGISLATIVA DO DISTRITO FEDERAL",)),
    ("TRIBUNAL DE CONTAS DO DISTRITO FEDERAL", "E", ("TRIBUNAL DE CONTAS DO DISTRITO FEDERAL",)),
    ("COMPANHIA DE SANEAMENTO AMBIENTAL DO DISTRITO FEDERAL", "E", ("CAESB",)),
    ("DEPARTAMENTO DE ESTRADAS DE RODAGEM DO DISTRITO FEDERAL", "E", ("DER-DF",)),
)


def _uf_do(ufsigla: str) -> str:
    """'DO'/'DA'/'DE' as used in 'ESTADO DO CEARA'."""
    return _UF[ufsigla][1].split()[1]


def _codigo_unidade(rng: random.Random, style: int, cnpj: str) -> str:
    if style == 0:
        return str(rng.randint(1, 999))
    if style == 1:
        return f"{rng.randint(1, 99999):05d}"
    if style == 2:
        return "0000"
    if style == 3:
        return f"{cnpj}-{rng.randint(1, 9):03d}"
    if style == 4:
        return f"CIN{rng.randint(1, 400)}"
    return str(rng.randint(100000, 999999))


_MUN_KINDS = _cum([("MUN", 62), ("CAM", 13), ("FMS", 12), ("SAAE", 2), ("PREV", 2), ("FMAS", 2), ("TRANS", 1), ("CONS", 6)])
_EST_KINDS = _cum([("EST", 60), ("TJ", 6), ("AL", 5), ("MP", 5), ("TCE", 3), ("DER", 4), ("UNIV", 4), ("FES", 5), ("DEF", 3), ("DETRAN", 3)])
_EST_RAZAO = {
    "TJ": ("TRIBUNAL DE JUSTICA DO ESTADO {DO} {UFN}", "J"), "AL": ("ASSEMBLEIA LEGISLATIVA DO ESTADO {DO} {UFN}", "L"),
    "MP": ("MINISTERIO PUBLICO DO ESTADO {DO} {UFN}", "N"), "TCE": ("TRIBUNAL DE CONTAS DO ESTADO {DO} {UFN}", "E"),
    "DER": ("DEPARTAMENTO DE ESTRADAS DE RODAGEM DO ESTADO {DO} {UFN}", "E"), "UNIV": ("UNIVERSIDADE ESTADUAL {DO} {UFN}", "E"),
    "FES": ("FUNDO ESTADUAL DE SAUDE {DO} {UFN}", "N"), "DEF": ("DEFENSORIA PUBLICA DO ESTADO {DO} {UFN}", "E"),
    "DETRAN": ("DEPARTAMENTO ESTADUAL DE TRANSITO {DO} {UFN}", "E"),
}


def _pick_unused(rng: random.Random, table, used) -> str | None:
    vals, cum = table
    avail = [(v, cum[i] - (cum[i - 1] if i else 0.0)) for i, v in enumerate(vals) if v not in used]
    if not avail:
        return None
    return rng.choices([v for v, _ in avail], weights=[w for _, w in avail])[0]


def orgao_pool(seed: int, n: int = 600) -> list[Orgao]:
    """A deterministic pool of órgãos (municipal-heavy, all esferas/poderes) with their unidades.

    Each órgão (one CNPJ) appears once: one "MUNICIPIO DE X" per municipality, one "ESTADO DE X" per
    UF, one "COMANDO DO EXERCITO", ... with several unidades where real órgãos have them.
    """
    rng = random.Random(seed)
    ufs_m, cum_m = _cum(_UF_MUNICIPAL_WEIGHT.items())
    all_ufs = [u for u in _UF if u != "DF"]
    seen: set[str] = set()
    used_kinds: dict[tuple[str, str], set[str]] = {}
    used_razao: set[str] = set()
    out: list[Orgao] = []
    misses = 0

    def new_cnpj() -> str:
        while True:
            c = valid_cnpj(rng)
            if c[8:12] != "0001" and rng.random() < 0.9:  # órgãos are almost always the matriz
                c = c[:8] + "0001"
                c = c[:12] + _cnpj_dvs(c[:12])
            if c not in seen:
                seen.add(c)
                return c

    def fresh(razao: str) -> bool:
        nonlocal misses
        if razao in used_razao and misses < 200:
            misses += 1
            return False
        misses = 0
        used_razao.add(razao)
        return True

    while len(out) < n:
        r = rng.random()
        if r < 0.70:  # municipal
            uf = rng.choices(ufs_m, cum_weights=cum_m)[0]
            mun, ibge = rng.choice(_MUN_BY_UF[uf])
            used = used_kinds.setdefault((uf, mun), set())
            kind = _pick_unused(rng, _MUN_KINDS, used)
            if kind is None and misses < 200:
                misses += 1
                continue
            kind = kind or "MUN"
            ufn = _UF[uf][0]
            MUN = _plain_upper(mun)
            style = rng.randrange(6)
            esfera = "M"
            if kind == "MUN":
                razao = f"MUNICIPIO DE {MUN}" if rng.random() < 0.92 else f"PREFEITURA MUNICIPAL DE {MUN}"
                poder = "N" if rng.random() < 0.68 else "E"
                names = [
                    rng.choice((f"Prefeitura Municipal de {mun} - {uf}", f"PREFEITURA MUNICIPAL DE {MUN}", f"MUNICÍPIO DE {mun.upper()}",
                                f"Município de {mun}", f"Prefeitura Municipal de {mun}", "PREFEITURA MUNICIPAL"))
                ]
                for _ in range(rng.choice((0, 0, 1, 2, 3, 4))):
                    sec = rng.choice(_SECRETARIAS_MUN)
                    if sec not in names:
                        names.append(sec)
            elif kind == "CAM":
                razao, poder = f"CAMARA MUNICIPAL DE {MUN}", "L"
                names = [rng.choice((f"Câmara Municipal de {mun}", f"CAMARA MUNICIPAL DE {MUN}", f"Câmara Municipal de {mun} - {uf}"))]
            elif kind == "FMS":
                razao, poder = f"FUNDO MUNICIPAL DE SAUDE DE {MUN}", rng.choice("NNE")
                names = [rng.choice((f"Fundo Municipal de Saúde de {mun} ", f"FUNDO MUNICIPAL DE SAUDE DE {MUN}", "Secretaria Municipal de Saúde"))]
            elif kind == "CONS":
                razao = rng.choice((f"CONSORCIO INTERMUNICIPAL DE SAUDE DA REGIAO DE {MUN}", f"CONSORCIO INTERMUNICIPAL DE RESIDUOS SOLIDOS DE {MUN}",
                                    f"CONSORCIO PUBLICO INTERMUNICIPAL DE DESENVOLVIMENTO DA REGIAO DE {MUN}"))
                poder, esfera = "N", ("N" if rng.random() < 0.3 else "M")
                names = [razao]
            else:
                razao = {
                    "SAAE": f"SERVICO AUTONOMO DE AGUA E ESGOTO DE {MUN}",
                    "PREV": f"INSTITUTO DE PREVIDENCIA DOS SERVIDORES PUBLICOS DO MUNICIPIO DE {MUN}",
                    "FMAS": f"FUNDO MUNICIPAL DE ASSISTENCIA SOCIAL DE {MUN}",
                    "TRANS": f"AUTARQUIA MUNICIPAL DE TRANSITO DE {MUN}",
                }[kind]
                poder = rng.choice("NE")
                names = [razao.title().replace(" De ", " de ").replace(" Do ", " do ").replace(" Dos ", " dos ").replace(" E ", " e ")]
            used.add(kind)
            if not fresh(razao):
                continue
            cnpj = new_cnpj()
            units = tuple(Unidade(ufn, ibge, _codigo_unidade(rng, style, cnpj), nm, uf, mun) for nm in names)
            out.append(Orgao(cnpj, razao, poder, esfera, units))
        elif r < 0.88:  # estadual
            uf = rng.choice(all_ufs)
            used = used_kinds.setdefault((uf, ""), set())
            kind = _pick_unused(rng, _EST_KINDS, used)
            if kind is None and misses < 200:
                misses += 1
                continue
            kind = kind or "EST"
            ufn = _UF[uf][0]
            muns = _MUN_BY_UF[uf]
            fmt = {"DO": _uf_do(uf), "UFN": _plain_upper(ufn)}
            if kind == "EST":
                razao, poder = _UF[uf][1], ("N" if rng.random() < 0.6 else "E")
                unames = rng.sample(_UNIDADES_EST, rng.randint(3, 7))
                unames += [f"{rng.choice(('EEM', 'ESCOLA ESTADUAL', 'EEEP', 'COLEGIO ESTADUAL'))} {p}" for p in rng.sample(_PESSOAS, rng.randint(1, 4))]
            else:
                tpl, poder = _EST_RAZAO[kind]
                razao = tpl.format(**fmt)
                if kind == "TJ":
                    unames = [razao, f"COMARCA DE {_plain_upper(rng.choice(muns)[0])}"]
                elif kind == "MP":
                    unames = [f"PROCURADORIA GERAL DE JUSTIÇA {fmt['DO']} {fmt['UFN']}", "PROMOTORIA DE JUSTICA DA CAPITAL"]
                else:
                    unames = [razao]
            used.add(kind)
            if not fresh(razao):
                continue
            cnpj = new_cnpj()
            units = []
            for nm in unames:
                mun, ibge = muns[0] if rng.random() < 0.6 else rng.choice(muns)
                units.append(Unidade(ufn, ibge, str(rng.randint(100000, 999999)), nm, uf, mun))
            out.append(Orgao(cnpj, razao, poder, "E", tuple(units)))
        elif r < 0.98:  # federal
            if rng.random() < 0.5:
                razao, poder, tpls = rng.choice(_FEDERAIS)
                ufs = rng.sample(all_ufs + ["DF"], rng.randint(2, 8))
            else:
                razao_t, poder, tpls = rng.choice(_FEDERAIS_UF)
                uf0 = rng.choice(all_ufs)
                razao = razao_t.format(DO=_uf_do(uf0), UFN=_plain_upper(_UF[uf0][0]), n=rng.randint(1, 24))
                ufs = [uf0]
            if not fresh(razao):
                continue
            cnpj = new_cnpj()
            units = []
            for uf in ufs:
                ufn = _UF[uf][0]
                mun, ibge = rng.choice(_MUN_BY_UF[uf])
                for t in rng.sample(tpls, min(len(tpls), rng.randint(1, 2))):
                    nm = t.format(n=rng.randint(1, 12), MUN=_plain_upper(mun), Mun=mun, UF=uf, UFN=_plain_upper(ufn), DO=_uf_do(uf) if uf != "DF" else "DO")
                    units.append(Unidade(ufn, ibge, str(rng.randint(110000, 200999)), nm, uf, mun))
            out.append(Orgao(cnpj, razao, poder, "F", tuple(units)))
        else:  # Distrito Federal
            razao, poder, unames = rng.choice(_DF)
            if not fresh(razao):
                continue
            if poder == "N" and rng.random() < 0.4:
                poder = "E"
            cnpj = new_cnpj()
            units = tuple(Unidade("Distrito Federal", "5300108", str(rng.randint(100000, 999999)), nm, "DF", "Brasília") for nm in unames)
            out.append(Orgao(cnpj, razao, poder, "D", units))
    return out


# --------------------------------------------------------------------------------------
# Sending systems (usuarioNome) and their links
# --------------------------------------------------------------------------------------

_B64 = string.ascii_letters + string.digits + "+/"


def _slug(s: str) -> str:
    return s.translate(_ACCENTS).lower().replace(" ", "")


# (usuarioNome, link kind, weight for non-federal órgãos)
_SISTEMAS = (
    ("Compras.gov.br", "cnet", 30),
    ("BLL Compras", "bll", 6),
    ("Portal de Compras Públicas", "pcp", 7),
    ("Licitar Digital - Plataforma de Licitações Online", "licitar", 4),
    ("AZ INFORMATICA LTDA", None, 4),
    ("IPM Sistemas", "ipm", 7),
    ("Governançabrasil Tecnologia e Gestão em Serviços", "upper", 4),
    ("E & L PRODUCOES DE SOFTWARE LTDA", None, 3),
    ("Tecnosweb - Tecnologia de Gestão", "", 3),
    ("Abase Sistemas", None, 3),
    ("Grupo Assessor", None, 3),
    ("SH3 Informática Ltda.", "", 2),
    ("Inovea Tecnologia Ltda", None, 5),
    ("HLH Assessoria e Consultoria Ltda", None, 2),
    ("ECustomize Consultoria em Software S.A", "own", 2),
    ("Pública Tecnologia Ltda.", None, 3),
    ("Licitanet", "noscheme", 3),
    ("DígithoBrasil Soluções em Software Ltda", None, 2),
    ("CONAM Consultoria em Administração Municipal", None, 2),
    ("LicitaCon - TCE-RS", None, 1),
    ("OWN", "own", 4),
)
_SIS_VALS, _SIS_CUM = _cum((s, s[2]) for s in _SISTEMAS)
_SIS_CACHE: dict[str, tuple[str, str | None]] = {}


def _sistema(orgao: Orgao) -> tuple[str, str | None]:
    """Deterministic sending system of an órgão: (usuarioNome, link kind)."""
    s = _SIS_CACHE.get(orgao.cnpj)
    if s is not None:
        return s
    h = int(hashlib.blake2b(orgao.cnpj.encode(), digest_size=6).hexdigest(), 16) / float(1 << 48)
    if orgao.esferaId == "F":
        s = ("Compras.gov.br", "cnet") if h < 0.85 else (("Contrata+Brasil", None) if h < 0.92 else ("Ministério da Fazenda / Receita Federal", None))
    elif orgao.esferaId == "E" and h < 0.35:
        s = ("Compras.gov.br", "cnet")
    else:
        total = _SIS_CUM[-1]
        x = h * total
        i = 0
        while _SIS_CUM[i] <= x:
            i += 1
        nome, kind, _w = _SIS_VALS[i]
        if nome == "OWN":
            nome = f"{orgao.razaoSocial}/{orgao.razaoSocial}"
        s = (nome, kind)
    _SIS_CACHE[orgao.cnpj] = s
    return s


def _link(rng: random.Random, kind: str | None, unidade: Unidade, numero: int, ano: int) -> str | None:
    r = rng.random()
    if kind is None:
        return None if r < 0.9 else ""
    if kind == "":
        return "" if r < 0.8 else None
    if r < 0.06:
        return None
    if kind == "cnet":
        uasg = unidade.codigoUnidade if unidade.codigoUnidade.isdigit() and len(unidade.codigoUnidade) == 6 else "925056"
        return f"https://cnetmobile.estaleiro.serpro.gov.br/comprasnet-web/public/landing?destino=acompanhamento-compra&compra={uasg}05{numero:05d}{ano}"
    if kind == "bll":
        tok = "".join(rng.choices(_B64, k=88))
        return f"https://bllcompras.com/Process/ProcessView?param1=[gkz]{tok}="
    if kind == "pcp":
        return f"https://portaldecompraspublicas.com.br/processos/{unidade.ufSigla}/Prefeitura-Municipal-de-{unidade.municipioNome.replace(' ', '-')}-{rng.randint(100, 9999)}/pe-{numero:03d}-{ano}-{rng.randint(10000, 999999)}"
    if kind == "licitar":
        return f"https://licitar.digital/app/processo/{rng.randint(10000, 99999)}"
    if kind == "ipm":
        return f"https://{_slug(unidade.municipioNome)}.atende.net/transparencia/item/licitacoes-gerais/{rng.randint(1000, 99999)}"
    if kind == "upper":
        return f"HTTPS://www.{_slug(unidade.municipioNome)}.{unidade.ufSigla.lower()}.gov.br/licitacoes/{rng.randint(100, 9999)}"
    if kind == "noscheme":
        return f"licitanet.com.br/sessao/{rng.randint(10000, 99999)}"
    # own portal
    slug = _slug(unidade.municipioNome)
    if r < 0.5:
        return f"https://compras.{slug}.{unidade.ufSigla.lower()}.gov.br/"
    if r < 0.75:
        return f"app2-compras.{slug}.{unidade.ufSigla.lower()}.gov.br/pesquisa/{rng.randint(1000, 99999)}"
    return f"https://{slug}.{unidade.ufSigla.lower()}.gov.br/"


# --------------------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------------------

# kind codes: C compras, S serviços, O obras, L leilão/alienação, I inexigibilidade, R credenciamento
_OBJETOS: dict[str, tuple[tuple[str, int], ...]] = {  # kind -> ((template, categoriaProcesso id), ...)
    "C": (
        ("Aquisição de material de expediente em favor da {unidade}", 2),
        ("Aquisição de materiais de escritório diversos para atender às necessidades da {unidade}, conforme especificações e quantidades descritas no Termo de Referência.", 2),
        ("REGISTRO DE PREÇOS PARA FUTURA E EVENTUAL AQUISIÇÃO DE MEDICAMENTOS PARA ATENDER A SECRETARIA MUNICIPAL DE SAÚDE DE {MUN}", 2),
        ("Aquisição de gêneros alimentícios para a merenda escolar da rede municipal de ensino de {mun}", 2),
        ("Aquisição de pneus, câmaras de ar e protetores para a frota de veículos da {unidade}", 2),
        ("Contratação de empresa para fornecimento de combustíveis (gasolina comum e óleo diesel S10) para a frota municipal", 2),
        ("Aquisição de equipamentos de informática (computadores, notebooks e monitores) para a {unidade}", 3),
        ("Aquisição de material de limpeza e higienização para as unidades de saúde do município de {mun}", 2),
        ("Aquisição de mobiliário escolar e de escritório", 2),
        ("Aquisição de materiais de construção, abrangendo itens das linhas hidráulica, elétrica, ferragens, pintura, alvenaria, acabamentos e correlatos", 2),
        ("Aquisição de uniformes escolares para os alunos da rede municipal de ensino", 2),
        ("Aquisição de materiais médico-hospitalares e odontológicos para a rede municipal de saúde", 2),
        ("Aquisição de cestas básicas para atendimento às famílias em situação de vulnerabilidade social", 2),
        ("Aquisição de peças e acessórios para manutenção da frota de veículos leves e pesados", 2),
        ("MEDICAMENTOS, SUPLEMENTOS ALIMENTARES E CORRELATOS - LEI 14.133/2021", 2),
        ("Aquisição de água mineral e gás de cozinha (GLP P13)", 2),
        ("Aquisição de kits de material escolar para alunos da educação infantil e ensino fundamental", 2),
        ("Aquisição de equipamentos de proteção individual (EPI) para os servidores", 2),
        ("Aquisição de veículo tipo ambulância para a {unidade}", 2),
    ),
    "S": (
        ("Contratação de empresa especializada na prestação de serviços de limpeza, asseio e conservação predial, de natureza contínua, com disponibilização de mão de obra", 6),
        ("Contratação de empresa para prestação de serviços de manutenção preventiva e corretiva de veículos", 8),
        ("Contratação de serviços de locação de veículos com motorista para atender a {unidade}", 8),
        ("Contratação de empresa especializada em serviços de vigilância patrimonial armada e desarmada", 6),
        ("Contratação de empresa para prestação de serviços de transporte escolar de alunos da zona rural de {mun}", 8),
        ("Contratação de empresa especializada para coleta, transporte, tratamento e destinação final de resíduos de serviços de saúde", 8),
        ("Contratação de empresa especializada na prestação de serviços gráficos", 8),
        ("Contratação de empresa especializada na prestação de serviços de telefonia móvel pessoal com dados", 3),
        ("Contratação de empresa para realização de exames laboratoriais e de imagem", 10),
        ("Contratação de empresa para fornecimento de licença de uso de software de gestão pública, incluindo implantação, treinamento e suporte técnico", 3),
        ("Prestação de serviços de manutenção preventiva e corretiva de aparelhos de ar-condicionado", 8),
        ("Contratação de empresa especializada em produção de eventos e locação de equipamentos de som, palco e iluminação", 8),
    ),
    "O": (
        ("Contratação de empresa de engenharia para pavimentação asfáltica de vias urbanas no município de {mun}", 7),
        ("Contratação de empresa para execução de obra de reforma e ampliação da Escola Municipal {pessoa}", 7),
        ("Construção de Unidade Básica de Saúde (UBS) Porte I no município de {mun}", 7),
        ("Contratação de empresa para execução de serviços de drenagem pluvial e recapeamento asfáltico", 9),
        ("Contratação de empresa especializada para manutenção predial preventiva e corretiva dos prédios públicos", 9),
    ),
    "L": (
        ("Leilão Público de VEÍCULOS INSERVÍVEIS, MADEIRAS EM GERAL, SUCATAS E IMPLEMENTOS", 11),
        ("Alienação de bens móveis inservíveis (veículos, máquinas e sucatas) pertencentes ao município de {mun}", 11),
        ("Alienação de mercadorias apreendidas pela Receita Federal", 11),
        ("ALIENAÇÃO DE LOTES DO DISTRITO INDUSTRIAL", 11),
    ),
    "I": (
        ("Contratação de show artístico para as festividades do aniversário de {mun}", 8),
        ("Contratação de assessoria e consultoria técnica contábil para a {unidade}", 8),
        ("Inscrição de servidores em curso de capacitação", 8),
        ("Locação de imóvel para funcionamento da {unidade}", 5),
        ("Aquisição de livros didáticos de fornecedor exclusivo", 2),
        ("Encadernação /Desencadernação - Livro / Revista (Folhas soltas)", 8),
        ("Contratação de serviços advocatícios especializados para recuperação de créditos", 8),
        ("Assinatura de periódicos e acesso a base de dados jurídica", 3),
    ),
    "R": (
        ("Credenciamento de clínicas e laboratórios para realização de consultas e exames especializados", 10),
        ("Credenciamento de pessoas físicas e jurídicas para prestação de serviços médicos plantonistas", 10),
        ("Credenciamento de leiloeiros oficiais para alienação de bens inservíveis", 8),
    ),
}
_INFO_COMPLEMENTAR = (
    "Para viabilizar as atividades escolares",
    "Condições de pagamento: o pagamento será efetuado em 30 (trinta) dias corridos após o recebimento definitivo do objeto.",
    "Contratação realizada por meio do Contrata+Brasil",
    "Edital e anexos disponíveis no site oficial do município.",
    "A sessão pública será realizada na plataforma eletrônica indicada no edital.",
    "Processo exclusivo para participação de microempresas e empresas de pequeno porte, nos termos da LC 123/2006.",
    "Registro de preços com validade de 12 (doze) meses.",
    "Considerando AUSÊNCIA de código específico para cada item no www.gov.br/compras, solicitamos que para a formulação da proposta sejam observadas as especificações do Termo de Referência.",
    "Todos os detalhes do leilão poderão ser visualizados no edital publicado no site do órgão.",
)
_JUSTIFICATIVAS = (
    "A realização na forma presencial justifica-se pela inviabilidade técnica de utilização de plataforma eletrônica, conforme art. 17, § 2º, da Lei 14.133/2021.",
    "Município não dispõe de acesso à internet de qualidade para realização de sessão eletrônica.",
    "Interesse público devidamente justificado nos autos do processo administrativo.",
    "Solicitação[2-2024-1667-010400]:\rDe acordo com a Lei Municipal - autorizando a realização do certame na forma presencial.",
)


def _objeto(rng: random.Random, kind: str, unidade: Unidade) -> tuple[str, int]:
    tpl, cat = rng.choice(_OBJETOS[kind])
    txt = tpl.format(unidade=unidade.nomeUnidade.strip(), mun=unidade.municipioNome, MUN=unidade.municipioNome.upper(), pessoa=rng.choice(_PESSOAS).title())
    r = rng.random()
    if r < 0.25:
        txt = txt.upper()
    elif r < 0.29:
        txt += " "
    elif r < 0.30:
        txt = " " + txt
    elif r < 0.34:
        txt += ".  " + _INFO_COMPLEMENTAR[7]
    return txt, cat


def _opt_text(rng: random.Random, p_null: float, p_empty: float, pool) -> str | None:
    r = rng.random()
    if r < p_null:
        return None
    if r < p_null + p_empty:
        return ""
    return rng.choice(pool)


# --------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------


def _ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def _d(dt) -> str:
    return dt.strftime("%Y-%m-%d")


def _money(rng: random.Random, median: float, sigma: float) -> float:
    v = rng.lognormvariate(0.0, sigma) * median
    if v < 10.0:
        v = 10.0 + v
    if rng.random() < 0.4:
        return float(round(v))
    return round(v, 2)


def _parse_ts(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        return None


def _numero_compra(rng: random.Random, link_kind: str | None, ano: int) -> tuple[str, int]:
    n = rng.randint(1, 300)
    if link_kind == "cnet":
        return f"9{n:04d}", n
    r = rng.random()
    if r < 0.3:
        return f"{n:03d}", n
    if r < 0.5:
        return f"{n:02d}", n
    if r < 0.7:
        return str(n), n
    if r < 0.85:
        return f"{n}/{ano}", n
    return f"{ano}{n:05d}", n


def _processo(rng: random.Random, ano: int) -> str:
    r = rng.random()
    n = rng.randint(1, 2500)
    if r < 0.35:
        return f"{n:03d}/{ano}"
    if r < 0.55:
        return f"{n}/{ano}"
    if r < 0.70:
        return f"{rng.randint(10000, 99999)}{rng.randint(100000, 999999)}{ano}{rng.randint(10, 99)}"
    if r < 0.80:
        return f"{n:06d}/{ano}"
    if r < 0.88:
        return f"PA {n}/{ano}"
    if r < 0.95:
        return f"6011.{ano}/{rng.randint(1, 99999):07d}-{rng.randint(0, 9)}"
    return str(n)


# --------------------------------------------------------------------------------------
# Contratação (listing), detail
# --------------------------------------------------------------------------------------

def contratacao(rng: random.Random, *, orgao: Orgao, unidade: Unidade, ano: int, sequencial: int, modalidade_id: int,
                published_at: datetime) -> dict:
    """A /v1/contratacoes/publicacao record (RecuperarCompraPublicacaoDTO), key order of the real page."""
    prof = _PROFILES[modalidade_id]
    amparo_cod = rng.choices(prof.amparo[0], cum_weights=prof.amparo[1])[0] if len(prof.amparo[0]) > 1 else prof.amparo[0][0]
    modo = rng.choices(prof.modo[0], cum_weights=prof.modo[1])[0] if len(prof.modo[0]) > 1 else prof.modo[0][0]
    if modalidade_id == 8:
        instrumento = 2 if modo == 4 else (3 if rng.random() < 0.7 else 2)
    elif modalidade_id in (9, 14):
        instrumento = 3 if rng.random() < 0.85 else 2
    elif modalidade_id == 12:
        instrumento = 1 if rng.random() < 0.7 else 3
    else:
        instrumento = 1
    nome_amp, desc_amp = _AMPARO[amparo_cod]
    if rng.random() < 0.08:
        nome_amp += " "
    usuario, link_kind = _sistema(orgao)
    numero_compra, numero = _numero_compra(rng, link_kind, ano)

    kinds = prof.kinds
    kind = kinds[int(rng.random() * len(kinds))]
    objeto, _cat = _objeto(rng, kind, unidade)
    if kind == "L" and orgao.esferaId != "F" and "Receita Federal" in objeto:
        objeto, _cat = _objeto(rng, kind, unidade)
    srp = rng.random() < prof.srp
    if srp and rng.random() < 0.3 and not objeto.upper().startswith("REGISTRO"):
        objeto = "Registro de preços para futura e eventual " + objeto[0].lower() + objeto[1:]

    # valores
    if rng.random() < prof.p_sig:
        estimado = 0.0
    else:
        estimado = _money(rng, prof.vmed, prof.vsig)
    homologado = None
    if rng.random() < prof.p_hom:
        base = estimado if estimado > 0 else _money(rng, prof.vmed, prof.vsig)
        f = rng.uniform(1.0, 1.8) if kind == "L" else rng.uniform(0.55, 1.0)
        homologado = round(base * f, 2)

    # prazos
    pub = published_at
    if modalidade_id in (9, 14) or (modalidade_id == 8 and modo == 5 and rng.random() < 0.5) or (modalidade_id in (10, 11) and rng.random() < 0.5):
        abertura = encerramento = None
        if modalidade_id == 9 and rng.random() < 0.1:
            abertura = _ts(pub)
            encerramento = _ts(pub + timedelta(days=rng.randint(1, 10)))
    elif modalidade_id == 8:
        a = pub + timedelta(minutes=rng.randint(1, 240))
        abertura = _ts(a.replace(second=0))
        encerramento = _ts((a + timedelta(days=rng.randint(3, 8))).replace(hour=rng.choice((8, 9, 10, 11, 14, 15)), minute=rng.choice((0, 0, 30, 20)), second=rng.choice((0, 0, 43))))
    elif modalidade_id == 12 or modalidade_id == 15:
        abertura = _ts(pub.replace(hour=8, minute=0, second=0) if rng.random() < 0.5 else pub)
        encerramento = _ts((pub + timedelta(days=rng.randint(30, 365))).replace(hour=17, minute=0, second=0))
    else:
        if rng.random() < 0.2:
            a = pub
        else:
            a = (pub + timedelta(days=rng.randint(0, 2))).replace(hour=rng.choice((8, 8, 9, 10)), minute=0, second=0)
        abertura = _ts(a)
        e = (pub + timedelta(days=rng.randint(8, 30))).replace(hour=rng.choice((8, 9, 9, 10, 10, 14)), minute=rng.choice((0, 0, 30, 59)), second=0)
        encerramento = _ts(e)

    if prof.presencial:
        justificativa = _opt_text(rng, 0.15, 0.15, _JUSTIFICATIVAS)
    else:
        justificativa = None if rng.random() < 0.9 else ""

    r = rng.random()
    situacao = 1 if r < 0.99 else (3 if r < 0.995 else (2 if r < 0.998 else 4))
    ts = _ts(pub)
    return {
        "numeroControlePNCP": f"{orgao.cnpj}-1-{sequencial:06d}/{ano}",
        "dataAtualizacaoGlobal": ts,
        "modalidadeId": modalidade_id,
        "srp": srp,
        "orgaoEntidade": orgao.as_json(),
        "anoCompra": ano,
        "sequencialCompra": sequencial,
        "dataInclusao": ts,
        "dataPublicacaoPncp": ts,
        "dataAtualizacao": ts,
        "numeroCompra": numero_compra,
        "unidadeOrgao": unidade.as_json(),
        "amparoLegal": {"descricao": desc_amp, "nome": nome_amp, "codigo": amparo_cod},
        "dataAberturaProposta": abertura,
        "dataEncerramentoProposta": encerramento,
        "informacaoComplementar": _opt_text(rng, 0.40, 0.15, _INFO_COMPLEMENTAR),
        "processo": _processo(rng, ano),
        "objetoCompra": objeto,
        "linkSistemaOrigem": _link(rng, link_kind, unidade, numero, ano),
        "justificativaPresencial": justificativa,
        "unidadeSubRogada": None,
        "orgaoSubRogado": None,
        "valorTotalHomologado": homologado,
        "modoDisputaId": modo,
        "linkProcessoEletronico": None if rng.random() < 0.97 else "",
        "valorTotalEstimado": estimado,
        "modalidadeNome": MODALIDADE_NOME_EM_REGISTRO[modalidade_id],
        "modoDisputaNome": _MODO_NOME[modo],
        "tipoInstrumentoConvocatorioCodigo": instrumento,
        "tipoInstrumentoConvocatorioNome": _INSTRUMENTO_NOME[instrumento],
        "fontesOrcamentarias": [],
        "situacaoCompraId": situacao,
        "situacaoCompraNome": _SITUACAO_COMPRA[situacao],
        "usuarioNome": usuario,
    }


_DETALHE_ORDER = (
    "valorTotalEstimado", "valorTotalHomologado", "orcamentoSigilosoCodigo", "orcamentoSigilosoDescricao",
    "numeroControlePNCP", "linkSistemaOrigem", "linkProcessoEletronico", "anoCompra", "sequencialCompra", "numeroCompra",
    "processo", "orgaoEntidade", "unidadeOrgao", "orgaoSubRogado", "unidadeSubRogada", "modalidadeId", "modalidadeNome",
    "justificativaPresencial", "modoDisputaId", "modoDisputaNome", "tipoInstrumentoConvocatorioCodigo",
    "tipoInstrumentoConvocatorioNome", "amparoLegal", "objetoCompra", "informacaoComplementar", "srp",
    "fontesOrcamentarias", "emendaParlamentar", "dataPublicacaoPncp", "dataAberturaProposta", "dataEncerramentoProposta",
    "situacaoCompraId", "situacaoCompraNome", "existeResultado", "dataInclusao", "dataAtualizacao",
    "dataAtualizacaoGlobal", "usuarioNome",
)
_DETALHE_ONLY = ("orcamentoSigilosoCodigo", "orcamentoSigilosoDescricao", "existeResultado")
_UNIDADE_DETALHE_ORDER = ("ufNome", "codigoUnidade", "nomeUnidade", "ufSigla", "municipioNome", "codigoIbge")


def _reorder_unidade(u):
    if not isinstance(u, dict):
        return u
    out = {k: u[k] for k in _UNIDADE_DETALHE_ORDER if k in u}
    for k, v in u.items():
        if k not in out:
            out[k] = v
    return out


def compra_detalhe(listing: dict, *, existe_resultado: bool) -> dict:
    """RecuperarCompraDTO (GET /v1/orgaos/{cnpj}/compras/{ano}/{seq}) built from a listing record."""
    est = listing.get("valorTotalEstimado")
    sig = 3 if est == 0.0 else 1
    extra = {"orcamentoSigilosoCodigo": sig, "orcamentoSigilosoDescricao": _ORCAMENTO_SIGILOSO[sig], "existeResultado": bool(existe_resultado)}
    out: dict = {}
    for k in _DETALHE_ORDER:
        if k in extra:
            out[k] = extra[k]
        elif k in listing:
            v = listing[k]
            if k == "unidadeOrgao" or k == "unidadeSubRogada":
                v = _reorder_unidade(v)
            elif isinstance(v, dict):
                v = dict(v)
            elif isinstance(v, list):
                v = list(v)
            out[k] = v
    for k, v in listing.items():
        if k not in out:
            out[k] = v
    return out


# --------------------------------------------------------------------------------------
# Item catalog
# --------------------------------------------------------------------------------------

# (descrição base, variantes, unidade de medida, preço base, M/S)
_MATERIAIS = (
    ("FITA ADESIVA, GOMADA, PAPEL MADEIRA, {v}, VARIACAO +/-5%, EMBALAGEM 1.0 UNIDADE", ("32 MM X 50 M", "45 MM X 50 M", "25 MM X 50 M", "48 MM X 100 M"), "EMBALAGEM 1.0 UNIDADE ", 17.25),
    ("LAPISEIRA PARA GRAFITE, {v}, EMBALAGEM 1.0 UNIDADE", ("0,5MM", "0,7MM", "0,9MM"), "EMBALAGEM 1.0 UNIDADE ", 2.5),
    ("MINA GRAFITE, DIAMETRO {v}, TUBO PLASTICO CONTENDO 12 MINAS, TIPO HB, ESTOJO 12.0 UNIDADES", ("0,5 MM", "0,7 MM", "0,9 MM"), "ESTOJO 12.0 UNIDADES ", 1.0),
    ("PAPEL, SULFITE, A4, 75G/M², 210 MM X 297 MM, {v}", ("BRANCO, EMBALAGEM 500.0 FOLHAS", "COLORIDO, EMBALAGEM 100.0 UNIDADES", "RECICLADO, EMBALAGEM 500.0 FOLHAS"), "RESMA 500.0 FOLHAS ", 24.9),
    ("CANETA ESFEROGRÁFICA, MATERIAL PLÁSTICO, QUANTIDADE CARGAS 1 UN, MATERIAL PONTA LATÃO COM ESFERA DE TUNGSTÊNIO, TIPO ESCRITA MÉDIA, {v}", ("COR TINTA AZUL", "COR TINTA PRETA", "COR TINTA VERMELHA"), "CAIXA 50.0 UNIDADES ", 38.0),
    ("CLIPE, TRATAMENTO SUPERFICIAL NIQUELADO, {v}, MATERIAL METAL", ("TAMANHO 2/0", "TAMANHO 4/0", "TAMANHO 6/0", "TAMANHO 8/0"), "CAIXA 100.0 UNIDADES ", 4.8),
    ("GRAMPO GRAMPEADOR, MATERIAL METAL, TRATAMENTO SUPERFICIAL GALVANIZADO, {v}", ("TAMANHO 26/6", "TAMANHO 23/10", "TAMANHO 23/13"), "CAIXA 5000.0 UNIDADES ", 9.9),
    ("PASTA ARQUIVO, MATERIAL PAPELÃO, TIPO AZ, {v}", ("LOMBADA LARGA", "LOMBADA ESTREITA", "TAMANHO OFÍCIO"), "UNIDADE ", 14.5),
    ("ENVELOPE, MATERIAL PAPEL KRAFT, GRAMATURA 80 G/M2, {v}", ("229 X 324 MM", "176 X 250 MM", "260 X 360 MM"), "PACOTE 100.0 UNIDADES ", 42.0),
    ("ÁGUA SANITÁRIA, COMPOSIÇÃO QUÍMICA HIPOCLORITO DE SÓDIO, TEOR CLORO ATIVO 2 A 2,5%, {v}", ("FRASCO 1 LITRO", "GALÃO 5 LITROS", "FRASCO 2 LITROS"), "FRASCO 1.0 LITRO ", 4.2),
    ("DETERGENTE, COMPOSIÇÃO ÁGUA, TENSOATIVOS ANIÔNICOS, APLICAÇÃO REMOÇÃO DE GORDURAS, {v}", ("ASPECTO FÍSICO LÍQUIDO, FRASCO 500 ML", "NEUTRO, GALÃO 5 LITROS", "LIMÃO, FRASCO 500 ML"), "FRASCO 500.0 ML ", 2.9),
    ("SABÃO EM PÓ, {v}, BIODEGRADÁVEL", ("CAIXA 1 KG", "PACOTE 500 G", "BALDE 5 KG"), "CAIXA 1.0 KG ", 11.5),
    ("PAPEL HIGIÊNICO, MATERIAL CELULOSE VIRGEM, {v}, COR BRANCA", ("FOLHA SIMPLES, ROLO 30 M", "FOLHA DUPLA, ROLO 30 M", "FOLHA SIMPLES, ROLO 300 M"), "PACOTE 4.0 UNIDADES ", 6.9),
    ("SACO PLÁSTICO LIXO, CAPACIDADE {v}, COR PRETA, APLICAÇÃO COLETA DE LIXO", ("30 L", "50 L", "100 L", "200 L"), "PACOTE 100.0 UNIDADES ", 29.0),
    ("LUVA PARA PROCEDIMENTO NÃO CIRÚRGICO, MATERIAL LÁTEX NATURAL, {v}, AMBIDESTRA, COM PÓ", ("TAMANHO P", "TAMANHO M", "TAMANHO G"), "CAIXA 100.0 UNIDADES ", 32.0),
    ("MÁSCARA CIRÚRGICA, {v}, DESCARTÁVEL, COM ELÁSTICO", ("TRIPLA CAMADA", "TIPO N95 PFF2"), "CAIXA 50.0 UNIDADES ", 18.0),
    ("SERINGA, MATERIAL POLIPROPILENO, CAPACIDADE {v}, TIPO BICO LUER LOCK, ESTÉRIL, DESCARTÁVEL", ("3 ML", "5 ML", "10 ML", "20 ML"), "UNIDADE ", 0.45),
    ("AGULHA HIPODÉRMICA, MATERIAL AÇO INOXIDÁVEL, DIMENSÃO {v}, DESCARTÁVEL, ESTÉRIL", ("25 X 7 MM", "25 X 8 MM", "40 X 12 MM", "13 X 4,5 MM"), "CAIXA 100.0 UNIDADES ", 12.0),
    ("DIPIRONA SÓDICA, CONCENTRAÇÃO {v}", ("500 MG, COMPRIMIDO", "500 MG/ML, SOLUÇÃO INJETÁVEL", "50 MG/ML, SOLUÇÃO ORAL"), "UNIDADE ", 0.18),
    ("PARACETAMOL, CONCENTRAÇÃO {v}", ("500 MG, COMPRIMIDO", "750 MG, COMPRIMIDO", "200 MG/ML, SOLUÇÃO ORAL"), "UNIDADE ", 0.12),
    ("AMOXICILINA, CONCENTRAÇÃO {v}", ("500 MG, CÁPSULA", "250 MG/5 ML, PÓ PARA SUSPENSÃO ORAL", "875 MG + CLAVULANATO 125 MG"), "UNIDADE ", 0.35),
    ("LOSARTANA POTÁSSICA, CONCENTRAÇÃO {v}, COMPRIMIDO", ("50 MG", "25 MG", "100 MG"), "UNIDADE ", 0.09),
    ("OMEPRAZOL, CONCENTRAÇÃO {v}", ("20 MG, CÁPSULA", "40 MG, PÓ LIÓFILO PARA INJETÁVEL"), "UNIDADE ", 0.11),
    ("SORO FISIOLÓGICO, CLORETO DE SÓDIO 0,9%, {v}", ("FRASCO 250 ML", "FRASCO 500 ML", "BOLSA 1000 ML"), "FRASCO 500.0 ML ", 4.8),
    ("ARROZ, TIPO 1, CLASSE LONGO FINO, SUBGRUPO POLIDO, {v}", ("PACOTE 5 KG", "PACOTE 1 KG"), "PACOTE 5.0 KG ", 27.9),
    ("FEIJÃO, TIPO 1, {v}", ("GRUPO ANÃO, CLASSE CORES (CARIOCA), PACOTE 1 KG", "CLASSE PRETO, PACOTE 1 KG"), "PACOTE 1.0 KG ", 8.2),
    ("AÇÚCAR, TIPO {v}", ("CRISTAL, PACOTE 5 KG", "REFINADO, PACOTE 1 KG", "DEMERARA, PACOTE 1 KG"), "PACOTE 5.0 KG ", 22.0),
    ("ÓLEO DE SOJA, REFINADO, {v}", ("GARRAFA PET 900 ML", "LATA 900 ML"), "GARRAFA 900.0 ML ", 7.9),
    ("LEITE EM PÓ, INTEGRAL, {v}", ("PACOTE 400 G", "LATA 400 G", "PACOTE 1 KG"), "PACOTE 400.0 G ", 17.5),
    ("CARNE BOVINA, {v}, CONGELADA", ("TIPO MÚSCULO, EM CUBOS", "TIPO PATINHO, MOÍDA", "TIPO ACÉM, EM PEDAÇOS"), "QUILOGRAMA ", 38.0),
    ("FRANGO, {v}, CONGELADO", ("PEITO SEM OSSO", "COXA E SOBRECOXA", "FILÉ DE PEITO"), "QUILOGRAMA ", 19.0),
    ("BANANA, {v}, IN NATURA", ("TIPO PRATA", "TIPO NANICA", "TIPO MAÇÃ"), "QUILOGRAMA ", 5.5),
    ("CAFÉ TORRADO E MOÍDO, {v}, SELO ABIC", ("PACOTE 500 G", "PACOTE 250 G", "EMBALAGEM A VÁCUO 500 G"), "PACOTE 500.0 G ", 19.9),
    ("ÁGUA MINERAL NATURAL, SEM GÁS, {v}", ("GARRAFÃO 20 L", "GARRAFA 500 ML", "COPO 200 ML"), "GARRAFÃO 20.0 L ", 12.0),
    ("GÁS LIQUEFEITO DE PETRÓLEO - GLP, {v}", ("BOTIJÃO P13", "BOTIJÃO P45"), "UNIDADE ", 115.0),
    ("GASOLINA COMUM", ("AUTOMOTIVA", "TIPO C"), "LITRO ", 6.19),
    ("ÓLEO DIESEL, {v}", ("TIPO S10", "TIPO S500"), "LITRO ", 6.05),
    ("PNEU, {v}, TIPO SEM CÂMARA, RADIAL", ("MEDIDA 175/70 R13", "MEDIDA 185/65 R15", "MEDIDA 275/80 R22.5", "MEDIDA 215/75 R17.5", "MEDIDA 1000 X 20"), "UNIDADE ", 420.0),
    ("CÂMARA DE AR, {v}", ("ARO 20", "ARO 24", "ARO 15"), "UNIDADE ", 95.0),
    ("ÓLEO LUBRIFICANTE MOTOR, {v}", ("SAE 15W40, DIESEL, BALDE 20 L", "SAE 5W30, SINTÉTICO, FRASCO 1 L", "SAE 20W50, FRASCO 1 L"), "LITRO ", 32.0),
    ("MICROCOMPUTADOR, {v}", ("PROCESSADOR 8 NÚCLEOS, MEMÓRIA 16 GB, SSD 512 GB", "PROCESSADOR 6 NÚCLEOS, MEMÓRIA 8 GB, SSD 256 GB", "TIPO ALL-IN-ONE, MEMÓRIA 16 GB"), "UNIDADE ", 4300.0),
    ("NOTEBOOK, {v}", ("TELA 15,6 POL, MEMÓRIA 8 GB, SSD 256 GB", "TELA 14 POL, MEMÓRIA 16 GB, SSD 512 GB"), "UNIDADE ", 4800.0),
    ("MONITOR VÍDEO, TAMANHO TELA {v}, TIPO LED", ("21,5 POL", "23,8 POL", "27 POL"), "UNIDADE ", 850.0),
    ("TONER, IMPRESSORA LASER, {v}", ("COR PRETA, RENDIMENTO 3.000 PÁGINAS", "COR PRETA, RENDIMENTO 10.000 PÁGINAS", "COLORIDO, RENDIMENTO 2.300 PÁGINAS"), "UNIDADE ", 180.0),
    ("CADEIRA, {v}, ESTOFADA, COM BRAÇOS", ("GIRATÓRIA, TIPO DIRETOR", "FIXA, TIPO INTERLOCUTOR", "GIRATÓRIA, TIPO SECRETÁRIA"), "UNIDADE ", 680.0),
    ("MESA ESCRITÓRIO, MATERIAL MDF, {v}", ("1200 X 600 MM", "1400 X 700 MM, EM L", "REUNIÃO, REDONDA"), "UNIDADE ", 720.0),
    ("CONJUNTO ESCOLAR, ALUNO, {v}", ("TAMANHO 4 (CJA-04)", "TAMANHO 5 (CJA-05)", "TAMANHO 6 (CJA-06)"), "CONJUNTO ", 390.0),
    ("ARMÁRIO, MATERIAL AÇO, {v}", ("2 PORTAS, COM CHAVE", "ROUPEIRO 16 PORTAS", "ARQUIVO 4 GAVETAS"), "UNIDADE ", 1250.0),
    ("AR CONDICIONADO, TIPO SPLIT, CAPACIDADE {v}", ("9.000 BTU/H", "12.000 BTU/H", "18.000 BTU/H", "24.000 BTU/H"), "UNIDADE ", 2600.0),
    ("CIMENTO PORTLAND, {v}", ("CP II-E-32, SACO 50 KG", "CP II-Z-32, SACO 50 KG", "CP V-ARI, SACO 40 KG"), "SACO 50.0 KG ", 38.0),
    ("TINTA, BASE ACRÍLICA, {v}", ("COR BRANCA, LATA 18 L", "FOSCA, GALÃO 3,6 L", "PISO, COR CINZA, LATA 18 L"), "LATA 18.0 L ", 310.0),
    ("TUBO PVC, {v}, SOLDÁVEL, ÁGUA FRIA", ("DIÂMETRO 25 MM, BARRA 6 M", "DIÂMETRO 50 MM, BARRA 6 M", "DIÂMETRO 100 MM, ESGOTO"), "BARRA 6.0 M ", 38.0),
    ("FIO ELÉTRICO, COBRE FLEXÍVEL, {v}, 750 V", ("SEÇÃO 2,5 MM2, ROLO 100 M", "SEÇÃO 4 MM2, ROLO 100 M", "SEÇÃO 6 MM2, ROLO 100 M"), "ROLO 100.0 M ", 270.0),
    ("LÂMPADA LED, {v}", ("POTÊNCIA 9 W, BASE E27", "TUBULAR 18 W, T8", "POTÊNCIA 40 W, BULBO"), "UNIDADE ", 9.5),
    ("CAMISETA, {v}, MANGA CURTA, UNIFORME ESCOLAR", ("MATERIAL MALHA PV", "MATERIAL ALGODÃO 100%", "MATERIAL DRY FIT"), "UNIDADE ", 24.0),
    ("BOTA DE SEGURANÇA, {v}, COURO, BICO PVC", ("CANO CURTO", "CANO LONGO", "ELÁSTICO LATERAL"), "PAR ", 89.0),
    ("CESTA BÁSICA, {v}", ("COMPOSIÇÃO 14 ITENS", "COMPOSIÇÃO 20 ITENS", "KIT ALIMENTAÇÃO"), "UNIDADE ", 145.0),
    ("AMBULÂNCIA, {v}", ("TIPO A - SIMPLES REMOÇÃO", "TIPO B - SUPORTE BÁSICO", "TIPO D - SUPORTE AVANÇADO"), "UNIDADE ", 310000.0),
    ("VEÍCULO AUTOMOTOR, {v}", ("TIPO PASSEIO, 5 PORTAS, FLEX", "TIPO PICK-UP, CABINE DUPLA, 4X4, DIESEL", "TIPO VAN, 16 LUGARES"), "UNIDADE ", 145000.0),
)
_SERVICOS = (
    ("Manutenção / Reparo - Veículo Automotivo", ("Veículos leves", "Veículos pesados", "Máquinas pesadas"), "SERVIÇO", 3500.0),
    ("Locação de Veículos", ("com motorista", "sem motorista", "tipo caminhão"), "MÊS", 9800.0),
    ("Serviço de Limpeza e Conservação", ("Predial", "Áreas externas", "Unidades de saúde"), "MÊS", 42000.0),
    ("Vigilância Ostensiva", ("Armada - 12x36 diurno", "Desarmada - 12x36 noturno"), "POSTO ", 14500.0),
    ("Transporte Escolar", ("Zona rural", "Alunos com deficiência"), "KM ", 4.2),
    ("Coleta de Resíduos", ("Serviços de saúde", "Sólidos urbanos"), "QUILOGRAMA ", 6.8),
    ("Serviços Gráficos", ("Impressão de material institucional", "Impressão de cadernetas"), "unidade", 2.4),
    ("Encadernação /Desencadernação - Livro / Revista", ("Folhas soltas", "Capa dura"), "unidade", 850.0),
    ("Exames Laboratoriais", ("Análises clínicas", "Exames de imagem"), "UNIDADE ", 38.0),
    ("Consulta Médica", ("Especializada", "Clínico geral - plantão 12h"), "UNIDADE ", 160.0),
    ("Licenciamento de Software", ("Gestão pública integrada", "Sistema de saúde"), "MÊS", 8900.0),
    ("Manutenção de Ar Condicionado", ("Preventiva", "Corretiva com reposição de peças"), "SERVIÇO", 240.0),
    ("Locação de Som, Palco e Iluminação", ("Eventos de médio porte", "Eventos de grande porte"), "DIÁRIA ", 12000.0),
    ("Apresentação Artística", ("Show musical", "Grupo folclórico"), "SERVIÇO", 60000.0),
    ("Capacitação / Treinamento", ("Curso presencial", "Curso a distância"), "SERVIÇO", 2800.0),
    ("Assessoria e Consultoria", ("Contábil", "Jurídica", "Tributária"), "MÊS", 9500.0),
    ("Telefonia Móvel", ("Plano de dados 20 GB", "Plano de voz ilimitado"), "MÊS", 59.0),
    ("Pavimentação Asfáltica", ("CBUQ - Execução", "Tratamento superficial duplo"), "M2 ", 95.0),
    ("Reforma Predial", ("Escola municipal", "Unidade de saúde"), "SERVIÇO", 380000.0),
    ("Locação de Imóvel", ("Para funcionamento de secretaria", "Para unidade de saúde"), "MÊS", 6500.0),
)


class _Cat:
    __slots__ = ("codigo", "descricao", "ms", "unidade", "preco")

    def __init__(self, codigo, descricao, ms, unidade, preco):
        self.codigo = codigo
        self.descricao = descricao
        self.ms = ms
        self.unidade = unidade
        self.preco = preco


def _build_catalog() -> tuple[list[_Cat], list[_Cat]]:
    crng = random.Random(20210401)
    used: set[str] = set()
    mats, servs = [], []
    for base, variants, unidade, preco in _MATERIAIS:
        for i, v in enumerate(variants):
            for suffix in (("", ", EMBALAGEM INDIVIDUAL") if i == 0 else ("",)):
                while True:
                    code = str(crng.randint(150000, 480000))
                    if code not in used:
                        used.add(code)
                        break
                desc = base.format(v=v) if "{v}" in base else f"{base}, {v}"
                mats.append(_Cat(code, desc + suffix, "M", unidade, round(preco * (1 + 0.15 * i) * (1.08 if suffix else 1.0), 2)))
    for base, variants, unidade, preco in _SERVICOS:
        for i, v in enumerate(variants):
            while True:
                code = str(crng.randint(1000, 27999))
                if code not in used:
                    used.add(code)
                    break
            servs.append(_Cat(code, f"{base} - {v}", "S", unidade, round(preco * (1 + 0.2 * i), 2)))
    return mats, servs


_CAT_MAT, _CAT_SERV = _build_catalog()
_CAT_BY_DESC: dict[str, _Cat] = {c.descricao: c for c in _CAT_MAT + _CAT_SERV}
_CAT_BY_CODE: dict[str, _Cat] = {c.codigo: c for c in _CAT_MAT + _CAT_SERV}
_UNIDADE_VARIANTS = ("UNIDADE ", "Unidade", "unidade", "UN", "UND", "Und")

_CATALOGO_OBJ = {
    "id": 1, "nome": "Catálogo do Compras.gov.br", "descricao": "Catálogo de bens e serviços do Compras.gov.br",
    "dataInclusao": "2021-12-22T20:10:19", "dataAtualizacao": "2024-11-13T21:21:13", "statusAtivo": True,
    "url": "https://catalogo.compras.gov.br/cnbs-web/busca",
}
_CATEGORIA_CATALOGO = {
    "M": {"id": 1, "nome": "Material", "descricao": "Bens de consumo e permanentes adquiridos pela Administração Pública para atender a suas necessidades.",
          "dataInclusao": "2021-12-22T20:10:19", "dataAtualizacao": "2026-09-02T16:57:50", "statusAtivo": True},
    "S": {"id": 2, "nome": "Serviço", "descricao": "Atividades prestadas à Administração Pública para atender a suas necessidades, de natureza contínua ou não, excluídos os serviços de engenharia.",
          "dataInclusao": "2021-12-22T20:10:19", "dataAtualizacao": "2026-09-02T16:57:50", "statusAtivo": True},
}


_MARCAS = (("VW", ("GOL 1.0", "SAVEIRO", "AMAROK", "KOMBI")), ("FIAT", ("UNO MILLE", "STRADA", "PALIO WEEKEND", "DOBLO")),
           ("CHEVROLET", ("CELTA", "S10", "ONIX", "SPIN")), ("FORD", ("KA", "RANGER", "CARGO 1319")), ("MERCEDES-BENZ", ("ATEGO 1719", "SPRINTER 415")),
           ("TOYOTA", ("HILUX", "COROLLA")), ("HONDA", ("CG 160", "BROS 160")))


def _leilao_lote(rng: random.Random) -> tuple[str, str, float, int]:
    """(descrição, unidade de medida, valor de avaliação, itemCategoriaId) of a leilão lot."""
    r = rng.random()
    if r < 0.45:
        marca, modelos = rng.choice(_MARCAS)
        placa = "".join(rng.choices(string.ascii_uppercase, k=3)) + str(rng.randint(0, 9)) + rng.choice(string.ascii_uppercase + string.digits) + f"{rng.randint(0, 99):02d}"
        return (f"VEÍCULO {marca} {rng.choice(modelos)}, ANO {rng.randint(1998, 2018)}, PLACA {placa}, NO ESTADO EM QUE SE ENCONTRA",
                rng.choice(("UNIDADE", "Unidade", "LOTE")), float(rng.randint(30, 600) * 100), 2)
    if r < 0.65:
        return (rng.choice(("LOTE DE SUCATAS DIVERSAS (FERROSAS E NÃO FERROSAS)", "Lote de bens móveis inservíveis (móveis de escritório e equipamentos de informática)",
                            "LOTE DE MERCADORIAS APREENDIDAS (ELETRÔNICOS, VESTUÁRIO E ACESSÓRIOS)", "Sucata de veículos leves e pesados")),
                "LOTE", float(rng.randint(5, 400) * 100), 2)
    if r < 0.8:
        return (f"MÁQUINA {rng.choice(('RETROESCAVADEIRA', 'MOTONIVELADORA', 'PÁ CARREGADEIRA', 'TRATOR AGRÍCOLA'))} "
                f"{rng.choice(('CASE', 'CATERPILLAR', 'JOHN DEERE', 'NEW HOLLAND', 'RANDON'))}, ANO {rng.randint(1995, 2015)}, NO ESTADO EM QUE SE ENCONTRA",
                "UNIDADE", float(rng.randint(150, 1500) * 100), 2)
    return (f"TERRENO URBANO, LOTE {rng.randint(1, 40):02d} DA QUADRA {rng.randint(1, 90)}, ÁREA {rng.randint(200, 5000)} M², MATRÍCULA {rng.randint(1000, 99999)}",
            "UNIDADE", float(rng.randint(300, 8000) * 100), 1)


def itens_count(rng: random.Random) -> int:
    """Items per compra: heavy tail (mean ≈ 7, median 3, ~0.5% with 100-1200 items)."""
    if rng.random() < 0.005:
        return min(1200, int(100 * 12 ** rng.random()))
    n = int(rng.lognormvariate(1.0, 1.05) + 0.5)
    if n < 1:
        return 1
    return 99 if n > 99 else n


# Real distribution of arquivos per compra (400 pregões, arquivos_by_compra_400.json) plus a few 0s.
_ARQ_COUNT_VALS, _ARQ_COUNT_CUM = _cum([(0, 4), (1, 298), (2, 19), (3, 14), (4, 11), (5, 8), (6, 9), (7, 20), (8, 6), (9, 6), (10, 4), (11, 1), (12, 4)])


def arquivos_count(rng: random.Random) -> int:
    """Arquivos per compra: mean ≈ 2.1, median 1, ~74% exactly one, max 12, a few 0."""
    return rng.choices(_ARQ_COUNT_VALS, cum_weights=_ARQ_COUNT_CUM)[0]


def _kind_of_listing(listing: dict) -> str:
    mod = listing.get("modalidadeId")
    if mod in (1, 13):
        return "L"
    obj = (listing.get("objetoCompra") or "").lower()
    if "servi" in obj or "contratação de" in obj or "credenciamento" in obj or "locação" in obj or "show" in obj:
        return "S"
    return "M"


def itens(rng: random.Random, listing: dict, n: int) -> list[dict]:
    """``n`` items (numbered 1..n) of a compra, shaped as /v1/orgaos/{cnpj}/compras/{ano}/{seq}/itens."""
    mod = listing.get("modalidadeId") or 6
    prof = _PROFILES.get(mod, _PROFILES[6])
    sigiloso = listing.get("valorTotalEstimado") == 0.0
    est_total = listing.get("valorTotalEstimado") or 0.0
    per_item = (est_total / n) if (est_total and n) else 0.0
    inc = listing.get("dataInclusao")
    atu = listing.get("dataAtualizacao") or inc
    kind = _kind_of_listing(listing)
    serv_share = 0.85 if kind == "S" else 0.08
    crit_vals, crit_cum = prof.criterio
    crit_single = crit_vals[0] if len(crit_vals) == 1 else None
    # one criterion / benefit / catalog habit per compra (as real systems do)
    crit = crit_single if crit_single is not None else rng.choices(crit_vals, cum_weights=crit_cum)[0]
    if mod in (9, 12, 14, 10, 11):
        benef_default = 5
    elif mod in (1, 13):
        benef_default = 5 if rng.random() < 0.5 else 4
    else:
        benef_default = 1 if rng.random() < 0.45 else 4
    use_catalog = rng.random() < 0.62
    lower_unit = rng.random() < 0.15
    patrimonio_empty = rng.random() < 0.3
    leilao = mod in (1, 13)
    nmat, nserv = len(_CAT_MAT), len(_CAT_SERV)
    out = []
    for i in range(1, n + 1):
        if leilao:
            desc, unidade, aval, cat_id = _leilao_lote(rng)
            c = None
            q = 1.0
            vu = 0.0 if sigiloso else (round(per_item * rng.uniform(0.6, 1.4), 2) if per_item > 0 else aval)
            vt = round(q * vu, 2)
        else:
            if rng.random() < serv_share:
                c = _CAT_SERV[int(rng.random() * nserv)]
            else:
                c = _CAT_MAT[int(rng.random() * nmat)]
            desc, unidade, cat_id = c.descricao, c.unidade, 3
            preco = c.preco * rng.lognormvariate(0.0, 0.25)
            preco = round(preco, 4) if preco < 1.0 else round(preco, 2)
            if per_item > 0:
                q = float(max(1, int(per_item / preco * rng.uniform(0.6, 1.4) + 0.5)))
            else:
                q = float(rng.choice((1, 1, 2, 3, 5, 10, 12, 20, 50, 100, 200, 500)))
            if unidade.startswith("QUILOGRAMA") and rng.random() < 0.3:
                q += 0.5
            if sigiloso:
                vu = 0.0
                vt = 0.0
            else:
                vu = float(preco)
                vt = round(q * vu, 2)
            if lower_unit:
                unidade = unidade.strip().lower()
            elif unidade == "UNIDADE " and rng.random() < 0.2:
                unidade = _UNIDADE_VARIANTS[int(rng.random() * 6)]
        ms = "M" if c is None else c.ms
        # A dispensa or inexigibilidade is published once decided, with its result; a competitive
        # compra is published with its edital, and its results come with a later update (homologação).
        tem = rng.random() < (0.9 if listing.get("modalidadeId") in (8, 9) else 0.45)
        if tem:
            sit = 2
        else:
            x = rng.random()
            sit = 1 if x < 0.7 else (4 if x < 0.85 else (5 if x < 0.95 else 3))
        benef = benef_default
        if benef == 1 and vt > 80000:
            benef = 3 if rng.random() < 0.5 else 4
        if use_catalog and c is not None:
            cod = c.codigo
            catalogo = dict(_CATALOGO_OBJ)
            categoria = dict(_CATEGORIA_CATALOGO[c.ms])
        else:
            cod = None
            catalogo = None
            categoria = None
        if leilao:
            patrimonio = str(rng.randint(1000, 99999)) if rng.random() < 0.5 else ("" if patrimonio_empty else None)
            reg_imob = (str(rng.randint(1000, 99999)) if cat_id == 1 else ("" if patrimonio_empty else None))
        else:
            patrimonio = "" if patrimonio_empty else None
            reg_imob = patrimonio
        info = None
        if rng.random() < 0.1:
            info = " " + desc.split(",")[0].title() + ": conforme especificações do Termo de Referência.  - "
        out.append({
            "numeroItem": i,
            "descricao": desc,
            "materialOuServico": ms,
            "materialOuServicoNome": "Material" if ms == "M" else "Serviço",
            "valorUnitarioEstimado": vu,
            "valorTotal": vt,
            "quantidade": q,
            "unidadeMedida": unidade,
            "orcamentoSigiloso": sigiloso,
            "itemCategoriaId": cat_id,
            "itemCategoriaNome": _ITEM_CATEGORIA[cat_id],
            "patrimonio": patrimonio,
            "codigoRegistroImobiliario": reg_imob,
            "criterioJulgamentoId": crit,
            "criterioJulgamentoNome": _CRITERIO_NOME[crit],
            "situacaoCompraItem": sit,
            "situacaoCompraItemNome": _SITUACAO_ITEM[sit],
            "tipoBeneficio": benef,
            "tipoBeneficioNome": _BENEFICIO_NOME[benef],
            "incentivoProdutivoBasico": False,
            "dataInclusao": inc,
            "dataAtualizacao": atu,
            "temResultado": tem,
            "imagem": 0,
            "aplicabilidadeMargemPreferenciaNormal": False,
            "aplicabilidadeMargemPreferenciaAdicional": False,
            "percentualMargemPreferenciaNormal": None,
            "percentualMargemPreferenciaAdicional": None,
            "ncmNbsCodigo": None,
            "ncmNbsDescricao": None,
            "catalogo": catalogo,
            "categoriaItemCatalogo": categoria,
            "catalogoCodigoItem": cod,
            "informacaoComplementar": info,
            "tipoMargemPreferencia": None,
            "exigenciaConteudoNacional": False,
        })
    return out


# --------------------------------------------------------------------------------------
# Arquivos
# --------------------------------------------------------------------------------------

_DOC_MIX_VALS, _DOC_MIX_CUM = _cum([(2, 402), (16, 280), (4, 101), (7, 66), (10, 4), (9, 4), (3, 6), (6, 3)])
_TITULOS = {
    2: ("Edital", "EDITAL", "EDITAL{ano}{n:03d}", "Edital {n}{ano}", "editais/Edital.zip", "Edital_PE_{n:03d}_{ano}.pdf"),
    16: ("Ata Final", "ATA FINAL DO CERTAME", "MAPA DE PRECOS", "Termos de Adjudicacao e Homologacao", "COMUNICADO DECISAO FINAL",
         "Impugnacao", "PARECER TECNICO  CGM", "TermoDeParticipacao_{ano}{n:04d}.pdf", "\"pre{n}-24instalacao.pdf\"", "Mapa de Precos  Estimativa"),
    4: ("Termo de Referencia", "TERMO DE REFERENCIA", "TR_{n:03d}_{ano}.pdf", "Anexo I - Termo de Referência"),
    7: ("Estudo Tecnico Preliminar", "ETP", "ESTUDO TECNICO PRELIMINAR", "ETP {n}/{ano}"),
    10: ("DFD", "Documento de Formalizacao da Demanda"),
    9: ("MAPA DE GERENCIAMENTO DE RISCOS", "Mapa de Riscos"),
    3: ("Minuta do Contrato", "ANEXO - MINUTA CONTRATUAL"),
    6: ("Projeto Basico", "PROJETO BÁSICO"),
    1: ("Aviso de Contratação Direta", "AVISO DISPENSA {n:03d}-{ano}.pdf", "aviso.pdf"),
    20: ("editais/Edital.zip", "Ato de Autorização", "RATIFICACAO INEXIGIBILIDADE {n}-{ano}.pdf"),
}


def arquivos(rng: random.Random, listing: dict, n: int) -> list[dict]:
    """``n`` documents of a compra, shaped as /v1/orgaos/{cnpj}/compras/{ano}/{seq}/arquivos."""
    cnpj = listing["orgaoEntidade"]["cnpj"]
    ano = listing["anoCompra"]
    seq = listing["sequencialCompra"]
    mod = listing.get("modalidadeId")
    instr = listing.get("tipoInstrumentoConvocatorioCodigo")
    pub = _parse_ts(listing.get("dataPublicacaoPncp")) or datetime(ano, 1, 1, 8)
    numero = rng.randint(1, 300)
    out = []
    t = pub + timedelta(seconds=rng.randint(0, 2))
    for k in range(1, n + 1):
        if k == 1:
            if instr == 3 or (mod == 9 and rng.random() < 0.5):
                tipo = 20 if rng.random() < 0.6 else 16
            elif instr == 2:
                tipo = 1 if rng.random() < 0.5 else 16
            else:
                tipo = 2 if rng.random() < 0.9 else 16
        else:
            tipo = rng.choices(_DOC_MIX_VALS, cum_weights=_DOC_MIX_CUM)[0]
            if k > 2 and rng.random() < 0.3:
                t = t + timedelta(days=rng.randint(1, 20), seconds=rng.randint(0, 30000))
        r = rng.random()
        if r < 0.3 and tipo in (2, 16, 4):
            titulo = f"{rng.choice(('925003', '926001', '984123', '986001', '925083'))}0{rng.randint(5900000, 5979999)}{ano}00{rng.randint(0, 1)}"
        else:
            titulo = rng.choice(_TITULOS[tipo]).format(ano=ano, n=numero)
        url = f"https://pncp.gov.br/pncp-api/v1/orgaos/{cnpj}/compras/{ano}/{seq}/arquivos/{k}"
        nome = _TIPO_DOCUMENTO[tipo]
        out.append({
            "uri": url,
            "url": url,
            "tipoDocumentoId": tipo,
            "statusAtivo": True,
            "dataPublicacaoPncp": _ts(t),
            "cnpj": cnpj,
            "anoCompra": ano,
            "sequencialCompra": seq,
            "sequencialDocumento": k,
            "titulo": titulo,
            "tipoDocumentoNome": nome,
            "tipoDocumentoDescricao": nome,
        })
    return out


# --------------------------------------------------------------------------------------
# Fornecedores
# --------------------------------------------------------------------------------------

_SOBRENOMES = ("SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "PEREIRA", "LIMA", "CARVALHO", "FERREIRA", "RODRIGUES", "ALMEIDA", "COSTA",
               "GOMES", "MARTINS", "ARAUJO", "MELO", "BARBOSA", "RIBEIRO", "ALVES", "CARDOSO", "SCHWAB", "POZZI", "MULLER", "ROSSI",
               "BERTOLDI", "NASCIMENTO", "MOREIRA", "TEIXEIRA", "CAVALCANTI", "MENDES", "FREITAS", "ZANELLA", "KLEIN", "BECKER")
_FANTASIAS = ("NOVA ERA", "PRIME", "MEGA", "PONTO CERTO", "ALFA", "BRASIL SUL", "CENTRO OESTE", "NORDESTE", "PLANALTO", "LIDER",
              "SUPREMA", "REAL", "IDEAL", "UNIAO", "ESTRELA", "VALE VERDE", "LITORAL", "HORIZONTE", "GLOBAL", "VITORIA", "AGILE", "MAXI")
_ATIVIDADES = ("COMERCIO DE MOVEIS", "COMERCIO DE PNEUS", "DISTRIBUIDORA DE MEDICAMENTOS", "MATERIAIS DE CONSTRUCAO",
               "SERVICOS DE LIMPEZA", "ENGENHARIA", "CONSTRUTORA", "TECNOLOGIA", "INFORMATICA", "COMERCIO DE ALIMENTOS",
               "PAPELARIA", "TRANSPORTES", "LOCACAO DE VEICULOS", "EQUIPAMENTOS HOSPITALARES", "COMERCIAL", "SERVICOS MEDICOS",
               "PRODUTOS ALIMENTICIOS", "CONSULTORIA", "GRAFICA E EDITORA", "AUTO PECAS", "COMBUSTIVEIS", "UNIFORMES",
               "SEGURANCA PATRIMONIAL", "MATERIAIS ELETRICOS", "PRODUCOES E EVENTOS", "DISTRIBUIDORA", "SUPRIMENTOS")
_PRENOMES = ("MARIA", "JOSE", "ANA", "JOAO", "ANTONIO", "FRANCISCO", "CARLOS", "PAULO", "PEDRO", "LUCAS", "LUIZ", "MARCOS",
             "LUCIANA", "JULIANA", "FERNANDA", "PATRICIA", "ADRIANA", "RAFAEL", "DANIEL", "MARCELO", "BRUNO", "CAMILA")
_FORN: list[tuple[str, str, str, int]] | None = None  # (ni, nome, tipoPessoa, porte)


def _fornecedores() -> list[tuple[str, str, str, int]]:
    global _FORN
    if _FORN is None:
        frng = random.Random(7_654_321)
        out = []
        for _ in range(4000):
            if frng.random() < 0.04:
                nome = f"{frng.choice(_PRENOMES)} {frng.choice(_PRENOMES) if frng.random() < 0.3 else ''} {frng.choice(('DA ', 'DOS ', 'DE ', ''))}{frng.choice(_SOBRENOMES)}".replace("  ", " ")
                out.append((_valid_cpf(frng), nome, "PF", 4))
                continue
            a = frng.choice(_SOBRENOMES + _FANTASIAS)
            act = frng.choice(_ATIVIDADES)
            r = frng.random()
            if r < 0.35:
                nome = f"{a} {act} LTDA"
            elif r < 0.5:
                nome = f"{a} & {frng.choice(_SOBRENOMES)} {act} LTDA"
            elif r < 0.6:
                nome = f"{''.join(frng.choices(string.ascii_uppercase, k=3))} {act} LTDA"
            elif r < 0.7:
                nome = f"{a} {act} EIRELI"
            elif r < 0.78:
                nome = f"{a} {act} LTDA - ME"
            elif r < 0.86:
                nome = f"{a} {act} LTDA."
            elif r < 0.92:
                nome = f"{a} {act} S.A."
            else:
                nome = f"{frng.choice(_PRENOMES)} {frng.choice(_SOBRENOMES)} {frng.randint(10000000000, 99999999999) % 10**11:011d}"
            porte = frng.choices((1, 2, 3, 5), weights=(45, 20, 33, 2))[0]
            out.append((valid_cnpj(frng), nome, "PJ", porte))
        _FORN = out
    return _FORN


def _fornecedor(rng: random.Random) -> tuple[str, str, str, int]:
    f = _fornecedores()
    x = rng.random()
    return f[int(x * x * len(f))]  # popular suppliers recur


# --------------------------------------------------------------------------------------
# Resultados
# --------------------------------------------------------------------------------------


def resultados(rng: random.Random, listing: dict, item: dict, recorded_at: datetime | None = None) -> list[dict]:
    """Results of one item (1, sometimes 2-3), shaped as .../itens/{n}/resultados. ``recorded_at``:
    when an update of the compra brought them (the result is dated the days before); None for
    results published with the compra."""
    r = rng.random()
    k = 1 if r < 0.9 else (2 if r < 0.97 else 3)
    srp = bool(listing.get("srp"))
    if not srp:  # a quantity is split between suppliers whole units at a time
        k = min(k, max(1, int(item.get("quantidade") or 1.0)))
    base = _parse_ts(listing.get("dataEncerramentoProposta")) or _parse_ts(listing.get("dataPublicacaoPncp")) or datetime(2025, 1, 1, 9)
    published = _parse_ts(listing.get("dataPublicacaoPncp")) or base
    if recorded_at is not None:
        base = max(base, recorded_at - timedelta(days=12))
    else:
        base = min(base, published - timedelta(days=12))
    qtd = item.get("quantidade") or 1.0
    vu_est = item.get("valorUnitarioEstimado") or 0.0
    if not vu_est:
        c = _CAT_BY_DESC.get(item.get("descricao"))
        vu_est = c.preco if c else 100.0
    leilao = listing.get("modalidadeId") in (1, 13)
    crit = item.get("criterioJulgamentoId")
    benef = item.get("tipoBeneficio")
    out = []
    remaining = qtd
    for s in range(1, k + 1):
        forn = _fornecedor(rng)
        ni, nome, tipo, porte = forn
        if benef == 1 and porte not in (1, 2) and tipo == "PJ":
            porte = 1
        if srp or s == k:
            q = qtd if srp else remaining
        else:  # a share of what is left, leaving at least one unit to each supplier after this one
            q = float(min(remaining - (k - s), max(1, int(remaining * rng.uniform(0.3, 0.7)))))
            remaining -= q
        f = rng.uniform(1.0, 2.0) if leilao else rng.uniform(0.55, 1.0)
        vu = vu_est * f
        vu = round(vu, 4) if vu < 1.0 else round(vu, 2)
        vt = round(q * vu, 2)
        desconto = round((1.0 - vu / vu_est) * 100.0, 2) if crit == 2 and vu_est else 0.0
        dres = base + timedelta(days=rng.randint(0, 12), seconds=rng.randint(0, 36000))
        # a result is dated before PNCP shows it: with the compra's publication, or with the later update
        dres = min(dres, recorded_at if recorded_at is not None else published)
        cancel = rng.random() < 0.01
        sit = 2 if cancel else 1
        tsr = _ts(recorded_at if recorded_at is not None else dres)  # when PNCP recorded it
        out.append({
            "indicadorSubcontratacao": False,
            "reservaRemanescente": {"codigo": 1, "nome": "Não se aplica"},
            "timezoneCotacaoMoedaEstrangeira": None,
            "moedaEstrangeira": None,
            "dataInclusao": tsr,
            "numeroItem": item["numeroItem"],
            "niFornecedor": ni,
            "dataCancelamento": _ts(dres + timedelta(days=rng.randint(1, 30))) if cancel else None,
            "dataAtualizacao": tsr,
            "tipoPessoa": tipo,
            "nomeRazaoSocialFornecedor": nome,
            "valorTotalHomologado": vt,
            "valorNominalMoedaEstrangeira": None,
            "dataCotacaoMoedaEstrangeira": None,
            "codigoPais": "BRA",
            "porteFornecedorId": porte,
            "quantidadeHomologada": float(q),
            "valorUnitarioHomologado": float(vu),
            "percentualDesconto": desconto,
            "amparoLegalMargemPreferencia": None,
            "amparoLegalCriterioDesempate": None,
            "paisOrigemProdutoServico": None,
            "localidadeExterior": None,
            "ordemClassificacaoSrp": s,
            "dataResultado": _d(dres),
            "motivoCancelamento": "Desistência do fornecedor" if cancel else None,
            "situacaoCompraItemResultadoId": sit,
            "porteFornecedorNome": _PORTE_NOME[porte],
            "situacaoCompraItemResultadoNome": "Cancelado" if cancel else "Informado",
            "sequencialResultado": s,
            "naturezaJuridicaNome": None,
            "localidadeFornecedor": None,
            "aplicacaoMargemPreferencia": False,
            "aplicacaoBeneficioMeEpp": benef in (1, 2, 3) and porte in (1, 2),
            "aplicacaoCriterioDesempate": False,
            "naturezaJuridicaId": None,
            "numeroControlePNCPCompra": listing["numeroControlePNCP"],
        })
    return out


# --------------------------------------------------------------------------------------
# Contratos
# --------------------------------------------------------------------------------------

_TIPO_CONTRATO_VALS, _TIPO_CONTRATO_CUM = _cum([(1, 45), (7, 24), (8, 20), (5, 3), (12, 3), (6, 1), (2, 0.5), (3, 0.3), (4, 1), (9, 0.5), (10, 0.5), (11, 1)])
_CATPROC_VALS, _CATPROC_CUM = _cum([(2, 55), (8, 18), (9, 6), (7, 4), (10, 5), (3, 4), (6, 3), (5, 2), (11, 1.5), (1, 0.5), (4, 0.2)])
_OBJ_CAT = {tpl: cat for tpls in _OBJETOS.values() for tpl, cat in tpls}


def _numero_contrato(rng: random.Random, ano: int) -> str:
    r = rng.random()
    n = rng.randint(1, 999)
    if r < 0.25:
        return f"{n:03d}/{ano}"
    if r < 0.45:
        return f"AF{rng.randint(100000, 299999)}"
    if r < 0.6:
        return f"{ano}NE{rng.randint(1, 9999):06d}"
    if r < 0.72:
        return f"CT {n}/{ano}"
    if r < 0.82:
        return f"0{rng.randint(100000, 999999)}/{n:04d}"
    if r < 0.92:
        return str(n)
    return f"{n}/{ano}-{rng.choice(('SMS', 'SEMED', 'SEMAD', 'PMF'))}"


def contrato(rng: random.Random, *, orgao: Orgao, unidade: Unidade, ano: int, sequencial: int, published_at: datetime,
             compra: dict | None) -> dict:
    """A /v1/contratos record (RecuperarContratoDTO), key order of contratos_page.json."""
    pub = published_at
    if compra is not None:
        ctrl_compra = compra.get("numeroControlePNCP") or f"{orgao.cnpj}-1-{rng.randint(1, 2000):06d}/{ano}"
        obj = compra.get("objetoCompra") or ""
        processo = compra.get("processo") or _processo(rng, ano)
        if rng.random() < 0.15:
            obj = obj.strip().upper()
        est = compra.get("valorTotalEstimado") or 0.0
        if est > 0:
            valor = round(est * rng.uniform(0.05, 1.0) if rng.random() < 0.5 else est * rng.uniform(0.6, 1.0), 2)
        else:
            valor = _money(rng, 20_000, 1.5)
        mod = compra.get("modalidadeId")
        cat = 11 if mod in (1, 13) else None
        if cat is None:
            for tpl, c in _OBJ_CAT.items():
                if obj[:25].lower() == tpl[:25].lower():
                    cat = c
                    break
        if cat is None:
            cat = rng.choices(_CATPROC_VALS, cum_weights=_CATPROC_CUM)[0]
    else:
        ctrl_compra = f"{orgao.cnpj}-1-{rng.randint(1, 2000):06d}/{ano - (1 if rng.random() < 0.3 else 0)}"
        kind = rng.choice("CCCSSSOI")
        obj, cat = _objeto(rng, kind, unidade)
        processo = _processo(rng, ano)
        valor = _money(rng, 20_000, 1.6)
    if cat == 11:
        receita = rng.random() < 0.6
    else:
        receita = rng.random() < 0.01

    ni, nome, tipo_pessoa, _porte = _fornecedor(rng)
    assin = pub - timedelta(days=int(rng.expovariate(0.25)))
    r = rng.random()
    inicio = assin if r < 0.7 else assin + timedelta(days=rng.randint(1, 5))
    dur = rng.choice((15, 30, 30, 60, 90, 120, 180, 365, 365, 365, 365, 730))
    fim = inicio + timedelta(days=dur)
    tipo = rng.choices(_TIPO_CONTRATO_VALS, cum_weights=_TIPO_CONTRATO_CUM)[0]
    r = rng.random()
    if r < 0.7:
        parcelas = 1
    elif r < 0.9:
        parcelas = 12
    else:
        parcelas = rng.randint(2, 60)
    parcela = 0.0 if rng.random() < 0.4 else round(valor / parcelas, 2)
    r = rng.random()
    acumulado = None if r < 0.04 else (0.0 if r < 0.55 else valor)
    ts = _ts(pub)
    usuario, _k = _sistema(orgao)
    if orgao.esferaId == "F" and rng.random() < 0.8:
        usuario = "Contratos.gov.br"
    elif rng.random() < 0.1:
        usuario = "Inovea Tecnologia Ltda"
    return {
        "codigoPaisFornecedor": "BRA" if rng.random() < 0.976 else None,
        "numeroControlePncpCompra": ctrl_compra,
        "nomeRazaoSocialFornecedor": nome,
        "anoContrato": ano,
        "tipoContrato": {"id": tipo, "nome": _TIPO_CONTRATO[tipo]},
        "numeroContratoEmpenho": _numero_contrato(rng, ano),
        "dataAssinatura": _d(assin),
        "dataVigenciaInicio": _d(inicio),
        "dataVigenciaFim": _d(fim),
        "niFornecedor": ni,
        "tipoPessoa": tipo_pessoa,
        "orgaoEntidade": orgao.as_json(),
        "categoriaProcesso": {"id": cat, "nome": _CATEGORIA_PROCESSO[cat]},
        "dataPublicacaoPncp": ts,
        "dataAtualizacao": ts,
        "sequencialContrato": sequencial,
        "unidadeOrgao": unidade.as_json(),
        "informacaoComplementar": _opt_text(rng, 0.70, 0.05, _INFO_COMPLEMENTAR),
        "processo": processo,
        "unidadeSubRogada": None,
        "orgaoSubRogado": None,
        "niFornecedorSubContratado": None,
        "nomeFornecedorSubContratado": None,
        "numeroControlePNCP": f"{orgao.cnpj}-2-{sequencial:06d}/{ano}",
        "receita": receita,
        "numeroParcelas": parcelas,
        "numeroRetificacao": 0,
        "tipoPessoaSubContratada": None,
        "objetoContrato": obj,
        "valorInicial": valor,
        "valorParcela": parcela,
        "valorGlobal": valor,
        "valorAcumulado": acumulado,
        "dataAtualizacaoGlobal": ts,
        "identificadorCipi": None,
        "urlCipi": None,
        "usuarioNome": usuario,
    }


# --------------------------------------------------------------------------------------
# Atas
# --------------------------------------------------------------------------------------


def ata(rng: random.Random, *, compra: dict, sequencial_ata: int, published_at: datetime) -> dict:
    """A flat /v1/atas(/atualizacao) record with date-only dates."""
    pub = published_at
    assin = pub - timedelta(days=int(rng.expovariate(0.3)))
    inicio = assin if rng.random() < 0.6 else assin + timedelta(days=rng.randint(1, 7))
    r = rng.random()
    if r < 0.001:  # real data has typos like "7203-07-27"
        fim_s = f"{rng.randint(2100, 9999)}{_d(inicio)[4:]}"
    else:
        if r < 0.80:
            fim = inicio + timedelta(days=364 if rng.random() < 0.5 else 365)
        elif r < 0.95:
            fim = inicio + timedelta(days=730 + rng.randint(-1, 3))
        else:
            fim = inicio + timedelta(days=rng.choice((90, 180, 240)))
        fim_s = _d(fim)
    n = rng.randint(1, 500)
    r = rng.random()
    if r < 0.45:
        numero = f"{n:05d}"
    elif r < 0.75:
        numero = str(n)
    elif r < 0.9:
        numero = f"{n}/{pub.year}"
    else:
        numero = f"ARP {n:03d}/{pub.year}"
    orgao = compra.get("orgaoEntidade") or {}
    unidade = compra.get("unidadeOrgao") or {}
    usuario = compra.get("usuarioNome") or "Compras.gov.br"
    if usuario == "Compras.gov.br":
        usuario = "Contratos.gov.br" if rng.random() < 0.8 else usuario
    ds = _d(pub)
    return {
        "numeroControlePNCPAta": f"{compra['numeroControlePNCP']}-{sequencial_ata:06d}",
        "numeroAtaRegistroPreco": numero,
        "anoAta": pub.year,
        "numeroControlePNCPCompra": compra["numeroControlePNCP"],
        "cancelado": False,
        "dataCancelamento": None,
        "dataAssinatura": _d(assin),
        "vigenciaInicio": _d(inicio),
        "vigenciaFim": fim_s,
        "dataPublicacaoPncp": ds,
        "dataInclusao": ds,
        "dataAtualizacao": ds,
        "dataAtualizacaoGlobal": ds,
        "usuario": usuario,
        "objetoContratacao": compra.get("objetoCompra") or "",
        "cnpjOrgao": orgao.get("cnpj"),
        "nomeOrgao": orgao.get("razaoSocial"),
        "cnpjOrgaoSubrogado": None,
        "nomeOrgaoSubrogado": None,
        "codigoUnidadeOrgao": unidade.get("codigoUnidade"),
        "nomeUnidadeOrgao": unidade.get("nomeUnidade"),
        "codigoUnidadeOrgaoSubrogado": None,
        "nomeUnidadeOrgaoSubrogado": None,
    }


# --------------------------------------------------------------------------------------
# Amendments
# --------------------------------------------------------------------------------------


def _copy(record: dict) -> dict:
    out = {}
    for k, v in record.items():
        if isinstance(v, dict):
            v = dict(v)
        elif isinstance(v, list):
            v = list(v)
        out[k] = v
    return out


def _date_plus(s: str | None, days: int, default: datetime) -> str:
    try:
        d = date.fromisoformat(s[:10]) if s else default.date()
    except ValueError:
        d = default.date()
    try:
        return (d + timedelta(days=days)).isoformat()
    except OverflowError:
        return d.isoformat()


def amend_itens(rng: random.Random, itens: list[dict], at: datetime) -> list[dict]:
    """The itens after one amendment of their compra: some amendments homologate it (every item still
    in andamento gets its result), most others leave the itens alone, the rest re-price an item,
    change its quantity or close it, stamping ``dataAtualizacao``. Never mutates."""
    out = list(itens)
    r = rng.random()
    if not out or 0.4 <= r < 0.7:
        return out
    if r < 0.4:
        for pos, item in enumerate(out):
            if not item.get("temResultado") and item.get("situacaoCompraItem") == 1:
                item = _copy(item)
                item.update(temResultado=True, situacaoCompraItem=2, situacaoCompraItemNome=_SITUACAO_ITEM[2],
                            dataAtualizacao=_ts(at))
                out[pos] = item
        return out
    for pos in sorted(rng.sample(range(len(out)), min(len(out), rng.choice((1, 1, 2))))):
        item = _copy(out[pos])
        r = rng.random()
        if r < 0.5 and item.get("valorUnitarioEstimado"):
            item["valorUnitarioEstimado"] = round(item["valorUnitarioEstimado"] * rng.uniform(0.8, 1.2) + 0.01, 2)
            item["valorTotal"] = round(item["valorUnitarioEstimado"] * (item.get("quantidade") or 1.0), 2)
        elif r < 0.75:
            item["quantidade"] = float((item.get("quantidade") or 1.0) + rng.randint(1, 10))
            item["valorTotal"] = round((item.get("valorUnitarioEstimado") or 0.0) * item["quantidade"], 2)
        else:
            new = 3 if item.get("situacaoCompraItem") != 3 else 1
            item["situacaoCompraItem"] = new
            item["situacaoCompraItemNome"] = _SITUACAO_ITEM[new]
        item["dataAtualizacao"] = _ts(at)
        out[pos] = item
    return out


_MOTIVOS_CANCELAMENTO = ("Desistência do fornecedor", "Fornecedor não assinou a ata no prazo",
                         "Recusa na entrega da documentação de habilitação", "Anulação do item por decisão administrativa")


def amend_resultados(rng: random.Random, rows: list[dict], at: datetime, cancel_share: float = 0.15) -> list[dict]:
    """The results of an item after one later amendment of their compra: a few are cancelled
    (situação 2, dataCancelamento and motivoCancelamento set, dataAtualizacao stamped). Never mutates."""
    live = [i for i, r in enumerate(rows) if r["situacaoCompraItemResultadoId"] == 1]
    if not live or rng.random() >= cancel_share:
        return rows
    out = list(rows)
    pos = rng.choice(live)
    row = dict(out[pos])
    row.update(dataCancelamento=_ts(at), dataAtualizacao=_ts(at), motivoCancelamento=rng.choice(_MOTIVOS_CANCELAMENTO),
               situacaoCompraItemResultadoId=2, situacaoCompraItemResultadoNome="Cancelado")
    out[pos] = row
    return out


def amend(rng: random.Random, entity: str, record: dict, at: datetime) -> dict:
    """A new version of ``record`` changed as a real update would; never mutates ``record``."""
    out = _copy(record)
    if entity == "contratacoes":
        situ = out.get("situacaoCompraId")
        final = situ in (2, 3)
        changes = 0
        while changes == 0 or rng.random() < 0.2:
            changes += 1
            r = rng.random()
            if r < 0.50 and not final:
                est = out.get("valorTotalEstimado") or 0.0
                base = est if est > 0 else _money(rng, 50_000, 1.4)
                f = rng.uniform(1.0, 1.8) if out.get("modalidadeId") in (1, 13) else rng.uniform(0.55, 1.0)
                v = round(base * f, 2)
                if v == out.get("valorTotalHomologado"):
                    v = round(v + 0.01, 2)
                out["valorTotalHomologado"] = v
            elif r < 0.70 and not final:
                enc = _parse_ts(out.get("dataEncerramentoProposta"))
                base = enc or at
                out["dataEncerramentoProposta"] = _ts((base + timedelta(days=rng.randint(3, 20))).replace(second=0))
            elif r < 0.82 or final:
                obj = out.get("objetoCompra") or ""
                stripped = obj.strip()
                if stripped != obj:
                    out["objetoCompra"] = stripped
                elif rng.random() < 0.5 and not obj.endswith(" - RETIFICADO"):
                    out["objetoCompra"] = obj + " - RETIFICADO"
                else:
                    out["objetoCompra"] = obj.upper() if obj != obj.upper() else obj.capitalize() + "."
            else:
                if situ == 4:
                    new = 1
                else:
                    x = rng.random()
                    new = 4 if x < 0.4 else (2 if x < 0.75 else 3)
                out["situacaoCompraId"] = new
                out["situacaoCompraNome"] = _SITUACAO_COMPRA[new]
                situ = new
                final = new in (2, 3)
        ts = _ts(at)
        out["dataAtualizacao"] = ts
        out["dataAtualizacaoGlobal"] = ts
        return out
    if entity == "contratos":
        out["numeroRetificacao"] = (out.get("numeroRetificacao") or 0) + 1
        r = rng.random()
        glob = out.get("valorGlobal") or 0.0
        if r < 0.4:  # aditivo de valor
            novo = round(glob * rng.uniform(1.05, 1.25), 2) if glob else _money(rng, 20_000, 1.5)
            out["valorGlobal"] = novo
            if out.get("valorAcumulado") is not None:
                out["valorAcumulado"] = novo
        elif r < 0.75:  # prorrogação
            out["dataVigenciaFim"] = _date_plus(out.get("dataVigenciaFim"), rng.choice((90, 180, 365, 365)), at)
        else:  # execução / apostilamento: the accumulated value grows towards valorGlobal
            cur = out.get("valorAcumulado") or 0.0
            if glob and cur < glob:
                out["valorAcumulado"] = round(cur + (glob - cur) * rng.uniform(0.2, 1.0), 2)
            else:
                out["dataVigenciaFim"] = _date_plus(out.get("dataVigenciaFim"), 365, at)
        ts = _ts(at)
        out["dataAtualizacao"] = ts
        out["dataAtualizacaoGlobal"] = ts
        return out
    if entity == "atas":
        ds = _d(at)
        if out.get("cancelado"):
            out["vigenciaFim"] = out.get("dataCancelamento") or ds
            if out["vigenciaFim"] == record.get("vigenciaFim"):
                out["vigenciaFim"] = _date_plus(record.get("vigenciaFim"), -1, at)
        elif rng.random() < 0.3:
            out["cancelado"] = True
            out["dataCancelamento"] = ds
        else:
            out["vigenciaFim"] = _date_plus(out.get("vigenciaFim"), 365, at)
            if out["vigenciaFim"] == record.get("vigenciaFim"):  # e.g. a year-9999 typo cannot grow
                out["cancelado"] = True
                out["dataCancelamento"] = ds
        out["dataAtualizacao"] = ds
        out["dataAtualizacaoGlobal"] = ds
        return out
    raise ValueError(f"unknown entity {entity!r}; expected 'contratacoes', 'contratos' or 'atas'")
