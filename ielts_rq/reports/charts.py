"""Report charts as PNG bytes, drawn with matplotlib's Agg backend.

Sized for email: 6.4 x 3.2 inches at 100 dpi is 640 x 320 pixels, shown at
552 px wide in the email layout; every axis says what it counts.
"""

from __future__ import annotations

import io

from ..scoring import criterion_name

WIDTH_IN, HEIGHT_IN, DPI = 6.4, 3.2, 100


def _pyplot():
    # matplotlib is imported on the first chart, not with this module: an email worker that
    # never draws one stays small.
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


def bands_over_time(series: list[dict]) -> bytes:
    """A learner's band per criterion (and overall) for each scored answer."""
    figure, axes = _figure("Your bands per criterion")
    dates = [point["date"] for point in series]
    names = sorted({name for point in series for name in point if name not in ("date", "overall")})
    for name in names:
        axes.plot(range(len(series)), [point.get(name) for point in series], marker="o", linewidth=1,
                  label=criterion_name(name))
    axes.plot(range(len(series)), [point["overall"] for point in series], color="black", linewidth=2.5,
              label="Overall")
    axes.set_xticks(range(len(series)), dates, rotation=30, fontsize=8)
    axes.set_xlabel("Date of each scored answer")
    axes.set_ylabel("IELTS band (0-9)")
    axes.set_ylim(0, 9)
    axes.legend(fontsize=7, loc="lower right", ncol=2)
    return _png(figure)


def per_day_bars(counts: dict[str, int], title: str, ylabel: str, bar_label: str | None = None,
                 line: dict[str, int] | None = None, line_label: str | None = None) -> bytes:
    """Bars per day (e.g. submissions), with an optional line (e.g. active learners)."""
    figure, axes = _figure(title)
    days = list(counts)
    axes.bar(range(len(days)), list(counts.values()), color="#1f4e79", label=bar_label or ylabel)
    if line is not None:
        axes.plot(range(len(days)), [line.get(day, 0) for day in days], color="#d9822b", marker="o",
                  label=line_label)
        axes.legend(fontsize=8)
    axes.set_xticks(range(len(days)), [day[5:] for day in days], rotation=30, fontsize=8)
    axes.set_xlabel("Day (month-day, UTC)")
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
