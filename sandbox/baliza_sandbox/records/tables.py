"""Domain tables of the PNCP records: modalidades and their daily mix, the enums' names, the
amparos legais, and each modalidade's profile (what its compras look like)."""

from __future__ import annotations

from .weighted import cum

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


# Per modalidade: amparo, modo de disputa, critério de julgamento, srp prob., template kinds,
# valor (median, sigma), prob. of sigiloso budget, prob. of homologado known at publication.
class _Prof:
    __slots__ = ("amparo", "modo", "criterio", "srp", "kinds", "vmed", "vsig", "p_sig", "p_hom", "presencial")

    def __init__(self, amparo, modo, criterio, srp, kinds, vmed, vsig, p_sig, p_hom, presencial=False):
        self.amparo = cum(amparo)
        self.modo = cum(modo)
        self.criterio = cum(criterio)
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
