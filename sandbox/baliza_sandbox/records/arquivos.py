"""Arquivos (documents) of a compra."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .formats import _parse_ts, _ts
from .tables import _TIPO_DOCUMENTO
from .weighted import cum

# Real distribution of arquivos per compra (400 pregões, arquivos_by_compra_400.json) plus a few 0s.
_ARQ_COUNT_VALS, _ARQ_COUNT_CUM = cum([(0, 4), (1, 298), (2, 19), (3, 14), (4, 11), (5, 8), (6, 9), (7, 20), (8, 6), (9, 6), (10, 4), (11, 1), (12, 4)])


def arquivos_count(rng: random.Random) -> int:
    """Arquivos per compra: mean ≈ 2.1, median 1, ~74% exactly one, max 12, a few 0."""
    return rng.choices(_ARQ_COUNT_VALS, cum_weights=_ARQ_COUNT_CUM)[0]


_DOC_MIX_VALS, _DOC_MIX_CUM = cum([(2, 402), (16, 280), (4, 101), (7, 66), (10, 4), (9, 4), (3, 6), (6, 3)])
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
