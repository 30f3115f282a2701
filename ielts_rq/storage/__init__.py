"""Where uploaded files live: a local directory, or an S3 bucket.

Both backends offer the interface of ``Storage`` (``interface.py``, a
``typing.Protocol`` the tests check both against): put, get, exists, delete,
list, url and stat.

``get_storage()`` picks the S3 bucket when ``S3_BUCKET_NAME`` is set (with the
AWS_* settings and, for S3-compatible stores, ``S3_ENDPOINT_URL``), else the
directory ``$IELTS_RQ_HOME/files``; the runtime in force keeps one backend per
configuration.

Keys are relative, slash-separated paths such as ``uploads/42/essay.png``;
``validate_key`` refuses anything that could escape the storage root or
mean different things to the two backends. No object over ``MAX_OBJECT_BYTES``
is stored.
"""

from __future__ import annotations

from ..runtime import current
from ..settings import Settings, get_settings
from .common import MAX_OBJECT_BYTES, check_size, guess_content_type, validate_key
from .interface import Storage
from .local import LocalStorage
from .s3 import S3Storage

__all__ = ["MAX_OBJECT_BYTES", "LocalStorage", "S3Storage", "Storage", "check_size", "get_storage",
           "guess_content_type", "validate_key"]


def get_storage(settings: Settings | None = None) -> Storage:
    """The storage backend of the runtime in force (one per configuration)."""
    settings = settings or get_settings()
    if settings.s3_bucket_name:
        ident = ("storage", "s3", settings.s3_bucket_name, settings.s3_endpoint_url, settings.aws_region,
                 settings.aws_access_key_id)
        return current().part(ident, lambda: S3Storage(settings))
    ident = ("storage", "local", str(settings.home / "files"))
    return current().part(ident, lambda: LocalStorage(settings.home_folder("files")))
