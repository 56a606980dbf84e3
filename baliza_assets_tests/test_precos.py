"""`baliza precos` on a sandbox day materialized through Dagster: what it finds, keeps and removes equals what
the sandbox published (``precos_truth``), in each format."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from baliza_assets.cli import main as cli
from baliza_assets.cli import precos
from baliza_assets.settings import Settings
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import Faults

from . import precos_truth as truth
from .conftest import DAY, NOW
from .pipeline import materialize, query, resources

pytestmark = pytest.mark.e2e

TODAY = NOW.date()
# The path a homologated price takes: the day's compras, their itens and results, captured, and the mart.
PRICES = dg.AssetSelection.assets(
    ["raw", "contratacoes"], ["raw", "itens"], ["raw", "resultados"],
    *[[layer, e] for layer in ("staging", "cdc") for e in ("contratacoes", "itens", "resultados")],
    ["marts", "price_evidence"])
KEY = ("numero_controle_pncp_compra", "numero_item", "sequencial_resultado")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """DAY's compras, itens and results through the pipeline into marts.price_evidence; yields (settings,
    the sandbox's evidence for DAY, the warehouse's snapshot)."""
    root = tmp_path_factory.mktemp("precos")
    world = World(seed=7, volume="small", now=NOW)
    from baliza_sandbox.server import running

    with dg.instance_for_test() as instance, running(Sandbox(world, Faults())) as ep:
        assert materialize(resources(ep, root), instance, DAY, selection=PRICES).success
    settings = Settings(catalog=str(root / "catalog.sqlite"), lake_location=str(root / "lake"))
    snapshot = query(root / "catalog.sqlite", "SELECT id FROM baliza.current_snapshot()")[0][0]
    yield settings, truth.evidence(world, DAY), snapshot


def _precos(settings: Settings, *argv: str, today: date = TODAY) -> tuple[int, str, str]:
    args = cli.parser().parse_args(["precos", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = precos.run(args, settings, out, err, day=today)
    return code, out.getvalue(), err.getvalue()


def _csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "a UTF-8 byte-order mark first, for a Brazilian spreadsheet"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def _key(row: dict) -> tuple:
    return row["numero_controle_pncp_compra"], int(row["numero_item"]), int(row["sequencial_resultado"])


def _money(text: str) -> Decimal:
    assert "." not in text, f"{text!r}: a decimal comma, no thousands separator"
    return Decimal(text.replace(",", "."))


def test_a_description_finds_every_price_of_the_item_with_or_without_a_catalog_code(archive):
    settings, evidence, snapshot = archive
    expected = truth.matching(evidence, ("transporte", "escolar"))
    assert len(expected) == 11 and {r["unidade"] for r in expected} == {"KM"}
    assert any(r["codigo"] is None for r in expected) and any(r["codigo"] for r in expected)
    removed = truth.iqr_outliers(expected)
    assert len(removed) == 1

    code, out, err = _precos(settings, "TRANSPORTE ESCOLAR", "--format", "csv")  # case ignored
    assert code == 0, err
    rows = _csv(out)
    assert {_key(r) for r in rows} == {r["key"] for r in expected}
    assert {_key(r): _money(r["valor_unitario_homologado"]) for r in rows} == {r["key"]: r["preco"] for r in expected}
    assert {_key(r) for r in rows if r["situacao"] == "removido"} == removed
    assert all(r["motivo_remocao"].startswith("acima de Q3 + 1,5 × IQR") or
               r["motivo_remocao"].startswith("abaixo de Q1 − 1,5 × IQR") for r in rows if r["situacao"] == "removido")
    assert {r["data_resultado"] for r in rows} == {e["data"].strftime("%d/%m/%Y") for e in expected}
    assert sum(1 for r in rows if not r["catalogo_codigo_item"]) == sum(1 for r in expected if r["codigo"] is None)

    code, out, _ = _precos(settings, "transporte escolar")
    kept = truth.spread([r["preco"] for r in expected if r["key"] not in removed])
    found = truth.spread([r["preco"] for r in expected])
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()[:1] and line.split()[0] in
             ("n", "min", "p10", "median", "mean", "p90", "max")}
    for figure, (a, b) in lines.items():
        assert _shown(a) == found[figure] and _shown(b) == kept[figure], figure
    assert f"Warehouse snapshot {snapshot} " in out and f"--as-of {snapshot}" in out
    assert "Matched 11 prices; outliers: iqr, 1 removed" in out


def _shown(text: str) -> Decimal:
    """A figure as the table shows it: dots group thousands, a comma before the decimals."""
    return Decimal(text.replace(".", "").replace(",", "."))


def test_accents_plurals_and_stop_words_do_not_change_what_is_found(archive):
    settings, evidence, _ = archive
    expected = {r["key"] for r in truth.matching(evidence, ("caneta", "esferografica"))}
    assert len(expected) == 4
    for text in ("caneta esferográfica", "CANETAS ESFEROGRAFICAS", "canetas de esferografica"):
        code, out, err = _precos(settings, text, "--format", "csv", "--outliers", "none")
        assert code == 0, (text, err)
        assert {_key(r) for r in _csv(out)} == expected, text


def test_prices_in_several_units_are_never_mixed(archive):
    settings, evidence, _ = archive
    found = truth.matching(evidence, ("coleta",))
    counts = {u: sum(1 for r in found if r["unidade"] == u) for u in {r["unidade"] for r in found}}
    assert counts == {"QUILOGRAMA": 8, "PACOTE 100.0 UNIDADES": 4}
    code, out, err = _precos(settings, "coleta")
    assert (code, out) == (1, "")
    assert "the matches come in 2 units of measure, whose prices are not comparable: QUILOGRAMA (8), " \
           "PACOTE 100.0 UNIDADES (4). Choose one with --unidade" in err

    code, out, err = _precos(settings, "coleta", "--unidade", "quilograma", "--format", "csv")
    assert code == 0, err
    rows = _csv(out)
    assert {_key(r) for r in rows} == {r["key"] for r in found if r["unidade"] == "QUILOGRAMA"}
    assert {_key(r) for r in rows if r["situacao"] == "removido"} == truth.iqr_outliers(
        [r for r in found if r["unidade"] == "QUILOGRAMA"])
    code, out, _ = _precos(settings, "coleta", "--unidade", "QUILOGRAMA", "--unidade", "PACOTE 100.0 UNIDADES")
    assert code == 0 and "Unit: QUILOGRAMA + PACOTE 100.0 UNIDADES (tomadas juntas, como pedido)" in out
    assert "Matched 12 prices" in out


def test_fewer_than_three_prices_is_said_with_how_many_were_found(archive):
    settings, evidence, _ = archive
    assert len(truth.matching(evidence, ("toner",))) == 2
    code, out, err = _precos(settings, "toner")
    assert (code, out) == (1, "")
    assert err.startswith("baliza precos: 2 prices found in UNIDADE, 'toner' among ")
    assert "at least 3 are needed for a price research" in err

    code, _, err = _precos(settings, "transporte escolar", today=TODAY + timedelta(days=800))
    assert code == 1 and "no homologated price matched" in err and "results dated 2026-" in err


def test_catalog_code_filters_and_period(archive):
    settings, evidence, _ = archive
    code_rows = truth.matching(evidence, codigo="26489")
    assert len(code_rows) == 6
    status, out, err = _precos(settings, "--codigo", "26489", "--format", "csv", "--outliers", "none")
    assert status == 0, err
    assert {_key(r) for r in _csv(out)} == {r["key"] for r in code_rows}
    words = tuple(truth.fold(code_rows[0]["descricao"]).replace("-", " ").split()[:2])
    both = truth.matching(evidence, words, codigo="26489")
    with_text = truth.matching(evidence, words)
    assert 3 <= len(both) < len(with_text), "the code narrows the description's matches"
    status, out, err = _precos(settings, " ".join(words), "--codigo", "26489", "--format", "csv", "--outliers", "none",
                               *sum((["--unidade", u] for u in {r["unidade"] for r in with_text}), []))
    assert status == 0, err
    assert {_key(r) for r in _csv(out)} == {r["key"] for r in both}

    locacao = truth.matching(evidence, ("locacao",), unidade="MÊS")
    municipal = [r for r in locacao if r["esfera"] == "M"]
    status, out, err = _precos(settings, "locação", "--unidade", "MÊS", "--esfera", "municipal", "--format", "csv")
    assert status == 0, err
    assert {_key(r) for r in _csv(out)} == {r["key"] for r in municipal}
    uf, city = next((r["uf"], r["municipio"]) for r in sorted(locacao, key=lambda r: r["key"])
                    if sum(1 for x in locacao if x["uf"] == r["uf"]) >= 3)
    in_uf = [r for r in locacao if r["uf"] == uf]
    status, out, err = _precos(settings, "locação", "--unidade", "MÊS", "--uf", uf.lower(), "--format", "csv")
    assert status == 0, err
    assert {_key(r) for r in _csv(out)} == {r["key"] for r in in_uf}
    in_city = [r for r in locacao if r["municipio"] == city]
    status, out, err = _precos(settings, "locação", "--unidade", "MÊS", "--municipio", truth.fold(city).upper(),
                               "--format", "csv", "--outliers", "none")
    if len(in_city) >= 3:
        assert status == 0 and {_key(r) for r in _csv(out)} == {r["key"] for r in in_city}, err
    else:
        assert status == 1 and err.startswith(f"baliza precos: {len(in_city)} price"), err

    days = sorted(r["data"] for r in locacao)
    first, last = days[2], days[-3]
    inside = [r for r in locacao if first <= r["data"] <= last]
    status, out, err = _precos(settings, "locação", "--unidade", "MÊS", "--desde", first.isoformat(), "--ate",
                               last.isoformat(), "--format", "csv")
    assert status == 0, err
    assert {_key(r) for r in _csv(out)} == {r["key"] for r in inside} and len(inside) < len(locacao)


def test_outliers_by_distance_from_the_median(archive):
    settings, evidence, _ = archive
    rows = truth.matching(evidence, ("locacao", "veiculos"))
    removed = truth.median_outliers(rows, Decimal(20))
    assert len(rows) == 12 and len(removed) == 8
    status, out, err = _precos(settings, "locação de veículos", "--outliers", "median:20", "--format", "csv")
    assert status == 0, err
    got = _csv(out)
    assert {_key(r) for r in got if r["situacao"] == "removido"} == removed
    median = truth.spread([r["preco"] for r in rows])["median"]
    for r in got:
        if r["situacao"] == "removido":
            side = "acima" if _money(r["valor_unitario_homologado"]) > median else "abaixo"
            assert r["motivo_remocao"].startswith(f"mais de 20% {side} da mediana"), r["motivo_remocao"]
    status, _, err = _precos(settings, "locação de veículos", "--outliers", "median:5")
    assert status == 1 and "removed as outliers (median:5)" in err


def test_xlsx_read_back_has_typed_cells(archive, tmp_path):
    from openpyxl import load_workbook

    settings, evidence, snapshot = archive
    rows = truth.matching(evidence, ("transporte", "escolar"))
    removed = truth.iqr_outliers(rows)
    kept = truth.spread([r["preco"] for r in rows if r["key"] not in removed])
    path = tmp_path / "pesquisa.xlsx"
    status, out, err = _precos(settings, "transporte escolar", "--format", "xlsx", "--output", str(path))
    assert status == 0, err
    assert out.startswith(f"{path}: 11 prices in KM, 1 removed as outliers")
    book = load_workbook(path)
    assert book.sheetnames == ["Resumo", "Evidências"]
    summary = {r[0]: r[1:] for r in book["Resumo"].iter_rows(values_only=True) if r[0]}
    assert summary["Snapshot do warehouse (DuckLake)"][0] == snapshot
    assert summary["Preços encontrados"][0] == 11 and summary["Preços mantidos"][0] == 10
    assert isinstance(summary["Hora do snapshot (UTC)"][0], datetime)
    assert summary["mediana"][1] == pytest.approx(float(kept["median"]), abs=1e-9)
    assert summary["média"][1] == pytest.approx(float(kept["mean"]), abs=1e-9)
    sheet = book["Evidências"]
    header = [c.value for c in sheet[1]]
    price, day, link = (header.index(h) for h in ("Valor unitário homologado (R$)", "Data do resultado", "Link PNCP"))
    body = list(sheet.iter_rows(min_row=2))
    assert len(body) == 11
    assert sorted(r[price].value for r in body) == sorted(float(r["preco"]) for r in rows)
    assert all(r[price].data_type == "n" and r[day].is_date for r in body)
    assert {r[day].value.date() for r in body} == {r["data"] for r in rows}
    assert all(r[link].hyperlink.target.startswith("https://pncp.gov.br/app/editais/") for r in body)



KEPT, REMOVED = (0x1F, 0x77, 0xB4), (0xD6, 0x27, 0x28)  # the plot's markers (lib/precos/formats/plot.py)
HEADER, REMOVED_ROW = (0x1B, 0x4F, 0x72), (0xFD, 0xE2, 0xE2)  # the tables' header, a removed row's background
MARKER_PIXELS = 100  # about what one marker covers (a circle of radius 6, a diamond of half-diagonal 8)


def _screenshot(page: Path, png: Path, profile: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--window-size=1400,3200", f"--screenshot={png}", page.as_uri()],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]


def test_the_html_report_is_self_contained_and_shows_the_plot_and_the_evidence(archive, tmp_path):
    from PIL import Image

    settings, evidence, snapshot = archive
    rows = truth.matching(evidence, ("locacao", "veiculos"))
    removed = truth.median_outliers(rows, Decimal(20))
    kept = truth.spread([r["preco"] for r in rows if r["key"] not in removed])
    page = tmp_path / "pesquisa.html"
    status, out, err = _precos(settings, "locação de veículos", "--outliers", "median:20", "--format", "html",
                               "--output", str(page))
    assert status == 0, err
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|url\(|@import", html), "nothing loaded from elsewhere"
    links = re.findall(r'href="([^"]+)"', html)
    assert len(links) == 12 and all(h.startswith("https://pncp.gov.br/app/editais/") for h in links)
    assert f"baliza precos &#x27;locação de veículos&#x27; --desde 2024-07-12 --ate 2025-07-12 --outliers median:20 " \
           f"--as-of {snapshot}" in html
    assert html.count('class="kept"') == 4 + 4 and html.count('class="removed"') == 8 + 8  # plot markers, table rows
    found = truth.spread([r["preco"] for r in rows])
    assert f'<th>mediana</th><td class="n">{_br(found["median"])}</td><td class="n">{_br(kept["median"])}</td>' in html
    _, csv_out, _ = _precos(settings, "locação de veículos", "--outliers", "median:20", "--format", "csv")
    for r in _csv(csv_out):
        assert r["payload_sha256"] and r["payload_sha256"] in html
    people = [r for r in rows if r["tipo_pessoa"] == "PF"]
    assert people, "the sandbox's day has a supplier who is a person among these results"
    for r in people:
        assert r["ni"] not in html and f"***.{r['ni'][3:6]}.{r['ni'][6:9]}-**" in html
    for r in rows:
        if r["tipo_pessoa"] == "PJ":
            ni = r["ni"]
            assert f"{ni[:2]}.{ni[2:5]}.{ni[5:8]}/{ni[8:12]}-{ni[12:]}" in html

    png = tmp_path / "pesquisa.png"
    _screenshot(page, png, tmp_path / "chromium-profile")
    counts = {color: 0 for color in (KEPT, REMOVED, HEADER, REMOVED_ROW)}
    rows_of = {color: [] for color in counts}
    image = Image.open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            color = pixels[x, y]
            if color in counts:
                counts[color] += 1
                rows_of[color].append(y)
    assert counts[KEPT] > 3 * MARKER_PIXELS, f"the plot's kept prices: {counts}"
    assert counts[REMOVED] > 6 * MARKER_PIXELS, f"the plot's removed outliers: {counts}"
    assert counts[HEADER] > 5000 and counts[REMOVED_ROW] > 5000, f"the tables, and the removed rows: {counts}"
    assert max(rows_of[REMOVED]) < max(rows_of[REMOVED_ROW]), "the evidence table under the plot"


def _br(value: Decimal) -> str:
    whole, _, frac = f"{value:f}".partition(".")
    frac = (frac.rstrip("0") + "00")[:max(2, len(frac.rstrip("0")))]
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def test_a_research_read_again_at_its_snapshot_gives_the_same_evidence(tmp_path):
    """After another day's prices land, the research cited with its snapshot (--as-of) gives what it gave."""
    world = World(seed=7, volume="small", now=NOW)
    from baliza_sandbox.server import running

    settings = Settings(catalog=str(tmp_path / "catalog.sqlite"), lake_location=str(tmp_path / "lake"))
    research = ("locação", "--unidade", "MÊS", "--format", "csv")
    with dg.instance_for_test() as instance, running(Sandbox(world, Faults())) as ep:
        assert materialize(resources(ep, tmp_path), instance, DAY, selection=PRICES).success
        status, cited, err = _precos(settings, *research)
        assert status == 0, err
        snapshot = str(query(tmp_path / "catalog.sqlite", "SELECT id FROM baliza.current_snapshot()")[0][0])
        assert materialize(resources(ep, tmp_path), instance, DAY + timedelta(days=1), selection=PRICES).success
    status, now, err = _precos(settings, *research)
    assert status == 0, err
    added = truth.matching(truth.evidence(world, DAY + timedelta(days=1)), ("locacao",), unidade="MÊS")
    assert len(_csv(now)) == len(_csv(cited)) + len(added) and added
    status, again, err = _precos(settings, *research, "--as-of", snapshot)
    assert status == 0, err
    assert again == cited
