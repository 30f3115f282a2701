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
    assert any("key words" in w for w in off_topic["criteria_scores"][0]["weaknesses"])
    assert not any("key words" in w for w in on_topic["criteria_scores"][0]["weaknesses"])
