"""Putting one job ahead of its queue: ``enqueue(..., priority="high")``, ``ielts-rq enqueue ... --priority high``.

A high-priority job goes to the front of its queue (RQ's ``at_front``), so the next free worker of that
queue takes it, whatever waits behind (a paying learner's essay behind a batch of thousands). It is
marked ``priority: high`` in its meta, which is how ``status`` counts the jobs ahead.

No starving the rest: at most ``MAX_AHEAD`` high-priority jobs wait at the front of a queue at a time.
Past that a high-priority job is queued at the back like any other (and says so in its meta), so a flood
of them cannot keep the jobs queued before them waiting for ever: the queue still drains in order.
"""

from __future__ import annotations

import json

from ..errors import PermanentError

NORMAL, HIGH = "normal", "high"
PRIORITIES = (NORMAL, HIGH)
MAX_AHEAD = 100  # high-priority jobs waiting at the front of one queue; past it they queue at the back


def front_of_queue(queue, priority: str) -> dict:
    """The enqueue options for a job of ``priority`` on ``queue``: ``at_front`` and its meta mark."""
    if priority not in PRIORITIES:
        raise PermanentError(f"priority must be one of {', '.join(PRIORITIES)}, got {str(priority)[:40]!r}")
    if priority == NORMAL:
        return {}
    if waiting_ahead(queue) >= MAX_AHEAD:
        return {"meta": {"priority": HIGH, "queued_at_back": f"{MAX_AHEAD} high-priority jobs were ahead"}}
    return {"at_front": True, "meta": {"priority": HIGH}}


def waiting_ahead(queue) -> int:
    """How many high-priority jobs wait at the front of ``queue`` (among its first MAX_AHEAD + 1 jobs)."""
    job_ids = [job_id.decode() for job_id in queue.connection.lrange(queue.key, 0, MAX_AHEAD)]
    if not job_ids:
        return 0
    with queue.connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hget(queue.job_class.key_for(job_id), "meta")
        metas = pipe.execute()
    return sum(_is_high(meta) for meta in metas)


def _is_high(raw) -> bool:
    try:
        meta = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        return False  # a meta that is not JSON: its job is refused by the worker anyway
    return isinstance(meta, dict) and meta.get("priority") == HIGH and "queued_at_back" not in meta
