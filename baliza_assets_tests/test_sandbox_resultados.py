"""The sandbox's resultados over time: a competitive compra gets its results with a later update
(homologação), a direct one comes with them, and a later update may cancel a result; each of these
moves the compra's dataAtualizacaoGlobal, so the update feed of that day lists it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from baliza_sandbox import World
from baliza_sandbox.world import Lifetime, Volume

FIRST = date(2025, 7, 1)
BUSY = Volume(contratacoes=40, contratos=1, atas=1, lifetimes={
    "contratacoes": Lifetime(0.9, ((1.0, 1, 20),)), "contratos": Lifetime(0.1, ((1.0, 1, 20),)),
    "atas": Lifetime(0.1, ((1.0, 1, 20),))}, delete_rate=0.0)


def _history(world: World, compra_key: str, day: date, until: date):
    """(as of, compra, {item: results}) each morning from ``day`` to ``until``."""
    out = []
    d = day
    while d <= until:
        world.set_now(datetime.combine(d + timedelta(days=1), time(6)))
        c = next((c for c in world.published("contratacoes", day) if c["numeroControlePNCP"] == compra_key), None)
        if c is not None:
            out.append((world.now, c, {i["numeroItem"]: world.resultados(c, i) for i in world.itens(c)}))
        d += timedelta(days=1)
    return out


def test_results_arrive_with_a_later_update_and_are_cancelled_by_another():
    world = World(seed=11, volume=BUSY, now=datetime.combine(FIRST + timedelta(days=1), time(6)), first_day=FIRST)
    compras = world.published("contratacoes", FIRST)
    direct = [c for c in compras if c["modalidadeId"] in (8, 9)]
    assert direct and all(any(world.resultados(c, i) for i in world.itens(c)) or
                          not any(i["temResultado"] for i in world.itens(c)) for c in direct)
    arrived, cancelled = [], []
    for c in compras:
        history = _history(world, c["numeroControlePNCP"], FIRST, FIRST + timedelta(days=25))
        for (_, before, old), (_, after, new) in zip(history, history[1:]):
            for n, rows in new.items():
                if rows and not old.get(n):
                    arrived.append((before, after, rows))
                for r in rows:
                    prior = next((o for o in old.get(n, []) if o["sequencialResultado"] == r["sequencialResultado"]), None)
                    if prior and prior["situacaoCompraItemResultadoId"] == 1 and r["situacaoCompraItemResultadoId"] == 2:
                        cancelled.append((before, after, r))
    assert len(arrived) >= 5 and len(cancelled) >= 3
    for before, after, rows in arrived:
        assert after["dataAtualizacaoGlobal"] > before["dataAtualizacaoGlobal"], "a result moves the compra's stamp"
        stamp = after["dataAtualizacaoGlobal"]
        for r in rows:
            assert r["dataInclusao"] <= stamp and r["dataResultado"] <= r["dataInclusao"][:10]
            assert r["situacaoCompraItemResultadoId"] == 1 or r["dataCancelamento"]
    for before, after, r in cancelled:
        assert after["dataAtualizacaoGlobal"] > before["dataAtualizacaoGlobal"]
        assert r["situacaoCompraItemResultadoNome"] == "Cancelado" and r["motivoCancelamento"]
        assert r["dataCancelamento"] == r["dataAtualizacao"] <= after["dataAtualizacaoGlobal"]
