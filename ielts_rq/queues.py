"""The five queues and the one table that gives every job its policy.

Nothing else in ielts-rq names a queue or a timeout: ``enqueue()``, the
workers, the CLI and the scheduler all read ``POLICIES``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from rq import Queue
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.serializers import JSONSerializer

from .errors import IeltsRqError

log = logging.getLogger("ielts_rq.worker")

QUEUES = ("scoring", "file_processing", "email", "analytics", "health")

# The platform's jobs per minute across all workers together; over it a job is delayed.
RATE_LIMITS = {"scoring": 60, "file_processing": 30, "email": 100}

MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass(frozen=True)
class JobPolicy:
    func: str  # dotted path of the plain function the worker imports
    queue: str
    timeout: int  # seconds before the work horse is killed
    result_ttl: int  # seconds a finished job's result is kept
    failure_ttl: int  # seconds a failed job stays in the failed registry
    retry_intervals: tuple[int, ...] = ()  # seconds before each retry of a transient failure
    # Positional arguments are ids or numbers, safe to show in the job's
    # description; False where they may carry user text or addresses.
    describe_args: bool = True
    # One pending job per first argument (a submission id): asking twice while
    # it waits or runs gives back the same job.
    unique: bool = False

    @property
    def name(self) -> str:
        return self.func.rsplit(".", 1)[1]


def _policy(module: str, name: str, queue: str, **kwargs) -> tuple[str, JobPolicy]:
    return name, JobPolicy(func=f"ielts_rq.jobs.{module}.{name}", queue=queue, **kwargs)


_TRANSIENT = (10, 60, 300)  # 10 s, 1 min, 5 min: rides out a service restart
_EMAIL_RETRIES = (10, 60, 300, 900)  # a mail server can be down for longer

WEEK = 7 * DAY

POLICIES: dict[str, JobPolicy] = dict([
    _policy("scoring", "score_submission", "scoring", timeout=120, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, unique=True),
    _policy("scoring", "score_submissions", "scoring", timeout=600, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, describe_args=False),
    _policy("scoring", "score_batch", "scoring", timeout=600, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=(30,), describe_args=False),
    _policy("scoring", "generate_feedback", "scoring", timeout=120, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT, unique=True),
    _policy("scoring", "cleanup_old_results", "scoring", timeout=600, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=(60,)),
    # OCR of a 20-page PDF and a 10-minute recording both fit in these timeouts.
    _policy("files", "process_image", "file_processing", timeout=600, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT),
    _policy("files", "process_audio", "file_processing", timeout=600, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT),
    _policy("files", "upload_to_s3", "file_processing", timeout=300, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT, describe_args=False),
    _policy("files", "cleanup_temp_files", "file_processing", timeout=300, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=(60,)),
    _policy("files", "process_batch", "file_processing", timeout=300, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=(30,), describe_args=False),
    _policy("email", "send_welcome_email", "email", timeout=60, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, describe_args=False),
    _policy("email", "send_scoring_complete", "email", timeout=60, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, unique=True),
    _policy("email", "send_weekly_report", "email", timeout=120, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, unique=True),
    _policy("email", "send_generic_email", "email", timeout=60, result_ttl=DAY, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, describe_args=False),
    # Ten minutes of sending at 100 a minute, and room to spare.
    _policy("email", "send_batch_emails", "email", timeout=1200, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES, describe_args=False),
    _policy("email", "send_platform_report", "email", timeout=300, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_EMAIL_RETRIES),
    _policy("email", "send_weekly_reports", "email", timeout=600, result_ttl=WEEK, failure_ttl=2 * WEEK,
            retry_intervals=_TRANSIENT),
    _policy("analytics", "process_user_analytics", "analytics", timeout=120, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT),
    _policy("analytics", "process_platform_analytics", "analytics", timeout=300, result_ttl=DAY,
            failure_ttl=WEEK, retry_intervals=_TRANSIENT),
    _policy("analytics", "generate_weekly_report", "analytics", timeout=300, result_ttl=WEEK, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT),
    _policy("analytics", "cleanup_old_analytics", "analytics", timeout=600, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=(60,)),
    _policy("health", "health_check", "health", timeout=30, result_ttl=DAY, failure_ttl=DAY),
    _policy("health", "send_alert_webhook", "health", timeout=30, result_ttl=DAY, failure_ttl=WEEK,
            retry_intervals=_TRANSIENT, describe_args=False),
    _policy("health", "monitor_queue_depth", "health", timeout=30, result_ttl=HOUR, failure_ttl=DAY),
])


class JsonJob(Job):
    """A job whose data is always JSON: a message in Redis can never run code.

    rq-scheduler creates jobs with RQ's default (pickle) serializer and has no
    serializer option; handing it this class makes its jobs JSON too.
    """

    def __init__(self, id=None, connection=None, serializer=None):
        super().__init__(id=id, connection=connection, serializer=serializer or JSONSerializer)


def job_name(job) -> str:
    """The job's function name, or a placeholder when its data cannot be read (a poison message)."""
    from rq.exceptions import DeserializationError

    try:
        return (job.func_name or "?").rsplit(".", 1)[-1]
    except DeserializationError:
        return "<undecodable>"


def get_policy(name: str) -> JobPolicy:
    try:
        return POLICIES[name]
    except KeyError:
        raise UnknownJob(name) from None


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
            job_key = JsonJob.redis_job_namespace_prefix + job_id
            if not self.connection.exists(job_key):
                self.remove(job_id)
            elif not self.set_first_seen(job_id) and self.should_be_cleaned_up(job_id):
                if self.connection.eval(_PUT_BACK, 4, self.key, queue.key, job_key,
                                        self.get_first_seen_key(job_id), job_id):
                    log.warning("job requeued %s: taken from queue %s by a worker that died before starting it",
                                job_id, queue.name)


class IeltsQueue(Queue):
    """RQ's queue with JSON jobs, a dequeue that never loses a job, and a quicker recovery of
    jobs left between dequeue and start."""

    @property
    def intermediate_queue(self) -> IntermediateQueue:
        return _IntermediateQueue(self.key, connection=self.connection)

    @classmethod
    def dequeue_any(cls, queues, timeout, connection, job_class=None, serializer=None, death_penalty_class=None):
        # RQ pops from several queues with BLPOP and keeps no copy (dequeue.py says why).
        from .dequeue import move_next

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
    from .connection import get_connection

    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(QUEUES)}")
    return IeltsQueue(name, connection=connection or get_connection(), serializer=JSONSerializer, job_class=JsonJob)


def register_queues(connection) -> None:
    """List all five queues in RQ's set of queues, so RQ's tools and rq-dashboard show them empty too."""
    connection.sadd(Queue.redis_queues_keys, *(Queue.redis_queue_namespace_prefix + name for name in QUEUES))


class UnknownJob(IeltsRqError, LookupError):
    def __init__(self, name: str):
        super().__init__(f"unknown job {name!r}; jobs are {', '.join(sorted(POLICIES))}")
