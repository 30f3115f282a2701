"""The public entry point: ``score`` turns an answer into the service response."""

from __future__ import annotations

import time

from ..errors import needs_engines
from datetime import UTC, datetime

from . import fixed, language
from .rules import SHORT_TEXT_WORDS, SPEAKING_SHORT_WORDS, SPEAKING_TASKS, validate_request
from .speaking import score_speaking
from .text import WORD_PATTERN, normalise
from .writing import score_writing

SCORER_VERSION = "2.0.0"
MODEL_NAME = f"ielts-rq-builtin-{SCORER_VERSION}"


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
    with needs_engines("the built-in scorer", "set SCORING_SERVICE_URL to score with a service"):
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
        return fixed.rejected(task_type, language.NOT_ENGLISH, len(text.split()))
    word_count = len(text.split())
    if word_count <= SPEAKING_SHORT_WORDS.get(task_type, SHORT_TEXT_WORDS):
        return fixed.too_short(task_type, word_count)
    reason = language.rejection_reason(text, [w.lower() for w in WORD_PATTERN.findall(text)])
    if reason:
        return fixed.rejected(task_type, reason, word_count)
    return None
