"""Resources configured from environment variables, with working defaults."""

from __future__ import annotations

import dagster as dg

from ..lib.pncp import ClientConfig, PncpClient
from ..lib.pncp.client import REAL_CONSULTA, REAL_DETAIL


class PncpResource(dg.ConfigurableResource):
    """The PNCP client: base URLs default to the real PNCP; point them at the sandbox offline."""

    consulta_url: str = REAL_CONSULTA
    detail_url: str = REAL_DETAIL
    consulta_concurrency: int = 6
    detail_concurrency: int = 8
    read_timeout: float = 60.0

    def client_config(self) -> ClientConfig:
        return ClientConfig(
            consulta_url=self.consulta_url,
            detail_url=self.detail_url,
            consulta_concurrency=self.consulta_concurrency,
            detail_concurrency=self.detail_concurrency,
            read_timeout=self.read_timeout,
        )

    def client(self) -> PncpClient:
        return PncpClient(self.client_config())


def pncp_from_env() -> PncpResource:
    return PncpResource(
        consulta_url=dg.EnvVar("PNCP_CONSULTA_URL").get_value(REAL_CONSULTA),
        detail_url=dg.EnvVar("PNCP_DETAIL_URL").get_value(REAL_DETAIL),
        consulta_concurrency=int(dg.EnvVar("PNCP_CONSULTA_CONCURRENCY").get_value("6")),
        detail_concurrency=int(dg.EnvVar("PNCP_DETAIL_CONCURRENCY").get_value("8")),
        read_timeout=float(dg.EnvVar("PNCP_READ_TIMEOUT").get_value("60")),
    )
