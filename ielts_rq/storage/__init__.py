"""Where uploaded files live: a local directory, or an S3 bucket.

Both backends offer the same small interface::

    put(key, data, content_type=None) -> {key, size, sha256, content_type}
    get(key) -> bytes                     # NotFound("file <key> not found")
    exists(key) -> bool
    delete(key) -> bool                   # True if there was a file to delete
    list(prefix="") -> iterator of {key, size, modified}   # modified in epoch seconds
    url(key) -> str                       # file:// locally, presigned for S3
    stat(key) -> {size, sha256, etag, content_type, modified}

``get_storage()`` picks the S3 bucket when ``S3_BUCKET_NAME`` is set (with the
AWS_* settings and, for S3-compatible stores, ``S3_ENDPOINT_URL``), else the
directory ``$IELTS_RQ_HOME/files``; one backend is kept per process.

Keys are relative, slash-separated paths such as ``uploads/42/essay.png``;
``validate_key`` refuses anything that could escape the storage root or
mean different things to the two backends. No object over ``MAX_OBJECT_BYTES``
is stored.
"""

from __future__ import annotations

import threading

from ..settings import get_settings
from .common import MAX_OBJECT_BYTES, check_size, guess_content_type, validate_key
from .local import LocalStorage
from .s3 import S3Storage

__all__ = ["MAX_OBJECT_BYTES", "LocalStorage", "S3Storage", "check_size", "get_storage", "guess_content_type",
           "validate_key"]

_backends: dict = {}
_backends_lock = threading.Lock()


def get_storage(settings=None):
    """The storage backend of this process (one per configuration)."""
    settings = settings or get_settings()
    if settings.s3_bucket_name:
        ident = ("s3", settings.s3_bucket_name, settings.s3_endpoint_url, settings.aws_region,
                 settings.aws_access_key_id)
    else:
        ident = ("local", str(settings.home / "files"))
    with _backends_lock:
        if ident not in _backends:
            _backends[ident] = (S3Storage(settings) if ident[0] == "s3"
                                else LocalStorage(settings.home_folder("files")))
        return _backends[ident]
