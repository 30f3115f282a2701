"""Move due jobs (retries with a delay, ``--in``/``--at``, rate-limited jobs) onto their queues.

RQ leaves this to one worker's scheduler process, which holds a lock for 61 s
and which other workers try to take over only every 120 s: when that worker
is killed, delayed retries wait up to three minutes. Here every worker (at
each maintenance) and the cron scheduler (every cycle) move due jobs, each
job atomically in one Lua script, so however many run at once and whoever
dies, a due job is queued exactly once and soon.
"""

from __future__ import annotations

import time

from rq.job import Job
from rq.utils import now, utcformat

from ..policies import QUEUES
from ..runtime import script
from .queues import get_queue
from .waiting import index_keys

BATCH = 500
# A field of a job's hash while the job waits for a rate-limit slot (worker._defer sets it).
RATE_LIMITED = "rate_limited"

# KEYS: scheduled registry, queue list, the two indexes of why a job waits (waiting.py). ARGV: now (epoch s),
# batch size, job key prefix, enqueued_at text, the rate-limit mark.
_MOVE_DUE = """
local moved = 0
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, job_id in ipairs(due) do
    if redis.call('ZREM', KEYS[1], job_id) == 1 then
        local job_key = ARGV[3] .. job_id
        if redis.call('EXISTS', job_key) == 1 then
            -- A job put back by a rate limit keeps its first enqueued_at: its wait counts from then.
            local deferred = redis.call('HDEL', job_key, ARGV[5]) == 1
            if deferred and (redis.call('HGET', job_key, 'enqueued_at') or '') ~= '' then
                redis.call('HSET', job_key, 'status', 'queued')
            else
                redis.call('HSET', job_key, 'status', 'queued', 'enqueued_at', ARGV[4])
            end
            redis.call('RPUSH', KEYS[2], job_id)
            redis.call('ZREM', KEYS[3], job_id)
            redis.call('ZREM', KEYS[4], job_id)
            moved = moved + 1
        end
    end
end
return moved
"""


def enqueue_due_jobs(connection, queue_names=QUEUES) -> int:
    """Queue every job whose scheduled time has come; return how many were moved."""
    move_due = script(connection, _MOVE_DUE)
    moved = 0
    for name in queue_names:
        queue = get_queue(name, connection)
        while True:
            count = move_due(keys=[queue.scheduled_job_registry.key, queue.key, *index_keys(name)],
                           args=[time.time(), BATCH, Job.redis_job_namespace_prefix, utcformat(now()), RATE_LIMITED],
                           client=queue.connection)  # the queue's own server, if queues are split
            moved += count
            if count < BATCH:
                break
    return moved
