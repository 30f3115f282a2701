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

import itertools
import math
import re

from . import fixed, grammar, lexicon, relevance, spelling
from .features import linking_usage, prompt_overlap, window_ttr
from .feedback import CRITERION_NAMES, band_summary
from .originality import mask_copied
from .rules import SPEAKING_EXPECTED_WORDS, mean_band
from .text import WORD_PATTERN, split_sentences

SPEAKING_NOTE = ("speaking bands are heuristics read off the IELTS speaking descriptors (there are no "
                 "rated speaking answers to calibrate on); see ielts_rq/scoring/speaking.py for the anchors")
PAUSE_SECONDS = 0.5
SPEAKING_TTR_WINDOW = 40   # spoken answers are shorter than essays
LONG_PAUSE_SECONDS = 2.0
UNSURE_WORD_CONFIDENCE = 0.6  # a recognised word below this is one the recogniser was unsure of

# (measure, band) anchor points; bands between anchors are interpolated.
SPEECH_RATE_BANDS = ((50, 3.0), (70, 4.0), (85, 5.0), (100, 6.0), (120, 7.0), (140, 8.0), (160, 9.0))
PAUSES_PER_MINUTE_BANDS = ((3, 9.0), (6, 8.0), (10, 7.0), (14, 6.0), (20, 5.0), (28, 4.0), (40, 3.0))
FILLERS_PER_100_WORDS_BANDS = ((1, 9.0), (2.5, 8.0), (4, 7.0), (6, 6.0), (9, 5.0), (13, 4.0), (20, 3.0))
WINDOW_TTR_BANDS = ((0.45, 3.0), (0.55, 4.0), (0.62, 5.0), (0.68, 6.0), (0.74, 7.0), (0.8, 8.0), (0.86, 9.0))
LESS_COMMON_PER_100_BANDS = ((0, 4.0), (1, 5.0), (2.5, 6.0), (4, 7.0), (6, 8.0), (8, 9.0))
# Speech uses fewer subordinate clauses than writing: natural, fluent answers have two to four per 100 words.
CLAUSES_PER_100_BANDS = ((0, 4.5), (1, 5.5), (2, 6.5), (3.5, 7.5), (5, 8.5), (7, 9.0))
WORD_CONFIDENCE_BANDS = ((0.5, 3.0), (0.6, 4.0), (0.7, 5.0), (0.8, 6.0), (0.87, 7.0), (0.92, 8.0), (0.96, 9.0))
# Grammar slips (agreement, articles) cost this many bands per slip per 100
# words, at most MAX_SLIP_PENALTY.
SLIP_PENALTY_PER_RATE = 2.0
MAX_SLIP_PENALTY = 2.0
# Coherence: band 5 with no connectives, +0.6 per distinct connective up to
# +3 (band 8), -0.5 per overused one; it weighs a quarter of the fluency band.
COHERENCE_BASE_BAND = 5.0
COHERENCE_PER_CONNECTIVE = 0.6
COHERENCE_MAX_GAIN = 3.0
COHERENCE_OVERUSE_COST = 0.5
COHERENCE_WEIGHT = 0.25
# An answer with no words loses 3 fluency bands; a short answer loses in proportion below
# SHORT_ANSWER_SHARE of the part's expected length (a brief Part 1 answer is normal).
SHORT_ANSWER_PENALTY = 3.0
SHORT_ANSWER_SHARE = 0.75
# Recognition confidence below this: the transcript may be wrong, so bands read from it are weak evidence.
LOW_RECOGNITION = 0.6
LOW_RECOGNITION_NOTE = ("the speech recogniser was unsure of much of the recording: vocabulary and grammar were "
                        "read from a transcript that may contain its errors")
# Below this mean word confidence the transcript is too unreliable to rate at all: the words a band would be
# read from may not be the words spoken (answers recognised at 0.35-0.54 read as word salad).
UNRATEABLE_RECOGNITION = 0.55
# Fillers (um, uh, you know) per 100 words above this: the answer is more padding than language.
PADDING_FILLERS_PER_100 = 25.0
PADDING_CEILING = 4.0
# A prepared talk on another topic is not an answer: these ceilings keep it at 4.5 overall at most.
OFF_TOPIC_CEILINGS = {"fluency_coherence": 4.0, "lexical_resource": 4.0, "grammatical_range_accuracy": 4.0,
                      "pronunciation": 6.0}
# Set phrases learnt by heart for the test; many in one answer mark it as recited.
MEMORISED_MIN = 3
MEMORISED_PER_100 = 2.0
RECITED_PER_100 = 6.0
# Confidence of the speaking bands: heuristics, lower still without timings.
TIMED_CONFIDENCE = 0.5
TRANSCRIPT_CONFIDENCE = 0.35
WEAK_EVIDENCE_CONFIDENCE = 0.25
# Without audio, pronunciation is assumed to be near the other criteria,
# slightly lower: intelligibility problems do not show in a transcript.
PRONUNCIATION_WITHOUT_AUDIO_OFFSET = -0.5
# Recognition confidence shows intelligibility, not the features of connected
# speech (chunking, rhythm, intonation) that the higher pronunciation bands
# ask for, and hesitant speech cannot show those: pronunciation is capped at
# this many bands above fluency.
PRONUNCIATION_ABOVE_FLUENCY_CAP = 1.0
DEFAULT_SUGGESTIONS = {
    "fluency_coherence": "Practise answering with a main point, a reason and an example, keeping "
                         "going without long pauses.",
    "lexical_resource": "Learn topic vocabulary and natural phrases for common topics (work, "
                        "hometown, hobbies, technology).",
    "grammatical_range_accuracy": "Practise mixing tenses and complex structures (conditionals, "
                                  "relative clauses) in your answers.",
    "pronunciation": "Record yourself and compare with a model speaker: focus on word stress and "
                     "sentence rhythm.",
}

# "like" is a filler only between pauses or other fillers ("and, like, um"),
# not as a verb or preposition ("I like music", "cities like Paris").
_LIKE_AS_FILLER = re.compile(r"""
      ,\s*like\s*,                                          # ", like,"
    | (?:^|[,.]\s*|\b(?:and|but|so|was|is|it's|um|uh)\s+)    # after a pause or a filler-friendly word
      like\b(?=\s*,|\s+(?:um|uh|er)\b)                      # and before a pause or a filler
""", re.IGNORECASE | re.VERBOSE)
_FILLER_PHRASES = re.compile(r"\b(you know|i mean)\b", re.IGNORECASE)
_MEMORISED_PHRASES = re.compile(r"\b(" + "|".join((
    r"every coin has two sides", r"each coin has two sides", r"a double[- ]edged sword", r"last but not least",
    r"as the (old )?saying goes", r"it goes without saying", r"in a nutshell", r"without further ado",
    r"to be honest with you", r"as far as i'?m concerned", r"it is widely (believed|accepted)",
    r"i'?d like to (talk|tell you) about", r"once in a blue moon", r"over the moon", r"a piece of cake",
    r"the apple of my eye", r"raining cats and dogs", r"hit the books", r"break the ice", r"on cloud nine",
    r"a blessing in disguise", r"the best of both worlds", r"at the end of the day", r"first and foremost",
    r"all in all", r"needless to say", r"time flies", r"knowledge is power", r"practice makes perfect",
    r"there is no denying that", r"it is an undeniable fact", r"broaden (my|one'?s|our) horizons?",
    r"in this day and age", r"cost an arm and a leg", r"burn the midnight oil", r"a dime a dozen")) + r")\b",
    re.IGNORECASE)
_SELF_REPAIR = re.compile(r"\b(\w+)(?:\s*,)?\s+\1\b", re.IGNORECASE)


def interpolate(value: float, anchors: tuple) -> float:
    """Piecewise-linear band for ``value`` from (measure, band) anchors (clamped)."""
    points = sorted(anchors)
    if value <= points[0][0]:
        return points[0][1]
    if value >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
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
    gaps = [b["start"] - a["end"] for a, b in itertools.pairwise(words)]
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
                                 if w.get("confidence") is not None and w["confidence"] < UNSURE_WORD_CONFIDENCE][:10],
    }


def speaking_measures(task_type: str, text: str, prompt: str | None, audio: dict | None) -> dict:
    """Everything the speaking bands and feedback are computed from."""
    words = [w.lower() for w in WORD_PATTERN.findall(text)]
    per_100 = 100 / max(1, len(words))
    content = [w for w in words if w not in lexicon.FILLER_WORDS]
    fillers = count_fillers(text, words)
    linking = linking_usage(text, len(words))
    overlap = prompt_overlap(content, prompt)
    less_common = sorted({w for w in content if len(w) >= 6 and 0 < lexicon.zipf(w) < 4.0
                          and lexicon.rarity_zipf(w) < 4.0 and spelling.is_spelled_right(w)})
    return {
        "word_count": len(words),
        "content_words": len(content),
        "expected_words": SPEAKING_EXPECTED_WORDS[task_type],
        "fillers": fillers,
        "fillers_per_100_words": round(fillers * per_100, 2),
        "self_repairs": len(_SELF_REPAIR.findall(text)),
        "linking_words": linking["counts"],
        "overused_linking_words": linking["overused"],
        "window_ttr": round(window_ttr(content, SPEAKING_TTR_WINDOW), 3),
        "less_common_words": less_common[:10],
        "less_common_per_100_words": round(len(less_common) * 100 / max(1, len(content)), 2),
        "subordinate_clauses": sum(1 for w in content if w in lexicon.SUBORDINATORS),
        "grammar_slips": [slip.words for sentence in split_sentences(text) for slip in grammar.check(sentence)],
        "prompt_overlap": None if math.isnan(overlap) else round(overlap, 2),
        **_relevance(text, prompt),
        **_memorised(text, len(words)),
        **(audio_measures(audio) if audio else {}),
    }


def _relevance(text: str, prompt: str | None) -> dict:
    """How far the answer addresses the question or cue card (the writing scale: below 0 is off it)."""
    if not prompt:
        return {"relevance": None, "key_terms_used": None}
    topic = relevance.content_stems(mask_copied(text, prompt))
    score = relevance.relevance(topic, prompt, 2)
    return {"relevance": None if score is None else round(score, 2),
            "key_terms_used": relevance.key_terms_used(topic, prompt)}


def _memorised(text: str, words: int) -> dict:
    """Set phrases learnt by heart for the test: a few are natural, many in one answer are rehearsed."""
    found = [m.group(0).lower() for m in _MEMORISED_PHRASES.finditer(text)]
    return {"memorised_phrases": found, "memorised_per_100_words": round(len(found) * 100 / max(1, words), 2)}


def speaking_bands(m: dict) -> tuple:
    """(criterion bands, criteria estimated from weak evidence, the ceilings and why) from the measures."""
    timed = "speech_rate_wpm" in m
    per_100 = 100 / max(1, m["word_count"])
    content = max(1, m["content_words"])

    # Fluency: hesitation (fillers, self-repairs) from the transcript, plus pace
    # and pauses when timed; coherence from the range of connectives; and
    # answers much shorter than the part expects show an inability to keep going.
    fluency_parts = [interpolate((m["fillers"] + m["self_repairs"]) * per_100, FILLERS_PER_100_WORDS_BANDS)]
    if timed:
        fluency_parts.append(interpolate(m["speech_rate_wpm"], SPEECH_RATE_BANDS))
        fluency_parts.append(interpolate(m["pauses_per_minute"], PAUSES_PER_MINUTE_BANDS))
    coherence = (COHERENCE_BASE_BAND
                 + min(COHERENCE_MAX_GAIN, COHERENCE_PER_CONNECTIVE * len(m["linking_words"]))
                 - COHERENCE_OVERUSE_COST * len(m["overused_linking_words"]))
    fluency = (1 - COHERENCE_WEIGHT) * sum(fluency_parts) / len(fluency_parts) + COHERENCE_WEIGHT * coherence
    fluency -= SHORT_ANSWER_PENALTY * max(0.0, 1 - m["content_words"] / (SHORT_ANSWER_SHARE * m["expected_words"]))

    lexical = (interpolate(m["window_ttr"], WINDOW_TTR_BANDS)
               + interpolate(m["less_common_per_100_words"], LESS_COMMON_PER_100_BANDS)) / 2
    accuracy = interpolate(m["subordinate_clauses"] * 100 / content, CLAUSES_PER_100_BANDS)
    accuracy -= min(MAX_SLIP_PENALTY, SLIP_PENALTY_PER_RATE * len(m["grammar_slips"]) * per_100)

    weak = []
    if m.get("mean_word_confidence") is not None:
        pronunciation = min(interpolate(m["mean_word_confidence"], WORD_CONFIDENCE_BANDS),
                            fluency + PRONUNCIATION_ABOVE_FLUENCY_CAP)
    else:
        pronunciation = (fluency + lexical + accuracy) / 3 + PRONUNCIATION_WITHOUT_AUDIO_OFFSET
        weak.append("pronunciation")
    if not timed:
        weak.append("fluency_coherence")
    if low_recognition(m):  # the transcript itself may be wrong: what is read from it is uncertain
        weak += ["lexical_resource", "grammatical_range_accuracy"]
    bands = {
        "fluency_coherence": fluency,
        "lexical_resource": lexical,
        "grammatical_range_accuracy": accuracy,
        "pronunciation": pronunciation,
    }
    bands = {c: float(math.floor(_clamp(b) + 0.5)) for c, b in bands.items()}  # whole bands, as examiners give
    ceilings = speaking_caps(m)
    for criterion, (band, _) in ceilings.items():
        bands[criterion] = min(bands[criterion], band)
    return bands, list(dict.fromkeys(weak)), ceilings


def speaking_caps(m: dict) -> dict:
    """criterion -> (ceiling, reason): an answer that ignores the question, or one recited from memory."""
    caps = {}
    off_topic = m["relevance"] is not None and (
        m["relevance"] < 0 or (m["relevance"] < 1 and m["key_terms_used"] == 0))
    if off_topic:
        reason = "The answer does not address the question: a prepared answer on another topic cannot be credited."
        caps.update({c: (band, reason) for c, band in OFF_TOPIC_CEILINGS.items()})
    if padded(m):
        reason = (f"Most of the answer is filler ({m['fillers']} fillers, {m['fillers_per_100_words']:g} per 100 "
                  "words): there is too little language to credit.")
        for criterion in ("fluency_coherence", "lexical_resource", "grammatical_range_accuracy"):
            caps[criterion] = min(caps.get(criterion, (9.0, reason)), (PADDING_CEILING, reason))
        # Clear words between fillers show little of connected speech (rhythm, chunking).
        caps["pronunciation"] = min(caps.get("pronunciation", (9.0, reason)), (PADDING_CEILING + 1, reason))
    if len(m["memorised_phrases"]) >= MEMORISED_MIN and m["memorised_per_100_words"] >= MEMORISED_PER_100:
        reason = (f"Many set phrases learnt by heart ({', '.join(repr(p) for p in m['memorised_phrases'][:3])}): "
                  "listeners hear a rehearsed answer, not flexible language.")
        recited = m["memorised_per_100_words"] >= RECITED_PER_100  # more set phrase than answer
        for criterion, band in (("lexical_resource", 5.0 if recited else 6.0),
                                ("fluency_coherence", 5.0 if recited else 6.0),
                                ("grammatical_range_accuracy", 6.0 if recited else 9.0)):
            caps[criterion] = min(caps.get(criterion, (9.0, reason)), (band, reason))
    return caps


def padded(m: dict) -> bool:
    return m["fillers_per_100_words"] > PADDING_FILLERS_PER_100


def low_recognition(m: dict) -> bool:
    return m.get("mean_word_confidence") is not None and m["mean_word_confidence"] < LOW_RECOGNITION


def score_speaking(task_type: str, text: str, prompt: str | None, audio: dict | None) -> dict:
    """Bands, confidence, feedback and features of a speaking answer."""
    measures = speaking_measures(task_type, text, prompt, audio)
    if measures.get("mean_word_confidence") is not None and measures["mean_word_confidence"] < UNRATEABLE_RECOGNITION:
        return fixed.unrecognised(task_type, measures["mean_word_confidence"], measures["word_count"])
    bands, weak, ceilings = speaking_bands(measures)
    timed = "speech_rate_wpm" in measures
    confidence = TIMED_CONFIDENCE if timed else TRANSCRIPT_CONFIDENCE
    if low_recognition(measures):
        confidence = WEAK_EVIDENCE_CONFIDENCE
    criteria = [_speaking_criterion(c, bands[c], measures, c in weak, timed, ceilings.get(c)) for c in bands]
    overall = mean_band(bands.values())
    notes = [SPEAKING_NOTE] + ([LOW_RECOGNITION_NOTE] if low_recognition(measures) else [])
    return {
        "overall_band_score": overall,
        "confidence": confidence,
        "criteria_scores": criteria,
        "detailed_feedback": _speaking_summary(overall, criteria, weak),
        "feature_analysis": {**measures, "has_audio_timings": timed, "weak_evidence": weak,
                             "low_recognition_confidence": low_recognition(measures),
                             "band_caps": {c: reason for c, (_, reason) in ceilings.items()}, "notes": notes},
    }


def _clamp(band: float) -> float:
    return max(1.0, min(9.0, band))


def _speaking_criterion(criterion: str, band: float, m: dict, weak: bool, timed: bool, ceiling) -> dict:
    strengths, weaknesses, suggestions = _CRITERION_NOTES[criterion](m, timed, weak)
    if ceiling:
        weaknesses.insert(0, ceiling[1])
    if not weaknesses:
        weaknesses = (["Nothing held this back in the answer."] if band >= 7 else
                      [f"At band {band:g}, listeners would expect more range and control for a higher band."])
    return {
        "criterion": criterion,
        "band_score": band,
        "confidence": WEAK_EVIDENCE_CONFIDENCE if weak else (TIMED_CONFIDENCE if timed else TRANSCRIPT_CONFIDENCE),
        "feedback": f"{CRITERION_NAMES[criterion]}: band {band:g}, {band_summary(band)}."
                    + (" (estimated from weak evidence)" if weak else ""),
        "strengths": strengths or ["The answer shows some control of this area."],
        "weaknesses": weaknesses,
        "suggestions": suggestions or [DEFAULT_SUGGESTIONS[criterion]],
    }


def _fluency_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m["fillers_per_100_words"] > 4:
        weaknesses.append(f"You used {m['fillers']} filler words (um, uh, you know...), "
                          f"{m['fillers_per_100_words']:g} per 100 words.")
        suggestions.append("Replace fillers with a short silent pause, or phrases such as 'Let me think about that'.")
    if timed and m["speech_rate_wpm"] < 100:
        weaknesses.append(f"Your pace is slow: {m['speech_rate_wpm']:g} words per minute.")
        suggestions.append("Practise speaking for 1-2 minutes on familiar topics to build pace.")
    elif timed and m["fillers_per_100_words"] <= 4 and not padded(m):  # fillers do not make a pace natural
        strengths.append(f"You keep a natural pace: {m['speech_rate_wpm']:g} words per minute.")
    if timed and m["pauses_per_minute"] > 10:
        weaknesses.append(f"You paused {m['pauses']} times for more than half a second.")
    if m["content_words"] < SHORT_ANSWER_SHARE * m["expected_words"]:
        weaknesses.append(f"Your answer is short ({m['word_count']} words); listeners expect about "
                          f"{m['expected_words']} words for this part.")
        suggestions.append("Extend your answers with a reason and an example.")
    if len(m["linking_words"]) >= 3:
        strengths.append("You connect ideas with " + ", ".join(sorted(m["linking_words"])[:4]) + ".")
    return strengths, weaknesses, suggestions


def _lexical_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m["less_common_words"]:
        strengths.append("You use less common words such as "
                         + ", ".join(repr(w) for w in m["less_common_words"][:4]) + ".")
    else:
        suggestions.append("Use more topic-specific and less common vocabulary.")
    if m["window_ttr"] < 0.62:
        weaknesses.append("You repeat the same words often.")
        suggestions.append("Paraphrase and use synonyms instead of repeating words.")
    return strengths, weaknesses, suggestions


def _grammar_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m["grammar_slips"]:
        weaknesses.append("Grammar errors: " + ", ".join(f"'{s}'" for s in m["grammar_slips"][:4]) + ".")
        suggestions.append("Check subject-verb agreement and verb forms as you speak.")
    if m["subordinate_clauses"] >= 3:
        strengths.append("You use complex sentences (because, which, if, when...).")
    else:
        suggestions.append("Use more complex sentences with because, although, which and if.")
    return strengths, weaknesses, suggestions


def _pronunciation_notes(m: dict, timed: bool, weak: bool) -> tuple:
    strengths, weaknesses, suggestions = [], [], []
    if m.get("mean_word_confidence") is None:
        weaknesses.append("Pronunciation was estimated from the transcript only: no audio timings with "
                          "recognition confidence were given.")
    elif low_recognition(m):
        weaknesses.append(f"The recogniser was unsure of much of the recording (confidence "
                          f"{m['mean_word_confidence']:.2f}): listeners may struggle to catch some words.")
        suggestions.append("Record again in a quiet room, speaking clearly at a steady pace.")
    elif m.get("low_confidence_words"):
        weaknesses.append("Some words were hard to recognise: " + ", ".join(m["low_confidence_words"][:5]) + ".")
        suggestions.append("Practise the sounds and word stress of these words.")
    else:
        strengths.append("Your words were recognised clearly.")
    return strengths, weaknesses, suggestions


_CRITERION_NOTES = {"fluency_coherence": _fluency_notes, "lexical_resource": _lexical_notes,
                    "grammatical_range_accuracy": _grammar_notes, "pronunciation": _pronunciation_notes}


def _speaking_summary(overall: float, criteria: list, weak: list) -> str:
    text = f"Estimated speaking band {overall:g} ({band_summary(overall)})."
    if weak:
        names = ", ".join(CRITERION_NAMES[c] for c in weak)
        text += f" {names} estimated from weaker evidence (transcript only)."
    weakest_first = sorted(criteria, key=lambda c: c["band_score"])
    actions = list(dict.fromkeys(c["suggestions"][0] for c in weakest_first))[:2]
    return text + " Next steps: " + " ".join(actions)
