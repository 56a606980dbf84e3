"""Completeness of the details: did every compra of the day get its itens and arquivos, and every item
that says it has a result its resultados?"""

import dagster as dg
import polars as pl

from ...lib import arrival
from ...lib import completeness as C
from ..metadata import markdown
from ..partitions import daily, partition_days
from ..resources import LakeResource
from .assets import compras_of, items_with_results

DETAIL_KINDS = ("itens", "arquivos")


class CompletenessConfig(dg.Config):
    max_missing_share: float = 0.02  # compras of the day whose details came back 404, were not asked for, or (itens) hold none
    tolerated_missing: int = 1  # a day this many missing compras never fails, however small it is
    empty_z: float = 4.0  # arquivos: standard deviations of empty (204) answers above the trailing rate
    trailing_days: int = 28  # earlier archived days the arquivos' empty rate is taken from
    prior_empty_rate: float = 0.05  # the rate used until trailing days exist


def _completeness_check(kind: str):
    table = f"raw/{kind}"

    @dg.asset_check(asset=dg.AssetKey(["raw", kind]), name="completeness", blocking=True, partitions_def=daily,
                    description=f"Every compra of the day has its {kind}: the share of compras whose {kind} came back "
                                "HTTP 404, were never requested" + (", or hold no item at all (every real compra has one)"
                                                                    if kind == "itens" else "")
                                + " stays under `max_missing_share`"
                                + ("; the share of empty (204) answers stays near the trailing rate of earlier days"
                                   if kind == "arquivos" else "") + ". Blocks staging when it fails.")
    def _check(context: dg.AssetCheckExecutionContext, config: CompletenessConfig,
               lake: LakeResource) -> dg.AssetCheckResult:
        store = lake.lake()
        failures, meta = [], {}
        examples: dict[str, str] = {}
        for day in partition_days(context):
            compras = [r.numero_controle for r in compras_of(arrival.listed(store, "raw/contratacoes", day), day,
                                                              context.log)]
            archived = store.scan(table, [day]).select("context", "http_status", "records").collect()
            got = C.details(compras, archived, kind)
            meta.update({"compras": got.compras, "missing": len(got.missing),
                         "missing_share": round(got.missing_share, 4)})
            if len(got.missing) > max(config.tolerated_missing, config.max_missing_share * got.compras):
                failures.append(f"{day}: {len(got.missing)} of {got.compras} compras ({got.missing_share:.1%}) have no "
                                f"{kind} (over {config.max_missing_share:.0%})")
                examples.update(dict(list(got.missing.items())[:20]))
            if kind == "arquivos":
                rate, history = _trailing_empty_rate(store, table, day, config)
                limit = C.empty_threshold(got.compras, rate, config.empty_z)
                meta.update({"empty": got.empty, "empty_share": round(got.empty_share, 4),
                             "trailing_empty_rate": round(rate, 4), "trailing_days": history})
                if got.empty > limit:
                    failures.append(f"{day}: {got.empty} of {got.compras} compras answered no arquivos (204), "
                                    f"{got.empty_share:.1%} against a trailing rate of {rate:.1%} "
                                    f"({history} earlier days; at most {limit:.0f} expected)")
        return _result(context, table, failures, meta, "compra", examples, f"every compra has its {kind}")

    return _check


def _result(context, table: str, failures: list[str], meta: dict, what: str, examples: dict,
            ok: str) -> dg.AssetCheckResult:
    """The check's verdict: the failures logged and described, the missing examples as a table."""
    if examples:
        meta[f"missing_{what}s"] = dg.MetadataValue.md(markdown(pl.DataFrame(
            {what: list(examples), "why": list(examples.values())})))
    if failures:
        context.log.error(f"{table}: " + "; ".join(failures))
    return dg.AssetCheckResult(passed=not failures, severity=dg.AssetCheckSeverity.ERROR,
                               description="; ".join(failures) or ok, metadata=meta)


def _trailing_empty_rate(store, table: str, day, config: CompletenessConfig) -> tuple[float, int]:
    earlier = [d for d in store.days(table) if d < day][-config.trailing_days:]
    if not earlier:
        return config.prior_empty_rate, 0
    firsts = (store.scan(table, earlier).filter(pl.col("numero_pagina") == 1)
              .select(answered=pl.len(), empty=(pl.col("http_status") == 204).sum()).collect())
    answered, empty = firsts["answered"].item(), firsts["empty"].item()
    return (empty / answered if answered else config.prior_empty_rate), len(earlier)


completeness_checks = [_completeness_check(kind) for kind in DETAIL_KINDS]


def _results_check(table: str, itens_table: str):
    @dg.asset_check(asset=dg.AssetKey(table.split("/")), name="completeness", blocking=True, partitions_def=daily,
                    description=f"Every item of {itens_table} that says `temResultado` has its resultados request in "
                                f"{table}, and nothing else was asked. Items whose request was never made or came back "
                                "HTTP 404 are missing; beyond `max_missing_share` the check fails and blocks staging. "
                                "An item that says it has a result but answers 204 is counted and named (PNCP's "
                                "own inconsistency), not missing.")
    def _check(context: dg.AssetCheckExecutionContext, config: CompletenessConfig,
               lake: LakeResource) -> dg.AssetCheckResult:
        store = lake.lake()
        failures, meta, examples = [], {}, {}
        for day in partition_days(context):
            itens = arrival.listed(store, itens_table, day) if store.exists(itens_table, day) else None
            expected = ({(r.numero_controle, n) for r, n in items_with_results(itens, day, context.log)}
                        if itens is not None else set())
            archived = (store.scan(table, [day]).select("context", "http_status").collect()
                        if store.exists(table, day) else pl.DataFrame(schema={"context": pl.String, "http_status": pl.Int32}))
            got = C.results(expected, archived)
            meta.update({"items_with_result": got.expected, "requests": got.requests, "missing": len(got.missing),
                         "empty_204": len(got.empty), "not_expected": len(got.unasked)})
            if len(got.missing) > max(config.tolerated_missing, config.max_missing_share * got.expected):
                failures.append(f"{day}: {len(got.missing)} of {got.expected} items with a result have no resultados "
                                f"request answered (over {config.max_missing_share:.0%})")
                examples.update({f"{c} item {n}": why for (c, n), why in list(got.missing.items())[:20]})
            if got.unasked:
                failures.append(f"{day}: {len(got.unasked)} resultados requests for items {itens_table} does not list "
                                f"with a result, e.g. {got.unasked[:3]}")
            if got.empty:
                context.log.warning(f"{table} {day}: {len(got.empty)} items say temResultado but their resultados "
                                    f"answered 204, e.g. {got.empty[:3]}")
        return _result(context, table, failures, meta, "item", examples, "every item with a result has its resultados")

    return _check


completeness_checks += [_results_check("raw/resultados", "raw/itens"),
                        _results_check("raw/resultados_updated", "raw/itens_updated")]
