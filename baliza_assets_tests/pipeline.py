"""Run the asset graph against a sandbox, with a real Dagster instance, lake and warehouse (a DuckLake whose
catalog is a SQLite file, ``<root>/catalog.sqlite``, its data under the lake)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import dagster as dg

from baliza_assets.definitions import ASSETS, CHECKS
from baliza_assets.defs.wiring import pncp_resource, resources_for
from baliza_assets.lib import warehouse
from baliza_assets.lib.staging.sources import SOURCES
from baliza_assets.settings import Settings
from baliza_sandbox import World

CATALOG = "catalog.sqlite"  # the warehouse's catalog in a test's folder


def settings(endpoints, root: Path, lake: str | None = None, s3=None, **pncp) -> Settings:
    """The settings of a test against the sandbox at ``endpoints``: the lake (``s3``: on that S3 server) and the
    warehouse under ``root``, the client's waits scaled down (``pncp`` overrides them)."""
    aws = dict(aws_endpoint_url=s3.endpoint_url, aws_access_key_id=s3.access_key_id,
               aws_secret_access_key=s3.secret_access_key, aws_region=s3.region) if s3 else {}
    return Settings(consulta_url=endpoints.consulta, detail_url=endpoints.detail, lake_location=lake or str(root / "lake"),
                    catalog=str(root / CATALOG), **aws,
                    **{"time_scale": 0.01, "read_timeout": 3000.0, **pncp})  # 30 s: a busy machine is slow, never wrong


def resources(endpoints, root: Path, lake: str | None = None, s3=None, max_attempts: int | None = None,
              **pncp) -> dict:
    """The resources of :func:`settings`; ``max_attempts``: the client's attempts per request."""
    chosen = settings(endpoints, root, lake, s3, **pncp)
    return {**resources_for(chosen), "pncp": pncp_resource(chosen, max_attempts=max_attempts)}


def materialize(res: dict, instance, day: date | None = None, last: date | None = None, selection=None,
                raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    tags = {}
    if last is not None:
        tags = {"dagster/asset_partition_range_start": day.isoformat(),
                "dagster/asset_partition_range_end": last.isoformat()}
        day = None
    return dg.materialize([*ASSETS, *CHECKS], partition_key=day.isoformat() if day else None, resources=res, instance=instance,
                          selection=selection, tags=tags, raise_on_error=raise_on_error)


def truth(world: World, day: date) -> dict[str, set]:
    """The sandbox's ground truth for a day: natural keys per staging table."""
    compras = world.published("contratacoes", day)
    return {
        "contratacoes": {c["numeroControlePNCP"] for c in compras},
        "contratos": {c["numeroControlePNCP"] for c in world.published("contratos", day)},
        "atas": {a["numeroControlePNCPAta"] for a in world.updated("atas", day)},
        "itens": {(c["numeroControlePNCP"], i["numeroItem"]) for c in compras for i in world.itens(c)},
        "arquivos": {(c["numeroControlePNCP"], a["sequencialDocumento"]) for c in compras for a in world.arquivos(c)},
        "resultados": {(c["numeroControlePNCP"], i["numeroItem"], r["sequencialResultado"]) for c in compras
                       for i in world.itens(c) for r in world.resultados(c, i)},
    }


KEY_SQL = {
    "contratacoes": "numero_controle_pncp", "contratos": "numero_controle_pncp", "atas": "numero_controle_pncp_ata",
    "itens": "numero_controle_pncp_compra, numero_item", "arquivos": "numero_controle_pncp_compra, sequencial_documento",
    "resultados": "numero_controle_pncp_compra, numero_item, sequencial_resultado",
}


def staged(db: Path | str, day: date, s3=None) -> dict[str, Counter]:
    """Natural keys per staging table for a day as its primary source showed them (the publication
    listing, the day's details; the update feed for atas), counted (a count above 1 is a duplicate). ``db``:
    the warehouse's catalog (``s3``: the endpoint and credentials of a lake on S3)."""
    out = {}
    with warehouse.connect(str(db), s3=s3, read_only=True) as con:
        for table, key in KEY_SQL.items():
            primary = SOURCES[table][0]
            rows = con.execute(f"SELECT {key} FROM staging.{table} WHERE partition_date = ? AND source = ? "
                               "AND endpoint = ?", [day, primary.name, primary.endpoint]).fetchall()
            out[table] = Counter(r[0] if len(r) == 1 else tuple(r) for r in rows)
    return out


def assert_day_matches(world: World, db, day: date, s3=None) -> dict[str, int]:
    expected, got = truth(world, day), staged(db, day, s3)
    for table, keys in expected.items():
        dups = {k: n for k, n in got[table].items() if n > 1}
        assert not dups, f"staging.{table} {day}: duplicated keys {list(dups)[:3]}"
        missing, extra = keys - set(got[table]), set(got[table]) - keys
        assert not missing and not extra, f"staging.{table} {day}: {len(missing)} missing, {len(extra)} unexpected"
    return {t: len(k) for t, k in expected.items()}


def query(db, sql: str, params=None, s3=None, as_of: warehouse.AsOf | None = None):
    """The rows of ``sql`` on the warehouse whose catalog is ``db``, read as a reader does (``s3``: the S3
    endpoint and credentials of a lake on S3; ``as_of``: at that snapshot)."""
    with warehouse.connect(str(db), s3=s3, read_only=True, as_of=as_of) as con:
        return con.execute(sql, params or []).fetchall()
