"""The offline quick start: one day from the sandbox into local Parquet files."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from baliza_assets import fetch_day
from baliza_assets.lib import raw_codec
from baliza_assets.sandbox import World


def test_fetch_day_archives_every_exchange_verbatim(tmp_path, capsys):
    assert fetch_day.main(["2025-07-10", "--out", str(tmp_path)]) == 0
    frame = pl.read_parquet(tmp_path / "*" / "date=2025-07-10" / "*.parquet")
    world = World(seed=1, volume="small", now=datetime(2025, 7, 11))
    contratacoes = frame.filter(pl.col("endpoint") == "contratacoes_publicacao")
    assert contratacoes["records"].sum() == len(world.published("contratacoes", date(2025, 7, 10)))
    assert contratacoes.height == 19  # one request per modalidade of the official table
    assert frame.filter(pl.col("endpoint") == "itens")["records"].sum() == sum(
        len(world.itens(c)) for c in world.published("contratacoes", date(2025, 7, 10)))
    row = frame.filter(pl.col("http_status") == 200).row(0, named=True)
    payload = raw_codec.decompress(row["payload_zstd"], row["payload_sha256"])
    assert len(payload) == row["payload_bytes"]
    assert frame["payload_zstd"].bin.size().sum() < 0.3 * frame["payload_bytes"].sum()
    assert "contratos_publicacao" in capsys.readouterr().out


def test_raw_codec_refuses_a_payload_that_is_not_the_archived_one():
    import hashlib

    import pytest

    blob = raw_codec.compress(b'{"data": []}')
    assert raw_codec.decompress(blob, hashlib.sha256(b'{"data": []}').hexdigest()) == b'{"data": []}'
    with pytest.raises(ValueError, match="does not match its sha256"):
        raw_codec.decompress(blob, hashlib.sha256(b"other").hexdigest())
