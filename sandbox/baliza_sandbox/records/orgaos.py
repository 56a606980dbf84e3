"""Órgãos and their unidades: a deterministic pool, municipal-heavy, of every esfera and poder."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .geography import _MUN_BY_UF, _UF, _UF_MUNICIPAL_WEIGHT, _plain_upper
from .ids import _cnpj_dvs, valid_cnpj
from .weighted import Weighted, cum


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


_MUN_KINDS = cum([("MUN", 62), ("CAM", 13), ("FMS", 12), ("SAAE", 2), ("PREV", 2), ("FMAS", 2), ("TRANS", 1), ("CONS", 6)])
_EST_KINDS = cum([("EST", 60), ("TJ", 6), ("AL", 5), ("MP", 5), ("TCE", 3), ("DER", 4), ("UNIV", 4), ("FES", 5), ("DEF", 3), ("DETRAN", 3)])
# The level of each new órgão of the pool: municipal, estadual, federal or the Distrito Federal.
_ESFERAS = Weighted([("M", 0.70), ("E", 0.18), ("F", 0.10), ("D", 0.02)])
_EST_RAZAO = {
    "TJ": ("TRIBUNAL DE JUSTICA DO ESTADO {DO} {UFN}", "J"), "AL": ("ASSEMBLEIA LEGISLATIVA DO ESTADO {DO} {UFN}", "L"),
    "MP": ("MINISTERIO PUBLICO DO ESTADO {DO} {UFN}", "N"), "TCE": ("TRIBUNAL DE CONTAS DO ESTADO {DO} {UFN}", "E"),
    "DER": ("DEPARTAMENTO DE ESTRADAS DE RODAGEM DO ESTADO {DO} {UFN}", "E"), "UNIV": ("UNIVERSIDADE ESTADUAL {DO} {UFN}", "E"),
    "FES": ("FUNDO ESTADUAL DE SAUDE {DO} {UFN}", "N"), "DEF": ("DEFENSORIA PUBLICA DO ESTADO {DO} {UFN}", "E"),
    "DETRAN": ("DEPARTAMENTO ESTADUAL DE TRANSITO {DO} {UFN}", "E"),
}


def _pick_unused(rng: random.Random, table, used) -> str | None:
    vals, cums = table
    avail = [(v, cums[i] - (cums[i - 1] if i else 0.0)) for i, v in enumerate(vals) if v not in used]
    if not avail:
        return None
    return rng.choices([v for v, _ in avail], weights=[w for _, w in avail])[0]


def orgao_pool(seed: int, n: int = 600) -> list[Orgao]:
    """A deterministic pool of órgãos (municipal-heavy, all esferas/poderes) with their unidades.

    Each órgão (one CNPJ) appears once: one "MUNICIPIO DE X" per municipality, one "ESTADO DE X" per
    UF, one "COMANDO DO EXERCITO", ... with several unidades where real órgãos have them.
    """
    rng = random.Random(seed)
    ufs_m, cum_m = cum(_UF_MUNICIPAL_WEIGHT.items())
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
        level = _ESFERAS.pick(rng)
        if level == "M":  # municipal
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
        elif level == "E":  # estadual
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
        elif level == "F":  # federal
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
