"""Files in an S3 bucket (or an S3-compatible store at ``S3_ENDPOINT_URL``), through boto3."""

from __future__ import annotations

from ..errors import NotFound, PermanentError, TransientError
from .common import guess_content_type, put_result, validate_key

URL_EXPIRES = 3600  # seconds a presigned S3 URL stays valid


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
        result = put_result(key, data, content_type)
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

    def list(self, prefix: str = ""):
        """Every object whose key starts with ``prefix``: {key, size, modified (epoch seconds)}, page by page."""
        pages = iter(self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix))
        while (page := self._call("list", prefix or "/", next, pages, None)) is not None:
            for item in page.get("Contents", []):
                yield {"key": item["Key"], "size": item["Size"], "modified": item["LastModified"].timestamp()}

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
