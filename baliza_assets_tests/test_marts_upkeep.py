"""The unpartitioned marts kept incrementally: after days of inserts, updates and deletions captured in
any order, each mart holds exactly what its defining query gives over the current records, and a full
rebuild gives the same rows."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from baliza_assets.lib import marts
from baliza_assets.lib.marts import queries
from baliza_assets.lib.marts.groups import InconsistentState

from .cdc_tables import KEYS, Captures

ORDER = ["price_evidence", "item_price_references", "supplier_profiles", "buyer_profiles"]
UFS = ["SP", "RJ", "MG", None]
PLATFORMS = ["Compras.gov.br", "Licitanet", "BLL", None]
CODES = ["269941", "150000", "4410", None]
UNITS = ["UNIDADE", " unidade ", "CAIXA", None]
SUPPLIERS = ["11111111000111", "22222222000122", "12345678901", "33333333000133", None]
ORGAOS = ["00394452000103", "00394460000141", "46395000000139", None]


def _money(rng: random.Random) -> Decimal:
    return rng.choice([Decimal("0"), Decimal("12.500000"), Decimal("12.500000"), Decimal("7.000001"),
                       Decimal(rng.randint(1, 10**9)) / Decimal(10**6), Decimal("150.250000"), None])


class World:
    """Records that PNCP publishes, amends and deletes, captured into the CDC tables as separate captures."""

    def __init__(self, con, seed: int):
        self.rng, self.cdc, self.seq = random.Random(seed), Captures(con), 0

    def contratacao(self, key: str, published: datetime) -> dict:
        r = self.rng
        cnpj = key.split("-")[0]
        return {"numero_controle_pncp": key, "ano_compra": 2025, "sequencial_compra": int(key.split("-")[2][:6]),
                "numero_compra": str(r.randint(1, 99)), "processo": f"P{r.randint(1, 9)}",
                "modalidade_id": r.choice([6, 8, 9, 6]), "modalidade_nome": "m", "srp": r.random() < .5,
                "valor_total_estimado": _money(r), "valor_total_homologado": _money(r),
                "orgao_cnpj": r.choice(ORGAOS) if r.random() < .2 else cnpj, "orgao_razao_social": r.choice(["A", "B", None]),
                "orgao_esfera_id": r.choice(["F", "M", None]), "unidade_codigo": "1", "unidade_nome": "U",
                "unidade_uf_sigla": r.choice(UFS), "unidade_municipio_nome": "X", "unidade_codigo_ibge": "1",
                "data_publicacao_pncp": r.choice([published, published, None]), "usuario_nome": r.choice(PLATFORMS)}

    def item(self, compra: str, n: int) -> dict:
        r = self.rng
        return {"numero_controle_pncp_compra": compra, "numero_item": n, "descricao": r.choice(["caneta", "papel", None]),
                "material_ou_servico": "M", "unidade_medida": r.choice(UNITS), "valor_unitario_estimado": _money(r),
                "orcamento_sigiloso": r.choice([False, False, True, None]), "catalogo_codigo_item": r.choice(CODES),
                "catalogo_nome": "CATMAT"}

    def resultado(self, compra: str, item: int, seq: int, day: date) -> dict:
        r = self.rng
        supplier = r.choice(SUPPLIERS)
        return {"numero_controle_pncp_compra": compra, "numero_item": item, "sequencial_resultado": seq,
                "ni_fornecedor": supplier, "nome_razao_social_fornecedor": r.choice(["F1", "F2"]),
                "tipo_pessoa": "PF" if supplier and len(supplier) == 11 else "PJ", "porte_fornecedor_id": 1,
                "porte_fornecedor_nome": "ME", "quantidade_homologada": _money(r), "valor_unitario_homologado": _money(r),
                "valor_total_homologado": _money(r), "percentual_desconto": _money(r),
                "data_resultado": r.choice([day, day - timedelta(days=r.randint(1, 400)), None]),
                "situacao_compra_item_resultado_id": r.choice([1, 1, 1, 2]), "data_inclusao": datetime(2025, 7, 1)}

    def contrato(self, key: str, day: date) -> dict:
        r = self.rng
        return {"numero_controle_pncp": key, "ni_fornecedor": r.choice(SUPPLIERS), "tipo_pessoa": r.choice(["PJ", "PF", None]),
                "nome_razao_social_fornecedor": r.choice(["Fornecedor A", "Fornecedor B", None]), "valor_global": _money(r),
                "data_assinatura": r.choice([day - timedelta(days=r.randint(0, 900)), None]),
                "orgao_cnpj": r.choice(ORGAOS), "unidade_uf_sigla": r.choice(UFS),
                "data_publicacao_pncp": r.choice([datetime.combine(day, datetime.min.time()) + timedelta(hours=r.randint(0, 3)),
                                                  None])}

    def day(self, day: date) -> list[tuple[str, list, list]]:
        """The captures of a day (entity, upserts, deletes), in the order they are recorded."""
        r, captures = self.rng, []
        contratacoes, itens, resultados = [], [], []
        for _ in range(r.randint(2, 4)):  # new compras, with their itens and results
            self.seq += 1
            key = f"{r.choice(ORGAOS[:3])}-1-{self.seq:06d}/2025"
            contratacoes.append(self.contratacao(key, datetime.combine(day, datetime.min.time()) + timedelta(hours=9)))
            for n in range(1, r.randint(1, 4) + 1):
                itens.append(self.item(key, n))
                resultados += [self.resultado(key, n, s, day) for s in range(1, r.randint(0, 2) + 1)]
        live = {e: self.cdc.current(e) for e in KEYS}
        for key, row in r.sample(sorted(live["contratacoes"].items()), min(2, len(live["contratacoes"]))):
            contratacoes.append({**self.contratacao(key[0], row["data_publicacao_pncp"] or datetime(2025, 1, 1)),
                                 "orgao_cnpj": row["orgao_cnpj"] if r.random() < .7 else r.choice(ORGAOS)})
        for key, row in r.sample(sorted(live["itens"].items()), min(3, len(live["itens"]))):
            itens.append({**self.item(*key), "descricao": row["descricao"] if r.random() < .5 else "lápis"})
        for key, _ in r.sample(sorted(live["resultados"].items()), min(3, len(live["resultados"]))):
            resultados.append(self.resultado(*key, day))
        contratos = [self.contrato(f"c-{day:%m%d}-{i}", day) for i in range(r.randint(2, 5))]
        contratos += [{**self.contrato(k[0], day), "data_publicacao_pncp": v["data_publicacao_pncp"]}
                      for k, v in r.sample(sorted(live["contratos"].items()), min(3, len(live["contratos"])))]
        deletes = {e: [k for k in sorted(live[e]) if r.random() < .06] for e in KEYS}
        batches = [("contratacoes", contratacoes), ("itens", itens), ("resultados", resultados), ("contratos", contratos)]
        for entity, rows in batches:  # each entity in one or two captures
            cut = r.randint(0, len(rows))
            captures += [(entity, rows[:cut], []), (entity, rows[cut:], deletes[entity])]
        r.shuffle(captures)  # any order: a compra's results may be captured before the compra
        return captures


def _differences(con, mart: str) -> tuple[int, int]:
    """Rows of the mart missing from its defining query's result, and rows it lacks."""
    reference = queries.REFERENCES[mart]
    extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM marts.{mart} EXCEPT ALL SELECT * FROM ({reference}))").fetchone()[0]
    lacking = con.execute(f"SELECT count(*) FROM (SELECT * FROM ({reference}) EXCEPT ALL SELECT * FROM marts.{mart})").fetchone()[0]
    return extra, lacking


def _rows(con, mart: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM marts.{mart}").fetchall(), key=repr)


def _ducklake(folder) -> duckdb.DuckDBPyConnection:
    """A DuckLake warehouse (SQLite catalog, local data files), attached and USE'd as the code location does."""
    import duckdb_extensions

    con = duckdb.connect()
    con.execute(f"SET extension_directory = '{folder}/ext'")
    for extension in ("ducklake", "sqlite"):
        duckdb_extensions.import_extension(extension, con=con)
    con.execute(f"ATTACH 'ducklake:sqlite:{folder}/catalog.sqlite' AS baliza (DATA_PATH '{folder}/data/')")
    con.execute("USE baliza")
    return con


@pytest.mark.parametrize("seed,storage,days", [(1, "duckdb", 10), (2, "duckdb", 10), (3, "ducklake", 4)])
def test_incremental_marts_equal_their_definition_and_a_full_rebuild(seed, storage, days, tmp_path):
    con = duckdb.connect() if storage == "duckdb" else _ducklake(tmp_path)
    world = World(con, seed)
    modes = {m: [] for m in ORDER}
    for n in range(days):
        day = date(2025, 7, 1) + timedelta(days=n)
        for entity, upserts, deletes in world.day(day):
            world.cdc.capture(entity, upserts, deletes, day)
            if world.rng.random() < .3:  # a mart may run between two captures of a day, in any order
                mart = world.rng.choice(ORDER)
                modes[mart].append(marts.upkeep(con, mart).mode)
        for mart in ORDER:
            modes[mart].append(marts.upkeep(con, mart).mode)
            assert _differences(con, mart) == (0, 0), f"day {n}: {mart} differs from its definition"
    for mart in ORDER:
        # built whole once (item_price_references again if it ran before price_evidence was first built)
        assert modes[mart][0] == "full" and modes[mart].count("full") <= (2 if mart == "item_price_references" else 1)
        assert modes[mart].count("incremental") >= days - 2, (mart, modes[mart])
    kept = {m: _rows(con, m) for m in ORDER}
    assert all(kept[m] for m in ORDER), "every mart has rows"
    for mart in ORDER:
        assert marts.upkeep(con, mart, full_rebuild=True).mode == "full"
    assert {m: _rows(con, m) for m in ORDER} == kept


def test_a_run_with_nothing_pending_changes_nothing():
    con = duckdb.connect()
    world = World(con, 7)
    for entity, upserts, deletes in world.day(date(2025, 7, 1)):
        world.cdc.capture(entity, upserts, deletes)
    first = [marts.upkeep(con, m) for m in ORDER]
    assert [u.mode for u in first] == ["full"] * 4
    again = [marts.upkeep(con, m) for m in ORDER]
    assert [u.mode for u in again] == ["unchanged"] * 4
    assert [u.rows for u in again] == [u.rows for u in first]


def test_a_days_run_reads_only_the_compras_and_groups_its_changes_touch():
    con = duckdb.connect()
    world = World(con, 11)
    for n in range(4):
        for entity, upserts, deletes in world.day(date(2025, 7, 1) + timedelta(days=n)):
            world.cdc.capture(entity, upserts, deletes)
    for mart in ORDER:
        marts.upkeep(con, mart)
    # a result counted in a price reference gets a new price
    compra, item, seq = con.execute(
        "SELECT numero_controle_pncp_compra, numero_item, sequencial_resultado FROM marts.price_evidence "
        "WHERE catalogo_codigo_item IS NOT NULL AND unidade_medida IS NOT NULL AND valor_unitario_homologado > 0 "
        "ORDER BY ALL LIMIT 1").fetchone()
    row = world.cdc.current("resultados")[(compra, item, seq)]
    world.cdc.capture("resultados", [{**row, "valor_unitario_homologado": Decimal("999.000001")}])
    evidence = marts.upkeep(con, "price_evidence")
    rows_of_compra = con.execute("SELECT count(*) FROM marts.price_evidence WHERE numero_controle_pncp_compra = ?",
                                 [compra]).fetchone()[0]
    assert evidence.mode == "incremental" and evidence.captures == 1
    assert evidence.details["compras"] == 1 and evidence.details["rows_written"] == rows_of_compra
    references = marts.upkeep(con, "item_price_references")
    # the price moved in its UF's group and in the national one; nothing else was touched
    assert references.mode == "incremental" and references.details["groups"] == 2
    assert marts.upkeep(con, "supplier_profiles").mode == "unchanged"
    for mart in ORDER:
        assert _differences(con, mart) == (0, 0), mart


def test_a_state_that_disagrees_with_its_inputs_is_refused_naming_the_cure():
    con = duckdb.connect()
    world = World(con, 5)
    for entity, upserts, deletes in world.day(date(2025, 7, 1)):
        world.cdc.capture(entity, upserts, deletes)
    marts.upkeep(con, "supplier_profiles")
    key = next(k for k, v in sorted(world.cdc.current("contratos").items()) if v["ni_fornecedor"] and v["orgao_cnpj"])
    con.execute("DELETE FROM marts_state.supplier_profiles_buyers")  # a table changed behind the upkeep
    world.cdc.capture("contratos", deletes=[key])
    with pytest.raises(InconsistentState, match=r"marts_state.supplier_profiles_buyers: 1 value\(s\) would be counted "
                                                "fewer than zero times; .* full_rebuild: true makes the mart again"):
        marts.upkeep(con, "supplier_profiles")
    # nothing was applied: the capture is still pending, and a full rebuild makes the mart again
    assert marts.upkeep(con, "supplier_profiles", full_rebuild=True).captures == 1
    assert _differences(con, "supplier_profiles") == (0, 0)
