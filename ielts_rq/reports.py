"""A learner's week in numbers, from their stored results (pure: no Redis here)."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import mean


def week_bounds(today: date) -> tuple[date, date]:
    """The seven days before ``today`` (the report covers a finished week)."""
    return today - timedelta(days=7), today - timedelta(days=1)


def weekly_summary(this_week: list[dict], last_week: list[dict], start: date, end: date) -> dict:
    """Submissions, average band, change against last week, strongest and weakest criterion.

    A week without results has ``average_band`` None, not 0: no band is
    presented that was never earned.
    """
    criteria = _criterion_means(this_week)
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "submissions": len(this_week),
        "average_band": _average_band(this_week),
        "previous_average_band": _average_band(last_week),
        "strongest_criterion": max(criteria, key=criteria.get) if criteria else None,
        "weakest_criterion": min(criteria, key=criteria.get) if criteria else None,
    }


def _average_band(results: list[dict]) -> float | None:
    return round(mean(r["overall_band_score"] for r in results), 2) if results else None


def _criterion_means(results: list[dict]) -> dict[str, float]:
    bands: dict[str, list[float]] = {}
    for result in results:
        for criterion in result["criteria_scores"]:
            bands.setdefault(criterion["criterion"], []).append(criterion["band_score"])
    return {name: mean(values) for name, values in bands.items()}
