"""PNCP client: plain Python, usable without Dagster."""

from . import endpoints
from .client import ClientConfig, ClientStats, PncpClient
from .errors import (
    BadPayload,
    BodyTooLarge,
    CircuitOpen,
    FetchFailed,
    InvalidValue,
    PncpError,
    RejectedRequest,
    RetriesExhausted,
    TransientError,
    UnusableAnswer,
)
from .exchange import Exchange
from .refs import CompraRef

__all__ = [
    "endpoints", "ClientConfig", "ClientStats", "PncpClient", "Exchange", "CompraRef", "PncpError", "TransientError",
    "BadPayload", "UnusableAnswer", "BodyTooLarge", "RejectedRequest", "RetriesExhausted", "CircuitOpen", "InvalidValue", "FetchFailed",
]
