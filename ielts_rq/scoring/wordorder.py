"""Is this English word order? A language model over word classes, for shuffled text and word salad.

Word frequencies know words, not order: rare words joined by function words,
or a good essay with each sentence's words shuffled, look rich word by word.
Here each sentence becomes a sequence of word classes (function words keep
their identity; other words become a class read off their shape: ``<tion>``,
``<ly>``, ``<ed>``, a capital, a number...) scored by a trigram model with
Witten-Bell smoothing, trained on about 3,300 learner essays
(``bench/build_scorer_tables.py``; the counts are ``data/word_order.json.gz``).

The measure is the *gain*: how much likelier (mean log2 per class) the
sequence is under the trigram model than under a bag of the same classes.
Real essays gain; shuffled words and salad lose, whatever their vocabulary.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from pathlib import Path

from .tables import loaded_once

TABLE_PATH = Path(__file__).parent / "data" / "word_order.json.gz"
ORDER = 3
BEGIN, END = "<s>", "</s>"
# Sentences of at least this many classes are judged one by one.
SENTENCE_MIN_CLASSES = 8

FUNCTION_WORDS = frozenset("""
a an the this that these those my your his her its our their some any no every each either neither
all both few many much more most less least several such other another own same what which who whom whose
i me we us you he him she it they them myself yourself himself herself itself ourselves themselves one
be am is are was were been being have has had having do does did doing done
can could will would shall should may might must ought
not n't never also too very so just only even still already yet quite rather really almost always often
sometimes usually however therefore thus hence moreover furthermore nevertheless although though because since
as if unless while whereas whether when whenever where wherever why how than then there here
and or but nor for of to in on at by with from into onto about above below over under between among
through during before after against without within along across behind beyond towards toward upon around
like unlike despite except per via up down out off near far
firstly secondly thirdly finally lastly overall instead otherwise indeed besides meanwhile consequently
accordingly additionally similarly likewise namely
let make makes made get gets got
""".split())
_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,]\d+)*%?|[,;:()]")
_SUFFIX_CLASSES = (
    ("ly", "<ly>"), ("tion", "<tion>"), ("sion", "<tion>"), ("ment", "<ment>"), ("ness", "<ness>"),
    ("ity", "<ity>"), ("ance", "<nce>"), ("ence", "<nce>"), ("ing", "<ing>"), ("ed", "<ed>"),
    ("ous", "<adj>"), ("ive", "<adj>"), ("ful", "<adj>"), ("able", "<adj>"), ("ible", "<adj>"),
    ("al", "<adj>"), ("ic", "<adj>"), ("less", "<adj>"), ("ise", "<vb>"), ("ize", "<vb>"),
    ("ate", "<vb>"), ("er", "<er>"), ("ers", "<ers>"), ("s", "<s>"),
)


@functools.lru_cache(maxsize=100_000)
def word_class(token: str, first: bool) -> str:
    """A function word itself, or the class of a content word's shape."""
    low = token.lower().replace("\u2019", "'")
    if low in FUNCTION_WORDS:
        return low
    if token[0].isdigit():
        return "<num>"
    if token in ",;:":
        return token
    if token in "()":
        return "<br>"
    if "'" in low:
        return "<apos>"
    if token[0].isupper() and not first:
        return "<cap>"
    if len(low) <= 3:
        return "<short>"
    for suffix, name in _SUFFIX_CLASSES:
        if low.endswith(suffix) and not (suffix == "s" and low.endswith("ss")):
            return name
    return "<w>"


def classes(sentence: str) -> list[str]:
    return [word_class(token, position == 0) for position, token in enumerate(_TOKEN.findall(sentence))]


class ClassTrigrams:
    """Interpolated Witten-Bell trigram probabilities over word classes."""

    def __init__(self, grams: dict[tuple, int]):
        self.grams = grams
        self.context_total: dict[tuple, int] = {}
        self.context_types: dict[tuple, int] = {}
        for gram, count in grams.items():
            context = gram[:-1]
            self.context_total[context] = self.context_total.get(context, 0) + count
            self.context_types[context] = self.context_types.get(context, 0) + 1
        self.vocabulary = sum(1 for gram in grams if len(gram) == 1) + 1
        self._seen: dict[tuple, float] = {}  # (context, class) -> probability: essays repeat their trigrams

    def probability(self, context: tuple, word: str) -> float:
        known = self._seen.get((context, word))
        if known is not None:
            return known
        p = 1.0 / self.vocabulary
        for k in range(len(context) + 1):
            history = context[len(context) - k:]
            total = self.context_total.get(history)
            if not total:
                break
            weight = total / (total + self.context_types[history])
            p = weight * self.grams.get(history + (word,), 0) / total + (1 - weight) * p
        self._seen[(context, word)] = p
        return p

    def gain(self, sequence: list[str]) -> tuple[float, int]:
        """(total log2 gain of the trigram model over the unigram model, classes scored)."""
        padded = [BEGIN] * (ORDER - 1) + sequence + [END]
        total = 0.0
        for i in range(ORDER - 1, len(padded)):
            word = padded[i]
            total += math.log2(self.probability(tuple(padded[i - ORDER + 1:i]), word))
            total -= math.log2(self.probability((), word))
        return total, len(padded) - ORDER + 1


@loaded_once
def model() -> ClassTrigrams:
    with gzip.open(TABLE_PATH, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    return ClassTrigrams({tuple(gram.split(" ")): count for gram, count in table["grams"].items()})


def plausibility(sentences) -> dict:
    """How English the word order is: mean gain per class, and the share of implausible sentences."""
    lm = model()
    gained, scored, judged, implausible = 0.0, 0, 0, []
    for sentence in sentences:
        sequence = classes(sentence)
        if not sequence:
            continue
        gain, count = lm.gain(sequence)
        gained, scored = gained + gain, scored + count
        if len(sequence) >= SENTENCE_MIN_CLASSES:
            judged += 1
            if gain / count < IMPLAUSIBLE_SENTENCE_GAIN:
                implausible.append(sentence)
    return {"order_gain": gained / scored if scored else 0.0,
            "implausible_sentences": implausible,
            "implausible_sentence_share": len(implausible) / judged if judged else 0.0}


# Below these, real essays never fell (3,347 essays, both corpora); shuffled words and salad nearly always.
WORD_SALAD_GAIN = -1.2
IMPLAUSIBLE_SENTENCE_GAIN = -1.5
