"""What both storage backends share: safe keys, content types, the answer to a put."""

from __future__ import annotations

import hashlib
import mimetypes
import re

from .. import media
from ..errors import PermanentError

MAX_KEY_BYTES = 1024
MAX_OBJECT_BYTES = 128 * media.MB  # the largest input any job reads: ten minutes of audio


def validate_key(key) -> str:
    """Return ``key`` if it is a safe storage key, else raise PermanentError."""
    if not isinstance(key, str):
        raise PermanentError(f"invalid storage key {key!r}: must be a string, not {type(key).__name__}")
    reason = _key_problem(key)
    if reason:
        shown = key if len(key) <= 80 else key[:80] + "..."
        raise PermanentError(f"invalid storage key {shown!r}: {reason}")
    return key


def _key_problem(key: str) -> str | None:
    if not key:
        return "empty"
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return f"longer than {MAX_KEY_BYTES} bytes"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        return "contains a control character"
    if "\\" in key:
        return "contains a backslash"
    if key.startswith("/") or re.match(r"[A-Za-z]:(/|$)", key):
        return "is an absolute path"
    segments = key.split("/")
    if ".." in segments:
        return "contains a '..' segment"
    if "." in segments or "" in segments:
        return "contains an empty or '.' segment"
    return None


def guess_content_type(key: str, data: bytes) -> str:
    """The content type judged by the bytes, then by the key's extension."""
    return (media.content_type(data) or mimetypes.guess_type(key)[0]
            or "application/octet-stream")


def check_size(size: int) -> None:
    """Refuse a file larger than any job would read, before it is read or stored."""
    if size > MAX_OBJECT_BYTES:
        raise PermanentError(f"file is too large: {size / media.MB:.1f} MB (the limit is "
                             f"{MAX_OBJECT_BYTES // media.MB} MB)")


def put_result(key: str, data: bytes, content_type: str) -> dict:
    check_size(len(data))
    return {"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "content_type": content_type}
