"""What every kind of record shares: ids, JSON records in Redis, text checks, the clock.

Records are JSON strings under the keys of ``queueing.keys``. Ids are what
RQ accepts in a job id, so a record's id can name its job.
"""

from __future__ import annotations

import json
import re
import time
import uuid

from ..errors import PermanentError
from ..queueing.connection import get_connection

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what RQ accepts in a job id


def new_id(kind: str) -> str:
    return f"{kind}_{uuid.uuid4().hex[:20]}"


def check_id(value, what: str) -> str:
    """An id must be a short string of letters, digits, '_' and '-'."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        shown = repr(value)[:40]
        raise PermanentError(f"invalid {what} id {shown}: use 1-64 letters, digits, '_' or '-'")
    return value


def now() -> float:
    """The time records are stamped with (epoch seconds); the benchmarks' seeding replaces it."""
    return time.time()


def scan_in_batches(connection, pattern: str, size: int = 500):
    """The keys matching ``pattern``, ``size`` at a time: SCAN, so a large keyspace never blocks the server."""
    batch = []
    for key in connection.scan_iter(match=pattern, count=size):
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def read(record_key: str) -> dict | None:
    payload = get_connection().get(record_key)
    return json.loads(payload) if payload else None


def read_many(record_keys: list[str]) -> list[dict | None]:
    """Many records in one round trip, None for those that do not exist."""
    if not record_keys:
        return []
    return [json.loads(p) if p else None for p in get_connection().mget(record_keys)]


def clean_text(value, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise PermanentError(f"{what} must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise PermanentError(f"{what} contains NUL bytes: is it a binary file?")
    if len(value) > limit:
        raise PermanentError(f"{what} is {len(value):,} characters; the limit is {limit:,}")
    return value


def non_empty(value: str, what: str) -> str:
    if not value.strip():
        raise PermanentError(f"{what} is empty")
    return value
