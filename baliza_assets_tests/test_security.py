"""Hostile values in PNCP payloads (served by the sandbox) cannot redirect requests or escape the lake."""

from __future__ import annotations

import copy
import re

import dagster as dg
import polars as pl
import pytest

from baliza_assets.lib.lake import Lake
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults

from .conftest import DAY
from .pipeline import materialize, resources

pytestmark = pytest.mark.e2e

DETAILS = dg.AssetSelection.assets(["raw", "contratacoes"], ["raw", "itens"], ["raw", "arquivos"],
                                   ["staging", "contratacoes"], ["raw", "contratos"], ["staging", "contratos"])
HOSTILE_CONTROLE = [
    "../../../../tmp/baliza-evil-1-000001/2025",
    "https://evil.example/api/v1/orgaos/1-000001/2025",
    "{cnpj}-1-000001/2025?redirect=http://evil.example/",
    "{cnpj}-1-%2e%2e%2f%2e%2e/2025",
]
LAKE_KEY = re.compile(r"^(raw|meta|cdc)(/[a-z_]+)+/date=\d{4}-\d{2}-\d{2}/[a-z0-9-]+\.parquet$")


class HostileWorld(World):
    """The first compras of DAY carry identifiers crafted to steer requests and file paths; one more
    keeps a valid identifier but names another órgão; a contrato carries a path in its key."""

    def published(self, entity, day, as_of=None, modalidade=None):
        rows = super().published(entity, day, as_of, modalidade)
        if day != DAY or entity not in ("contratacoes", "contratos"):
            return rows
        all_rows = super().published(entity, day, as_of)
        hostile = {}
        if entity == "contratacoes":
            for template, rec in zip(HOSTILE_CONTROLE, all_rows):
                bad = copy.deepcopy(rec)
                bad["numeroControlePNCP"] = template.format(cnpj=rec["orgaoEntidade"]["cnpj"])
                bad["linkSistemaOrigem"] = "http://evil.example/steal"
                hostile[rec["numeroControlePNCP"]] = bad
            spoof = copy.deepcopy(all_rows[len(HOSTILE_CONTROLE)])
            spoof["orgaoEntidade"]["cnpj"] = "../../../etc/passwd"
            hostile[all_rows[len(HOSTILE_CONTROLE)]["numeroControlePNCP"]] = spoof
        else:
            bad = copy.deepcopy(all_rows[0])
            bad["numeroControlePNCP"] = "../../../../tmp/baliza-evil-contrato"
            hostile[all_rows[0]["numeroControlePNCP"]] = bad
        return [hostile.get(r["numeroControlePNCP"], r) for r in rows]


def test_hostile_identifiers_never_reach_a_url_or_a_path(serve, tmp_path):
    from .conftest import NOW

    world = HostileWorld(seed=7, volume="small", now=NOW)
    sandbox = Sandbox(world, Faults())
    with dg.instance_for_test() as instance, serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=DETAILS, raise_on_error=False)
        instance_logs = [e for e in instance.all_logs(result.run_id) if e.user_message]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"raw/contratacoes", "raw/itens", "raw/arquivos", "raw/contratos"} <= materialized
    check = next(e for e in result.get_asset_check_evaluations()
                 if e.asset_key.to_user_string() == "staging/contratacoes" and e.check_name == "valid_records")
    assert not check.passed and check.metadata["rejected"].value == len(HOSTILE_CONTROLE) + 1, "into staging.rejects"
    requested = list(sandbox.requested)
    assert requested and all(u.startswith(("/api/consulta/v1/", "/api/pncp/v1/")) for u in requested)
    assert not [u for u in requested if ".." in u or "evil" in u or "%2e" in u.lower() or "passwd" in u]
    compras = world.published("contratacoes", DAY)
    good = [c for c in compras if "evil" not in c["numeroControlePNCP"] and c["orgaoEntidade"]["cnpj"].isdigit()
            and "%2e" not in c["numeroControlePNCP"]]
    assert len(good) == len(compras) - len(HOSTILE_CONTROLE) - 1
    itens_paths = {u.split("?")[0] for u in requested if u.split("?")[0].endswith("/itens")}
    assert len(itens_paths) == len(good), "itens were requested for every usable compra and no other"

    warnings = [e.user_message for e in instance_logs if "unusable identifiers" in e.message]
    assert warnings and "../../../../tmp/baliza-evil" in warnings[0]

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(tmp_path / "lake") or p.name.startswith("catalog.sqlite")
               or p.is_relative_to(tmp_path / ".duckdb_extensions") for p in files), files
    lake = Lake(str(tmp_path / "lake"))
    assert all(LAKE_KEY.match(k) for k in lake.store.list("")), lake.store.list("")
    # Nothing PNCP sent is lost: the hostile records are archived verbatim.
    archived = pl.concat([lake.read("raw/contratacoes", DAY), lake.read("raw/contratos", DAY)])
    text = b"".join(archived["payload"].to_list())
    assert all(t.format(cnpj="").encode()[:20] in text for t in HOSTILE_CONTROLE)
    assert b"../../../../tmp/baliza-evil-contrato" in text
