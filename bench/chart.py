#!/usr/bin/env python3
"""bench/chart.py DATA.json OUT.svg: a plain SVG bar chart of ratios to curl.

DATA.json: {"title": str, "clients": [names], "colors": {name: "#rrggbb"},
            "panels": [{"title": str, "groups": [{"name": str,
                        "bars": {client: ratio or null}, "limit": num or null}]}]}
One panel per metric, one group per case, one bar per client; the y axis is
logarithmic (whole decades, at least 0.01 to 100), with curl's 1.0 drawn as a line and a
group's requirement (for ufetch) as a dashed red tick.  No dependencies.
"""
import json
import math
import sys
from xml.sax.saxutils import escape

data = json.load(open(sys.argv[1]))
clients = data["clients"]
colors = data["colors"]
panels = data["panels"]

W = 1100
left, right = 70, 20
ph, ptop, pgap = 260, 40, 95         # panel plot height, title room, gap
legend_h = 40
H = 60 + legend_h + len(panels) * (ptop + ph + pgap)
# log10 range of the y axis: whole decades around every ratio, 0.01..100 at least.
vals = [v for p in panels for g in p["groups"] for v in g["bars"].values() if v]
lo = min([0.01] + [10.0 ** math.floor(math.log10(v)) for v in vals])
hi = max([100.0] + [10.0 ** math.ceil(math.log10(v)) for v in vals])
def ylog(v, top):
    v = min(max(v, lo), hi)
    return top + ph - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * ph

out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
       f'viewBox="0 0 {W} {H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold">'
       f'{escape(data["title"])}</text>']
# Legend.
x = left
for c in clients:
    out.append(f'<rect x="{x}" y="44" width="14" height="14" fill="{colors[c]}"/>')
    out.append(f'<text x="{x + 19}" y="56">{escape(c)}</text>')
    x += 30 + 7.5 * len(c)
out.append(f'<line x1="{x + 10}" y1="51" x2="{x + 40}" y2="51" stroke="#d62728" '
           f'stroke-width="2" stroke-dasharray="5,3"/>'
           f'<text x="{x + 45}" y="56">ufetch requirement</text>')

y0 = 60 + legend_h
for p in panels:
    top = y0 + ptop
    out.append(f'<text x="{left}" y="{y0 + 22}" font-size="14" font-weight="bold">'
               f'{escape(p["title"])}</text>')
    # Axis, grid, ticks.
    for e in range(round(math.log10(lo)), round(math.log10(hi)) + 1):
        v = 10.0 ** e
        y = ylog(v, top)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{W - right}" y2="{y:.1f}" '
                   f'stroke="{"#444" if e == 0 else "#ddd"}" stroke-width="{1.5 if e == 0 else 1}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#444"/>')
    out.append(f'<text transform="translate(18,{top + ph / 2}) rotate(-90)" '
               f'text-anchor="middle">ratio to curl (log)</text>')
    groups = p["groups"]
    gw = (W - left - right) / max(len(groups), 1)
    bw = min(22, (gw - 16) / len(clients))
    for gi, g in enumerate(groups):
        gx = left + gi * gw + (gw - bw * len(clients)) / 2
        for ci, c in enumerate(clients):
            v = g["bars"].get(c)
            bx = gx + ci * bw
            if v is None:
                out.append(f'<text x="{bx + bw / 2:.1f}" y="{top + ph - 4}" '
                           f'text-anchor="middle" font-size="9" fill="#999">n/a</text>')
                continue
            y, base = ylog(v, top), ylog(lo, top)
            out.append(f'<rect x="{bx + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" '
                       f'height="{base - y:.1f}" fill="{colors[c]}">'
                       f'<title>{escape(c)}: {v:.3g}</title></rect>')
            label = f"{v:.0f}" if v >= 10 else f"{v:.2g}"
            out.append(f'<text transform="translate({bx + bw / 2 + 3:.1f},{y - 3:.1f}) rotate(-90)" '
                       f'font-size="9">{label}</text>')
        if g.get("limit"):
            ly = ylog(g["limit"], top)
            out.append(f'<line x1="{gx - 4:.1f}" y1="{ly:.1f}" x2="{gx + 2 * bw + 4:.1f}" '
                       f'y2="{ly:.1f}" stroke="#d62728" stroke-width="2" stroke-dasharray="5,3"/>')
        lines = g["name"].split("\n")
        for li, t in enumerate(lines):
            out.append(f'<text x="{left + gi * gw + gw / 2:.1f}" y="{top + ph + 16 + 14 * li}" '
                       f'text-anchor="middle">{escape(t)}</text>')
    y0 += ptop + ph + pgap
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
