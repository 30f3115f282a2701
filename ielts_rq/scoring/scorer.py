"""The public entry point: ``score`` turns an answer into the service response."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from . import language
from .feedback import CRITERION_NAMES
from .rules import CRITERIA, SHORT_TEXT_WORDS, SPEAKING_TASKS, validate_request
from .speaking import score_speaking
from .text import WORD_PATTERN, normalise
from .writing import score_writing

SCORER_VERSION = "1.0.0"
MODEL_NAME = f"ielts-rq-builtin-{SCORER_VERSION}"

# A short answer has no rateable language: IELTS band 1 ("can only use a few
# isolated words"). Text that is not English, or not language at all, is not
# an attempt at the task in English: band 0 ("did not attempt the task").
SHORT_TEXT_BAND = 1.0
REJECTED_BAND = 0.0


def score(task_type: str, text: str, prompt: str | None = None, *, audio: dict | None = None) -> dict:
    """Score an IELTS writing or speaking answer.

    ``task_type`` is one of ``TASK_TYPES``; ``text`` is the essay or the
    speaking transcript; ``prompt`` the question (used to check relevance);
    ``audio`` (speaking only) holds recognised ``words`` with ``start``/``end``
    times and ``confidence``, the ``duration`` in seconds and an optional
    overall ``confidence``. Returns the scoring-service response dict.
    Raises ``ScoringInputError`` for input that cannot be scored.
    """
    started = time.perf_counter()
    validate_request(task_type, text, prompt, audio)
    text = normalise(text)  # typed, pasted, OCR'd or wrapped: the same paragraphs
    result = _rule_based_result(task_type, text)
    if result is None:
        if task_type in SPEAKING_TASKS:
            result = score_speaking(task_type, text, prompt, audio)
        else:
            result = score_writing(task_type, text, prompt)
        result["feature_analysis"].setdefault("rejected", None)
    return {
        "overall_band_score": result["overall_band_score"],
        "confidence": result["confidence"],
        "criteria_scores": result["criteria_scores"],
        "detailed_feedback": result["detailed_feedback"],
        "feature_analysis": result["feature_analysis"],
        "processing_time": round(time.perf_counter() - started, 6),
        "model_used": MODEL_NAME,
        "task_type": task_type,
        "language": "en",
        "timestamp": datetime.now(UTC).isoformat(),
    }


def _rule_based_result(task_type: str, text: str) -> dict | None:
    """The result for answers the rules settle without a model, else None."""
    if language.is_mostly_non_latin(text):
        return _rejected(task_type, language.NOT_ENGLISH, len(text.split()))
    word_count = len(text.split())
    if word_count <= SHORT_TEXT_WORDS:
        message = (f"The answer has only {word_count} words: with {SHORT_TEXT_WORDS} words or fewer "
                   "there is too little language to rate, so every criterion is band 1.")
        return _fixed_result(task_type, SHORT_TEXT_BAND, message,
                             "Write a full answer: develop your ideas in complete sentences.",
                             {"word_count": word_count, "rejected": None, "too_short": True})
    reason = language.rejection_reason(text, [w.lower() for w in WORD_PATTERN.findall(text)])
    if reason:
        return _rejected(task_type, reason, word_count)
    return None


def _rejected(task_type: str, reason: str, word_count: int) -> dict:
    if reason == language.NOT_ENGLISH:
        message = ("The answer does not appear to be written in English, so it was not scored "
                   "as an IELTS answer (band 0).")
        suggestion = "Answer in English."
    else:
        message = ("The answer does not appear to be meaningful English text (it looks like random "
                   "letters or repeated words), so it was not scored (band 0).")
        suggestion = "Write a real answer to the question in English sentences."
    return _fixed_result(task_type, REJECTED_BAND, message, suggestion,
                         {"word_count": word_count, "rejected": reason, "too_short": False})


def _fixed_result(task_type: str, band: float, message: str, suggestion: str,
                  analysis: dict) -> dict:
    criteria = [{
        "criterion": criterion,
        "band_score": band,
        "confidence": 0.95,
        "feedback": f"{CRITERION_NAMES[criterion]}: band {band:g}. {message}",
        "strengths": ["None can be credited: there is no rateable answer."],
        "weaknesses": [message],
        "suggestions": [suggestion],
    } for criterion in CRITERIA[task_type]]
    analysis["weak_evidence"] = []
    return {
        "overall_band_score": band,
        "confidence": 0.95,
        "criteria_scores": criteria,
        "detailed_feedback": message + " " + suggestion,
        "feature_analysis": analysis,
    }
