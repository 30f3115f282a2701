"""The cron table (UTC, whatever the host's time zone), registered with rq-scheduler.

``CRON_TABLE`` is plain data and ``next_run`` a plain function of a datetime,
so both are tested without Redis or a clock. ``sync`` registers the table
idempotently; ``CronScheduler`` is rq-scheduler's loop with three changes:
times are computed in UTC, a tick is claimed and rescheduled in one Lua step
before it is enqueued so two schedulers can never enqueue it twice (the claim
stays marked until the enqueue, so a scheduler stopped in between loses no
tick: the next cycle completes it), and the lock is extended while a slow
cycle runs.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import crontab
import redis
from rq_scheduler import Scheduler

from ..clock import iso
from ..errors import PermanentError
from ..policies import DAY, HOUR, WEEK, get_policy
from . import keys
from .connection import say_redis_is_full
from .due import enqueue_due_jobs
from .enqueue import describe
from .queues import JsonJob, get_queue, locate_jobs

log = logging.getLogger("ielts_rq.schedule")

ID_PREFIX = "cron-"
RUNS_KEPT = 50
PAUSED = "paused by an operator"  # a skipped tick an operator asked for: recorded, not alerted


@dataclass(frozen=True)
class CronEntry:
    name: str  # stable: the job id is cron-<name>
    cron: str  # minute hour day-of-month month day-of-week, in UTC
    job: str  # a job of policies.POLICIES
    args: tuple = ()
    # Longer than the interval: rq-scheduler drops an entry whose job hash has expired.
    result_ttl: int = DAY

    @property
    def job_id(self) -> str:
        return ID_PREFIX + self.name


CRON_TABLE: tuple[CronEntry, ...] = (
    # The cleanups keep what policies.py says (their jobs' defaults).
    CronEntry("cleanup-old-results", "0 2 * * *", "cleanup_old_results", result_ttl=3 * DAY),
    CronEntry("cleanup-temp-files", "0 3 * * *", "cleanup_temp_files", result_ttl=3 * DAY),
    CronEntry("cleanup-old-analytics", "0 4 * * *", "cleanup_old_analytics", result_ttl=3 * DAY),
    CronEntry("weekly-platform-report", "0 6 * * 1", "generate_weekly_report", ("platform",), result_ttl=3 * WEEK),
    CronEntry("weekly-report-emails", "0 8 * * 1", "send_weekly_reports", (), result_ttl=3 * WEEK),
    CronEntry("health-check", "0 * * * *", "health_check", (), result_ttl=DAY),
    # Not in the platform's old table: the dashboard's queue-depth history and alerts need samples.
    # Every minute: the dashboard's depth and wait graphs are drawn from these samples.
    CronEntry("monitor-queue-depth", "* * * * *", "monitor_queue_depth", (), result_ttl=HOUR),
)


def next_run(cron: str, after: datetime) -> datetime:
    """The first time strictly after ``after`` that matches ``cron``, read in UTC."""
    if after.tzinfo is None:
        raise ValueError("next_run needs an aware datetime")
    return crontab.CronTab(cron).next(now=after.astimezone(timezone.utc), return_datetime=True)


def entry_named(name: str) -> CronEntry:
    for entry in CRON_TABLE:
        if entry.name == name:
            return entry
    raise PermanentError(f"no schedule entry {name!r}; entries are {', '.join(e.name for e in CRON_TABLE)}")


# Registration ---------------------------------------------------------------

def sync(connection, now: datetime | None = None) -> dict:
    """Make Redis hold exactly the table: add or update entries, remove those gone from it."""
    now = now or datetime.now(timezone.utc)
    scheduler = CronScheduler(connection=connection)
    registered = {entry.job_id for entry in CRON_TABLE}
    added = [entry.name for entry in CRON_TABLE if _register(scheduler, entry, now)]
    removed = [job_id for job_id in _registered_ids(scheduler) if job_id not in registered]
    for job_id in removed:
        _unregister(scheduler, job_id)
    return {"added_or_updated": added, "removed": [job_id[len(ID_PREFIX):] for job_id in removed]}


def clear(connection) -> int:
    scheduler = CronScheduler(connection=connection)
    ids = _registered_ids(scheduler)
    for job_id in ids:
        _unregister(scheduler, job_id)
    return len(ids)


def entries(connection, now: datetime | None = None) -> list[dict]:
    """Each entry with its cron line, next run (UTC), last run and outcome."""
    now = now or datetime.now(timezone.utc)
    scheduler = CronScheduler(connection=connection)
    rows, stopped = [], paused(connection)
    for entry in CRON_TABLE:
        score = connection.zscore(scheduler.scheduled_jobs_key, entry.job_id)
        last = last_runs(connection, entry.name, 1)
        rows.append({
            "name": entry.name, "cron": entry.cron, "job": entry.job, "args": list(entry.args),
            "queue": get_policy(entry.job).queue, "registered": score is not None,
            "next_run": iso(datetime.fromtimestamp(score, timezone.utc) if score else next_run(entry.cron, now)),
            "last_run": last[0]["tick"] if last else None,
            "last_outcome": _outcome(connection, entry) if last else None,
            "paused": entry.name in stopped,
        })
    return rows


def pause(connection, name: str) -> None:
    connection.sadd(keys.schedule_paused(), entry_named(name).name)


def resume(connection, name: str) -> None:
    connection.srem(keys.schedule_paused(), entry_named(name).name)


def paused(connection) -> set[str]:
    return {member.decode() for member in connection.smembers(keys.schedule_paused())}


def last_runs(connection, name: str, limit: int = RUNS_KEPT) -> list[dict]:
    return [json.loads(p) for p in connection.lrange(keys.schedule_runs(name), 0, limit - 1)]


def _register(scheduler, entry: CronEntry, now: datetime) -> bool:
    """Write the entry unless Redis already holds the same definition; True if written."""
    policy = get_policy(entry.job)
    connection = scheduler.connection
    if connection.zscore(scheduler.scheduled_jobs_key, entry.job_id) is not None:
        existing = JsonJob.fetch_many([entry.job_id], connection=connection)[0]
        if existing is not None and _same_definition(existing, entry, policy):
            return False
        if existing is None:  # only its record was deleted: restore it and keep the tick already set
            _write_definition(connection, entry)
            return True
    _write_definition(connection, entry)
    connection.zadd(scheduler.scheduled_jobs_key, {entry.job_id: next_run(entry.cron, now).timestamp()})
    return True


def _write_definition(connection, entry: CronEntry) -> None:
    """The job hash rq-scheduler enqueues at each tick, built from the table (the table is the truth)."""
    policy = get_policy(entry.job)
    job = JsonJob.create(policy.func, args=entry.args, connection=connection, id=entry.job_id,
                         result_ttl=entry.result_ttl, timeout=policy.timeout, status="scheduled",
                         description=describe(policy, entry.args))
    job.origin = policy.queue
    job.meta.update(cron_string=entry.cron, schedule_name=entry.name)
    job.save()


def restore_deleted_definitions(connection) -> list[str]:
    """Rewrite the job hash of any entry still scheduled whose hash someone deleted.

    The hash doubles as the last run's record, so deleting a finished run in
    rq-dashboard deleted it, and rq-scheduler then dropped the entry: the next
    tick never ran, silently. Restored before each cycle, the tick runs.
    """
    restored = []
    for entry in CRON_TABLE:
        scheduled = connection.zscore(CronScheduler.scheduled_jobs_key, entry.job_id) is not None
        if scheduled and not connection.exists(keys.rq_job(entry.job_id)):
            _write_definition(connection, entry)
            restored.append(entry.name)
            log.warning("schedule %s: its job record had been deleted; restored from the table, so the next tick "
                        "runs", entry.name)
    return restored


def _same_definition(job, entry: CronEntry, policy) -> bool:
    return (job.func_name == policy.func and list(job.args) == list(entry.args) and job.origin == policy.queue
            and job.meta.get("cron_string") == entry.cron and job.result_ttl == entry.result_ttl
            and job.timeout == policy.timeout)


def _registered_ids(scheduler) -> list[str]:
    members = scheduler.connection.zrange(scheduler.scheduled_jobs_key, 0, -1)
    return [m.decode() for m in members if m.decode().startswith(ID_PREFIX)]


def _unregister(scheduler, job_id: str) -> None:
    scheduler.connection.zrem(scheduler.scheduled_jobs_key, job_id)
    scheduler.connection.hdel(keys.schedule_claimed(), job_id)
    scheduler.connection.delete(keys.rq_job(job_id))


def _outcome(connection, entry: CronEntry) -> str:
    job = locate_jobs([entry.job_id], connection)[0]  # the run on its queue's server, if that is another
    return job.get_status() if job is not None else "expired"


# The scheduler loop ------------------------------------------------------------

class CronScheduler(Scheduler):
    """rq-scheduler's loop, with UTC cron times, claimed ticks and a lock that outlives slow cycles."""

    job_class = JsonJob  # rq-scheduler would otherwise create pickled jobs

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("job_class", JsonJob)
        super().__init__(*args, **kwargs)
        self._lock_token = uuid.uuid4().hex

    def acquire_lock(self):
        try:
            self._lock_acquired = bool(self.connection.set(self.scheduler_lock_key, self._lock_token,
                                                           ex=self._lock_ttl(), nx=True))
        except redis.exceptions.OutOfMemoryError:  # Redis full: skip this cycle; due ticks wait, none is lost
            say_redis_is_full()
            self._lock_acquired = False
        return self._lock_acquired

    def remove_lock(self):
        if self._lock_acquired:
            # Delete only our own lock: after a very slow cycle it may belong to another scheduler.
            self.connection.eval(_DELETE_IF_OWNER, 1, self.scheduler_lock_key, self._lock_token)
            self._lock_acquired = False

    def enqueue_jobs(self):
        restore_deleted_definitions(self.connection)
        self._complete_claimed_ticks()  # first: ticks a scheduler claimed and was stopped before enqueueing
        jobs = super().enqueue_jobs()
        heal_missing_entries(self.connection)
        enqueue_due_jobs(self.connection)  # delayed retries and --in/--at jobs too
        return jobs

    def enqueue_job(self, job):
        """Claim the tick and schedule the next (in UTC), then enqueue the job.

        The claim moves the next run and leaves a claim marker in one Lua step;
        the enqueue, the run's history entry and the marker's removal are one
        transaction. A scheduler stopped between the two (a deploy's SIGTERM, a
        SIGKILL, a refused write) leaves the marker, and the next cycle of any
        scheduler completes the tick: never lost, never enqueued twice.
        """
        self.connection.expire(self.scheduler_lock_key, self._lock_ttl())  # still working: keep the lock
        tick = self.connection.zscore(self.scheduled_jobs_key, job.id)
        if tick is None:
            return
        cron = job.meta.get("cron_string")
        upcoming = next_run(cron, max(datetime.now(timezone.utc), datetime.fromtimestamp(tick, timezone.utc))) \
            if cron else None
        claim = self.connection.register_script(_CLAIM_TICK)
        if not claim(keys=[self.scheduled_jobs_key, keys.schedule_claimed()],
                     args=[job.id, repr(tick), upcoming.timestamp() if upcoming else ""]):
            return  # another scheduler took this tick
        self._complete_tick(job, repr(tick))

    def _complete_claimed_ticks(self) -> None:
        for job_id, tick in self.connection.hgetall(keys.schedule_claimed()).items():
            job_id, tick = job_id.decode(), tick.decode()
            job = JsonJob.fetch_many([job_id], connection=self.connection)[0]
            if job is None:  # its entry left the table meanwhile: nothing to run
                self.connection.hdel(keys.schedule_claimed(), job_id)
                continue
            log.warning("schedule %s: the tick of %s was claimed but not enqueued (a scheduler stopped, or the "
                        "enqueue was refused); enqueueing it now", job.meta.get("schedule_name", job_id),
                        _moment(tick))
            self._complete_tick(job, tick)

    def _complete_tick(self, job, tick: str) -> None:
        """Enqueue (or skip, recorded) a claimed tick; on a Redis error the claim stays for the next cycle."""
        name = job.meta.get("schedule_name", job.id)
        try:
            self._enqueue_claimed(job, tick, name, _moment(tick))
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()
        except redis.exceptions.RedisError as exc:
            log.warning("schedule %s: the tick of %s could not be enqueued (%s); it stays claimed and the next "
                        "cycle tries again", name, _moment(tick), exc)

    def _enqueue_claimed(self, job, tick: str, name: str, moment: str) -> None:
        if self.connection.sismember(keys.schedule_paused(), name):
            log.info("schedule %s: paused; the tick of %s is skipped", name, moment)
            self._finish_tick(job.id, tick, name, {"tick": moment, "skipped": PAUSED, "at": time.time()})
            return
        queue = get_queue(job.origin, self.connection)
        same_server = queue.connection is self.connection
        # The last run: this job, or its copy on the queue's own server when queues are split across servers.
        last = job if same_server else JsonJob.fetch_many([job.id], queue.connection)[0]
        run = {"tick": moment, "enqueued_at": time.time(), "scheduler": self.name}
        if last is not None and last.meta.get("tick") == tick:
            # Enqueued on the queue's own server by a scheduler stopped before it could write the history.
            self._finish_tick(job.id, tick, name, run)
            return
        if last is not None and last.get_status() in ("queued", "started"):
            log.warning("schedule %s: the run before %s has not finished; this tick is skipped", name, moment)
            self._finish_tick(job.id, tick, name,
                              {"tick": moment, "skipped": "the previous run had not finished", "at": time.time()})
            return
        job.meta["tick"] = tick  # which tick this run is: read back when a claim is completed
        if same_server:  # the enqueue goes in the transaction that drops the claim
            enqueued = self._finish_tick(job.id, tick, name, run,
                                         enqueue=lambda pipe: queue.enqueue_job(job, pipeline=pipe))
        else:  # no transaction across servers: the tick in the job's meta tells a completing scheduler
            queue.enqueue_job(job)
            enqueued = self._finish_tick(job.id, tick, name, run)
        if enqueued:
            log.info("schedule %s: enqueued %s for %s", name, job.id, moment)

    def _finish_tick(self, job_id: str, tick: str, name: str, run: dict, enqueue=None) -> bool:
        """Record the run and drop the claim in one transaction (with ``enqueue(pipe)`` when given);
        False if the claim is gone: another scheduler finished this tick (this one was stalled)."""
        claimed = keys.schedule_claimed()
        with self.connection.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(claimed)
                    if pipe.hget(claimed, job_id) != tick.encode():
                        return False
                    pipe.multi()
                    if enqueue is not None:
                        enqueue(pipe)
                    pipe.hdel(claimed, job_id)
                    pipe.lpush(keys.schedule_runs(name), json.dumps(run))
                    pipe.ltrim(keys.schedule_runs(name), 0, RUNS_KEPT - 1)
                    pipe.execute()
                    return True
                except redis.exceptions.WatchError:
                    continue  # another tick's claim changed: look again

    def heartbeat(self):
        try:
            super().heartbeat()
            # A key of our own that says a scheduler is alive, so `status` need not scan rq-scheduler's keys.
            self.connection.set(keys.scheduler_alive(), self.name, ex=self._lock_ttl())
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()  # rq-scheduler would quit: the next cycle tries again

    def _lock_ttl(self) -> int:
        return int(self._interval) + 10


def scheduler_alive(connection) -> str | None:
    """The name of a live scheduler, if one has sent a heartbeat lately."""
    name = connection.get(keys.scheduler_alive())
    return name.decode() if name else None


def heal_missing_entries(connection) -> None:
    """Re-add any table entry missing from the schedule (e.g. a scheduler died mid-tick)."""
    scheduler_key = CronScheduler.scheduled_jobs_key
    now = datetime.now(timezone.utc)
    for entry in CRON_TABLE:
        if connection.zscore(scheduler_key, entry.job_id) is None:
            if connection.exists(keys.rq_job(entry.job_id)):
                connection.zadd(scheduler_key, {entry.job_id: next_run(entry.cron, now).timestamp()}, nx=True)
            else:
                _register(CronScheduler(connection=connection), entry, now)


def _moment(tick: str) -> str:
    return iso(datetime.fromtimestamp(float(tick), timezone.utc))


# KEYS: the schedule, the claimed ticks. ARGV: job id, the tick seen, the next tick ("" for none).
# Only the scheduler that still sees the tick it read moves it on: a tick is enqueued once. The
# claim marker is written with the move, so a scheduler stopped before the enqueue loses nothing.
_CLAIM_TICK = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1])
else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""

_DELETE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
