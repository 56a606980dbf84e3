"""Sending systems (``usuarioNome``) and the links they put in ``linkSistemaOrigem``."""

from __future__ import annotations

import hashlib
import random
import string

from .geography import _ACCENTS
from .orgaos import Orgao, Unidade
from .weighted import Weighted, cum

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
_SIS_VALS, _SIS_CUM = cum((s, s[2]) for s in _SISTEMAS)
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


# linkSistemaOrigem by link kind: a system without links leaves it null or empty; one with links
# misses it now and then; an órgão's own portal links in one of three forms.
_LINK_NONE = Weighted([(None, 0.9), ("", 0.1)])
_LINK_EMPTY = Weighted([("", 0.8), (None, 0.2)])
_LINK_SYSTEM = Weighted([(None, 0.06), ("link", 0.94)])
_LINK_OWN = Weighted([(None, 0.06), ("compras", 0.44), ("app2", 0.25), ("site", 0.25)])
_SYSTEM_LINK_KINDS = frozenset(("cnet", "bll", "pcp", "licitar", "ipm", "upper", "noscheme"))


def _link(rng: random.Random, kind: str | None, unidade: Unidade, numero: int, ano: int) -> str | None:
    if kind is None:
        return _LINK_NONE.pick(rng)
    if kind == "":
        return _LINK_EMPTY.pick(rng)
    form = (_LINK_SYSTEM if kind in _SYSTEM_LINK_KINDS else _LINK_OWN).pick(rng)
    if form is None:
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
    if form == "compras":
        return f"https://compras.{slug}.{unidade.ufSigla.lower()}.gov.br/"
    if form == "app2":
        return f"app2-compras.{slug}.{unidade.ufSigla.lower()}.gov.br/pesquisa/{rng.randint(1000, 99999)}"
    return f"https://{slug}.{unidade.ufSigla.lower()}.gov.br/"
