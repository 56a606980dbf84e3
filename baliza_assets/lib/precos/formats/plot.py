"""The distribution of a research's prices as an inline SVG: one marker per price on a linear axis, the
prices kept as blue circles, the removed outliers as red diamonds, the median as a green line, the fences
of the outlier rule dashed, the p10-p90 range of the prices kept shaded."""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from ..research import PRICE, Research
from .common import decimal_text

KEPT = "#1f77b4"
REMOVED = "#d62728"
MEDIAN = "#2ca02c"
FENCE = "#7f7f7f"
BAND = "#dbe9f6"
WIDTH, LEFT, RIGHT, TOP, ROW, ROWS = 900, 40, 40, 30, 16, 6


def _ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart) between ``low`` and ``high``."""
    if high <= low:
        return [low]
    raw = (high - low) / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(count + 1) if first + i * step <= high]


def svg(research: Research) -> str:
    prices = [r[PRICE] for r in research.rows]
    fences = [f for f in (research.fences.low, research.fences.high) if f is not None]
    low = float(min(prices + [f for f in fences if f >= 0] or prices))
    high = float(max(prices + fences))
    pad = (high - low) * 0.05 or max(abs(high) * 0.05, 1.0)
    low, high = max(0.0, low - pad) if low >= 0 else low - pad, high + pad
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + ROWS * ROW + 60

    def x(v: Decimal | float) -> float:
        return LEFT + (float(v) - low) / (high - low) * plot_w

    base = TOP + ROWS * ROW
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
           'role="img" aria-label="Distribuição dos preços homologados" font-family="sans-serif" font-size="11">']
    k = research.kept_spread
    out.append(f'<rect x="{x(k.p10):.1f}" y="{TOP - 8}" width="{max(x(k.p90) - x(k.p10), 1):.1f}" '
               f'height="{ROWS * ROW + 8}" fill="{BAND}"/>')
    for f in fences:
        if low <= float(f) <= high:
            out.append(f'<line x1="{x(f):.1f}" y1="{TOP - 12}" x2="{x(f):.1f}" y2="{base}" stroke="{FENCE}" '
                       'stroke-dasharray="5,4" stroke-width="1.5"/>')
    out.append(f'<line x1="{x(k.median):.1f}" y1="{TOP - 12}" x2="{x(k.median):.1f}" y2="{base}" stroke="{MEDIAN}" '
               'stroke-width="3"/>')
    out.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#333"/>')
    for t in _ticks(low, high):
        label = decimal_text(Decimal(repr(round(t, 6))).normalize(), grouping=True, places=0)
        out.append(f'<line x1="{x(t):.1f}" y1="{base}" x2="{x(t):.1f}" y2="{base + 5}" stroke="#333"/>'
                   f'<text x="{x(t):.1f}" y="{base + 18}" text-anchor="middle">{escape(label)}</text>')
    ordered = sorted(research.rows, key=lambda r: r[PRICE])
    for i, r in enumerate(ordered):
        cx, cy = x(r[PRICE]), TOP + (i % ROWS) * ROW + ROW / 2
        title = f"<title>R$ {escape(decimal_text(r[PRICE], True))} {escape(r['orgao_razao_social'] or '')}</title>"
        if r["motivo_remocao"] is None:
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{KEPT}" class="kept">{title}</circle>')
        else:
            out.append(f'<path d="M{cx:.1f},{cy - 8:.1f} L{cx + 8:.1f},{cy:.1f} L{cx:.1f},{cy + 8:.1f} '
                       f'L{cx - 8:.1f},{cy:.1f} Z" fill="{REMOVED}" class="removed">{title}</path>')
    legend_y = base + 40
    items = [(KEPT, "circle", "preço mantido"), (REMOVED, "diamond", "outlier removido"),
             (MEDIAN, "line", "mediana dos mantidos"), (BAND, "band", "p10 a p90 dos mantidos")]
    if fences:
        items.append((FENCE, "dash", "limites da regra de outliers"))
    lx = LEFT
    for color, shape, text in items:
        if shape == "circle":
            out.append(f'<circle cx="{lx + 6}" cy="{legend_y - 4}" r="6" fill="{color}"/>')
        elif shape == "diamond":
            out.append(f'<path d="M{lx + 6},{legend_y - 12} L{lx + 14},{legend_y - 4} L{lx + 6},{legend_y + 4} '
                       f'L{lx - 2},{legend_y - 4} Z" fill="{color}"/>')
        elif shape == "band":
            out.append(f'<rect x="{lx}" y="{legend_y - 10}" width="14" height="12" fill="{color}"/>')
        else:
            dash = ' stroke-dasharray="4,3"' if shape == "dash" else ""
            out.append(f'<line x1="{lx}" y1="{legend_y - 4}" x2="{lx + 14}" y2="{legend_y - 4}" stroke="{color}" '
                       f'stroke-width="3"{dash}/>')
        out.append(f'<text x="{lx + 20}" y="{legend_y}">{escape(text)}</text>')
        lx += 30 + 7 * len(text)
    out.append("</svg>")
    return "\n".join(out)
