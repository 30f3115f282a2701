"""PocketSphinx, the built-in speech-to-text engine, and the decoding of recordings it needs.

The format is judged by content (WAV, MP3, M4A/AAC, OGG/Opus or FLAC). Files
over ``MAX_BYTES`` and audio longer than ``MAX_SECONDS`` are refused with a
``PermanentError``. Audio is decoded and resampled to 16 kHz mono 16-bit with
PyAV (the ``av`` wheel bundles FFmpeg), then PocketSphinx (the
``pocketsphinx`` wheel with its bundled US English model) decodes it. The
decoder is loaded once per process.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import threading
import time

from .. import media
from ..errors import PermanentError, TransientError
from .result import SILENT_NOTE, summarise

MAX_BYTES = 128 * media.MB
MAX_SECONDS = 600               # 10 minutes of audio
SAMPLE_RATE = 16000             # Hz, 16-bit mono: what the acoustic model expects
LANGUAGES = ("en",)
SILENCE_PEAK = 64               # of 32767: quieter than this throughout is silence
_NOT_WORDS = re.compile(r"^(<.*>|\[.*\]|\+\+?.*\+\+?)$")   # <s>, <sil>, [NOISE], ++UM++
_ALTERNATE = re.compile(r"\(\d+\)$")                     # "read(2)": an alternate pronunciation
_decoder_lock = threading.Lock()
log = logging.getLogger("ielts_rq.speech")


def transcribe_local(data: bytes, language: str = "en") -> dict:
    """Decode ``data`` to 16 kHz PCM and recognise it with PocketSphinx."""
    media.require_kind(data, media.AUDIO_KINDS, max_bytes=MAX_BYTES)
    if str(language).lower() not in LANGUAGES:
        raise PermanentError(
            f"unsupported speech language {language!r} (the built-in engine knows: {', '.join(LANGUAGES)})")
    pcm = decode_audio(data)
    duration = len(pcm) / (2 * SAMPLE_RATE)
    if is_silent(pcm):  # the decoder would hallucinate a word or two in pure silence
        return summarise([], duration, engine="pocketsphinx", notes=[SILENT_NOTE])
    words = recognise(pcm)
    return summarise(words, duration, engine="pocketsphinx")


def is_silent(pcm: bytes) -> bool:
    """True when no sample rises above SILENCE_PEAK (about -54 dBFS)."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2")
    return int(np.abs(samples.astype(np.int32)).max()) < SILENCE_PEAK


def decode_audio(data: bytes, max_seconds: float | None = None) -> bytes:
    """16 kHz mono signed 16-bit PCM of the first audio stream of ``data``."""
    import av

    limit = MAX_SECONDS if max_seconds is None else max_seconds
    pcm = bytearray()
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise PermanentError("file has no audio stream")
            stream = container.streams.audio[0]
            check_length(declared_seconds(container, stream), limit)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for converted in resampler.resample(frame):
                    pcm += converted.to_ndarray().tobytes()
                check_length(len(pcm) / (2 * SAMPLE_RATE), limit)
            for converted in resampler.resample(None):
                pcm += converted.to_ndarray().tobytes()
    except av.error.FFmpegError as exc:
        raise PermanentError(f"could not decode audio: {exc.strerror or exc}") from None
    check_length(len(pcm) / (2 * SAMPLE_RATE), limit)
    if not pcm:
        raise PermanentError("audio has no samples")
    return bytes(pcm)


def declared_seconds(container, stream) -> float | None:
    """The length the file's headers declare, if they do (checked before decoding)."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000  # av.time_base
    return None


def check_length(seconds: float | None, limit: float) -> None:
    if seconds is not None and seconds > limit + 0.5:
        raise PermanentError(
            f"audio is too long: {seconds / 60:.1f} minutes (the limit is {limit / 60:g} minutes)")


def warm_up() -> None:
    """Load the model and the decoding libraries into this process once (PyAV imports FFmpeg's
    libraries, about 0.1 s of CPU): a file worker's forked horses inherit them instead of each
    loading them again for every recording."""
    import av  # noqa: F401
    import numpy  # noqa: F401  is_silent's arithmetic

    decoder()


@functools.cache
def decoder():
    """The PocketSphinx decoder of this process (loading the model takes a while)."""
    try:
        from pocketsphinx import Decoder
    except ImportError:
        raise TransientError("speech engine unavailable: pocketsphinx is not installed on this worker") from None
    started = time.process_time()
    engine = Decoder(loglevel="ERROR")
    # Once per process: a second line from one worker's jobs means each job loads the model again.
    log.info("speech model loaded pid=%d cpu=%.2fs", os.getpid(), time.process_time() - started)
    return engine


def recognise(pcm: bytes) -> list[dict]:
    """Words with times (s) and confidences, the recording decoded as one utterance.

    One utterance measured better than splitting at PocketSphinx's voice
    activity detector (which lost whole sentences of synthetic speech) and
    stays fast on long answers: 6.5 minutes decoded at 0.13x real time in
    under 300 MB.
    """
    with _decoder_lock:
        engine = decoder()
        frame_rate = int(engine.config["frate"])
        engine.start_utt()
        engine.process_raw(pcm, full_utt=True)
        engine.end_utt()
        return segment_words(engine.seg(), 0.0, frame_rate)


def segment_words(segments, offset: float, frame_rate: int) -> list[dict]:
    words = []
    for seg in segments:
        word = clean_word(seg.word)
        if word is None:
            continue
        words.append({
            "word": word,
            "start": round(offset + seg.start_frame / frame_rate, 2),
            "end": round(offset + (seg.end_frame + 1) / frame_rate, 2),
            "confidence": round(min(max(float(seg.prob), 0.0), 1.0), 3),
        })
    return words


def clean_word(word: str) -> str | None:
    """The spoken word of a segment, or None for silences, fillers and noise."""
    if not word or _NOT_WORDS.match(word):
        return None
    return _ALTERNATE.sub("", word) or None
