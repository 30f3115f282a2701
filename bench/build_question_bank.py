"""Build the scorer's bank of other questions (``ielts_rq/scoring/data/question_bank.npy``).

Usage: python bench/build_question_bank.py UNSCORED_CSV

Each distinct question of the unscored learner set (column ``question``) with at least three topic
words, as its WordLlama meaning vector (float16). Only the vectors are written, not the questions.
``meaning.fit`` compares an answer with them: an answer that another question fits clearly better
than its own was written for that other question.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ielts_rq.scoring import meaning, relevance


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8", newline="") as handle:
        questions = sorted({row["question"].strip() for row in csv.DictReader(handle)})
    questions = [q for q in questions if len(set(relevance.question_stems(q))) >= 3]
    vectors = np.array([meaning.vector(q) for q in questions], dtype=np.float16)
    np.save(meaning.BANK_PATH, vectors)
    print(f"{len(questions)} questions -> {meaning.BANK_PATH} ({meaning.BANK_PATH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
