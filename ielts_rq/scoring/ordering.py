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

import gzip
import json
import math
import re
from pathlib import Path

from .tables import loaded_once

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


@loaded_once
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


# Inside a paragraph, too, a sentence's opening says where it belongs: a paragraph opens with its point, not
# with a sentence that continues one ("For example, ...", "As a result, ...", "They ..."; good writers do open
# paragraphs with "This" or "Therefore", linking them, so those are left to the learnt model); "In conclusion"
# opens the paragraph it is in; numbered points come in order ("A second cause" after "The first"); an essay's
# own position ("I believe ...", "This essay will ...") closes its introduction rather than opening it.
# Shuffling the sentences inside each paragraph keeps the paragraphs and every opening word, so only these
# places give it away.
CONTINUING = ("for example", "for instance", "as a result", "consequently", "hence", "in other words",
              "because of this", "that is why", "this is why", "as a consequence", "in this way", "such ", "they ",
              "he ", "she ", "then ")
NOT_CONTINUING = ("these days", "this essay", "this is a", "such as")  # "These days, ..." opens a paragraph
OPENING = ("in conclusion", "to conclude",
           "to sum up", "in summary", "to summarise", "to summarize")
POSITION = ("i believe", "i think", "i agree", "i disagree", "in my opinion", "in my view", "this essay",
            "i will", "i strongly", "i personally", "i would argue", "i largely", "i partly", "i firmly",
            "i completely", "my view", "my opinion")


def paragraph_misplacements(paragraphs: list[list[str]]) -> int:
    """Sentences whose opening does not fit where they stand in their paragraph (lower-case sentences)."""
    misplaced = 0
    for index, sentences in enumerate(paragraphs):
        if len(sentences) < 2:
            continue
        misplaced += _continues(sentences[0])
        ranks = [rank for rank in map(_paragraph_rank, sentences) if rank]
        misplaced += sum(1 for a, b in zip(ranks, ranks[1:]) if b < a)  # "A second cause" before "The first"
        misplaced += sum(1 for s in sentences[1:] if s.startswith(OPENING))
        if index == 0 and len(paragraphs) > 2:
            # the introduction states the essay's position after the background, not before it
            misplaced += any(p in sentences[0][:60] for p in POSITION) and not any(
                p in s[:60] for s in sentences[1:] for p in POSITION)
    return misplaced


def paragraph_disorder(paragraphs: list[list[str]]) -> float:
    """Misplaced sentences in the order given, less the fewest any order of the same sentences leaves.

    What no order can avoid (two sentences opening with "However" in one paragraph) is not the learner's
    ordering; what the given order adds beyond that is.
    """
    lowered = [[s.lower().lstrip("\"'( ") for s in p] for p in paragraphs]
    given = paragraph_misplacements(lowered)
    if not given:
        return 0.0
    best = sum(_fewest_misplaced(index, sentences, len(lowered)) for index, sentences in enumerate(lowered))
    return float(given - best)


def _fewest_misplaced(index: int, sentences: list[str], count: int) -> int:
    """The fewest misplacements any order of one paragraph's sentences can have."""
    if len(sentences) < 2:
        return 0
    continuing = [_continues(s) for s in sentences]
    opening = [s.startswith(OPENING) for s in sentences]
    # the best first sentence neither continues nor is there another opening sentence left over
    fewest = len(sentences)
    for first in range(len(sentences)):
        rest_openings = sum(opening) - opening[first]
        fewest = min(fewest, int(continuing[first]) + rest_openings)
    return fewest


# Openings that number a paragraph's points: the first point, a later one, the last.
PARAGRAPH_RANKS = ((("firstly", "first,", "first of all", "the first", "to begin with", "one reason", "one of the"), 1),
                   (("secondly", "second,", "a second", "the second", "another", "thirdly", "a third", "the third",
                     "besides"), 2),
                   (("finally", "lastly", "the last", "last but not least", "above all"), 3))


def _paragraph_rank(sentence: str) -> int:
    for openings, rank in PARAGRAPH_RANKS:
        if sentence.startswith(openings):
            return rank
    return 0


def _continues(sentence: str) -> bool:
    return sentence.startswith(CONTINUING) and not sentence.startswith(NOT_CONTINUING)


# Where in its paragraph each sentence stands, learnt like the essay-wide model from learners' paragraphed
# essays (``data/paragraph_order.json.gz``, ``bench/build_paragraph_order.py``): classes are (introduction,
# body, conclusion) x (first, middle, last sentence of the paragraph). A paragraph's score is how much more
# likely its sentences' cues make the order given than a random order of the same sentences (computed
# exactly: each sentence's expected log-posterior over the places a shuffle could put it).
PARAGRAPH_TABLE_PATH = Path(__file__).parent / "data" / "paragraph_order.json.gz"
PARAGRAPH_CLASSES = 9
# The score less half the misplaced openings (``paragraph_disorder``). Of the calibration set's 638 Task 2
# essays in three or more paragraphs (table fitted on the unscored answers only), 0.5% fall below this; of
# the same essays with the sentences shuffled inside each paragraph (three shuffles each), 46% (many
# paragraphs have no sentence whose opening tells its place; ``bench/build_paragraph_order.py --check``).
PARAGRAPH_DISORDER_WEIGHT = 0.5
PARAGRAPH_DISORDERED_BELOW = -0.5
# A mean over few sentences is mostly noise: a short answer whose paragraphs are long enough to judge has seven
# or eight such sentences, and one topic sentence carrying its own example ("..., for example reading and
# counting") put an honest band-4 answer below the line. Fewer judged sentences than this count as no evidence
# for the rest (the gain is divided by this many at least); full-length essays judge 10-20.
PARAGRAPH_MIN_JUDGED = 10


_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|half|"
                     r"twice|dozen|twelve|twenty|thirty|fifty)\b", re.IGNORECASE)


def paragraph_cues(sentence: str) -> set[str]:
    """``cues`` and what makes a sentence particular rather than general: a paragraph states its point before
    the names, figures and long detail that support it."""
    found = cues(sentence.lower())
    words = len(sentence.split())
    found.add("L:short" if words < 12 else "L:long" if words > 25 else "L:mid")
    if _NAME.search(sentence):
        found.add("S:name")
    if _NUMBER.search(sentence):
        found.add("S:number")
    return found


def paragraph_class(index: int, paragraphs: int, position: int, sentences: int) -> int | None:
    """The class of a sentence: its paragraph's role times its place in the paragraph (None: one-sentence paragraph)."""
    if sentences < 2:
        return None
    role = 0 if index == 0 else 2 if index == paragraphs - 1 else 1
    place = 0 if position == 0 else 2 if position == sentences - 1 else 1
    return role * 3 + place


@loaded_once
def paragraph_tables() -> dict:
    with gzip.open(PARAGRAPH_TABLE_PATH, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def paragraph_order(paragraphs: list[list[str]], table: dict | None = None) -> float:
    """How well the sentences sit inside their paragraphs: below PARAGRAPH_DISORDERED_BELOW, out of order."""
    return (paragraph_order_score(paragraphs, table)
            - PARAGRAPH_DISORDER_WEIGHT * paragraph_disorder(paragraphs))


def paragraph_order_score(paragraphs: list[list[str]], table: dict | None = None) -> float:
    """Mean gain per sentence of the order given over a random order inside each paragraph (0: no evidence)."""
    t = table or paragraph_tables()
    gain, judged = 0.0, 0
    for index, sentences in enumerate(paragraphs):
        n = len(sentences)
        if n < 3 or len(paragraphs) < 3:
            continue
        role = 0 if index == 0 else 2 if index == len(paragraphs) - 1 else 1
        places = [paragraph_class(index, len(paragraphs), p, n) - role * 3 for p in range(n)]
        share = [places.count(k) / n for k in range(3)]
        for position, sentence in enumerate(sentences):
            log_p = list(t["log_prior"][role * 3:role * 3 + 3])
            for cue in paragraph_cues(sentence):
                likelihood = t["log_likelihood"].get(cue)
                if likelihood:
                    log_p = [a + b for a, b in zip(log_p, likelihood[role * 3:role * 3 + 3])]
            top = max(log_p)
            norm = math.log(sum(math.exp(x - top) for x in log_p)) + top
            posterior = [x - norm for x in log_p]
            gain += posterior[places[position]] - sum(s * x for s, x in zip(share, posterior))
            judged += 1
    return gain / max(judged, PARAGRAPH_MIN_JUDGED) if judged else 0.0
