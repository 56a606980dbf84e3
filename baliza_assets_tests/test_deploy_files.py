"""deploy/: what can be checked without a Docker engine or a Kubernetes cluster."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from dagster._core.instance.config import dagster_instance_config

DEPLOY = Path(__file__).parents[1] / "deploy"
COMPOSE_ENV = {"DAGSTER_PG_PASSWORD": "x", "BALIZA_CATALOG_PASSWORD": "c", "BALIZA_S3_ACCESS_KEY": "a",
               "BALIZA_S3_SECRET_KEY": "b"}


def _compose() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def test_the_production_instance_config_is_valid_and_holds_no_secret(tmp_path, monkeypatch):
    shutil.copy(DEPLOY / "production" / "dagster.yaml", tmp_path / "dagster.yaml")
    for name, value in {"DAGSTER_PG_HOST": "h", "DAGSTER_PG_PORT": "5432", "DAGSTER_PG_USER": "u",
                        "DAGSTER_PG_PASSWORD": "p", "DAGSTER_PG_DB": "d"}.items():
        monkeypatch.setenv(name, value)
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["storage"]["postgres"]["postgres_db"]["password"] == {"env": "DAGSTER_PG_PASSWORD"}
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    limits = {(t["key"], str(t["value"])): t["limit"] for t in config["concurrency"]["runs"]["tag_concurrency_limits"]}
    assert all(limits[("baliza/trigger", name)] == 1 for name in ("daily_harvest", "daily_updates", "daily_sweep"))
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["run_monitoring"]["enabled"] and config["run_retries"]["enabled"]
    assert config["telemetry"] == {"enabled": False}


def test_compose_binds_the_webserver_to_localhost_and_takes_secrets_from_the_environment():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "s3", "code", "webserver", "daemon"}
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]
    assert all("ports" not in s for name, s in services.items() if name != "webserver"), "only the UI is published"
    text = (DEPLOY / "docker-compose.yml").read_text()
    assert "${DAGSTER_PG_PASSWORD:?" in text and "${BALIZA_S3_SECRET_KEY:?" in text
    workspace = yaml.safe_load((DEPLOY / "production" / "workspace.yaml").read_text())
    grpc = workspace["load_from"][0]["grpc_server"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert grpc["host"] == "code" and f'"-p", "{grpc["port"]}"' in dockerfile
    assert "USER baliza" in dockerfile, "the processes do not run as root"


def test_no_volume_is_shared_for_the_warehouse():
    """The warehouse's catalog is a database of its own on the deployment's PostgreSQL, its data files are on S3:
    the Baliza containers and run pods mount nothing, and need only credentials."""
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(compose["volumes"]) == {"postgres", "lake"}
    assert all("volumes" not in services[name] for name in ("code", "webserver", "daemon"))
    env = services["code"]["environment"]
    assert env["BALIZA_CATALOG"].startswith("postgresql://baliza_catalog:${BALIZA_CATALOG_PASSWORD:?")
    assert env["BALIZA_CATALOG"].endswith("@postgres:5432/baliza_catalog") and "BALIZA_DUCKDB_PATH" not in env
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    init = (DEPLOY / "postgres-init" / "catalog.sh").read_text()
    assert "CREATE ROLE baliza_catalog LOGIN" in init and "CREATE DATABASE baliza_catalog OWNER baliza_catalog" in init
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    deployment = values["dagster-user-deployments"]["deployments"][0]
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    assert "volumes" not in deployment and "volumes" not in launcher and "volumeMounts" not in launcher
    assert launcher["envSecrets"] == [{"name": "baliza-env"}] == deployment["envSecrets"]
    assert "BALIZA_CATALOG" in (DEPLOY / "helm" / "values.yaml").read_text()
    assert not [e for e in deployment["env"] if e["name"] == "BALIZA_DUCKDB_PATH"]


@pytest.mark.skipif(_compose() is None, reason="neither `docker compose` nor `docker-compose` is installed")
def test_docker_compose_config_validates():
    cmd = _compose() + ["-f", str(DEPLOY / "docker-compose.yml"), "config"]
    done = subprocess.run(cmd, env={**os.environ, **COMPOSE_ENV}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "127.0.0.1" in done.stdout
    missing = subprocess.run(cmd, env={k: v for k, v in os.environ.items() if k not in COMPOSE_ENV},
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "set DAGSTER_PG_PASSWORD in deploy/.env" in missing.stderr


def test_helm_values_match_the_production_instance():
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    instance = yaml.safe_load((DEPLOY / "production" / "dagster.yaml").read_text())
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["postgresql"]["enabled"] is False and values["generatePostgresqlPasswordSecret"] is False
    assert "postgresqlPassword" not in values["postgresql"], "the password comes from a Kubernetes secret"
    assert values["dagsterWebserver"]["service"]["type"] == "ClusterIP"
    deployment = values["dagster-user-deployments"]["deployments"][0]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "baliza_assets.definitions"]
    runs = values["concurrency"]["runs"]
    assert runs["maxConcurrentRuns"] == instance["concurrency"]["runs"]["max_concurrent_runs"]
    assert [(t["key"], t["limit"]) for t in runs["tagConcurrencyLimits"]] == [
        (t["key"], t["limit"]) for t in instance["concurrency"]["runs"]["tag_concurrency_limits"]]
    assert values["concurrency"]["pools"]["defaultLimit"] == instance["concurrency"]["pools"]["default_limit"]
    assert values["dagsterDaemon"]["runRetries"]["maxRetries"] == instance["run_retries"]["max_retries"]
    assert values["telemetry"] == {"enabled": False}


def test_the_code_location_and_its_image_leave_the_sandbox_out():
    """The offline PNCP sandbox is a distribution of its own (sandbox/): no module of the code location
    imports it, its web stack is no runtime dependency, and the image copies only baliza_assets."""
    root = DEPLOY.parent
    assert [p for p in (root / "baliza_assets").rglob("*.py") if "baliza_sandbox" in p.read_text()] == []
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert [d for d in deps if d.startswith(("starlette", "uvicorn", "baliza-sandbox"))] == []
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "COPY baliza_assets ./baliza_assets" in dockerfile and "sandbox" not in dockerfile
