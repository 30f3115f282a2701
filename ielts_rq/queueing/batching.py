"""A batch's completion: one ``complete_batch`` job when its last job ends, exactly once, kills or not.

Each job of a batch carries the batch id in its meta. When it ends for good (finished, or failed with no
retry left) its id and outcome are written into the batch's ``ended`` hash, before its status is: a job
killed first runs again, or is failed by the registry cleanup, and writes the same field again, so a job
is counted once however often it ends. Once the hash holds as many jobs as the batch has (``set_total``,
written by the fan-out after its bulk enqueue), the completion job is enqueued under an id made from the
batch id, only if no job has that id, in one transaction: however many ends (or a fan-out that saves its
total after its last job ended) see the batch complete, one completion job is made. Its state is then
marked on the batch, so later looks stop before the enqueue.
"""

from __future__ import annotations

import hashlib
import logging

from redis.exceptions import WatchError

from ..policies import DAY, get_policy
from ..runtime import script
from . import keys
from .connection import get_connection
from .enqueue import job_options
from .queues import get_queue

log = logging.getLogger("ielts_rq.worker")

COMPLETION_JOB = "complete_batch"
KEPT = 30 * DAY  # as long as the batch record itself

# KEYS: ended hash, completion hash. ARGV: job id ("" for none), outcome, seconds kept.
# Returns 1 when every job of the batch has ended and no completion job was marked as enqueued yet.
_ENDED = """
if ARGV[1] ~= '' then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
    redis.call('EXPIRE', KEYS[1], ARGV[3])
end
local total = redis.call('HGET', KEYS[2], 'total')
if not total or redis.call('HEXISTS', KEYS[2], 'enqueued') == 1 then
    return 0
end
if redis.call('HLEN', KEYS[1]) < tonumber(total) then
    return 0
end
return 1
"""


def item_ended(batch_id: str, job_id: str, outcome: str) -> None:
    """Count job ``job_id`` of the batch as ended (``finished`` or ``failed``); complete the batch if it was
    the last."""
    if _ended(batch_id, job_id, outcome):
        enqueue_completion(batch_id)


def set_total(batch_id: str, total: int) -> None:
    """The number of jobs the batch has; completes it at once if they have all ended already (or it has none)."""
    connection = get_connection()
    with connection.pipeline() as pipe:
        pipe.hset(keys.batch_completion(batch_id), "total", total)
        pipe.expire(keys.batch_completion(batch_id), KEPT)
        pipe.execute()
    if _ended(batch_id, "", ""):
        enqueue_completion(batch_id)


def _ended(batch_id: str, job_id: str, outcome: str) -> bool:
    ended = script(get_connection(), _ENDED)
    return bool(ended(keys=[keys.batch_ended(batch_id), keys.batch_completion(batch_id)], args=[job_id, outcome, KEPT]))


def completion_job_id(batch_id: str) -> str:
    """``complete_batch-<batch id>``: the one id the batch's completion job can have (a digest past 100
    characters, to stay a valid job id)."""
    if len(batch_id) > 100:
        batch_id = hashlib.sha256(batch_id.encode()).hexdigest()[:40]
    return f"{COMPLETION_JOB}-{batch_id}"


def enqueue_completion(batch_id: str) -> bool:
    """Enqueue the batch's completion job unless a job with its id exists; True when this call made it."""
    policy = get_policy(COMPLETION_JOB)
    queue = get_queue(policy.queue)
    job_id = completion_job_id(batch_id)
    made = False
    same_server = queue.connection is get_connection()
    with queue.connection.pipeline() as pipe:
        while True:
            try:
                pipe.watch(keys.rq_job(job_id))
                if pipe.exists(keys.rq_job(job_id)):
                    break  # made before: by another end, or by this one before a kill
                pipe.multi()
                data = queue.prepare_data(policy.func, args=(batch_id,), kwargs={},
                                          **{**job_options(policy, (batch_id,)), "job_id": job_id})
                queue.enqueue_many([data], pipeline=pipe)
                if same_server:  # the mark goes with the job, in the same transaction
                    _mark(pipe, batch_id, job_id, made=True)
                pipe.execute()
                made = True
                break
            except WatchError:
                continue
    if not (made and same_server):
        with get_connection().pipeline() as pipe:  # queues on a server of their own: the mark follows
            _mark(pipe, batch_id, job_id, made)
            pipe.execute()
    if made:
        log.info("batch complete %s: %s enqueued", batch_id, job_id,
                 extra={"batch": batch_id, "job_id": job_id, "outcome": "batch_complete"})
    return made


def _mark(pipe, batch_id: str, job_id: str, made: bool) -> None:
    pipe.hset(keys.batch_completion(batch_id), "enqueued", job_id)
    if made:
        pipe.hincrby(keys.batch_completion(batch_id), "completion_jobs", 1)


def ended_counts(batch_id: str) -> dict:
    """How many jobs of the batch ended finished and failed, and its total and completion state."""
    connection = get_connection()
    outcomes = [value.decode() for value in connection.hvals(keys.batch_ended(batch_id))]
    state = {name.decode(): value.decode() for name, value in connection.hgetall(keys.batch_completion(batch_id)).items()}
    return {"done": outcomes.count("finished"), "failed": outcomes.count("failed"),
            "total": int(state["total"]) if "total" in state else None,
            "completion_job": state.get("enqueued"), "completion_jobs": int(state.get("completion_jobs", 0))}
