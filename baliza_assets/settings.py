"""Every setting Baliza takes from the environment, read and checked in this one place: the code
location (resources, schedules), the `baliza` commands and the summary all use :class:`Settings`.
``VARIABLES`` declares each variable once: its default, the check its value passes, and what it is for.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from .lib.lake import Lake, S3Settings
from .lib.pncp.client import REAL_CONSULTA, REAL_DETAIL
from .lib.warehouse import catalog as _catalog

DEFAULT_CATALOG = _catalog.DEFAULT
DEFAULT_DUCKDB = "data/baliza.duckdb"  # the DuckDB file of earlier versions, the source of `baliza migrate-warehouse`
DEFAULT_LAKE = "data/lake"
DEFAULT_MEMORY_LIMIT = "512MB"  # DuckDB spills to disk beyond it; keeps a run's memory flat as the warehouse grows
MIN_MEMORY_LIMIT = "64MB"  # below it DuckDB cannot hold a run's work, and every run fails out of memory
DEFAULT_HARVEST_CRON = "0 6 * * *"


class SettingsError(ValueError):
    """A variable the code location and its runs would refuse, named with the reason."""


# ---- what a value must look like (also what `baliza doctor` reports) --------------------------------

def url(raw: str) -> str | None:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected an http:// or https:// URL with a host"
    return None


def count(raw: str) -> str | None:
    try:
        ok = int(raw) > 0
    except ValueError:
        ok = False
    return None if ok else "expected a whole number above 0"


def seconds(raw: str) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    return None if math.isfinite(value) and value > 0 else "expected a positive number"


def share(raw: str) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    return None if 0 < value <= 1 else "expected the share of the API's capacity Baliza may use, above 0 and at most 1"


def environment(raw: str) -> str | None:
    return None if raw in ENVIRONMENTS else f"expected one of {', '.join(ENVIRONMENTS)}"


def cron(raw: str) -> str | None:
    from dagster._utils.schedules import is_valid_cron_string

    return None if is_valid_cron_string(raw) else "is not a cron schedule (e.g. '0 6 * * *')"


# DuckDB's memory_limit units (DBConfig::ParseMemoryLimit), lower-cased
_MEMORY_UNITS = {
    **dict.fromkeys(("b", "byte", "bytes"), 1),
    **dict.fromkeys(("k", "kb", "kilobyte", "kilobytes"), 1000), "kib": 1024,
    **dict.fromkeys(("m", "mb", "megabyte", "megabytes"), 1000**2), "mib": 1024**2,
    **dict.fromkeys(("g", "gb", "gigabyte", "gigabytes"), 1000**3), "gib": 1024**3,
    **dict.fromkeys(("t", "tb", "terabyte", "terabytes"), 1000**4), "tib": 1024**4,
}


def memory_bytes(raw: str) -> int | None:
    """The bytes a memory limit DuckDB accepts stands for, read as DuckDB reads it; None for no limit at all
    (a negative number, 'none' or 'null', which DuckDB replaces with 80% of the machine's memory)."""
    text = raw.strip()
    if text.startswith("-") or text in ("none", "null"):
        return None
    parsed = re.match(r"([0-9.eE-]+)\s*(\S*)", text)
    if not parsed or parsed[2].lower() not in _MEMORY_UNITS:
        raise ValueError(f"{raw!r} is not a memory size")
    value = float(parsed[1])
    return None if value < 0 else int(value * _MEMORY_UNITS[parsed[2].lower()])


def memory_limit(raw: str) -> str | None:
    import duckdb

    try:
        duckdb.connect(":memory:", config={"memory_limit": raw}).close()
    except duckdb.Error as e:
        return f"DuckDB refuses it as memory_limit: {e}"
    try:
        limit = memory_bytes(raw)
    except ValueError:  # a form DuckDB reads that this does not: DuckDB's word stands
        return None
    if limit is None:
        what = "a negative limit, which DuckDB takes as" if raw.strip().startswith("-") else "means"
        return (f"{what} no limit at all: DuckDB would use 80% of the machine's memory, leaving too little to the "
                f"rest of it; expected a size of at least {MIN_MEMORY_LIMIT}, such as {DEFAULT_MEMORY_LIMIT}")
    if limit < memory_bytes(MIN_MEMORY_LIMIT):
        return (f"below the minimum of {MIN_MEMORY_LIMIT}: DuckDB cannot hold a run's work in it, so every run "
                "would fail out of memory")
    return None


def catalog(raw: str) -> str | None:
    """Whether the warehouse's catalog can be used at ``raw`` (see ``lib.warehouse.catalog``)."""
    return _catalog.problem(raw)


class Variable(NamedTuple):
    default: str | None
    check: Callable[[str], str | None] | None
    description: str


# Every variable: its default, the check a value passes before the code location loads, and what it is for
VARIABLES: dict[str, Variable] = {
    "PNCP_CONSULTA_URL": Variable(REAL_CONSULTA, url, "PNCP's consulta API (the sandbox's, offline)"),
    "PNCP_DETAIL_URL": Variable(REAL_DETAIL, url, "PNCP's detail API (itens, arquivos, resultados)"),
    "PNCP_CONSULTA_CONCURRENCY": Variable("6", count, "requests in flight on the consulta API"),
    "PNCP_DETAIL_CONCURRENCY": Variable("8", count, "where the detail API's adaptive limit starts"),
    "PNCP_DETAIL_MAX_CONCURRENCY": Variable("64", count, "the most the detail API's limit may grow to"),
    "PNCP_READ_TIMEOUT": Variable("60", seconds, "seconds a PNCP answer may take"),
    "PNCP_TIME_SCALE": Variable("1", seconds, "multiplies every wait and timeout (a sandbox with scaled latency)"),
    "BALIZA_CONSULTA_SHARE": Variable("1", share, "the share of the consulta API's requests in flight Baliza may use"),
    "BALIZA_DETAIL_SHARE": Variable("1", share, "the share of the detail API's requests in flight Baliza may use"),
    "BALIZA_CATALOG": Variable(DEFAULT_CATALOG, catalog,
                               "the warehouse's DuckLake catalog: a SQLite file, or postgresql://USER:PASSWORD@HOST:"
                               "PORT/DATABASE (production); its data files live under BALIZA_LAKE's warehouse/"),
    "BALIZA_DUCKDB_PATH": Variable(DEFAULT_DUCKDB, None,
                                   "the DuckDB file of earlier versions, read only by `baliza migrate-warehouse`"),
    "BALIZA_DUCKDB_MEMORY_LIMIT": Variable(DEFAULT_MEMORY_LIMIT, memory_limit,
                                           "the memory DuckDB may use in a run before it spills to disk"),
    "BALIZA_LAKE": Variable(DEFAULT_LAKE, None, "the lake: a folder or s3://bucket/prefix"),
    "BALIZA_HARVEST_CRON": Variable(DEFAULT_HARVEST_CRON, cron, "when the daily harvest runs (Brasília time)"),
    "BALIZA_RECOVERY_DAYS": Variable("30", count, "days back the recovery sensor asks again for"),
    "BALIZA_RECOVERY_BACKOFF": Variable("900", seconds, "seconds before a failed day's first recovery"),
    "BALIZA_RECOVERY_BACKOFF_CAP": Variable("21600", seconds, "the longest wait between recoveries of a day"),
    "BALIZA_RECOVERY_INTERVAL": Variable("600", seconds, "seconds between the recovery sensor's ticks"),
    "BALIZA_QUERY_TIMEOUT": Variable("300", seconds, "seconds a `baliza query` statement may run"),
    "BALIZA_SNAPSHOT_RETENTION_DAYS": Variable(None, count, "days the warehouse's upkeep keeps snapshots (unset: "
                                                            "every snapshot is kept, as citations may need)"),
    "BALIZA_ENV": Variable("local", environment, "production runs the schedules and sensors from the start"),
    "BALIZA_GIT_URL": Variable(None, url, "the repository the UI's source links point to"),
    "BALIZA_GIT_BRANCH": Variable("main", None, "the branch of those links"),
    "AWS_ENDPOINT_URL": Variable(None, None, "the S3 endpoint of an s3:// lake (unset: AWS)"),
    "AWS_ACCESS_KEY_ID": Variable(None, None, "the S3 credentials (unset: AWS defaults)"),
    "AWS_SECRET_ACCESS_KEY": Variable(None, None, "the S3 credentials (unset: AWS defaults)"),
    "AWS_REGION": Variable(None, None, "the S3 region (unset: us-east-1)"),
}


# local: schedules and sensors start stopped, nothing is fetched until someone asks; production: they run
ENVIRONMENTS = ("local", "production")

TAKEN_AS_GIVEN = ("BALIZA_DUCKDB_MEMORY_LIMIT",)


def budgeted(ceiling: int, share_: float) -> int:
    """Requests in flight for one API: its ceiling times the share of it the deployment grants Baliza
    (never below one). Pools keep one step per API across runs, so this is the deployment's total."""
    return max(1, int(ceiling * share_))


@dataclass(frozen=True)
class Settings:
    consulta_url: str = REAL_CONSULTA
    detail_url: str = REAL_DETAIL
    consulta_concurrency: int = 6  # after the share
    detail_concurrency: int = 8
    detail_max_concurrency: int = 64
    read_timeout: float = 60.0
    time_scale: float = 1.0
    catalog: str = DEFAULT_CATALOG  # BALIZA_CATALOG
    duckdb_path: str = DEFAULT_DUCKDB  # the source of `baliza migrate-warehouse` only
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT
    lake_location: str = DEFAULT_LAKE
    s3: S3Settings = field(default_factory=S3Settings)
    harvest_cron: str = DEFAULT_HARVEST_CRON
    recovery_days: int = 30  # the recovery sensor asks again for the days of this many days back
    recovery_backoff: float = 900.0  # seconds before a failed day's first recovery; doubles per attempt...
    recovery_backoff_cap: float = 21600.0  # ...up to this
    recovery_interval: float = 600.0  # seconds between the recovery sensor's ticks
    query_timeout: float = 300.0  # seconds
    snapshot_retention_days: int | None = None  # unset: the upkeep expires no snapshot
    environment: str = "local"
    git_url: str | None = None  # the repository the "open source" links of the UI point to
    git_branch: str = "main"
    set_variables: frozenset = frozenset()  # the variables the environment sets (the rest are defaults)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, strict: bool = True) -> Settings:
        """The settings of this environment; an empty variable means its default (but an empty DuckDB
        memory limit is taken as given, and refused where it is used). Raises
        :class:`SettingsError` naming every variable whose value would be refused; ``strict=False``
        takes the default in its place (the operator commands, which report it themselves)."""
        env = os.environ if env is None else env
        raw, problems = {}, []
        for name, (default, check, _) in VARIABLES.items():
            value = env.get(name)
            value = value.strip() if value is not None else None
            if value and check and (reason := check(value)):
                problems.append(f"{name}={value!r}: {reason}")
                value = None
            raw[name] = value if value or (value == "" and name in TAKEN_AS_GIVEN) else default
        if problems and strict:
            raise SettingsError("; ".join(problems))
        consulta_share, detail_share = float(raw["BALIZA_CONSULTA_SHARE"]), float(raw["BALIZA_DETAIL_SHARE"])
        return cls(
            consulta_url=raw["PNCP_CONSULTA_URL"], detail_url=raw["PNCP_DETAIL_URL"],
            consulta_concurrency=budgeted(int(raw["PNCP_CONSULTA_CONCURRENCY"]), consulta_share),
            detail_concurrency=budgeted(int(raw["PNCP_DETAIL_CONCURRENCY"]), detail_share),
            detail_max_concurrency=budgeted(int(raw["PNCP_DETAIL_MAX_CONCURRENCY"]), detail_share),
            read_timeout=float(raw["PNCP_READ_TIMEOUT"]), time_scale=float(raw["PNCP_TIME_SCALE"]),
            catalog=raw["BALIZA_CATALOG"], duckdb_path=raw["BALIZA_DUCKDB_PATH"],
            duckdb_memory_limit=raw["BALIZA_DUCKDB_MEMORY_LIMIT"],
            lake_location=raw["BALIZA_LAKE"],
            s3=S3Settings(raw["AWS_ENDPOINT_URL"], raw["AWS_ACCESS_KEY_ID"], raw["AWS_SECRET_ACCESS_KEY"],
                          raw["AWS_REGION"]),
            harvest_cron=raw["BALIZA_HARVEST_CRON"], recovery_days=int(raw["BALIZA_RECOVERY_DAYS"]),
            recovery_backoff=float(raw["BALIZA_RECOVERY_BACKOFF"]),
            recovery_backoff_cap=float(raw["BALIZA_RECOVERY_BACKOFF_CAP"]),
            recovery_interval=float(raw["BALIZA_RECOVERY_INTERVAL"]),
            query_timeout=float(raw["BALIZA_QUERY_TIMEOUT"]),
            snapshot_retention_days=int(raw["BALIZA_SNAPSHOT_RETENTION_DAYS"] or 0) or None,
            environment=raw["BALIZA_ENV"],
            git_url=raw["BALIZA_GIT_URL"], git_branch=raw["BALIZA_GIT_BRANCH"],
            set_variables=frozenset(n for n in VARIABLES if (env.get(n) or "").strip()),
        )

    @property
    def automation_runs(self) -> bool:
        """Whether schedules and sensors start running: only in production."""
        return self.environment == "production"

    def lake(self) -> Lake:
        return Lake(self.lake_location, self.s3)

    def warehouse_catalog(self):
        """The warehouse's catalog (``lib.warehouse.Catalog``)."""
        return _catalog.Catalog.parse(self.catalog)
