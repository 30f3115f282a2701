"""What kind of file a blob of bytes is, judged by its content, and the size limits.

A file's name and declared content type are what the uploader says; the first
bytes are what it is. ``sniff`` reads the magic numbers of the formats the
OCR and speech engines accept (and a few common ones, so that a refusal can
say what was sent instead).
"""

from __future__ import annotations

from .errors import PermanentError

MB = 1024 * 1024

IMAGE_KINDS = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
AUDIO_KINDS = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
}
CONTENT_TYPES = {**IMAGE_KINDS, **AUDIO_KINDS, "gif": "image/gif", "bmp": "image/bmp",
                 "zip": "application/zip", "gzip": "application/gzip", "text": "text/plain"}
LABELS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "webp": "WebP", "pdf": "PDF",
          "wav": "WAV", "mp3": "MP3", "m4a": "M4A/MP4", "aac": "AAC", "ogg": "OGG/Opus",
          "flac": "FLAC", "gif": "GIF", "bmp": "BMP", "zip": "ZIP", "gzip": "gzip",
          "text": "plain text"}


def sniff(data: bytes) -> str | None:
    """The kind of file ``data`` is ("png", "mp3", ...), or None if unknown."""
    head = bytes(data[:64])
    for test, kind in _SIGNATURES:
        if test(head):
            return kind
    if _looks_like_text(data[:4096]):
        return "text"
    return None


def content_type(data: bytes) -> str | None:
    """The MIME type of ``data`` judged by its content, or None if unknown."""
    return CONTENT_TYPES.get(sniff(data))


def require_kind(data: bytes, accepted: dict[str, str], *, max_bytes: int) -> str:
    """Check that ``data`` is non-empty, small enough and of an accepted kind."""
    if not data:
        raise PermanentError("file is empty")
    if len(data) > max_bytes:
        raise PermanentError(
            f"file is too large: {len(data) / MB:.1f} MB (the limit is {max_bytes // MB} MB)")
    kind = sniff(data)
    if kind not in accepted:
        raise PermanentError(
            f"unsupported file type: {describe(data, kind)} (accepted: {accepted_labels(accepted)})")
    return kind


def accepted_labels(accepted) -> str:
    return ", ".join(LABELS[kind] for kind in accepted)


def describe(data: bytes, kind: str | None = None) -> str:
    """A short description of what ``data`` looks like, for an error message."""
    kind = kind or sniff(data)
    if kind:
        return LABELS[kind]
    return f"unknown (starts with bytes {bytes(data[:8]).hex(' ')})"


def _is_mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        return True
    # MPEG audio frame sync: 11 set bits, a valid version and a layer that is not 00
    return (len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
            and head[1] & 0x18 != 0x08 and head[1] & 0x06 != 0 and head[2] & 0xF0 != 0xF0)


def _is_adts(head: bytes) -> bool:
    # AAC ADTS: 12-bit sync, layer 00
    return len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0


def _looks_like_text(sample: bytes) -> bool:
    if not sample:
        return False
    try:
        text = bytes(sample).decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the end of the sample is still text
        try:
            text = bytes(sample[:-3]).decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
    return printable >= 0.95 * len(text)


_SIGNATURES = [
    (lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), "png"),
    (lambda h: h.startswith(b"\xff\xd8\xff"), "jpeg"),
    (lambda h: h[:4] in (b"II*\x00", b"MM\x00*"), "tiff"),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", "webp"),
    (lambda h: h[:1024].lstrip()[:5] == b"%PDF-", "pdf"),
    (lambda h: h[:4] in (b"RIFF", b"RIFX") and h[8:12] == b"WAVE", "wav"),
    (lambda h: h[:4] == b"fLaC", "flac"),
    (lambda h: h[:4] == b"OggS", "ogg"),
    (lambda h: h[4:8] == b"ftyp", "m4a"),
    (_is_adts, "aac"),
    (_is_mp3, "mp3"),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), "gif"),
    (lambda h: h[:2] == b"BM" and len(h) >= 14, "bmp"),
    (lambda h: h[:4] == b"PK\x03\x04", "zip"),
    (lambda h: h[:2] == b"\x1f\x8b", "gzip"),
]
