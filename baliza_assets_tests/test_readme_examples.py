"""Every SQL example of the README runs with `baliza query` on the quick start's data and returns rows: one
day of the sandbox world the quick start serves (seed 1, small volume, its clock two days after the day),
materialized whole as quickstart.sh does, read three days after it (the quick start's day is three days ago)."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.cli import query
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World, profile

from .conftest import DAY
from .pipeline import materialize, resources

pytestmark = pytest.mark.e2e

README = Path(__file__).parents[1] / "README.md"
TEMPLATES = 2  # the `--as-of` lines: their snapshot and SQL are the reader's ("SELECT ...")


def examples(text: str) -> tuple[list[str], list[str]]:
    """The README's SQL as `baliza query` takes it: each statement of a ```sql block (but the one for the DuckDB
    CLI, which ATTACHes the catalog itself) and each `baliza query "..."` line; and the lines that are templates."""
    sql, templates = [], []
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        if "ATTACH 'ducklake:" in block:
            continue
        code = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("--"))
        sql += [s.strip() for s in code.split(";") if s.strip()]
    for line in re.findall(r"^baliza query (.*)$", text, re.M):
        statement = re.search(r'"((?:SELECT|WITH)[^"]*)"', line)
        (templates if "..." in line else sql).append(statement.group(1) if statement else line)
    return sql, templates


def test_every_readme_sql_example_returns_rows_on_the_quick_starts_data(serve, tmp_path):
    sql, templates = examples(README.read_text())
    assert len(templates) == TEMPLATES, templates
    assert len(sql) >= 8 and any("marts.price_evidence" in s for s in sql)
    world = World(seed=1, volume="small", now=datetime.combine(DAY + timedelta(days=2), time()))  # as quickstart.sh serves it
    with serve(Sandbox(world, profile("none"))) as ep, dg.instance_for_test() as instance:
        assert materialize(resources(ep, tmp_path), instance, DAY).success
    settings = Settings(catalog=str(tmp_path / "catalog.sqlite"), lake_location=str(tmp_path / "lake"))
    today = f"DATE '{DAY + timedelta(days=3)}'"  # the quick start's day is three days before its today
    empty = []
    for statement in sql:
        out = io.StringIO()
        assert query.run(statement.replace("current_date", today), settings, "csv", out) == 0
        if len(out.getvalue().splitlines()) < 2:
            empty.append(statement)
    assert not empty, f"{len(empty)} README example(s) return no rows: {empty}"
