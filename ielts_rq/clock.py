"""Times as ielts-rq writes them: ISO 8601 in UTC, to the second."""

from __future__ import annotations

from datetime import datetime, timezone


def iso(moment: datetime | float | None) -> str | None:
    """``2026-12-01T08:00:00+00:00`` for an aware or naive-UTC datetime or epoch seconds; None stays None."""
    if moment is None:
        return None
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # RQ's datetimes are naive UTC
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))
