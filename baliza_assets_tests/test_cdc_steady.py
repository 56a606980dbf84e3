"""CDC over many days on the sandbox clock, as the schedules run it: each morning yesterday's
publications, update feed, targeted details and sweep. The change log must equal the sandbox's
ground-truth event log, operation by operation, for amendments, backdated amendments and deletions."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import dagster as dg
import polars as pl
import pytest

from baliza_assets.cli import payload
from baliza_assets.defs.schedules import DAILY_WORK
from baliza_assets.lib.lake import Lake
from baliza_assets.lib.pncp import CompraRef
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import profile
from baliza_sandbox.server import running
from baliza_sandbox.world import Lifetime, Volume

from .pipeline import materialize, query, resources

pytestmark = pytest.mark.e2e

FIRST = date(2025, 7, 1)
DAYS = 13
# A busy little world: every record is likely to change within three weeks, often backdated.
BUSY = Volume(contratacoes=14, contratos=18, atas=6, lifetimes={
    "contratacoes": Lifetime(0.8, ((1.0, 1, 20),)), "contratos": Lifetime(0.8, ((1.0, 1, 20),)),
    "atas": Lifetime(0.5, ((1.0, 1, 20),))}, delete_rate=0.06, backdate_rate=0.3)
DAILY = DAILY_WORK[0].selection | DAILY_WORK[1].selection | DAILY_WORK[2].selection
KEYS = {"contratacoes": "numero_controle_pncp", "contratos": "numero_controle_pncp"}


def morning(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(6))


def run_day(res, instance, world: World, day: date) -> None:
    world.set_now(morning(day))
    assert materialize(res, instance, day, selection=DAILY).success


@pytest.fixture(scope="module")
def steady(tmp_path_factory):
    world = World(seed=5, volume=BUSY, now=morning(FIRST), first_day=FIRST)
    root = tmp_path_factory.mktemp("steady")
    sandbox = Sandbox(world)
    with dg.instance_for_test() as instance, running(sandbox) as ep:
        res = resources(ep, root)
        for n in range(DAYS):
            run_day(res, instance, world, FIRST + timedelta(days=n))
        yield world, root, res, instance, sandbox


def ops_by_key(db, entity: str) -> dict[str, list[str]]:
    out = defaultdict(list)
    for key, op in query(db, f"SELECT {KEYS[entity]}, op FROM cdc.{entity}_changes ORDER BY cdc_at, op"):
        out[key].append(op)
    return out


@pytest.mark.parametrize("entity", ["contratacoes", "contratos"])
def test_the_change_log_is_the_sandboxs_event_log(steady, entity):
    world, root, *_ = steady
    last_run = morning(FIRST + timedelta(days=DAYS - 1))
    settled = last_run - timedelta(days=world.volume.backdate_max_days + 1)
    truth = world.changes(entity, datetime.combine(FIRST, time()), last_run)
    assert {op for _, op, _ in truth} == {"U", "D"} and len(truth) > 30, "the world must change, and delete"
    ours = ops_by_key(root / "catalog.sqlite", entity)
    published = {r[0] for r in query(root / "catalog.sqlite", f"SELECT {KEYS[entity]} FROM cdc.{entity}_history")}
    assert all(ops[0] == "I" and "I" not in ops[1:] for ops in ours.values()), "one insert per record, first"
    expected_all, expected_settled = defaultdict(list), defaultdict(list)
    for key, op, visible in truth:
        expected_all[key].append(op)
        if visible <= settled:
            expected_settled[key].append(op)
    for key in published | set(expected_all):
        got = ours.get(key, [])[1:]
        assert got[:len(expected_settled[key])] == expected_settled[key], (key, got, expected_all[key])
        assert got == expected_all[key][:len(got)], f"{key}: {got} is not the sandbox's {expected_all[key]}"
    backdated = query(root / "catalog.sqlite", f"SELECT count(*) FROM cdc.{entity}_changes WHERE op = 'U' "
                                              "AND CAST(pncp_stamp AS DATE) < CAST(cdc_at AS DATE) - 1")[0][0]
    assert backdated > 0, "a backdated amendment keeps PNCP's earlier stamp beside when it was seen"


def test_current_state_is_the_sandboxs_state(steady):
    world, root, *_ = steady
    db = root / "catalog.sqlite"
    for entity in ("contratacoes", "contratos"):
        truth = {}
        for n in range(DAYS):
            for r in world.published(entity, FIRST + timedelta(days=n)):
                truth[r["numeroControlePNCP"]] = r["dataAtualizacaoGlobal"]
        ours = dict(query(db, f"SELECT numero_controle_pncp, strftime(data_atualizacao_global, '%Y-%m-%dT%H:%M:%S') "
                              f"FROM cdc.{entity}_current"))
        late = {k for k in ours.keys() & truth.keys() if ours[k] != truth[k]}
        assert set(ours) == set(truth) and len(late) <= 2, f"{entity}: {len(late)} records behind, e.g. {sorted(late)[:3]}"


def test_lake_change_sets_replay_to_the_current_state(steady):
    """A consumer reading only the lake applies every change set in order and gets cdc.*_current."""
    world, root, *_ = steady
    lake = Lake(str(root / "lake"))
    files = sorted(k for k in lake.store.list("cdc/contratos/changes/") if k.endswith(".parquet"))
    changes = pl.concat([pl.read_parquet(lake.store.uri(f)) for f in files], how="diagonal_relaxed")
    state = (changes.sort("cdc_at").group_by("numero_controle_pncp").last()
             .filter(pl.col("op") != "D").select("numero_controle_pncp", "valor_global"))
    current = pl.DataFrame(query(root / "catalog.sqlite", "SELECT numero_controle_pncp, valor_global FROM "
                                                         "cdc.contratos_current"),
                           schema=["numero_controle_pncp", "valor_global"], orient="row")
    assert state.sort("numero_controle_pncp").equals(current.cast(state.schema).sort("numero_controle_pncp"))


def test_targeted_details_cost_what_changed(steady):
    world, root, res, instance, sandbox = steady
    lake = Lake(str(root / "lake"))
    day = FIRST + timedelta(days=DAYS - 2)
    updated = {r["numeroControlePNCP"] for r in world.updated("contratacoes", day, as_of=morning(day))
               if r["dataPublicacaoPncp"][:10] < day.isoformat()}
    assert updated
    fetched = lake.read("raw/itens_updated", day)
    asked = {c for c in fetched["context"].str.json_path_match("$.compra").to_list()}
    assert asked == updated, "itens again for exactly the earlier compras the feed reports, no others"


def test_rerunning_a_day_changes_nothing(steady):
    world, root, res, instance, _ = steady
    db = root / "catalog.sqlite"
    counts = "SELECT (SELECT count(*) FROM cdc.contratos_changes), (SELECT count(*) FROM cdc.contratos_history), " \
             "(SELECT count(*) FROM cdc.itens_changes), (SELECT count(*) FROM cdc.snapshots)"
    before = query(db, counts)
    now = world.now
    day = FIRST + timedelta(days=3)
    capture = dg.AssetSelection.assets(["cdc", "contratacoes"], ["cdc", "contratos"], ["cdc", "itens"],
                                       ["cdc", "arquivos"], ["cdc", "atas"])
    assert materialize(res, instance, day, selection=capture).success
    assert query(db, counts) == before
    world.set_now(now)


def _results_truth(world: World) -> tuple[dict, dict]:
    """The sandbox's results of every live compra of the window, {compra: {(item, seq): situação}}, for
    the compras none of whose amendments was backdated (those reach the targeted details only through a
    later amendment: the late feed is read again for versions of the compra, not for its details), and
    which compras had a result added by an update."""
    out, later = {}, {}
    for n in range(DAYS):
        for c in world.published("contratacoes", FIRST + timedelta(days=n)):
            amendments = world._compra_amendments(c)
            if any(ev.stamped_at.date() != ev.visible_at.date() for ev in amendments):
                continue
            key = c["numeroControlePNCP"]
            out[key] = {(i["numeroItem"], r["sequencialResultado"]): r["situacaoCompraItemResultadoId"]
                        for i in world.itens(c) for r in world.resultados(c, i)}
            first = world._itens_versions(c)[0][1]
            later[key] = sum(1 for i in first if not i["temResultado"]) > sum(1 for i in world.itens(c)
                                                                             if not i["temResultado"])
    return out, later


def test_resultados_are_the_sandboxs_including_those_an_update_brought(steady):
    world, root, *_ = steady
    db = root / "catalog.sqlite"
    truth, later = _results_truth(world)
    ours = defaultdict(dict)
    for compra, item, seq, situacao in query(db, "SELECT numero_controle_pncp_compra, numero_item, sequencial_resultado, "
                                                 "situacao_compra_item_resultado_id FROM cdc.resultados_current"):
        ours[compra][(item, seq)] = situacao
    assert len(truth) > 100 and sum(len(r) for r in truth.values()) > 200
    wrong = {k: (ours.get(k, {}), v) for k, v in truth.items() if ours.get(k, {}) != v}
    assert not wrong, f"{len(wrong)} compras' results differ from the sandbox's, e.g. {list(wrong.items())[:2]}"
    arrived = [k for k, v in later.items() if v and truth[k]]
    assert len(arrived) >= 3, "homologations after publication must bring results"
    by_update = {k for k, in query(db, "SELECT DISTINCT numero_controle_pncp_compra FROM cdc.resultados_changes "
                                       "WHERE op = 'I' AND source = 'targeted_details'")}
    assert set(arrived) <= by_update, "a result that came with an update is inserted by the targeted details"


def test_a_cancelled_result_is_an_update_with_its_changed_columns(steady):
    world, root, *_ = steady
    db = root / "catalog.sqlite"
    truth, _ = _results_truth(world)
    cancelled = {(c, i, s) for c, rs in truth.items() for (i, s), sit in rs.items() if sit == 2}
    rows = query(db, "SELECT numero_controle_pncp_compra, numero_item, sequencial_resultado, changed_columns "
                     "FROM cdc.resultados_changes WHERE op = 'U'")
    updates = {(c, i, s): cols for c, i, s, cols in rows}
    cancelled_later = [k for k in cancelled if k in updates]
    assert len(cancelled_later) >= 3, "cancellations after homologation must happen in the window"
    for key in cancelled_later:
        assert {"situacao_compra_item_resultado_id", "situacao_compra_item_resultado_nome", "data_cancelamento",
                "motivo_cancelamento", "data_atualizacao"} <= set(updates[key]), (key, updates[key])
    _, _, res, instance, _ = steady
    marts = dg.AssetSelection.assets(["marts", "price_evidence"], ["marts", "item_price_references"])
    assert materialize(res, instance, selection=marts).success
    evidence = {tuple(r) for r in query(db, "SELECT numero_controle_pncp_compra, numero_item, sequencial_resultado "
                                            "FROM marts.price_evidence")}
    live = {(c, i, s) for c, rs in truth.items() for (i, s), sit in rs.items() if sit == 1}
    assert live <= evidence
    assert not evidence & cancelled, "a cancelled result is no price evidence"


def test_an_evidence_row_points_to_its_archived_payload(steady):
    """A price researcher cites a row: its link names the compra, and its sha256 returns the very
    payload PNCP sent, which holds that result at that price."""
    world, root, res, instance, _ = steady
    db = root / "catalog.sqlite"
    marts = dg.AssetSelection.assets(["marts", "price_evidence"], ["marts", "item_price_references"])
    assert materialize(res, instance, selection=marts).success
    rows = query(db, "SELECT numero_controle_pncp_compra, numero_item, sequencial_resultado, valor_unitario_homologado, "
                     "fornecedor_nome, link_pncp, fonte_api, payload_sha256, plataforma FROM marts.price_evidence "
                     "ORDER BY numero_controle_pncp_compra, numero_item, sequencial_resultado")
    assert len(rows) > 100
    lake = Lake(str(root / "lake"))
    for compra, item, seq, price, supplier, link, api, sha, platform in rows[::40]:
        ref = CompraRef.parse(compra)
        assert link == f"https://pncp.gov.br/app/editais/{ref.cnpj}/{ref.ano}/{ref.sequencial}"
        assert api == f"https://pncp.gov.br/api/pncp{ref.path}/itens/{item}/resultados"
        body = payload.fetch(lake, sha)
        assert hashlib.sha256(body).hexdigest() == sha
        record = next(r for r in json.loads(body) if r["numeroItem"] == item and r["sequencialResultado"] == seq)
        assert record["numeroControlePNCPCompra"] == compra and record["nomeRazaoSocialFornecedor"] == supplier
        assert Decimal(str(record["valorUnitarioHomologado"])) == price
        assert platform == world.find_compra(ref.cnpj, ref.ano, ref.sequencial)["usuarioNome"]


def test_price_references_are_the_homologated_prices_with_the_estimates_beside(steady):
    world, root, res, instance, _ = steady
    db = root / "catalog.sqlite"
    marts = dg.AssetSelection.assets(["marts", "price_evidence"], ["marts", "item_price_references"])
    assert materialize(res, instance, selection=marts).success
    prices = defaultdict(list)
    for code, unit, uf, price in query(db, "SELECT catalogo_codigo_item, unidade_medida, uf, valor_unitario_homologado "
                                           "FROM marts.price_evidence WHERE catalogo_codigo_item IS NOT NULL "
                                           "AND valor_unitario_homologado > 0"):
        prices[(code, unit, uf)].append(float(price))
        prices[(code, unit, "BR")].append(float(price))
    estimated = defaultdict(int)
    for code, unit, uf in query(db, "SELECT i.catalogo_codigo_item, upper(trim(i.unidade_medida)), c.unidade_uf_sigla "
                                    "FROM cdc.itens_current i JOIN cdc.contratacoes_current c "
                                    "ON c.numero_controle_pncp = i.numero_controle_pncp_compra "
                                    "WHERE i.catalogo_codigo_item IS NOT NULL AND i.valor_unitario_estimado > 0 "
                                    "AND NOT coalesce(i.orcamento_sigiloso, false)"):
        estimated[(code, unit, uf)] += 1
        estimated[(code, unit, "BR")] += 1
    ours = {(r[0], r[1], r[2]): r[3:] for r in query(
        db, "SELECT catalogo_codigo_item, unidade_medida, uf, resultados, preco_homologado_mediano, itens_estimados "
            "FROM marts.item_price_references")}
    assert len(prices) > 20
    for key, values in prices.items():
        count, median, n_estimated = ours[key]
        assert count == len(values) and median == pytest.approx(statistics.median(values)), key
        assert n_estimated == estimated[key], key
    assert {k for k, v in ours.items() if v[0] == 0} == set(estimated) - set(prices), \
        "a catalog item with estimates and no result keeps its estimates, with no homologated figures"


def test_faults_and_a_vanished_sweep_page_make_no_false_tombstone(steady):
    """One more morning with 429s and 5xx everywhere, and page 1 of two sweep listings answering 204
    as if the day were empty: only the sandbox's own deletions become tombstones."""
    world, root, res, instance, sandbox = steady
    day = FIRST + timedelta(days=DAYS)
    swept = FIRST + timedelta(days=DAYS - 3)
    sandbox.faults = profile("busy", 0.01)
    compact = swept.strftime("%Y%m%d")
    vanished = [f"/api/consulta/v1/contratos?dataInicial={compact}&dataFinal={compact}&pagina=1&tamanhoPagina=500"]
    mods = {r["modalidadeId"] for r in world.published("contratacoes", swept, as_of=morning(day))}
    vanished += [f"/api/consulta/v1/contratacoes/publicacao?dataInicial={compact}&dataFinal={compact}"
                 f"&codigoModalidadeContratacao={m}&pagina=1&tamanhoPagina=50" for m in mods]
    sandbox.dropped.update(vanished)
    try:
        run_day(res, instance, world, day)
    finally:
        sandbox.faults, sandbox.dropped = profile("none"), set()
    assert sum(sandbox.stats.requests[k] for k in sandbox.stats.requests if k[1] in (429, 500, 503)) > 0
    db = root / "catalog.sqlite"
    for entity in ("contratacoes", "contratos"):
        truth = {k for k, op, _ in world.changes(entity, morning(day - timedelta(days=1)), morning(day)) if op == "D"}
        ours = {r[0] for r in query(db, f"SELECT {KEYS[entity]} FROM cdc.{entity}_changes WHERE op = 'D' "
                                        "AND partition_date = ?", [day])}
        assert ours <= truth, f"{entity}: false tombstones {sorted(ours - truth)}"
        alive = {r[0] for r in query(db, f"SELECT {KEYS[entity]} FROM cdc.{entity}_current "
                                         "WHERE CAST(data_publicacao_pncp AS DATE) = ?", [swept])}
        assert alive >= {r["numeroControlePNCP"] for r in world.published(entity, swept)}, \
            f"{entity} {swept}: the vanished listing deleted a live record"
