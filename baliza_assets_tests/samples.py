"""The real PNCP captures in pncp_samples/ and JSON shape comparison against them."""

from __future__ import annotations

import json
from pathlib import Path

from baliza_assets.lib.drift import shape as drift_shape
from baliza_assets.lib.drift import type_name

SAMPLES = Path(__file__).resolve().parent / "pncp_samples"


def _type_name(v) -> str:
    """drift's JSON type names, with numbers told apart as int and float."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return "int" if isinstance(v, int) else "float"
    return type_name(v)


def shape(obj) -> dict[str, set[str]]:
    """JSON key path -> set of type names (int and float apart), on the JSON round-trip of ``obj``."""
    return drift_shape(json.loads(json.dumps(obj)), _type_name)


def union_shape(records) -> dict[str, set[str]]:
    acc: dict[str, set[str]] = {}
    for r in records:
        for k, v in shape(r).items():
            acc.setdefault(k, set()).update(v)
    return acc


def assert_shape_matches(generated, real, *, ignore: frozenset[str] = frozenset()):
    g = union_shape(generated)
    r = union_shape(real)
    gk = {k for k in g if k.split(".")[0] not in ignore}
    rk = {k for k in r if k.split(".")[0] not in ignore}
    assert gk == rk, f"missing={sorted(rk - gk)} extra={sorted(gk - rk)}"
    for path in gk:
        real_nonnull = r[path] - {"null"}
        if not real_nonnull:
            continue  # the real sample only has null here: anything goes
        gen_nonnull = g[path] - {"null"}
        assert gen_nonnull <= real_nonnull, f"{path}: generated {sorted(gen_nonnull)} vs real {sorted(real_nonnull)}"


def load(name: str):
    with open(SAMPLES / name, encoding="utf-8") as f:
        return json.load(f)


def real_records(kind: str) -> list[dict]:
    if kind == "contratacoes_2024":
        return load("contratacoes_publicacao_page.json")["data"]["data"]
    if kind == "contratacoes_all":
        return (load("contratacoes_publicacao_page.json")["data"]["data"]
                + load("contratacoes_atualizacao_page.json")["data"]["data"]
                + load("contratacoes_records_sp_2025_2026.json"))
    if kind == "contratacoes_sp":
        return load("contratacoes_records_sp_2025_2026.json")
    if kind == "detalhe":
        return [load("compra_detalhe.json")] + [load(f)["det"] for f in _bundles()]
    if kind == "itens":
        return load("itens.json") + [i for f in _bundles() for i in load(f)["itens"]]
    if kind == "arquivos":
        by = load("arquivos_by_compra_400.json")
        return load("arquivos.json") + [a for v in by.values() for a in v] + [a for f in _bundles() for a in load(f)["arquivos"]]
    if kind == "resultados":
        return load("resultados.json")
    if kind == "contratos":
        return (load("contratos_page.json")["data"]["data"] + load("contratos_page_500.json")["data"]
                + load("contratos_atualizacao_page.json")["data"]["data"])
    if kind == "atas":
        return load("atas_atualizacao_page.json")["data"]["data"] + load("atas_page_500.json")["data"]
    raise KeyError(kind)


def _bundles() -> list[str]:
    return ["compra_bundle_00394452000103_2026_19867.json", "compra_bundle_07954480000179_2026_22952.json"]
