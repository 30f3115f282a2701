"""RQ's queue and job classes as ielts-rq uses them: JSON only, and no job ever dropped.

The queues themselves and each job's policy are the table in
``ielts_rq.policies``; this module turns a queue name into an RQ queue.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from rq import Queue
from rq.exceptions import DeserializationError
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.serializers import JSONSerializer

from ..errors import PermanentError
from ..policies import POLICIES, QUEUES
from ..settings import get_settings
from . import keys
from .connection import get_connection, queue_connection, queue_servers
from .dequeue import move_next

log = logging.getLogger("ielts_rq.worker")


class JsonJob(Job):
    """A job whose data is always JSON, and whose function is one of the registered jobs.

    A message in Redis can never run code: its data is never unpickled, and it
    names a function by a dotted path that a worker imports only if it is a
    job of the policy table (or of a module listed in ``EXTRA_JOB_MODULES``).
    ``os.system`` is refused as "not a registered job" before anything is
    imported. rq-scheduler creates jobs with RQ's default (pickle) serializer
    and has no serializer option; handing it this class makes its jobs JSON too.
    """

    def __init__(self, id=None, connection=None, serializer=None):
        super().__init__(id=id, connection=connection, serializer=serializer or JSONSerializer)

    def get_status(self, refresh: bool = True) -> str:
        # RQ 3 answers a JobStatus, which prints as "JobStatus.FINISHED" in messages and pages. Its
        # plain value compares equal to the enum, so RQ's own checks are unaffected.
        status = super().get_status(refresh)
        return getattr(status, "value", status)

    @property
    def func(self):
        name = self.func_name
        if not is_registered(name):
            raise NotRegistered(f"{str(name)[:120]!r} is not a registered job: refused without importing it")
        return super().func


class NotRegistered(PermanentError):
    """A job names a function that is not one of ielts-rq's jobs."""


def is_registered(func_name) -> bool:
    if not isinstance(func_name, str):
        return False
    module = func_name.rpartition(".")[0]
    return func_name in _REGISTERED or module in get_settings().extra_job_modules


_REGISTERED = frozenset(policy.func for policy in POLICIES.values())


def job_name(job) -> str:
    """The job's function name, or a placeholder when its data cannot be read (a poison message)."""
    try:
        return (job.func_name or "?").rsplit(".", 1)[-1]
    except DeserializationError:
        return "<undecodable>"


# A worker moves a job from its queue to an intermediate list, then starts it within
# milliseconds. RQ calls a job left there lost only after a minute; when a worker
# and its horse are killed in that window, this brings the job back sooner.
STUCK_AFTER = 10  # seconds

# KEYS: intermediate list, queue list, job hash, first-seen mark. ARGV: job id. Only the caller that takes
# the id out of the intermediate list puts it back, so two cleanups cannot queue it twice.
_PUT_BACK = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
    redis.call('HSET', KEYS[3], 'status', 'queued')
    redis.call('LPUSH', KEYS[2], ARGV[1])
    redis.call('DEL', KEYS[4])
    return 1
end
return 0
"""


class _IntermediateQueue(IntermediateQueue):
    def should_be_cleaned_up(self, job_id: str) -> bool:
        first_seen = self.get_first_seen(job_id)
        return first_seen is not None and (datetime.now(timezone.utc) - first_seen).total_seconds() > STUCK_AFTER

    def cleanup(self, worker, queue) -> None:
        """Put a job whose worker died before starting it back at the front of its queue.

        RQ fails such a job (and so drops it unless it has retries left), though it never
        ran: nothing it does has happened yet, so running it now is its first run.
        """
        for job_id in self.get_job_ids():
            if job_id in queue.started_job_registry:
                continue
            job_key = keys.rq_job(job_id)
            if not self.connection.exists(job_key):
                self.remove(job_id)
            elif not self.set_first_seen(job_id) and self.should_be_cleaned_up(job_id):
                if self.connection.eval(_PUT_BACK, 4, self.key, queue.key, job_key,
                                        self.get_first_seen_key(job_id), job_id):
                    log.warning("job requeued %s: taken from queue %s by a worker that died before starting it",
                                job_id, queue.name)


# RQ locks a queue's cleaning for 15 minutes and unlocks it only when the cleaning ends: a
# worker killed (or cut off from Redis) while cleaning stopped the recovery of that queue's
# abandoned jobs for 15 minutes. A cleaning takes milliseconds; the lock outlives it by far.
CLEANING_LOCK_SECONDS = 30


class IeltsQueue(Queue):
    """RQ's queue with JSON jobs, a dequeue that never loses a job, and a quicker recovery of
    jobs left between dequeue and start."""

    def acquire_maintenance_lock(self) -> bool:
        return bool(self.connection.set(self.registry_cleaning_key, 1, nx=True, ex=CLEANING_LOCK_SECONDS))

    @property
    def intermediate_queue(self) -> IntermediateQueue:
        return _IntermediateQueue(self.key, connection=self.connection)

    @classmethod
    def dequeue_any(cls, queues, timeout, connection, job_class=None, serializer=None, death_penalty_class=None):
        # RQ pops from several queues with BLPOP and keeps no copy (dequeue.py says why).
        queue_keys = [queue.key for queue in queues]
        while True:
            found = move_next(connection, queue_keys, timeout)
            if found is None:
                return None
            job = cls._fetch_dequeued_job(connection, *found, job_class=job_class, serializer=serializer,
                                          death_penalty_class=death_penalty_class)
            if job is not None:
                return job


def get_queue(name: str, connection=None) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(QUEUES)}")
    if get_settings().queue_redis_urls:  # queues split across servers: where it lives is configuration's to say
        connection = queue_connection(name)
    return IeltsQueue(name, connection=connection or get_connection(), serializer=JSONSerializer, job_class=JsonJob)


def locate_jobs(job_ids: list[str], connection=None) -> list:
    """The jobs with these ids (None for one not found): on ``connection``'s server, or, with queues split
    across servers, on whichever holds it (a queue's own server first, the records' last)."""
    found = [None] * len(job_ids)
    for server in reversed(_servers(connection)):
        missing = [i for i, job in enumerate(found) if job is None]
        if not missing:
            break
        for i, job in zip(missing, JsonJob.fetch_many([job_ids[i] for i in missing], connection=server)):
            found[i] = job
    return found


def all_workers(connection=None) -> list:
    """The workers registered on every server that holds queues (``connection``'s alone when not split)."""
    from rq.worker import Worker

    return [worker for server in _servers(connection) for worker in Worker.all(connection=server,
                                                                                serializer=JSONSerializer)]


def _servers(connection=None) -> list:
    """Every server that holds queues, REDIS_URL's first; unsplit, ``connection``'s (the caller's client)."""
    return queue_servers() if get_settings().queue_redis_urls else [connection or get_connection()]


def register_queues(connection) -> None:
    """List the queues in RQ's set of queues, so RQ's tools and rq-dashboard show them empty too: all five,
    or with queues split across servers, those that live on ``connection``'s."""
    names = QUEUES
    if get_settings().queue_redis_urls:
        names = [name for name in QUEUES if queue_connection(name) is connection]
    if names:
        connection.sadd(Queue.redis_queues_keys, *(Queue.redis_queue_namespace_prefix + name for name in names))
