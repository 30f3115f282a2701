"""Tricks that must not pay, on several questions written for this project (tests/essays_padding.py).

A note to the marker is set aside and never praised; a memorised all-purpose template scores no higher
than an honest answer and is named; an answer in one block has Coherence and Cohesion capped; a second
half that rewords the first adds nothing.
"""

from __future__ import annotations

import pytest

from ielts_rq.scoring import score
from tests.essays_padding import NOTES, REWORDED, TEMPLATE, TEMPLATE_QUESTIONS


def _bands(answer: str, prompt: str) -> tuple[float, dict, dict]:
    result = score("writing_task_2", answer, prompt)
    return (result["overall_band_score"], {c["criterion"]: c for c in result["criteria_scores"]},
            result["feature_analysis"])


@pytest.mark.parametrize("prompt, honest, topic", TEMPLATE_QUESTIONS, ids=[t for _, _, t in TEMPLATE_QUESTIONS])
@pytest.mark.parametrize("note", NOTES, ids=["deserves-band-9", "dear-marker"])
def test_a_note_to_the_marker_is_set_aside_and_never_praised(prompt, honest, topic, note):
    plain, _, _ = _bands(honest, prompt)
    noted, criteria, analysis = _bands(honest + note, prompt)
    assert noted <= plain
    note_words = {w.strip(".,;:").lower() for w in note.split()}
    assert not note_words & {w.lower() for w in analysis["less_common_words"]}
    assert any("addressed to the examiner" in w for w in criteria["task_response"]["weaknesses"])


@pytest.mark.parametrize("prompt, honest, topic", TEMPLATE_QUESTIONS, ids=[t for _, _, t in TEMPLATE_QUESTIONS])
def test_a_memorised_template_scores_no_higher_than_an_honest_answer(prompt, honest, topic):
    template, criteria, _ = _bands(TEMPLATE.format(topic=topic), prompt)
    assert template <= _bands(honest, prompt)[0]
    assert criteria["task_response"]["band_score"] <= 4
    assert criteria["lexical_resource"]["band_score"] <= 5
    assert any("memorised template" in w for w in criteria["task_response"]["weaknesses"])


@pytest.mark.parametrize("prompt, honest, topic", TEMPLATE_QUESTIONS, ids=[t for _, _, t in TEMPLATE_QUESTIONS])
def test_an_answer_without_paragraphs_has_coherence_capped(prompt, honest, topic):
    block, criteria, _ = _bands(honest.replace("\n\n", " "), prompt)
    assert criteria["coherence_cohesion"]["band_score"] <= 5
    assert block <= _bands(honest, prompt)[0]
    assert any("paragraph" in w for w in criteria["coherence_cohesion"]["weaknesses"])


@pytest.mark.parametrize("prompt, honest, padded", REWORDED, ids=["museum", "home"])
def test_a_second_half_that_rewords_the_first_adds_nothing(prompt, honest, padded):
    overall, criteria, _ = _bands(padded, prompt)
    plain, honest_criteria, _ = _bands(honest, prompt)
    assert overall <= plain
    assert criteria["coherence_cohesion"]["band_score"] <= honest_criteria["coherence_cohesion"]["band_score"]
    assert any("other words" in w for w in criteria["task_response"]["weaknesses"])
