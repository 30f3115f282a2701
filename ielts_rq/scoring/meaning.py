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
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

from . import relevance

BANK_PATH = Path(__file__).parent / "data" / "question_bank.npy"
COVERAGE_WEIGHT = 0.5
UNRELATED_FIT = 0.45          # similarity + half the coverage below this ...
UNRELATED_MARGIN = 0.15       # ... and another question fitting this much better: about another question
OTHER_QUESTION_SIMILARITY = 0.55
OTHER_QUESTION_COVERAGE = 0.35
OTHER_QUESTION_MARGIN = 0.07  # a neighbouring question fits better: the same topic, not this question
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_CACHE_LIMIT = 200_000
_lock = threading.Lock()
_word_sums: dict = {}


@functools.cache
def _model() -> tuple:
    """(token embedding matrix, tokenizer) of the packaged WordLlama model, loaded once per process."""
    import os

    import wordllama
    from wordllama import WordLlama

    model = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
    return model.embedding, model.tokenizer


@functools.cache
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
    verdict = None
    no_key_term = topic_score < relevance.TANGENTIAL_BELOW and key_terms == 0
    if topic_score < relevance.UNRELATED_BELOW or (
            (combined < UNRELATED_FIT or no_key_term) and margin > UNRELATED_MARGIN):
        verdict = "unrelated"
    elif margin > OTHER_QUESTION_MARGIN and (
            topic_score < relevance.TANGENTIAL_BELOW
            or (similar < OTHER_QUESTION_SIMILARITY and covered < OTHER_QUESTION_COVERAGE)):
        verdict = "other_question"
    return {"similarity": round(similar, 3), "coverage": round(covered, 3), "margin": round(margin, 3),
            "verdict": verdict}
