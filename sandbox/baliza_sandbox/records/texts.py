"""Free texts: objetos by kind of compra, informação complementar, justificativas."""

from __future__ import annotations

import random
from decimal import Decimal

from .orgaos import _PESSOAS, Unidade
from .weighted import Weighted

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


# How an objeto is typed: as written, in capitals, with a stray space, or with a note appended.
_OBJETO_STYLE = Weighted([("upper", 0.25), ("trailing space", 0.04), ("leading space", 0.01), ("note", 0.04),
                          ("as written", 0.66)])


def _objeto(rng: random.Random, kind: str, unidade: Unidade) -> tuple[str, int]:
    tpl, cat = rng.choice(_OBJETOS[kind])
    txt = tpl.format(unidade=unidade.nomeUnidade.strip(), mun=unidade.municipioNome, MUN=unidade.municipioNome.upper(), pessoa=rng.choice(_PESSOAS).title())
    style = _OBJETO_STYLE.pick(rng)
    if style == "upper":
        txt = txt.upper()
    elif style == "trailing space":
        txt += " "
    elif style == "leading space":
        txt = " " + txt
    elif style == "note":
        txt += ".  " + _INFO_COMPLEMENTAR[7]
    return txt, cat


_FROM_POOL = object()


def presence(p_null: float, p_empty: float) -> Weighted:
    """How often an optional text is null, empty, or else one of its pool (see ``_opt_text``)."""
    rest = 1 - Decimal(str(p_null)) - Decimal(str(p_empty))
    return Weighted([(None, p_null), ("", p_empty), (_FROM_POOL, float(rest))])


def _opt_text(rng: random.Random, presence: Weighted, pool) -> str | None:
    text = presence.pick(rng)
    return rng.choice(pool) if text is _FROM_POOL else text
