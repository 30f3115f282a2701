"""Sample numbers for previews: the charts an email carries, drawn as a real week would draw them."""

from __future__ import annotations

from . import charts
from .weekly import platform_charts

_DAYS = [f"2026-11-{day:02d}" for day in range(16, 23)]


def sample_charts(template: str) -> dict[str, bytes]:
    """The charts an email of ``template`` carries, by content id (none for emails without charts)."""
    if template == "weekly_report":
        series = [{"date": day, "overall": 5.5 + n / 4, "task_response": 5.5 + n / 4, "coherence_cohesion": 6.0,
                   "lexical_resource": 5.5 + n / 8, "grammatical_range_accuracy": 5.0 + n / 4}
                  for n, day in enumerate(_DAYS[::2])]
        return {"bands-writing_task_2": charts.bands_over_time(series, "Your Writing Task 2 bands per criterion")}
    if template == "platform_report":
        numbers = {"per_day": {day: {"submissions": {"writing_task_2": 180 + 9 * n}, "active_learners": 95 + 4 * n}
                               for n, day in enumerate(_DAYS)},
                   "band_distribution": {"5.0": 120, "5.5": 210, "6.0": 340, "6.5": 260, "7.0": 150, "7.5": 60}}
        return {f"platform-{chart}": png for chart, png in platform_charts(numbers).items()}
    return {}
