"""The speech service client against a real HTTP server on the loopback interface."""

from __future__ import annotations

import pytest

from ielts_rq import speech
from ielts_rq.errors import PermanentError, TransientError
from ielts_rq.settings import load_settings
from ielts_rq.speech import result as speech_result
from tests import media_fixtures as mf

WAV = mf.silent_wav(0.5, rate=16000)
GOOD = {
    "text": "Many people believe, that...",
    "confidence": 0.87,
    "duration": 4.2,
    "words": [
        {"word": "many", "start": 0.3, "end": 0.6, "confidence": 0.9},
        {"word": "people", "start": 0.62, "end": 1.0, "confidence": 0.8},
        {"word": "believe", "start": 1.9, "end": 2.4, "confidence": 0.95},
        {"word": "that", "start": 2.45, "end": 2.7, "confidence": 0.85},
    ],
}


def service_settings(tmp_path, url):
    return load_settings({"IELTS_RQ_HOME": str(tmp_path), "SPEECH_SERVICE_URL": url,
                          "SERVICE_CONNECT_TIMEOUT": "2", "SERVICE_READ_TIMEOUT": "5"})


def test_answer_is_parsed(tmp_path):
    with mf.FakeService([(200, GOOD)]) as service:
        result = speech.transcribe(WAV, language="en", settings=service_settings(tmp_path, service.url))
    assert result["engine"] == "service"
    assert result["text"] == GOOD["text"]
    assert result["confidence"] == 0.87
    assert result["duration"] == 4.2
    assert result["words"] == GOOD["words"]
    assert result["pauses"] == [{"start": 1.0, "end": 1.9, "duration": 0.9}]
    assert result["speech_rate_wpm"] == pytest.approx(4 * 60 / 2.4, abs=0.1)
    assert result["notes"] == []
    path, fields, files = service.requests[0]
    assert path == "/transcribe"
    assert fields == {"language": "en"}
    assert files["audio"][1] == "audio/wav"
    assert files["audio"][2] == WAV


def test_low_confidence_and_empty_answers_get_notes(tmp_path):
    low = dict(GOOD, confidence=0.2)
    empty = {"text": "", "confidence": 0, "duration": 3, "words": []}
    with mf.FakeService([(200, low), (200, empty)]) as service:
        settings = service_settings(tmp_path, service.url)
        assert speech.transcribe(WAV, settings=settings)["notes"] == [speech_result.LOW_CONFIDENCE_NOTE]
        assert speech.transcribe(WAV, settings=settings)["notes"] == [speech_result.NO_SPEECH_NOTE]


def test_server_error_then_success_is_retried(tmp_path):
    with mf.FakeService([(500, "try again"), (200, GOOD)]) as service:
        result = speech.transcribe(WAV, settings=service_settings(tmp_path, service.url))
    assert result["text"] == GOOD["text"]
    assert len(service.requests) == 2


def test_persistent_server_error_is_transient(tmp_path):
    with mf.FakeService([(502, "bad gateway")]) as service:
        with pytest.raises(TransientError, match="speech service answered 502"):
            speech.transcribe(WAV, settings=service_settings(tmp_path, service.url))


def test_refusal_is_permanent_and_quotes_the_answer(tmp_path):
    with mf.FakeService([(400, '{"error": "audio sample rate not supported"}')]) as service:
        with pytest.raises(PermanentError, match="400.*audio sample rate not supported"):
            speech.transcribe(WAV, settings=service_settings(tmp_path, service.url))
    assert len(service.requests) == 1


def test_malformed_json_is_permanent(tmp_path):
    with mf.FakeService([(200, "<html>oops</html>")]) as service:
        with pytest.raises(PermanentError, match="speech service sent a malformed answer"):
            speech.transcribe(WAV, settings=service_settings(tmp_path, service.url))


@pytest.mark.parametrize("answer", [
    {"text": "x", "confidence": 0.9, "duration": 1},
    dict(GOOD, confidence=87),
    dict(GOOD, duration="long"),
    dict(GOOD, words=[{"word": "x", "start": 0.1}]),
    dict(GOOD, words=["many"]),
    dict(GOOD, words=[{"word": "x", "start": 2.0, "end": 1.0, "confidence": 0.5}]),
    dict(GOOD, duration=float("nan")),
    dict(GOOD, duration=-1),
    dict(GOOD, words=[{"word": "x", "start": -3.0, "end": 1.0, "confidence": 0.5}]),
    dict(GOOD, words=[{"word": "x", "start": 0.0, "end": 1.0, "confidence": 7}]),
    dict(GOOD, text="word " * 50_000),
])
def test_malformed_answers_are_permanent(tmp_path, answer):
    with mf.FakeService([(200, answer)]) as service:
        with pytest.raises(PermanentError, match="speech service sent a malformed answer"):
            speech.transcribe(WAV, settings=service_settings(tmp_path, service.url))


def test_unreachable_service_is_transient(tmp_path):
    service = mf.FakeService([(200, GOOD)])
    service.close()
    with pytest.raises(TransientError, match="speech service unreachable"):
        speech.transcribe(WAV, settings=service_settings(tmp_path, service.url))


def test_non_audio_is_refused_before_sending(tmp_path):
    with mf.FakeService([(200, GOOD)]) as service:
        with pytest.raises(PermanentError, match="unsupported file type"):
            speech.transcribe(b"%PDF-1.7 not audio", settings=service_settings(tmp_path, service.url))
    assert service.requests == []
