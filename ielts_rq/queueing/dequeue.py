"""Take the next job from several queues without ever holding the only copy of its id.

RQ moves a job id from a single queue into the queue's intermediate list with
one atomic ``BLMOVE``, so a worker killed before it starts the job leaves the
id where the registry cleanup finds it. For two or more queues RQ pops with
``BLPOP`` instead (Redis has no blocking move from several lists): a worker
killed between the pop and the start of the job, or a Redis that refuses the
worker's next write, loses the job for good.

Here the move is atomic for any number of queues: one Lua script moves the id
from the first non-empty queue, in the worker's order, into that queue's
intermediate list. When every queue is empty the worker blocks with
``BLMOVE`` on its first queue for at most ``POLL_SECONDS`` and then looks at
all of them again, so a job on another queue waits at most that long for an
idle worker.

A paused queue (``ielts-rq workers suspend --queue Q``: its mark set on the
queue's server) is passed over by the same script, and while the workers are
suspended (RQ's ``rq:suspended``) it takes nothing at all: an idle worker
waiting here takes no job after a suspension, where RQ looks only between jobs.
Neither costs the busy path an extra round trip.
"""

from __future__ import annotations

import logging
import time

from rq.exceptions import DequeueTimeout
from rq.intermediate_queue import IntermediateQueue
from rq.queue import Queue
from rq.suspension import WORKERS_SUSPENDED

from ..runtime import script
from . import keys

POLL_SECONDS = 0.05

log = logging.getLogger("ielts_rq.worker")

# KEYS: queue lists in order of priority, then their intermediate lists, then their paused marks, then RQ's
# suspension key. Returns {queue key, job id} or nil.
_MOVE_FIRST = """
if redis.call('EXISTS', KEYS[#KEYS]) == 1 then
    return nil
end
local count = (#KEYS - 1) / 3
for i = 1, count do
    if redis.call('EXISTS', KEYS[2 * count + i]) == 0 then
        local job_id = redis.call('LMOVE', KEYS[i], KEYS[count + i], 'LEFT', 'RIGHT')
        if job_id then
            return {KEYS[i], job_id}
        end
    end
end
return nil
"""

def move_next(connection, queue_keys: list[str], timeout: float | None) -> tuple[str, str] | None:
    """Move the next job id into its queue's intermediate list; return (queue key, job id).

    ``timeout`` None returns None at once when every queue is empty; otherwise
    this waits up to ``timeout`` seconds and then raises ``DequeueTimeout``.
    A paused queue is passed over as if it were empty.
    """
    intermediate = [IntermediateQueue.get_intermediate_queue_key(key) for key in queue_keys]
    paused_keys = [keys.queue_paused(key.removeprefix(Queue.redis_queue_namespace_prefix)) for key in queue_keys]
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        found = script(connection, _MOVE_FIRST)(keys=[*queue_keys, *intermediate, *paused_keys, WORKERS_SUSPENDED])
        if found:
            queue_key = found[0].decode()
            job_id = _text_or_drop(connection, queue_key, found[1])
        else:
            if deadline is None:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DequeueTimeout(timeout, queue_keys)
            job_id, queue_key = _wait_on_first_open(connection, queue_keys, intermediate, paused_keys,
                                                    min(POLL_SECONDS, remaining))
        if job_id is not None:
            return queue_key, job_id


def _wait_on_first_open(connection, queue_keys, intermediate, paused_keys, seconds: float):
    """Block up to ``seconds`` on the first queue not paused (all paused, or the workers suspended: just wait);
    (job id or None, queue key)."""
    *marks, suspended = connection.mget([*paused_keys, WORKERS_SUSPENDED])
    open_queues = [i for i, mark in enumerate(marks) if mark is None]
    if suspended is not None or not open_queues:
        time.sleep(seconds)
        return None, queue_keys[0]
    first = open_queues[0]
    raw = connection.blmove(queue_keys[first], intermediate[first], seconds)
    return (None if raw is None else _text_or_drop(connection, queue_keys[first], raw)), queue_keys[first]


def _text_or_drop(connection, queue_key: str, raw: bytes) -> str | None:
    """The job id as text; None, with the id dropped from the intermediate list and logged once, when it is
    not UTF-8. RQ never writes such an id, and every reader of it (RQ's cleanup, the triage tools) would
    raise on it in turn: it names no job that could be run, so there is nothing to keep but the log line."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        connection.lrem(IntermediateQueue.get_intermediate_queue_key(queue_key), 1, raw)
        log.warning("dropped an entry of %s that is not a job id (not UTF-8): %r", queue_key, raw[:120])
        return None
