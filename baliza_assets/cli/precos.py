"""`baliza precos`: a price research (pesquisa de preços) over the homologated prices in
marts.price_evidence, by description, by catalog code or both, with the research's rules applied
(baliza_assets.lib.precos) and written as a table, CSV, XLSX or a self-contained HTML report."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HELP = "price research: homologated prices by description or catalog code, with their spread"
DESCRIPTION = """A price research (Lei 14.133, art. 23) over the homologated prices archived from PNCP.

Searches marts.price_evidence by description (full-text: accents and case ignored, plurals stemmed, every
word required, best match first), by catalog code (--codigo), or both; filters by UF, município, esfera
and unit of measure, over the results dated in the period (by default the 12 months before today). Then:
one unit of measure (several units found: choose with --unidade, or repeat it to take units together),
at least 3 prices, outliers removed by a stated rule (each removal with its reason), and the spread (n,
min, p10, median, mean, p90, max) of the prices kept, in exact decimals.

Exit status: 0 a research, 1 the research cannot be made as asked (fewer than 3 prices, several units),
2 an error."""
EPILOG = """examples:
  baliza precos "licenciamento de software"
  baliza precos "caneta esferografica azul" --uf SP --uf RJ --unidade "CAIXA 50.0 UNIDADES"
  baliza precos --codigo 269941 --desde 2025-01-01 --ate 2025-12-31 --outliers median:50
  baliza precos "consulta medica" --format html --output pesquisa.html
  baliza precos "consulta medica" --format xlsx --output pesquisa.xlsx --as-of 1234"""
BRASILIA = ZoneInfo("America/Sao_Paulo")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_parser(sub) -> argparse.ArgumentParser:
    s = sub.add_parser("precos", help=HELP, description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("texto", nargs="?", help="words of the item's description (every one required)")
    s.add_argument("--codigo", metavar="CODE", help="catalog code of the item (CATMAT/CATSER)")
    s.add_argument("--uf", action="append", metavar="UF", help="UF of the buying unit (repeat, or SP,RJ)")
    s.add_argument("--municipio", action="append", metavar="NAME", help="município of the buying unit (repeatable)")
    s.add_argument("--esfera", action="append", metavar="F|E|M|D|N",
                   help="esfera of the buying órgão: F federal, E estadual, M municipal, D distrital, N not stated "
                        "(repeatable)")
    s.add_argument("--unidade", action="append", metavar="UNIT",
                   help="unit of measure to compare; repeat it to take units that mean the same together")
    s.add_argument("--desde", type=_day, metavar="YYYY-MM-DD", help="first result date (default: 12 months before --ate)")
    s.add_argument("--ate", type=_day, metavar="YYYY-MM-DD", help="last result date (default: today)")
    s.add_argument("--outliers", default="iqr", metavar="RULE",
                   help="iqr (default: outside Q1 - 1.5 IQR, Q3 + 1.5 IQR; iqr:K for another K), median:X (more "
                        "than X%% from the median), or none")
    s.add_argument("--format", choices=("table", "csv", "xlsx", "html"), default="table")
    s.add_argument("--output", metavar="FILE", help="write to FILE (required for xlsx) instead of standard output")
    s.add_argument("--as-of", dest="as_of", metavar="SNAPSHOT",
                   help="read the warehouse as it was at this snapshot (an id, as a report cites it, or a time)")
    return s


def today() -> date:
    """Today in Brasília, the zone PNCP dates its results in."""
    return datetime.now(BRASILIA).date()


def run(args: argparse.Namespace, settings, out=None, err=None, day: date | None = None) -> int:
    """Run the research ``args`` asks on the warehouse of ``settings``; ``day``: today (the period's default end)."""
    from ..lib import precos, warehouse
    from ..lib.precos import formats
    from ..lib.precos.formats.common import decimal_text

    out, err = out or sys.stdout, err or sys.stderr
    if args.format in formats.BINARY and not args.output:
        raise ValueError(f"--format {args.format} writes a file: give it with --output FILE")
    ask = precos.Ask.make(day or today(), args.texto, args.codigo, args.uf, args.municipio, args.esfera,
                          args.unidade, args.desde, args.ate, args.outliers, args.as_of)
    as_of = warehouse.AsOf.parse(ask.as_of) if ask.as_of is not None else None
    with warehouse.connect(settings.catalog, settings.lake(), settings.s3, read_only=True, as_of=as_of) as con:
        try:
            found = precos.research(con, ask)
        except (precos.InsufficientPrices, precos.UnitsDiffer) as e:
            err.write(f"baliza precos: {e}\n")
            return 1
    if args.output:
        path = Path(args.output)
        formats.write(found, args.format, path)
        k = found.kept_spread
        out.write(f"{path}: {len(found.rows)} prices in {' + '.join(found.units)}, {len(found.removed)} removed as "
                  f"outliers, median of the {k.n} kept {decimal_text(k.median, True)} (warehouse snapshot {found.snapshot.id}, "
                  f"{found.seconds:.2f} s)\n")
    else:
        out.write(formats.text(found, args.format))
    return 0
