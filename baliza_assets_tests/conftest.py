from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime

import dagster as dg
import pytest

from baliza_assets.lib.pncp import ClientConfig, PncpClient
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.server import running

# A weekday with a realistic modalidade mix; the clock sits two days later.
DAY = date(2025, 7, 10)
NOW = datetime(2025, 7, 12, 0, 0)


def fast_config(endpoints, **overrides) -> ClientConfig:
    """Client settings for a sandbox whose delays are scaled down ~100x: waits between attempts are
    short, but timeouts stay generous (a busy machine stalls a loopback answer for seconds) and the
    circuit breaker never opens, so what a test sees does not depend on how fast the machine is. A
    test about timeouts or the breaker sets its own."""
    base = dict(
        connect_timeout=10.0, read_timeout=30.0, backoff_base=0.01, backoff_cap=0.05, rate_limit_base=0.02,
        rate_limit_cap=0.1, breaker_cooldown=60.0, breaker_threshold=1_000_000,
    )
    settings = Settings(consulta_url=endpoints.consulta, detail_url=endpoints.detail)
    return replace(settings.client_config(), **{**base, **overrides})


@pytest.fixture
def instance():
    """A real Dagster instance in a temporary folder (runs, events, asset status), one per test."""
    with dg.instance_for_test() as inst:
        yield inst


@pytest.fixture
def world() -> World:
    return World(seed=7, volume="small", now=NOW)


@pytest.fixture
def serve():
    """serve(sandbox) -> context manager yielding the loopback Endpoints."""

    @contextmanager
    def _serve(sandbox: Sandbox):
        with running(sandbox) as endpoints:
            yield endpoints

    return _serve


@pytest.fixture
def client_for():
    clients = []

    def make(endpoints, **overrides) -> PncpClient:
        c = PncpClient(fast_config(endpoints, **overrides))
        clients.append(c)
        return c

    yield make


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS) on loopback, shared by the session."""
    from .s3server import seaweedfs

    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server
