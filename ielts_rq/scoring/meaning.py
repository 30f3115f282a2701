"""Does the answer take up this question, or another one? Meaning beyond the question's topic words.

Topic words are not enough: a question about free museum entry and one about returning artefacts
share "museums"; a question made of everyday words (people, life, plan, day) shares them with nearly
every essay. Three measures are combined:

* ``similarity``: the cosine of the answer's and the question's mean token embeddings in WordLlama's
  256-dimension space (MIT; the weights ship in the ``wordllama`` wheel and are read from the
  package's own folder, never downloaded);
* ``coverage``: the IDF-weighted share of the question's own topic stems the answer uses (its
  particular claim, not its broad topic);
* ``margin``: how much better the answer fits the closest of about 1,700 other questions
  (``data/question_bank.npy``, the embeddings of learners' questions, ``bench/build_question_bank.py``)
  than this one. An answer written for another question usually has such a question nearby; an answer
  that paraphrases its own question has low coverage but none fits it clearly better.

Thresholds, measured on 500 answers of the unscored learner set each against its own question and
against a random other one, and on the calibration set's 790 Task 2 essays with their own questions:
``unrelated`` (Task Response 1) on 0.6% of calibration essays, 2.2% of the learner answers (many of
which answer a bare title), 90% of the random pairs; ``other_question`` (Task Response at most 4) on
1.3% and 1.2%. No verdict is given without a margin: similarity and coverage alone would mark an
answer that paraphrases the question throughout.

Nor is one given when the answer takes up the question's own ideas (``concept_coverage``): each of the
question's topic words counts as taken up when the answer uses it or a word near it in meaning ("trains"
for "railways", "household" for "family"), weighted by how specific the word is. A question in everyday
words (people, work, family, life) sits in the bank among many questions on jobs or families that an
honest answer may fit as well: without this, an answer that takes up every idea of its question could
be told it answers another. Essays written for other questions on the same topic take up 0.35-0.52 of
their question's ideas (``tests/essays_relevance.py``, ``tests/essays_question.py``); honest answers,
paraphrases included, 0.64-1.0 (real Task 2 essays: 0.59 at the 10th percentile, 0.82 at the median).
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

from . import relevance
from .tables import loaded_once

BANK_PATH = Path(__file__).parent / "data" / "question_bank.npy"
COVERAGE_WEIGHT = 0.5
UNRELATED_FIT = 0.45          # similarity + half the coverage below this ...
UNRELATED_MARGIN = 0.15       # ... and another question fitting this much better: about another question
OTHER_QUESTION_SIMILARITY = 0.55
OTHER_QUESTION_COVERAGE = 0.35
OTHER_QUESTION_MARGIN = 0.07  # a neighbouring question fits better: the same topic, not this question
TAKES_UP_QUESTION = 0.6       # concept coverage from which an answer is held to answer its own question ...
TAKES_UP_ALL = 0.7            # ... and from which it is never held to be about something else
# An answer held to answer another question that takes up under half of this one's ideas while another question
# fits it clearly better was prepared for that question (on the calibration set, 5 of 793 essays; most answers
# held to answer another question are nearer their own).
CLEARLY_OTHER_CONCEPTS = 0.5
CLEARLY_OTHER_MARGIN = 0.1
NEAR_WORD = (0.2, 0.5)        # word-vector cosine from which a word starts to stand for another, and fully does
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_LOWER_WORD = re.compile(r"[a-z]+")
_CACHE_LIMIT = 200_000
_lock = threading.Lock()
_word_sums: dict = {}


@loaded_once
def _model() -> tuple:
    """(token embedding matrix, tokenizer) of the packaged WordLlama model, loaded once per process."""
    import os

    import wordllama
    from wordllama import WordLlama

    model = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
    return model.embedding, model.tokenizer


@loaded_once
def _bank():
    import numpy as np

    return np.load(BANK_PATH).astype(np.float32)


def _sums(words: list[str]) -> list:
    """Each word's (sum of token vectors, number of tokens), tokenising only words not cached yet."""
    embedding, tokenizer = _model()
    missing = [w for w in dict.fromkeys(words) if w not in _word_sums]
    if missing:
        # The tokenizer marks the start of a word itself ("people" -> "▁people"), as inside a text.
        encoded = tokenizer.encode_batch(missing, add_special_tokens=False)
        with _lock:
            if len(_word_sums) > _CACHE_LIMIT:
                _word_sums.clear()
            for word, encoding in zip(missing, encoded):
                # The model's tokenizer pads a batch to its longest item: padding is not the word.
                ids = [i for i, real in zip(encoding.ids, encoding.attention_mask) if real and i < embedding.shape[0]]
                _word_sums[word] = (embedding[ids].sum(axis=0), len(ids))
    return [_word_sums[w] for w in words]


def vector(text: str):
    """The text's mean token vector, unit length (None for a text without words)."""
    import numpy as np

    words = _WORD.findall(text)
    if not words:
        return None
    total = np.sum([s for s, _ in _sums(words)], axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm).astype(np.float32) if norm else None


@functools.lru_cache(maxsize=10_000)
def _question_vector(question: str):
    return vector(question)


def coverage(answer_stems: list[str], question: str) -> float:
    """IDF-weighted share of the question's topic stems that the answer uses."""
    weights = {s: relevance.idf(s) for s in dict.fromkeys(relevance.question_stems(question))}  # in a fixed order
    total = sum(weights.values())
    if not total:
        return 0.0
    own = set(answer_stems)
    return sum(w for s, w in weights.items() if s in own) / total


def concept_coverage(answer: str, question: str) -> float:
    """IDF-weighted share of the question's topic words the answer takes up, itself or in a word near in meaning."""
    import numpy as np

    asked = list(dict.fromkeys(_topic_words(question)))
    own = list(dict.fromkeys(_topic_words(answer)))
    if not asked or not own:
        return 0.0
    nearest = (_unit_rows(asked) @ _unit_rows(own).T).max(axis=1)
    low, high = NEAR_WORD
    credit = np.clip((nearest - low) / (high - low), 0.0, 1.0)
    own_stems = {_fold(w) for w in own}  # "families" takes up "family", "working" takes up "work"
    weights = [relevance.idf(relevance.stem(w)) for w in asked]
    taken = sum(wt * (1.0 if _fold(w) in own_stems else float(c)) for w, c, wt in zip(asked, credit, weights))
    return taken / sum(weights)


def _topic_words(text: str) -> list[str]:
    from .wordorder import FUNCTION_WORDS

    return [w for w in _LOWER_WORD.findall(text.lower())
            if len(w) > 2 and w not in FUNCTION_WORDS and w not in relevance.NOT_TOPIC]


def _fold(word: str) -> str:
    return relevance.stem(word)[:5]


def _unit_rows(words: list[str]):
    import numpy as np

    rows = np.array([total / max(count, 1) for total, count in _sums(words)], dtype=np.float32)
    return rows / (np.linalg.norm(rows, axis=1, keepdims=True) + 1e-9)


def missing_terms(answer_stems: list[str], question: str, limit: int = 4) -> list[str]:
    """The question's most specific words the answer never uses, as the question spells them."""
    own, stems = set(answer_stems), set(relevance.question_stems(question))
    seen, missing = set(), []
    for word in _WORD.findall(question):
        s = relevance.stem(word.lower())
        if s in seen or s in own or s not in stems:
            continue
        seen.add(s)
        missing.append((relevance.idf(s), word.lower()))
    return [w for _, w in sorted(missing, reverse=True)[:limit]]


def fit(answer: str, answer_stems: list[str], question: str, topic_score: float | None,
        key_terms: int | None) -> dict | None:
    """How well the answer fits this question, and the verdict ``unrelated`` / ``other_question`` / None.

    ``topic_score`` and ``key_terms`` are ``relevance.relevance`` and ``relevance.key_terms_used``:
    a low topic score condemns an answer only when another question fits it better. None when the
    question has too few topic words to judge (a title, "Image:").
    """
    if topic_score is None or len(set(relevance.question_stems(question))) < 3:
        return None
    a, q = vector(answer), _question_vector(question)
    if a is None or q is None:
        return None
    similar, covered = float(a @ q), coverage(answer_stems, question)
    margin = float((_bank() @ a).max()) - similar
    combined = similar + COVERAGE_WEIGHT * covered
    concepts = concept_coverage(answer, question)
    verdict = None
    no_key_term = topic_score < relevance.TANGENTIAL_BELOW and key_terms == 0
    if concepts < TAKES_UP_ALL and (topic_score < relevance.UNRELATED_BELOW or (
            (combined < UNRELATED_FIT or no_key_term) and margin > UNRELATED_MARGIN)):
        verdict = "unrelated"
    elif concepts < TAKES_UP_QUESTION and margin > OTHER_QUESTION_MARGIN and (
            topic_score < relevance.TANGENTIAL_BELOW
            or (similar < OTHER_QUESTION_SIMILARITY and covered < OTHER_QUESTION_COVERAGE)):
        verdict = "other_question"
    prepared = (verdict == "other_question" and concepts < CLEARLY_OTHER_CONCEPTS
                and margin > CLEARLY_OTHER_MARGIN)
    return {"similarity": round(similar, 3), "coverage": round(covered, 3), "margin": round(margin, 3),
            "concepts": round(concepts, 3), "verdict": verdict, "prepared_for_another": prepared}
