"""Speaking: transcript-only and timed answers, fluency measures, weak-evidence flags."""

from __future__ import annotations

import pytest

from ielts_rq.scoring import score
from ielts_rq.scoring.speaking import audio_measures, count_fillers, interpolate
from tests.test_scorer_samples import SPEAKING_FLUENT, SPEAKING_HESITANT


def timed_words(text: str, seconds_per_word: float, pause_every: int = 0, pause: float = 0.0,
                confidence: float = 0.95) -> dict:
    """Audio timings for ``text``: a steady pace with a pause after every ``pause_every`` words."""
    words, clock = [], 0.0
    for index, word in enumerate(text.split()):
        start = clock
        end = start + seconds_per_word * 0.8
        words.append({"word": word.strip(",."), "start": round(start, 3), "end": round(end, 3),
                      "confidence": confidence})
        clock = start + seconds_per_word
        if pause_every and (index + 1) % pause_every == 0:
            clock += pause
    return {"words": words, "duration": round(clock, 3)}


def _bands(result) -> dict:
    return {c["criterion"]: c["band_score"] for c in result["criteria_scores"]}


def test_fluent_speech_beats_slow_speech_full_of_fillers():
    fluent = score("speaking_part_2", SPEAKING_FLUENT,
                   audio=timed_words(SPEAKING_FLUENT, seconds_per_word=0.4))   # 150 words/min
    hesitant = score("speaking_part_2", SPEAKING_HESITANT,
                     audio=timed_words(SPEAKING_HESITANT, seconds_per_word=0.9, pause_every=3,
                                       pause=1.5))
    assert _bands(fluent)["fluency_coherence"] >= _bands(hesitant)["fluency_coherence"] + 2
    assert fluent["overall_band_score"] > hesitant["overall_band_score"]
    assert hesitant["feature_analysis"]["speech_rate_wpm"] < 60
    assert hesitant["feature_analysis"]["pauses_per_minute"] > 10
    assert hesitant["feature_analysis"]["fillers"] >= 20


def test_same_transcript_slower_with_pauses_lowers_fluency_only_through_timing():
    fast = score("speaking_part_1", SPEAKING_FLUENT, audio=timed_words(SPEAKING_FLUENT, 0.4))
    slow = score("speaking_part_1", SPEAKING_FLUENT,
                 audio=timed_words(SPEAKING_FLUENT, 0.8, pause_every=4, pause=1.2))
    assert _bands(slow)["fluency_coherence"] < _bands(fast)["fluency_coherence"]
    assert _bands(slow)["lexical_resource"] == _bands(fast)["lexical_resource"]


def test_transcript_only_marks_fluency_and_pronunciation_as_weak_evidence():
    result = score("speaking_part_3", SPEAKING_FLUENT, "Why do people move to cities?")
    assert set(result["feature_analysis"]["weak_evidence"]) == {"pronunciation", "fluency_coherence"}
    pronunciation = _bands(result)["pronunciation"]
    assert 1.0 <= pronunciation <= 9.0
    assert "weak evidence" in result["criteria_scores"][3]["feedback"]


def test_timed_audio_with_confidence_is_not_weak_evidence():
    result = score("speaking_part_1", SPEAKING_FLUENT, audio=timed_words(SPEAKING_FLUENT, 0.4))
    assert result["feature_analysis"]["weak_evidence"] == []
    assert result["feature_analysis"]["has_audio_timings"] is True


def test_recognition_confidence_drives_pronunciation():
    clear = score("speaking_part_1", SPEAKING_FLUENT,
                  audio=timed_words(SPEAKING_FLUENT, 0.4, confidence=0.97))
    unclear = score("speaking_part_1", SPEAKING_FLUENT,
                    audio=timed_words(SPEAKING_FLUENT, 0.4, confidence=0.65))
    assert _bands(clear)["pronunciation"] >= _bands(unclear)["pronunciation"] + 2
    assert unclear["feature_analysis"]["low_confidence_words"] == []   # 0.65 is above the floor


def test_part2_expects_a_longer_turn_than_part1():
    part1 = score("speaking_part_1", SPEAKING_FLUENT, audio=timed_words(SPEAKING_FLUENT, 0.4))
    part2 = score("speaking_part_2", SPEAKING_FLUENT, audio=timed_words(SPEAKING_FLUENT, 0.4))
    assert part2["feature_analysis"]["expected_words"] > part1["feature_analysis"]["expected_words"]
    assert _bands(part2)["fluency_coherence"] < _bands(part1)["fluency_coherence"]
    assert any("short" in w for w in part2["criteria_scores"][0]["weaknesses"])


def test_audio_measures_count_pauses_and_rate():
    audio = {"words": [
        {"word": "I", "start": 0.0, "end": 0.2, "confidence": 0.9},
        {"word": "like", "start": 0.3, "end": 0.6, "confidence": 0.9},
        {"word": "music", "start": 1.6, "end": 2.0, "confidence": 0.5},   # 1.0 s pause before
        {"word": "a", "start": 4.6, "end": 4.7, "confidence": 0.9},       # 2.6 s pause before
        {"word": "lot", "start": 4.8, "end": 6.0, "confidence": 0.9},
    ], "duration": 6.0}
    measures = audio_measures(audio)
    assert measures["pauses"] == 2
    assert measures["long_pauses"] == 1
    assert measures["speech_rate_wpm"] == 50.0
    assert measures["low_confidence_words"] == ["music"]


def test_fillers_count_hesitations_but_not_like_as_a_verb():
    text = "Um, I like music, you know, and, uh, I would like to, like, learn the piano, I mean."
    words = [w.strip(",.").lower() for w in text.split()]
    assert count_fillers(text, words) == 5   # um, you know, uh, like (filler), I mean


def test_interpolate_clamps_and_interpolates():
    anchors = ((100, 6.0), (120, 7.0))
    assert interpolate(90, anchors) == 6.0
    assert interpolate(110, anchors) == 6.5
    assert interpolate(200, anchors) == 7.0


@pytest.mark.parametrize("audio", [
    {"words": [{"word": "hi", "start": 1.0, "end": 0.5}]},
    {"words": [{"word": "hi", "start": 0.0, "end": 0.5, "confidence": 1.5}]},
    {"words": "hello"},
])
def test_invalid_audio_is_rejected(audio):
    from ielts_rq.scoring import ScoringInputError

    with pytest.raises(ScoringInputError, match="audio"):
        score("speaking_part_1", SPEAKING_FLUENT, audio=audio)


def test_clear_but_hesitant_speech_does_not_get_top_pronunciation():
    result = score("speaking_part_2", SPEAKING_HESITANT,
                   audio=timed_words(SPEAKING_HESITANT, 0.9, pause_every=3, pause=1.5, confidence=0.99))
    bands = _bands(result)
    assert bands["pronunciation"] <= bands["fluency_coherence"] + 1.0
    assert bands["pronunciation"] < 9.0


def test_off_topic_speaking_answer_is_pointed_out():
    on_topic = score("speaking_part_1", SPEAKING_FLUENT, "Tell me about your hometown and the sea.")
    off_topic = score("speaking_part_1", SPEAKING_FLUENT, "Do you enjoy cooking Italian pasta recipes?")
    assert on_topic["feature_analysis"]["prompt_overlap"] > off_topic["feature_analysis"]["prompt_overlap"]
    assert any("does not address the question" in w for w in off_topic["criteria_scores"][0]["weaknesses"])
    assert not any("key words" in w for w in on_topic["criteria_scores"][0]["weaknesses"])


CUE_CARD = ("Describe a book you enjoyed reading. You should say what the book was, when you read it, what it was "
            "about, and explain why you enjoyed it.")
HONEST_LONG_TURN = (
    "The book I want to talk about is a novel called The Remains of the Day, which I read last summer when I was "
    "on holiday with my family. It tells the story of an English butler who works in a big country house, and "
    "most of the book is him looking back on his life while he drives across the countryside. To be honest, I "
    "expected it to be quite boring at first, because not much actually happens, but I found it really moving. "
    "What I enjoyed most was the way the author shows how the butler hides his feelings, even from himself, so "
    "you slowly realise things that he never says directly. I also liked the language, which is very polite and "
    "formal, and it made me think about how much we lose when we put our work before the people we care about. "
    "I've recommended it to several friends, and I'd like to read more of his books.")
MEMORISED_OFF_CARD = (
    "I'd like to talk about my hometown. Every coin has two sides, and as the saying goes, there is no place like "
    "home. First and foremost, it is widely believed that a hometown shapes our character. Last but not least, "
    "it goes without saying that the people are friendly and the food is delicious. In a nutshell, my hometown "
    "is a blessing in disguise, and at the end of the day it gives me the best of both worlds. Needless to say, "
    "in this day and age it helps us broaden our horizons, and there is no denying that time flies when I am "
    "there. All in all, it is the apple of my eye and I am over the moon whenever I go back.")


def test_a_memorised_answer_that_ignores_the_cue_card_scores_below_an_honest_one():
    honest = score("speaking_part_2", HONEST_LONG_TURN, CUE_CARD)
    memorised = score("speaking_part_2", MEMORISED_OFF_CARD, CUE_CARD)
    assert memorised["overall_band_score"] < honest["overall_band_score"]
    assert memorised["overall_band_score"] <= 5.5
    assert len(memorised["feature_analysis"]["memorised_phrases"]) >= 10
    assert memorised["feature_analysis"]["band_caps"]


def test_a_fluent_natural_answer_is_not_marked_down_for_grammar():
    result = score("speaking_part_2", HONEST_LONG_TURN, CUE_CARD,
                   audio=timed_words(HONEST_LONG_TURN, seconds_per_word=0.4))
    assert _bands(result)["grammatical_range_accuracy"] >= 6
    assert result["overall_band_score"] >= 6.5


def test_a_transcript_the_recogniser_was_somewhat_unsure_of_is_flagged_as_weak_evidence():
    clear = score("speaking_part_2", HONEST_LONG_TURN, CUE_CARD,
                  audio=timed_words(HONEST_LONG_TURN, seconds_per_word=0.4, confidence=0.95))
    unsure = score("speaking_part_2", HONEST_LONG_TURN, CUE_CARD,
                   audio=timed_words(HONEST_LONG_TURN, seconds_per_word=0.4, confidence=0.58))
    analysis = unsure["feature_analysis"]
    assert analysis["low_recognition_confidence"] is True
    assert {"lexical_resource", "grammatical_range_accuracy"} <= set(analysis["weak_evidence"])
    assert unsure["confidence"] < clear["confidence"]
    assert any("unsure" in w for c in unsure["criteria_scores"] for w in c["weaknesses"])


@pytest.mark.parametrize("confidence", [0.35, 0.45, 0.54])
def test_no_band_from_a_transcript_the_recogniser_was_unsure_of(confidence):
    result = score("speaking_part_2", HONEST_LONG_TURN, CUE_CARD,
                   audio=timed_words(HONEST_LONG_TURN, seconds_per_word=0.4, confidence=confidence))
    analysis = result["feature_analysis"]
    assert analysis["rejected"] == "unsure_recognition" and analysis["no_band"] is True
    assert result["overall_band_score"] == 0
    assert f"{confidence:.2f}" in result["detailed_feedback"]       # why
    assert "Record again" in result["detailed_feedback"]            # what to do


def test_an_answer_padded_with_fillers_scores_4_5_at_most_and_is_not_praised_for_pace():
    fillers = ("um,", "uh,", "you know,", "er,", "I mean,", "like, um,")
    words = HONEST_LONG_TURN.split()[:120]
    padding = " ".join(f"{word} {fillers[i % len(fillers)]} {fillers[(i + 2) % len(fillers)]}"
                       for i, word in enumerate(words))  # mostly fillers, the talk's words between them
    result = score("speaking_part_2", padding, CUE_CARD, audio=timed_words(padding, seconds_per_word=0.4))
    assert result["overall_band_score"] <= 4.5
    assert not any("natural pace" in s for c in result["criteria_scores"] for s in c["strengths"])
    honest = score("speaking_part_2", HONEST_LONG_TURN, CUE_CARD,
                   audio=timed_words(HONEST_LONG_TURN, seconds_per_word=0.4))
    assert result["overall_band_score"] < honest["overall_band_score"]


def test_a_prepared_talk_on_another_topic_scores_4_5_at_most():
    talk = HONEST_LONG_TURN
    other_card = ("Describe a sports event you watched. You should say what it was, where you watched it, who you "
                  "were with, and explain why it was memorable.")
    result = score("speaking_part_2", talk, other_card, audio=timed_words(talk, seconds_per_word=0.4))
    assert result["overall_band_score"] <= 4.5


def test_speaking_feedback_speaks_of_listeners_not_readers():
    result = score("speaking_part_1", "Um, I, uh, like, go school, um, yes, it is, uh, ok, you know.")
    text = " ".join([result["detailed_feedback"]] + [c["feedback"] + " ".join(c["weaknesses"])
                                                     for c in result["criteria_scores"]])
    assert "reader" not in text
