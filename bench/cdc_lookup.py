"""The capture's lookups at scale: how the current versions of a day's keys and scopes are found, against
synthetic history of 1M and 10M itens rows.

    python bench/cdc_lookup.py [--rows 1000000,10000000]

A DuckLake warehouse (a SQLite catalog, Parquet under a lake folder) is filled with synthetic itens history (every staging column; 7 itens a compra, one record
in ten with an older, closed version), and ``cdc.itens_current`` is made from it as a capture keeps it.
A realistic day of itens is then looked up (43,000 observed keys: 36,000 of new compras, 7,000 of 1,000
compras already archived, which are also the 7,000 keys compared in full; and the day's 7,000 compras as
scopes listed whole; the compras seen again spread over the whole history, as the update feed's, or
among the last 30 days, as a sweep's), two ways, each in a fresh process at the default memory limit
(512 MB):

- ``history``: as the capture looked up before: every column of the history's live rows semi-joined with
  the day's keys, the scope expression evaluated on every live history row, tombstones over the history;
- ``current``: as it looks up now: the key, first sighting and stamp of the live versions from the
  current table, the records of the scopes by their stored scope, every column only of the keys that
  are compared, tombstones only for the keys with no live version.

Printed per size and way: seconds (best of 3) and how much the lookups raised the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PER_COMPRA = 7
NEW, OLD_COMPRAS = 36_000, 1_000


def _values(name: str, dtype) -> str:
    import polars as pl

    if name == "numero_controle_pncp_compra":
        return "printf('%014d-1-%06d/2024', c, c % 999983)"
    if name == "numero_item":
        return "n"
    if dtype == pl.String:
        return f"'{name[:6]} ' || (i % 5000)"
    if dtype == pl.Int64:
        return "i % 1000"
    if isinstance(dtype, pl.Decimal):
        return "CAST((i % 100000) / 100 AS DECIMAL(38,6))"
    if dtype == pl.Boolean:
        return "i % 2 = 0"
    if dtype == pl.Date:
        return "DATE '2021-01-01' + CAST(i % 1800 AS INTEGER)"
    if str(dtype).startswith("Datetime"):
        zone = "::TIMESTAMPTZ" if getattr(dtype, "time_zone", None) else ""
        return f"(TIMESTAMP '2021-01-01' + to_seconds(i * 137)){zone}"
    raise ValueError(f"{name}: {dtype}")


def build(path: str, lake: str, rows: int) -> None:
    from baliza_assets.lib import warehouse
    from baliza_assets.lib.cdc.tables import ensure_tables
    from baliza_assets.lib.lake import Lake
    from baliza_assets.lib.staging import ENTITIES
    from baliza_assets.lib.staging.build import empty_table

    like = empty_table(ENTITIES["itens"])
    records = rows * 10 // 11
    cols = ", ".join(f"{_values(n, t)} AS \"{n}\"" for n, t in like.schema.items())
    with warehouse.connect(path, Lake(lake)) as con:
        ensure_tables(con, "itens", like)
        con.execute("DROP TABLE cdc.itens_current")
        base = f"SELECT i // {PER_COMPRA} AS c, i % {PER_COMPRA} + 1 AS n, i FROM range({records}) t(i)"
        con.execute(f"""INSERT INTO cdc.itens_history BY NAME
            SELECT {cols}, TIMESTAMP '2022-01-01' + to_seconds(i) AS valid_from, NULL AS valid_to, NULL AS ended_by,
                   'details' AS source, 's' || (i // 40000) AS snapshot FROM ({base})""")
        con.execute(f"""INSERT INTO cdc.itens_history BY NAME
            SELECT {cols}, TIMESTAMP '2021-06-01' + to_seconds(i) AS valid_from,
                   TIMESTAMP '2022-01-01' + to_seconds(i) AS valid_to, 'U' AS ended_by, 'details' AS source,
                   's0' AS snapshot FROM ({base}) WHERE i % 10 = 0""")
        ensure_tables(con, "itens", like)  # the current table, made from the history as a capture makes it


def day(rows: int, recent: bool):
    """(the day's observed keys, the keys compared in full, the scopes listed whole). The 1,000 compras
    seen again are spread over the whole history, or (``recent``) among the last 30 days' worth."""
    import polars as pl

    compras = rows * 10 // 11 // PER_COMPRA
    if recent:
        old = [compras - 1 - c * max(1, compras // 60 // OLD_COMPRAS) for c in range(OLD_COMPRAS)]
    else:
        old = [c * (compras // OLD_COMPRAS) for c in range(OLD_COMPRAS)]
    new = [compras + 10 + c for c in range(NEW // PER_COMPRA)]
    name = [f"{c:014d}-1-{c % 999983:06d}/2024" for c in old + new]
    keys = pl.DataFrame({"numero_controle_pncp_compra": [k for k in name for _ in range(PER_COMPRA)],
                         "numero_item": [n for _ in name for n in range(1, PER_COMPRA + 1)]})
    compared = keys.head(OLD_COMPRAS * PER_COMPRA)
    scopes = pl.DataFrame({"_scope": name})
    return keys, compared, scopes


def history_way(con, target, columns, keys, compared, scopes):
    """The lookups as the capture made them over the history."""
    import polars as pl

    e, on = target.entity, " AND ".join(f"h.{k} = k.{k}" for k in target.key)
    con.register("_k", keys.to_arrow())
    con.register("_s", scopes.to_arrow())
    live = con.execute(f"SELECT {', '.join('h.' + c for c in columns)}, h.valid_from FROM cdc.{e}_history h "
                       f"SEMI JOIN _k k ON {on} WHERE h.valid_to IS NULL").pl()
    scoped = con.execute(f"SELECT {', '.join(columns)}, valid_from, CAST({target.scope} AS VARCHAR) AS _scope "
                         f"FROM cdc.{e}_history WHERE valid_to IS NULL AND CAST({target.scope} AS VARCHAR) IN "
                         "(SELECT _scope FROM _s)").pl()
    key = ", ".join(f"h.{k}" for k in target.key)
    gone = con.execute(f"""SELECT {key}, max(h.valid_to) FROM cdc.{e}_history h SEMI JOIN _k k ON {on} GROUP BY ALL
                           HAVING count(*) FILTER (WHERE h.valid_to IS NULL) = 0
                           AND arg_max(h.ended_by, h.valid_to) = 'D'""").pl()
    return len(live), len(scoped), len(gone), pl.DataFrame()


def current_way(con, target, columns, keys, compared, scopes):
    """The lookups as the capture makes them now."""
    from baliza_assets.lib.cdc import lookup

    key = list(target.key)
    live = lookup.live(con, target, keys)
    scoped = lookup.in_scopes(con, target, scopes)
    gone = lookup.tombstones(con, target, keys.join(live.select(key), on=key, how="anti"))
    full = lookup.versions(con, target, columns, live.join(compared, on=key, how="semi")["_rid"].to_list())
    assert len(full) == len(compared)
    return len(live), len(scoped), len(gone), full


def child(args) -> dict:
    from baliza_assets.lib import warehouse
    from baliza_assets.lib.cdc.observations import columns
    from baliza_assets.lib.cdc.targets import TARGETS
    from baliza_assets.lib.lake import Lake

    keys, compared, scopes = day(args.n, args.way.endswith("recent"))
    way = history_way if args.way.startswith("history") else current_way
    best, got = None, None
    with warehouse.connect(args.db, Lake(args.lake), read_only=True, memory_limit="512MB") as con:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for _ in range(3):
            t0 = time.perf_counter()
            got = way(con, TARGETS["itens"], columns("itens"), keys, compared, scopes)
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
    return {"seconds": best, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base,
            "live": got[0], "in_scopes": got[1], "tombstones": got[2]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="1000000,10000000")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db")
    parser.add_argument("--lake")
    parser.add_argument("--n", type=int)
    parser.add_argument("--way")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0
    print(f"{'history rows':>13} {'way':>16} {'seconds':>8} {'+RSS MB':>8} {'live':>6} {'in scopes':>10}")
    with tempfile.TemporaryDirectory(prefix="baliza-lookup-") as tmp:
        for n in [int(x) for x in args.rows.split(",")]:
            db, lake = str(Path(tmp) / f"h{n}.sqlite"), str(Path(tmp) / f"lake{n}")
            t0 = time.monotonic()
            build(db, lake, n)
            size = Path(db).stat().st_size + sum(p.stat().st_size for p in Path(lake).rglob("*") if p.is_file())
            print(f"  (built {n:,} history rows in {time.monotonic() - t0:.0f} s, {size / 1e6:.0f} MB)", flush=True)
            for way in ("history spread", "current spread", "history recent", "current recent"):
                out = subprocess.run([sys.executable, __file__, "--child", "--db", db, "--lake", lake, "--n", str(n),
                                      "--way", way],
                                     capture_output=True, text=True)
                if out.returncode:
                    raise SystemExit(out.stderr[-3000:])
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{n:>13,} {way:>16} {r['seconds']:>8.2f} {r['peak_rss_mb']:>8.0f} {r['live']:>6} "
                      f"{r['in_scopes']:>10}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
