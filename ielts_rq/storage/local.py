"""Files under a local directory: the default storage, ``$IELTS_RQ_HOME/files``."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ..errors import NotFound, PermanentError, TransientError
from .common import guess_content_type, put_result, validate_key

MAX_NAME_BYTES = 255  # longest file name a local file system takes
_XATTR_TYPE = "user.ielts.content_type"
_XATTR_SHA = "user.ielts.sha256"


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
        result = put_result(key, data, content_type)
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

    def list(self, prefix: str = ""):
        """Every stored file whose key starts with ``prefix``: {key, size, modified (epoch seconds)}.
        Links are not followed, and the temp files of writes under way are not files yet."""
        for directory, _, names in os.walk(self.root, followlinks=False):
            for name in names:
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if name.startswith(".tmp-") or not key.startswith(prefix) or path.is_symlink():
                    continue
                try:
                    info = path.stat()
                except FileNotFoundError:
                    continue  # deleted meanwhile
                yield {"key": key, "size": info.st_size, "modified": info.st_mtime}

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
