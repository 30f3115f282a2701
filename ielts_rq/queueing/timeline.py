"""What happened to a job that RQ keeps no trace of: its deferrals, its retried attempts, an operator's actions.

RQ already records the rest, and it is read from there (``ops/jobpage.py``): the job's creation and enqueue
times in its hash, and each attempt that ended it for good (finished, failed, stopped) in its results stream,
with the worker and the attempt's start and end. An attempt that failed and is retried leaves nothing there
(RQ overwrites the job's start, end and worker on the next attempt), nor does a deferral by a rate limit.

Those are appended here to a small list per job (``keys.job_timeline``) on the job's own server, each event
one JSON object. Consecutive deferrals are folded into one with a count (a busy limit defers a job many
times); past MAX_EVENTS the oldest after the first go. The list expires with the job: while the job has no
TTL (it waits or runs) the list keeps the longest a job record is kept (``RETENTION["failed_job"]``), and when
the job ends the list takes the job's own TTL (``job_ended``).

Writing here never fails a job: a write that cannot be made is logged and the job goes on.
"""

from __future__ import annotations

import json
import logging
import time

from ..clock import epoch
from ..policies import RETENTION
from ..runtime import script
from . import keys

MAX_EVENTS = 50
# While the job has no TTL of its own: a job record is never kept longer than this once it ends.
WAITING_TTL_SECONDS = RETENTION["failed_job"].seconds
ERROR_CHARS = 300
MARK = "timeline"  # in a job's meta once an operator's action was appended (a deferral, a retry have their own)

log = logging.getLogger("ielts_rq.worker")

# KEYS: the timeline, the job's hash. ARGV: the event (JSON), the kind folded into the previous event of the
# same kind ('' for none), MAX_EVENTS, the TTL (ms) while the job has none of its own.
_APPEND = """
local folded = false
if ARGV[2] ~= '' then
    local last = redis.call('LINDEX', KEYS[1], -1)
    if last then
        local ok, previous = pcall(cjson.decode, last)
        if ok and type(previous) == 'table' and previous['event'] == ARGV[2] then
            local event = cjson.decode(ARGV[1])
            event['count'] = (tonumber(previous['count']) or 1) + 1
            event['first_at'] = previous['first_at'] or previous['at']
            redis.call('LSET', KEYS[1], -1, cjson.encode(event))
            folded = true
        end
    end
end
if not folded then
    redis.call('RPUSH', KEYS[1], ARGV[1])
    if redis.call('LLEN', KEYS[1]) > tonumber(ARGV[3]) then
        redis.call('LSET', KEYS[1], 1, '__dropped__')
        redis.call('LREM', KEYS[1], 1, '__dropped__')
    end
end
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 then ttl = tonumber(ARGV[4]) end
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
"""

# KEYS: the timeline, the job's hash. The timeline takes the job's TTL (or loses its own if the job has none).
_ALIGN = """
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then
    return redis.call('PEXPIRE', KEYS[1], ttl)
end
return 0
"""


def deferred(job, wait: float, provider: str | None) -> None:
    """The job was put back on its queue's schedule by ``provider``'s rate limit, for ``wait`` seconds."""
    now = time.time()
    _append(job, {"event": "deferred", "at": now, "until": now + wait, "provider": provider,
                  "enqueued_at": epoch(job.enqueued_at)}, fold="deferred")


def attempt_failed(job, error: str, worker: str | None) -> None:
    """An attempt failed and will be retried (its interval already chosen: ``job.retry_intervals``)."""
    now = time.time()
    interval = job.get_retry_interval() if job.retries_left else 0  # as spread by backoff.spread_next_retry
    _append(job, {"event": "attempt", "started_at": epoch(job.started_at), "ended_at": epoch(job.ended_at) or now,
                  "worker": worker, "error": " ".join(str(error).split())[:ERROR_CHARS], "retry_due": now + interval,
                  "enqueued_at": epoch(job.enqueued_at)})


def operator_action(job, action: str) -> None:
    """An operator asked for ``action`` (requeue, cancel, stop) from the dashboard; recorded before it is done."""
    _append(job, {"event": "operator", "action": action, "at": time.time(), "enqueued_at": epoch(job.enqueued_at)})
    try:  # the mark job_ended looks for: the job's next end aligns this timeline's expiry too
        job.meta[MARK] = True
        job.save_meta()
    except Exception as exc:
        log.warning("timeline of job %s: not marked: %s", job.id, type(exc).__name__)


def job_ended(job) -> None:
    """After RQ wrote a job's outcome: a job with a timeline has it expire with the job's hash."""
    if not any(job.meta.get(mark) for mark in ("deferrals", "last_error", MARK)):
        return  # nothing was appended for it (each write above goes with one of these marks): no round trip
    try:
        script(job.connection, _ALIGN)(keys=[keys.job_timeline(job.id), job.key])
    except Exception as exc:  # the timeline is for people: the job's outcome is written already
        log.warning("timeline of job %s: expiry not aligned: %s", job.id, type(exc).__name__)


def recorded(connection, job_id: str) -> list[dict]:
    """The events appended for the job, oldest first; an entry that is not an event is left out."""
    events = []
    for raw in connection.lrange(keys.job_timeline(job_id), 0, MAX_EVENTS):
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(event, dict) and isinstance(event.get("event"), str):
            events.append(event)
    return events


def forget(connection, job_id: str) -> None:
    connection.delete(keys.job_timeline(job_id))


def _append(job, event: dict, fold: str = "") -> None:
    try:
        script(job.connection, _APPEND)(
            keys=[keys.job_timeline(job.id), job.key],
            args=[json.dumps(event), fold, MAX_EVENTS, WAITING_TTL_SECONDS * 1000])
    except Exception as exc:  # the timeline is for people: a job never fails because it could not be written
        log.warning("timeline of job %s: %s not recorded: %s", job.id, event.get("event"), type(exc).__name__)
