"""The scorer's response: its exact shape, the ordering of answers, actionable feedback."""

from __future__ import annotations

from datetime import datetime

import pytest

from ielts_rq.scoring import SCORER_VERSION, TASK_TYPES, round_band, score
from tests.test_scorer_samples import (
    BROKEN_ESSAY,
    GOOD_ESSAY,
    HALF_ESSAY,
    MISSPELLED_ESSAY,
    REPETITIVE_ESSAY,
    SPEAKING_FLUENT,
    TASK1_ANSWER,
    TASK1_PROMPT,
    TASK2_PROMPT,
)

RESPONSE_KEYS = {"overall_band_score", "confidence", "criteria_scores", "detailed_feedback",
                 "feature_analysis", "processing_time", "model_used", "task_type", "language",
                 "timestamp"}
CRITERION_KEYS = {"criterion", "band_score", "confidence", "feedback", "strengths", "weaknesses",
                  "suggestions"}
EXPECTED_CRITERIA = {
    "writing_task_1": ["task_achievement", "coherence_cohesion", "lexical_resource",
                       "grammatical_range_accuracy"],
    "writing_task_2": ["task_response", "coherence_cohesion", "lexical_resource",
                       "grammatical_range_accuracy"],
    "speaking_part_1": ["fluency_coherence", "lexical_resource", "grammatical_range_accuracy",
                        "pronunciation"],
}
EXPECTED_CRITERIA["speaking_part_2"] = EXPECTED_CRITERIA["speaking_part_3"] = EXPECTED_CRITERIA["speaking_part_1"]
SAMPLE_ANSWERS = {
    "writing_task_1": (TASK1_ANSWER, TASK1_PROMPT),
    "writing_task_2": (GOOD_ESSAY, TASK2_PROMPT),
    "speaking_part_1": (SPEAKING_FLUENT, "Tell me about your hometown."),
    "speaking_part_2": (SPEAKING_FLUENT, "Describe a place you like to visit."),
    "speaking_part_3": (SPEAKING_FLUENT, "Why do people move to cities?"),
}


def _is_half_band(value) -> bool:
    return isinstance(value, float) and 0.0 <= value <= 9.0 and (value * 2).is_integer()


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_response_has_exactly_the_service_shape(task_type):
    text, prompt = SAMPLE_ANSWERS[task_type]
    result = score(task_type, text, prompt)
    assert set(result) == RESPONSE_KEYS
    assert _is_half_band(result["overall_band_score"])
    assert 0.0 <= result["confidence"] <= 1.0
    assert [c["criterion"] for c in result["criteria_scores"]] == EXPECTED_CRITERIA[task_type]
    for criterion in result["criteria_scores"]:
        assert set(criterion) == CRITERION_KEYS
        assert _is_half_band(criterion["band_score"])
        assert 0.0 <= criterion["confidence"] <= 1.0
        assert isinstance(criterion["feedback"], str) and criterion["feedback"]
        for key in ("strengths", "weaknesses", "suggestions"):
            assert criterion[key] and all(isinstance(s, str) and len(s) > 10 for s in criterion[key])
    assert isinstance(result["detailed_feedback"], str) and len(result["detailed_feedback"]) > 40
    assert isinstance(result["feature_analysis"], dict)
    assert isinstance(result["feature_analysis"]["weak_evidence"], list)
    assert isinstance(result["processing_time"], float) and result["processing_time"] >= 0
    assert result["model_used"] == f"ielts-rq-builtin-{SCORER_VERSION}"
    assert result["task_type"] == task_type
    assert result["language"] == "en"
    timestamp = datetime.fromisoformat(result["timestamp"])
    assert timestamp.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_overall_is_the_ielts_rounded_mean_of_the_criteria(task_type):
    text, prompt = SAMPLE_ANSWERS[task_type]
    result = score(task_type, text, prompt)
    bands = [c["band_score"] for c in result["criteria_scores"]]
    assert result["overall_band_score"] == round_band(sum(bands) / 4)


def test_same_answer_gets_the_same_bands():
    first = score("writing_task_2", GOOD_ESSAY, TASK2_PROMPT)
    second = score("writing_task_2", GOOD_ESSAY, TASK2_PROMPT)
    assert first["criteria_scores"] == second["criteria_scores"]


def _bands(text):
    result = score("writing_task_2", text, TASK2_PROMPT)
    return result, {c["criterion"]: c["band_score"] for c in result["criteria_scores"]}


def test_good_essay_scores_a_good_band():
    result, _ = _bands(GOOD_ESSAY)
    assert result["overall_band_score"] >= 6.5


@pytest.mark.parametrize("worse", [MISSPELLED_ESSAY, BROKEN_ESSAY, REPETITIVE_ESSAY, HALF_ESSAY],
                         ids=["misspelled", "broken_sentences", "repetitive", "half_length"])
def test_clearly_worse_versions_score_lower(worse):
    good, _ = _bands(GOOD_ESSAY)
    bad, _ = _bands(worse)
    assert bad["overall_band_score"] <= good["overall_band_score"] - 1.0


def test_each_flaw_lowers_its_own_criterion_most():
    _, good = _bands(GOOD_ESSAY)
    _, misspelled = _bands(MISSPELLED_ESSAY)
    _, broken = _bands(BROKEN_ESSAY)
    _, half = _bands(HALF_ESSAY)
    _, repetitive = _bands(REPETITIVE_ESSAY)
    assert misspelled["lexical_resource"] < good["lexical_resource"] - 1
    assert repetitive["lexical_resource"] < good["lexical_resource"] - 1
    assert broken["grammatical_range_accuracy"] < good["grammatical_range_accuracy"] - 1
    assert broken["coherence_cohesion"] < good["coherence_cohesion"] - 1
    assert half["task_response"] < good["task_response"] - 1
    assert half["task_response"] == min(half.values())


def test_under_length_feedback_gives_the_counts():
    result = score("writing_task_2", HALF_ESSAY, TASK2_PROMPT)
    words = result["feature_analysis"]["word_count"]
    task = result["criteria_scores"][0]
    assert f"You wrote {words} words of your own; Task 2 needs at least 250." in task["weaknesses"]
    assert result["feature_analysis"]["under_length"] is True


def test_task1_under_length_names_its_own_minimum():
    short = " ".join(TASK1_ANSWER.split()[:100])
    result = score("writing_task_1", short, TASK1_PROMPT)
    assert "Task 1 needs at least 150" in " ".join(result["criteria_scores"][0]["weaknesses"])


def test_misspelled_words_are_named_with_corrections():
    result = score("writing_task_2", MISSPELLED_ESSAY, TASK2_PROMPT)
    lexical = next(c for c in result["criteria_scores"] if c["criterion"] == "lexical_resource")
    text = " ".join(lexical["weaknesses"])
    assert "enviroment -> environment" in text
    assert "goverments -> governments" in text
    assert "enviroment" in result["feature_analysis"]["misspelled_words"]
    assert result["feature_analysis"]["spelling_errors"] >= 25


def test_good_essay_has_no_spelling_errors():
    result = score("writing_task_2", GOOD_ESSAY, TASK2_PROMPT)
    assert result["feature_analysis"]["misspelled_words"] == []


def test_overused_linking_word_is_named_with_its_count():
    essay = GOOD_ESSAY.replace("Firstly,", "Moreover,").replace("Secondly,", "Moreover,").replace(
        "Furthermore,", "Moreover,").replace("Therefore,", "Moreover,").replace(
        "Consequently,", "Moreover,")
    result = score("writing_task_2", essay, TASK2_PROMPT)
    coherence = next(c for c in result["criteria_scores"] if c["criterion"] == "coherence_cohesion")
    assert "You overuse 'moreover' (5 times)." in coherence["weaknesses"]
    assert result["feature_analysis"]["overused_linking_words"] == {"moreover": 5}


def test_run_on_and_grammar_slips_are_quoted_from_the_essay():
    result = score("writing_task_2", BROKEN_ESSAY, TASK2_PROMPT)
    by_name = {c["criterion"]: c for c in result["criteria_scores"]}
    coherence = " ".join(by_name["coherence_cohesion"]["weaknesses"])
    assert "run on" in coherence and '"in many countries traffic congestion' in coherence.lower()
    grammar = " ".join(by_name["grammatical_range_accuracy"]["weaknesses"])
    assert "'a efficient'" in grammar
    assert "a efficient network encourages" in grammar   # the slip quoted in its context
    assert "'be be'" in grammar
    assert "lower case" in grammar


def test_no_prompt_marks_task_criterion_as_weak_evidence():
    with_prompt = score("writing_task_2", GOOD_ESSAY, TASK2_PROMPT)
    without = score("writing_task_2", GOOD_ESSAY)
    assert without["feature_analysis"]["weak_evidence"] == ["task_response"]
    assert with_prompt["feature_analysis"]["weak_evidence"] == []
    assert without["confidence"] < with_prompt["confidence"]


def test_off_topic_essay_gets_a_relevance_warning():
    prompt = "Some people think that children should learn a musical instrument at school. Discuss."
    result = score("writing_task_2", GOOD_ESSAY, prompt)
    assert result["feature_analysis"]["prompt_overlap"] < 0.3
    assert any("something other than the question" in w for w in result["criteria_scores"][0]["weaknesses"])
    assert result["criteria_scores"][0]["band_score"] <= 2
