"""Learner and platform analytics from stored records: pure functions, no Redis here.

A learner with no results gets an honest empty report: counts of zero and
bands of ``None``, never a band of 0 that was not earned.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from statistics import linear_regression, mean

from ..errors import PermanentError
from ..policies import QUEUES

TREND_MIN_DAYS = 3  # days between the first and last answer before a slope means anything

RANGES = {"7d": 7, "30d": 30, "90d": 90}
MAX_RANGE_DAYS = 366
_EXPLICIT_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_range(text, today: date) -> tuple[date, date]:
    """``7d``/``30d``/``90d`` (ending today) or ``START..END`` ISO dates, inclusive."""
    if not isinstance(text, str):
        raise PermanentError(f"date range must be text such as 7d or 2026-11-01..2026-11-30, got {text!r:.40}")
    if text in RANGES:
        return today - timedelta(days=RANGES[text] - 1), today
    match = _EXPLICIT_RANGE.match(text)
    if not match:
        raise PermanentError(f"date range {text[:40]!r} is not 7d, 30d, 90d or START..END (ISO dates)")
    try:
        start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
    except ValueError as exc:
        raise PermanentError(f"date range {text!r}: {exc}") from None
    if end < start:
        raise PermanentError(f"date range {text!r} ends before it starts")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise PermanentError(f"date range {text!r} is longer than {MAX_RANGE_DAYS} days")
    return start, end


def parse_day(value) -> date:
    """``today`` as given (an ISO date), or today in UTC."""
    if value is None:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PermanentError(f"today must be an ISO date like 2026-11-30, got {str(value)[:40]!r}") from None


def epoch_bounds(start: date, end: date) -> tuple[float, float]:
    """[start 00:00 UTC, the day after end 00:00 UTC) as epoch seconds."""
    first = datetime(start.year, start.month, start.day, tzinfo=timezone.utc).timestamp()
    return first, first + ((end - start).days + 1) * 86400


def user_analytics(user_id: str, results: list[dict], submissions: list[dict], start: date, end: date,
                   today: date) -> dict:
    """A learner's progress over [start, end] from their results and submissions, oldest first."""
    criteria = _criterion_bands(results)
    averages = {name: round(mean(bands), 2) for name, bands in criteria.items()}
    active_days = sorted({s["created_at"][:10] for s in submissions} | {r["scored_at"][:10] for r in results})
    return {
        "user_id": user_id,
        "range": {"start": start.isoformat(), "end": end.isoformat(), "days": (end - start).days + 1},
        "submissions": len(submissions),
        "scored": len(results),
        "average_band": round(mean(r["overall_band_score"] for r in results), 2) if results else None,
        "criteria_average": averages,
        "trend": trend(results),
        "weakest_criterion": min(averages, key=averages.get) if averages else None,
        "strongest_criterion": max(averages, key=averages.get) if averages else None,
        "most_improved_criterion": _most_improved(criteria),
        "task_types": dict(Counter(s["task_type"] for s in submissions)),
        "days_active": len(active_days),
        "current_streak": streak(active_days, today),
        "series": [{"date": r["scored_at"][:10], "task_type": r.get("task_type"), "overall": r["overall_band_score"],
                    **{c["criterion"]: c["band_score"] for c in r["criteria_scores"]}} for r in results],
        "submissions_per_day": dict(Counter(s["created_at"][:10] for s in submissions)),
    }


def trend(results: list[dict]) -> dict:
    """First against last overall band, and the least-squares slope in bands per week.

    A slope needs history: answers spread over at least ``TREND_MIN_DAYS`` days
    on at least two different days. Several essays in one sitting would give a
    slope of thousands of bands per week; the report says why there is none.
    """
    if not results:
        return {"first": None, "last": None, "change": None, "slope_per_week": None,
                "slope_note": "no scored answers in this range"}
    first, last = results[0]["overall_band_score"], results[-1]["overall_band_score"]
    times = [_timestamp(r["scored_at"]) for r in results]
    days_apart = {r["scored_at"][:10] for r in results}
    slope, note = None, f"not enough history: answers over at least {TREND_MIN_DAYS} days are needed for a trend"
    if len(days_apart) > 1 and (max(times) - min(times)) >= TREND_MIN_DAYS * 86400:
        weeks = [t / (7 * 86400) for t in times]
        slope, note = round(linear_regression(weeks, [r["overall_band_score"] for r in results]).slope, 3), None
    return {"first": first, "last": last, "change": round(last - first, 2), "slope_per_week": slope,
            "slope_note": note}


def streak(active_days: list[str], today: date) -> int:
    """Consecutive active days ending today, or yesterday if today has no activity yet."""
    active = set(active_days)
    day = today if today.isoformat() in active else today - timedelta(days=1)
    count = 0
    while day.isoformat() in active:
        count += 1
        day -= timedelta(days=1)
    return count


def platform_analytics(daily: dict[str, dict], start: date, end: date) -> dict:
    """Platform totals per day and task type, band distribution, time to score, job failure rates.

    ``daily`` is ``store.counters.daily_counters``: the jobs that ended each day, per queue and
    outcome, are counted there by the workers, so a rate covers exactly the report's days.
    """
    per_day, bands, totals, jobs = {}, Counter(), Counter(), Counter()
    for day, entry in daily.items():
        counters = entry["counters"]
        per_day[day] = {"active_learners": entry["active_learners"],
                        "submissions": _prefixed(counters, "submitted:"), "scored": _prefixed(counters, "scored:")}
        bands.update(_prefixed(counters, "band:"))
        jobs.update(_prefixed(counters, "jobs:"))
        totals["seconds_to_score"] += counters.get("seconds_to_score", 0.0)
        totals["scored"] += sum(per_day[day]["scored"].values())
        totals["submissions"] += sum(per_day[day]["submissions"].values())
    return {
        "range": {"start": start.isoformat(), "end": end.isoformat(), "days": (end - start).days + 1},
        "per_day": per_day,
        "submissions": totals["submissions"],
        "scored": totals["scored"],
        "band_distribution": dict(sorted(bands.items(), key=lambda item: float(item[0]))),
        "mean_seconds_to_score": round(totals["seconds_to_score"] / totals["scored"], 3) if totals["scored"] else None,
        "queues": {queue: _failure_rate(jobs[f"{queue}:finished"], jobs[f"{queue}:failed"]) for queue in QUEUES},
    }


def weekly_change(this_week: dict, last_week: dict) -> dict:
    """How this week's numbers moved against the week before (None where either is missing)."""
    def change(field):
        now, before = this_week.get(field), last_week.get(field)
        return None if now is None or before is None else round(now - before, 2)

    return {"submissions": this_week["submissions"] - last_week["submissions"], "average_band": change("average_band")}


def _criterion_bands(results: list[dict]) -> dict[str, list[float]]:
    bands: dict[str, list[float]] = {}
    for result in results:
        for criterion in result["criteria_scores"]:
            bands.setdefault(criterion["criterion"], []).append(criterion["band_score"])
    return bands


def _most_improved(criteria: dict[str, list[float]]) -> str | None:
    gains = {name: bands[-1] - bands[0] for name, bands in criteria.items() if len(bands) > 1}
    best = max(gains, key=gains.get) if gains else None
    return best if best is not None and gains[best] > 0 else None


def _prefixed(counters: dict[str, float], prefix: str) -> dict[str, int]:
    return {name[len(prefix):]: int(value) for name, value in counters.items() if name.startswith(prefix)}


def _failure_rate(finished: int, failed: int) -> dict:
    return {"finished": finished, "failed": failed,
            "failure_rate": round(failed / (finished + failed), 4) if finished + failed else None}


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()
