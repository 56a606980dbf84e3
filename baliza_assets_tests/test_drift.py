"""Payload drift: an added field warns and names it, a changed type errors and blocks staging."""

from __future__ import annotations

import dagster as dg
import pytest

from baliza_assets.lib import warehouse
from baliza_assets.lib.drift import Fingerprint, compare, load_baseline
from baliza_assets.lib.lake import Lake
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.world import DEFAULT_DRIFT, DriftRule

from .conftest import DAY
from .pipeline import materialize, resources

CONTRATOS = (dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"])
             | dg.AssetSelection.checks_for_assets(["raw", "contratos"]))


def _fp(*records) -> Fingerprint:
    fp = Fingerprint()
    for r in records:
        fp.add(r)
    return fp


def test_compare_names_added_missing_and_retyped_fields():
    base = {"types": {"a": ["number"], "b": ["null", "string"], "o": ["null", "object"], "o.x": ["string"]},
            "required": ["a", "b", "o", "o.x"]}
    assert compare(base, _fp({"a": 1, "b": None, "o": None})).describe() == "no drift"
    drift = compare(base, _fp({"a": "1", "b": "s", "o": {"y": 1}, "novo": True}))
    assert drift.added == ["novo", "o.y"] and drift.missing == ["o.x"]
    assert drift.retyped == [("a", ["number"], ["string"])] and drift.errors
    assert compare(base, _fp({"a": 2.5, "b": "s", "o": None})).describe() == "no drift", "ints and floats are numbers"


def test_the_sandbox_matches_the_baseline_built_from_real_captures(world):
    baseline = load_baseline()
    compras = world.published("contratacoes", DAY)
    for endpoint, records in (("contratacoes_publicacao", compras),
                              ("contratos_publicacao", world.published("contratos", DAY)),
                              ("atas_atualizacao", world.updated("atas", DAY)),
                              ("itens", [i for c in compras for i in world.itens(c)]),
                              ("arquivos", [a for c in compras for a in world.arquivos(c)])):
        drift = compare(baseline[endpoint], _fp(*records))
        assert not drift.errors, f"{endpoint}: {drift.describe()}"


def _run(world, serve, tmp_path, rule):
    drifted = World(seed=world.seed, volume=world.volume, now=world.now, drift=(*DEFAULT_DRIFT, rule))
    with dg.instance_for_test() as instance, serve(Sandbox(drifted, Faults())) as ep:
        return materialize(resources(ep, tmp_path), instance, DAY, selection=CONTRATOS, raise_on_error=False)


def _drift_evaluation(result):
    return next(e for e in result.get_asset_check_evaluations() if e.check_name == "payload_drift")


def test_an_added_field_warns_naming_it_and_staging_goes_on(world, serve, tmp_path):
    result = _run(world, serve, tmp_path, DriftRule("contratos", "valorEmendaPix", DAY, "add", 12.5))
    evaluation = _drift_evaluation(result)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert "added: valorEmendaPix" in evaluation.description
    assert "staging/contratos" in {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


@pytest.mark.parametrize("rule,message", [
    (DriftRule("contratos", "valorGlobal", DAY, "retype", str), "type changed: valorGlobal number -> string"),
    (DriftRule("contratos", "objetoContrato", DAY, "remove"), "missing: objetoContrato"),
])
def test_a_changed_type_or_a_missing_field_errors_and_blocks_staging(world, serve, tmp_path, rule, message):
    result = _run(world, serve, tmp_path, rule)
    evaluation = _drift_evaluation(result)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert message in evaluation.description
    assert {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()} == {"raw/contratos"}


def test_every_fingerprint_is_recorded_with_the_day_first_seen(world, serve, tmp_path):
    _run(world, serve, tmp_path, DriftRule("contratos", "valorEmendaPix", DAY, "add", 12.5))
    _run(world, serve, tmp_path, DriftRule("contratos", "valorGlobal", DAY, "retype", str))
    lake = Lake(str(tmp_path / "lake"))
    with warehouse.connect(str(tmp_path / "warehouse.sqlite"), lake) as con:
        assert warehouse.refresh_schema_versions_view(con, lake)
        rows = con.execute("SELECT endpoint, first_seen, days FROM meta.schema_versions ORDER BY fingerprint").fetchall()
    assert rows == [("contratos_publicacao", DAY, 1), ("contratos_publicacao", DAY, 1)]
