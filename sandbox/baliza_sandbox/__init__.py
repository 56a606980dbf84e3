"""An offline, faithful simulator of the PNCP consulta and detail APIs (see API.md)."""

from .app import Sandbox
from .faults import ApiFaults, Faults, Latency, profile
from .world import DriftRule, Volume, World

__all__ = ["Sandbox", "Faults", "ApiFaults", "Latency", "profile", "World", "Volume", "DriftRule"]
