"""A snapshot of the asset graph: any change to keys, groups, deps, partitions, policies or pools
shows up in review. Regenerate with BALIZA_UPDATE_SNAPSHOTS=1 after a deliberate change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from baliza_assets.definitions import defs
from baliza_assets.settings import SettingsError

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def _freshness(node) -> str | None:
    policy = getattr(node, "freshness_policy", None)
    if policy is None:
        return None
    return f"{type(policy).__name__}({getattr(policy, 'deadline_cron', '')}, {getattr(policy, 'timezone', '')})"


def graph() -> dict:
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    out = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        spec = node.to_asset_spec() if hasattr(node, "to_asset_spec") else None
        policy = node.backfill_policy
        out[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "partitions": (None if node.partitions_def is None else
                           f"{type(node.partitions_def).__name__}({node.partitions_def.start.date()}, "
                           f"{node.partitions_def.timezone})"),
            "backfill_policy": None if policy is None else str(policy.policy_type.value),
            "pool": sorted(node.pools) or None,
            "kinds": sorted(spec.kinds) if spec else None,
            "io_manager": node.assets_def.get_io_manager_key_for_asset_key(key),
            "partition_expr": (node.metadata or {}).get("partition_expr"),
            "has_description": bool(node.description),
            "freshness": _freshness(node),
            "automation": node.automation_condition and (node.automation_condition.get_label()
                                                         or type(node.automation_condition).__name__),
            "checks": sorted(f"{spec.name}{' (blocking)' if spec.blocking else ''}"
                             for ck in graph.asset_check_keys if ck.asset_key == key
                             for spec in [graph.get_check_spec(ck)]),
        }
    return out


def schedules() -> dict:
    """Each schedule's cron, and the assets its runs materialize, resolved against the graph."""
    repo = defs.get_repository_def()
    return {s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone,
                     "targets": sorted(k.to_user_string() for k in s.target.resolvable_to_job.selection.resolve(repo.asset_graph))}
            for s in sorted(repo.schedule_defs, key=lambda s: s.name)}


def _matches(current: dict, snapshot: Path) -> bool:
    if os.environ.get("BALIZA_UPDATE_SNAPSHOTS"):
        snapshot.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
    return current == json.loads(snapshot.read_text())


def test_asset_graph_matches_snapshot():
    assert _matches(graph(), SNAPSHOT), "the asset graph changed; review, then regenerate with BALIZA_UPDATE_SNAPSHOTS=1"


def test_schedule_targets_match_snapshot():
    assert _matches(schedules(), SNAPSHOT.with_name("schedules.json")), (
        "a schedule's targets changed; review, then regenerate with BALIZA_UPDATE_SNAPSHOTS=1")


def _statuses(definitions) -> dict:
    repo = definitions.get_repository_def()
    return {s.name: (s.cron_schedule, s.execution_timezone, s.default_status.value) for s in repo.schedule_defs} | {
        s.name: s.default_status.value for s in repo.sensor_defs}


def test_schedules_and_sensors_run_from_the_start_only_in_production():
    from baliza_assets.definitions import build_definitions
    from baliza_assets.settings import Settings

    def expected(status):
        return {name: ("0 6 * * *", "America/Sao_Paulo", status)
                for name in ("daily_harvest", "daily_updates", "daily_sweep")} | {
            "warehouse_upkeep": ("0 3 * * *", "America/Sao_Paulo", status), "automation": status, "recovery": status}

    assert _statuses(defs) == expected("STOPPED"), "local development fetches nothing until asked"
    assert _statuses(build_definitions(Settings.from_env({"BALIZA_ENV": "production"}))) == expected("RUNNING")
    with pytest.raises(SettingsError, match="BALIZA_ENV='prod': expected one of local, production"):
        Settings.from_env({"BALIZA_ENV": "prod"})


def test_the_snapshot_retention_is_the_operators_and_reaches_the_upkeep():
    """Unset, the upkeep keeps every snapshot; set, it is a whole number of days, given to the warehouse resource."""
    from baliza_assets.defs.wiring import resources_for
    from baliza_assets.settings import Settings

    assert Settings.from_env({}).snapshot_retention_days is None
    assert resources_for(Settings.from_env({}))["warehouse"].snapshot_retention_days is None
    retained = Settings.from_env({"BALIZA_SNAPSHOT_RETENTION_DAYS": "400"})
    assert resources_for(retained)["warehouse"].snapshot_retention_days == 400
    with pytest.raises(SettingsError, match="BALIZA_SNAPSHOT_RETENTION_DAYS='0': expected a whole number above 0"):
        Settings.from_env({"BALIZA_SNAPSHOT_RETENTION_DAYS": "0"})


def test_every_asset_has_owners_and_a_reference_to_its_source():
    from baliza_assets.definitions import REPOSITORY_ROOT

    specs = [spec for a in defs.get_repository_def().assets_defs_by_key.values() for spec in a.specs]
    assert len({s.key for s in specs}) == 29
    for spec in specs:
        assert spec.owners == ["team:baliza"], spec.key
        (ref,) = spec.metadata["dagster/code_references"].code_references
        path = Path(ref.file_path)
        assert path.is_relative_to(REPOSITORY_ROOT / "baliza_assets" / "defs") and path.exists(), spec.key
        assert ref.line_number >= 1


def test_code_references_link_to_the_repository_when_it_is_known():
    from baliza_assets.definitions import _described, _layers
    from baliza_assets.settings import Settings

    settings = Settings.from_env({"BALIZA_GIT_URL": "https://github.com/baliza/baliza", "BALIZA_GIT_BRANCH": "v2"})
    assets = _described([a for layer in _layers for a in layer.assets or ()], settings)
    for a in assets:
        for spec in a.specs:
            (ref,) = spec.metadata["dagster/code_references"].code_references
            assert ref.url.startswith("https://github.com/baliza/baliza/tree/v2/baliza_assets/defs/"), ref.url
            assert ref.url.split("#L")[-1].isdigit()


def test_the_days_work_is_ordered_by_run_priority():
    """New publications first, then the update feed and its targeted details, then the sweep; a
    backfill (priority 0) after them all. Each run says what its requests are for."""
    import dagster as dg

    repo = defs.get_repository_def()
    tags = {}
    for name in ("daily_harvest", "daily_updates", "daily_sweep"):
        context = dg.build_schedule_context(scheduled_execution_time=__import__("datetime").datetime(2025, 7, 11, 6))
        request = repo.get_schedule_def(name)(context)
        assert request.partition_key == "2025-07-10"
        tags[name] = (int(request.tags["dagster/priority"]), request.tags["baliza/purpose"])
    assert tags == {"daily_harvest": (30, "publication"), "daily_updates": (20, "update_feed"),
                    "daily_sweep": (10, "sweep")}


def test_every_asset_is_documented_and_layered():
    for key, node in graph().items():
        assert node["has_description"], f"{key} has no docstring"
        assert key.split("/")[0] in ("raw", "staging", "marts", "cdc", "warehouse"), key
        assert node["group"] == key.split("/")[0], f"{key} is in group {node['group']}: a group is its keys' layer"
        assert node["freshness"], f"{key} has no freshness policy"


# What each asset reads, as the code reads it: the graph the UI draws is the path the data takes.
INPUTS = {
    "staging/contratacoes": ["raw/atualizacoes", "raw/contratacoes", "raw/sweeps"],
    "staging/contratos": ["raw/atualizacoes", "raw/contratos", "raw/sweeps"],
    "staging/atas": ["raw/atas", "raw/sweeps"],
    "staging/itens": ["raw/itens", "raw/itens_updated"],
    "staging/arquivos": ["raw/arquivos", "raw/arquivos_updated"],
    "staging/resultados": ["raw/resultados", "raw/resultados_updated"],
    **{f"cdc/{e}": [f"staging/{e}"] for e in ("contratacoes", "contratos", "atas", "itens", "arquivos", "resultados")},
    "marts/daily_spend": ["cdc/contratacoes"],
    "marts/price_evidence": ["cdc/contratacoes", "cdc/itens", "cdc/resultados"],
    "marts/item_price_references": ["cdc/contratacoes", "cdc/itens", "marts/price_evidence"],
    "marts/supplier_profiles": ["cdc/contratos"],
    "marts/buyer_profiles": ["cdc/contratacoes", "cdc/contratos"],
}


def test_each_asset_declares_exactly_the_inputs_it_reads():
    """Staging reads the raw tables of every source of its entity, CDC reads staging and nothing else
    from raw, and the marts read CDC's current state."""
    deps = {key: node["deps"] for key, node in graph().items()}
    assert {key: deps[key] for key in INPUTS} == INPUTS
    assert all(d.startswith("cdc/") or d.startswith("marts/") for k in deps if k.startswith("marts/") for d in deps[k])
