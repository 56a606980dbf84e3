"""Staging: every archived observation of a PNCP record, typed and validated once, with the page it
came from (its source, endpoint, payload sha256 and collection time), and the scopes each day's pages
list whole.

- ``columns``: every staging column, its JSON path, type and description;
- ``build``: payloads to typed rows (``build``), every value that cannot be typed sent to the rejects;
- ``models``: the pandera model of each table;
- ``sources``: which raw tables and endpoints show each entity, and which list a scope whole;
- ``scopes``: the scopes a day's pages list whole;
- ``stage``: one source's pages of one day, typed, validated, with its scopes;
- ``store``: the staging tables in the warehouse, replaced one day and source at a time.
"""

from .build import ENTITIES, REJECTS_SCHEMA, Entity, build

__all__ = ["ENTITIES", "REJECTS_SCHEMA", "Entity", "build"]
