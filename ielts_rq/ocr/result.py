"""The shape of an OCR result, shared by Tesseract here and the OCR service's client.

    {text, confidence (0-100, mean word confidence), word_count, line_count,
     pages, low_confidence, engine, notes}
"""

from __future__ import annotations

LOW_PAGE_CONFIDENCE = 60.0       # mean word confidence of a page (of 100) below this is flagged
MIN_WORDS = 3                    # fewer words than this is flagged too
LOW_CONFIDENCE_NOTE = ("low recognition confidence: handwriting and poor photos are beyond "
                       "the built-in OCR engine")
NO_TEXT_NOTE = "no text was found in the file"


def is_low_confidence(confidence: float, word_count: int) -> bool:
    return word_count < MIN_WORDS or confidence < LOW_PAGE_CONFIDENCE


def summarise(pages: list[dict], engine: str) -> dict:
    """The result of a whole file from the results of its pages."""
    confidences = [c for page in pages for c in page["confidences"]]
    word_count = len(confidences)
    confidence = round(sum(confidences) / word_count, 1) if word_count else 0.0
    notes = []
    low = is_low_confidence(confidence, word_count)
    if word_count == 0:
        notes.append(NO_TEXT_NOTE)
    if low:
        notes.append(LOW_CONFIDENCE_NOTE)
    return {
        "text": "\n\n".join(page["text"] for page in pages if page["text"]),
        "confidence": confidence,
        "word_count": word_count,
        "line_count": sum(page["line_count"] for page in pages),
        "pages": len(pages),
        "low_confidence": low,
        "engine": engine,
        "notes": notes,
    }
