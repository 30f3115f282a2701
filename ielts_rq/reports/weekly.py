"""Reports for a learner or the platform over a span of days, and the weekly report with its charts.

This is where the stored records (results, submissions, per-day counters)
become report figures; the maths itself is ``figures``, the drawing
``charts``. The analytics jobs, the report emails and the CLI all read here.
"""

from __future__ import annotations

from datetime import date, timedelta

from .. import store
from ..queueing.connection import get_connection
from ..store import counters
from . import charts, figures


def user_report(user_id: str, start: date, end: date, today: date) -> dict:
    since, until = figures.epoch_bounds(start, end)
    return figures.user_analytics(user_id, store.results_for_user(user_id, since, until),
                                    store.submissions_for_user(user_id, since, until), start, end, today)


def platform_report(start: date, end: date) -> dict:
    connection = get_connection()
    return figures.platform_analytics(counters.daily_counters(connection, start, end), start, end)


def weekly_report(kind: str, user_id: str | None, today: date) -> dict:
    """This week (the seven days before ``today``) against the week before."""
    end = today - timedelta(days=1)
    start, previous_start = end - timedelta(days=6), end - timedelta(days=13)
    if kind == "user":
        this_week = user_report(user_id, start, end, today)
        last_week = user_report(user_id, previous_start, start - timedelta(days=1), today)
    else:
        this_week, last_week = platform_report(start, end), platform_report(previous_start, start - timedelta(days=1))
        this_week["average_band"] = _mean_band(this_week["band_distribution"])
        last_week["average_band"] = _mean_band(last_week["band_distribution"])
    report = {"kind": kind, "user_id": user_id, "week": {"start": start.isoformat(), "end": end.isoformat()},
              "this_week": this_week, "change": figures.weekly_change(this_week, last_week),
              "previous_average_band": last_week["average_band"]}
    if kind == "platform":
        report["active_learners"] = len(counters.active_learners(get_connection(), start, end))
    return report


def charts_for(report: dict) -> dict[str, bytes]:
    """A weekly report's charts as PNG bytes, by name."""
    if report["kind"] == "user":
        return user_charts(report["this_week"])
    return platform_charts(report["this_week"])


def user_charts(numbers: dict) -> dict[str, bytes]:
    """Bands per criterion over time (when there are results) and answers per day."""
    span = map(date.fromisoformat, (numbers["range"]["start"], numbers["range"]["end"]))
    per_day = {day: numbers["submissions_per_day"].get(day, 0) for day in counters.days(*span)}
    images = {"submissions": charts.per_day_bars(per_day, "Your answers per day", "Answers submitted (count)")}
    for task_type in sorted({point.get("task_type") or "answers" for point in numbers["series"]}):
        points = [point for point in numbers["series"] if (point.get("task_type") or "answers") == task_type]
        images[f"bands-{task_type}"] = charts.bands_over_time(
            points, f"Your {charts.task_name(task_type)} bands per criterion")
    return images


CHART_TITLES = {"submissions": "Answers per day", "activity": "Submissions and active learners per day",
                "bands": "Overall band distribution"}


def chart_title(name: str) -> str:
    """The heading of a chart of ``charts_for``, as a reader says it."""
    if name.startswith("bands-"):
        return f"{charts.task_name(name.removeprefix('bands-'))}: bands per criterion"
    return CHART_TITLES.get(name, name.replace("_", " ").capitalize())


def platform_charts(numbers: dict) -> dict[str, bytes]:
    """Submissions and active learners per day, and the band distribution."""
    submissions = {day: sum(entry["submissions"].values()) for day, entry in numbers["per_day"].items()}
    learners = {day: entry["active_learners"] for day, entry in numbers["per_day"].items()}
    return {"activity": charts.per_day_bars(submissions, "Submissions and active learners per day", "Count per day",
                                            bar_label="Submissions", line=learners, line_label="Active learners"),
            "bands": charts.band_distribution(numbers["band_distribution"])}


def _mean_band(distribution: dict[str, int]) -> float | None:
    total = sum(distribution.values())
    return round(sum(float(band) * count for band, count in distribution.items()) / total, 2) if total else None
