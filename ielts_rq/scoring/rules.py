"""Input rules, task definitions and IELTS band rounding.

Everything here is checked before any model runs: a request that breaks a
rule fails with a ``ScoringInputError`` that says what was wrong.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from ielts_rq.errors import PermanentError

WRITING_TASKS = ("writing_task_1", "writing_task_2")
SPEAKING_TASKS = ("speaking_part_1", "speaking_part_2", "speaking_part_3")
TASK_TYPES = WRITING_TASKS + SPEAKING_TASKS

# Size limits: a Task 2 essay is rarely over 600 words; anything past these is
# not a practice answer and would only slow the worker down.
MAX_TEXT_CHARS = 20_000
MAX_TEXT_WORDS = 3_000

# A written answer of this many words or fewer carries no rateable language: band 1.
SHORT_TEXT_WORDS = 20
# Spoken answers are shorter: a Part 1 answer of a sentence or two is normal. Below these there is
# nothing to rate.
SPEAKING_SHORT_WORDS = {"speaking_part_1": 5, "speaking_part_2": 15, "speaking_part_3": 8}

# Minimum lengths the writing tasks ask for.
MIN_WORDS = {"writing_task_1": 150, "writing_task_2": 250}

# Answer lengths (words) a speaking part normally produces. Part 2 is a long
# turn of one to two minutes (about 150-300 words at a normal rate); a Part 1
# answer is a sentence or three (a 17-word answer is normal), and Part 3
# asks for reasons and examples.
SPEAKING_EXPECTED_WORDS = {
    "speaking_part_1": 25,
    "speaking_part_2": 230,
    "speaking_part_3": 60,
}

CRITERIA = {
    "writing_task_1": ("task_achievement", "coherence_cohesion", "lexical_resource",
                       "grammatical_range_accuracy"),
    "writing_task_2": ("task_response", "coherence_cohesion", "lexical_resource",
                       "grammatical_range_accuracy"),
}
SPEAKING_CRITERIA = ("fluency_coherence", "lexical_resource", "grammatical_range_accuracy",
                     "pronunciation")
for _task in SPEAKING_TASKS:
    CRITERIA[_task] = SPEAKING_CRITERIA

MIN_BAND = 0.0
MAX_BAND = 9.0
# Band 0 is for answers that do not attempt the task (not English, gibberish);
# any answer that is scored gets at least band 1 in every criterion.
MIN_SCORED_BAND = 1.0


class ScoringInputError(PermanentError, ValueError):
    """The text, task type or audio given to the scorer cannot be scored."""


def validate_request(task_type, text, prompt, audio) -> None:
    """Raise ``ScoringInputError`` if the request breaks a rule; return None otherwise."""
    if not isinstance(task_type, str) or task_type not in TASK_TYPES:
        raise ScoringInputError(
            f"unknown task_type {task_type!r}; valid task types: {', '.join(TASK_TYPES)}")
    if not isinstance(text, str):
        raise ScoringInputError(f"text must be a str, not {type(text).__name__}")
    if prompt is not None and not isinstance(prompt, str):
        raise ScoringInputError(f"prompt must be a str or None, not {type(prompt).__name__}")
    if audio is not None and not isinstance(audio, dict):
        raise ScoringInputError(f"audio must be a dict or None, not {type(audio).__name__}")
    if not text.strip():
        raise ScoringInputError("text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ScoringInputError(
            f"text is too long: {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
            f"characters and {MAX_TEXT_WORDS:,} words")
    word_count = len(text.split())
    if word_count > MAX_TEXT_WORDS:
        raise ScoringInputError(
            f"text is too long: {word_count:,} words; the limit is {MAX_TEXT_WORDS:,} words "
            f"and {MAX_TEXT_CHARS:,} characters")
    if audio is not None:
        _validate_audio(audio)


def _validate_audio(audio: dict) -> None:
    words = audio.get("words", [])
    if not isinstance(words, list):
        raise ScoringInputError("audio['words'] must be a list of {word, start, end, confidence}")
    for index, item in enumerate(words):
        if not isinstance(item, dict) or not isinstance(item.get("word"), str):
            raise ScoringInputError(f"audio['words'][{index}] must be a dict with a 'word' string")
        for key in ("start", "end"):
            if not _is_number(item.get(key)):
                raise ScoringInputError(f"audio['words'][{index}]['{key}'] must be a number")
        if item["end"] < item["start"]:
            raise ScoringInputError(f"audio['words'][{index}] ends before it starts")
        confidence = item.get("confidence")
        if confidence is not None and not (_is_number(confidence) and 0 <= confidence <= 1):
            raise ScoringInputError(f"audio['words'][{index}]['confidence'] must be within 0..1")
    duration = audio.get("duration")
    if duration is not None and not (_is_number(duration) and duration > 0):
        raise ScoringInputError("audio['duration'] must be a positive number of seconds")
    confidence = audio.get("confidence")
    if confidence is not None and not (_is_number(confidence) and 0 <= confidence <= 1):
        raise ScoringInputError("audio['confidence'] must be within 0..1")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def round_band(value) -> float:
    """Round a band or an average of bands to the IELTS half band.

    IELTS rounds to the nearest half band, with quarters going up: an average
    ending in .25 becomes the next half band, .75 the next whole band
    (6.25 -> 6.5, 6.75 -> 7.0, 6.125 -> 6.0). The value is converted to an
    exact fraction first (floats through their shortest decimal form), so
    floating-point error can never flip a rounding. The result is clamped to 0..9.
    """
    if isinstance(value, float):
        exact = Fraction(Decimal(repr(value)))
    else:
        exact = Fraction(value)
    # Nearest multiple of 1/2 with ties going up: floor(2x + 1/2) / 2.
    rounded = math.floor(exact * 2 + Fraction(1, 2)) / 2
    return min(MAX_BAND, max(MIN_BAND, rounded))


def mean_band(bands) -> float:
    """IELTS overall band: the equally weighted mean of the bands, IELTS-rounded."""
    bands = list(bands)
    return round_band(sum(Fraction(Decimal(repr(float(b)))) for b in bands) / len(bands))
