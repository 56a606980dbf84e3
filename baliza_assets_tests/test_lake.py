"""The local lake: atomic partitions, pending work, clear errors for bad names and locations."""

from __future__ import annotations

import polars as pl
import pytest

from baliza_assets.lib.lake import Lake, LakeError

from .conftest import DAY


def test_partitions_replace_whole_and_pending_is_separate(tmp_path):
    lake = Lake(str(tmp_path))
    lake.write("raw/t", DAY, pl.DataFrame({"x": [1, 2, 3]}))
    lake.write("raw/t", DAY, pl.DataFrame({"x": [4]}))
    assert lake.read("raw/t", DAY)["x"].to_list() == [4]
    assert (tmp_path / "raw/t/date=2025-07-10/part-0.parquet").is_file()
    assert [p.name for p in (tmp_path / "raw/t/date=2025-07-10").iterdir()] == ["part-0.parquet"]
    lake.write_pending("raw/t", DAY, pl.DataFrame({"x": [9]}))
    assert lake.days("raw/t") == [DAY], "pending work is never a partition"
    assert lake.scan_pending("raw/t", DAY).collect()["x"].to_list() == [9]
    lake.clear_pending("raw/t", DAY)
    assert lake.scan_pending("raw/t", DAY) is None


def test_missing_partition_is_named(tmp_path):
    with pytest.raises(LakeError, match=r"raw/t: no partition .* for 2025-07-10; materialize it first"):
        Lake(str(tmp_path)).scan("raw/t", [DAY])


@pytest.mark.parametrize("table", ["../etc", "raw/../../x", "Raw/T", "raw//t", "/abs", "raw/t?x=1"])
def test_table_names_cannot_escape_the_lake(tmp_path, table):
    with pytest.raises(LakeError, match="invalid lake table name"):
        Lake(str(tmp_path)).write(table, DAY, pl.DataFrame({"x": [1]}))
    assert not any(tmp_path.parent.glob("etc*"))


@pytest.mark.parametrize("location,message", [("s3://ab/x", "at least 3 characters"),
                                              ("gs://bucket/x", "use a folder or s3://bucket/prefix")])
def test_bad_locations_are_explained(location, message):
    with pytest.raises(LakeError, match=message):
        Lake(location)
