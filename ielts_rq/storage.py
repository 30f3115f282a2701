"""Where uploaded files live: a local directory, or an S3 bucket.

Both backends offer the same small interface::

    put(key, data, content_type=None) -> {key, size, sha256, content_type}
    get(key) -> bytes                     # NotFound("file <key> not found")
    exists(key) -> bool
    delete(key) -> bool                   # True if there was a file to delete
    url(key) -> str                       # file:// locally, presigned for S3
    stat(key) -> {size, sha256, etag, content_type, modified}

``get_storage()`` picks the S3 bucket when ``S3_BUCKET_NAME`` is set (with the
AWS_* settings and, for S3-compatible stores, ``S3_ENDPOINT_URL``), else the
directory ``$IELTS_RQ_HOME/files``; one backend is kept per process.

Keys are relative, slash-separated paths such as ``uploads/42/essay.png``;
``validate_key`` refuses anything that could escape the storage root or
mean different things to the two backends.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

from . import media
from .errors import NotFound, PermanentError, TransientError
from .settings import get_settings

MAX_KEY_BYTES = 1024
MAX_NAME_BYTES = 255  # longest file name a local file system takes
URL_EXPIRES = 3600  # seconds a presigned S3 URL stays valid
_XATTR_TYPE = "user.ielts.content_type"
_XATTR_SHA = "user.ielts.sha256"

_backends: dict = {}
_backends_lock = threading.Lock()


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
                                else LocalStorage(settings.home / "files"))
        return _backends[ident]


def guess_content_type(key: str, data: bytes) -> str:
    """The content type judged by the bytes, then by the key's extension."""
    return (media.content_type(data) or mimetypes.guess_type(key)[0]
            or "application/octet-stream")


def _put_result(key: str, data: bytes, content_type: str) -> dict:
    return {"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "content_type": content_type}


class LocalStorage:
    """Files under a root directory; writes are atomic (temp file + rename)."""

    def __init__(self, root):
        self.root = Path(root).expanduser().absolute()
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """The file of ``key``, checked to stay inside the root after symlinks."""
        validate_key(key)
        if any(len(part.encode()) > MAX_NAME_BYTES for part in key.split("/")):
            raise PermanentError(f"invalid storage key {key[:80]!r}: a path segment is longer than "
                                 f"{MAX_NAME_BYTES} bytes")
        try:
            resolved = (self.root / key).resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise PermanentError(f"invalid storage key {key!r}: {exc}") from None
        if resolved != self.root and self.root not in resolved.parents:
            raise PermanentError(f"invalid storage key {key!r}: resolves outside the storage root")
        return resolved

    def put(self, key: str, data: bytes, content_type: str | None = None) -> dict:
        path = self.path(key)
        data = bytes(data)
        content_type = content_type or guess_content_type(key, data)
        result = _put_result(key, data, content_type)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                _set_xattrs(tmp, {_XATTR_TYPE: content_type, _XATTR_SHA: result["sha256"]})
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            raise PermanentError(f"cannot store {key!r}: {exc.strerror}") from None
        except OSError as exc:
            raise TransientError(f"cannot store {key!r}: {exc.strerror or exc}") from None
        return result

    def get(self, key: str) -> bytes:
        path = self.path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"file {key} not found") from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> bool:
        path = self.path(key)
        if not path.is_file():
            return False
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def url(self, key: str) -> str:
        return self.path(key).as_uri()

    def stat(self, key: str) -> dict:
        path = self.path(key)
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise NotFound(f"file {key} not found") from None
        if not path.is_file():
            raise NotFound(f"file {key} not found")
        attrs = _get_xattrs(path, (_XATTR_TYPE, _XATTR_SHA))
        sha256 = attrs.get(_XATTR_SHA) or _file_sha256(path)
        content_type = attrs.get(_XATTR_TYPE) or mimetypes.guess_type(key)[0] or "application/octet-stream"
        return {"size": info.st_size, "sha256": sha256, "etag": None, "content_type": content_type,
                "modified": datetime.fromtimestamp(info.st_mtime, timezone.utc)}


def _set_xattrs(path, values: dict) -> None:
    """Keep small metadata beside the data when the file system allows it."""
    for name, value in values.items():
        try:
            os.setxattr(path, name, value.encode())
        except (OSError, AttributeError):
            return


def _get_xattrs(path, names) -> dict:
    found = {}
    for name in names:
        try:
            found[name] = os.getxattr(path, name).decode()
        except (OSError, AttributeError, UnicodeDecodeError):
            pass
    return found


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class S3Storage:
    """Objects in one S3 (or S3-compatible) bucket, through boto3."""

    def __init__(self, settings):
        self.bucket = settings.s3_bucket_name
        self.client = _s3_client(settings)

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r})"

    def put(self, key: str, data: bytes, content_type: str | None = None) -> dict:
        validate_key(key)
        data = bytes(data)
        content_type = content_type or guess_content_type(key, data)
        result = _put_result(key, data, content_type)
        self._call("store", key, self.client.put_object, Bucket=self.bucket, Key=key, Body=data,
                   ContentType=content_type, Metadata={"sha256": result["sha256"]})
        return result

    def get(self, key: str) -> bytes:
        validate_key(key)
        answer = self._call("read", key, self.client.get_object, Bucket=self.bucket, Key=key)
        return self._call("read", key, answer["Body"].read)

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> bool:
        existed = self.exists(key)
        if existed:
            self._call("delete", key, self.client.delete_object, Bucket=self.bucket, Key=key)
        return existed

    def url(self, key: str) -> str:
        validate_key(key)
        return self._call("sign", key, self.client.generate_presigned_url, "get_object",
                          Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=URL_EXPIRES)

    def stat(self, key: str) -> dict:
        head = self._head(key)
        return {"size": head["ContentLength"], "sha256": head.get("Metadata", {}).get("sha256"),
                "etag": head.get("ETag", "").strip('"') or None,
                "content_type": head.get("ContentType") or "application/octet-stream",
                "modified": head.get("LastModified")}

    def _head(self, key: str) -> dict:
        validate_key(key)
        return self._call("read", key, self.client.head_object, Bucket=self.bucket, Key=key)

    def _call(self, action: str, key: str, function, *args, **kwargs):
        """Run one boto3 call, turning its failures into the job error tree."""
        import botocore.exceptions as bx

        try:
            return function(*args, **kwargs)
        except bx.ClientError as exc:
            raise _client_error(action, key, self.bucket, exc) from None
        except (bx.EndpointConnectionError, bx.ConnectionClosedError, bx.ConnectTimeoutError,
                bx.ReadTimeoutError, bx.ResponseStreamingError) as exc:
            raise TransientError(f"cannot {action} {key!r}: S3 unreachable ({type(exc).__name__})") from None
        except bx.NoCredentialsError:
            raise PermanentError(f"cannot {action} {key!r}: no AWS credentials configured") from None
        except bx.BotoCoreError as exc:
            raise TransientError(f"cannot {action} {key!r}: S3 error ({type(exc).__name__}: {exc})") from None


_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}
_TRANSIENT_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout",
                    "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable"}


def _client_error(action: str, key: str, bucket: str, exc) -> Exception:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    if code in _NOT_FOUND_CODES:
        return NotFound(f"file {key} not found")
    if code == "NoSuchBucket":
        return PermanentError(f"cannot {action} {key!r}: S3 bucket {bucket!r} does not exist")
    message = f"cannot {action} {key!r}: S3 answered {code or status}"
    if error.get("Message"):
        message += f" ({error['Message']})"
    if code in _TRANSIENT_CODES or status == 429 or status >= 500:
        return TransientError(message)
    return PermanentError(message)


def _s3_client(settings):
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=settings.service_connect_timeout,
        read_timeout=settings.service_read_timeout,
        retries={"max_attempts": 3, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": "path"} if settings.s3_endpoint_url else None,
    )
    return boto3.session.Session().client(
        "s3",
        region_name=settings.aws_region,
        endpoint_url=settings.s3_endpoint_url,
        aws_access_key_id=settings.aws_access_key_id or None,
        aws_secret_access_key=settings.aws_secret_access_key.reveal() or None,
        config=config,
    )
