"""Task Response follows the question itself, not its topic words.

Four questions written for this project (tests/essays_relevance.py), one made of everyday words. An
essay written for one of the other questions is about something else (Task Response 1); a good essay on
the same broad topic that answers a different question keeps at most Task Response 4 and is told what
it left out; answers to the question, at every level and in the learner's own words, are not held off
the question.
"""

from __future__ import annotations

import pytest

from ielts_rq.scoring import score
from tests.essays_relevance import PLAN_PARAPHRASE, PLAN_PROMPT, QUESTIONS

TASK = "task_response"


def _task(answer: str, prompt: str) -> dict:
    result = score("writing_task_2", answer, prompt)
    return next(c for c in result["criteria_scores"] if c["criterion"] == TASK)


OFF_QUESTION = [(name, other, QUESTIONS[name][0], QUESTIONS[other][1][8])
                for name in QUESTIONS for other in QUESTIONS if other != name]


@pytest.mark.parametrize("name, other, prompt, essay", OFF_QUESTION, ids=[f"{n}-given-{o}" for n, o, _, _ in OFF_QUESTION])
def test_a_good_essay_for_another_question_gets_task_response_1(name, other, prompt, essay):
    task = _task(essay, prompt)
    assert task["band_score"] <= 2
    assert any("something other than the question" in w for w in task["weaknesses"])


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_an_essay_on_the_same_topic_answering_another_question_gets_at_most_4_and_is_told_why(name):
    prompt, ladder, other = QUESTIONS[name]
    task = _task(other, prompt)
    assert task["band_score"] <= 4
    assert task["band_score"] < _task(ladder[8], prompt)["band_score"]
    reasons = " ".join(task["weaknesses"])
    assert "question" in reasons and "'" in reasons  # names what of the question it never takes up


ON_QUESTION = [(name, band, QUESTIONS[name][0], essay) for name in QUESTIONS for band, essay in QUESTIONS[name][1].items()]


@pytest.mark.parametrize("name, band, prompt, essay", ON_QUESTION, ids=[f"{n}-{b}" for n, b, _, _ in ON_QUESTION])
def test_answers_to_the_question_are_not_held_off_it(name, band, prompt, essay):
    task = _task(essay, prompt)
    reasons = " ".join(task["weaknesses"])
    assert "other than the question" not in reasons and "different question" not in reasons


def test_an_answer_in_its_own_words_keeps_its_task_response():
    task = _task(PLAN_PARAPHRASE, PLAN_PROMPT)
    assert task["band_score"] >= 6
    assert "other than the question" not in " ".join(task["weaknesses"])
