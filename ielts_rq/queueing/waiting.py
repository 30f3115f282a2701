"""Why a queue's jobs wait, and how long the oldest has waited since it was first due.

RQ keeps a job that waits for a rate-limit slot, one that waits out a retry's back-off and one asked for
later (``--in``/``--at``) in the same scheduled registry, and stamps ``enqueued_at`` anew whenever a job
goes back on its queue: a backlog of deferrals looked like no wait at all. Here:

- each job carries the time it was first due in its meta (``first_due``): its enqueue, or for
  ``--in``/``--at`` the time asked. It is set once (``enqueue``), kept by every later save, and stamped
  from ``enqueued_at`` at its first deferral or retry when a job came without it (a dependent job, one
  queued by another client);
- a job put back for a rate limit or a retry is also indexed in a sorted set of that reason, scored by
  its first-due time, in the transaction that schedules it; ``enqueue_due_jobs`` takes it out in the
  script that queues it again. Each count is then one ZCARD and each reason's oldest wait one ZRANGE,
  whatever the backlog; the monitor drops ids a cancel or delete left behind (``drop_stale``);
- scheduled for later is what the registry holds besides those; it waits only once its time is past;
- the oldest of the queued jobs is looked for among the first and last ``SAMPLE`` of the queue (the
  queue runs in order, and a job back from a deferral joins at the end): a bounded read, not every job.
"""

from __future__ import annotations

import json
import math
import time
from datetime import datetime, timezone

from ..clock import epoch
from . import keys

FIRST_DUE = "first_due"  # the job's meta field: epoch seconds
RATE_LIMITED, RETRYING = "rate_limited", "retrying"
INDEXED = (RATE_LIMITED, RETRYING)
# What ``waiting_reasons`` counts per queue: ready to run, the two indexed reasons, asked for later, and
# (RQ's deferred registry) waiting for another job to finish.
REASONS = ("queued", RATE_LIMITED, RETRYING, "scheduled", "waiting_on_parent")
LABELS = {"queued": "queued", RATE_LIMITED: "rate-limited", RETRYING: "retrying", "scheduled": "scheduled",
          "waiting_on_parent": "waiting on another job"}
SAMPLE = 50  # queued ids read from each end of a queue for its oldest wait; overdue scheduled ids read


def stamp(at: datetime | None = None) -> dict:
    """The meta that marks a new job first due now, or at ``at`` (a job asked for later)."""
    at = at or datetime.now(timezone.utc)
    return {FIRST_DUE: epoch(at)}


def first_due(job) -> float | None:
    """When the job was first due (epoch seconds): its stamp or its ``enqueued_at``, whichever is earlier."""
    meta = job.meta if isinstance(job.meta, dict) else {}
    return _earliest(meta.get(FIRST_DUE), job.enqueued_at)


def keep_first_due(job) -> float:
    """The job's first-due time, put in its meta when it had none; the caller saves the job after."""
    due = first_due(job) or time.time()
    job.meta[FIRST_DUE] = due
    return due


def index(pipe, queue_name: str, job_id: str, reason: str, due: float) -> None:
    """Count a job just scheduled again as waiting for ``reason`` (on ``pipe``, the queue server's)."""
    pipe.zadd(keys.waiting(queue_name, reason), {job_id: due})


def index_keys(queue_name: str) -> list[str]:
    return [keys.waiting(queue_name, reason) for reason in INDEXED]


def waiting_reasons(queues, now: float | None = None) -> dict[str, dict]:
    """Per queue (RQ queues, each on its own server): how many jobs wait for each reason, how many wait in
    all (queued, rate-limited, retrying), how long the oldest of each reason has waited since it was first
    due (``oldest_waits``), and the oldest of all (``oldest_wait``, ``oldest_reason``)."""
    now = time.time() if now is None else now
    return {queue.name: _reasons(queue, now) for queue in queues}


def _reasons(queue, now: float) -> dict:
    connection, scheduled_key = queue.connection, queue.scheduled_job_registry.key
    with connection.pipeline(transaction=False) as pipe:
        pipe.llen(queue.key)
        pipe.zcard(scheduled_key)
        pipe.zcard(queue.deferred_job_registry.key)
        for key in index_keys(queue.name):
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
        pipe.zrangebyscore(scheduled_key, "-inf", now, start=0, num=SAMPLE, withscores=True)
        pipe.lrange(queue.key, 0, SAMPLE - 1)
        pipe.lrange(queue.key, -SAMPLE, -1)
        queued, scheduled, deferred, limited, limited_head, retrying, retrying_head, overdue, head, tail = \
            pipe.execute()
    # Ids a cancel or delete left in an index are dropped each minute; until then they are not over-counted.
    limited, retrying = min(limited, scheduled), min(retrying, max(scheduled - limited, 0))
    counts = {"queued": queued, RATE_LIMITED: limited, RETRYING: retrying,
              "scheduled": max(scheduled - limited - retrying, 0), "waiting_on_parent": deferred}
    oldest = {RATE_LIMITED: _since(limited_head, now), RETRYING: _since(retrying_head, now),
              "queued": _oldest_queued(connection, dict.fromkeys(head + tail), now),
              "scheduled": _oldest_overdue(connection, queue.name, overdue, now)}
    reason = max(oldest, key=lambda name: oldest[name])
    return {**counts, "waiting": queued + limited + retrying, "oldest_waits": oldest,
            "oldest_wait": oldest[reason], "oldest_reason": reason if oldest[reason] > 0 else None}


def _since(head: list, now: float) -> float:
    """Seconds since the score of a one-member ZRANGE answer (0 for none)."""
    return max(now - head[0][1], 0.0) if head else 0.0


def _oldest_queued(connection, job_ids, now: float) -> float:
    if not job_ids:
        return 0.0
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hmget(keys.rq_job(job_id.decode()), "meta", "enqueued_at")
        records = pipe.execute()
    dues = [_earliest(_stamped(meta), _parse_time(enqueued_at)) for meta, enqueued_at in records]
    return max((now - due for due in dues if due is not None), default=0.0)


def _oldest_overdue(connection, queue_name: str, overdue: list, now: float) -> float:
    """How long the earliest scheduled job past its time, not rate-limited nor retrying, has waited:
    one no worker has queued yet (none runs on its queue), counted from the time it was asked for."""
    if not overdue:
        return 0.0
    with connection.pipeline(transaction=False) as pipe:
        for job_id, _ in overdue:
            for key in index_keys(queue_name):
                pipe.zscore(key, job_id)
        scores = pipe.execute()
    width = len(INDEXED)
    for n, (_, due) in enumerate(overdue):
        if all(score is None for score in scores[n * width:(n + 1) * width]):
            return max(now - due, 0.0)
    return 0.0


def format_wait(seconds: float) -> str:
    """A wait as an operator reads it: ``45s``, ``6 min``, ``3.5 h``."""
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def drop_stale(queue) -> None:
    """Keep in each index only the ids still in the queue's scheduled registry, with their scores (one
    command per index: a cancelled or deleted job no longer counts)."""
    for key in index_keys(queue.name):
        queue.connection.zinterstore(key, {key: 1, queue.scheduled_job_registry.key: 0})


def _stamped(raw_meta) -> float | None:
    try:
        meta = json.loads(raw_meta) if raw_meta else {}
    except (ValueError, UnicodeDecodeError):
        return None  # a meta that is not JSON: its job is refused by the worker anyway
    return meta.get(FIRST_DUE) if isinstance(meta, dict) else None


def _parse_time(raw) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.decode().replace("Z", "+00:00")) if raw else None
    except (ValueError, UnicodeDecodeError):
        return None


def _earliest(stamped, enqueued_at: datetime | None) -> float | None:
    times = []
    if isinstance(stamped, (int, float)) and not isinstance(stamped, bool) and math.isfinite(stamped):
        times.append(float(stamped))
    if enqueued_at is not None:
        times.append(epoch(enqueued_at))
    return min(times, default=None)
