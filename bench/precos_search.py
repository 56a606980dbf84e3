"""How `baliza precos` finds descriptions: DuckDB's full-text index over every distinct description of the
period, against the same index over only the descriptions that hold each word's Portuguese stem (what
lib/precos/search does). Prints seconds per search and checks both match the same descriptions.

    .venv/bin/python bench/precos_search.py [N ...]     N distinct descriptions (default 10000 100000 300000)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time

import duckdb

from baliza_assets.lib.precos.search import Index, rank
from baliza_sandbox.records.catalog import _CAT_MAT, _CAT_SERV

SEARCHES = ("canetas esferográficas azul", "locação de veículos")


def main(sizes: list[int]) -> None:
    rng = random.Random(1)
    catalog = [c.descricao for c in _CAT_MAT + _CAT_SERV]
    extensions = tempfile.mkdtemp(prefix="precos-bench-")
    for n in sizes:
        descriptions = list({f"{rng.choice(catalog)} {rng.choice(('MARCA', 'REF', 'LOTE', 'MODELO'))} "
                             f"{rng.randint(1, 10**7)}" for _ in range(n)})
        con = duckdb.connect()
        con.execute("CREATE TABLE d AS SELECT unnest(?) AS descricao", [descriptions])
        for text in SEARCHES:
            started = time.perf_counter()
            whole = rank(descriptions, text, extensions)
            all_s = time.perf_counter() - started
            started = time.perf_counter()
            with Index(extensions) as index:
                prefixes = index.prefixes(text)
                likes = " AND ".join("lower(strip_accents(descricao)) LIKE ?" for _ in prefixes)
                picked = [d for (d,) in con.execute(f"SELECT descricao FROM d WHERE {likes}",
                                                    [f"%{p}%" for p in prefixes]).fetchall()]
                found = index.rank(picked, text)
            picked_s = time.perf_counter() - started
            assert set(found) == set(whole), text
            print(f"{len(descriptions):>8} descriptions, {text!r}: index of all {all_s:6.2f} s; of those holding the "
                  f"stems {picked_s:6.2f} s ({len(picked)} indexed, {len(found)} matched by both)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 300_000])
