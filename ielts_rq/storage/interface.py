"""What every storage backend offers: the interface jobs and operators' commands rely on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable


@runtime_checkable
class Storage(Protocol):
    """Files by key (``uploads/42/essay.png``): a local directory or an S3 bucket.

    A missing key raises ``NotFound("file <key> not found")``; a key that could
    escape the root, or mean different things to the two backends, a ``PermanentError``.
    """

    def put(self, key: str, data: bytes, content_type: str | None = None) -> dict:
        """Store ``data``; return ``{key, size, sha256, content_type}``."""

    def get(self, key: str) -> bytes:
        """The stored bytes."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""

    def delete(self, key: str) -> bool:
        """Remove the file; True if there was one to remove."""

    def list(self, prefix: str = "") -> Iterator[dict]:
        """``{key, size, modified}`` for each file under ``prefix``, ``modified`` in epoch seconds."""

    def url(self, key: str) -> str:
        """Where the file can be read: ``file://`` locally, a presigned URL for S3."""

    def stat(self, key: str) -> dict:
        """``{size, sha256, etag, content_type, modified}`` of the stored file."""
