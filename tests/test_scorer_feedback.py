"""Feedback a learner can act on, checked over every answer of the test corpora (honest, attacked and the
ladder): it speaks of what the answer holds, agrees with its bands, and never hides an error it found."""

from __future__ import annotations

import re

import pytest

from ielts_rq.scoring import score
from tests.essays_attacks import ATTACKS
from tests.essays_ladder import LADDER, PROMPT

ANSWERS = ([(f"ladder {target}", "writing_task_2", PROMPT, essay) for target, essay in LADDER]
           + [(f"{name} (attacked)", task, prompt, attacked) for name, task, prompt, attacked, _, _ in ATTACKS]
           + [(f"{name} (honest)", task, prompt, honest) for name, task, prompt, _, honest, _ in ATTACKS])
NAMES = {"task_response": "Task Response", "task_achievement": "Task Achievement",
         "coherence_cohesion": "Coherence and Cohesion", "lexical_resource": "Lexical Resource",
         "grammatical_range_accuracy": "Grammatical Range and Accuracy"}
# Words the feedback says the answer uses: "such as a, b and c." and "(a, b, c)".
QUOTED_LISTS = re.compile(r"such as ([^.:;()]+)|\(([^()]+)\)")


def _criteria(result: dict) -> dict:
    return {c["criterion"]: c for c in result["criteria_scores"]}


@pytest.fixture(scope="module")
def scored():
    return [(label, text, score(task, text, prompt)) for label, task, prompt, text in ANSWERS]


def test_each_comment_names_its_own_whole_band(scored):
    for label, _, result in scored:
        for criterion in result["criteria_scores"]:
            band = criterion["band_score"]
            assert band == int(band), (label, criterion["criterion"], band)
            assert criterion["feedback"].startswith(f"{NAMES[criterion['criterion']]}: band {band:g}"), label


def test_errors_found_are_weaknesses_named_where_they_count(scored):
    for label, _, result in scored:
        found, criteria = result["feature_analysis"], _criteria(result)
        if found["spelling_errors"]:  # spelling is Lexical Resource
            assert any("spelling" in w for w in criteria["lexical_resource"]["weaknesses"]), label
        if found["grammar_slips"]:
            assert criteria["grammatical_range_accuracy"]["weaknesses"], label
        for criterion in criteria.values():
            if criterion["weaknesses"]:
                assert "no major weakness" not in criterion["feedback"].lower(), (label, criterion["criterion"])


def test_praise_quotes_only_words_the_answer_holds(scored):
    checked = 0
    for label, text, result in scored:
        answer = text.lower()
        for criterion in result["criteria_scores"]:
            for strength in criterion["strengths"]:
                for listed in QUOTED_LISTS.findall(strength):
                    words = re.split(r",\s*|\s+and\s+", " ".join(listed).strip())
                    for word in filter(None, (w.strip(" '\"") for w in words)):
                        if not word[0].isdigit():  # "(4 paragraphs)" counts, it does not quote
                            assert word.lower() in answer, (label, strength, word)
                            checked += 1
    assert checked > 50  # the corpora's praise does quote words: this test reads them


def test_no_advice_to_proofread_for_errors_that_were_not_found(scored):
    for label, _, result in scored:
        found = result["feature_analysis"]
        advice = " ".join(s for c in result["criteria_scores"] for s in c["suggestions"]).lower()
        if "proofread" in advice:
            assert found["spelling_errors"] or found["grammar_slips"], label


# A phrase a suggestion quotes ('...'): an example from the answer itself, never a stock phrase to learn.
QUOTED = re.compile(r"'([^']+)'")


def test_suggestions_quote_only_what_the_answer_holds(scored):
    """A suggestion tied to the answer quotes the answer ("Vary 'however' ..."); one that quotes a phrase to
    learn by heart ("play a vital role") recommends what examiners discount as memorised."""
    checked = 0
    for label, text, result in scored:
        answer = " ".join(text.lower().split())
        for criterion in result["criteria_scores"]:
            for suggestion in criterion["suggestions"]:
                for phrase in QUOTED.findall(suggestion):
                    assert phrase.lower() in answer, (label, criterion["criterion"], suggestion)
                    checked += 1
    assert checked > 20


def test_an_answer_without_weak_points_in_a_criterion_is_told_what_to_keep_in_its_own_words(scored):
    """Where Coherence or Lexical Resource found nothing to fix, the advice still speaks of this answer: its
    own linking words or vocabulary, quoted, or its paragraphs counted; not one sentence for every essay."""
    checked = 0
    for label, text, result in scored:
        paragraphs = str(result["feature_analysis"]["paragraph_count"])
        for criterion in result["criteria_scores"]:
            if criterion["criterion"] in ("coherence_cohesion", "lexical_resource") and criterion["weaknesses"] == [
                    "No weakness of this kind was found."]:
                advice = criterion["suggestions"][0]
                assert QUOTED.search(advice) or paragraphs in advice, (label, criterion["criterion"], advice)
                checked += 1
    assert checked > 10


def test_a_band_held_back_without_a_named_error_points_at_the_answer(scored):
    """Below band 7 with no error found, Coherence, Lexical Resource and Grammar say where the answer shows
    the limit (its links, the words it leans on, its single-clause sentences), quoting it."""
    checked = 0
    for label, text, result in scored:
        answer = " ".join(text.lower().split())
        for criterion in result["criteria_scores"]:
            if criterion["criterion"] == "task_response":
                continue
            for weakness in criterion["weaknesses"]:
                if weakness.startswith("At band"):
                    pointer = weakness.split(": ", 1)[1] if ": " in weakness else ""
                    quoted = QUOTED.findall(pointer) + re.findall(r'"([^"]+)"', pointer)
                    assert quoted or pointer in ("no linking words join the sentences.",
                                                 "it uses no less common words."), (label, weakness)
                    assert all(q.lower().strip(". ") in answer for q in quoted if "..." not in q), (label, weakness)
                    checked += 1
    assert checked > 5


def test_each_error_named_says_what_kind_of_error_it_is(scored):
    named = 0
    for label, _, result in scored:
        grammar = _criteria(result)["grammatical_range_accuracy"]
        for weakness in grammar["weaknesses"]:
            if "is not correct English" in weakness:
                assert "is not correct English (grammar)" not in weakness, (label, weakness)
                named += 1
    assert named > 20
