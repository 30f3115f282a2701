"""ielts-rq's workers: RQ workers with JSON jobs, shared rate limits and Heroku-safe shutdown.

Two modes (README, "Workers"):

- ``fork`` (default): a work horse is forked per job. A crash, a leak or a
  hung C library in one job cannot take the worker down, and the timeout is
  enforced from outside by killing the horse. On SIGTERM the horse keeps
  working for up to ``SHUTDOWN_GRACE`` seconds (Heroku kills at 30); a job
  still running then is interrupted and retried later by its policy.
- ``simple``: jobs run in the worker process itself, about 3.4 times the
  throughput for tiny jobs (README, Performance), without the isolation.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import time
from datetime import datetime, timedelta, timezone
from multiprocessing.context import ForkProcess

import redis
import requests
from rq.exceptions import ShutDownImminentException
from rq.job_lifecycle import call_exception_handlers
from rq.serializers import JSONSerializer
from rq.timeouts import JobTimeoutException
from rq.utils import import_attribute
from rq.worker import HerokuWorker, SimpleWorker
from rq.worker_pool import WorkerPool

from ..errors import TransientError
from ..policies import QUEUE_SETTINGS, QUEUES
from . import keys
from .connection import get_connection
from .due import enqueue_due_jobs
from .queues import IeltsQueue, JsonJob, get_queue, job_name, register_queues
from ..settings import redact
from .ratelimit import seconds_until_allowed

log = logging.getLogger("ielts_rq.worker")

SHUTDOWN_GRACE = 25  # seconds a job may go on after SIGTERM: Heroku sends SIGKILL at 30
# A horse deep in native code (a speech decoder, a PDF renderer) never sees the Python exception
# raised at the end of the grace: the worker kills it this much later, still inside the 30 s.
HORSE_KILL_MARGIN = 2
# How fast a job comes back when its worker and horse are both killed (SIGKILL, a lost
# machine), against about ten minutes with RQ's defaults:
# - a job that had started: its heartbeat (refreshed every HEARTBEAT_INTERVAL) lapses
#   HEARTBEAT_GRACE later and the next registry cleanup retries it;
# - a job dequeued but not yet started: the cleanup puts it back at the front of its queue
#   after queues.STUCK_AFTER (it never ran, so this is not a retry).
# Cleanups run every MAINTENANCE_INTERVAL in every worker; an idle worker wakes every
# WORKER_TTL - 15 seconds to run them. The retry then waits its policy's first interval.
HEARTBEAT_INTERVAL = 5
HEARTBEAT_GRACE = 15
MAINTENANCE_INTERVAL = 5
WORKER_TTL = 20  # an idle worker silent this long is dead


class _IeltsWorkerMixin:
    """What both modes share: policy-aware setup, rate limits, one log line per event."""

    def __init__(self, queues, **kwargs):
        kwargs.setdefault("serializer", JSONSerializer)
        kwargs.setdefault("job_class", JsonJob)
        kwargs.setdefault("queue_class", IeltsQueue)
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_INTERVAL)
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT_INTERVAL)
        super().__init__(queues, **kwargs)

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        enqueue_due_jobs(self.connection, self.queue_names())

    def prepare_job_execution(self, job, remove_from_intermediate_queue: bool = False) -> None:
        # Every dequeue moves the job id into an intermediate list (dequeue.py), not only
        # RQ's single-queue one: take it out as the job starts, whatever the queue count.
        super().prepare_job_execution(job, remove_from_intermediate_queue=True)

    def execute_job(self, job, queue):
        wait = seconds_until_allowed(queue.name, self.connection)
        if wait:
            self._defer(job, queue, wait)
            return
        log.info("job started %s %s queue=%s", job_name(job), job.id, queue.name)
        super().execute_job(job, queue)

    def perform_job(self, job, queue, execution) -> bool:
        started = time.monotonic()
        ok = super().perform_job(job, queue, execution)
        if ok:
            seconds = time.monotonic() - started
            log.info("job finished %s %s in %.3fs", job_name(job), job.id, seconds)
            record_job(self.connection, job_name(job), "finished", seconds)
        return ok

    def handle_exception(self, job, *exc_info):
        # Runs just before RQ decides on a retry: only transient failures keep
        # their retries. One log line instead of RQ's multi-line traceback;
        # the traceback stays on the job for `ielts-rq failed show`.
        exc_type, exc, _ = exc_info
        if not is_transient(exc):
            job.retries_left = 0
        will_retry = bool(job.retries_left)
        error = redact(f"{exc_type.__name__}: {str(exc)[:500] or _DEFAULT_REASONS.get(exc_type.__name__, '')}")
        log.log(logging.WARNING if will_retry else logging.ERROR, "job failed %s %s%s: %s", job_name(job), job.id,
                " (will retry)" if will_retry else "", error)
        if will_retry:  # RQ keeps no error for a retried attempt; keep it for `ielts-rq job show`
            job.meta["last_error"] = error
            job.save_meta()
        else:
            record_job(self.connection, job_name(job), "failed")
        call_exception_handlers(self._exc_handlers, job, *exc_info)

    def handle_job_failure(self, job, queue, started_job_registry=None, exc_string="", execution=None):
        # The traceback is kept in Redis and shown by `failed show` and the dashboard: mask it once here.
        super().handle_job_failure(job, queue, started_job_registry=started_job_registry,
                                   exc_string=redact(exc_string), execution=execution)

    def _defer(self, job, queue, wait: float) -> None:
        """Over the queue's rate limit: back on its schedule, not failed."""
        when = datetime.now(timezone.utc) + timedelta(seconds=wait)
        with self.connection.pipeline() as pipe:
            pipe.lrem(queue.intermediate_queue_key, 1, job.id)
            queue.schedule_job(job, when, pipeline=pipe)
            pipe.execute()
        log.info("job deferred %s %s by %.1fs (rate limit of queue %s)", job_name(job), job.id, wait, queue.name)


_DEFAULT_REASONS = {"DeserializationError": "job data is not JSON; it was refused, never unpickled"}


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: lost connections, timeouts, overloaded services, a shutdown."""
    return isinstance(exc, (TransientError, ConnectionError, TimeoutError, redis.ConnectionError,
                            redis.TimeoutError, requests.ConnectionError, requests.Timeout,
                            JobTimeoutException, ShutDownImminentException))


def record_job(connection, name: str, outcome: str, seconds: float | None = None) -> None:
    """Count a job that ended, per job name: RQ keeps no such totals (``/metrics`` reads them)."""
    with connection.pipeline(transaction=False) as pipe:
        pipe.hincrby(keys.job_counts(), f"{name}:{outcome}", 1)
        if seconds is not None:
            pipe.hincrbyfloat(keys.job_counts(), f"{name}:seconds", seconds)
        pipe.execute()


class ForkingWorker(_IeltsWorkerMixin, HerokuWorker):
    # HerokuWorker's horse ignores SIGTERM (Heroku signals the whole process
    # group) and, told by its worker, interrupts the job after this delay.
    imminent_shutdown_delay = SHUTDOWN_GRACE
    _stop_requested_at: float | None = None

    def handle_warm_shutdown_request(self):
        self._stop_requested_at = time.monotonic()
        super().handle_warm_shutdown_request()

    def wait_for_horse(self):
        # RQ waits for the horse without limit. After a stop request, wait only until the grace
        # and margin are spent, then kill the horse: its job is retried by its policy.
        if self._stop_requested_at is None or not self.horse_pid:
            return super().wait_for_horse()
        deadline = self._stop_requested_at + SHUTDOWN_GRACE + HORSE_KILL_MARGIN
        while time.monotonic() < deadline:
            pid, status, rusage = os.wait4(self.horse_pid, os.WNOHANG)
            if pid:
                return pid, status, rusage
            time.sleep(0.05)
        log.warning("work horse %s still busy %ds after the stop request: killing it", self.horse_pid,
                    SHUTDOWN_GRACE + HORSE_KILL_MARGIN)
        self._killed_at_shutdown = True
        self.kill_horse(signal.SIGKILL)
        return super().wait_for_horse()

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        # A horse killed before it started the job leaves the job's id in the queue's
        # intermediate list; RQ would fail and retry the job again a minute later, even
        # after the retry already finished it. The failure has been handled: drop the id.
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        self.connection.lrem(get_queue(job.origin, self.connection).intermediate_queue_key, 1, job.id)
        if getattr(self, "_killed_at_shutdown", False):  # an interruption, not a fault of the job: retried
            job.meta["last_error"] = (f"WorkerShutdown: the job was still running {SHUTDOWN_GRACE + HORSE_KILL_MARGIN}s "
                                      "after the worker was told to stop; its work horse was killed")
            job.save_meta()

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        # RQ adds a fixed 60 s to every heartbeat; a shorter grace finds abandoned jobs sooner.
        # (Only here: the in-process worker sends no heartbeat while a job runs.)
        remaining = job.timeout - working_time if job.timeout and job.timeout > 0 else self.job_monitoring_interval
        # Never below the grace: past its timeout a job is still running until its horse is killed.
        return int(max(0, min(remaining, self.job_monitoring_interval))) + HEARTBEAT_GRACE


class InProcessWorker(_IeltsWorkerMixin, SimpleWorker):
    pass


WORKER_CLASSES = {"fork": ForkingWorker, "simple": InProcessWorker}


def prepare(connection, queue_names) -> None:
    """What a worker process does once before its first job."""
    register_queues(connection)
    # E.g. the scorer's word lists and model, loaded once here: every forked horse inherits them.
    for preload in dict.fromkeys(QUEUE_SETTINGS[name].preload for name in queue_names):
        if preload:
            import_attribute(preload)()
    # Keep the garbage collector off the objects loaded so far, so forked horses do not
    # copy their memory pages just to scan them.
    gc.freeze()


def run_worker(queue_names=QUEUES, mode: str = "fork", burst: bool = False, name: str | None = None) -> bool:
    """Run one worker in this process until stopped (or the queues empty, with burst)."""
    connection = get_connection()
    prepare(connection, queue_names)
    queues = [get_queue(q, connection) for q in queue_names]
    worker = WORKER_CLASSES[mode](queues, connection=connection, name=name)
    log.info("worker %s started pid=%d mode=%s queues=%s", worker.name, os.getpid(), mode, ",".join(queue_names))
    # RQ's own scheduler process is not started: due jobs are moved by every worker (due.py).
    return worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")


class _Pool(WorkerPool):
    """RQ's WorkerPool, with each process running ``run_worker`` above."""

    def __init__(self, queue_names, processes: int, mode: str):
        super().__init__(list(queue_names), connection=get_connection(), num_workers=processes,
                         worker_class=WORKER_CLASSES[mode], serializer=JSONSerializer, job_class=JsonJob)
        self.mode = mode

    def get_worker_process(self, name, burst, _sleep=0, logging_level="INFO"):
        return ForkProcess(target=_pool_child, args=(self._queue_names, self.mode, burst, name),
                           name=f"ielts-rq worker {name}")


def _pool_child(queue_names, mode, burst, name):
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    run_worker(queue_names, mode=mode, burst=burst, name=name)


def run_pool(queue_names=QUEUES, processes: int = 2, mode: str = "fork", burst: bool = False) -> None:
    """Run ``processes`` workers under one supervisor that restarts any that die."""
    _Pool(queue_names, processes, mode).start(burst=burst, logging_level="WARNING")
