"""Every setting Baliza takes from the environment, declared once in :class:`Settings`: its variable, type,
default, the check its value passes and what it is for. The code location's resources, schedules and
sensors, the `baliza` commands (doctor reports every variable and what it refuses) and the README's table of
variables (``python -m baliza_assets.settings`` prints it) all come from it.

Nothing is read on import: :meth:`Settings.from_env` reads the environment when it is called (the code
location calls it as it loads its definitions, each command as it starts)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from .lib.lake import Lake, LakeError, S3Settings
from .lib.pncp import ClientConfig
from .lib.pncp.client import REAL_CONSULTA, REAL_DETAIL
from .lib.warehouse import catalog as _catalog

DEFAULT_MEMORY_LIMIT = "512MB"  # DuckDB spills to disk beyond it; keeps a run's memory flat as the warehouse grows
MIN_MEMORY_LIMIT = "64MB"  # below it DuckDB cannot hold a run's work, and every run fails out of memory

# local: schedules and sensors start stopped, nothing is fetched until someone asks; production: they run
ENVIRONMENTS = ("local", "production")


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


def _positive(raw: str) -> bool:
    try:
        value = float(raw)
    except ValueError:
        return False
    return math.isfinite(value) and value > 0


def factor(raw: str) -> str | None:
    return None if _positive(raw) else "expected a positive number"


def seconds(raw: str) -> str | None:
    return None if _positive(raw) else "expected a positive number of seconds"


def share(raw: str) -> str | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    return None if 0 < value <= 1 else "expected the share of the API's capacity Baliza may use, above 0 and at most 1"


def environment(raw: str) -> str | None:
    return None if raw in ENVIRONMENTS else f"expected one of {', '.join(ENVIRONMENTS)}"


def cron(raw: str) -> str | None:
    import dagster as dg

    try:  # as the daily schedules will be defined with it
        dg.ScheduleDefinition(name="cron_probe", cron_schedule=raw, job_name="cron_probe")
    except dg.DagsterInvalidDefinitionError:
        return "is not a cron schedule (e.g. '0 6 * * *')"
    return None


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


def lake(raw: str) -> str | None:
    """Whether ``raw`` names a lake: a folder (not a file) or s3://bucket/prefix."""
    try:
        Lake(raw, S3Settings())
    except LakeError as e:
        return str(e)
    except Exception:  # the S3 client refusing the AWS variables: doctor reports it on its own
        pass
    if not raw.startswith("s3://") and Path(raw).exists() and not Path(raw).is_dir():
        return "is a file; expected a folder or s3://bucket/prefix"
    return None


def checked(check: Callable[[str], str | None]) -> BeforeValidator:
    """A value passes ``check`` (in its words, as doctor reports it) before pydantic converts it."""
    def validate(value: Any) -> Any:
        if value is not None and (reason := check(str(value))):
            raise ValueError(reason)
        return value
    return BeforeValidator(validate)


def variable(name: str, default: Any, description: str) -> Any:
    """A setting read from the environment variable ``name``."""
    return Field(default, validation_alias=name, description=description)


# An empty variable means its default, except these, taken as given (and refused): an empty memory limit is
# no limit DuckDB accepts, and defaulting it would hide that the deployment asked for something else.
EMPTY_TAKEN_AS_GIVEN = ("BALIZA_DUCKDB_MEMORY_LIMIT",)

Url = Annotated[str, checked(url)]
Count = Annotated[int, checked(count)]
Seconds = Annotated[float, checked(seconds)]
Factor = Annotated[float, checked(factor)]
Share = Annotated[float, checked(share)]
CatalogLocation = Annotated[str, checked(catalog)]
MemoryLimit = Annotated[str, checked(memory_limit)]
LakeLocation = Annotated[str, checked(lake)]
Cron = Annotated[str, checked(cron)]
Environment = Annotated[str, checked(environment)]


class Settings(BaseModel):
    """Each setting: the variable it is read from, its type and default, the check a value passes before the
    code location loads, and what it is for. Built by field name (``Settings(lake_location=...)``) it takes
    the same checks and the defaults of whatever is not given."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True)

    consulta_url: Url = variable("PNCP_CONSULTA_URL", REAL_CONSULTA, "consulta API base")
    detail_url: Url = variable("PNCP_DETAIL_URL", REAL_DETAIL, 'detail ("integração") API base')
    consulta_concurrency: Count = variable("PNCP_CONSULTA_CONCURRENCY", 6,
                                           "requests in flight on the consulta API")
    detail_concurrency: Count = variable("PNCP_DETAIL_CONCURRENCY", 8,
                                         "requests in flight on the detail API at the start of a step; the "
                                         "adaptive limiter moves it")
    detail_max_concurrency: Count = variable("PNCP_DETAIL_MAX_CONCURRENCY", 64,
                                             "the most requests in flight the detail API's limiter may grow to")
    read_timeout: Seconds = variable("PNCP_READ_TIMEOUT", 60.0, "seconds before a hung request is retried")
    time_scale: Factor = variable(
        "PNCP_TIME_SCALE", 1.0, "multiplies every client wait and timeout (for a sandbox with scaled latency)")
    catalog: CatalogLocation = variable(
        "BALIZA_CATALOG", "data/catalog.sqlite",
        "the warehouse's DuckLake catalog: a SQLite file, or `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` "
        "(production; the password percent-encoded, libpq's `PGSSLMODE` and friends apply). Its data files live "
        "under `BALIZA_LAKE`'s `warehouse/`")
    duckdb_path: str = variable("BALIZA_DUCKDB_PATH", "data/baliza.duckdb",
                                "the DuckDB file of earlier versions, read only by `baliza migrate-warehouse`")
    duckdb_memory_limit: MemoryLimit = variable(
        "BALIZA_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT,
        f"DuckDB's memory limit in a run (it spills to disk beyond it); at least {MIN_MEMORY_LIMIT}")
    lake_location: LakeLocation = variable("BALIZA_LAKE", "data/lake", "the lake: a folder, or `s3://bucket/prefix`")
    aws_endpoint_url: str | None = variable("AWS_ENDPOINT_URL", None,
                                            "S3-compatible endpoint, e.g. `http://127.0.0.1:8333` (unset: AWS)")
    aws_access_key_id: str | None = variable("AWS_ACCESS_KEY_ID", None, "S3 credentials (unset: AWS's defaults)")
    aws_secret_access_key: str | None = Field(None, validation_alias="AWS_SECRET_ACCESS_KEY", repr=False,
                                              description="S3 credentials (passed as `dg.EnvVar`, never shown)")
    aws_region: str | None = variable("AWS_REGION", None, "S3 region (unset: `us-east-1`)")
    harvest_cron: Cron = variable(
        "BALIZA_HARVEST_CRON", "0 6 * * *",
        "when the daily schedules (`daily_harvest`, `daily_updates`, `daily_sweep`) run (Brasília time)")
    recovery_days: Count = variable("BALIZA_RECOVERY_DAYS", 30,
                                    "how many days back the `recovery` sensor asks again for a day the daily work "
                                    "missed")
    recovery_backoff: Seconds = variable("BALIZA_RECOVERY_BACKOFF", 900.0,
                                         "seconds a missed day's first recovery waits after its last failed run; "
                                         "doubles with each attempt")
    recovery_backoff_cap: Seconds = variable("BALIZA_RECOVERY_BACKOFF_CAP", 21600.0,
                                             "the longest such wait (seconds), before up to a quarter of jitter")
    recovery_interval: Seconds = variable("BALIZA_RECOVERY_INTERVAL", 600.0,
                                          "seconds between the `recovery` sensor's ticks")
    consulta_share: Share = variable("BALIZA_CONSULTA_SHARE", 1.0,
                                     "the share of the consulta API's concurrency Baliza may use (0 to 1): "
                                     "`PNCP_CONSULTA_CONCURRENCY` × share in flight, at least 1")
    detail_share: Share = variable("BALIZA_DETAIL_SHARE", 1.0, "the same for the detail API")
    query_timeout: Seconds = variable("BALIZA_QUERY_TIMEOUT", 300.0,
                                      "seconds a `baliza query` statement may run (`--timeout` overrides it)")
    snapshot_retention_days: Count | None = variable(
        "BALIZA_SNAPSHOT_RETENTION_DAYS", None,
        "days of warehouse snapshots the upkeep keeps; unset, every snapshot is kept, as a citation may need it")
    environment: Environment = variable(
        "BALIZA_ENV", "local",
        "`production`: the schedules and the automation sensor run from the start; `local`: they start stopped, "
        "nothing runs until asked")
    git_url: Url | None = variable("BALIZA_GIT_URL", None,
                                   "the repository (e.g. `https://github.com/org/baliza`) the UI's source links "
                                   "open; unset, they name the local file and line")
    git_branch: str = variable("BALIZA_GIT_BRANCH", "main", "the branch or commit those links point to")

    _refused: tuple[str, ...] = PrivateAttr(default=())
    _from_environment: frozenset[str] = PrivateAttr(default=frozenset())

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Every variable, with the field it sets, in the order they are declared."""
        return {info.validation_alias: name for name, info in cls.model_fields.items()}

    @classmethod
    def default(cls, field: str) -> Any:
        """The default of setting ``field``."""
        return cls.model_fields[field].default

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, strict: bool = True) -> Settings:
        """The settings of ``env`` (by default the process's environment, read now); an empty variable means
        its default (but see ``EMPTY_TAKEN_AS_GIVEN``). Raises :class:`SettingsError` naming every variable
        whose value would be refused, with the reason; ``strict=False`` takes the default in its place and
        keeps what was refused in :attr:`refused` (the operator commands, which report it themselves)."""
        env = os.environ if env is None else env
        given = {}
        for name in cls.variables():
            value = (env.get(name) or "").strip()
            if value or (name in env and name in EMPTY_TAKEN_AS_GIVEN):
                given[name] = value
        reasons = {}
        try:
            settings = cls.model_validate(given)
        except ValidationError as e:
            for error in e.errors():  # a check's own words first; pydantic's when no check ran
                name = error["loc"][0]
                if error["type"] == "value_error":
                    reasons[name] = str(error["ctx"]["error"])
                else:
                    reasons.setdefault(name, error["msg"])
            refused = {name: given.pop(name) for name in reasons}
            settings = cls.model_validate(given)
        problems = tuple(f"{name}={refused[name]!r}: {reasons[name]}" for name in cls.variables() if name in reasons)
        if problems and strict:
            raise SettingsError("; ".join(problems))
        settings._refused, settings._from_environment = problems, frozenset(given)
        return settings

    @property
    def refused(self) -> tuple[str, ...]:
        """Each variable :meth:`from_env` refused (``strict=False``), as ``NAME='value': reason``."""
        return self._refused

    def from_environment(self, variable_name: str) -> bool:
        """Whether the environment set ``variable_name`` (and it was taken), rather than a default or a value
        given by field name."""
        return variable_name in self._from_environment

    @property
    def automation_runs(self) -> bool:
        """Whether schedules and sensors start running: only in production."""
        return self.environment == "production"

    @property
    def s3(self) -> S3Settings:
        return S3Settings(self.aws_endpoint_url, self.aws_access_key_id, self.aws_secret_access_key, self.aws_region)

    def lake(self) -> Lake:
        return Lake(self.lake_location, self.s3)

    def warehouse_catalog(self):
        """The warehouse's catalog (``lib.warehouse.Catalog``)."""
        return _catalog.Catalog.parse(self.catalog)

    def client_config(self) -> ClientConfig:
        """The PNCP client's configuration: each API's requests in flight within the share the deployment
        grants Baliza (pools keep one step per API across runs, so this is the deployment's total), every
        wait and timeout multiplied by the time scale."""
        detail = budgeted(self.detail_concurrency, self.detail_share)
        return ClientConfig(
            consulta_url=self.consulta_url, detail_url=self.detail_url,
            consulta_concurrency=budgeted(self.consulta_concurrency, self.consulta_share),
            detail_concurrency=detail,
            detail_max_concurrency=max(detail, budgeted(self.detail_max_concurrency, self.detail_share)),
            read_timeout=self.read_timeout,
        ).scaled(self.time_scale)


def budgeted(ceiling: int, share_: float) -> int:
    """Requests in flight for one API: its ceiling times the share of it the deployment grants Baliza
    (never below one)."""
    return max(1, int(ceiling * share_))


def _default(value: Any) -> str:
    if value is None:
        return "unset"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def table() -> str:
    """The README's table of variables: each one, its default and what it is for."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    rows += [f"| `{info.validation_alias}` | {_default(info.default)} | {info.description} |"
             for info in Settings.model_fields.values()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(table(), end="")
