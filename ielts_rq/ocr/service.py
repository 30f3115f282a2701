"""Client of the platform's OCR service.

REST contract::

    POST {OCR_SERVICE_URL}/ocr/extract
    multipart/form-data:
        file      the image or PDF (PNG, JPEG, TIFF, WebP or PDF)
        language  ISO 639-1 code, e.g. "en"
        engine    "default" (the service's choice)

    200 application/json:
        {"text": str, "confidence": number (0-100), "word_count": int,
         "line_count": int?, "pages": int?, "low_confidence": bool?, "notes": [str]?}

    4xx  the file was refused: the job fails with the service's answer quoted
    429/5xx or no connection: retried in the call, then the job is retried later

The answer is returned in the shape of ``ocr.result`` with ``engine`` "service".
"""

from __future__ import annotations

from ..errors import PermanentError
from ..services import http
from ..settings import get_settings
from .result import LOW_CONFIDENCE_NOTE, is_low_confidence

SERVICE = "OCR"
REQUIRED = {"text": str, "confidence": (int, float), "word_count": int}
MAX_TEXT_CHARS = 200_000  # 20 dense pages are about 80,000
OPTIONAL = {"line_count": int, "pages": int, "low_confidence": bool, "notes": list}


def extract(data: bytes, language: str = "en", settings=None,
            content_type: str = "application/octet-stream", engine: str = "default") -> dict:
    """Send a file to the OCR service and return its answer in the local shape."""
    settings = settings or get_settings()
    answer = http.post(
        SERVICE,
        f"{settings.ocr_service_url}/ocr/extract",
        files={"file": ("upload", data, content_type)},
        data={"language": language, "engine": engine},
        timeout=(settings.service_connect_timeout, settings.service_read_timeout),
        deadline=settings.service_deadline,
    )
    return from_answer(answer)


def from_answer(answer: dict) -> dict:
    """Validate the service's answer and give it the shape of a local result."""
    http.require_fields(SERVICE, answer, REQUIRED)
    present = {name: kind for name, kind in OPTIONAL.items() if answer.get(name) is not None}
    http.require_fields(SERVICE, answer, present)
    confidence = float(answer["confidence"])
    if not 0 <= confidence <= 100:
        raise PermanentError(f"{SERVICE} service sent a malformed answer: confidence {confidence} not in 0-100")
    text = answer["text"]
    if len(text) > MAX_TEXT_CHARS:
        raise PermanentError(f"{SERVICE} service sent {len(text):,} characters of text; at most {MAX_TEXT_CHARS:,} "
                             "can come from one file")
    notes = [str(note) for note in answer.get("notes") or []]
    low = answer.get("low_confidence")
    if low is None:
        low = is_low_confidence(confidence, answer["word_count"])
        if low:
            notes.append(LOW_CONFIDENCE_NOTE)
    return {
        "text": text,
        "confidence": round(confidence, 1),
        "word_count": answer["word_count"],
        "line_count": answer.get("line_count", len([line for line in text.splitlines() if line.strip()])),
        "pages": answer.get("pages", 1),
        "low_confidence": low,
        "engine": "service",
        "notes": notes,
    }
