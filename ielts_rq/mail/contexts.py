"""The variables of each message, built from the platform's records, and sample data for previews.

One small function per message returns its template context; a malformed
record is a ``PermanentError`` saying what could not be emailed.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from ..errors import PermanentError
from ..scoring import criterion_name
from .templates import MESSAGES

TOP_SUGGESTIONS = 3


def welcome_context(name: str) -> dict:
    """Context of the ``welcome`` message for a new learner."""
    return {"name": name}


def scoring_complete_context(result: dict, submission_id: str, name: str | None = None) -> dict:
    """Context of ``scoring_complete`` from a scoring-service result."""
    try:
        criteria = result["criteria_scores"]
        return {
            "name": name,
            "submission_id": submission_id,
            "task": _humanize(result["task_type"]) if result.get("task_type") else None,
            "overall_band": format_band(result["overall_band_score"]),
            "criteria": [{"name": criterion_name(c["criterion"]), "band": format_band(c["band_score"])}
                         for c in criteria],
            "suggestions": top_suggestions(criteria),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"scoring result cannot be emailed: missing or malformed {exc}") from None


def weekly_report_context(report: dict, name: str | None, chart_cids: tuple[str, ...] = ()) -> dict:
    """Context of ``weekly_report``; ``chart_cids`` name its inline chart images (one per task type)."""
    try:
        average, previous = report.get("average_band"), report.get("previous_average_band")
        return {
            "name": name,
            "period_start": _format_date(report["period_start"]),
            "period_end": _format_date(report["period_end"]),
            "submissions": int(report["submissions"]),
            "average_band": None if average is None else format_band(average),
            "change": _band_change(average, previous),
            "strongest": _optional_criterion(report.get("strongest_criterion")),
            "weakest": _optional_criterion(report.get("weakest_criterion")),
            "chart_cids": list(chart_cids),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"weekly report cannot be emailed: missing or malformed {exc}") from None


def platform_report_context(report: dict, chart_cids: tuple[str, ...] = ()) -> dict:
    """Context of ``platform_report`` from ``reports.weekly.weekly_report("platform", ...)``."""
    try:
        week, average = report["this_week"], report["this_week"]["average_band"]
        seconds = week["mean_seconds_to_score"]
        submissions_change = report["change"]["submissions"]
        return {
            "period_start": _format_date(report["week"]["start"]),
            "period_end": _format_date(report["week"]["end"]),
            "submissions": int(week["submissions"]),
            "submissions_change": f"{submissions_change:+d} on the week before" if submissions_change else None,
            "scored": int(week["scored"]),
            "active_learners": int(report["active_learners"]),
            "average_band": None if average is None else format_band(average),
            "change": _band_change(average, report.get("previous_average_band")),
            "time_to_score": "no answers scored" if seconds is None else f"{seconds:.1f} s",
            "queues": [{"name": name, "finished": q["finished"], "failed": q["failed"],
                        "failure_rate": None if not q["failure_rate"] else f"{q['failure_rate']:.1%}"}
                       for name, q in week["queues"].items()],
            "chart_cids": list(chart_cids),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(f"platform report cannot be emailed: missing or malformed {exc}") from None


def generic_context(subject: str, text: str, html: str | None = None) -> dict:
    """Context of ``generic``: a subject, a plain text and optionally an HTML body.

    ``text`` is escaped in the HTML part. ``html`` is inserted unescaped, as
    trusted platform content: only the platform's own code may pass it, never
    text a user wrote or anything read from outside.
    """
    return {"subject": subject, "text": text, "html": None if html is None else Markup(html)}


def format_band(band) -> str:
    """An IELTS band as shown to learners: ``6.5``."""
    return f"{float(band):.1f}"


def top_suggestions(criteria: list[dict]) -> list[str]:
    """The first suggestions of the weakest criteria, without repeats."""
    suggestions: list[str] = []
    for criterion in sorted(criteria, key=lambda c: float(c["band_score"])):
        for suggestion in criterion.get("suggestions") or []:
            if suggestion not in suggestions:
                suggestions.append(suggestion)
    return suggestions[:TOP_SUGGESTIONS]


def _humanize(identifier: str) -> str:
    return " ".join(word.capitalize() for word in identifier.split("_"))


def _optional_criterion(criterion: str | None) -> str | None:
    return criterion_name(criterion) if criterion else None


def _format_date(iso_date) -> str:
    day = date.fromisoformat(str(iso_date)[:10])  # also takes a date or a datetime
    return f"{day.day} {day:%b %Y}"


def _band_change(average: float | None, previous: float | None) -> str | None:
    if average is None or previous is None:
        return None
    change = round(float(average) - float(previous), 1)
    if change == 0:
        return "unchanged from the week before"
    direction = "up" if change > 0 else "down"
    return f"{direction} {abs(change):.1f} from {format_band(previous)} the week before"


_SAMPLE_RESULT = {
    "overall_band_score": 6.5,
    "task_type": "writing_task_2",
    "criteria_scores": [
        {"criterion": "task_response", "band_score": 6.5, "confidence": 0.82,
         "feedback": "Addresses all parts of the task; the position is clear.",
         "strengths": ["Clear position"], "weaknesses": ["Ideas not fully extended"],
         "suggestions": ["Support each main idea with a specific example."]},
        {"criterion": "coherence_cohesion", "band_score": 7.0, "confidence": 0.78,
         "feedback": "Logical paragraphing.", "strengths": ["Good paragraphing"], "weaknesses": [],
         "suggestions": ["Vary linking words beyond 'however' and 'moreover'."]},
        {"criterion": "lexical_resource", "band_score": 6.0, "confidence": 0.8,
         "feedback": "Adequate range with some errors in collocation.", "strengths": [],
         "weaknesses": ["Repetition of 'important'"],
         "suggestions": ["Use less common vocabulary for key ideas.",
                         "Check collocations such as 'make research'."]},
        {"criterion": "grammatical_range_accuracy", "band_score": 6.5, "confidence": 0.75,
         "feedback": "A mix of simple and complex sentences.", "strengths": [],
         "weaknesses": ["Article errors"], "suggestions": ["Proofread for missing articles."]},
    ],
}
_SAMPLE_PLATFORM_REPORT = {
    "week": {"start": "2026-11-16", "end": "2026-11-22"}, "active_learners": 412,
    "previous_average_band": 6.1, "change": {"submissions": 85, "average_band": 0.1},
    "this_week": {"submissions": 1290, "scored": 1275, "average_band": 6.2, "mean_seconds_to_score": 3.4,
                  "queues": {"scoring": {"finished": 1275, "failed": 15, "failure_rate": 0.0116},
                             "email": {"finished": 1302, "failed": 0, "failure_rate": 0.0}}},
}
_SAMPLE_REPORT = {
    "period_start": "2026-11-16", "period_end": "2026-11-22", "submissions": 5,
    "average_band": 6.5, "previous_average_band": 6.0,
    "strongest_criterion": "coherence_cohesion", "weakest_criterion": "lexical_resource",
}


def sample_context(name: str) -> dict:
    """Realistic sample data for message ``name``, for previews and tests."""
    samples = {
        "welcome": lambda: welcome_context("Amira"),
        "scoring_complete": lambda: scoring_complete_context(_SAMPLE_RESULT, "sub_8f3a2c", "Amira"),
        "weekly_report": lambda: weekly_report_context(_SAMPLE_REPORT, "Amira"),
        "platform_report": lambda: platform_report_context(_SAMPLE_PLATFORM_REPORT),
        "generic": lambda: generic_context(
            "Scheduled maintenance on Sunday",
            "The platform will be unavailable on Sunday from 02:00 to 03:00 UTC.\n\n"
            "Your saved answers are safe; nothing needs to be done."),
    }
    if name not in samples:
        raise PermanentError(f"unknown email template {name!r}; known: {', '.join(MESSAGES)}")
    return samples[name]()
