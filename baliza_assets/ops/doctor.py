"""`baliza doctor`: is this deployment configured, and can it reach PNCP, the lake, DuckDB and Dagster?"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import date, timedelta

from ..lib.lake import LakeError
from ..lib.pncp import ClientConfig, PncpClient
from ..lib.pncp import endpoints as E
from .settings import SHOWN_VARIABLES, Settings, shown


def _check_configuration() -> list[str]:
    """Every variable the code location would refuse, with the reason."""
    from ..defs.cdc.sensors import interval_s
    from ..defs.schedules import harvest_cron, refresh_days

    problems = []
    for read in (refresh_days, harvest_cron, interval_s):
        try:
            read()
        except ValueError as e:
            problems.append(str(e))
    for name, kind in (("PNCP_CONSULTA_CONCURRENCY", int), ("PNCP_DETAIL_CONCURRENCY", int),
                       ("PNCP_READ_TIMEOUT", float), ("PNCP_TIME_SCALE", float)):
        raw = os.environ.get(name)
        if raw is not None:
            try:
                if kind(raw) <= 0:
                    raise ValueError
            except ValueError:
                problems.append(f"{name}={raw!r}: expected a positive number")
    return problems


async def _pncp(settings: Settings) -> list[str]:
    scale = float(os.environ.get("PNCP_TIME_SCALE", "1") or 1)
    config = ClientConfig(consulta_url=settings.consulta_url, detail_url=settings.detail_url, max_attempts=2,
                          read_timeout=20.0).scaled(scale)
    day = (date.today() - timedelta(days=1)).strftime("%Y%m%d")
    lines = []
    async with PncpClient(config) as client:
        t0 = time.monotonic()
        mods, _ = await client.modalidades_table()
        lines.append(f"detail API {settings.detail_url}: {len(mods)} active modalidades "
                     f"({time.monotonic() - t0:.1f} s)")
        t0 = time.monotonic()
        ex = await client.fetch_one(E.CONTRATOS_PUBLICACAO, params=(
            ("dataInicial", day), ("dataFinal", day), ("pagina", "1"), ("tamanhoPagina", "10")))
        lines.append(f"consulta API {settings.consulta_url}: HTTP {ex.status}, yesterday's contratos page 1 "
                     f"({time.monotonic() - t0:.1f} s)")
    return lines


def _lake(settings: Settings) -> str:
    lake = settings.lake()
    probe = f"_doctor/probe-{uuid.uuid4().hex}"
    lake.store.put(probe, b"baliza doctor")
    try:
        if lake.store.get(probe) != b"baliza doctor":
            raise LakeError("a probe written to the lake read back differently")
    finally:
        lake.store.delete([probe])
    tables = lake.tables("raw")
    return f"{lake.location}: writable; raw tables: {', '.join(tables) or 'none yet'}"


def _duckdb(settings: Settings) -> str:
    import duckdb

    path = settings.duckdb_path
    if not os.path.exists(path):
        return f"{path}: not created yet (the first staging run creates it)"
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            return f"{path}: in use by a writer right now (a run holds the lock); {os.path.getsize(path):,} bytes"
        raise
    try:
        tables = con.execute("SELECT schema_name, count(*) FROM duckdb_tables() GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    return (f"{path}: {os.path.getsize(path):,} bytes; tables per schema: "
            + (", ".join(f"{s} {n}" for s, n in tables) or "none"))


def _dagster() -> str:
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return "DAGSTER_HOME is unset: Dagster keeps runs in a temporary instance (set it; see deploy/)"
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs_count()
        return f"instance at {home}: {type(instance.run_storage).__name__}, {runs} runs recorded"


def run(settings: Settings, out) -> int:
    failures = 0

    def report(name: str, check) -> None:
        nonlocal failures
        try:
            result = check()
            for line in result if isinstance(result, list) else [result]:
                out.write(f"ok    {name}: {line}\n")
        except Exception as e:  # every failure is reported, none stops the others
            failures += 1
            out.write(f"FAIL  {name}: {type(e).__name__}: {e}\n")

    out.write("configuration:\n")
    for name in SHOWN_VARIABLES:
        out.write(f"  {name} = {shown(name)}\n")
    problems = _check_configuration()
    for p in problems:
        out.write(f"FAIL  configuration: {p}\n")
    failures += len(problems)
    report("pncp", lambda: asyncio.run(_pncp(settings)))
    report("lake", lambda: _lake(settings))
    report("duckdb", lambda: _duckdb(settings))
    report("dagster", _dagster)
    out.write("all checks passed\n" if not failures else f"{failures} check(s) failed\n")
    return 0 if not failures else 1
