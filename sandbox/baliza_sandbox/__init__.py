"""An offline, faithful simulator of the PNCP consulta and detail APIs (see API.md)."""

from .app import Sandbox
from .faults import Faults, ApiFaults, Latency, profile
from .world import World, Volume, DriftRule

__all__ = ["Sandbox", "Faults", "ApiFaults", "Latency", "profile", "World", "Volume", "DriftRule"]
