"""Per-queue rate limits shared by every worker through Redis (the ``limits`` library).

A moving window of one minute per queue (``queues.RATE_LIMITS``). A worker
asks before it runs a job; over the limit, the job is put back on the
queue's schedule for when the window frees, not failed.
"""

from __future__ import annotations

import functools
import time

from .queues import RATE_LIMITS


def seconds_until_allowed(queue_name: str, connection) -> float:
    """0 when a job of this queue may run now (and counts it); else how long to wait."""
    per_minute = RATE_LIMITS.get(queue_name)
    if per_minute is None:
        return 0.0
    limiter, item = _limiter(connection, per_minute)
    if limiter.hit(item, queue_name):
        return 0.0
    reset_at = limiter.get_window_stats(item, queue_name).reset_time
    return max(reset_at - time.time(), 0.05)


@functools.cache
def _limiter(connection, per_minute: int):
    from limits import RateLimitItemPerMinute
    from limits.storage import RedisStorage
    from limits.strategies import MovingWindowRateLimiter

    from .keys import key

    storage = RedisStorage("redis://", connection_pool=connection.connection_pool, key_prefix=key("ratelimit"))
    return MovingWindowRateLimiter(storage), RateLimitItemPerMinute(per_minute)
