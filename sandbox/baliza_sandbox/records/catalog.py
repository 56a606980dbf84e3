"""The item catalog: materiais and serviços with their codes, units and base prices."""

from __future__ import annotations

import random

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
