"""The OCR service client against a real HTTP server on the loopback interface."""

from __future__ import annotations

import pytest

from ielts_rq import ocr
from ielts_rq.errors import PermanentError, TransientError
from ielts_rq.ocr import result as ocr_result
from ielts_rq.settings import load_settings
from tests import media_fixtures as mf

GOOD = {"text": "Some people believe that students", "confidence": 91.5, "word_count": 5,
        "line_count": 1, "pages": 1}
PNG = mf.png_claiming_size(40, 20)


def service_settings(tmp_path, url):
    return load_settings({"IELTS_RQ_HOME": str(tmp_path), "OCR_SERVICE_URL": url,
                          "SERVICE_CONNECT_TIMEOUT": "2", "SERVICE_READ_TIMEOUT": "5"})


def test_answer_is_parsed(tmp_path):
    with mf.FakeService([(200, GOOD)]) as service:
        result = ocr.extract_text(PNG, language="en", settings=service_settings(tmp_path, service.url))
    assert result == {"text": GOOD["text"], "confidence": 91.5, "word_count": 5, "line_count": 1,
                      "pages": 1, "low_confidence": False, "engine": "service", "notes": []}
    path, fields, files = service.requests[0]
    assert path == "/ocr/extract"
    assert fields == {"language": "en", "engine": "default"}
    assert files["file"][1] == "image/png"
    assert files["file"][2] == PNG


def test_low_confidence_answer_is_flagged(tmp_path):
    answer = {"text": "scrawl", "confidence": 31, "word_count": 1}
    with mf.FakeService([(200, answer)]) as service:
        result = ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))
    assert result["low_confidence"] is True
    assert ocr_result.LOW_CONFIDENCE_NOTE in result["notes"]
    assert result["pages"] == 1 and result["line_count"] == 1


def test_server_error_then_success_is_retried(tmp_path):
    with mf.FakeService([(500, "busy"), (200, GOOD)]) as service:
        result = ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))
    assert result["text"] == GOOD["text"]
    assert len(service.requests) == 2
    assert service.requests[1][2]["file"][2] == PNG  # the file was sent again in full


def test_persistent_server_error_is_transient(tmp_path):
    with mf.FakeService([(503, "down for maintenance")]) as service:
        with pytest.raises(TransientError, match="OCR service answered 503"):
            ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))


def test_refusal_is_permanent_and_quotes_the_answer(tmp_path):
    with mf.FakeService([(400, "image has no readable text region")]) as service:
        with pytest.raises(PermanentError, match="400.*image has no readable text region"):
            ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))
    assert len(service.requests) == 1


def test_malformed_json_is_permanent(tmp_path):
    with mf.FakeService([(200, "{not json")]) as service:
        with pytest.raises(PermanentError, match="malformed answer"):
            ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))


@pytest.mark.parametrize("answer", [
    {"confidence": 90, "word_count": 3},
    {"text": "x", "confidence": "high", "word_count": 3},
    {"text": "x", "confidence": 90, "word_count": 3, "pages": "one"},
    {"text": "x", "confidence": 190, "word_count": 3},
    {"text": "x", "confidence": float("nan"), "word_count": 3},
])
def test_answer_missing_or_mistyped_fields_is_permanent(tmp_path, answer):
    with mf.FakeService([(200, answer)]) as service:
        with pytest.raises(PermanentError, match="OCR service sent a malformed answer"):
            ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))


def test_an_answer_longer_than_any_file_could_hold_is_refused(tmp_path):
    answer = {"text": "word " * 50_000, "confidence": 90, "word_count": 50_000}
    with mf.FakeService([(200, answer)]) as service:
        with pytest.raises(PermanentError, match="250,000 characters of text; at most 200,000"):
            ocr.extract_text(PNG, settings=service_settings(tmp_path, service.url))


def test_unsupported_file_is_refused_before_sending(tmp_path):
    with mf.FakeService([(200, GOOD)]) as service:
        with pytest.raises(PermanentError, match="unsupported file type"):
            ocr.extract_text(b"plain words", settings=service_settings(tmp_path, service.url))
    assert service.requests == []
