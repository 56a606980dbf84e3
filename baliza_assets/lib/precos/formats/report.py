"""A research as a self-contained HTML report, to print or attach to the process: no script, font, style or
image from elsewhere. It holds the research as asked, the warehouse snapshot it was read at (and the command
that reads it again), the units, the outlier rule and what it removed, the spread, the distribution's plot
and the evidence: buyer, supplier (a CPF masked, a CNPJ shown), dates, homologated and estimated prices, the
compra's page on PNCP and the ``payload_sha256`` of the archived answer (``baliza fetch-payload``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html import escape

from ..research import CITATION, Research
from ..units import listing
from .common import cnpj, day, decimal_text, reproduce, snapshot_utc, spread_rows, summary, units_line
from .plot import svg

STYLE = """
body { font-family: sans-serif; font-size: 13px; color: #111; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px 0; } h2 { font-size: 15px; margin: 22px 0 6px 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #c8c8c8; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #1b4f72; color: #fff; }
table.kv th { background: #eef2f6; color: #111; width: 260px; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.removed td { background: #fde2e2; }
code { font-family: monospace; font-size: 11px; }
.sha, .link { font-family: monospace; font-size: 10px; word-break: break-all; min-width: 110px; }
table.evidence { font-size: 12px; }
.note { color: #444; }
@media print { body { margin: 8mm; } @page { size: A4 landscape; } a { color: #111; } }
"""


def _text(v) -> str:
    if isinstance(v, datetime):
        return f"{v:%d/%m/%Y %H:%M:%S}"
    if isinstance(v, date):
        return day(v)
    if isinstance(v, Decimal):
        return decimal_text(v, True)
    return str(v)


def _kv(pairs) -> str:
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(_text(v))}</td></tr>" for label, v in pairs)
    return f'<table class="kv">{rows}</table>'


def _money(v) -> str:
    return "" if v is None else escape(decimal_text(v, True))


def _evidence(research: Research) -> str:
    head = ("#", "Situação", "Data do resultado", "Valor unitário homologado (R$)", "Valor unitário estimado (R$)",
            "Quantidade", "Descrição", "Comprador", "Fornecedor", "Compra", "PNCP", "payload_sha256")
    rows = []
    for i, r in enumerate(research.rows, start=1):
        status = "mantido" if r["motivo_remocao"] is None else f"removido: {r['motivo_remocao']}"
        buyer = (f"{escape(r['orgao_razao_social'] or '')}<br><code>{escape(cnpj(r['orgao_cnpj']))}</code><br>"
                 f"{escape(r['unidade_nome'] or '')}<br>{escape(r['municipio'] or '')}/{escape(r['uf'] or '')}")
        supplier = f"{escape(r['fornecedor_nome'] or '')}<br><code>{escape(cnpj(r['fornecedor_ni']))}</code>"
        compra = (f"{escape(r['modalidade_nome'] or '')} {escape(str(r['numero_compra'] or ''))}/"
                  f"{escape(str(r['ano_compra'] or ''))}, item {r['numero_item']}<br>"
                  f"publicada {day(r['data_publicacao_compra'])}, resultado registrado "
                  f"{day(r['data_registro_resultado'])}")
        link = r["link_pncp"] or ""
        rows.append(
            f'<tr class="{"kept" if r["motivo_remocao"] is None else "removed"}"><td class="n">{i}</td>'
            f"<td>{escape(status)}</td><td>{day(r['data_resultado'])}</td>"
            f'<td class="n">{_money(r["valor_unitario_homologado"])}</td>'
            f'<td class="n">{_money(r["valor_unitario_estimado"])}</td>'
            f'<td class="n">{_money(r["quantidade_homologada"])} {escape(r["unidade_medida"] or "")}</td>'
            f"<td>{escape(r['item_descricao'] or '')}"
            + (f"<br>código {escape(r['catalogo_codigo_item'])}" if r["catalogo_codigo_item"] else "") + "</td>"
            f"<td>{buyer}</td><td>{supplier}</td><td>{compra}</td>"
            f'<td class="link"><a href="{escape(link)}">{escape(link)}</a></td>'
            f'<td class="sha">{escape(r["payload_sha256"] or "")}</td></tr>')
    return ("<table class=\"evidence\"><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def render(research: Research) -> str:
    ask = research.ask
    spread = "".join(f'<tr><th>{escape(label)}</th><td class="n">{escape(decimal_text(a, True))}</td>'
                     f'<td class="n">{escape(decimal_text(b, True))}</td></tr>' for label, a, b in spread_rows(research))
    removed = "".join(f"<li>{day(r['data_resultado'])}: R$ {_money(r['valor_unitario_homologado'])}, "
                      f"{escape(r['orgao_razao_social'] or '')}: {escape(r['motivo_remocao'])}</li>"
                      for r in research.removed) or "<li>nenhum</li>"
    descriptions = "".join(f'<tr><td class="n">{n}</td><td>{escape(d or "")}</td></tr>'
                           for d, n, _ in research.descriptions)
    title = "Pesquisa de preços: " + (ask.text or f"código {ask.code}")
    return f"""<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="note">Preços homologados publicados no PNCP, arquivados pelo Baliza (<code>marts.price_evidence</code>):
pesquisa de preços ({escape(CITATION)}). Ao menos 3 preços; unidade de medida única ou unidades tomadas juntas a
pedido; outliers removidos pela regra abaixo, cada remoção com seu motivo.</p>
<h2>Consulta</h2>
{_kv(summary(research))}
<p class="note">Comando: <code>{escape(ask.command())}</code><br>
Para ler a mesma pesquisa no mesmo estado do warehouse (snapshot {research.snapshot.id}, {snapshot_utc(research):%d/%m/%Y %H:%M:%S} UTC):
<code>{escape(reproduce(research))}</code>, ou em SQL <code>baliza query --as-of {research.snapshot.id} "SELECT ... FROM marts.price_evidence ..."</code>.</p>
<h2>Unidade de medida</h2>
<p>{escape(units_line(research))}</p>
<p class="note">Unidades dos resultados encontrados: {escape(listing(research.unit_counts))}</p>
<h2>Estatísticas (R$ por {escape(" + ".join(research.units))})</h2>
<table class="spread"><thead><tr><th></th><th>Preços encontrados</th><th>Preços mantidos</th></tr></thead>
<tbody>{spread}</tbody></table>
<p class="note">Quantis por interpolação linear (como PERCENTIL.INC); valores exatos, a média arredondada a 6 casas.</p>
<h2>Distribuição dos preços</h2>
{svg(research)}
<h2>Outliers removidos ({len(research.removed)})</h2>
<p>{escape(ask.rule.describe())}</p>
<ul>{removed}</ul>
<h2>Descrições encontradas</h2>
<table class="descriptions"><thead><tr><th>Resultados</th><th>Descrição</th></tr></thead><tbody>{descriptions}</tbody></table>
<h2>Evidências ({len(research.rows)} preços: {len(research.kept)} mantidos, {len(research.removed)} removidos)</h2>
{_evidence(research)}
<p class="note">CPF de fornecedor pessoa física mascarado (LGPD). <code>baliza fetch-payload &lt;payload_sha256&gt;</code>
devolve a resposta do PNCP que contém o resultado, byte a byte.</p>
</body></html>
"""
