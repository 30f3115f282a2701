"""Does the answer address this question, and is it the kind of text the task asks for?

Relevance is measured on the learner's own words (``originality`` has already
removed text copied from the question, so pasting the question or splicing a
few of its phrases into an essay on something else gains nothing). Two
measures are added: the cosine of TF-IDF weighted content stems, and the
cosine of the answer's and the question's centroids in a small space of word
vectors learnt from learners' answers (64 dimensions, ``data/relevance.json.gz``),
standardised against a bank of other questions so that "about education in
general" is not mistaken for "about this education question".

Genre: a Task 1 report describes a chart, a table, a map or a process
(figures, trends, "the graph shows"); a Task 2 essay argues. A logistic model
of ten word rates tells them apart (98% in cross-validation).

Tables and thresholds come from ``bench/build_scorer_tables.py``.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from collections import Counter
from pathlib import Path

from .tables import loaded_once
from .wordorder import FUNCTION_WORDS

TABLE_PATH = Path(__file__).parent / "data" / "relevance.json.gz"
TFIDF_WEIGHT = 8.0
# On real essays, the relevance of an answer to its own question; below these it is off the question.
UNRELATED_BELOW = 0.0   # "wholly unrelated": 0.3% of real Task 2 essays fall here
TANGENTIAL_BELOW = 1.0  # "tangential": 0.7% of real Task 2 essays; unrelated too if no key term of the question is used
OFF_GENRE_PROBABILITY = 0.97

_WORD = re.compile(r"[a-z]+")
NOT_TOPIC = frozenset("""essay agree disagree extent discuss opinion views view give reasons answer include relevant
examples example knowledge experience write least words people think believe some others other advantages disadvantages
advantage disadvantage outweigh what whether both sides question statement task many nowadays today world important
good better best thing things way ways also would could should might must can will one two
describe say explain tell talk speak mention summarise summarize report features comparisons relevant""".split())
_NOT_TOPIC = NOT_TOPIC
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")
# Matched against the lower-cased text (faster than case-insensitive patterns).
GENRE_PATTERNS = {
    "number": re.compile(r"\d+(?:[.,]\d+)*"),
    "percent": re.compile(r"%|\bper ?cent|\bpercentage"),
    "year": re.compile(r"\b(1[89]\d\d|20\d\d)\b"),
    "data_words": re.compile(r"\b(increas|decreas|rose|risen|fell|fallen|declin|grew|peak|drop|dip|plummet|surg|"
                             r"fluctuat|stabl|steadi|doubl|tripl|proportion|figure|trend|highest|lowest)\w*"),
    "chart_nouns": re.compile(r"\b(graph|chart|table|diagram|map|pie|bar|line graph|process|stage|cycle|figures?)\b"),
    "describe_verbs": re.compile(r"\b(shows?|illustrates?|depicts?|compares?|presents?|gives? information|"
                                 r"provides? information|describes?|it can be seen|is shown)\b"),
    "opinion": re.compile(r"\b(i (strongly )?(think|believe|agree|disagree|feel)|in my (opinion|view)|"
                          r"from my perspective|i would argue|personally)\b"),
    "first_person": re.compile(r"\b(i|we|my|our|us|me)\b"),
    "modals": re.compile(r"\b(should|must|ought|need to|have to)\b"),
    "argument": re.compile(r"\b(because|therefore|however|advantage|disadvantage|benefit|drawback|reason|"
                           r"argue|society|people|government)\w*"),
}


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[:-len(suffix)]
            break
    return word[:7]


def content_stems(text: str) -> list[str]:
    """The stems of a text's topic words (function words and the vocabulary of every prompt left out)."""
    return [stem(w) for w in _WORD.findall(text.lower())
            if len(w) > 2 and w not in FUNCTION_WORDS and w not in NOT_TOPIC]


@loaded_once
def tables() -> dict:
    with gzip.open(TABLE_PATH, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def relevance(answer: str | list, question: str, task_number: int) -> float | None:
    """How closely the answer keeps to the question: about 4-8 for real answers, below 0 off the question.

    None when the question has too few topic words to judge (a title, "Image:"). ``answer`` may be
    given as its content stems.
    """
    question_stems = _question_stems(question)
    if len(set(question_stems)) < 3:
        return None
    answer_stems = content_stems(answer) if isinstance(answer, str) else answer
    t = tables()
    a, q = _centroid(answer_stems), _centroid(question_stems)
    bank = _bank(task_number)
    spread = math.sqrt(max(float(a @ bank["covariance"] @ a), 1e-6))
    z = (float(a @ q) - float(a @ bank["mean"])) / spread
    return z + TFIDF_WEIGHT * _tfidf_cosine(answer_stems, question_stems, t)


def key_terms_used(answer: str | list, question: str, terms: int = 3) -> int:
    """How many of the question's most specific topic words (by IDF) the answer itself uses."""
    t = tables()
    key = sorted(set(_question_stems(question)), key=lambda s: -_idf(s, t))[:terms]
    own = set(content_stems(answer) if isinstance(answer, str) else answer)
    return sum(1 for s in key if s in own)


def task1_probability(text: str) -> float:
    """How likely the text is a Task 1 report (a chart or process described) rather than a Task 2 essay."""
    words, lowered = max(1, len(text.split())), text.lower()
    genre = tables()["genre"]
    z = genre["intercept"] + sum(c * math.log1p(100.0 * len(pattern.findall(lowered)) / words)
                                 for c, pattern in zip(genre["coefficients"], GENRE_PATTERNS.values()))
    return 1 / (1 + math.exp(-z))


def _idf(stem_: str, t: dict) -> float:
    return t["idf"].get(stem_, t["default_idf"])


@functools.lru_cache(maxsize=10_000)
def question_stems(question: str) -> tuple:
    """The question's topic stems (cached: a question is scored against thousands of answers)."""
    return tuple(content_stems(question))


_question_stems = question_stems


def idf(stem_: str) -> float:
    """How specific a stem is: its inverse document frequency over learners' answers."""
    return _idf(stem_, tables())


@loaded_once
def _vector_space() -> tuple:
    """(stem -> row, the word vectors as a matrix, each row's IDF): numpy is loaded with the tables."""
    import numpy as np

    t = tables()
    stems = sorted(t["vectors"])
    matrix = np.array([t["vectors"][s] for s in stems], dtype=np.float64)
    weights = np.array([_idf(s, t) for s in stems])
    return {s: i for i, s in enumerate(stems)}, matrix, weights


@functools.cache
def _bank(task_number: int) -> dict:
    import numpy as np

    bank = tables()["bank"][str(task_number)]
    return {"mean": np.array(bank["mean"]), "covariance": np.array(bank["covariance"])}


def _centroid(stems):
    import numpy as np

    index, matrix, weights = _vector_space()
    rows = [index[s] for s in stems if s in index]
    if not rows:
        return np.zeros(matrix.shape[1])
    total = weights[rows] @ matrix[rows]
    norm = float(np.linalg.norm(total)) or 1.0
    return total / norm


def _tfidf(stems: list[str], t: dict) -> dict[str, float]:
    weights = {s: (1 + math.log(n)) * _idf(s, t) for s, n in Counter(stems).items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {s: w / norm for s, w in weights.items()}


def _tfidf_cosine(answer_stems: list[str], question_stems: list[str], t: dict) -> float:
    answer = _tfidf(answer_stems, t)
    return sum(w * answer.get(s, 0.0) for s, w in _tfidf(question_stems, t).items())

