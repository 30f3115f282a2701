"""Gaming the scorer does not pay: each attacked answer scores no higher than its honest version.

The answers and attacks are in tests/essays_attacks.py; the graded ladder in
tests/essays_ladder.py. ``python bench/scorer_trust.py`` prints the table.
"""

from __future__ import annotations

import pytest

from ielts_rq.scoring import score
from tests.essays_attacks import ATTACKS
from tests.essays_ladder import LADDER, PROMPT


def _overall(task_type: str, answer: str, prompt: str) -> float:
    return score(task_type, answer, prompt)["overall_band_score"]


@pytest.mark.parametrize("name, task_type, prompt, attacked, honest, ceiling", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_an_attacked_answer_scores_no_higher_than_the_honest_one(name, task_type, prompt, attacked, honest, ceiling):
    gamed = _overall(task_type, attacked, prompt)
    assert gamed <= _overall(task_type, honest, prompt)
    if ceiling is not None:
        assert gamed <= ceiling


def test_the_graded_ladder_is_in_order():
    bands = [_overall("writing_task_2", essay, PROMPT) for _, essay in LADDER]
    assert bands == sorted(bands)
    assert bands[0] < bands[3] < bands[-1]


@pytest.mark.parametrize("target, essay", [rung for rung in LADDER if 5 <= rung[0] <= 8])
def test_the_middle_of_the_ladder_is_within_a_band_of_its_target(target, essay):
    assert abs(_overall("writing_task_2", essay, PROMPT) - target) <= 1.0


def test_the_reasons_for_a_cap_reach_the_learner():
    result = score("writing_task_2", ATTACKS[4][3], PROMPT)  # a strong essay on another question
    task = next(c for c in result["criteria_scores"] if c["criterion"] == "task_response")
    assert task["band_score"] <= 2
    assert any("something other than the question" in w for w in task["weaknesses"])
