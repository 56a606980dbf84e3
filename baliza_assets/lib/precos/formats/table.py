"""A research in the terminal: what was asked, the snapshot, the spread, what was removed and why, and the
prices kept, one line each."""

from __future__ import annotations

from ..research import Research
from .common import cnpj, day, decimal_text, reproduce, snapshot_utc, spread_rows, units_line

WIDTH = 38  # a buyer's or supplier's name is cut to this


def _cut(text: str | None, width: int = WIDTH) -> str:
    text = text or ""
    return text if len(text) <= width else text[:width - 1] + "…"


def _grid(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def render(research: Research) -> str:
    ask, out = research.ask, []
    searched = []
    if ask.text:
        searched.append(f"{ask.text!r}")
    if ask.code:
        searched.append(f"catalog code {ask.code}")
    out.append(f"Price research: {' and '.join(searched)}, results dated {ask.first} to {ask.last}")
    filters = [f"{name} {', '.join(v)}" for name, v in (("UF", ask.ufs), ("município", ask.municipios),
                                                          ("esfera", ask.esferas)) if v]
    if filters:
        out.append("Filters: " + "; ".join(filters))
    out.append(f"Warehouse snapshot {research.snapshot.id} ({snapshot_utc(research):%Y-%m-%d %H:%M:%S} UTC); the same research again: "
               f"{reproduce(research)}")
    out.append(f"Unit: {units_line(research)}")
    out.append(f"Matched {len(research.rows)} prices; outliers: {ask.rule.spec}, {len(research.removed)} removed")
    out.append("")
    out += _grid(["", "found", "kept"],
                 [[label, decimal_text(a, True), decimal_text(b, True)] for label, a, b in spread_rows(research, portuguese=False)],
                 {1, 2})
    if research.removed:
        out += ["", "Removed:"]
        out += _grid(["date", "unit price", "buyer", "why"],
                     [[str(r["data_resultado"]), decimal_text(r["valor_unitario_homologado"], True),
                       _cut(r["orgao_razao_social"]), r["motivo_remocao"]] for r in research.removed], {1})
    out += ["", "Evidence (kept):"]
    out += _grid(["date", "unit price", "estimated", "buyer", "UF", "supplier", "supplier id", "link"],
                 [[str(r["data_resultado"]), decimal_text(r["valor_unitario_homologado"], True),
                   decimal_text(r["valor_unitario_estimado"], True) if r["valor_unitario_estimado"] is not None else "",
                   _cut(r["orgao_razao_social"]), r["uf"] or "", _cut(r["fornecedor_nome"], 30),
                   cnpj(r["fornecedor_ni"]), r["link_pncp"] or ""] for r in research.kept], {1, 2})
    if ask.text and len(research.descriptions) > 1:
        out += ["", "Descriptions matched (best first):"]
        out += [f"  {n:>4}  {_cut(d, 100)}" for d, n, _ in research.descriptions]
    out.append("")
    out.append(f"(results {day(min(r['data_resultado'] for r in research.rows))} to "
               f"{day(max(r['data_resultado'] for r in research.rows))}; every row's payload_sha256 and the "
               "full columns: --format csv, xlsx or html)")
    return "\n".join(out) + "\n"
