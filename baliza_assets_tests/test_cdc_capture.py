"""CDC on the sandbox clock: capture a publication day, let PNCP amend and delete, list the day again
(as a sweep or a re-run does), and compare the change log, the history and the lake change sets with
the sandbox's ground truth."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

import dagster as dg
import polars as pl
import pytest

from baliza_assets.lib.lake import Lake
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults
from baliza_sandbox.server import running
from baliza_sandbox.world import PROFILES, Lifetime

from .conftest import DAY, NOW
from .pipeline import ASSETS, CHECKS, materialize, query, resources

LATER = NOW + timedelta(days=40)
# Records that all change within the month, and a few deletions.
CHANGING = dataclasses.replace(PROFILES["small"], delete_rate=0.05, lifetimes={
    e: Lifetime(1.0, ((1.0, 1, 30),)) for e in ("contratacoes", "contratos", "atas")})
CAPTURE = dg.AssetSelection.assets(
    ["raw", "contratacoes"], ["raw", "contratos"], ["raw", "itens"], ["staging", "contratacoes"],
    ["staging", "contratos"], ["staging", "itens"], ["cdc", "contratacoes"], ["cdc", "contratos"], ["cdc", "itens"])


def expected_ops(before: dict, after: dict) -> dict:
    """The changes the sandbox's two states imply after the first sighting: key -> I, U or D."""
    ops = {k: "D" for k in before.keys() - after.keys()}
    ops.update({k: "I" for k in after.keys() - before.keys()})
    ops.update({k: "U" for k in before.keys() & after.keys() if before[k] != after[k]})
    return ops


def sandbox_state(world: World) -> dict[str, dict]:
    compras = world.published("contratacoes", DAY)
    return {
        "contratacoes": {c["numeroControlePNCP"]: c for c in compras},
        "contratos": {c["numeroControlePNCP"]: c for c in world.published("contratos", DAY)},
        "itens": {(c["numeroControlePNCP"], i["numeroItem"]): i for c in compras for i in world.itens(c)},
    }


def change_log(db, entity: str, key: str) -> dict:
    rows = query(db, f"SELECT {key}, op FROM cdc.{entity}_changes WHERE partition_date = ? AND snapshot > "
                     f"(SELECT min(snapshot) FROM cdc.{entity}_changes WHERE partition_date = ?)", [DAY, DAY])
    assert len(rows) == len({r[:-1] for r in rows}), f"cdc.{entity}_changes has a key twice"
    return {(r[0] if len(r) == 2 else tuple(r[:-1])): r[-1] for r in rows}


@pytest.fixture(scope="module")
def captured_twice(tmp_path_factory):
    """DAY captured two days after it, then again 40 days later; returns (world, states, db, root, instance)."""
    world, tmp_path = World(seed=7, volume=CHANGING, now=NOW), tmp_path_factory.mktemp("cdc")
    with dg.instance_for_test() as instance, running(Sandbox(world, Faults())) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY, selection=CAPTURE).success
        first = sandbox_state(world)
        world.set_now(LATER)
        assert materialize(res, instance, DAY, selection=CAPTURE).success
        yield world, (first, sandbox_state(world)), tmp_path / "catalog.sqlite", tmp_path, instance, res


def test_the_change_log_equals_the_sandbox_ground_truth_op_by_op(captured_twice):
    world, (first, second), db, _, _, _ = captured_twice
    for entity in ("contratacoes", "contratos"):
        expected = expected_ops(first[entity], second[entity])
        truth = {}
        for key, op, _ in world.changes(entity, NOW, LATER):  # the sandbox's own event log
            if key in first[entity]:
                truth[key] = "D" if op == "D" or truth.get(key) == "D" else "U"
        assert expected == truth, f"{entity}: the sandbox's states and its event log disagree"
        assert {"U", "D"} <= set(expected.values()), f"{entity}: the scenario has amendments and deletions"
        assert change_log(db, entity, "numero_controle_pncp") == expected
    # The itens of a compra PNCP deleted are not requested again: they keep their last version (the marts
    # join them with the live compras); the other compras' itens changes are all seen.
    deleted = {k for k, op in change_log(db, "contratacoes", "numero_controle_pncp").items() if op == "D"}
    itens = {k: op for k, op in expected_ops(first["itens"], second["itens"]).items() if k[0] not in deleted}
    assert "U" in set(itens.values())
    assert change_log(db, "itens", "numero_controle_pncp_compra, numero_item") == itens


def test_updates_name_the_columns_that_changed_with_old_and_new_values(captured_twice):
    _, (first, second), db, _, _, _ = captured_twice
    rows = query(db, "SELECT numero_controle_pncp, changed_columns, changes, pncp_stamp, source, cdc_at "
                     "FROM cdc.contratos_changes WHERE op = 'U'")
    assert rows
    for key, columns, changes, stamp, source, seen in rows:
        assert "data_atualizacao_global" in columns and source == "publication" and stamp <= seen
        by_column = {c["column"]: (c["old"], c["new"]) for c in changes}
        assert sorted(by_column) == sorted(columns)
        before, after = first["contratos"][key], second["contratos"][key]
        if before["valorGlobal"] != after["valorGlobal"]:
            old, new = by_column["valor_global"]
            assert (float(old), float(new)) == (before["valorGlobal"], after["valorGlobal"])
        else:
            assert "valor_global" not in by_column
    deletes = query(db, "SELECT changed_columns FROM cdc.contratos_changes WHERE op = 'D'")
    assert deletes and all(c is None for (c,) in deletes)


def test_history_is_scd2_and_ends_deleted_records_with_a_tombstone(captured_twice):
    _, (first, second), db, _, _, _ = captured_twice
    versions = query(db, """SELECT numero_controle_pncp, valid_from, valid_to, ended_by FROM cdc.contratos_history
                            ORDER BY numero_controle_pncp, valid_from""")
    by_key: dict = {}
    for key, valid_from, valid_to, ended_by in versions:
        by_key.setdefault(key, []).append((valid_from, valid_to, ended_by))
    ops = expected_ops(first["contratos"], second["contratos"])
    assert set(by_key) == set(first["contratos"]) | set(second["contratos"])
    for key, chain in by_key.items():
        for (_, to, ended), (start, _, _) in zip(chain, chain[1:]):
            assert to == start and ended == "U", f"{key}: versions must follow each other"
        last_to, last_ended = chain[-1][1:]
        if ops.get(key) == "D":
            assert last_to is not None and last_ended == "D" and len(chain) == 1
        else:
            assert last_to is None and len(chain) == (2 if ops.get(key) == "U" else 1)
    current = query(db, "SELECT count(*) FROM cdc.contratos_history WHERE valid_to IS NULL")[0][0]
    assert current == len(second["contratos"])


def test_every_cdc_time_is_brasilia_time(captured_twice):
    """A capture runs seconds after its pages were collected: its snapshot's time and id, and the time its
    changes were seen, are one clock (Brasília, as PNCP stamps), not three hours apart."""
    _, _, db, _, _, _ = captured_twice
    rows = query(db, """SELECT s.snapshot, s.cdc_at, max(c.cdc_at) FROM cdc.snapshots s
                        JOIN cdc.contratos_changes c USING (snapshot) WHERE s.entity = 'contratos' GROUP BY ALL""")
    assert len(rows) == 2
    for snapshot, captured, seen in rows:
        assert timedelta(0) <= captured - seen < timedelta(hours=1), (snapshot, captured, seen)
        named = datetime.strptime(snapshot[:15], "%Y%m%d-%H%M%S")
        assert abs(named - captured) < timedelta(minutes=10), (snapshot, captured)


def test_the_lake_change_sets_rebuild_the_current_state(captured_twice):
    _, (first, second), _, root, _, _ = captured_twice
    lake = Lake(str(root / "lake"))
    files = sorted(k for k in lake.store.list("cdc/contratos/changes/") if f"date={DAY}" in k)
    assert len(files) == 2, "the first sighting (inserts) and the second (its changes)"
    inserts = pl.read_parquet(lake.store.uri(files[0]))
    assert set(inserts["numero_controle_pncp"]) == set(first["contratos"]) and set(inserts["op"]) == {"I"}
    # What a consumer does: apply the change sets in order, key by key.
    state = {}
    for f in files:
        for r in pl.read_parquet(lake.store.uri(f)).iter_rows(named=True):
            if r["op"] == "D":
                del state[r["numero_controle_pncp"]]
            else:
                state[r["numero_controle_pncp"]] = r
    assert set(state) == set(second["contratos"])
    assert {k: float(v["valor_global"]) for k, v in state.items()} == {
        k: v["valorGlobal"] for k, v in second["contratos"].items()}


def test_capturing_the_same_snapshot_again_records_nothing(captured_twice):
    _, (_, second), db, _, instance, res = captured_twice
    before = query(db, "SELECT count(*) FROM cdc.contratos_changes")[0][0]
    snapshots = query(db, "SELECT count(*) FROM cdc.snapshots")[0][0]
    result = materialize(res, instance, DAY, selection=dg.AssetSelection.assets(["cdc", "contratos"]))
    assert result.success
    assert query(db, "SELECT count(*) FROM cdc.contratos_changes")[0][0] == before
    assert query(db, "SELECT count(*) FROM cdc.snapshots")[0][0] == snapshots
    meta = result.get_asset_materialization_events()[0].materialization.metadata
    assert (meta["inserts"].value, meta["updates"].value, meta["deletes"].value) == (0, 0, 0)
    assert meta["already_recorded"].value == len(second["contratos"]), "every record seen is already recorded"


class ShortWorld(World):
    """PNCP answering consistently short: half of the contratos gone, with totals that agree."""

    short = False

    def published(self, entity, day, as_of=None, modalidade=None):
        rows = super().published(entity, day, as_of, modalidade)
        return rows[: len(rows) // 2] if self.short and entity == "contratos" else rows


def test_a_short_refresh_is_refused_and_never_becomes_mass_deletions(serve, tmp_path):
    world = ShortWorld(seed=7, volume="small", now=NOW)
    contratos = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"])
    db = tmp_path / "catalog.sqlite"
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY, selection=contratos).success
        history = query(db, "SELECT count(*) FROM cdc.contratos_history WHERE valid_to IS NULL")[0][0]
        world.short = True
        result = materialize(res, instance, DAY, selection=contratos, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.step_failure_data.error.message
    assert "refused the deletions of 1 scope(s)" in message and f"{DAY}: {history - history // 2} of {history} " \
        "records would be deleted" in message, message
    assert query(db, "SELECT count(*) FROM cdc.contratos_changes WHERE op != 'I'")[0][0] == 0
    assert query(db, "SELECT count(*) FROM cdc.contratos_history WHERE valid_to IS NULL")[0][0] == history


def test_atas_are_compared_key_by_key_across_update_days(serve, tmp_path):
    world = World(seed=7, volume=CHANGING, now=NOW)
    atas = dg.AssetSelection.assets(["raw", "atas"], ["staging", "atas"], ["cdc", "atas"])
    first = {a["numeroControlePNCPAta"] for a in world.updated("atas", DAY)}
    far = datetime.combine(DAY + timedelta(days=40), time())
    later_day = next(DAY + timedelta(days=n) for n in range(10, 31)
                     if first & {a["numeroControlePNCPAta"] for a in world.updated("atas", DAY + timedelta(days=n), far)})
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY, selection=atas).success
        world.set_now(datetime.combine(later_day + timedelta(days=1), time()))
        assert materialize(res, instance, later_day, selection=atas).success
        second = {a["numeroControlePNCPAta"] for a in world.updated("atas", later_day)}
    db = tmp_path / "catalog.sqlite"
    log = dict(query(db, "SELECT numero_controle_pncp_ata, op FROM cdc.atas_changes WHERE partition_date = ?",
                     [later_day]))
    assert first & second, "some atas of the first day were updated again"
    assert log == {k: ("U" if k in first else "I") for k in second}
    assert not query(db, "SELECT 1 FROM cdc.atas_changes WHERE op = 'D'")


def test_a_sweep_listing_that_does_not_reconcile_records_nothing(serve, tmp_path):
    """Three pages of contratos a day; the sweep's page 2 vanishes (204). Neither the amendments nor
    the deletions that listing would show are recorded from it, and the day's other listings are."""
    volume = dataclasses.replace(CHANGING, contratos=1200)
    world = World(seed=7, volume=volume, now=NOW)
    contratos = dg.AssetSelection.assets(["raw", "contratos"], ["staging", "contratos"], ["cdc", "contratos"])
    sweep = dg.AssetSelection.assets(["raw", "sweeps"], ["staging", "contratos"], ["cdc", "contratos"])
    later = DAY + timedelta(days=25)
    compact = DAY.strftime("%Y%m%d")
    sandbox = Sandbox(world, Faults())
    with dg.instance_for_test() as instance, serve(sandbox) as ep:
        res = resources(ep, tmp_path)
        assert materialize(res, instance, DAY, selection=contratos).success
        world.set_now(datetime.combine(later + timedelta(days=1), time(6)))
        sandbox.dropped.add(f"/api/consulta/v1/contratos?dataInicial={compact}&dataFinal={compact}&pagina=2"
                            "&tamanhoPagina=500")
        no_late_feed = {"ops": {"raw__sweeps": {"config": {"late_feed_days": 0}}}}
        assert dg.materialize([*ASSETS, *CHECKS], partition_key=later.isoformat(), resources=res, instance=instance,
                              selection=sweep, run_config=no_late_feed).success
    db = tmp_path / "catalog.sqlite"
    changed = {k for k, op, _ in world.changes("contratos", NOW, world.now)
               if k in {r["numeroControlePNCP"] for r in world.published("contratos", DAY, as_of=NOW)}}
    assert len(changed) > 100, "the sweep would have seen many changes"
    swept = query(db, "SELECT count(*) FROM staging.contratos WHERE partition_date = ? AND source = 'sweep'", [later])
    assert swept[0][0] > 0, "the sweep's pages are staged: the capture is what leaves them out"
    assert query(db, "SELECT count(*) FROM cdc.contratos_changes WHERE source = 'sweep'") == [(0,)]
