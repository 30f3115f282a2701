"""The shape of a transcription, shared by PocketSphinx here and the speech service's client.

    {text, confidence (0..1), duration (s),
     words: [{word, start, end, confidence}], speech_rate_wpm,
     pauses: [{start, end, duration}] (silences over PAUSE_SECONDS between words),
     engine, notes}
"""

from __future__ import annotations

import itertools

PAUSE_SECONDS = 0.5             # a silence between words longer than this is a pause
LOW_TRANSCRIPT_CONFIDENCE = 0.5  # mean word confidence of a transcript (of 1) below this is flagged
LOW_CONFIDENCE_NOTE = "low recognition confidence: the transcript may contain many errors"
NO_SPEECH_NOTE = "no speech was recognised"
SILENT_NOTE = "the recording is silent"


def summarise(words: list[dict], duration: float, engine: str, notes: list[str] | None = None) -> dict:
    """The result shape shared by the local engine and the service client."""
    notes = list(notes or [])
    confidence = round(sum(w["confidence"] for w in words) / len(words), 3) if words else 0.0
    if not words:
        if SILENT_NOTE not in notes and NO_SPEECH_NOTE not in notes:
            notes.append(NO_SPEECH_NOTE)
    elif confidence < LOW_TRANSCRIPT_CONFIDENCE and LOW_CONFIDENCE_NOTE not in notes:
        notes.append(LOW_CONFIDENCE_NOTE)
    return {
        "text": " ".join(w["word"] for w in words),
        "confidence": confidence,
        "duration": round(duration, 2),
        "words": words,
        "speech_rate_wpm": speech_rate(words),
        "pauses": pauses(words),
        "engine": engine,
        "notes": notes,
    }


def speech_rate(words: list[dict]) -> float:
    """Words per minute over the time from the first word's start to the last word's end."""
    if not words:
        return 0.0
    span = words[-1]["end"] - words[0]["start"]
    return round(len(words) * 60 / span, 1) if span > 0 else 0.0


def pauses(words: list[dict], threshold: float = PAUSE_SECONDS) -> list[dict]:
    """Silences longer than ``threshold`` seconds between consecutive words."""
    found = []
    for before, after in itertools.pairwise(words):
        gap = after["start"] - before["end"]
        if gap > threshold:
            found.append({"start": before["end"], "end": after["start"], "duration": round(gap, 2)})
    return found
