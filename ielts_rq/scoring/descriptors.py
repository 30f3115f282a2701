"""The limits the IELTS writing descriptors set, whatever the band model says.

The model predicts a band from an essay's features; it cannot be argued out
of these. Each rule reads the evidence and, where the descriptors set a
ceiling, caps one or more criteria, with the reason given to the learner.
A cap only ever lowers a band. The thresholds were set on about 3,300 real
essays so that real answers almost never meet them (see each rule), and on
attacked versions of those essays so that the attacks nearly always do
(``bench/scorer_trust.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from . import ordering, relevance, wordorder
from .features import MECHANICAL_LINKING_MIN_SENTENCES, MECHANICAL_LINKING_SHARE, PADDED_NOVELTY

TASK = "task"  # Task Achievement (Task 1) or Task Response (Task 2)
CC, LR, GRA = "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"
ALL = (TASK, CC, LR, GRA)

# Spelling errors per 100 words above which Lexical Resource cannot reach a band: on the calibration
# essays, no essay examiners put at or above that band had so many.
SPELLING_CEILINGS = ((11.0, 5), (7.0, 6), (4.5, 7), (1.5, 8))
# Share of sentences with a grammar error above which Grammatical Range and Accuracy cannot reach a band.
GRAMMAR_CEILINGS = ((0.5, 5), (0.45, 6), (0.33, 7), (0.1, 8))
UNPUNCTUATED_MEAN_SENTENCE = 50  # words a "sentence" averages when the full stops are missing
IMPLAUSIBLE_SHARE = 0.25
IMPLAUSIBLE_MIN_SENTENCES = 4
REPEATED_SHARE = 0.25
FOREIGN_SHARE = 1 / 3
# An answer this long in a single block has no paragraphing (the descriptors: band 5 "may be
# inadequate or missing", band 6 "uses paragraphing"). On the calibration set, once the paragraph
# breaks its scraping lost are restored (bench/fit_scorer.py), 27 of 1,274 essays are one block.
NO_PARAGRAPHS_MIN_WORDS = 120
TASK1_UNRELATED_BELOW = -2.0     # Task 1 answers share a chart vocabulary: only a far lower score is off the task


class Cap(NamedTuple):
    criterion: str
    band: int
    reason: str


def caps(task_number: int, evidence: dict, values: dict) -> list[Cap]:
    """Every ceiling the evidence of one essay sets."""
    found = []
    for rule in (_word_salad, _off_topic, _off_task, _memorised_template, _padded, _another_language, _repeated,
                 _no_paragraphs, _sentence_order, _mechanical_linking, _punctuation, _spelling, _grammar):
        found += rule(task_number, evidence, values)
    return found


def apply(bands: dict[str, float], found: list[Cap]) -> dict[str, float]:
    """Each criterion lowered to the lowest cap on it."""
    capped = dict(bands)
    for cap in found:
        capped[cap.criterion] = min(capped[cap.criterion], float(cap.band))
    return capped


def _word_salad(task_number, evidence, values) -> list[Cap]:
    order = evidence["word_order"]
    if order["order_gain"] < wordorder.WORD_SALAD_GAIN:
        reason = ("The words do not form English sentences (their order is not English word order), "
                  "so the answer cannot be credited as written English.")
        return [Cap(TASK, 3, reason), Cap(CC, 2, reason), Cap(LR, 3, reason), Cap(GRA, 2, reason)]
    share, judged = order["implausible_sentence_share"], len(evidence["sentences"])
    if share >= IMPLAUSIBLE_SHARE and judged >= IMPLAUSIBLE_MIN_SENTENCES:
        reason = (f"{len(order['implausible_sentences'])} sentences are not in English word order, "
                  f"e.g. \"{order['implausible_sentences'][0][:120]}\".")
        return [Cap(GRA, 4, reason), Cap(CC, 4, reason)]
    return []


def _off_topic(task_number, evidence, values) -> list[Cap]:
    score = evidence["relevance"]
    if score is None:
        return []
    fit = evidence.get("question_fit")
    if task_number == 2 and fit is not None:
        verdict = fit["verdict"]  # the topic score, judged against the meaning of this and other questions
    elif score < (TASK1_UNRELATED_BELOW if task_number == 1 else relevance.UNRELATED_BELOW) or (
            task_number == 2 and score < relevance.TANGENTIAL_BELOW and evidence["key_terms_used"] == 0):
        verdict = "unrelated"
    elif task_number == 2 and score < relevance.TANGENTIAL_BELOW:
        verdict = "other_question"
    else:
        verdict = None
    missing = ", ".join(f"'{w}'" for w in evidence.get("missing_terms", []))
    never = f" It never takes up {missing} from the question." if missing else ""
    if verdict == "unrelated":
        reason = "The answer is about something other than the question, so it does not answer it." + never
        # Band 1 for Task Response ("wholly unrelated to the prompt"); language written for another question
        # is likely learnt by heart, and the descriptors do not credit it fully.
        return [Cap(TASK, 1, reason), Cap(CC, 7, reason), Cap(LR, 7, reason), Cap(GRA, 7, reason)]
    if verdict == "other_question":
        return [Cap(TASK, 4, "The answer keeps to the broad topic but answers a different question from the one "
                             "set: another question fits it better than this one." + never)]
    return []


def _off_task(task_number, evidence, values) -> list[Cap]:
    p_task1 = evidence["task1_probability"]
    if task_number == 2 and p_task1 > relevance.OFF_GENRE_PROBABILITY:
        reason = "This describes a chart or a process (a Task 1 report), not an essay arguing a position (Task 2)."
    elif task_number == 1 and p_task1 < 1 - relevance.OFF_GENRE_PROBABILITY:
        reason = "This argues a position (a Task 2 essay) instead of describing the information given (Task 1)."
    else:
        return []
    return [Cap(TASK, 2, reason), Cap(CC, 6, reason), Cap(LR, 6, reason), Cap(GRA, 6, reason)]


def _memorised_template(task_number, evidence, values) -> list[Cap]:
    found = evidence.get("template")
    if task_number != 2 or not found or not found["memorised"]:
        return []
    phrases = ", ".join(f"'{p}'" for p in list(dict.fromkeys(p.lower() for p in found["set_phrases"]))[:3])
    reason = (f"The essay reads as a memorised template: set phrases ({phrases}) around the question's topic "
              "words, with few ideas or words of its own for this question. Memorised language is not credited.")
    return [Cap(TASK, 4, reason), Cap(LR, 5, reason)]


def _padded(task_number, evidence, values) -> list[Cap]:
    novelty = evidence.get("second_half_novelty")
    if task_number != 2 or novelty is None or novelty >= PADDED_NOVELTY:
        return []
    reason = (f"The second half of the answer repeats the first in other words (only {novelty:.0%} of its topic "
              "words are new): ideas are restated rather than developed, and the restatement adds no credit.")
    return [Cap(TASK, 5, reason), Cap(CC, 5, reason)]


def _no_paragraphs(task_number, evidence, values) -> list[Cap]:
    if evidence["paragraph_count"] <= 1 and evidence["word_count"] >= NO_PARAGRAPHS_MIN_WORDS:
        return [Cap(CC, 5, f"The answer is one block of {evidence['word_count']} words with no paragraph breaks: "
                           "without paragraphing, Coherence and Cohesion cannot go above band 5.")]
    return []


def _another_language(task_number, evidence, values) -> list[Cap]:
    own = evidence["originality"]
    if not own.foreign:
        return []
    if own.foreign_share >= FOREIGN_SHARE:
        reason = "Much of the answer is not in English, and only English can be rated."
        return [Cap(criterion, 3, reason) for criterion in ALL]
    return [Cap(TASK, 5, f"Part of the answer is not in English and was not rated: \"{own.foreign[0][:80]}\".")]


def _repeated(task_number, evidence, values) -> list[Cap]:
    own = evidence["originality"]
    if own.repeated_share >= REPEATED_SHARE:
        return [Cap(CC, 5, f"{len(own.repeated)} sentences repeat earlier ones, e.g. \"{own.repeated[0][:100]}\": "
                           "repeated text is not counted again.")]
    return []


def _sentence_order(task_number, evidence, values) -> list[Cap]:
    score = evidence["sentence_order"]
    if score < ordering.DISORDERED_BELOW:
        return [Cap(CC, 5, "The ideas do not progress: sentences appear out of order (a conclusion before the "
                           "argument, 'Secondly' before 'Firstly', an opening that refers back to nothing).")]
    return []


def _mechanical_linking(task_number, evidence, values) -> list[Cap]:
    share, sentences = evidence["linker_opening_share"], len(evidence["sentences"])
    if sentences >= MECHANICAL_LINKING_MIN_SENTENCES and share >= MECHANICAL_LINKING_SHARE:
        return [Cap(CC, 5, f"{share:.0%} of sentences open with a linking word: cohesive devices are over-used "
                           "and read as mechanical.")]
    return []


def _punctuation(task_number, evidence, values) -> list[Cap]:
    if values["mean_sentence_length"] > UNPUNCTUATED_MEAN_SENTENCE:
        reason = ("Sentences are not marked with full stops: a sentence averages "
                  f"{values['mean_sentence_length']:.0f} words.")
        return [Cap(GRA, 4, reason), Cap(CC, 5, reason)]
    return []


def _spelling(task_number, evidence, values) -> list[Cap]:
    rate = values["spelling_error_rate"]
    for above, band in SPELLING_CEILINGS:
        if rate > above:
            return [Cap(LR, band, f"{len(evidence['misspellings'])} spelling errors ({rate:.1f} per 100 words).")]
    return []


def _grammar(task_number, evidence, values) -> list[Cap]:
    share = evidence["error_sentence_share"]
    for above, band in GRAMMAR_CEILINGS:
        if share > above:
            return [Cap(GRA, band, f"{share:.0%} of sentences have a grammar error.")]
    return []
