"""Per-day platform counters, kept up to date as records are written.

Platform analytics read one hash and one set per day instead of every
record: submissions and scored results per task type, the band
distribution, time to score, and the set of learners active that day. The
counters are history: cleaning up old results does not rewrite them.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..policies import COUNTERS_KEPT_DAYS, DAY
from ..queueing import keys

DAY_TTL = COUNTERS_KEPT_DAYS * DAY

def record_submission(pipe, day: str, task_type: str, user_id: str | None) -> None:
    """Count a new submission (inside the caller's pipeline)."""
    pipe.hincrby(keys.day_counters(day), f"submitted:{task_type}", 1)
    pipe.expire(keys.day_counters(day), DAY_TTL)
    if user_id:
        pipe.sadd(keys.day_learners(day), user_id)
        pipe.expire(keys.day_learners(day), DAY_TTL)


def record_result(pipe, day: str, task_type: str, band: float, seconds_to_score: float) -> None:
    """Count a stored result (inside the caller's pipeline)."""
    pipe.hincrby(keys.day_counters(day), f"scored:{task_type}", 1)
    pipe.hincrby(keys.day_counters(day), f"band:{float(band):.1f}", 1)
    pipe.hincrbyfloat(keys.day_counters(day), "seconds_to_score", max(seconds_to_score, 0.0))
    pipe.expire(keys.day_counters(day), DAY_TTL)


def days(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def daily_counters(connection, start: date, end: date) -> dict[str, dict]:
    """Per day: counters as numbers and the number of active learners."""
    names = days(start, end)
    with connection.pipeline(transaction=False) as pipe:
        for day in names:
            pipe.hgetall(keys.day_counters(day))
            pipe.scard(keys.day_learners(day))
        replies = pipe.execute()
    return {
        day: {"counters": {k.decode(): float(v) for k, v in counters.items()}, "active_learners": learners}
        for day, counters, learners in zip(names, replies[::2], replies[1::2])
    }


def active_learners(connection, start: date, end: date) -> set[str]:
    """Learners who submitted anything between start and end (inclusive)."""
    members = connection.sunion([keys.day_learners(day) for day in days(start, end)])
    return {member.decode() for member in members}
