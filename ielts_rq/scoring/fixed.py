"""Results the rules settle without a model: too short to rate, not English, not language."""

from __future__ import annotations

from . import language
from .feedback import CRITERION_NAMES
from .rules import CRITERIA, SHORT_TEXT_WORDS, SPEAKING_SHORT_WORDS

# A short answer has no rateable language: IELTS band 1 ("can only use a few
# isolated words"). Text that is not English, or not language at all, is not
# an attempt at the task in English: band 0 ("did not attempt the task").
SHORT_TEXT_BAND = 1.0
REJECTED_BAND = 0.0


def too_short(task_type: str, word_count: int, set_aside: str = "") -> dict:
    """Band 1 in every criterion: 20 words or fewer (of the learner's own, ``set_aside`` says what else there was)."""
    limit = SPEAKING_SHORT_WORDS.get(task_type, SHORT_TEXT_WORDS)
    message = (f"The answer has only {word_count} words{set_aside}: with {limit} words or fewer "
               "there is too little language to rate, so every criterion is band 1.")
    return fixed_result(task_type, SHORT_TEXT_BAND, message,
                        "Write a full answer: develop your ideas in complete sentences.",
                        {"word_count": word_count, "rejected": None, "too_short": True})


def rejected(task_type: str, reason: str, word_count: int) -> dict:
    if reason == language.NOT_ENGLISH:
        message = ("The answer does not appear to be written in English, so it was not scored "
                   "as an IELTS answer (band 0).")
        suggestion = "Answer in English."
    else:
        message = ("The answer does not appear to be meaningful English text (it looks like random "
                   "letters or repeated words), so it was not scored (band 0).")
        suggestion = "Write a real answer to the question in English sentences."
    return fixed_result(task_type, REJECTED_BAND, message, suggestion,
                         {"word_count": word_count, "rejected": reason, "too_short": False})


UNRECOGNISED = "unsure_recognition"


def unrecognised(task_type: str, mean_confidence: float, word_count: int) -> dict:
    """No band: the recogniser was too unsure of the recording for its transcript to be rated."""
    message = (f"The speech recogniser was unsure of most of the recording (mean word confidence "
               f"{mean_confidence:.2f}), so its transcript may not be what was said, and no band was given.")
    suggestion = ("Record again in a quiet room, close to the microphone, speaking at your normal pace; "
                  "then submit the new recording.")
    result = fixed_result(task_type, REJECTED_BAND, message, suggestion,
                          {"word_count": word_count, "rejected": UNRECOGNISED, "too_short": False,
                           "mean_word_confidence": mean_confidence, "no_band": True})
    for criterion in result["criteria_scores"]:
        criterion["strengths"] = ["None can be judged from an unreliable transcript."]
    return result


def fixed_result(task_type: str, band: float, message: str, suggestion: str,
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
