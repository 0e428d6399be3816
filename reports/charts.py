"""Server-rendered SVG charts: pure geometry from plain numbers, drawn by templates.

No JavaScript and no CDN: the SVG prints like the page, and every chart sits next to a table
with the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # a class of static/css/app.css (.bar-poor, .bar-near, .line-poor, .line-near)
    values: Sequence[float | None]


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k at or above `value` (axis end)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-9:
            return float(candidate)
    return float(10 ** (exponent + 1))


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def fmt(value: float | None, decimals: int = 2) -> str:
    """Vietnamese decimal comma, for labels inside the SVG."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def bar_chart(labels: Sequence[str], series: Sequence[Series], *, unit: str = "%") -> dict:
    """Horizontal grouped bars: one row per label, one bar per series."""
    label_w, plot_w, right, bar_h, gap, top_pad = 190, 420, 70, 14, 10, 24
    row_h = bar_h * len(series) + gap
    height = top_pad + row_h * max(len(labels), 1) + 24
    top = nice_max(max([v or 0 for s in series for v in s.values] + [0]))
    scale = plot_w / top
    bars, rows = [], []
    for i, label in enumerate(labels):
        y0 = top_pad + i * row_h
        rows.append({"x": label_w - 8, "y": y0 + (bar_h * len(series)) / 2 + 4, "text": label})
        for j, s in enumerate(series):
            value = s.values[i]
            w = (value or 0) * scale
            y = y0 + j * bar_h
            bars.append({
                "x": label_w, "y": y, "w": round(w, 1), "h": bar_h - 2, "css": s.css,
                "text": f"{fmt(value)}{unit}" if value is not None else "–",
                "tx": label_w + w + 4, "ty": y + bar_h - 4, "title": f"{label} – {s.name}",
            })  # fmt: skip
    ticks = [
        {"x": round(label_w + t * scale, 1), "text": fmt(t, 1 if top < 10 else 0)}
        for t in _ticks(top)
    ]
    return {
        "width": label_w + plot_w + right, "height": height, "bars": bars, "rows": rows,
        "ticks": ticks, "plot_top": top_pad - 6, "plot_bottom": height - 20,
        "series": series, "axis_x": label_w,
    }  # fmt: skip


def line_chart(xs: Sequence[str], series: Sequence[Series], *, unit: str = "%") -> dict:
    """Lines over the years (x: categories evenly spaced)."""
    left, plot_w, plot_h, top_pad, bottom = 56, 560, 220, 20, 34
    width, height = left + plot_w + 30, top_pad + plot_h + bottom
    top = nice_max(max([v or 0 for s in series for v in s.values] + [0]))
    n = max(len(xs), 1)
    step = plot_w / n

    def px(i: int) -> float:
        return round(left + step * (i + 0.5), 1)

    def py(v: float) -> float:
        return round(top_pad + plot_h - v / top * plot_h, 1)

    lines = []
    for s in series:
        pts = [(px(i), py(v), v) for i, v in enumerate(s.values) if v is not None]
        lines.append({
            "css": s.css, "name": s.name,
            "points": " ".join(f"{x},{y}" for x, y, _v in pts),
            "markers": [{"x": x, "y": y, "text": f"{fmt(v)}{unit}"} for x, y, v in pts],
        })  # fmt: skip
    return {
        "width": width, "height": height, "lines": lines,
        "ticks": [{"y": py(t), "text": fmt(t, 1 if top < 10 else 0)} for t in _ticks(top)],
        "xlabels": [{"x": px(i), "text": x} for i, x in enumerate(xs)],
        "left": left, "right": left + plot_w, "bottom": top_pad + plot_h,
        "label_y": top_pad + plot_h + 20, "series": series,
    }  # fmt: skip
