"""An API that answers "nothing" everywhere is a fault, never a day without data."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import dagster as dg
import pytest

from baliza_assets.lib import completeness as C
from baliza_sandbox import Sandbox
from baliza_sandbox.faults import Faults

from .conftest import DAY
from .pipeline import materialize, resources

ITENS = (dg.AssetSelection.assets(["raw", "contratacoes"], ["raw", "itens"], ["raw", "arquivos"], ["staging", "itens"],
                                  ["staging", "arquivos"])
         | dg.AssetSelection.checks_for_assets(["raw", "itens"], ["raw", "arquivos"]))


def _evaluations(result) -> dict:
    return {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}


def test_every_compra_not_registered_fails_completeness_and_blocks_staging(world, serve, tmp_path):
    sandbox = Sandbox(world, Faults())
    sandbox.details_unregistered = True
    with dg.instance_for_test() as instance, serve(sandbox) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=ITENS, raise_on_error=False)
    compras = len(world.published("contratacoes", DAY))
    checks = _evaluations(result)
    for kind in ("itens", "arquivos"):
        check = checks[(f"raw/{kind}", "completeness")]
        assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
        assert check.metadata["compras"].value == compras and check.metadata["missing"].value == compras
        assert f"{compras} of {compras} compras (100.0%) have no {kind}" in check.description
        assert "HTTP 404 (not registered)" in check.metadata["missing_compras"].value
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw/contratacoes", "raw/itens", "raw/arquivos"}, "staging must not be materialized"


def test_a_clean_day_passes_completeness_with_exact_counts(world, serve, tmp_path):
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=ITENS)
    compras = world.published("contratacoes", DAY)
    empty = sum(1 for c in compras if not world.arquivos(c))
    checks = _evaluations(result)
    itens, arquivos = checks[("raw/itens", "completeness")], checks[("raw/arquivos", "completeness")]
    assert itens.passed and arquivos.passed
    assert itens.metadata["compras"].value == len(compras) and itens.metadata["missing"].value == 0
    assert arquivos.metadata["empty"].value == empty


def test_a_moved_detail_route_fails_the_step_naming_url_and_body(world, serve, tmp_path):
    listing = dg.AssetSelection.assets(["raw", "contratacoes"])
    itens = dg.AssetSelection.assets(["raw", "itens"])
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        assert materialize(resources(ep, tmp_path), instance, DAY, selection=listing).success
        moved = SimpleNamespace(consulta=ep.consulta, detail=ep.detail + "/v2")
        result = materialize(resources(moved, tmp_path), instance, DAY, selection=itens, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = str(failure.event_specific_data.error)
    assert "No message available" in message and "/v2/v1/orgaos/" in message
    assert "not PNCP's \"not registered\" answer" in message
    assert not result.get_asset_materialization_events()


def _quiet_modalidades(sandbox: Sandbox, day: date, modalidades) -> None:
    d = day.strftime("%Y%m%d")
    for m in modalidades:
        sandbox.dropped.add(f"/api/consulta/v1/contratacoes/publicacao?dataInicial={d}&dataFinal={d}"
                            f"&codigoModalidadeContratacao={m}&pagina=1&tamanhoPagina=50")


def test_a_collapsed_weekday_fails_volume_and_a_sunday_does_not(world, serve, tmp_path):
    from baliza_sandbox import records

    raw = dg.AssetSelection.assets(["raw", "contratacoes"]) | dg.AssetSelection.checks_for_assets(["raw", "contratacoes"])
    sandbox = Sandbox(world, Faults())
    _quiet_modalidades(sandbox, DAY, [m["id"] for m in records.MODALIDADES])
    volume = {}
    with dg.instance_for_test() as instance, serve(sandbox) as ep:
        res = resources(ep, tmp_path)
        sunday = DAY - timedelta(days=4)
        # four Thursdays back, one of them Corpus Christi (2025-06-19), a quiet day that is no reference
        for day in [DAY - timedelta(weeks=w) for w in (4, 3, 2, 1)] + [sunday - timedelta(weeks=w) for w in (3, 2, 1)]:
            assert materialize(res, instance, day, selection=raw).success
        for day in (sunday, DAY):
            result = materialize(res, instance, day, selection=raw, raise_on_error=False)
            volume[day] = _evaluations(result)[("raw/contratacoes", "volume")]
    assert volume[sunday].passed, volume[sunday].description
    assert volume[sunday].metadata["quiet_day"].value is True
    collapsed = volume[DAY]
    assert not collapsed.passed and collapsed.severity == dg.AssetCheckSeverity.ERROR
    assert collapsed.metadata["records"].value == 0 and collapsed.metadata["reference_days"].value == 3
    assert "0 contratacoes_publicacao records, 0% of the median" in collapsed.description


@pytest.mark.parametrize("day, quiet", [
    (date(2025, 3, 4), True),  # Carnaval Tuesday
    (date(2025, 4, 18), True),  # Good Friday (Easter 2025-04-20)
    (date(2025, 6, 19), True),  # Corpus Christi
    (date(2025, 11, 20), True),  # Consciência Negra
    (date(2025, 7, 13), True),  # a Sunday
    (date(2025, 7, 10), False),  # an ordinary Thursday
])
def test_quiet_days(day, quiet):
    assert C.is_quiet(day) is quiet


def test_comparable_days_and_the_empty_threshold():
    days = [date(2025, 7, 10) - timedelta(days=i) for i in range(1, 30)]
    thursdays = C.comparable(date(2025, 7, 10), days)
    assert thursdays and all(d.weekday() == 3 for d in thursdays)
    assert all(C.is_quiet(d) for d in C.comparable(date(2025, 7, 13), days))
    assert C.empty_threshold(500, 0.05, 4.0) < 500 * 0.1  # a day of 500 compras: 10% empty is a collapse
    assert C.empty_threshold(500, 0.05, 4.0) > 500 * 0.05
