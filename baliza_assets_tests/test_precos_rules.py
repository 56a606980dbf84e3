"""The rules of a price research that need no warehouse: what may be asked, the period, the outlier rules, the
units, exact quantiles and Brazilian numbers."""

from __future__ import annotations

import io
import statistics
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from baliza_assets.cli import main as cli
from baliza_assets.cli import precos
from baliza_assets.lib.precos import Ask, Rule, UnitsDiffer
from baliza_assets.lib.precos.formats.common import decimal_text
from baliza_assets.lib.precos.stats import Spread, quantile
from baliza_assets.lib.precos.units import choose
from baliza_assets.settings import Settings

D = Decimal


@pytest.mark.parametrize("kwargs, message", [
    ({}, "give a description to search for"),
    ({"text": "  "}, "give a description to search for"),
    ({"code": "26x"}, "--codigo '26x': a catalog code (CATMAT/CATSER) is a number"),
    ({"text": "de para"}, "the description 'de para' has no word to search for"),
    ({"text": "pneu", "ufs": ["SP,XX"]}, "--uf XX: not a UF"),
    ({"text": "pneu", "esferas": ["federalx"]}, "--esfera 'federalx': expected F (federal)"),
    ({"text": "pneu", "first": date(2025, 2, 1), "last": date(2025, 1, 1)}, "--desde 2025-02-01 is after --ate 2025-01-01"),
    ({"text": "pneu", "outliers": "median"}, "--outliers 'median': median:? needs a positive number"),
    ({"text": "pneu", "outliers": "iqr:-1"}, "--outliers 'iqr:-1': iqr:-1 needs a positive number"),
    ({"text": "pneu", "outliers": "tukey"}, "--outliers 'tukey': expected iqr (or iqr:K"),
])
def test_what_cannot_be_asked_is_named(kwargs, message):
    with pytest.raises(ValueError) as refused:
        Ask.make(date(2026, 3, 15), **kwargs)
    assert str(refused.value).startswith(message), str(refused.value)


def test_the_period_is_the_12_months_before_today_unless_given():
    ask = Ask.make(date(2026, 3, 15), "pneu", ufs=["sp", "RJ,SP"], esferas=["municipal", "F"],
                   units=[" caixa  100.0 unidades "])
    assert (ask.first, ask.last) == (date(2025, 3, 15), date(2026, 3, 15))
    assert ask.ufs == ("SP", "RJ") and ask.esferas == ("M", "F") and ask.units == ("CAIXA 100.0 UNIDADES",)
    assert (Ask.make(date(2024, 2, 29), "pneu").first) == date(2023, 2, 28)
    assert Ask.make(date(2026, 3, 15), "pneu", last=date(2025, 8, 31)).first == date(2024, 8, 31)
    assert Ask.make(date(2026, 3, 15), code="269941", outliers="median:50").command() == (
        "baliza precos --codigo 269941 --desde 2025-03-15 --ate 2026-03-15 --outliers median:50")


def test_quantiles_are_exact_decimals():
    prices = [D("1.000001"), D("1.000002")]
    assert Spread.of(prices).median == D("1.0000015")  # DuckDB's median of DECIMAL(38,6) rounds to 6 places
    many = [D(x) for x in ("7424.69", "0.1234", "12", "15.5", "99.999999", "3", "3", "42.42")]
    for q, expected in zip(("0.1", "0.25", "0.5", "0.75", "0.9"), (*statistics.quantiles(many, n=10, method="inclusive")[:1],
                                                                   *statistics.quantiles(many, n=4, method="inclusive"),
                                                                   statistics.quantiles(many, n=10, method="inclusive")[8])):
        assert quantile(sorted(many), D(q)) == expected, q
    spread = Spread.of(many)
    assert (spread.n, spread.lowest, spread.highest) == (8, D("0.1234"), D("7424.69"))
    assert spread.mean == D("950.091675")  # 7600.733399 / 8 = 950.091674875, half to even at 6 places


def test_outlier_rules_say_why_each_price_is_removed():
    prices = [D(x) for x in ("10", "11", "12", "13", "14", "100")]
    iqr = Rule.parse("iqr")
    fences = iqr.fences(prices)  # Q1 11.25, Q3 13.75: fences 7.5 and 17.5
    assert (fences.low, fences.high) == (D("7.5"), D("17.5"))
    assert [iqr.why(p, fences) for p in prices] == [None] * 5 + ["acima de Q3 + 1,5 × IQR (17,5)"]
    wide = Rule.parse("iqr:40")  # Q3 + 40 x 2.5 = 113.75
    assert [wide.why(p, wide.fences(prices)) for p in prices] == [None] * 6
    near = Rule.parse("median:10")  # median 12.5: 11.25 to 13.75
    assert [near.why(p, near.fences(prices)) for p in prices] == [
        "mais de 10% abaixo da mediana (11,25)", "mais de 10% abaixo da mediana (11,25)", None, None,
        "mais de 10% acima da mediana (13,75)", "mais de 10% acima da mediana (13,75)"]
    assert Rule.parse("none").fences(prices).low is None
    assert Rule.parse("IQR:1,5") == Rule() and Rule.parse("median:50").spec == "median:50"


def test_units_are_chosen_never_mixed():
    counts = Counter({"UNIDADE": 12, "CAIXA 100.0 UNIDADES": 3, "UN": 2, None: 1})
    with pytest.raises(UnitsDiffer) as differ:
        choose(counts, ())
    assert str(differ.value) == (
        "the matches come in 3 units of measure, whose prices are not comparable: UNIDADE (12), "
        "CAIXA 100.0 UNIDADES (3), UN (2), (sem unidade) (1). Choose one with --unidade (--unidade 'UNIDADE'), or "
        "repeat --unidade to take units that mean the same together (--unidade UNIDADE --unidade UN)")
    assert choose(counts, ("UNIDADE", "UN")) == ("UNIDADE", "UN")
    assert choose(Counter({"KM": 4, None: 2}), ()) == ("KM",)
    with pytest.raises(UnitsDiffer, match=r"^no price in LITRO; the matches' units are: UNIDADE \(12\)"):
        choose(counts, ("LITRO",))


def test_numbers_are_written_the_brazilian_way_without_losing_a_digit():
    assert decimal_text(D("7424.690000")) == "7424,69"
    assert decimal_text(D("7424.690000"), grouping=True) == "7.424,69"
    assert decimal_text(D("1234567.1234565"), grouping=True) == "1.234.567,1234565"
    assert decimal_text(D("0.123400")) == "0,1234"
    assert decimal_text(D("-5.000000"), grouping=True) == "-5,00"
    assert decimal_text(19) == "19" and decimal_text(12000, grouping=True) == "12.000"


def test_an_xlsx_needs_a_file_and_is_refused_before_the_warehouse_is_read(tmp_path):
    args = cli.parser().parse_args(["precos", "caneta", "--format", "xlsx"])
    with pytest.raises(ValueError, match="^--format xlsx writes a file: give it with --output FILE$"):
        precos.run(args, Settings(catalog=str(tmp_path / "none.sqlite")), io.StringIO(), io.StringIO(),
                   day=date(2026, 3, 15))
    assert not (tmp_path / "none.sqlite").exists()
