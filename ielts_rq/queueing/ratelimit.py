"""Per-queue rate limits shared by every worker through Redis (the ``limits`` library).

A moving window of one minute per queue (``policies.QUEUE_SETTINGS``,
``RATE_LIMITS`` overrides). A worker
asks before it runs a job; over the limit, the job is put back on the
queue's schedule for when the window frees, not failed.
"""

from __future__ import annotations

import functools
import time

from limits import RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from ..settings import get_settings
from . import keys


def per_minute(queue_name: str) -> int | None:
    """The queue's limit: RATE_LIMITS from the environment, else the table's; None for none."""
    return get_settings().rate_limits.get(queue_name)


def seconds_until_allowed(queue_name: str, connection) -> float:
    """0 when one more unit of this queue's work may run now (and counts it); else how long to wait."""
    limit = per_minute(queue_name)
    if limit is None:
        return 0.0
    limiter, item = _limiter(connection, limit)
    if limiter.hit(item, queue_name):
        return 0.0
    reset_at = limiter.get_window_stats(item, queue_name).reset_time
    return max(reset_at - time.time(), 0.05)


def wait_for_slot(queue_name: str, connection) -> None:
    """Block until one more unit of this queue's work is allowed (a batch job sending many emails)."""
    while wait := seconds_until_allowed(queue_name, connection):
        time.sleep(wait)


@functools.cache
def _limiter(connection, per_minute: int):
    storage = RedisStorage("redis://", connection_pool=connection.connection_pool, key_prefix=keys.rate_limits())
    return MovingWindowRateLimiter(storage), RateLimitItemPerMinute(per_minute)
