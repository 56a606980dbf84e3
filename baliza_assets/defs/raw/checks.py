"""Checks on the archive: is every listing complete (reconciliation), and do the records still
look like the baseline (payload drift)?"""

from datetime import timedelta

import dagster as dg
import polars as pl

from ...lib.completeness import Volume, comparable, is_quiet
from ...lib.drift import Fingerprint, compare, load_baseline, versions_table
from ...lib.reconcile import reconcile
from ..metadata import markdown
from ..partitions import daily, partition_days
from ..resources import LakeResource

ARCHIVED = [["raw", t] for t in ("contratacoes", "contratos", "atas", "itens", "arquivos", "resultados", "atualizacoes",
                                  "itens_updated", "arquivos_updated", "resultados_updated", "sweeps")]
# A sweep lists many days: one that does not reconcile records nothing in CDC, and must not stop the
# captures of the others, so its reconciliation warns instead of blocking.
NOT_BLOCKING = {"raw/sweeps"}
# The update endpoints answer with the same records as the publication ones.
BASELINE_OF = {"contratacoes_atualizacao": "contratacoes_publicacao", "contratos_atualizacao": "contratos_publicacao"}
COUNTERS = ["partition_date", "endpoint", "path", "params", "http_status", "numero_pagina", "total_paginas",
            "total_registros", "records"]


def _reconciliation_check(key: list[str]):
    table = "/".join(key)

    @dg.asset_check(asset=dg.AssetKey(key), name="reconciliation", blocking=table not in NOT_BLOCKING,
                    partitions_def=daily,
                    description=f"Every listing of {table} is complete: per endpoint and params (one modalidade, "
                                "one compra), the records archived equal the totalRegistros PNCP reported and no "
                                "page is missing. Blocks staging when it fails.")
    def _check(context: dg.AssetCheckExecutionContext, lake: LakeResource) -> dg.AssetCheckResult:
        days = partition_days(context)
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


def _drift_check(key: list[str]):
    table = "/".join(key)

    @dg.asset_check(asset=dg.AssetKey(key), name="payload_drift", blocking=True, partitions_def=daily,
                    description=f"The key paths and JSON types of the records in {table} against the baseline "
                                "built from real PNCP captures (baliza_assets/lib/drift_baseline.json): an added "
                                "field warns and names it; a missing field or a changed type is an error and "
                                "blocks staging. It reads the fingerprints the archiving asset recorded in "
                                "meta.schema_versions.")
    def _check(context: dg.AssetCheckExecutionContext, lake: LakeResource) -> dg.AssetCheckResult:
        baseline, store = load_baseline(), lake.lake()
        drifts: dict[str, list[str]] = {}
        errors = warnings = False
        fingerprints = {}
        for day in partition_days(context):
            recorded = store.read(versions_table(table), day)
            if recorded is None:
                drifts.setdefault("(archive)", []).append(f"{day}: no fingerprints recorded for {table}; "
                                                          "materialize it again")
                errors = True
                continue
            for endpoint, fingerprint, paths, counts, records in recorded.select(
                    "endpoint", "fingerprint", "paths", "counts", "records").sort("endpoint").iter_rows():
                fp = Fingerprint.from_version(paths, counts, records)
                fingerprints[endpoint] = fingerprint[:12]
                reference = BASELINE_OF.get(endpoint, endpoint)
                if reference not in baseline:
                    continue
                drift = compare(baseline[reference], fp)
                if drift.added or drift.errors:
                    drifts.setdefault(endpoint, []).append(f"{day}: {drift.describe()}")
                    errors |= drift.errors
                    warnings |= bool(drift.added)
        summary = "; ".join(f"{e} {' | '.join(d)}" for e, d in drifts.items())
        if drifts:
            (context.log.error if errors else context.log.warning)(f"{table} payload drift: {summary}")
        return dg.AssetCheckResult(
            passed=not drifts,
            severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
            description=summary or "records match the baseline",
            metadata={"fingerprints": dg.MetadataValue.json(fingerprints),
                      "drift": dg.MetadataValue.json(drifts)},
        )

    return _check


drift_checks = [_drift_check(key) for key in ARCHIVED]


# The listing each raw table is a family of, and what the volume check compares.
LISTING_OF = {"raw/contratacoes": "contratacoes_publicacao", "raw/contratos": "contratos_publicacao",
              "raw/atas": "atas_atualizacao"}


class VolumeConfig(dg.Config):
    warn_ratio: float = 0.5  # records under this share of the comparable days' median: a warning
    error_ratio: float = 0.15  # under this floor: an error, blocking staging
    reference_days: int = 6  # comparable days (most recent first) the median is taken over
    lookback_days: int = 70  # how far back comparable days are looked for
    min_reference: int = 3  # fewer comparable days than this: not enough history to judge


def _volume_check(table: str, endpoint: str):
    @dg.asset_check(asset=dg.AssetKey(table.split("/")), name="volume", blocking=True, partitions_def=daily,
                    description=f"The records of {table} against the median of comparable earlier days (the same "
                                "weekday; weekends and national holidays against earlier quiet days): under "
                                "`warn_ratio` of it warns, under `error_ratio` fails and blocks staging (every "
                                "modalidade answering 204 on a working day is caught here, not by reconciliation).")
    def _check(context: dg.AssetCheckExecutionContext, config: VolumeConfig, lake: LakeResource) -> dg.AssetCheckResult:
        store = lake.lake()
        archived = store.days(table)
        severity, notes, meta = None, [], {}
        for day in partition_days(context):
            earlier = [d for d in archived if day - timedelta(days=config.lookback_days) <= d < day]
            reference = sorted(comparable(day, earlier), reverse=True)[:config.reference_days]
            counts = _records(store, table, endpoint, [day, *reference])
            vol = Volume(counts.get(day, 0), [counts.get(d, 0) for d in reference])
            meta.update({"records": vol.records, "reference_median": vol.median, "reference_days": len(reference),
                         "ratio": round(vol.ratio, 3) if vol.ratio is not None else None, "quiet_day": is_quiet(day)})
            if len(reference) < config.min_reference or not vol.median:
                notes.append(f"{day}: {vol.records} records; {len(reference)} comparable earlier days, not enough to judge")
                continue
            text = (f"{day}: {vol.records} {endpoint} records, {vol.ratio:.0%} of the median {vol.median:.0f} of "
                    f"{len(reference)} comparable days")
            if vol.ratio < config.error_ratio:
                severity = dg.AssetCheckSeverity.ERROR
                notes.append(text + f" (under the {config.error_ratio:.0%} floor)")
            elif vol.ratio < config.warn_ratio:
                severity = severity or dg.AssetCheckSeverity.WARN
                notes.append(text + f" (under {config.warn_ratio:.0%})")
            else:
                notes.append(text)
        if severity:
            (context.log.error if severity == dg.AssetCheckSeverity.ERROR else context.log.warning)(
                f"{table} volume: " + "; ".join(notes))
        return dg.AssetCheckResult(passed=severity is None, severity=severity or dg.AssetCheckSeverity.WARN,
                                   description="; ".join(notes), metadata=meta)

    return _check


def _records(store, table: str, endpoint: str, days) -> dict:
    frame = (store.scan(table, sorted(set(days))).filter(pl.col("endpoint") == endpoint)
             .group_by("partition_date").agg(pl.col("records").sum()).collect())
    return dict(frame.iter_rows())


volume_checks = [_volume_check(table, endpoint) for table, endpoint in LISTING_OF.items()]
