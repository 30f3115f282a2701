"""The ends of the scale: honest answers written for this project to band 4 and band 8 on four questions
(tests/essays_relevance.py) and the transport ladder (tests/essays_ladder.py).

A band-4 answer ("frequent grammatical errors", meaning still clear) is not marked as if it had no
control of sentence forms, and strong answers are not pulled down towards the middle.
"""

from __future__ import annotations

import pytest

from ielts_rq.scoring import score
from tests.essays_ladder import BAND_4
from tests.essays_ladder import PROMPT as TRANSPORT
from tests.essays_relevance import QUESTIONS

BAND_4_ANSWERS = [(prompt, ladder[4]) for prompt, ladder, _ in QUESTIONS.values()] + [(TRANSPORT, BAND_4)]


def _result(answer: str, prompt: str) -> tuple[float, dict]:
    result = score("writing_task_2", answer, prompt)
    return result["overall_band_score"], {c["criterion"]: c["band_score"] for c in result["criteria_scores"]}


@pytest.mark.parametrize("prompt, essay", BAND_4_ANSWERS, ids=list(QUESTIONS) + ["transport"])
def test_a_band_4_answer_keeps_grammar_and_overall_of_band_3_or_more(prompt, essay):
    overall, criteria = _result(essay, prompt)
    assert overall >= 3.0
    assert criteria["grammatical_range_accuracy"] >= 3


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_band_8_answers_reach_band_8_and_the_levels_are_in_order(name):
    prompt, ladder, _ = QUESTIONS[name]
    bands = [_result(ladder[level], prompt)[0] for level in (4, 6, 8)]
    assert bands[2] >= 8.0
    assert bands == sorted(bands) and len(set(bands)) == 3
