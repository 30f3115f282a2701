"""Jobs of the ``analytics`` queue: learner and platform analytics, weekly reports, cleanup.

All figures come from the stored records (results, submissions and the
per-day counters), through ``reports``; ``today`` can be given as an ISO date so a
report can be recomputed for any week.
"""

from __future__ import annotations

from .. import store
from ..errors import PermanentError
from ..policies import ANALYTICS_KEPT_DAYS
from ..reports import figures
from ..reports.figures import parse_day
from ..reports.weekly import charts_for, platform_report, user_report, weekly_report
from ..storage import get_storage

REPORT_KINDS = ("user", "platform")


def process_user_analytics(user_id: str, date_range: str = "7d", today: str | None = None) -> dict:
    """A learner's progress over the range: averages, trend, weakest criterion, streak."""
    start, end = check_user_analytics(user_id, date_range, today)
    report = user_report(user_id, start, end, parse_day(today))
    try:
        store.save_analytics("user", user_id, report["range"]["start"], report["range"]["end"], report)
    except store.LearnerErased as exc:
        return _erased(exc)
    return report


def process_platform_analytics(date_range: str = "7d", today: str | None = None) -> dict:
    """Platform totals per day and task type, band distribution, time to score, failure rates."""
    start, end = check_platform_analytics(date_range, today)
    report = platform_report(start, end)
    store.save_analytics("platform", "all", report["range"]["start"], report["range"]["end"], report)
    return report


def generate_weekly_report(kind: str, user_id: str | None = None, today: str | None = None) -> dict:
    """The week's analytics, the change against the week before, and its charts (stored as PNG files)."""
    check_weekly_report(kind, user_id, today)
    report = weekly_report(kind, user_id, parse_day(today))
    if kind == "user" and store.is_erased(user_id):
        return _erased(store.LearnerErased())
    report["charts"] = _store_charts(kind, user_id or "platform", report)
    try:
        store.save_analytics(f"weekly_{kind}", user_id or "all", report["week"]["start"], report["week"]["end"],
                             report)
    except store.LearnerErased as exc:  # erased after the check: the charts just stored go too
        for key in report["charts"].values():
            get_storage().delete(key)
        return _erased(exc)
    return report


def _erased(exc) -> dict:
    """A learner erased while their report was made: nothing is kept, not even this job's record."""
    store.forget_current_job()
    return {"skipped": str(exc)}


def cleanup_old_analytics(days_old: int = ANALYTICS_KEPT_DAYS) -> dict:
    """Delete analytics records computed more than ``days_old`` days ago."""
    check_cleanup_old_analytics(days_old)
    return {"deleted": store.delete_analytics_older_than(days_old), "days_old": days_old}


# The checks of arguments a job makes before any work, also run at the door (enqueue(), `ielts-rq enqueue`):
# each job's policy names its check (``JobPolicy.door_check``), which takes the job's own parameters.

def check_user_analytics(user_id, date_range="7d", today=None):
    store.check_id(user_id, "user")
    return figures.parse_range(date_range, parse_day(today))


def check_platform_analytics(date_range="7d", today=None):
    return figures.parse_range(date_range, parse_day(today))


def check_weekly_report(kind, user_id=None, today=None) -> None:
    if kind not in REPORT_KINDS:
        raise PermanentError(f"report kind must be one of {', '.join(REPORT_KINDS)}, got {str(kind)[:40]!r}")
    if kind == "user" and user_id is None:
        raise PermanentError("a user report needs a user_id")
    parse_day(today)


def check_cleanup_old_analytics(days_old=ANALYTICS_KEPT_DAYS) -> None:
    if not isinstance(days_old, int) or isinstance(days_old, bool) or days_old < 1:
        raise PermanentError(f"days_old must be a positive whole number of days, got {days_old!r}")


def _store_charts(kind: str, subject: str, report: dict) -> dict[str, str]:
    storage = get_storage()
    keys = {}
    for name, png in charts_for(report).items():
        keys[name] = f"reports/{kind}/{subject}/{report['week']['start']}/{name}.png"
        storage.put(keys[name], png, content_type="image/png")
    return keys
