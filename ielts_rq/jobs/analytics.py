"""Jobs of the ``analytics`` queue: learner and platform analytics, weekly reports, cleanup.

All figures come from the stored records (results, submissions and the
per-day counters in ``stats``); ``today`` can be given as an ISO date so a
report can be recomputed for any week.
"""

from __future__ import annotations

from datetime import date, timedelta

from .. import analytics, monitor, stats, store
from ..analytics import parse_day
from ..connection import get_connection
from ..errors import PermanentError

REPORT_KINDS = ("user", "platform")


def process_user_analytics(user_id: str, date_range: str = "7d", today: str | None = None) -> dict:
    """A learner's progress over the range: averages, trend, weakest criterion, streak."""
    store.check_id(user_id, "user")
    start, end = analytics.parse_range(date_range, parse_day(today))
    report = user_report(user_id, start, end, parse_day(today))
    store.save_analytics("user", user_id, report["range"]["start"], report["range"]["end"], report)
    return report


def process_platform_analytics(date_range: str = "7d", today: str | None = None) -> dict:
    """Platform totals per day and task type, band distribution, time to score, failure rates."""
    start, end = analytics.parse_range(date_range, parse_day(today))
    report = platform_report(start, end)
    store.save_analytics("platform", "all", report["range"]["start"], report["range"]["end"], report)
    return report


def generate_weekly_report(kind: str, user_id: str | None = None, today: str | None = None) -> dict:
    """The week's analytics, the change against the week before, and its charts (stored as PNG files)."""
    if kind not in REPORT_KINDS:
        raise PermanentError(f"report kind must be one of {', '.join(REPORT_KINDS)}, got {str(kind)[:40]!r}")
    if kind == "user" and user_id is None:
        raise PermanentError("a user report needs a user_id")
    report = weekly_report(kind, user_id, parse_day(today))
    report["charts"] = _store_charts(kind, user_id or "platform", report)
    store.save_analytics(f"weekly_{kind}", user_id or "all", report["week"]["start"], report["week"]["end"], report)
    return report


def cleanup_old_analytics(days_old: int = 90) -> dict:
    """Delete analytics records computed more than ``days_old`` days ago."""
    if not isinstance(days_old, int) or isinstance(days_old, bool) or days_old < 1:
        raise PermanentError(f"days_old must be a positive whole number of days, got {days_old!r}")
    return {"deleted": store.delete_analytics_older_than(days_old), "days_old": days_old}


def user_report(user_id: str, start: date, end: date, today: date) -> dict:
    since, until = analytics.epoch_bounds(start, end)
    return analytics.user_analytics(user_id, store.results_for_user(user_id, since, until),
                                    store.submissions_for_user(user_id, since, until), start, end, today)


def platform_report(start: date, end: date) -> dict:
    connection = get_connection()
    return analytics.platform_analytics(stats.daily_counters(connection, start, end),
                                        monitor.queue_counts(connection), start, end)


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
              "this_week": this_week, "change": analytics.weekly_change(this_week, last_week),
              "previous_average_band": last_week["average_band"]}
    if kind == "platform":
        report["active_learners"] = len(stats.active_learners(get_connection(), start, end))
    return report


def charts_for(report: dict) -> dict[str, bytes]:
    """A weekly report's charts as PNG bytes, by name."""
    if report["kind"] == "user":
        return user_charts(report["this_week"])
    return platform_charts(report["this_week"])


def user_charts(numbers: dict) -> dict[str, bytes]:
    """Bands per criterion over time (when there are results) and answers per day."""
    from .. import charts

    span = map(date.fromisoformat, (numbers["range"]["start"], numbers["range"]["end"]))
    per_day = {day: numbers["submissions_per_day"].get(day, 0) for day in stats.days(*span)}
    images = {"submissions": charts.per_day_bars(per_day, "Your answers per day", "Answers submitted (count)")}
    if numbers["series"]:
        images["bands"] = charts.bands_over_time(numbers["series"])
    return images


def platform_charts(numbers: dict) -> dict[str, bytes]:
    """Submissions and active learners per day, and the band distribution."""
    from .. import charts

    submissions = {day: sum(entry["submissions"].values()) for day, entry in numbers["per_day"].items()}
    learners = {day: entry["active_learners"] for day, entry in numbers["per_day"].items()}
    return {"activity": charts.per_day_bars(submissions, "Submissions and active learners per day", "Count per day",
                                            bar_label="Submissions", line=learners, line_label="Active learners"),
            "bands": charts.band_distribution(numbers["band_distribution"])}


def _store_charts(kind: str, subject: str, report: dict) -> dict[str, str]:
    from ..storage import get_storage

    storage = get_storage()
    keys = {}
    for name, png in charts_for(report).items():
        keys[name] = f"reports/{kind}/{subject}/{report['week']['start']}/{name}.png"
        storage.put(keys[name], png, content_type="image/png")
    return keys


def _mean_band(distribution: dict[str, int]) -> float | None:
    total = sum(distribution.values())
    return round(sum(float(band) * count for band, count in distribution.items()) / total, 2) if total else None
