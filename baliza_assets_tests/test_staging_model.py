"""pandera models on staging: failing records go to staging.rejects with the reason, good rows flow on,
and a flood of failures blocks the marts."""

from __future__ import annotations

import dagster as dg

from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.world import DEFAULT_DRIFT, DriftRule

from .conftest import DAY
from .pipeline import materialize, query, resources

SELECTION = (dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"],
                                      ["marts", "supplier_profiles"])
             | dg.AssetSelection.checks_for_assets(["raw", "contratos"], ["staging", "contratos"]))


def _run(world, serve, tmp_path, negate):
    rule = DriftRule("contratos", "valorGlobal", DAY, "retype", lambda v: -v if negate(v) else v)
    drifted = World(seed=world.seed, volume=world.volume, now=world.now, drift=(*DEFAULT_DRIFT, rule))
    with dg.instance_for_test() as instance, serve(Sandbox(drifted, Faults())) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=SELECTION, raise_on_error=False)
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "valid_records")
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    return drifted, check, done


def test_a_few_bad_records_are_rejected_with_reasons_and_the_rest_flows_on(world, serve, tmp_path):
    drifted, check, done = _run(world, serve, tmp_path, lambda v: int(v) % 40 == 0)
    truth = {c["numeroControlePNCP"]: c["valorGlobal"] for c in drifted.published("contratos", DAY)}
    negative = {k for k, v in truth.items() if v < 0}
    assert 0 < len(negative) < 0.05 * len(truth)
    db = tmp_path / "catalog.sqlite"
    staged = {r[0] for r in query(db, "SELECT numero_controle_pncp FROM staging.contratos")}
    assert staged == set(truth) - negative
    rejects = dict(query(db, "SELECT record_key, reason FROM staging.rejects WHERE entity = 'contratos'"))
    assert set(rejects) == negative
    assert all(r.startswith("valor_global: greater_than_or_equal_to(0) (-") for r in rejects.values())
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert f"{len(negative)} of {len(truth)} records rejected" in check.description
    assert "marts/supplier_profiles" in done, "a warning must not block the marts"


def test_a_flood_of_bad_records_blocks_the_marts(world, serve, tmp_path):
    drifted, check, done = _run(world, serve, tmp_path, lambda v: v > 0)
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert "staging/contratos" in done and "marts/supplier_profiles" not in done
    n, = query(tmp_path / "catalog.sqlite", "SELECT count(*) FROM staging.rejects")[0]
    assert n == len([c for c in drifted.published("contratos", DAY) if c["valorGlobal"] and c["valorGlobal"] < 0])
