"""One behavioural suite run against both storage backends.

The S3 backend talks real HTTP to moto's server on the loopback interface,
so boto3, botocore's signing and the error mapping are all exercised.
"""

from __future__ import annotations

import hashlib
import socket
import uuid
from urllib.parse import urlsplit

import pytest

from ielts_rq import storage
from ielts_rq.errors import NotFound, PermanentError, TransientError
from ielts_rq.settings import load_settings
from ielts_rq.storage import s3

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BAD_KEYS = ["../etc/passwd", "/abs", "a/../../b", "a\x00b", "a\nb", "", "x" * 2000,
            "a\\b", "a//b", "./a", "a/", "C:/windows"]


def s3_settings(tmp_path, endpoint, bucket):
    return load_settings({
        "IELTS_RQ_HOME": str(tmp_path),
        "S3_BUCKET_NAME": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing-secret",
        "AWS_REGION": "us-east-1",
        "SERVICE_CONNECT_TIMEOUT": "2",
        "SERVICE_READ_TIMEOUT": "5",
    })


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return storage.LocalStorage(tmp_path / "files")
    endpoint = request.getfixturevalue("moto_endpoint")
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    backend = storage.S3Storage(s3_settings(tmp_path, endpoint, bucket))
    backend.client.create_bucket(Bucket=bucket)
    return backend


class TestStorageBehaviour:
    def test_round_trip(self, store):
        data = bytes(range(256)) * 10
        info = store.put("uploads/1/essay.bin", data)
        assert info["key"] == "uploads/1/essay.bin"
        assert info["size"] == len(data)
        assert info["sha256"] == hashlib.sha256(data).hexdigest()
        assert store.get("uploads/1/essay.bin") == data

    def test_overwrite_replaces_content(self, store):
        store.put("a/b.txt", b"first version")
        store.put("a/b.txt", b"second")
        assert store.get("a/b.txt") == b"second"
        assert store.stat("a/b.txt")["size"] == 6

    def test_exists_and_delete(self, store):
        assert not store.exists("k/one")
        store.put("k/one", b"1")
        assert store.exists("k/one")
        assert store.delete("k/one") is True
        assert not store.exists("k/one")
        assert store.delete("k/one") is False

    def test_missing_file_is_not_found(self, store):
        with pytest.raises(NotFound, match="file nothing/here not found"):
            store.get("nothing/here")
        with pytest.raises(NotFound):
            store.stat("nothing/here")

    def test_not_found_is_permanent(self, store):
        with pytest.raises(PermanentError):
            store.get("missing")

    @pytest.mark.parametrize("key", BAD_KEYS)
    def test_bad_keys_are_refused(self, store, key):
        for call in (lambda: store.put(key, b"x"), lambda: store.get(key),
                     lambda: store.exists(key), lambda: store.delete(key), lambda: store.url(key)):
            with pytest.raises(PermanentError, match="invalid storage key"):
                call()

    def test_non_string_key_is_refused(self, store):
        with pytest.raises(PermanentError, match="must be a string"):
            store.put(b"bytes-key", b"x")

    def test_url(self, store, tmp_path):
        store.put("u/file.txt", b"hello")
        url = store.url("u/file.txt")
        if isinstance(store, storage.LocalStorage):
            assert url.startswith("file://")
            assert urlsplit(url).path.endswith("/u/file.txt")
        else:
            import requests

            assert "X-Amz-Signature=" in url
            assert requests.get(url, timeout=5).content == b"hello"

    def test_explicit_content_type_is_kept(self, store):
        info = store.put("c/report", b"some text", content_type="text/plain; charset=utf-8")
        assert info["content_type"] == "text/plain; charset=utf-8"
        assert store.stat("c/report")["content_type"] == "text/plain; charset=utf-8"

    def test_content_type_guessed_from_content(self, store):
        info = store.put("c/upload.bin", PNG_BYTES)
        assert info["content_type"] == "image/png"
        assert store.stat("c/upload.bin")["content_type"] == "image/png"

    def test_stat_carries_checksum_and_time(self, store):
        data = b"checksum me"
        store.put("s/one", data)
        info = store.stat("s/one")
        assert info["size"] == len(data)
        assert info["sha256"] == hashlib.sha256(data).hexdigest()
        assert info["modified"] is not None

    def test_unicode_key(self, store):
        store.put("uploads/ñandú essay.txt", b"ok")
        assert store.get("uploads/ñandú essay.txt") == b"ok"

    def test_empty_file(self, store):
        info = store.put("empty", b"")
        assert info["size"] == 0
        assert store.get("empty") == b""


def test_validate_key_accepts_ordinary_keys():
    for key in ("a", "uploads/42/essay.png", "x" * 1024, "a.b/c-d_e f"):
        assert storage.validate_key(key) == key


@pytest.mark.parametrize("key, reason", [
    ("../etc/passwd", "'..' segment"), ("/abs", "absolute"), ("a\x00b", "control"),
    ("", "empty"), ("x" * 2000, "longer than 1024 bytes"), ("é" * 600, "longer than 1024 bytes"),
    ("a\\b", "backslash"),
])
def test_validate_key_says_why(key, reason):
    with pytest.raises(PermanentError, match=reason):
        storage.validate_key(key)


def test_local_refuses_symlink_escape(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    store = storage.LocalStorage(tmp_path / "files")
    (store.root / "link").symlink_to(outside)
    with pytest.raises(PermanentError, match="outside the storage root"):
        store.get("link/secret.txt")
    with pytest.raises(PermanentError, match="outside the storage root"):
        store.put("link/new.txt", b"x")
    assert not (outside / "new.txt").exists()


def test_local_write_leaves_no_temp_files(tmp_path):
    store = storage.LocalStorage(tmp_path / "files")
    store.put("d/one", b"1")
    store.put("d/one", b"2")
    assert sorted(p.name for p in (store.root / "d").iterdir()) == ["one"]


def test_local_key_under_a_file_is_permanent(tmp_path):
    store = storage.LocalStorage(tmp_path / "files")
    store.put("plain", b"1")
    with pytest.raises(PermanentError):
        store.put("plain/child", b"2")
    with pytest.raises(NotFound):
        store.get("plain/child")


def test_get_storage_picks_and_caches_backend(tmp_path, moto_endpoint):
    local_settings = load_settings({"IELTS_RQ_HOME": str(tmp_path)})
    local = storage.get_storage(local_settings)
    assert isinstance(local, storage.LocalStorage)
    assert local.root == (tmp_path / "files").resolve()
    assert storage.get_storage(local_settings) is local
    s3 = storage.get_storage(s3_settings(tmp_path, moto_endpoint, "picked-bucket"))
    assert isinstance(s3, storage.S3Storage)
    assert s3.bucket == "picked-bucket"
    assert storage.get_storage(s3_settings(tmp_path, moto_endpoint, "picked-bucket")) is s3


def test_s3_missing_bucket_is_permanent(tmp_path, moto_endpoint):
    store = storage.S3Storage(s3_settings(tmp_path, moto_endpoint, "no-such-bucket-here"))
    with pytest.raises(PermanentError, match="does not exist"):
        store.put("k", b"x")


def test_s3_unreachable_endpoint_is_transient(tmp_path):
    with socket.socket() as sock:  # a loopback port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = storage.S3Storage(s3_settings(tmp_path, f"http://127.0.0.1:{port}", "bucket"))
    with pytest.raises(TransientError, match="unreachable"):
        store.get("k")


def test_s3_secret_not_in_repr(tmp_path, moto_endpoint):
    store = storage.S3Storage(s3_settings(tmp_path, moto_endpoint, "b"))
    assert "testing-secret" not in repr(store)


def test_local_refuses_segment_too_long_for_the_file_system(tmp_path):
    store = storage.LocalStorage(tmp_path / "files")
    with pytest.raises(PermanentError, match="longer than 255 bytes"):
        store.put("a/" + "x" * 300, b"1")


@pytest.mark.parametrize("code, status, error", [
    ("NoSuchKey", 404, NotFound), ("404", 404, NotFound), ("AccessDenied", 403, PermanentError),
    ("InvalidArgument", 400, PermanentError), ("SlowDown", 503, TransientError),
    ("InternalError", 500, TransientError), ("Whatever", 502, TransientError),
    ("TooManyRequests", 429, TransientError),
])
def test_s3_error_mapping(code, status, error):
    from botocore.exceptions import ClientError

    exc = ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                      "GetObject")
    mapped = s3._client_error("read", "k", "bucket", exc)
    assert type(mapped) is error


def test_learners_files_and_emails_are_kept_in_owner_only_folders(tmp_path):
    import stat

    from ielts_rq import mail
    from ielts_rq.settings import load_settings
    from ielts_rq.storage import get_storage as storage_for

    settings = load_settings({"IELTS_RQ_HOME": str(tmp_path / "home")})
    storage_for(settings).put("uploads/essay.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    mail.send_email("learner@example.com", "welcome", {"name": "Lee"}, settings=settings)
    for folder in ("files", "outbox"):
        mode = stat.S_IMODE((tmp_path / "home" / folder).stat().st_mode)
        assert mode == 0o700, f"{folder}: {oct(mode)}"  # other local users cannot list or read them


@pytest.mark.parametrize("backend", [storage.LocalStorage, storage.S3Storage])
def test_both_backends_offer_the_storage_interface_with_its_signatures(backend):
    import inspect

    methods = [name for name, value in vars(storage.Storage).items()
               if callable(value) and not name.startswith("_")]
    assert sorted(methods) == ["delete", "exists", "get", "list", "put", "stat", "url"]
    for name in methods:
        wanted = inspect.signature(getattr(storage.Storage, name))
        offered = inspect.signature(getattr(backend, name))
        assert list(offered.parameters) == list(wanted.parameters), f"{backend.__name__}.{name}{offered}"
        assert [p.default for p in offered.parameters.values()] == [p.default for p in wanted.parameters.values()]


def test_each_backend_built_is_a_storage(store):
    assert isinstance(store, storage.Storage)
    assert isinstance(storage.get_storage(), storage.Storage)
