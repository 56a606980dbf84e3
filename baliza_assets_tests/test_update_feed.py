"""The update feed: which records PNCP reports as updated on a day, and their publication days."""

from __future__ import annotations

from datetime import date

import dagster as dg

from baliza_assets.sandbox import Sandbox
from baliza_assets.sandbox.faults import Faults

from .conftest import DAY
from .pipeline import materialize, query, resources

FEED = dg.AssetSelection.assets(["raw", "atualizacoes"], ["raw", "atas"], ["cdc", "update_feed"])


def test_the_feed_equals_the_sandbox_updates_and_names_publication_days(world, serve, tmp_path):
    with dg.instance_for_test() as instance, serve(Sandbox(world, Faults())) as ep:
        result = materialize(resources(ep, tmp_path), instance, DAY, selection=FEED)
    assert result.success
    got = {(e, k): p for e, k, p in query(tmp_path / "baliza.duckdb",
                                          "SELECT entity, record_key, publication_date FROM cdc.update_feed")}
    expected = {}
    for entity, key in (("contratacoes", "numeroControlePNCP"), ("contratos", "numeroControlePNCP"),
                        ("atas", "numeroControlePNCPAta")):
        for rec in world.updated(entity, DAY):
            expected[(entity, rec[key])] = date.fromisoformat(rec["dataPublicacaoPncp"][:10])
    assert got == expected
    assert len({p for p in got.values() if p < DAY}) > 1, "amendments reach back to earlier publication days"
