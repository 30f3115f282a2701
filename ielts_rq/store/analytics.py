"""Analytics records: computed reports kept for a while, indexed by time for their cleanup."""

from __future__ import annotations

import json

from ..policies import DAY
from ..queueing import keys
from ..queueing.connection import get_connection
from . import records
from .erasures import refuse_if_erased
from .records import read

DELETE_CHUNK = 500
LEARNER_KINDS = ("user", "weekly_user")  # the kinds whose subject is a learner's id


def save_analytics(kind: str, subject: str, start: str, end: str, record: dict) -> str:
    """Store an analytics record; it is indexed by time for cleanup_old_analytics. A learner's report is
    not stored once the learner was erased (LearnerErased)."""
    if kind in LEARNER_KINDS:
        refuse_if_erased(subject)
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


def learner_analytics_keys(user_id: str) -> list[str]:
    """The keys of every analytics record about this learner, read from the time index (no keyspace scan)."""
    connection = get_connection()
    wanted = {keys.analytics(kind, user_id, "") for kind in LEARNER_KINDS}  # the key up to the period
    found = []
    for kind in LEARNER_KINDS:
        pattern = keys.analytics(kind, user_id, "*")
        for member, _ in connection.zscan_iter(keys.analytics_by_time(), match=pattern, count=1000):
            name = member.decode()
            if name.rpartition(":")[0] + ":" in wanted:  # exactly this learner, not an id it is a prefix of
                found.append(name)
    return found


def delete_analytics(record_keys: list[str]) -> None:
    if record_keys:
        with get_connection().pipeline() as pipe:
            pipe.delete(*record_keys)
            pipe.zrem(keys.analytics_by_time(), *record_keys)
            pipe.execute()
