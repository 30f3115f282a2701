"""Line charts as inline SVG, drawn on the server: no script and no CDN, so nothing for the CSP to allow.

One chart per figure, one line per queue, time along the bottom (UTC); a gap
in a series (no sample) breaks its line rather than drawing a false zero.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 560, 210
LEFT, RIGHT, TOP, BOTTOM = 48, 10, 34, 26  # margins around the plot area
COLOURS = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d")
TIME_FORMATS = {"hour": "%H:%M", "day": "%H:%M", "week": "%a %d"}


def line_chart(title: str, times: list[float], series: dict[str, list[float | None]], unit: str,
               span: str, window: tuple[float, float]) -> Markup:
    """An SVG line chart over ``window`` (start, end: epoch seconds); ``series`` maps a name (a queue)
    to one value per time (None for none)."""
    values = [v for points in series.values() for v in points if v is not None]
    top = _nice_ceiling(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    start, span_seconds = window[0], max(window[1] - window[0], 1.0)

    def x(t: float) -> float:
        return LEFT + plot_w * min(max((t - start) / span_seconds, 0.0), 1.0)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
             f'role="img" aria-label="{escape(title)}" class="chart">',
             f'<title>{escape(title)}</title>',
             f'<text x="{LEFT}" y="14" font-size="13" font-weight="600">{escape(title)}</text>']
    for fraction in (0, 0.5, 1):  # horizontal grid lines with their values
        value, height = top * fraction, y(top * fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{height:.1f}" y2="{height:.1f}" '
                     f'stroke="#dee2e6" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{height + 4:.1f}" font-size="10" text-anchor="end">'
                     f'{escape(_number(value))}</text>')
    parts.append(f'<text x="4" y="{TOP - 6}" font-size="10" fill="#6c757d">{escape(unit)}</text>')
    for index in range(5):  # five time labels along the bottom, the outer two inside the chart
        t = start + span_seconds * index / 4
        label = datetime.fromtimestamp(t, timezone.utc).strftime(TIME_FORMATS.get(span, "%H:%M"))
        anchor = ("start", "middle", "middle", "middle", "end")[index]
        parts.append(f'<text x="{x(t):.1f}" y="{HEIGHT - 8}" font-size="10" text-anchor="{anchor}">{label}</text>')
    if not values:
        parts.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" font-size="12" text-anchor="middle" '
                     'fill="#6c757d">no data in this span yet</text>')
    legend_x = WIDTH - RIGHT
    for index, (name, points) in enumerate(reversed(list(series.items()))):
        colour = COLOURS[(len(series) - 1 - index) % len(COLOURS)]
        for segment in _segments(times, points):
            coordinates = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in segment)
            if len(segment) == 1:
                t, v = segment[0]
                parts.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2" fill="{colour}"/>')
            else:
                parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
                             f'stroke-width="1.6" data-series="{escape(name)}"/>')
        legend_x -= 8 + 6.2 * len(name)
        parts.append(f'<text x="{legend_x:.1f}" y="28" font-size="10" fill="{colour}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _segments(times, points):
    """Runs of consecutive points that have a value."""
    run = []
    for t, v in zip(times, points):
        if v is None:
            if run:
                yield run
            run = []
        else:
            run.append((t, v))
    if run:
        yield run


def _nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


SPARK_WIDTH, SPARK_HEIGHT = 120, 24


def spark_bars(title: str, counts: list[int]) -> Markup:
    """A small bar chart of ``counts`` (oldest first, one bar each) to sit in a table cell; ``title`` says what
    the bars are, shown on hover and read by a screen reader."""
    top = max(counts, default=0) or 1
    width = SPARK_WIDTH / max(len(counts), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
             f'width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" role="img" aria-label="{escape(title)}" class="spark">',
             f'<title>{escape(title)}</title>',
             f'<line x1="0" x2="{SPARK_WIDTH}" y1="{SPARK_HEIGHT - 0.5}" y2="{SPARK_HEIGHT - 0.5}" stroke="#dee2e6"/>']
    for index, count in enumerate(counts):
        if count:
            height = max(SPARK_HEIGHT * count / top, 1.5)
            parts.append(f'<rect x="{index * width + 0.5:.1f}" y="{SPARK_HEIGHT - height:.1f}" '
                         f'width="{max(width - 1, 1):.1f}" height="{height:.1f}" fill="{COLOURS[0]}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
