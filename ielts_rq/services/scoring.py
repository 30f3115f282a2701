"""Client of the platform's scoring service: ``POST /score`` (the contract is in the README, Scoring)."""

from __future__ import annotations

from ..errors import PermanentError
from .http import post, require_fields

SERVICE = "scoring"


def score_with_service(base_url: str, submission: dict) -> dict:
    """The service's answer for a submission, checked against the contract."""
    request = {
        "task_type": submission["task_type"],
        "text": submission["text"],
        "prompt": submission.get("prompt"),
        "audio_transcript": submission.get("audio"),
        "language": "en",
        "user_id": submission.get("user_id"),
        "enable_detailed_feedback": True,
        "enable_feature_analysis": True,
    }
    answer = post(SERVICE, f"{base_url}/score", json=request)
    require_fields(SERVICE, answer, {"overall_band_score": (int, float), "criteria_scores": list,
                                     "model_used": str})
    _check_band("overall band", answer["overall_band_score"])
    for criterion in answer["criteria_scores"]:
        if not isinstance(criterion, dict):
            raise PermanentError("scoring service sent a malformed answer: a criterion is not an object")
        require_fields(SERVICE, criterion, {"criterion": str, "band_score": (int, float)})
        _check_band(f"{criterion['criterion'][:40]!r} band", criterion["band_score"])
    return answer


def _check_band(what: str, value: float) -> None:
    # NaN fails every comparison, so this also refuses NaN and the infinities JSON lets through.
    if not 0 <= value <= 9:
        raise PermanentError(f"scoring service sent a malformed answer: {what} {value} is not a band from 0 to 9")
