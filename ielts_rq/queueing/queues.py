"""RQ's queue and job classes as ielts-rq uses them: JSON only, and no job ever dropped.

The queues themselves and each job's policy are the table in
``ielts_rq.policies``; this module turns a queue name into an RQ queue.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import redis
from rq import Queue
from rq.exceptions import DeserializationError, NoSuchJobError
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.results import Result
from rq.serializers import JSONSerializer
from rq.utils import now, utcformat

from .. import observability
from ..errors import PermanentError
from ..policies import POLICIES, QUEUES
from ..settings import redact
from . import keys, records, waiting
from .arguments import check_arguments
from .connection import get_connection, queue_connection, queues_are_split, servers_holding_queues
from .dequeue import move_next
from .records import callback_problem, is_registered, printable

log = logging.getLogger("ielts_rq.worker")


class JsonJob(Job):
    """A job whose data is always JSON, and whose function is one of the registered jobs.

    A message in Redis can never run code: its data is never unpickled, and it
    names a function by a dotted path that a worker imports only if it is a
    job of the policy table (or of a module listed in ``EXTRA_JOB_MODULES``).
    ``os.system`` is refused as "not a registered job" before anything is
    imported; so is any callback a record names but ielts-rq's own. rq-scheduler
    creates jobs with RQ's default (pickle) serializer and has no serializer
    option; handing it this class makes its jobs JSON too.

    Its record is read field by field (``records``): what RQ cannot read is named
    in ``problems``, and such a job is refused by the worker and shown by the
    triage tools, where RQ raised in both.
    """

    problems: tuple[str, ...] = ()  # what is wrong with the record read from Redis: the job never runs
    readable: bool = True  # False when the job's key holds something other than a hash

    def __init__(self, id=None, connection=None, serializer=None):
        super().__init__(id=id, connection=connection, serializer=serializer or JSONSerializer)

    @classmethod
    def fetch(cls, id: str, connection=None, serializer=None) -> "JsonJob":
        job = cls.fetch_many([id], connection=connection, serializer=serializer)[0]
        if job is None:
            raise NoSuchJobError(f"No such job: {cls.key_for(str(id))}")
        return job

    @classmethod
    def fetch_many(cls, job_ids, connection, serializer=None, exact: bool = False) -> list:
        """The jobs with these ids, None for one without a record. With ``exact``, an id is taken as it
        is; otherwise ``JOB:EXECUTION`` names the job, as RQ reads it."""
        ids = [str(job_id) if exact else _job_part(str(job_id)) for job_id in job_ids]
        with connection.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.hgetall(cls.key_for(job_id))
            answers = pipe.execute(raise_on_error=False)
        return [cls._from_record(job_id, answer, connection, serializer) for job_id, answer in zip(ids, answers)]

    @classmethod
    def _from_record(cls, job_id: str, answer, connection, serializer):
        if isinstance(answer, redis.ResponseError):  # the job's key holds a list, a string...: not a record
            job = cls._blank(job_id, connection, serializer)
            job.readable = False
            job.problems = tuple(filter(None, [records.id_problem(job_id),
                                               f"record: {cls.key_for(printable(job_id))} is not a hash ({answer})"]))
            return job
        if not answer:
            return None
        job = cls._blank(job_id, connection, serializer)
        job.restore(answer)
        return job

    @classmethod
    def _blank(cls, job_id: str, connection, serializer):
        job = cls(connection=connection, serializer=serializer)
        job._id = job_id  # set as stored: an id RQ refuses can still be shown and deleted (never run)
        return job

    def restore(self, raw_data) -> None:
        checked = records.check_record(raw_data)
        problems = [problem for problem in [records.id_problem(self.id)] if problem] + checked.problems
        try:
            super().restore(checked.fields)
        except Exception as exc:  # a field no check foresaw: the job is refused, its record shown as far as read
            problems.append(f"record: unreadable ({type(exc).__name__}: {printable(str(exc))})")
        self.data = checked.data
        self._exc_info = checked.exc_info
        self.problems = tuple(problems)

    def get_status(self, refresh: bool = True) -> str:
        # RQ 3 answers a JobStatus, which prints as "JobStatus.FINISHED" in messages and pages. Its
        # plain value compares equal to the enum, so RQ's own checks are unaffected.
        try:
            status = super().get_status(refresh)
        except (ValueError, redis.ResponseError):  # a status RQ does not know, or a key that is not a hash
            return UNREADABLE
        return getattr(status, "value", status)

    @property
    def func(self):
        if self.problems:
            raise MalformedJob(f"job record refused: {'; '.join(self.problems)}")
        name = self.func_name
        if not is_registered(name):
            raise NotRegistered(f"{str(name)[:120]!r} is not a registered job: refused without importing it")
        return super().func

    def _execute(self):
        check_arguments(self.func, self.args, self.kwargs)  # a bad call fails here, named, and is not retried
        return super()._execute()

    # RQ imports and calls a callback named in the record; only ielts-rq's own are allowed. Refused before any import
    # (the record check refuses the job first; this is the last door).
    @property
    def success_callback(self):
        _only_registered(self._success_callback_name)
        return super().success_callback

    @property
    def failure_callback(self):
        _only_registered(self._failure_callback_name)
        return super().failure_callback

    @property
    def stopped_callback(self):
        _only_registered(self._stopped_callback_name)
        return super().stopped_callback

    def retry(self, queue, pipeline) -> None:
        # The retry keeps the time the job was first due (RQ stamps enqueued_at anew when it is queued
        # again), and one that waits out a back-off is counted as retrying, in the same transaction.
        due = waiting.keep_first_due(self)
        super().retry(queue, pipeline)
        if self.get_status(refresh=False) == "scheduled":
            waiting.index(pipeline, queue.name, self.id, waiting.RETRYING, due)

    def send_webhooks(self, *args, **kwargs) -> None:
        """Never: ielts-rq sets no webhooks, and one written into a record must not reach the network."""


UNREADABLE = "unreadable"  # the status of a job whose status RQ cannot read


class NotRegistered(PermanentError):
    """A job names a function that is not one of ielts-rq's jobs."""


class MalformedJob(PermanentError):
    """A job's record holds fields RQ cannot read or must not act on."""


def _only_registered(callback_name) -> None:
    problem = callback_name and callback_problem(callback_name)
    if problem:
        raise NotRegistered(f"callback {problem}")


def _job_part(job_id: str) -> str:
    """The job's id in RQ's ``JOB:EXECUTION`` form; any other id as it is."""
    head, colon, tail = job_id.partition(":")
    return head if colon and records.JOB_ID.fullmatch(head) and records.JOB_ID.fullmatch(tail) else job_id


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

    def create_job(self, *args, **kwargs) -> Job:
        job = super().create_job(*args, **kwargs)
        observability.carry_trace(job.meta, job_name(job))  # the enqueuer's trace, continued by the job's span
        return job

    @property
    def intermediate_queue(self) -> IntermediateQueue:
        return _IntermediateQueue(self.key, connection=self.connection)

    @classmethod
    def dequeue_any(cls, queues, timeout, connection, job_class=None, serializer=None, death_penalty_class=None):
        # RQ pops from several queues with BLPOP and keeps no copy (dequeue.py says why).
        queue_keys = [queue.key for queue in queues]
        job_class = job_class or JsonJob
        while True:
            found = move_next(connection, queue_keys, timeout)
            if found is None:
                return None
            queue_key, job_id = found
            queue = cls.from_queue_key(queue_key, connection=connection, job_class=job_class, serializer=serializer,
                                       death_penalty_class=death_penalty_class)
            job = job_class.fetch_many([job_id], connection=connection, serializer=serializer, exact=True)[0]
            if job is None:
                continue  # gone meanwhile: the cleanup drops its id from the intermediate list
            problems = refusals(job, queue)
            if problems:  # a poison record fails alone; the worker goes on to the next job
                set_aside(job, queue, problems)
                continue
            return job, queue


def refusals(job, queue) -> list[str]:
    """Why a job taken from ``queue`` must not run: its record's problems, or an origin elsewhere
    (its outcome would be written to another queue's registries, leaving it started here)."""
    problems = list(job.problems)
    if job.readable and job.origin != queue.name and not any(p.startswith("origin:") for p in problems):
        problems.append(f"origin: {printable(job.origin)} is not the queue it was taken from ({queue.name})")
    return problems


# As long as the longest-kept failure of any job, so a refused record waits for an operator as long.
REFUSED_KEPT = max(policy.failure_ttl for policy in POLICIES.values())


def set_aside(job, queue, problems: list[str]) -> None:
    """Fail a job whose record cannot be trusted, without running it: out of the intermediate list and into
    the failed registry with the reason, the record kept as found for whoever looks into it.

    One transaction: a worker killed here leaves the id in the intermediate list, and the job is set aside
    again when it comes back.
    """
    reason = redact(f"MalformedJob: refused without running it: {'; '.join(problems)}")
    with queue.connection.pipeline() as pipe:
        pipe.lrem(queue.intermediate_queue_key, 1, job.id)
        fail_unrun(job, queue, reason, pipe)
        pipe.execute()
    log.error("job refused %s queue=%s: %s", printable(job.id), queue.name, reason,
              extra={"job": "<malformed>", "job_id": printable(job.id), "queue": queue.name, "outcome": "failed"})


def fail_unrun(job, queue, reason: str, pipe) -> None:
    """Into ``queue``'s failed registry with ``reason``, never run (``pipe`` executes it), kept as found."""
    if job.readable:
        pipe.hset(job.key, mapping={"status": "failed", "ended_at": utcformat(now())})
    pipe.expire(job.key, REFUSED_KEPT)
    pipe.zadd(queue.failed_job_registry.key, {job.id: time.time() + REFUSED_KEPT})
    Result.create_failure(job, REFUSED_KEPT, reason, pipeline=pipe)


def get_queue(name: str, connection=None) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(QUEUES)}")
    if queues_are_split():  # queues split across servers: where it lives is configuration's to say
        connection = queue_connection(name)
    return IeltsQueue(name, connection=connection or get_connection(), serializer=JSONSerializer, job_class=JsonJob)


def locate_jobs(job_ids: list[str], connection=None) -> list:
    """The jobs with these ids (None for one not found): on ``connection``'s server, or, with queues split
    across servers, on whichever holds it (a queue's own server first, the records' last)."""
    found = [None] * len(job_ids)
    for server in reversed(servers_holding_queues(connection)):
        missing = [i for i, job in enumerate(found) if job is None]
        if not missing:
            break
        for i, job in zip(missing, JsonJob.fetch_many([job_ids[i] for i in missing], connection=server,
                                                          exact=True)):
            found[i] = job
    return found


def all_workers(connection=None) -> list:
    """The workers registered on every server that holds queues (``connection``'s alone when not split)."""
    from rq.worker import Worker

    return [worker for server in servers_holding_queues(connection) for worker in Worker.all(connection=server,
                                                                                serializer=JSONSerializer)]


def register_queues(connection) -> None:
    """List the queues in RQ's set of queues, so RQ's tools and rq-dashboard show them empty too: all five,
    or with queues split across servers, those that live on ``connection``'s."""
    names = QUEUES
    if queues_are_split():
        names = [name for name in QUEUES if queue_connection(name) is connection]
    if names:
        connection.sadd(Queue.redis_queues_keys, *(Queue.redis_queue_namespace_prefix + name for name in names))
