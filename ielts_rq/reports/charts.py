"""Report charts as PNG bytes, drawn with matplotlib's Agg backend.

Sized for email: 6.4 x 3.6 inches at 100 dpi is 640 x 360 pixels, shown at
552 px wide in the email layout; every axis says what it counts.
"""

from __future__ import annotations

import io

from ..errors import needs_engines
from ..scoring import criterion_name

WIDTH_IN, HEIGHT_IN, DPI = 6.4, 3.6, 100


def _pyplot():
    # matplotlib is imported on the first chart, not with this module: an email worker that
    # never draws one stays small.
    with needs_engines("charts"):
        import matplotlib

    matplotlib.use("Agg")  # no display: render to PNG only
    from matplotlib import pyplot

    return pyplot


def _figure(title: str):
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    axes.set_title(title, fontsize=11)
    axes.grid(axis="y", alpha=0.3)
    return figure, axes


def _png(figure) -> bytes:
    pyplot = _pyplot()
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    pyplot.close(figure)
    return buffer.getvalue()


def task_name(task_type: str) -> str:
    """'writing_task_2' as a learner says it: 'Writing Task 2'."""
    return task_type.replace("_", " ").title()


def bands_over_time(series: list[dict], title: str = "Your bands per criterion") -> bytes:
    """Band per criterion (and overall) for each scored answer of one task type, oldest first.

    One chart per task type: Task 1 and Task 2 name their first criterion
    differently, and speaking has criteria of its own. The legend sits under
    the axes, where it hides no point.
    """
    figure, axes = _figure(title)
    names = sorted({name for point in series for name in point if name not in ("date", "overall", "task_type")})
    positions = range(len(series))
    for name in names:
        axes.plot(positions, [point.get(name) for point in series], marker="o", linewidth=1, label=criterion_name(name))
    axes.plot(positions, [point["overall"] for point in series], color="black", linewidth=2.5, marker="o",
              label="Overall")
    step = max(1, -(-len(series) // MAX_DATE_LABELS))  # every answer labelled, or every n-th one when there are many
    axes.set_xticks(list(positions)[::step], [_day_label(point["date"]) for point in series][::step], fontsize=8)
    axes.set_xlim(-0.5, len(series) - 0.5)
    axes.set_xlabel("Scored answers, oldest first (date scored, UTC)")
    axes.set_ylabel("IELTS band (0-9)")
    axes.set_ylim(0, 9.2)
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, frameon=False)
    return _png(figure)


MAX_DATE_LABELS = 10


def _day_label(day: str) -> str:
    """'2026-12-01' as '1 Dec'."""
    from datetime import date

    parsed = date.fromisoformat(day[:10])
    return f"{parsed.day} {parsed:%b}"


def per_day_bars(counts: dict[str, int], title: str, ylabel: str, bar_label: str | None = None,
                 line: dict[str, int] | None = None, line_label: str | None = None) -> bytes:
    """Bars per day (e.g. submissions), with an optional line (e.g. active learners)."""
    figure, axes = _figure(title)
    days = list(counts)
    axes.bar(range(len(days)), list(counts.values()), color="#1f4e79", label=bar_label or ylabel)
    if line is not None:
        axes.plot(range(len(days)), [line.get(day, 0) for day in days], color="#d9822b", marker="o",
                  label=line_label)
        axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    step = max(1, -(-len(days) // MAX_DATE_LABELS))
    axes.set_xticks(list(range(len(days)))[::step], [_day_label(day) for day in days][::step], fontsize=8)
    axes.set_xlabel("Day (UTC)")
    axes.set_ylabel(ylabel)
    return _png(figure)


def band_distribution(distribution: dict[str, int]) -> bytes:
    """How many results fell in each overall band."""
    figure, axes = _figure("Overall band distribution")
    bands = [f"{b / 2:.1f}" for b in range(0, 19)]
    axes.bar(bands, [distribution.get(band, 0) for band in bands], color="#1f4e79")
    axes.set_xlabel("Overall IELTS band")
    axes.set_ylabel("Scored answers (count)")
    axes.tick_params(axis="x", labelsize=7)
    return _png(figure)
