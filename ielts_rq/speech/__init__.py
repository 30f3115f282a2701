"""Speech to text for spoken answers, by the speech service or PocketSphinx here.

``transcribe(data, language="en")`` returns the shape of ``result``::

    {text, confidence (0..1), duration (s),
     words: [{word, start, end, confidence}], speech_rate_wpm,
     pauses: [{start, end, duration}], engine, notes}

When ``SPEECH_SERVICE_URL`` is set the recording goes to the service
(``service``); otherwise PocketSphinx transcribes it here (``sphinx``).
"""

from __future__ import annotations

from .. import media
from ..errors import needs_engines
from ..settings import get_settings
from . import service, sphinx
from .sphinx import MAX_BYTES


def transcribe(data: bytes, language: str = "en", settings=None) -> dict:
    """Transcribe a recording; the speech service if configured, else PocketSphinx."""
    settings = settings or get_settings()
    kind = media.require_kind(data, media.AUDIO_KINDS, max_bytes=MAX_BYTES)
    if settings.speech_service_url:
        return service.transcribe(data, language=language, settings=settings,
                                  content_type=media.AUDIO_KINDS[kind])
    with needs_engines("speech to text on this machine (PocketSphinx)",
                       "set SPEECH_SERVICE_URL to use a speech service"):
        return sphinx.transcribe_local(data, language=language)


def warm_up() -> None:
    """Load PocketSphinx's model into this process when recordings are transcribed here (0.6-2.4 s).

    A worker on the file queue calls this once before its first job, so each forked horse inherits the
    loaded model instead of loading it again for every recording.
    """
    if not get_settings().speech_service_url:
        with needs_engines("speech to text on this machine (PocketSphinx)",
                           "set SPEECH_SERVICE_URL to use a speech service"):
            sphinx.warm_up()
