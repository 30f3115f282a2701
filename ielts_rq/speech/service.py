"""Client of the platform's speech-to-text service.

REST contract::

    POST {SPEECH_SERVICE_URL}/transcribe
    multipart/form-data:
        audio     the recording (WAV, MP3, M4A/AAC, OGG/Opus or FLAC)
        language  ISO 639-1 code, e.g. "en"

    200 application/json:
        {"text": str,
         "confidence": number (0..1),
         "duration": number (seconds of audio),
         "words": [{"word": str, "start": s, "end": s, "confidence": 0..1}, ...],
         "notes": [str]?}

    4xx  the recording was refused: the job fails with the service's answer quoted
    429/5xx or no connection: retried in the call, then the job is retried later

Word times are seconds from the start of the recording, in order. The answer
is returned in the shape of ``speech.result`` (speech rate and
pauses computed here from the word times) with ``engine`` "service".
"""

from __future__ import annotations

from ..errors import PermanentError
from ..services import http
from ..settings import get_settings
from .result import LOW_CONFIDENCE_NOTE, LOW_TRANSCRIPT_CONFIDENCE, NO_SPEECH_NOTE, summarise

SERVICE = "speech"
NUMBER = (int, float)
REQUIRED = {"text": str, "confidence": NUMBER, "duration": NUMBER, "words": list}
WORD_FIELDS = {"word": str, "start": NUMBER, "end": NUMBER, "confidence": NUMBER}
# Bounds of a believable answer (an IELTS answer is 2 minutes at most; these leave room for any recording).
MAX_SECONDS = 3600
MAX_WORDS = 20_000
MAX_TEXT_CHARS = 200_000


def transcribe(data: bytes, language: str = "en", settings=None,
               content_type: str = "application/octet-stream") -> dict:
    """Send a recording to the speech service and return its answer in the local shape."""
    settings = settings or get_settings()
    answer = http.post(
        SERVICE,
        f"{settings.speech_service_url}/transcribe",
        files={"audio": ("recording", data, content_type)},
        data={"language": language},
        timeout=(settings.service_connect_timeout, settings.service_read_timeout),
        deadline=settings.service_deadline,
    )
    return from_answer(answer)


def from_answer(answer: dict) -> dict:
    """Validate the service's answer and give it the shape of a local result."""
    http.require_fields(SERVICE, answer, REQUIRED)
    confidence, duration = float(answer["confidence"]), float(answer["duration"])
    if not 0 <= confidence <= 1:
        raise _malformed(f"confidence {confidence} not in 0..1")
    if not 0 <= duration <= MAX_SECONDS:  # NaN fails this too
        raise _malformed(f"duration {duration} is not 0 to {MAX_SECONDS} seconds")
    if len(answer["text"]) > MAX_TEXT_CHARS or len(answer["words"]) > MAX_WORDS:
        raise _malformed(f"{len(answer['text']):,} characters and {len(answer['words']):,} words: more than "
                         f"{MAX_SECONDS // 60} minutes of speech can hold")
    words = [_word(item) for item in answer["words"]]
    given = answer.get("notes")
    notes = [str(note) for note in given if note] if isinstance(given, list) else []
    if not answer["text"].strip():
        notes.append(NO_SPEECH_NOTE)
    elif confidence < LOW_TRANSCRIPT_CONFIDENCE:
        notes.append(LOW_CONFIDENCE_NOTE)
    result = summarise(words, duration, engine="service")
    result.update(text=answer["text"], confidence=round(confidence, 3), notes=list(dict.fromkeys(notes)))
    return result


def _word(item) -> dict:
    if not isinstance(item, dict):
        raise _malformed("a word is not an object")
    http.require_fields(SERVICE, item, WORD_FIELDS)
    if not 0 <= item["start"] <= item["end"] <= MAX_SECONDS or not 0 <= item["confidence"] <= 1:
        raise _malformed(f"word {str(item['word'])[:40]!r} has impossible timings or confidence")
    return {"word": item["word"], "start": float(item["start"]), "end": float(item["end"]),
            "confidence": float(item["confidence"])}


def _malformed(problem: str) -> PermanentError:
    return PermanentError(f"{SERVICE} service sent a malformed answer: {problem}")
