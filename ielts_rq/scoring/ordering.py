"""Are the sentences in an order that makes sense? Evidence for Coherence and Cohesion.

A well-ordered essay opens with an introduction and ends with its
conclusion, and what a sentence opens with says where it belongs:
"Nowadays" and "Some people believe" open essays, "Secondly" follows
"Firstly", "In conclusion" comes last, and "This" or "However" cannot open
the whole essay. A naive Bayes model of each sentence's opening words and
discourse markers against its position (fifths of the essay), learnt from
learners' essays (``data/sentence_order.json.gz``), scores how well the
sentences sit where they are; markers out of order count against it too.
Shuffling the sentences of an essay lowers the score far more often than
not (AUC 0.94 on Task 2 essays), but a single essay's score is weak
evidence, so only a clearly disordered essay loses Coherence for it.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from pathlib import Path

TABLE_PATH = Path(__file__).parent / "data" / "sentence_order.json.gz"
BINS = 5
MARKER_WEIGHT = 0.8
# Real essays scored below this almost never (0 of 3,347); a third of shuffled essays do.
DISORDERED_BELOW = -1.5

_WORD = re.compile(r"[a-z]+")
MARKERS = ("in conclusion", "to conclude", "to sum up", "in summary", "overall", "all in all",
           "firstly", "first of all", "secondly", "thirdly", "finally", "lastly", "to begin with",
           "this essay", "i will", "will discuss", "will be discussed", "on the one hand", "on the other hand",
           "however", "furthermore", "moreover", "in addition", "additionally", "for example", "for instance",
           "nowadays", "in recent", "some people", "others", "i believe", "in my opinion", "i think",
           "i agree", "i disagree", "therefore", "as a result", "this is", "these", "such", "it is",
           "in this", "while", "although", "another", "also", "the first", "the second", "the main",
           "both", "in my view", "opinion", "conclusion", "summary", "essay")
REFERRING_OPENERS = ("this", "these", "those", "it", "they", "he", "she", "however", "moreover", "furthermore",
                     "therefore", "thus", "also", "secondly", "finally", "lastly", "in addition", "for example",
                     "for instance", "in conclusion", "to conclude", "on the other hand", "as a result", "such",
                     "another", "besides", "consequently", "hence", "additionally", "similarly", "nevertheless")
ORDINALS = (("firstly", 1), ("first of all", 1), ("to begin with", 1), ("secondly", 2), ("thirdly", 3),
            ("finally", 4), ("lastly", 4), ("in conclusion", 5), ("to conclude", 5), ("to sum up", 5))


def cues(sentence: str) -> set[str]:
    """What a (lower-case) sentence opens with, and the discourse markers it contains."""
    words = _WORD.findall(sentence)
    found = {marker for marker in MARKERS if marker in sentence}
    found = {"M:" + marker for marker in found}
    if words:
        found.add("F1:" + words[0])
        if len(words) > 1:
            found.add(f"F2:{words[0]}_{words[1]}")
    return found


def position_bin(index: int, count: int) -> int:
    return min(BINS - 1, index * BINS // count)


@functools.cache
def tables() -> dict:
    with gzip.open(TABLE_PATH, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def order_score(sentences: list[str]) -> float:
    """Above 0 when sentences sit where their openings belong; about -1.5 and below when shuffled."""
    lowered = [s.lower() for s in sentences]
    if len(lowered) < 3:
        return 0.0
    t = tables()
    total = 0.0
    for index, sentence in enumerate(lowered):
        posterior = _posterior(sentence, t)
        total += posterior[position_bin(index, len(lowered))] - sum(posterior) / BINS
    return total / len(lowered) - MARKER_WEIGHT * marker_violations(lowered)


def marker_violations(lowered: list[str]) -> int:
    """Ordinals out of order, a conclusion before the last quarter, an essay opening with a reference."""
    if len(lowered) < 3:
        return 0
    sequence, violations = [], 0
    for index, sentence in enumerate(lowered):
        head = sentence[:25]
        for marker, rank in ORDINALS:
            if head.startswith(marker):
                sequence.append(rank)
                violations += rank == 5 and index < 0.75 * len(lowered) - 1
                break
    violations += sum(1 for a, b in zip(sequence, sequence[1:]) if b < a)
    first = lowered[0]
    violations += any(first.startswith(opener + " ") or first.startswith(opener + ",") for opener in REFERRING_OPENERS)
    return violations


# Where a paragraph's sentences belong: a conclusion opens the last paragraph, an essay's announcement of
# what it will do stays in the first, and a body paragraph does not open by pointing back to a sentence
# that is not there ("For example, ...", "This means ...").
CONCLUDING = ("in conclusion", "to conclude", "to sum up", "in summary", "to summarise", "to summarize",
              "in a nutshell", "all in all")
ANNOUNCING = ("this essay will", "in this essay i will", "in this essay, i will", "i will discuss", "will be discussed")
POINTING_BACK = ("for example", "for instance", "as a result", "in other words", "that is why", "this is why", "these ",
                 "they ", "such ", "he ", "she ", "because of this", "besides", "hence", "consequently")
PARAGRAPH_VIOLATION_WEIGHT = 0.5
# The calibration set's 793 Task 2 essays: 0.6% fall below this; the same essays with their sentences shuffled
# across the answer: 69% (shuffles within each paragraph keep most openings in place and are rarely caught).
DISPLACED_BELOW = -0.5


def paragraph_violations(paragraphs: list[list[str]]) -> int:
    """Sentences in the wrong paragraph or the wrong place in it (lower-case sentences, by paragraph)."""
    if len(paragraphs) < 3:
        return 0
    violations = 0
    for index, sentences in enumerate(paragraphs):
        for position, sentence in enumerate(sentences):
            head = sentence[:30]
            opens_last = index == len(paragraphs) - 1 and position == 0
            violations += head.startswith(CONCLUDING) and not opens_last
            violations += index > 0 and position == 0 and head.startswith(POINTING_BACK)
            violations += index > 0 and head.startswith(ANNOUNCING)
    return violations


def displacement(paragraphs: list[list[str]], order: float | None = None) -> float:
    """The order score (``order``, if already computed) less the paragraph violations: below DISPLACED_BELOW,
    the sentences are out of place."""
    lowered = [[s.lower() for s in p] for p in paragraphs]
    if order is None:
        order = order_score([s for p in lowered for s in p])
    return order - PARAGRAPH_VIOLATION_WEIGHT * paragraph_violations(lowered)


def _posterior(sentence: str, t: dict) -> list[float]:
    log_p = list(t["log_prior"])
    for cue in cues(sentence):
        likelihood = t["log_likelihood"].get(cue)
        if likelihood:
            log_p = [a + b for a, b in zip(log_p, likelihood)]
    top = max(log_p)
    norm = math.log(sum(math.exp(x - top) for x in log_p)) + top
    return [x - norm for x in log_p]
