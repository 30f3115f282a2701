"""Scorer rules: IELTS rounding, input errors, short and non-English answers."""

from __future__ import annotations

import pytest

from ielts_rq.scoring import MAX_TEXT_CHARS, MAX_TEXT_WORDS, TASK_TYPES, ScoringInputError, round_band, score
from tests.test_scorer_samples import FRENCH_TEXT, GIBBERISH_TEXT, GOOD_ESSAY, SPANISH_TEXT, TASK2_PROMPT


@pytest.mark.parametrize("average, band", [
    (6.25, 6.5), (6.75, 7.0), (6.125, 6.0), (6.375, 6.5), (6.0, 6.0), (6.5, 6.5),
    (6.1, 6.0), (6.24, 6.0), (6.74, 6.5), (6.875, 7.0), (5.625, 5.5), (8.875, 9.0),
    (0.25, 0.5), (0.0, 0.0), (9.0, 9.0),
])
def test_round_band_follows_ielts_rules(average, band):
    assert round_band(average) == band


def test_round_band_is_exact_for_averages_of_four_bands():
    # Every possible average of four half bands: quarters must round up even
    # when floating point would land just below them.
    for total_halves in range(73):
        average = total_halves / 2 / 4
        # Twice the average is total_halves / 4; nearest integer, ties up, in integers.
        expected = ((total_halves + 2) // 4) / 2
        assert round_band(average) == expected, average
    assert round_band(sum([0.1] * 3) + 6.05) == 6.5   # 6.35 with floating error -> 6.5
    assert round_band((6.5 + 6.0 + 6.0 + 6.5) / 4) == 6.5   # 6.25
    assert round_band((7.0 + 7.0 + 6.5 + 6.5) / 4) == 7.0   # 6.75


def test_round_band_clamps_to_the_band_scale():
    assert round_band(-1.0) == 0.0
    assert round_band(9.6) == 9.0


def test_empty_text_is_rejected():
    for text in ("", "   \n\t  "):
        with pytest.raises(ScoringInputError, match="text is empty"):
            score("writing_task_2", text)


def test_unknown_task_type_names_the_valid_ones():
    with pytest.raises(ScoringInputError) as raised:
        score("writing_task_3", GOOD_ESSAY)
    for task_type in TASK_TYPES:
        assert task_type in str(raised.value)


def test_scoring_input_error_is_a_value_error():
    assert issubclass(ScoringInputError, ValueError)


def test_oversize_text_states_the_limit():
    too_many_chars = "word " * (MAX_TEXT_CHARS // 5 + 1)
    with pytest.raises(ScoringInputError, match=f"{MAX_TEXT_CHARS:,}"):
        score("writing_task_2", too_many_chars)
    too_many_words = "a " * (MAX_TEXT_WORDS + 1)
    assert len(too_many_words) <= MAX_TEXT_CHARS
    with pytest.raises(ScoringInputError, match=f"{MAX_TEXT_WORDS:,} words"):
        score("writing_task_2", too_many_words)


@pytest.mark.parametrize("kwargs, reason", [
    ({"text": b"bytes essay"}, "text must be a str"),
    ({"text": None}, "text must be a str"),
    ({"text": GOOD_ESSAY, "prompt": 42}, "prompt must be a str"),
    ({"text": GOOD_ESSAY, "audio": [1, 2]}, "audio must be a dict"),
    ({"text": GOOD_ESSAY, "audio": {"words": [{"word": "hi", "start": "0", "end": 1}]}}, "start"),
    ({"text": GOOD_ESSAY, "audio": {"words": [], "duration": -5}}, "duration"),
])
def test_wrong_types_raise_with_the_reason(kwargs, reason):
    with pytest.raises(ScoringInputError, match=reason):
        score("speaking_part_2", **kwargs)


def test_task_type_must_be_a_string():
    with pytest.raises(ScoringInputError, match="unknown task_type"):
        score(2, GOOD_ESSAY)


@pytest.mark.parametrize("task_type", ["writing_task_1", "writing_task_2"])
def test_twenty_words_or_fewer_is_band_one(task_type):
    text = "I think that public transport is better than roads because it is cheaper and cleaner for everyone in cities."
    assert len(text.split()) <= 20
    result = score(task_type, text)
    assert result["overall_band_score"] == 1.0
    assert [c["band_score"] for c in result["criteria_scores"]] == [1.0] * 4
    assert "20 words or fewer" in result["detailed_feedback"]


def test_a_short_spoken_part_1_answer_is_rated_not_band_one():
    text = "I really love my hometown, because it is very quiet and friendly, and the beach is beautiful."
    assert len(text.split()) == 17
    result = score("speaking_part_1", text, "Do you like your hometown?")
    assert result["overall_band_score"] >= 5.0
    assert all(c["band_score"] > 1.0 for c in result["criteria_scores"])


@pytest.mark.parametrize("task_type, text", [("speaking_part_1", "Yes, I do."),
                                             ("speaking_part_2", "I want to talk about my friend. She is nice.")])
def test_an_answer_too_short_to_rate_is_band_one_in_speaking_too(task_type, text):
    assert score(task_type, text)["overall_band_score"] == 1.0


def test_twenty_one_words_are_scored_normally():
    text = ("I think that public transport is better than roads because it is cheaper, cleaner "
            "and faster for everyone in big cities.")
    assert len(text.split()) == 21
    result = score("writing_task_2", text, TASK2_PROMPT)
    assert result["feature_analysis"].get("too_short") is not True


@pytest.mark.parametrize("text", [FRENCH_TEXT, SPANISH_TEXT])
def test_other_languages_are_flagged_not_scored(text):
    result = score("writing_task_2", text, TASK2_PROMPT)
    assert result["feature_analysis"]["rejected"] == "not_english"
    assert result["overall_band_score"] == 0.0
    assert all(c["band_score"] == 0.0 for c in result["criteria_scores"])
    assert "English" in result["detailed_feedback"]


def test_non_latin_script_is_flagged_not_english():
    chinese = "我认为政府应该在公共交通上投入更多的资金，因为它可以减少污染和交通拥堵。" * 4
    result = score("writing_task_2", chinese)
    assert result["feature_analysis"]["rejected"] == "not_english"


def test_gibberish_is_flagged_not_scored():
    result = score("writing_task_2", GIBBERISH_TEXT)
    assert result["feature_analysis"]["rejected"] == "gibberish"
    assert result["overall_band_score"] == 0.0


def test_one_word_repeated_is_gibberish():
    result = score("writing_task_2", "essay " * 120)
    assert result["feature_analysis"]["rejected"] == "gibberish"


def test_english_essay_is_not_rejected():
    result = score("writing_task_2", GOOD_ESSAY, TASK2_PROMPT)
    assert result["feature_analysis"]["rejected"] is None
    assert result["overall_band_score"] >= 5.0
