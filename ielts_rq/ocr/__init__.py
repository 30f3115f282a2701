"""OCR: the text of a scanned or photographed essay, by the OCR service or Tesseract here.

``extract_text(data, language="en")`` returns the shape of ``result``::

    {text, confidence (0-100, mean word confidence), word_count, line_count,
     pages, low_confidence, engine, notes}

When ``OCR_SERVICE_URL`` is set the file goes to the service (``service``);
otherwise Tesseract reads it here (``tesseract``).
"""

from __future__ import annotations

from .. import media
from ..errors import needs_engines
from ..settings import get_settings
from . import service, tesseract
from .tesseract import MAX_BYTES


def extract_text(data: bytes, language: str = "en", settings=None, pages_read: list | None = None,
                 on_page=None, stop=None) -> dict:
    """Recognise the text of an image or PDF; the service if configured, else Tesseract (which reads page by
    page: ``pages_read``, ``on_page`` and ``stop`` let a job save its pages and stop at its soft limit)."""
    settings = settings or get_settings()
    kind = media.require_kind(data, media.IMAGE_KINDS, max_bytes=MAX_BYTES)
    if settings.ocr_service_url:
        return service.extract(data, language=language, settings=settings,
                               content_type=media.IMAGE_KINDS[kind])
    with needs_engines("OCR on this machine (Tesseract)", "set OCR_SERVICE_URL to use an OCR service"):
        return tesseract.extract_local(data, language=language, kind=kind, pages_read=pages_read,
                                       on_page=on_page, stop=stop)


def warm_up() -> None:
    """Load Tesseract's Python side into this process when pages are read here (see tesseract.warm_up)."""
    if not get_settings().ocr_service_url:
        with needs_engines("OCR on this machine (Tesseract)", "set OCR_SERVICE_URL to use an OCR service"):
            tesseract.warm_up()
