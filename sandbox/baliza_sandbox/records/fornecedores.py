"""Fornecedores: a fixed pool of suppliers (companies and a few people), popular ones recurring."""

from __future__ import annotations

import random
import string

from .ids import _valid_cpf, valid_cnpj
from .weighted import Weighted

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
# A company's razão social: (rng, name, activity) -> text.
_RAZOES = Weighted([
    (lambda rng, a, act: f"{a} {act} LTDA", 0.35),
    (lambda rng, a, act: f"{a} & {rng.choice(_SOBRENOMES)} {act} LTDA", 0.15),
    (lambda rng, a, act: f"{''.join(rng.choices(string.ascii_uppercase, k=3))} {act} LTDA", 0.10),
    (lambda rng, a, act: f"{a} {act} EIRELI", 0.10),
    (lambda rng, a, act: f"{a} {act} LTDA - ME", 0.08),
    (lambda rng, a, act: f"{a} {act} LTDA.", 0.08),
    (lambda rng, a, act: f"{a} {act} S.A.", 0.06),
    (lambda rng, a, act: f"{rng.choice(_PRENOMES)} {rng.choice(_SOBRENOMES)} {rng.randint(10000000000, 99999999999) % 10**11:011d}", 0.08),
])
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
            nome = _RAZOES.pick(frng)(frng, a, act)
            porte = frng.choices((1, 2, 3, 5), weights=(45, 20, 33, 2))[0]
            out.append((valid_cnpj(frng), nome, "PJ", porte))
        _FORN = out
    return _FORN


def _fornecedor(rng: random.Random) -> tuple[str, str, str, int]:
    f = _fornecedores()
    x = rng.random()
    return f[int(x * x * len(f))]  # popular suppliers recur
