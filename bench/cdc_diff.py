"""CDC diff speed and memory: a 1,000,000-row snapshot against its predecessor.

    python bench/cdc_diff.py [--rows 1000000]

Builds a staging-like snapshot (contratos: a control-number key, supplier and buyer strings,
decimal values, dates, integers, provenance), then a newer one with 1% of the records updated
(one or two columns each), 0.5% inserted and 0.5% deleted, writes both as Parquet, and in a fresh
process reads them and diffs them with baliza_assets.lib.cdc.diff. Prints seconds (reading and
diffing) and the peak RSS of that process, and checks the change log against what was changed.
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
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def snapshot(rows: int, seed: int):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    seq = np.arange(rows)
    cnpj = rng.integers(10**13, 10**14 - 1, rows // 50 + 1)
    return pl.DataFrame({
        "numero_controle_pncp": [f"{cnpj[i // 50]:014d}-2-{i % 999999 + 1:06d}/2025" for i in seq],
        "orgao_cnpj": [f"{cnpj[i // 50]:014d}" for i in seq],
        "ni_fornecedor": [f"{x:014d}" for x in rng.integers(10**13, 10**14 - 1, rows)],
        "nome_razao_social_fornecedor": [f"FORNECEDOR {x} LTDA" for x in rng.integers(0, 200_000, rows)],
        "objeto_contrato": [f"Aquisição de material de consumo, lote {x}" for x in rng.integers(0, 50_000, rows)],
        "tipo_contrato_id": rng.integers(1, 13, rows),
        "numero_parcelas": rng.integers(1, 24, rows),
        "valor_inicial": pl.Series(np.round(rng.lognormal(10, 2, rows), 2)).cast(pl.Decimal(38, 6)),
        "valor_global": pl.Series(np.round(rng.lognormal(10, 2, rows), 2)).cast(pl.Decimal(38, 6)),
        "data_assinatura": pl.Series([date(2025, 1, 1)] * rows) + pl.Series(rng.integers(0, 365, rows)).cast(pl.Duration("ms")) * 86_400_000,
        "data_vigencia_fim": pl.Series([date(2026, 1, 1)] * rows),
        "situacao": rng.choice(["Vigente", "Encerrado", "Rescindido"], rows),
        "data_atualizacao_global": pl.Series([datetime(2025, 7, 10, 12)] * rows),
        "payload_sha256": [f"{x:064x}" for x in rng.integers(0, 2**62, rows)],
    })


def mutate(old, seed: int):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    n = len(old)
    idx = rng.permutation(n)
    upd, dele = idx[: n // 100], idx[n // 100: n // 100 + n // 200]
    new = old.with_row_index("_i")
    is_upd = pl.col("_i").is_in(upd.tolist())
    new = new.with_columns(
        valor_global=pl.when(is_upd).then(pl.col("valor_global") * 2).otherwise(pl.col("valor_global")),
        situacao=pl.when(is_upd & (pl.col("_i") % 2 == 0)).then(pl.lit("Rescindido (aditivo)")).otherwise(pl.col("situacao")),
        payload_sha256=pl.when(is_upd).then(pl.lit("f" * 64)).otherwise(pl.col("payload_sha256")),
    ).filter(~pl.col("_i").is_in(dele.tolist())).drop("_i")
    inserts = snapshot(n // 200, seed + 1).with_columns(
        numero_controle_pncp=pl.format("99999999999999-2-{}/2026", pl.int_range(pl.len()).cast(pl.String)))
    return pl.concat([new, inserts]), len(upd), len(inserts), len(dele)


def child(folder: Path) -> dict:
    import polars as pl

    from baliza_assets.lib.cdc import diff

    old, new = pl.scan_parquet(folder / "old.parquet"), pl.scan_parquet(folder / "new.parquet")
    t1 = time.perf_counter()
    log = diff(old, new, ["numero_controle_pncp"], at=datetime(2025, 7, 11), old_snapshot="a", new_snapshot="b")
    t2 = time.perf_counter()
    ops = dict(log.group_by("op").len().iter_rows())
    return {"diff_s": t2 - t1, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "ops": ops, "changed_columns": sorted({c for cs in log["changed_columns"].drop_nulls() for c in cs})}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return
    with tempfile.TemporaryDirectory(prefix="baliza-cdc-") as tmp:
        folder = Path(tmp)
        old = snapshot(args.rows, 1)
        new, updates, inserts, deletes = mutate(old, 2)
        old.write_parquet(folder / "old.parquet")
        new.write_parquet(folder / "new.parquet")
        del old, new
        out = subprocess.run([sys.executable, __file__, "--child", str(folder)], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        got = json.loads(out.stdout.strip().splitlines()[-1])
    expected = {"U": updates, "I": inserts, "D": deletes}
    print(f"{args.rows:,} rows, 14 columns: expected {expected}, got {got['ops']}")
    print(f"read and diff (lazy Parquet scans): {got['diff_s']:.2f} s, peak RSS {got['peak_rss_mb']:.0f} MB; "
          f"changed columns: {', '.join(got['changed_columns'])}")
    if got["ops"] != expected:
        raise SystemExit("the change log does not match the changes made")


if __name__ == "__main__":
    main()
