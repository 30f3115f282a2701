"""Analytics records: computed reports kept for a while, indexed by time for their cleanup."""

from __future__ import annotations

import json

from ..policies import DAY
from ..queueing import keys
from ..queueing.connection import get_connection
from . import records
from .records import read

DELETE_CHUNK = 500


def save_analytics(kind: str, subject: str, start: str, end: str, record: dict) -> str:
    """Store an analytics record; it is indexed by time for cleanup_old_analytics."""
    record_key = keys.analytics(kind, subject, f"{start}..{end}")
    with get_connection().pipeline() as pipe:
        pipe.set(record_key, json.dumps(record))
        pipe.zadd(keys.analytics_by_time(), {record_key: records.now()})
        pipe.execute()
    return record_key


def get_analytics(kind: str, subject: str, start: str, end: str) -> dict | None:
    return read(keys.analytics(kind, subject, f"{start}..{end}"))


def delete_analytics_older_than(days: int) -> int:
    connection = get_connection()
    old = connection.zrangebyscore(keys.analytics_by_time(), "-inf", records.now() - days * DAY)
    for start in range(0, len(old), DELETE_CHUNK):
        chunk = old[start:start + DELETE_CHUNK]
        with connection.pipeline() as pipe:
            pipe.delete(*chunk)
            pipe.zrem(keys.analytics_by_time(), *chunk)
            pipe.execute()
    return len(old)
