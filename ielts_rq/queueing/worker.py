"""ielts-rq's workers: RQ workers with JSON jobs, shared rate limits and Heroku-safe shutdown.

Two modes (README, "Workers"):

- ``fork`` (default): a work horse is forked per job. A crash, a leak or a
  hung C library in one job cannot take the worker down, and the timeout is
  enforced from outside by killing the horse. On SIGTERM the horse keeps
  working for up to ``SHUTDOWN_GRACE`` seconds (Heroku kills at 30); a job
  still running then is interrupted and retried later by its policy.
- ``simple``: jobs run in the worker process itself, about 3.4 times the
  throughput for tiny jobs (README, Performance), warm caches from one job to
  the next. Each job still has its queue's memory ceiling and its timeout;
  under a pool the process is replaced after RECYCLE_AFTER_JOBS jobs, past
  RECYCLE_ABOVE_MB of memory, or after a job that ran out of memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing.connection
import os
import resource
import signal
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from multiprocessing.context import ForkProcess

import redis
import requests
from rq.command import parse_payload
from rq.exceptions import ShutDownImminentException, StopRequested
from rq.job_lifecycle import call_exception_handlers
from rq.serializers import JSONSerializer
from rq.suspension import WORKERS_SUSPENDED
from rq.timeouts import JobTimeoutException
from rq.utils import import_attribute
from rq.worker import HerokuWorker, SimpleWorker, WorkerStatus
from rq.worker_pool import WorkerPool

from .. import observability
from ..errors import EngineMissing, TransientError
from ..policies import QUEUE_SETTINGS, QUEUES
from .backoff import spread_next_retry
from .connection import get_connection, say_redis_is_full, server_of, wait_for_redis, wait_while_full
from .due import RATE_LIMITED, enqueue_due_jobs
from .queues import IeltsQueue, JsonJob, get_queue, job_name, register_queues
from ..settings import get_settings, redact
from .ratelimit import provider_of, seconds_until_allowed
from .tally import JobTally, receive, send
from . import timeline, waiting

log = logging.getLogger("ielts_rq.worker")

SHUTDOWN_GRACE = 25  # seconds a job may go on after SIGTERM: Heroku sends SIGKILL at 30
# A horse deep in native code (a speech decoder, a PDF renderer) never sees the Python exception
# raised at the end of the grace: the worker kills it this much later, still inside the 30 s.
HORSE_KILL_MARGIN = 2
SHUTDOWN_SIGNAL = signal.SIGRTMIN + 1  # sent to the in-process worker's own main thread at the end of the grace
STOP_SIGNAL = signal.SIGRTMIN + 2  # sent to the in-process worker's own main thread by `ielts-rq job stop`
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
FAILURE_STREAK = "failure_streak"  # field of a worker's hash: jobs failed in a row (attempts retried too)


class _IeltsWorkerMixin:
    """What both modes share: policy-aware setup, rate limits, one log line per event, short heartbeats."""

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        # RQ adds a fixed 60 s to every heartbeat; a shorter grace finds abandoned jobs sooner.
        remaining = job.timeout - working_time if job.timeout and job.timeout > 0 else self.job_monitoring_interval
        # Never below the grace: past its timeout a job is still running until it is stopped.
        return int(max(0, min(remaining, self.job_monitoring_interval))) + HEARTBEAT_GRACE

    def __init__(self, queues, **kwargs):
        kwargs.setdefault("serializer", JSONSerializer)
        kwargs.setdefault("job_class", JsonJob)
        kwargs.setdefault("queue_class", IeltsQueue)
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_INTERVAL)
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT_INTERVAL)
        super().__init__(queues, **kwargs)
        self.tally = JobTally()

    def work(self, *args, **kwargs):
        try:
            return super().work(*args, **kwargs)
        finally:
            self._write_tally()  # a worker stopped right after a job has not sent its next heartbeat

    supervised = False  # a worker process of a pool: its supervisor bounds the shutdown

    def handle_payload(self, message):
        # RQ's shutdown command (`ielts-rq workers stop NAME`) signals the worker as a platform's SIGTERM would,
        # which gives a running job only SHUTDOWN_GRACE. Asked by an operator, a busy worker lets its job end.
        if _command_of(message) == "shutdown" and self.get_state() == WorkerStatus.BUSY:
            log.info("worker %s stops after its current job, as requested", self.name)
            self._stop_requested = True
            if self.get_state() == WorkerStatus.BUSY:  # else the job ended meanwhile: stop it idle, below
                return
        super().handle_payload(message)

    def request_force_stop(self, signum, frame):
        # RQ takes a second stop signal for a cold shutdown that kills the job at once. A pool's worker
        # gets two when the platform signals every process and the supervisor passes the stop on: it
        # keeps to its warm shutdown, and the supervisor kills it past POOL_STOP_DEADLINE.
        if self.supervised:
            return
        super().request_force_stop(signum, frame)

    def run_maintenance_tasks(self):
        try:
            super().run_maintenance_tasks()
            enqueue_due_jobs(self.connection, self.queue_names())
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()  # the cleanups wait for memory like the dequeue below

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        if self.tally and timeout is not None:
            # Counts are waiting: look for a job without blocking, and write them before an idle wait.
            found = self._dequeue(None)
            if found:
                return found
            self._write_tally()
        return self._dequeue(timeout, max_idle_time)

    def _dequeue(self, timeout, max_idle_time=None):
        # A Redis over its maxmemory refuses the worker's writes (heartbeat, dequeue); RQ would quit the
        # worker on that. The queued jobs are untouched (the dequeue is one script, refused whole): wait.
        dequeue = super().dequeue_job_and_maintain_ttl
        return wait_while_full(lambda: dequeue(timeout, max_idle_time), lambda: self._stop_requested)

    def prepare_job_execution(self, job, remove_from_intermediate_queue: bool = False) -> None:
        # Every dequeue moves the job id into an intermediate list (dequeue.py), not only
        # RQ's single-queue one: take it out as the job starts, whatever the queue count.
        super().prepare_job_execution(job, remove_from_intermediate_queue=True)

    def execute_job(self, job, queue):
        # The slot is counted on the records' server, shared by every worker whatever queue it serves.
        provider = provider_of(job_name(job))
        wait = seconds_until_allowed(provider, get_connection())
        if wait:
            self._defer(job, queue, wait, provider)
            return
        log.info("job started %s %s queue=%s", job_name(job), job.id, queue.name,
                 extra={"job": job_name(job), "job_id": job.id, "queue": queue.name, "outcome": "started"})
        try:
            super().execute_job(job, queue)
        except redis.exceptions.OutOfMemoryError:
            # A full Redis refused the worker's own bookkeeping around the job (its state, the job's
            # outcome); RQ would quit. A job whose outcome was not written stays in the started
            # registry and comes back when its heartbeat lapses, as after a kill: wait for memory.
            self._wait_for_memory()

    def heartbeat(self, timeout=None, pipeline=None):
        try:
            if pipeline is not None:  # a beat while a job runs (RQ's own pipeline; in simple mode, a thread)
                super().heartbeat(timeout, pipeline)
                return
            # The beat before each dequeue: RQ sends its three commands one by one; here they go in one
            # transaction, with the job counts when they are due (all or nothing).
            counting = self.tally.due()
            if counting and self.connection is not get_connection():  # queues on a server of their own:
                self._write_tally()  # the counts go where the dashboard reads them, with the records
                counting = False
            with self.connection.pipeline() as pipe:
                super().heartbeat(timeout, pipe)
                if counting:
                    self.tally.write(pipe)
                pipe.exists(WORKERS_SUSPENDED)
                suspended = pipe.execute()[-1]
            if counting:
                self.tally.clear()
            self._show_suspension(bool(suspended))
        except redis.exceptions.OutOfMemoryError:
            # RQ's loop quits on any error here; a refused heartbeat is only a late one (the counts wait too).
            say_redis_is_full()

    def _show_suspension(self, suspended: bool) -> None:
        # RQ shows a worker suspended only once it looks between jobs; one suspended while it waits for a job
        # (and takes none: dequeue.py) shows it from its next beat, a few seconds later.
        state = self.get_state()
        if suspended and state == WorkerStatus.IDLE:
            self.set_state(WorkerStatus.SUSPENDED)
        elif not suspended and state == WorkerStatus.SUSPENDED:
            self.set_state(WorkerStatus.IDLE)

    def _write_tally(self) -> None:
        if not self.tally:
            return
        try:
            with get_connection().pipeline() as pipe:  # the records' server: where the counts are read
                self.tally.write(pipe)
                pipe.execute()
            self.tally.clear()
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()  # the counts are kept: the next beat tries again
        except redis.RedisError as exc:
            log.warning("job counts not written yet (kept for the next beat): %s", exc)

    def maintain_heartbeats(self, job, execution):
        try:
            super().maintain_heartbeats(job, execution)
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()  # the next beat tries again; a long outage lets the job be taken for abandoned

    def _wait_for_memory(self) -> None:
        say_redis_is_full()
        wait_while_full(lambda: self.set_state(WorkerStatus.IDLE), lambda: self._stop_requested)

    def perform_job(self, job, queue, execution) -> bool:
        started = time.monotonic()
        with observability.job_span(job, queue.name, job_name(job), flush=self.is_horse):
            ok = super().perform_job(job, queue, execution)
        timeline.job_ended(job)
        if ok:
            seconds = time.monotonic() - started
            log.info("job finished %s %s in %.3fs", job_name(job), job.id, seconds,
                     extra={"job": job_name(job), "job_id": job.id, "queue": queue.name, "duration": round(seconds, 3),
                            "outcome": "finished"})
            self.tally.add(job, "finished", queue.name, seconds)
        return ok

    def handle_exception(self, job, *exc_info):
        # Runs just before RQ decides on a retry: only transient failures keep
        # their retries. One log line instead of RQ's multi-line traceback; in
        # JSON (for log aggregators) the event carries the traceback as a field.
        # It stays on the job too, for `ielts-rq failed show`.
        exc_type, exc, _ = exc_info
        if self._stopped_job_id == job.id:  # `ielts-rq job stop`: RQ marks it stopped, never retried
            log.warning("job stopped %s %s on request", job_name(job), job.id,
                        extra={"job": job_name(job), "job_id": job.id, "queue": job.origin, "outcome": "stopped"})
            call_exception_handlers(self._exc_handlers, job, *exc_info)
            return
        if not is_transient(exc):
            job.retries_left = 0
        will_retry = bool(job.retries_left)
        if will_retry:  # back-off with jitter; a service's Retry-After wins (RQ saves the intervals)
            spread_next_retry(job, exc)
        error = redact(f"{exc_type.__name__}: {str(exc)[:500] or _DEFAULT_REASONS.get(exc_type.__name__, '')}")
        traceback = exc_info if get_settings().log_format == "json" else None
        log.log(logging.WARNING if will_retry else logging.ERROR, "job failed %s %s%s: %s", job_name(job), job.id,
                " (will retry)" if will_retry else "", error, exc_info=traceback,
                extra={"job": job_name(job), "job_id": job.id, "queue": job.origin,
                       "outcome": "retrying" if will_retry else "failed"})
        observability.job_failed(exc_info, final=not will_retry)
        if will_retry:  # RQ keeps no error for a retried attempt; keep it for `ielts-rq job show`
            job.meta["last_error"] = error
            job.save_meta()
            self.tally.add_retry(job.origin)
            timeline.attempt_failed(job, error, self.name)
        else:
            self.tally.add(job, "failed", job.origin)
        call_exception_handlers(self._exc_handlers, job, *exc_info)

    def handle_job_failure(self, job, queue, started_job_registry=None, exc_string="", execution=None):
        stopped = self._stopped_job_id == job.id  # RQ forgets it as it marks the job stopped
        # The traceback is kept in Redis and shown by `failed show` and the dashboard: mask it once here.
        super().handle_job_failure(job, queue, started_job_registry=started_job_registry,
                                   exc_string=redact(exc_string), execution=execution)
        if stopped:  # counted here, in the process that stopped it (a forked job's horse was killed)
            self.tally.add(job, "stopped", job.origin)

    # A worker's failed jobs since its last finished one, on its own record: the monitor's "fails every job".
    def increment_failed_job_count(self, pipeline=None):
        super().increment_failed_job_count(pipeline)
        (pipeline if pipeline is not None else self.connection).hincrby(self.key, FAILURE_STREAK, 1)

    def increment_successful_job_count(self, pipeline=None):
        super().increment_successful_job_count(pipeline)
        (pipeline if pipeline is not None else self.connection).hset(self.key, FAILURE_STREAK, 0)

    def _defer(self, job, queue, wait: float, provider: str) -> None:
        """Over the provider's rate limit: back on its queue's schedule, not failed.

        The job keeps its first ``enqueued_at`` (the mark below tells ``enqueue_due_jobs`` not to
        re-stamp it), so its wait counts from when it was asked for; its meta counts the deferrals,
        and only the first is logged: a busy limit would otherwise fill the log with them.
        """
        deferrals = int(job.meta.get("deferrals") or 0) + 1
        job.meta["deferrals"] = deferrals
        due = waiting.keep_first_due(job)
        when = datetime.now(timezone.utc) + timedelta(seconds=wait)
        with self.connection.pipeline() as pipe:
            pipe.lrem(queue.intermediate_queue_key, 1, job.id)
            queue.schedule_job(job, when, pipeline=pipe)  # saves the job, its meta too
            pipe.hset(job.key, RATE_LIMITED, "1")
            waiting.index(pipe, queue.name, job.id, waiting.RATE_LIMITED, due)
            pipe.execute()
        timeline.deferred(job, wait, provider)
        level = logging.INFO if deferrals == 1 else logging.DEBUG
        log.log(level, "job deferred %s %s by %.1fs (rate limit of %s; deferral %d)", job_name(job), job.id, wait,
                provider, deferrals, extra={"job": job_name(job), "job_id": job.id, "queue": queue.name,
                                            "outcome": "deferred", "provider": provider, "deferrals": deferrals})


def _command_of(message) -> str | None:
    """The command a worker's pubsub message carries, None for anything unreadable (RQ then reports it)."""
    try:
        payload = parse_payload(message)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return payload.get("command") if isinstance(payload, dict) else None


_DEFAULT_REASONS = {"DeserializationError": "job data is not JSON; it was refused, never unpickled",
                    "MemoryError": "the job needed more memory than its queue allows (MEMORY_LIMITS, in MB)"}


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: lost connections, timeouts, overloaded services, a full Redis, a shutdown."""
    return isinstance(exc, (TransientError, ConnectionError, TimeoutError, redis.ConnectionError,
                            redis.TimeoutError, redis.exceptions.OutOfMemoryError, requests.ConnectionError,
                            requests.Timeout,
                            JobTimeoutException, ShutDownImminentException))


class ForkingWorker(_IeltsWorkerMixin, HerokuWorker):
    # HerokuWorker's horse ignores SIGTERM (Heroku signals the whole process
    # group) and, told by its worker, interrupts the job after this delay.
    imminent_shutdown_delay = SHUTDOWN_GRACE
    _stop_requested_at: float | None = None

    def handle_warm_shutdown_request(self):
        self._stop_requested_at = time.monotonic()
        if self.horse_pid:  # RQ warns "no horse found" when an idle worker is stopped: nothing to say then
            # RQ sends SIGRTMIN to the horse's whole process group, and that signal's default action ended
            # what the job had started (Tesseract) at once, so the job lost its grace. The horse alone is
            # told; its group goes once it has ended (wait_for_horse).
            log.info("warm shutdown requested: the job has %ds to finish", SHUTDOWN_GRACE)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.horse_pid, signal.SIGRTMIN)

    def kill_horse(self, sig=signal.SIGKILL):
        # RQ kills the horse's process group; with no horse (a stop-job command arriving just as a job
        # ended) that would be os.getpgid(0): the worker's own group.
        if self.horse_pid:
            super().kill_horse(sig)

    def wait_for_horse(self):
        if not self.horse_pid:
            return super().wait_for_horse()
        if self._stop_requested_at is None:
            self._horse_ended(block=True)
        else:
            # RQ waits for the horse without limit. After a stop request, wait only until the grace
            # and margin are spent, then kill the horse: its job is retried by its policy.
            deadline = self._stop_requested_at + SHUTDOWN_GRACE + HORSE_KILL_MARGIN
            while not self._horse_ended(block=False):
                if time.monotonic() >= deadline:
                    log.warning("work horse %s still busy %ds after the stop request: killing it", self.horse_pid,
                                SHUTDOWN_GRACE + HORSE_KILL_MARGIN)
                    self._killed_at_shutdown = True
                    self.kill_horse(signal.SIGKILL)
                    self._horse_ended(block=True)
                    break
                time.sleep(0.05)
        # What the job started (Tesseract, a subprocess of its own) is in the horse's process group and
        # would outlive a job that returned or timed out, running with nothing to wait for it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.horse_pid, signal.SIGKILL)
        return super().wait_for_horse()  # reaps the horse: only now may its pid, the group's id, be reused

    def _horse_ended(self, block: bool) -> bool:
        """Whether the horse has ended, leaving it unreaped so that its pid still names its process group."""
        flags = os.WEXITED | os.WNOWAIT | (0 if block else os.WNOHANG)
        try:
            return os.waitid(os.P_PID, self.horse_pid, flags) is not None
        except ChildProcessError:  # already reaped
            return True

    def fork_work_horse(self, job, queue):
        # The horse exits right after its job: its counts come back to the worker through a pipe.
        self._tally_from_horse, self._tally_to_worker = os.pipe()
        self._worker_pid = os.getpid()  # what the horse checks its parent against
        super().fork_work_horse(job, queue)
        os.close(self._tally_to_worker)

    def monitor_work_horse(self, job, queue, execution):
        self._horse_killed = False
        try:
            super().monitor_work_horse(job, queue, execution)
        finally:
            self.tally.merge(receive(self._tally_from_horse))
        if self._horse_killed:
            # A horse killed before it started the job leaves the job's id in the queue's
            # intermediate list; RQ would fail and retry the job again a minute later, even
            # after the retry already finished it. Dropped only now that the failure is written:
            # a full Redis refuses that write but not this removal (it frees memory), and the
            # id left in the list is what brings the job back.
            self.connection.lrem(get_queue(job.origin, self.connection).intermediate_queue_key, 1, job.id)

    def perform_job(self, job, queue, execution) -> bool:  # in the horse
        try:
            return super().perform_job(job, queue, execution)
        finally:
            send(self.tally, self._tally_to_worker)

    def main_work_horse(self, job, queue):
        # First thing in the horse: RQ puts it in a process group of its own, so a SIGKILL sent to the
        # worker's group (an OOM kill, a lost container) would leave it running the job unwatched while
        # the job is also retried as abandoned. It dies with its worker instead, and so does everything
        # its job started (Tesseract, a subprocess of the job's own), which is in the horse's group.
        kill_own_group_with_parent(self._worker_pid)
        # In the horse, before the job: a ceiling on its heap, so one oversized input fails its own job
        # with MemoryError rather than taking the machine's memory (and the other workers) with it.
        megabytes = get_settings().memory_limits.get(queue.name)
        if megabytes:
            limit = megabytes * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        self.tally = JobTally()  # the worker's unwritten counts are its own: the horse sends only its job's
        super().main_work_horse(job, queue)

    def setup_work_horse_signals(self):  # in the horse
        super().setup_work_horse_signals()
        # HerokuWorker's horse ignores SIGTERM and SIGINT for its grace (the platform signals every
        # process), and the worker may have been started with SIGQUIT ignored. An ignored signal stays
        # ignored across exec, so every program the job started would ignore it too and outlive a
        # plain kill. A handler that does nothing keeps the horse's grace, and exec resets it.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            if signal.getsignal(signum) == signal.SIG_IGN:
                signal.signal(signum, _ignore_signal)

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        self._horse_killed = True  # RQ writes the failure next; monitor_work_horse tidies up after it
        if getattr(self, "_killed_at_shutdown", False):  # an interruption, not a fault of the job: retried
            job.meta["last_error"] = (f"WorkerShutdown: the job was still running {SHUTDOWN_GRACE + HORSE_KILL_MARGIN}s "
                                      "after the worker was told to stop; its work horse was killed")
            job.save_meta()



class JobStopped(BaseException):
    """Raised in a job that ``ielts-rq job stop`` stops in an in-process worker.

    A BaseException, like RQ's ShutDownImminentException, so that a job's own
    ``except Exception`` does not swallow it.
    """


class InProcessWorker(_IeltsWorkerMixin, SimpleWorker):
    """Jobs in the worker's own process: a heartbeat thread, SIGTERM's grace and `job stop` enforced in-process,
    and each job held to its queue's memory ceiling."""

    _job_in_progress: str | None = None  # the job whose own code the main thread may be running now
    # Set under a pool, whose supervisor starts a fresh process when this one exits: the memory (in MB)
    # past which the worker exits after its job. A job that ran out of memory ends the process too.
    recycle_above_mb: int | None = None

    def perform_job(self, job, queue, execution) -> bool:
        # RQ's in-process worker sends no heartbeat while a job runs, so a killed worker's job came
        # back only after its whole timeout; a thread keeps the short heartbeat going instead.
        stop = threading.Event()
        beat = threading.Thread(target=self._keep_heartbeat, args=(job, execution, stop), daemon=True)
        beat.start()
        try:
            with heap_ceiling(get_settings().memory_limits.get(queue.name)):
                return super().perform_job(job, queue, execution)
        except JobStopped:  # the stop landed between the job's end and RQ's recording of it: record the stop
            self._finalize_failure(job, queue, execution, sys.exc_info())
            return False
        finally:
            self._job_in_progress = None
            if self._stopped_job_id == job.id:  # a stop that came too late: not to be applied to a retry
                self._stopped_job_id = None
            stop.set()
            beat.join()

    def prepare_job_execution(self, job, remove_from_intermediate_queue: bool = False) -> None:
        super().prepare_job_execution(job, remove_from_intermediate_queue)
        self._job_in_progress = job.id  # the job's own code runs next
        self._stop_if_requested()  # a stop that arrived as the job started, before the line above

    def _finalize_success(self, job, queue, execution, return_value) -> None:
        self._job_in_progress = None  # the job's code has returned: RQ's bookkeeping is not to be interrupted
        super()._finalize_success(job, queue, execution, return_value)

    def _finalize_failure(self, job, queue, execution, exc_info) -> None:
        self._job_in_progress = None
        super()._finalize_failure(job, queue, execution, exc_info)

    def kill_horse(self, sig=None):
        # RQ's stop-job command (from its pubsub thread) marks the job stopped and "kills the horse":
        # here the job runs in the main thread, which is told to raise JobStopped in it.
        if self._stopped_job_id:
            signal.pthread_kill(threading.main_thread().ident, STOP_SIGNAL)

    def _stop_requested_job(self, signum, frame):
        self._stop_if_requested()

    def _stop_if_requested(self) -> None:
        # Only inside the job's own code: raised anywhere else it would cut RQ's bookkeeping short.
        if self._job_in_progress is not None and self._stopped_job_id == self._job_in_progress:
            raise JobStopped("stopped on request (ielts-rq job stop)")

    def handle_exception(self, job, *exc_info):
        super().handle_exception(job, *exc_info)
        if exc_info[0] is MemoryError and self.supervised:
            # What the job left behind (a fragmented heap, a half-built cache) is not to be trusted.
            self._recycle("a job ran out of memory")

    def execute_job(self, job, queue):
        super().execute_job(job, queue)
        if self.recycle_above_mb and rss_mb() > self.recycle_above_mb:
            self._recycle(f"its memory passed {self.recycle_above_mb} MB")

    def _recycle(self, why: str) -> None:
        # Between jobs: the loop stops before its next dequeue, the process exits and its pool starts another.
        if not self._stop_requested:
            log.info("worker %s exits after its job to be replaced: %s", self.name, why)
            self._stop_requested = True

    def _keep_heartbeat(self, job, execution, stop: threading.Event) -> None:
        while not stop.wait(self.job_monitoring_interval):
            try:
                self.maintain_heartbeats(job, execution)
            except redis.RedisError:
                pass  # the next beat tries again; a lost server is the main loop's business

    def _install_signal_handlers(self):
        super()._install_signal_handlers()
        signal.signal(SHUTDOWN_SIGNAL, self._shutdown_imminent)
        signal.signal(STOP_SIGNAL, self._stop_requested_job)

    def handle_warm_shutdown_request(self):
        # A job running when SIGTERM arrives gets the same grace as in a horse, then is interrupted
        # (and retried by its policy), so the worker is gone before the platform's SIGKILL.
        super().handle_warm_shutdown_request()
        if self.get_state() == WorkerStatus.BUSY:
            timer = threading.Timer(SHUTDOWN_GRACE, signal.pthread_kill,
                                    args=(threading.main_thread().ident, SHUTDOWN_SIGNAL))
            timer.daemon = True
            timer.start()

    def _shutdown_imminent(self, signum, frame):
        if self.get_state() == WorkerStatus.BUSY:
            raise ShutDownImminentException(f"shut down imminent: the job ran {SHUTDOWN_GRACE}s past SIGTERM", {})


WORKER_CLASSES = {"fork": ForkingWorker, "simple": InProcessWorker}

# An in-process worker of a pool is replaced after this many jobs, or after a job that left it over this
# much memory (resident, MB): whatever slowly accumulates in a long-lived process is dropped regularly.
RECYCLE_AFTER_JOBS = 2000
RECYCLE_ABOVE_MB = 600


@contextlib.contextmanager
def heap_ceiling(megabytes: int | None):
    """Within the block, this process may allocate at most ``megabytes`` more than it holds now (RLIMIT_DATA):
    past it an allocation fails with MemoryError, which fails the job in the block instead of the machine."""
    if not megabytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    ceiling = _data_bytes() + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int:
    """What RLIMIT_DATA counts for this process now (its VmData)."""
    return _status_kb("VmData") * 1024


def rss_mb() -> float:
    """This process's resident memory, in MB."""
    return _status_kb("VmRSS") / 1024


def _status_kb(field: str) -> int:
    """A size from /proc/self/status, in kB (0 where there is none)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_INTERVAL = 1.0  # seconds between looks at the parent where the kernel cannot be asked
PARENT_DIED_SIGNAL = signal.SIGRTMIN + 3  # the kernel's word to a horse that its worker died


def _ignore_signal(signum, frame) -> None:
    pass


def kill_own_group_with_parent(parent_pid: int) -> None:
    """In a process just forked from ``parent_pid`` that leads a process group of its own: SIGKILL that
    whole group, itself and everything it started, when the parent dies.

    The kernel sends PARENT_DIED_SIGNAL, whose handler kills the group. A handler runs only between
    Python instructions of the main thread; a thread looking at the parent every PARENT_CHECK_INTERVAL
    kills the group too when the main thread is held in a C call (a native decoder, a wait that
    ignores signals), as threads run while such calls release the interpreter.
    """
    signal.signal(PARENT_DIED_SIGNAL, lambda signum, frame: kill_own_group())
    _kernel_signals_on_parent_death(PARENT_DIED_SIGNAL)
    threading.Thread(target=_watch_parent, args=(parent_pid, kill_own_group), daemon=True,
                     name="parent watch").start()
    if os.getppid() != parent_pid:  # already an orphan: the parent died between the fork and the lines above
        kill_own_group()


def kill_own_group() -> None:
    """SIGKILL this process and, if it leads its own process group, everything else in that group."""
    if os.getpgrp() == os.getpid():  # never the group it was forked from: the worker's, the platform's
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def die_with_parent(parent_pid: int, death_signal: int) -> None:
    """In a process just forked from ``parent_pid``: have ``death_signal`` sent to it when that parent dies.

    Linux sends the signal itself (prctl); elsewhere a thread looks at the parent every
    PARENT_CHECK_INTERVAL. A parent that died before the request took effect is caught by
    the check that follows it.
    """
    if not _kernel_signals_on_parent_death(death_signal):
        threading.Thread(target=_watch_parent, args=(parent_pid, lambda: os.kill(os.getpid(), death_signal)),
                         daemon=True, name="parent watch").start()
    if os.getppid() != parent_pid:  # already an orphan: the parent died between the fork and the line above
        os.kill(os.getpid(), death_signal)


def _kernel_signals_on_parent_death(death_signal: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(death_signal), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc with prctl (a static or unusual build): watch instead
        return False


def _watch_parent(parent_pid: int, on_death) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_INTERVAL)
    on_death()


def prepare(connection, queue_names) -> None:
    """What a worker process does once before its first job."""
    register_queues(connection)
    preload(queue_names)


def preload(queue_names) -> None:
    """Load what jobs on ``queue_names`` need, once: processes forked from this one inherit it."""
    # E.g. the scorer's word lists and model, loaded once here: every forked horse inherits them.
    for loader in dict.fromkeys(QUEUE_SETTINGS[name].preload for name in queue_names):
        if loader:
            try:
                import_attribute(loader)()
            except EngineMissing as exc:  # a core install: jobs that need the engine fail saying so, others run
                log.warning("not preloaded: %s", exc)
    # Keep the garbage collector off the objects loaded so far, so forked horses do not
    # copy their memory pages just to scan them.
    gc.freeze()


def _wait_until_writable(connection) -> None:
    """A worker started while Redis is full waits for memory, as a running one does, instead of quitting."""
    wait_while_full(lambda: register_queues(connection))  # a write: refused whole while Redis is full


def run_worker(queue_names=QUEUES, mode: str = "fork", burst: bool = False, name: str | None = None,
               supervised: bool = False, max_jobs: int | None = None, max_memory_mb: int | None = None) -> bool:
    """Run one worker in this process until stopped (or the queues empty, with burst); ``supervised``: in a pool.

    ``max_jobs`` and ``max_memory_mb`` (in-process mode): the worker exits after that many jobs, or after
    a job that left it over that much memory, for its pool to replace it.
    """
    wait_for_redis()  # a Redis down or hung, now or later, is waited for instead of quitting
    connection = server_of(queue_names)
    _wait_until_writable(connection)
    prepare(connection, queue_names)
    observability.start()  # error tracking and tracing, when configured
    queues = [get_queue(q, connection) for q in queue_names]
    worker = WORKER_CLASSES[mode](queues, connection=connection, name=name)
    worker.supervised = supervised
    if mode == "simple":
        worker.recycle_above_mb = max_memory_mb or None
    log.info("worker %s started pid=%d mode=%s queues=%s", worker.name, os.getpid(), mode, ",".join(queue_names))
    # RQ's own scheduler process is not started: due jobs are moved by every worker (due.py).
    while True:
        try:
            worked = worker.work(burst=burst, with_scheduler=False, logging_level="WARNING", max_jobs=max_jobs or None)
            break
        except redis.exceptions.OutOfMemoryError:
            # Redis filled up between the check above and the worker's registration (the scorer's
            # preload takes seconds): wait for memory and start again, unless it was told to stop.
            if worker._stop_requested:
                raise
            _wait_until_writable(connection)
            worker.register_death()
    observability.flush_now()  # a pool's worker process exits without running atexit handlers
    log.info("worker %s stopped", worker.name)
    return worked


# The pool's supervisor kills a worker process still running this long after the stop: its own grace and
# horse kill come first, and the platform's SIGKILL (at 30 s) after.
POOL_STOP_DEADLINE = SHUTDOWN_GRACE + HORSE_KILL_MARGIN + 1


class _Pool(WorkerPool):
    """RQ's WorkerPool, with each process running ``run_worker`` above, and a stop bounded in time.

    On a stop each worker process gets one SIGTERM: the warm shutdown a lone worker gets, grace
    included. RQ sent SIGINT, and a worker signalled by the platform too (Heroku signals every
    process) took the second signal for a cold shutdown that killed its job at once. A worker
    still running at POOL_STOP_DEADLINE (a job in native code in an in-process worker) is killed.
    """

    _stop_requested_at: float | None = None

    def __init__(self, queue_names, processes: int, mode: str, max_jobs: int | None = None,
                 max_memory_mb: int | None = None):
        super().__init__(list(queue_names), connection=server_of(queue_names), num_workers=processes,
                         worker_class=WORKER_CLASSES[mode], serializer=JSONSerializer, job_class=JsonJob)
        self.mode = mode
        self.recycling = (max_jobs, max_memory_mb)

    def get_worker_process(self, name, burst, _sleep=0, logging_level="INFO"):
        return ForkProcess(target=_pool_child,
                           args=(self._queue_names, self.mode, burst, name, os.getpid(), *self.recycling),
                           name=f"ielts-rq worker {name}")

    def start(self, burst: bool = False, logging_level: str = "INFO"):
        # RQ's loop looks at its workers once a second. Here a worker that exits (one recycled after its
        # jobs, one killed) is noticed at once: the wait below ends when any worker process ends.
        self._burst = burst
        self.status = self.Status.STARTED
        self.start_workers(burst=burst, logging_level=logging_level)
        self._install_signal_handlers()
        while True:
            if self.status == self.Status.STOPPED:
                if self.all_workers_have_stopped():
                    break
            else:
                self.check_workers(respawn=not burst)
                if burst and self.number_of_active_workers == 0:
                    break
            multiprocessing.connection.wait([data.process.sentinel for data in self.worker_dict.values()], timeout=1)

    def reap_workers(self):
        for data in list(self.worker_dict.values()):
            if not data.process.is_alive():  # RQ's own joins each worker for 0.1 s, alive or not
                data.process.join()
                self.handle_dead_worker(data)

    def request_stop(self, signum=None, frame=None):
        if self._stop_requested_at is None:
            self._stop_requested_at = time.monotonic()
            super().request_stop(signum, frame)
        elif time.monotonic() - self._stop_requested_at > 1:  # a second Ctrl-C, not the same stop twice
            self._kill_workers("a second stop signal")

    def stop_worker(self, worker_data, sig=signal.SIGTERM):
        super().stop_worker(worker_data, sig)

    def all_workers_have_stopped(self) -> bool:
        if self._stop_requested_at is not None and time.monotonic() - self._stop_requested_at > POOL_STOP_DEADLINE:
            self._kill_workers(f"still running {POOL_STOP_DEADLINE}s after the stop")
        return super().all_workers_have_stopped()

    def _kill_workers(self, why: str) -> None:
        # Their work horses die with them; their jobs come back as abandoned (README, Reliability).
        for data in list(self.worker_dict.values()):
            if data.process.is_alive():
                log.warning("worker process %s killed: %s", data.pid, why)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(data.pid, signal.SIGKILL)


def _pool_child(queue_names, mode, burst, name, supervisor_pid, max_jobs=None, max_memory_mb=None):
    # Until its worker installs its own handlers a stop ends the process (it runs no job yet); a process
    # forked after the supervisor installed its handlers would otherwise run the supervisor's.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A supervisor killed outright must not leave its workers running unsupervised: they stop, warm.
    die_with_parent(supervisor_pid, signal.SIGTERM)
    try:
        run_worker(queue_names, mode=mode, burst=burst, name=name, supervised=True, max_jobs=max_jobs,
                   max_memory_mb=max_memory_mb)
    except StopRequested:  # stopped while it waited for Redis: said in the log, no traceback
        pass


def run_pool(queue_names=QUEUES, processes: int = 2, mode: str = "fork", burst: bool = False,
             max_jobs: int | None = None, max_memory_mb: int | None = None) -> None:
    """Run ``processes`` workers under one supervisor that restarts any that die (or that exit recycled:
    in-process workers by default after RECYCLE_AFTER_JOBS jobs or past RECYCLE_ABOVE_MB; 0 turns either off)."""
    if mode == "simple":
        max_jobs = RECYCLE_AFTER_JOBS if max_jobs is None else max_jobs
        max_memory_mb = RECYCLE_ABOVE_MB if max_memory_mb is None else max_memory_mb
    wait_for_redis()
    # Loaded once in the supervisor: each worker process it forks, a replacement too, starts warm.
    preload(queue_names)
    _Pool(queue_names, processes, mode, max_jobs, max_memory_mb).start(burst=burst, logging_level="WARNING")
