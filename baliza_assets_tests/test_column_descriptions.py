"""Every column of every staging table and mart is described, from one place each (staging/columns.py,
marts/sql.py), and the asset definitions show the column schema before anything is materialized."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from baliza_assets.definitions import defs
from baliza_assets.defs.marts import assets as marts_assets
from baliza_assets.defs.marts import sql
from baliza_assets.defs.staging import assets as staging_assets
from baliza_assets.lib.cdc.tables import ensure_tables
from baliza_assets.lib.staging import ENTITIES
from baliza_assets.lib.staging.build import empty_table
from baliza_assets.lib.staging.columns import descriptions
from baliza_assets.lib.staging.sources import SOURCES
from baliza_assets.lib.staging.stage import stage

from .test_staging_build import _contratacao, _row


def _described(schema) -> dict[str, str]:
    return {c.name: c.description for c in schema.columns}


PARAMS = {"first": "2000-01-01", "last": "2000-01-01"}


def _params(query: str) -> dict | None:
    return PARAMS if "$first" in query else None


def _empty_warehouse() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory warehouse (not the one sql.describe caches): staging and CDC tables, no rows."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE SCHEMA marts")
    for name, entity in ENTITIES.items():
        like = empty_table(entity)
        con.register("_like", like.to_arrow())
        con.execute(f"CREATE TABLE staging.{name} AS SELECT * FROM _like")
        con.unregister("_like")
        ensure_tables(con, name, like)
    return con


def _query_columns(name: str) -> list[str]:
    """The columns of a mart's query, by DESCRIBE (the marts it reads made first, empty)."""
    con = _empty_warehouse()
    for mart, (query, _) in sql.MARTS.items():
        if mart == name:
            return [r[0] for r in con.execute(f"DESCRIBE {query}", _params(query)).fetchall()]
        con.execute(f"CREATE TABLE marts.{mart} AS {query}", _params(query))
    raise KeyError(name)


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_every_staging_column_has_a_description(name):
    entity = ENTITIES[name]
    docs = descriptions(entity.columns)
    assert set(entity.output_columns) <= set(docs), set(entity.output_columns) - set(docs)
    assert all(c.description.strip() for c in entity.columns)
    schema = _described(staging_assets.column_schema(name))
    assert list(schema) == [*entity.output_columns, "source", "endpoint"]
    assert {c for c, d in schema.items() if not (d and d.strip())} == set()


@pytest.mark.parametrize("name", sorted(sql.MARTS))
def test_every_mart_column_has_a_description_and_exists(name):
    produced = _query_columns(name)
    documented = sql.COLUMNS[name]
    assert set(produced) - set(documented) == set(), "columns the SQL produces without a description"
    assert set(documented) - set(produced) == set(), "documented columns the SQL does not produce"
    assert {c for c, d in documented.items() if not d.strip()} == set()
    assert [c for c, _ in sql.describe()[name]] == produced


def test_asset_definitions_carry_the_column_schema():
    graph = defs.get_repository_def().asset_graph
    by_group: dict[str, dict[str, dict[str, str]]] = {"staging": {}, "marts": {}}
    for key in graph.get_all_asset_keys():
        if key.path[0] in by_group:
            schema = (graph.get(key).metadata or {}).get("dagster/column_schema")
            assert schema is not None, f"{key.to_user_string()} has no column schema"
            by_group[key.path[0]][key.path[1]] = _described(schema)
    assert set(by_group["staging"]) == set(ENTITIES)
    assert set(by_group["marts"]) == set(sql.MARTS)
    for name, schema in by_group["staging"].items():
        assert list(schema) == [*ENTITIES[name].output_columns, "source", "endpoint"]
        assert all(d and d.strip() for d in schema.values()), name
    for name, schema in by_group["marts"].items():
        assert schema == sql.COLUMNS[name], name  # same columns, same descriptions


def test_a_materialized_mart_records_the_same_schema_as_its_definition():
    con = _empty_warehouse()
    for name, (query, _) in sql.MARTS.items():
        con.execute(f"CREATE TABLE marts.{name} AS {query}", _params(query))
        recorded = marts_assets._table_metadata(con, f"marts.{name}")["dagster/column_schema"]
        assert recorded == marts_assets.column_schema(name), name


def test_the_static_staging_types_are_those_a_materialization_records(tmp_path):
    """The definition's types are the types of the Parquet a staging day is written to."""
    archived = pl.DataFrame([_row("contratacoes_publicacao",
                                  {"data": [_contratacao("00394452000103-1-000001/2025", "2025-07-10T09:00:00")]})])
    staged = stage("contratacoes", SOURCES["contratacoes"][0], archived.lazy())
    assert len(staged.rows) == 1 and staged.rejects.is_empty()
    staged.rows.write_parquet(tmp_path / "day.parquet")
    written = dict(pl.read_parquet_schema(tmp_path / "day.parquet"))
    assert staging_assets.column_schema("contratacoes", written) == staging_assets.column_schema("contratacoes")
