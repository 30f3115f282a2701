"""Speaking defences: a talk on another card, filler padding, transcripts the recogniser could not hear,
the grammar of strong answers, and a long turn cut short. Honest answers at several levels on several
cards keep their bands while each trick loses."""

from __future__ import annotations


import pytest

from ielts_rq.scoring import score
from ielts_rq.scoring.speaking import disfluencies, structures_used

from .conftest import scored_as_submitted
from .speaking_answers import (CARD_BOOK, CARD_JOURNEY, CARD_PERSON, CARD_PLACE, CARD_SKILL, MIDDLE,
                               PARAPHRASED, PART1_ANSWERS, PART1_WEEKENDS, PART3_ANSWERS, PART3_TECHNOLOGY,
                               STRONG, WEAK, filler_padded, recogniser_salad, timed)


def _bands(result) -> dict:
    return {c["criterion"]: c["band_score"] for c in result["criteria_scores"]}


def _all_text(result) -> str:
    return " ".join([result["detailed_feedback"]] + [" ".join(c["weaknesses"] + c["strengths"] + [c["feedback"]])
                                                     for c in result["criteria_scores"]])


# Honest answers: each level on its own card, timed at a pace that suits the level.
HONEST = ([("strong", card, text, 0.4, 0.95) for card, text in STRONG.items()]
          + [("middle", card, text, 0.45, 0.88) for card, text in MIDDLE.items()]
          + [("weak", card, text, 0.6, 0.8) for card, text in WEAK.items()])


def _honest(level, card, text, pace, confidence):
    return score("speaking_part_2", text, card, audio=timed(text, pace, confidence=confidence))


@pytest.mark.parametrize("level, card, text, pace, confidence", HONEST, ids=lambda v: str(v)[:20])
def test_honest_long_turns_keep_their_level_and_are_not_capped(level, card, text, pace, confidence):
    result = _honest(level, card, text, pace, confidence)
    low, high = {"strong": (7.5, 9.0), "middle": (6.0, 7.5), "weak": (4.5, 6.0)}[level]
    assert low <= result["overall_band_score"] <= high
    assert result["feature_analysis"]["band_caps"] == {}
    assert result["feature_analysis"]["unreliable_transcript"] is False


def test_levels_are_ordered_on_each_card():
    for card in (CARD_BOOK, CARD_JOURNEY):
        strong = score("speaking_part_2", STRONG[card], card, audio=timed(STRONG[card], 0.4))
        middle = score("speaking_part_2", MIDDLE[card], card, audio=timed(MIDDLE[card], 0.45, confidence=0.88))
        assert strong["overall_band_score"] > middle["overall_band_score"]
    weak = score("speaking_part_2", WEAK[CARD_BOOK], CARD_BOOK, audio=timed(WEAK[CARD_BOOK], 0.6, confidence=0.8))
    assert middle["overall_band_score"] > weak["overall_band_score"]


# 1. A talk learnt for another card.
OTHER_CARD = [(STRONG[CARD_BOOK], CARD_JOURNEY), (STRONG[CARD_JOURNEY], CARD_BOOK),
              (STRONG[CARD_PERSON], CARD_BOOK), (MIDDLE[CARD_BOOK], CARD_PLACE), (MIDDLE[CARD_SKILL], CARD_JOURNEY),
              (MIDDLE[CARD_JOURNEY], CARD_PERSON), (WEAK[CARD_SKILL], CARD_BOOK)]
# The opening sentence a speaker adds to make a prepared talk seem to fit the card.
INTRODUCTIONS = {CARD_BOOK: "I'm going to talk about a book I enjoyed reading.",
                 CARD_PLACE: "I'd like to describe a place I visited and would like to go back to.",
                 CARD_JOURNEY: "I'm going to describe a journey I remember well.",
                 CARD_PERSON: "I want to talk about a person who has influenced me.",
                 CARD_SKILL: "Today I will describe a skill I learned as an adult."}


@pytest.mark.parametrize("talk, card", OTHER_CARD, ids=lambda v: v[9:30])
@pytest.mark.parametrize("introduced", [False, True])
def test_a_talk_learnt_for_another_card_scores_4_5_at_most(talk, card, introduced):
    if introduced:
        talk = INTRODUCTIONS[card] + " " + talk
    result = score("speaking_part_2", talk, card, audio=timed(talk, 0.4))
    assert result["overall_band_score"] <= 4.5
    assert any("does not address the question" in w for w in result["criteria_scores"][0]["weaknesses"])


@pytest.mark.parametrize("card", list(PARAPHRASED), ids=lambda c: c[9:30])
def test_honest_long_turns_in_the_speakers_own_words_are_not_taken_for_another_topic(card):
    # A grandmother for "a person", Kyoto for "a place", a neighbour for "a time you helped": few of
    # the card's own words, all on the card.
    text = PARAPHRASED[card]
    result = score("speaking_part_2", text, card, audio=timed(text, 0.4))
    assert result["feature_analysis"]["band_caps"] == {}
    assert result["overall_band_score"] >= 7.5


def test_an_off_topic_part_3_answer_is_capped_but_the_same_answer_on_its_question_is_not():
    answer = PART3_ANSWERS["strong"]
    own = score("speaking_part_3", answer, PART3_TECHNOLOGY, audio=timed(answer))
    other = score("speaking_part_3", answer, CARD_JOURNEY, audio=timed(answer))
    assert own["overall_band_score"] >= 7.5
    assert other["overall_band_score"] <= 4.5


def test_a_talk_on_another_card_is_capped_through_the_cli_and_worker(redis_conn, tmp_path):
    results = {card: scored_as_submitted(tmp_path, STRONG[CARD_BOOK], "speaking_part_2", card)
               for card in (CARD_BOOK, CARD_JOURNEY)}
    assert results[CARD_BOOK]["overall_band_score"] >= 7.0
    assert results[CARD_JOURNEY]["overall_band_score"] <= 4.5


# 2. Fillers and restarts.
@pytest.mark.parametrize("source, card", [(STRONG[CARD_JOURNEY], CARD_JOURNEY), (STRONG[CARD_BOOK], CARD_BOOK),
                                          (MIDDLE[CARD_SKILL], CARD_SKILL)], ids=["journey", "book", "skill"])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_long_turn_that_is_mostly_fillers_and_restarts_scores_low_and_is_not_praised_for_pace(source, card, seed):
    padded = filler_padded(source, seed=seed)
    assert len(padded.split()) >= 300
    result = score("speaking_part_2", padded, card, audio=timed(padded, 0.35))  # said quickly
    bands = _bands(result)
    assert result["overall_band_score"] <= 4.5
    assert bands["fluency_coherence"] <= 4
    assert "natural pace" not in _all_text(result)
    assert result["feature_analysis"]["disfluent_share"] > 0.25


def test_fillers_without_commas_and_restarts_cost_fluency_in_proportion():
    text = STRONG[CARD_JOURNEY]
    words = text.split()
    light = " ".join(w + (" um" if i % 25 == 24 else "") for i, w in enumerate(words))
    heavy = " ".join(w + (" you know like" if i % 6 == 5 else "") + (f" {w}" if i % 9 == 8 else "")
                     for i, w in enumerate(words))
    bands = [_bands(score("speaking_part_2", t, CARD_JOURNEY, audio=timed(t, 0.4)))["fluency_coherence"]
             for t in (text, light, heavy)]
    assert bands[0] >= bands[1] > bands[2]
    assert bands[2] <= 6


def test_a_filler_every_few_words_holds_fluency_at_5_however_fast_the_speech():
    words = STRONG[CARD_BOOK].split()
    fillers = ("um", "you know", "uh", "I mean")
    text = " ".join(w + (" " + fillers[i % 4] if i % 6 == 0 else "") for i, w in enumerate(words))
    result = score("speaking_part_2", text, CARD_BOOK, audio=timed(text, 0.3))   # 200 words a minute
    assert _bands(result)["fluency_coherence"] <= 5
    assert "natural pace" not in _all_text(result)


def test_disfluencies_mark_fillers_and_restarts_but_not_language():
    marked = disfluencies("Well, I went, I went to the, the shop, um, you know, and it was like, uh, "
                          "a kind of bakery. I like bread as well, sort of, um, like, the same kind of bread.")
    assert marked["clean"] == ("I went to the shop, and it was a kind of bakery. I like bread as well, "
                               "the same kind of bread.")
    assert marked["repeated_words"] == 3
    language = "I would like to visit cities like Paris, and I know you know them well. Do you know why?"
    assert disfluencies(language)["fillers"] == 0
    assert disfluencies(language)["clean"] == language


# 3. Transcripts the recogniser could not hear.
@pytest.mark.parametrize("confidence", [0.35, 0.45, 0.54])
@pytest.mark.parametrize("source", [STRONG[CARD_BOOK], WEAK[CARD_BOOK]], ids=["band8", "band5"])
def test_a_word_salad_transcript_heard_at_low_confidence_is_not_banded(source, confidence):
    salad = recogniser_salad(source)
    result = score("speaking_part_2", salad, CARD_BOOK, audio=timed(salad, confidence=(confidence - 0.15,
                                                                                        confidence + 0.15)))
    analysis = result["feature_analysis"]
    assert analysis["unreliable_transcript"] is True and analysis["no_band"] is True
    assert result["confidence"] <= 0.1
    assert all(c["confidence"] <= 0.1 for c in result["criteria_scores"])
    assert "not clear enough to be rated reliably" in result["detailed_feedback"]
    assert all("not clear enough to be rated reliably" in c["weaknesses"][0] for c in result["criteria_scores"])


def test_half_the_words_barely_heard_is_unrateable_even_when_the_mean_looks_fair():
    text = STRONG[CARD_JOURNEY]
    audio = timed(text)
    for i, word in enumerate(audio["words"]):
        word["confidence"] = 0.2 if i % 2 else 0.95   # mean 0.575
    result = score("speaking_part_2", text, CARD_JOURNEY, audio=audio)
    assert result["feature_analysis"]["unreliable_transcript"] is True
    assert result["confidence"] <= 0.1


def test_an_unsure_overall_confidence_is_not_hidden_by_missing_or_high_word_confidences():
    text = recogniser_salad(STRONG[CARD_JOURNEY])
    audio = timed(text)
    for word in audio["words"]:
        word.pop("confidence")
    audio["confidence"] = 0.45
    assert score("speaking_part_2", text, CARD_JOURNEY, audio=audio)["feature_analysis"]["unreliable_transcript"]
    audio = timed(STRONG[CARD_JOURNEY])
    audio["confidence"] = 0.4   # the recogniser's own verdict on the whole recording
    result = score("speaking_part_2", STRONG[CARD_JOURNEY], CARD_JOURNEY, audio=audio)
    assert result["feature_analysis"]["unreliable_transcript"] is True


def test_a_word_salad_transcript_without_audio_is_capped_and_says_why():
    salad = recogniser_salad(STRONG[CARD_JOURNEY])
    result = score("speaking_part_2", salad, CARD_JOURNEY)
    honest = score("speaking_part_2", STRONG[CARD_JOURNEY], CARD_JOURNEY)
    assert result["overall_band_score"] <= 3.5
    assert result["confidence"] < honest["confidence"]
    assert {"lexical_resource", "grammatical_range_accuracy"} <= set(result["feature_analysis"]["weak_evidence"])
    assert "not clear enough to be rated reliably" in _all_text(result)


def test_band8_and_band5_answers_heard_clearly_do_not_tie():
    strong = score("speaking_part_2", STRONG[CARD_BOOK], CARD_BOOK, audio=timed(STRONG[CARD_BOOK], 0.4))
    weak = score("speaking_part_2", WEAK[CARD_BOOK], CARD_BOOK,
                 audio=timed(WEAK[CARD_BOOK], 0.6, confidence=0.8))
    assert strong["overall_band_score"] >= weak["overall_band_score"] + 2


# 4. Grammar of strong answers.
@pytest.mark.parametrize("card", [CARD_BOOK, CARD_JOURNEY, CARD_PERSON], ids=["book", "journey", "person"])
def test_a_strong_answer_with_complex_accurate_structures_reaches_grammar_7_or_8(card):
    result = score("speaking_part_2", STRONG[card], card, audio=timed(STRONG[card], 0.4))
    assert _bands(result)["grammatical_range_accuracy"] >= 7


def test_complex_structures_without_many_subordinators_still_reach_grammar_7():
    # Perfects, passives, a modal perfect, a cleft, comparisons and participle clauses; few "because/which".
    answer = ("Having spent three years abroad, I've become far more independent than I used to be. What surprised "
              "me most was how quickly I adapted. I was given a small flat near the campus, and I'd never lived "
              "alone before, so I must have called my mother every night at first. Looking back, I think that "
              "year taught me to manage my money and my time much better than any course could have done. I've "
              "been encouraged by my tutors to apply for a master's degree, and I'm seriously considering it, "
              "partly because the research I've been doing has been published in a student journal.")
    result = score("speaking_part_3", answer, "How does living abroad change young people?", audio=timed(answer, 0.4))
    assert len(structures_used(answer)) >= 6
    assert _bands(result)["grammatical_range_accuracy"] >= 7


def test_simple_structures_with_slips_stay_below_grammar_7():
    for text, card in ((WEAK[CARD_BOOK], CARD_BOOK), (WEAK[CARD_SKILL], CARD_SKILL)):
        assert _bands(score("speaking_part_2", text, card, audio=timed(text, 0.6)))["grammatical_range_accuracy"] <= 6
    # One "because" in a short answer is a high rate of clauses, not a wide range.
    weak = score("speaking_part_3", PART3_ANSWERS["weak"], PART3_TECHNOLOGY, audio=timed(PART3_ANSWERS["weak"], 0.6))
    assert _bands(weak)["grammatical_range_accuracy"] <= 6


# 5. A long turn cut short.
@pytest.mark.parametrize("words", [30, 45])
@pytest.mark.parametrize("card", [CARD_JOURNEY, CARD_BOOK, CARD_PERSON], ids=["journey", "book", "person"])
def test_a_very_short_long_turn_costs_fluency_and_overall(card, words):
    short = " ".join(STRONG[card].split()[:words])
    result = score("speaking_part_2", short, card, audio=timed(short, 0.4))
    assert result["overall_band_score"] <= 5.0
    assert _bands(result)["fluency_coherence"] <= 4
    assert any("too short" in w for w in result["criteria_scores"][0]["weaknesses"])


def test_a_30_word_long_turn_is_held_back_through_the_cli_and_worker(redis_conn, tmp_path):
    result = scored_as_submitted(tmp_path, " ".join(STRONG[CARD_BOOK].split()[:30]), "speaking_part_2", CARD_BOOK)
    assert result["overall_band_score"] <= 5.0
    assert any("too short" in w for w in result["criteria_scores"][0]["weaknesses"])


def test_a_long_turn_under_a_minute_and_half_its_length_is_capped_but_the_same_words_in_part_1_are_not():
    short = " ".join(STRONG[CARD_JOURNEY].split()[:90])   # about 36 seconds at this pace
    part2 = score("speaking_part_2", short, CARD_JOURNEY, audio=timed(short, 0.4))
    part3 = score("speaking_part_3", short, CARD_JOURNEY.replace("Describe", "Tell me about"), audio=timed(short, 0.4))
    assert _bands(part2)["fluency_coherence"] <= 5
    assert part2["overall_band_score"] <= 6.0
    assert "too short" not in " ".join(part3["criteria_scores"][0]["weaknesses"])


def test_short_answers_are_normal_in_part_1():
    for level, low in (("strong", 7.0), ("weak", 4.0)):
        text = PART1_ANSWERS[level]
        result = score("speaking_part_1", text, PART1_WEEKENDS, audio=timed(text, 0.4 if level == "strong" else 0.6))
        assert result["overall_band_score"] >= low
        assert "too short" not in _all_text(result)
