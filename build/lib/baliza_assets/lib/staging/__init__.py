"""Staging: typed, trimmed, deduplicated PNCP records with the sha256 of their payload."""

from .build import ENTITIES, REJECTS_SCHEMA, Entity, build

__all__ = ["ENTITIES", "REJECTS_SCHEMA", "Entity", "build"]
