"""Checks on the archive: is every listing complete (reconciliation)?"""

import dagster as dg
import polars as pl

from ...lib.reconcile import reconcile
from ..io_managers import _days
from ..partitions import daily
from ..raw.fetch import markdown
from ..resources import LakeResource

ARCHIVED = [["raw", t] for t in ("contratacoes", "contratos", "atas", "itens", "arquivos")]
COUNTERS = ["partition_date", "endpoint", "path", "params", "http_status", "numero_pagina", "total_paginas",
            "total_registros", "records"]


def _reconciliation_check(key: list[str]):
    table = "/".join(key)

    @dg.asset_check(asset=dg.AssetKey(key), name="reconciliation", blocking=True, partitions_def=daily,
                    description=f"Every listing of {table} is complete: per endpoint and params (one modalidade, "
                                "one compra), the records archived equal the totalRegistros PNCP reported and no "
                                "page is missing. Blocks staging when it fails.")
    def _check(context: dg.AssetCheckExecutionContext, lake: LakeResource) -> dg.AssetCheckResult:
        days = _days(context.partition_time_window)
        archived = lake.lake().scan(table, days).select(COUNTERS).collect()
        problems = reconcile(archived)
        listings = archived.select(pl.struct("endpoint", "path", "partition_date")).n_unique()
        meta = {"requests": len(archived), "records": int(archived["records"].sum()),
                "incomplete_listings": len(problems)}
        if len(problems):
            meta["problems"] = dg.MetadataValue.md(markdown(problems.head(20)))
            context.log.error(f"{table}: {len(problems)} incomplete listings, e.g. "
                              + "; ".join(f"{r['endpoint']} {r['listing']}: {r['problem']}"
                                          for r in problems.head(3).iter_rows(named=True)))
        return dg.AssetCheckResult(passed=problems.is_empty(), metadata={**meta, "listings": listings})

    return _check


reconciliation_checks = [_reconciliation_check(key) for key in ARCHIVED]
