"""Grammar rules: almost no false alarms on correct English, and the common learner errors found.

The corpora in tests/data/grammar were written for this project: correct
sentences with the constructions that trip simpler checkers, and sentences
with one planted error each (kind, sentence, the words at fault). The
"heldout" files were written after the rules were tuned and never used to
tune them. ``python bench/scorer_trust.py`` prints precision and recall.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ielts_rq.scoring import grammar

DATA = Path(__file__).parent / "data" / "grammar"


def _sentences(name: str) -> list[str]:
    return [line.strip() for line in (DATA / name).read_text().splitlines() if line.strip() and not line.startswith("#")]


def _errors(name: str) -> list[tuple[str, str, str]]:
    return [tuple(line.split("\t")) for line in (DATA / name).read_text().splitlines()[1:] if line.strip()]


@pytest.mark.parametrize("corpus", ["correct.txt", "heldout_correct.txt"])
def test_correct_sentences_are_not_flagged(corpus):
    flagged = {s: [slip.words for slip in grammar.check(s)] for s in _sentences(corpus)}
    assert {s: words for s, words in flagged.items() if words} == {}


@pytest.mark.parametrize("sentence", [
    "If it were up to me, I would ban cars from the city centre.",
    "A unanimous decision was reached after a university study and a European survey.",
    "Should governments fund the arts, or should private donors pay for them?",
    "Does it have to be expensive?",
    "The number of students is rising, while a number of schools are closing.",
    "Each of the students has a laptop, and the police are investigating.",
])
def test_constructions_that_fooled_the_old_rules_are_left_alone(sentence):
    assert grammar.check(sentence) == []


@pytest.mark.parametrize("corpus", ["errors.tsv", "heldout_errors.tsv"])
def test_planted_errors_are_found_where_they_are(corpus):
    errors = _errors(corpus)
    located = Counter()
    for kind, sentence, words in errors:
        start = sentence.find(words)
        if any(sentence.find(slip.words) < start + len(words) and start < sentence.find(slip.words) + len(slip.words)
               for slip in grammar.check(sentence)):
            located[kind] += 1
    recall = sum(located.values()) / len(errors)
    assert recall >= 0.85, located
