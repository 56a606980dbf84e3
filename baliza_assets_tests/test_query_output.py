"""`baliza query` as a person reads it: wide rows one record at a time at 80 columns, every statement's
result, quiet when its reader closes the pipe; and every subcommand's --help says what it does, with an
example."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from baliza_assets.cli import main as cli
from baliza_assets.cli import query, render
from baliza_assets.lib import warehouse
from baliza_assets.lib.lake import Lake
from baliza_assets.settings import Settings

WIDE = "SELECT range AS n, repeat('abc ', 30) AS long_text, 'more' AS other FROM range(2)"


@pytest.fixture
def empty(tmp_path):
    """A warehouse with nothing in it yet: SQL that reads no table runs on it."""
    with warehouse.connect(str(tmp_path / "catalog.sqlite"), Lake(str(tmp_path / "lake"))) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    return Settings(catalog=str(tmp_path / "catalog.sqlite"), lake_location=str(tmp_path / "lake"))


def _baliza(settings: Settings, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "BALIZA_CATALOG": settings.catalog, "BALIZA_LAKE": settings.lake_location, "COLUMNS": "80"}
    return subprocess.Popen([sys.executable, "-m", "baliza_assets.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_a_row_wider_than_the_terminal_is_shown_one_record_at_a_time():
    out = io.StringIO()
    render.result(["n", "long_text", "other"], [(0, "abc " * 30, "more")], out, columns_wide=80)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines == ["-[ RECORD 1 ]" + "-" * 67,
                     "n         | 0",
                     "long_text | abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc abc",
                     "          | abc abc abc abc abc abc abc abc abc abc abc abc abc",
                     "other     | more",
                     "(1 row)"]
    narrow = io.StringIO()
    render.result(["n", "uf"], [(1, "SP"), (2, None)], narrow, columns_wide=80)
    assert narrow.getvalue().splitlines() == ["n | uf", "--+-----", "1 | SP", "2 | NULL", "(2 rows)"]
    forced = io.StringIO()
    render.result(["n", "uf"], [(1, "SP")], forced, "vertical", columns_wide=80)
    assert forced.getvalue().splitlines()[1:] == ["n  | 1", "uf | SP", "(1 row)"]
    wide = io.StringIO()
    render.result(["n", "long_text", "other"], [(0, "abc " * 30, "more")], wide, "wide", columns_wide=80)
    assert len(wide.getvalue().splitlines()[2]) > 80


def test_every_statement_prints_its_result_and_csv_takes_one(empty):
    out = io.StringIO()
    assert query.run("SELECT 1 AS one; SELECT 'b' AS two, 2 AS n", empty, "table", out) == 0
    assert out.getvalue().splitlines() == ["one", "---", "1", "(1 row)", "", "two | n", "----+--", "b   | 2", "(1 row)"]
    with pytest.raises(query.QueryRefused, match="--format csv writes one result, and the query has 2 statements: "
                                                 "run them one at a time, or print them all with --format table"):
        query.run("SELECT 1; SELECT 2", empty, "csv", io.StringIO())


def test_the_command_shows_wide_rows_vertically_at_80_columns(empty):
    done = _baliza(empty, "query", WIDE)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert out.decode().startswith("-[ RECORD 1 ]") and max(len(line) for line in out.decode().splitlines()) <= 80


def test_a_reader_that_closes_the_pipe_ends_the_query_quietly(empty):
    reading = _baliza(empty, "query", "SELECT range AS n FROM range(300000)")
    assert reading.stdout.readline() == b"n\n"
    reading.stdout.close()  # as `| head -1` does
    err = reading.stderr.read().decode()
    assert reading.wait(timeout=120) == 141, "a writer whose reader went away: 128 + SIGPIPE"
    assert err == "", "no traceback, no message"


@pytest.mark.parametrize("command", sorted(cli.parser()._subparsers._group_actions[0].choices))
def test_every_subcommand_says_what_it_does_with_an_example(command):
    text = subprocess.run([sys.executable, "-m", "baliza_assets.cli", command, "--help"], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "120"}, check=True).stdout
    usage, description, *_ = text.split("\n\n")
    assert len(description.split()) >= 8, f"baliza {command} --help: what it does, in a sentence"
    examples = text.split("examples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith(f"  baliza {command}") for line in examples if line.strip())
