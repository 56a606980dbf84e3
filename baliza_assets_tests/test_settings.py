"""Each setting is declared once, in `baliza_assets.settings.Settings`: the README's table of variables, the
resources the code location binds, the PNCP client's configuration and what doctor shows all come from it,
and nothing reads the environment on import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.cli.settings import shown_variables
from baliza_assets.defs.resources import LakeResource, PncpResource, WarehouseResource
from baliza_assets.defs.wiring import resources_for
from baliza_assets.settings import Settings, SettingsError, table

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_table() -> str:
    text = README.read_text()
    start = text.index("| Variable | Default | Meaning |", text.index("## Configuration"))
    return text[start:text.index("\n\n", start) + 1]


def test_the_readme_lists_exactly_the_declared_settings_with_their_defaults():
    """The README's table is the one the declarations print (`python -m baliza_assets.settings`)."""
    rows = _readme_table().splitlines()[2:]
    assert [row.split(" | ")[0].strip("| `") for row in rows] == list(Settings.variables())
    assert "| `PNCP_READ_TIMEOUT` | `60` | seconds before a hung request is retried |" in rows
    assert "| `BALIZA_DUCKDB_MEMORY_LIMIT` | `512MB` |" in "\n".join(rows)
    assert "| `AWS_REGION` | unset |" in "\n".join(rows)
    assert _readme_table() == table(), "regenerate it: python -m baliza_assets.settings"


def test_every_variable_has_a_description_and_doctor_shows_it():
    fields = Settings.model_fields
    assert len(Settings.variables()) == len(fields) == 27
    assert all(info.description for info in fields.values())
    assert set(Settings.variables()) <= set(shown_variables())


def test_the_resources_declare_no_defaults_and_take_the_settings():
    """Every field of the resources is given by the settings (the AWS ones may be None: unset); the client's
    attempts per request, which no setting sets, are the client's own unless a test asks for fewer."""
    for resource in (PncpResource, LakeResource, WarehouseResource):
        fields = {name: info for name, info in resource.model_fields.items() if name != "max_attempts"}
        assert all(info.is_required() for info in fields.values()), resource
    settings = Settings.from_env({"PNCP_CONSULTA_CONCURRENCY": "3", "BALIZA_CONSULTA_SHARE": "0.5",
                                  "PNCP_DETAIL_MAX_CONCURRENCY": "20", "BALIZA_DUCKDB_MEMORY_LIMIT": "1GB",
                                  "BALIZA_LAKE": "/srv/lake"})
    resources = resources_for(settings)
    config = resources["pncp"].client_config()
    assert (config.consulta_concurrency, config.detail_concurrency, config.detail_max_concurrency) == (1, 8, 20)
    assert config.read_timeout == 60.0 and config.consulta_url == "https://pncp.gov.br/api/consulta"
    assert config == settings.client_config()
    assert resources["warehouse"].memory_limit == "1GB" and resources["warehouse"].catalog == "data/catalog.sqlite"
    assert resources["lake"].location == "/srv/lake" and resources["lake"].aws_region is None


def test_credentials_the_environment_sets_stay_variables_the_ui_names():
    env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cret", "AWS_REGION": "sa-east-1"}
    resources = resources_for(Settings.from_env(env))
    assert resources["lake"].aws_secret_access_key == dg.EnvVar("AWS_SECRET_ACCESS_KEY")
    assert resources["lake"].aws_access_key_id == dg.EnvVar("AWS_ACCESS_KEY_ID")
    assert resources["lake"].aws_region == "sa-east-1"
    assert "s3cret" not in repr(Settings.from_env(env))
    # given by name (tests, benchmarks), a credential is its value: there is no variable to name
    assert resources_for(Settings(aws_secret_access_key="s3cret"))["lake"].aws_secret_access_key == "s3cret"


def test_an_empty_variable_means_its_default_but_an_empty_memory_limit_is_refused():
    settings = Settings.from_env({"PNCP_READ_TIMEOUT": " ", "BALIZA_ENV": "", "BALIZA_RECOVERY_DAYS": "7"})
    assert (settings.read_timeout, settings.environment, settings.recovery_days) == (60.0, "local", 7)
    with pytest.raises(SettingsError, match="^BALIZA_DUCKDB_MEMORY_LIMIT='': DuckDB refuses it as memory_limit: "):
        Settings.from_env({"BALIZA_DUCKDB_MEMORY_LIMIT": ""})


def test_every_refused_variable_is_named_and_the_lenient_reading_keeps_the_defaults():
    env = {"BALIZA_ENV": "prod", "PNCP_CONSULTA_CONCURRENCY": "many", "BALIZA_GIT_URL": "git@host:baliza",
           "BALIZA_HARVEST_CRON": "every morning", "BALIZA_LAKE": "gs://bucket/lake"}
    expected = ("PNCP_CONSULTA_CONCURRENCY='many': expected a whole number above 0",
                "BALIZA_LAKE='gs://bucket/lake': lake location 'gs://bucket/lake': use a folder or s3://bucket/prefix",
                "BALIZA_HARVEST_CRON='every morning': is not a cron schedule (e.g. '0 6 * * *')",
                "BALIZA_ENV='prod': expected one of local, production",
                "BALIZA_GIT_URL='git@host:baliza': expected an http:// or https:// URL with a host")
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value) == "; ".join(expected)
    lenient = Settings.from_env(env, strict=False)
    assert lenient.refused == expected
    assert (lenient.environment, lenient.consulta_concurrency, lenient.git_url, lenient.harvest_cron,
            lenient.lake_location) == ("local", 6, None, "0 6 * * *", "data/lake")


def test_settings_given_by_name_pass_the_same_checks():
    with pytest.raises(ValueError, match="expected a positive number of seconds"):
        Settings(read_timeout=0)
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        Settings(read_timout=5)


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=300)


def test_nothing_reads_the_environment_on_import_but_the_code_location_as_it_loads():
    """A refused variable stops nothing that is only imported (lib, the settings, the resources, the command
    line); the code location refuses it as it loads its definitions."""
    imported = _python("import baliza_assets.lib.pncp, baliza_assets.lib.lake, baliza_assets.settings, "
                       "baliza_assets.defs.wiring, baliza_assets.cli.main", BALIZA_ENV="prod")
    assert imported.returncode == 0, imported.stderr[-2000:]
    loaded = _python("import baliza_assets.definitions", BALIZA_ENV="prod")
    assert loaded.returncode == 1
    assert "SettingsError: BALIZA_ENV='prod': expected one of local, production" in loaded.stderr
