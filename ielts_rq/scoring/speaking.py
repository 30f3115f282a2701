"""Scoring a speaking answer from its transcript and, if given, word timings.

There are no rated speaking answers to calibrate on, so every band here
comes from a documented heuristic read off the public IELTS speaking
descriptors:

* Fluency and Coherence: speaks at length without noticeable effort (speech
  rate), with few hesitations (long pauses, filler words, repeated words),
  using a range of connectives. Band 9 speakers sustain ~150+ words/min with
  rare hesitation; band 5 speakers slow down (~80 words/min) and pause often.
* Lexical Resource: range and precision of vocabulary (moving-window
  type-token ratio, less common words).
* Grammatical Range and Accuracy: complex structures (subordinate clauses)
  and the absence of basic slips.
* Pronunciation: the recogniser's word confidence is the only evidence of
  intelligibility; without audio it is estimated from the other criteria and
  reported as weak evidence.
"""

from __future__ import annotations

import re

from . import lexicon
from .feedback import CRITERION_NAMES, band_summary
from .features import linking_usage, window_ttr
from .grammar import agreement_slips, article_slips
from .rules import SPEAKING_EXPECTED_WORDS, mean_band, round_band
from .text import WORD_PATTERN

PAUSE_SECONDS = 0.5
LONG_PAUSE_SECONDS = 2.0
LOW_CONFIDENCE = 0.6

# (measure, band) anchor points; bands between anchors are interpolated.
SPEECH_RATE_BANDS = ((50, 3.0), (70, 4.0), (85, 5.0), (100, 6.0), (120, 7.0), (140, 8.0), (160, 9.0))
PAUSES_PER_MINUTE_BANDS = ((3, 9.0), (6, 8.0), (10, 7.0), (14, 6.0), (20, 5.0), (28, 4.0), (40, 3.0))
FILLERS_PER_100_WORDS_BANDS = ((1, 9.0), (2.5, 8.0), (4, 7.0), (6, 6.0), (9, 5.0), (13, 4.0), (20, 3.0))
WINDOW_TTR_BANDS = ((0.45, 3.0), (0.55, 4.0), (0.62, 5.0), (0.68, 6.0), (0.74, 7.0), (0.8, 8.0), (0.86, 9.0))
LESS_COMMON_PER_100_BANDS = ((0, 4.0), (1, 5.0), (2.5, 6.0), (4, 7.0), (6, 8.0), (8, 9.0))
CLAUSES_PER_100_BANDS = ((0, 4.0), (1.5, 5.0), (3, 6.0), (4.5, 7.0), (6, 8.0), (8, 9.0))
WORD_CONFIDENCE_BANDS = ((0.5, 3.0), (0.6, 4.0), (0.7, 5.0), (0.8, 6.0), (0.87, 7.0), (0.92, 8.0), (0.96, 9.0))
# A slip (agreement, article) every N words costs half a band, at most 2 bands.
SLIP_PENALTY_PER_100_WORDS = 1.0
# Without audio, pronunciation is assumed to be near the other criteria,
# slightly lower: intelligibility problems do not show in a transcript.
PRONUNCIATION_WITHOUT_AUDIO_OFFSET = -0.5

_LIKE_AS_FILLER = re.compile(r"(?:^|[,.]\s*|\b(?:and|but|so|was|is|it's|um|uh)\s+)like\b(?=\s*,|\s+(?:um|uh|er)\b)|,\s*like\s*,",
                             re.IGNORECASE)
_FILLER_PHRASES = re.compile(r"\b(you know|i mean)\b", re.IGNORECASE)
_SELF_REPAIR = re.compile(r"\b(\w+)(?:\s*,)?\s+\1\b", re.IGNORECASE)


def interpolate(value: float, anchors: tuple) -> float:
    """Piecewise-linear band for ``value`` from (measure, band) anchors (clamped)."""
    points = sorted(anchors)
    if value <= points[0][0]:
        return points[0][1]
    if value >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= value <= x1:
            return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
    return points[-1][1]


def count_fillers(text: str, words: list) -> int:
    """Hesitation fillers: um/uh/er..., 'you know', 'I mean', and 'like' used as a filler."""
    return (sum(1 for w in words if w in lexicon.FILLER_WORDS)
            + len(_FILLER_PHRASES.findall(text)) + len(_LIKE_AS_FILLER.findall(text)))


def audio_measures(audio: dict) -> dict:
    """Speech rate, pauses and recognition confidence from word timings."""
    words = sorted(audio.get("words") or [], key=lambda w: w["start"])
    if not words:
        return {}
    spoken = audio.get("duration") or (words[-1]["end"] - words[0]["start"])
    minutes = max(spoken, 1.0) / 60
    gaps = [b["start"] - a["end"] for a, b in zip(words, words[1:])]
    pauses = [g for g in gaps if g > PAUSE_SECONDS]
    confidences = [w["confidence"] for w in words if w.get("confidence") is not None]
    mean_confidence = (sum(confidences) / len(confidences) if confidences
                       else audio.get("confidence"))
    return {
        "duration_seconds": round(spoken, 2),
        "speech_rate_wpm": round(len(words) / minutes, 1),
        "pauses": len(pauses),
        "long_pauses": sum(1 for g in pauses if g > LONG_PAUSE_SECONDS),
        "pauses_per_minute": round(len(pauses) / minutes, 2),
        "mean_pause_seconds": round(sum(pauses) / len(pauses), 2) if pauses else 0.0,
        "mean_word_confidence": None if mean_confidence is None else round(mean_confidence, 3),
        "low_confidence_words": [w["word"] for w in words
                                 if w.get("confidence") is not None and w["confidence"] < LOW_CONFIDENCE][:10],
    }


def score_speaking(task_type: str, text: str, prompt: str | None, audio: dict | None) -> dict:
    """Bands, confidence, feedback and features of a speaking answer."""
    words = [w.lower() for w in WORD_PATTERN.findall(text)]
    n_words = max(1, len(words))
    per_100 = 100 / n_words
    content = [w for w in words if w not in lexicon.FILLER_WORDS]
    fillers = count_fillers(text, words)
    repairs = len(_SELF_REPAIR.findall(text))
    linking = linking_usage(text, n_words)
    expected = SPEAKING_EXPECTED_WORDS[task_type]
    timing = audio_measures(audio) if audio else {}
    less_common = sorted({w for w in content if len(w) >= 6 and 0 < lexicon.zipf(w) < 4.0
                          and lexicon.is_known_word(w)})
    clauses = sum(1 for w in content if w in lexicon.SUBORDINATORS)
    slips = agreement_slips(text) + article_slips(text)

    # Fluency: hesitation from the transcript, and pace and pauses when timed.
    fluency_parts = [interpolate((fillers + repairs) * per_100, FILLERS_PER_100_WORDS_BANDS)]
    if timing:
        fluency_parts.append(interpolate(timing["speech_rate_wpm"], SPEECH_RATE_BANDS))
        fluency_parts.append(interpolate(timing["pauses_per_minute"], PAUSES_PER_MINUTE_BANDS))
    coherence = 5.0 + min(3.0, 0.6 * len(linking["counts"])) - 0.5 * len(linking["overused"])
    fluency = (sum(fluency_parts) / len(fluency_parts)) * 0.75 + coherence * 0.25
    length_shortfall = max(0.0, 1 - len(content) / expected)
    fluency -= 2.0 * length_shortfall  # cannot keep going: short answers lose fluency

    lexical = (interpolate(window_ttr(content, 40), WINDOW_TTR_BANDS)
               + interpolate(len(less_common) * 100 / max(1, len(content)), LESS_COMMON_PER_100_BANDS)) / 2
    grammar = interpolate(clauses * 100 / max(1, len(content)), CLAUSES_PER_100_BANDS)
    grammar -= min(2.0, SLIP_PENALTY_PER_100_WORDS * len(slips) * per_100 * 2)

    weak = []
    confidence_value = timing.get("mean_word_confidence") if timing else None
    if confidence_value is not None:
        pronunciation = interpolate(confidence_value, WORD_CONFIDENCE_BANDS)
    else:
        pronunciation = (fluency + lexical + grammar) / 3 + PRONUNCIATION_WITHOUT_AUDIO_OFFSET
        weak.append("pronunciation")
    if not timing:
        weak.append("fluency_coherence")

    bands = {
        "fluency_coherence": round_band(_clamp(fluency)),
        "lexical_resource": round_band(_clamp(lexical)),
        "grammatical_range_accuracy": round_band(_clamp(grammar)),
        "pronunciation": round_band(_clamp(pronunciation)),
    }
    measures = {
        "word_count": len(words), "expected_words": expected, "fillers": fillers,
        "fillers_per_100_words": round(fillers * per_100, 2), "self_repairs": repairs,
        "linking_words": linking["counts"], "overused_linking_words": linking["overused"],
        "window_ttr": round(window_ttr(content, 40), 3), "less_common_words": less_common[:10],
        "subordinate_clauses": clauses, "grammar_slips": slips, **timing,
    }
    criteria = [_speaking_criterion(c, bands[c], measures, c in weak, bool(timing)) for c in bands]
    overall = mean_band(bands.values())
    confidence = 0.5 if timing else 0.35
    return {
        "overall_band_score": overall,
        "confidence": confidence,
        "criteria_scores": criteria,
        "detailed_feedback": _speaking_summary(overall, criteria, weak),
        "feature_analysis": {**measures, "has_audio_timings": bool(timing), "weak_evidence": weak,
                             "notes": ["speaking bands are heuristic (no rated speaking data): "
                                       "see the scoring documentation for the anchors used"]},
    }


def _clamp(band: float) -> float:
    return max(1.0, min(9.0, band))


def _speaking_criterion(criterion: str, band: float, m: dict, weak: bool, timed: bool) -> dict:
    strengths, weaknesses, suggestions = [], [], []
    if criterion == "fluency_coherence":
        if m["fillers_per_100_words"] > 4:
            weaknesses.append(f"You used {m['fillers']} filler words (um, uh, you know...), "
                              f"{m['fillers_per_100_words']:g} per 100 words.")
            suggestions.append("Replace fillers with a short silent pause, or phrases such as "
                               "'Let me think about that'.")
        if timed and m["speech_rate_wpm"] < 100:
            weaknesses.append(f"Your pace is slow: {m['speech_rate_wpm']:g} words per minute.")
            suggestions.append("Practise speaking for 1-2 minutes on familiar topics to build pace.")
        elif timed:
            strengths.append(f"You keep a natural pace: {m['speech_rate_wpm']:g} words per minute.")
        if timed and m["pauses_per_minute"] > 10:
            weaknesses.append(f"You paused {m['pauses']} times for more than half a second.")
        if m["word_count"] < m["expected_words"]:
            weaknesses.append(f"Your answer is short ({m['word_count']} words); aim for about "
                              f"{m['expected_words']} words for this part.")
            suggestions.append("Extend your answers with a reason and an example.")
        if len(m["linking_words"]) >= 3:
            strengths.append("You connect ideas with " + ", ".join(sorted(m["linking_words"])[:4]) + ".")
    elif criterion == "lexical_resource":
        if m["less_common_words"]:
            strengths.append("You use less common words such as "
                             + ", ".join(repr(w) for w in m["less_common_words"][:4]) + ".")
        else:
            suggestions.append("Use more topic-specific and less common vocabulary.")
        if m["window_ttr"] < 0.62:
            weaknesses.append("You repeat the same words often.")
            suggestions.append("Paraphrase and use synonyms instead of repeating words.")
    elif criterion == "grammatical_range_accuracy":
        if m["grammar_slips"]:
            weaknesses.append("Grammar slips: " + ", ".join(f"'{s}'" for s in m["grammar_slips"][:4]) + ".")
            suggestions.append("Check subject-verb agreement and a/an.")
        if m["subordinate_clauses"] >= 3:
            strengths.append("You use complex sentences (because, which, if, when...).")
        else:
            suggestions.append("Use more complex sentences with because, although, which and if.")
    else:
        if weak:
            weaknesses.append("Pronunciation was estimated from the transcript only: no audio timings "
                              "with recognition confidence were given.")
        elif m.get("low_confidence_words"):
            weaknesses.append("Some words were hard to recognise: "
                              + ", ".join(m["low_confidence_words"][:5]) + ".")
            suggestions.append("Practise the sounds and word stress of these words.")
        else:
            strengths.append("Your words were recognised clearly.")
    return {
        "criterion": criterion,
        "band_score": band,
        "confidence": 0.25 if weak else (0.5 if timed else 0.35),
        "feedback": f"{CRITERION_NAMES[criterion]}: band {band:g}, {band_summary(band)}."
                    + (" (estimated from weak evidence)" if weak else ""),
        "strengths": strengths or ["The answer shows some control of this area."],
        "weaknesses": weaknesses or ["No major weakness was detected automatically."],
        "suggestions": suggestions or ["Record yourself answering practice questions and listen back."],
    }


def _speaking_summary(overall: float, criteria: list, weak: list) -> str:
    text = f"Estimated speaking band {overall:g} ({band_summary(overall)})."
    if weak:
        names = ", ".join(CRITERION_NAMES[c] for c in weak)
        text += f" {names} estimated from weaker evidence (transcript only)."
    actions = [c["suggestions"][0] for c in sorted(criteria, key=lambda c: c["band_score"])][:2]
    return text + " Next steps: " + " ".join(actions)
