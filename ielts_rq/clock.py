"""Times as ielts-rq writes them: ISO 8601 in UTC, to the second."""

from __future__ import annotations

from datetime import datetime, timezone


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; a naive one is read as UTC, as RQ writes them."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def epoch(moment: datetime | None) -> float | None:
    """Epoch seconds of an aware or naive-UTC datetime; None stays None."""
    return None if moment is None else utc(moment).timestamp()


def iso(moment: datetime | float | None) -> str | None:
    """``2026-12-01T08:00:00+00:00`` for an aware or naive-UTC datetime or epoch seconds; None stays None."""
    if moment is None:
        return None
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    return utc(moment).isoformat(timespec="seconds")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))
