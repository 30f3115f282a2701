"""The cron table (``crontable``) registered with rq-scheduler, and the scheduler that runs it.

``sync`` registers the table idempotently; ``CronScheduler`` is rq-scheduler's
loop with three changes: times are computed in UTC, a tick is claimed and
rescheduled in one Lua step before it is enqueued so two schedulers can never
enqueue it twice (the claim stays marked until the enqueue, so a scheduler
stopped in between loses no tick: the next cycle completes it), and the lock
is extended while a slow cycle runs.

Every entry of rq-scheduler's schedule, and every claim, is judged before the
scheduler acts on it (``schedule_checks``): whatever can write to Redis can add
one. One it cannot trust is set aside with its reason, its record failed as a
worker refuses one; an error while handling one entry is that entry's alone.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import redis
from rq.serializers import JSONSerializer
from rq_scheduler import Scheduler

from ..clock import iso
from ..policies import QUEUES, get_policy
from ..runtime import script
from ..settings import redact
from . import keys
from .connection import say_redis_is_full
from .crontable import CRON_TABLE, ID_PREFIX, CronEntry, entry_named, next_run
from .due import enqueue_due_jobs
from .enqueue import describe, enqueue
from .queues import IeltsQueue, JsonJob, fail_unrun, get_queue, locate_jobs
from .records import printable
from .schedule_checks import entry_problems, member_text, tick_problem

log = logging.getLogger("ielts_rq.schedule")

RUNS_KEPT = 50
RUN_NOW_WINDOW = 10  # seconds in which a second Run now of one entry is the same run (a double click)
ENDED = ("finished", "failed", "stopped", "canceled")
PAUSED = "paused by an operator"  # a skipped tick an operator asked for: recorded, not alerted
CLAIM_ATTEMPTS = 3  # a claimed tick whose enqueue fails this often, other than by a refusing server, is set aside
# Where a set-aside record whose origin is no queue is failed: the queue of the platform's own checks.
SET_ASIDE_QUEUE = "health"


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
            # A skipped tick is the last run's news: the job's status is the run before it.
            "last_outcome": (f"skipped ({last[0]['skipped']})" if last and last[0].get("skipped") else
                             _outcome(connection, entry) if last else None),
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


def run_now(connection, name: str) -> tuple[str, bool]:
    """Enqueue an entry's job now and record the run in its history; (job id, whether this call enqueued it).

    A second call within RUN_NOW_WINDOW seconds (a double click, two operators)
    returns the first one's job: one run, not two.
    """
    entry, claim = entry_named(name), keys.schedule_run_now(name)
    if not connection.set(claim, "", nx=True, ex=RUN_NOW_WINDOW):
        return (connection.get(claim) or b"").decode(), False
    try:
        job = enqueue(entry.job, *entry.args)
    except Exception:
        connection.delete(claim)
        raise
    run = {"tick": iso(datetime.now(timezone.utc)), "manual": True, "job_id": job.id, "enqueued_at": time.time()}
    with connection.pipeline() as pipe:
        pipe.set(claim, job.id, ex=RUN_NOW_WINDOW)
        pipe.lpush(keys.schedule_runs(entry.name), json.dumps(run))
        pipe.ltrim(keys.schedule_runs(entry.name), 0, RUNS_KEPT - 1)
        pipe.execute()
    return job.id, True


def run_outcome(job) -> dict:
    """How a run's job went: its status and, once it ran, for how many seconds."""
    seconds = ((job.ended_at - job.started_at).total_seconds()
               if job.started_at and job.ended_at and job.ended_at >= job.started_at else None)
    return {"outcome": job.get_status(), "seconds": seconds}


def current_run(job) -> dict | None:
    """The run an entry's job holds now: its tick, status and duration; None if its tick is unreadable."""
    try:
        tick = _moment(job.meta["tick"])
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    return {"tick": tick, **run_outcome(job)}


def _previous_run(job) -> dict | None:
    """The ended run an entry's job holds, kept with the next tick's record (each tick reuses the job id)."""
    run = current_run(job)
    return run if run is not None and run["outcome"] in ENDED else None


def _register(scheduler, entry: CronEntry, now: datetime) -> bool:
    """Write the entry unless Redis already holds the same definition; True if written."""
    policy = get_policy(entry.job)
    connection = scheduler.connection
    if connection.zscore(scheduler.scheduled_jobs_key, entry.job_id) is not None:
        existing = JsonJob.fetch_many([entry.job_id], connection=connection, exact=True)[0]
        if existing is not None and entry_problems(existing):
            _write_definition(connection, entry, replace=True)
            return True
        if existing is not None and _same_definition(existing, entry, policy):
            return False
        if existing is None:  # only its record was deleted: restore it and keep the tick already set
            _write_definition(connection, entry)
            return True
    _write_definition(connection, entry)
    connection.zadd(scheduler.scheduled_jobs_key, {entry.job_id: next_run(entry.cron, now).timestamp()})
    return True


def _write_definition(connection, entry: CronEntry, replace: bool = False) -> None:
    """The job hash rq-scheduler enqueues at each tick, built from the table (the table is the truth).
    With ``replace``, whatever the key held is dropped first: no spoiled field outlives the rewrite."""
    policy = get_policy(entry.job)
    job = JsonJob.create(policy.func, args=entry.args, connection=connection, id=entry.job_id,
                         result_ttl=entry.result_ttl, timeout=policy.timeout, status="scheduled",
                         description=describe(policy, entry.args))
    job.origin = policy.queue
    job.meta.update(cron_string=entry.cron, schedule_name=entry.name)
    with connection.pipeline() as pipe:
        if replace:
            pipe.delete(keys.rq_job(entry.job_id))
        job.save(pipeline=pipe)
        pipe.execute()


def restore_deleted_definitions(connection) -> list[str]:
    """Rewrite the job hash of any entry still scheduled (or claimed) whose hash someone deleted or spoiled.

    The hash doubles as the last run's record, so deleting a finished run in
    rq-dashboard deleted it, and rq-scheduler then dropped the entry: the next
    tick never ran, silently. Restored before each cycle, the tick runs. A
    record that cannot be trusted is rewritten whole from the table.
    """
    restored = []
    claimed = connection.hgetall(keys.schedule_claimed())
    for entry in CRON_TABLE:
        scheduled = connection.zscore(CronScheduler.scheduled_jobs_key, entry.job_id) is not None
        if not (scheduled or entry.job_id.encode() in claimed):
            continue
        job = JsonJob.fetch_many([entry.job_id], connection=connection, exact=True)[0]
        if job is None:
            _write_definition(connection, entry)
            log.warning("schedule %s: its job record had been deleted; restored from the table, so the next tick "
                        "runs", entry.name)
        elif problems := entry_problems(job):
            _write_definition(connection, entry, replace=True)
            log.warning("schedule %s: its job record could not be trusted (%s); rewritten from the table",
                        entry.name, redact("; ".join(problems)))
        else:
            continue
        restored.append(entry.name)
    return restored


def _same_definition(job, entry: CronEntry, policy) -> bool:
    return (job.func_name == policy.func and list(job.args) == list(entry.args) and job.origin == policy.queue
            and job.meta.get("cron_string") == entry.cron and job.result_ttl == entry.result_ttl
            and job.timeout == policy.timeout)


def _registered_ids(scheduler) -> list[str]:
    members = scheduler.connection.zrange(scheduler.scheduled_jobs_key, 0, -1)
    ids = [member_text(m) for m in members]  # one that is not text is the scheduler's to set aside
    return [job_id for job_id in ids if job_id and job_id.startswith(ID_PREFIX)]


def _unregister(scheduler, job_id: str) -> None:
    scheduler.connection.zrem(scheduler.scheduled_jobs_key, job_id)
    scheduler.connection.hdel(keys.schedule_claimed(), job_id)
    scheduler.connection.hdel(keys.schedule_claim_failures(), job_id)
    scheduler.connection.delete(keys.rq_job(job_id))


def _outcome(connection, entry: CronEntry) -> str:
    job = locate_jobs([entry.job_id], connection)[0]  # the run on its queue's server, if that is another
    return job.get_status() if job is not None else "expired"


def _next_tick(meta: dict, tick: float) -> datetime | None:
    """The tick after ``tick`` (never in the past): by the cron line, else by the interval; None for a one-off."""
    after = max(datetime.now(timezone.utc), datetime.fromtimestamp(tick, timezone.utc))
    if meta.get("cron_string"):
        return next_run(meta["cron_string"], after)
    if meta.get("interval"):
        return datetime.fromtimestamp(after.timestamp() + meta["interval"], timezone.utc)
    return None


# Errors that say the server refused or could not be reached, not that the entry is at fault: the claim stays,
# uncounted, for the next cycle (a full or read-only Redis, a failover, an ACL, a dropped connection).
_SERVER_REFUSED = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.ReadOnlyError,
                   redis.exceptions.NoPermissionError, redis.exceptions.ExecAbortError)
# Errors that are not one entry's: they stop the cycle as they always did.
_NOT_THE_ENTRY = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


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
        jobs = self._enqueue_due_entries()
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
        upcoming = _next_tick(job.meta, tick)
        claim = script(self.connection, _CLAIM_TICK)
        if not claim(keys=[self.scheduled_jobs_key, keys.schedule_claimed()],
                     args=[job.id, repr(tick), upcoming.timestamp() if upcoming else ""]):
            return  # another scheduler took this tick
        self._complete_tick(job, repr(tick))

    def _enqueue_due_entries(self) -> list:
        """rq-scheduler's loop over the due entries, each judged first and each on its own."""
        jobs = []
        for member in self.connection.zrangebyscore(self.scheduled_jobs_key, 0, time.time()):
            with self._one_entry(member):
                job = self._trusted_entry(member)
                if job is not None:
                    self.enqueue_job(job)
                    jobs.append(job)
        return jobs

    def _trusted_entry(self, member: bytes):
        """The entry's job if it can be trusted; otherwise it is set aside and None is returned."""
        job_id = member_text(member)
        if job_id is None:
            self._set_aside(member, None, ["job id: not UTF-8 text"])
            return None
        job = JsonJob.fetch_many([job_id], connection=self.connection, exact=True)[0]
        problems = entry_problems(job)
        if problems:
            self._set_aside(member, job, problems)
            return None
        return job

    def _complete_claimed_ticks(self) -> None:
        for member, tick in self.connection.hgetall(keys.schedule_claimed()).items():
            with self._one_entry(member):
                problem = tick_problem(tick)
                job = self._trusted_entry(member) if not problem else None
                if problem:
                    self._set_aside(member, None, [problem], tick=tick)
                elif job is not None:
                    tick = tick.decode()
                    log.warning("schedule %s: the tick of %s was claimed but not enqueued (a scheduler stopped, or "
                                "the enqueue was refused); enqueueing it now", job.meta.get("schedule_name", job.id),
                                _moment(tick))
                    self._complete_tick(job, tick)

    @contextmanager
    def _one_entry(self, member: bytes):
        """An error while handling one entry is that entry's: logged with its id, and the cycle goes on."""
        self.connection.expire(self.scheduler_lock_key, self._lock_ttl())  # a long cycle keeps its lock
        try:
            yield
        except _NOT_THE_ENTRY:
            raise
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()
        except Exception as exc:
            log.error("schedule entry %s: could not be handled (%s: %s); the other entries go on",
                      printable(member), type(exc).__name__, redact(printable(str(exc), 300)))

    def _complete_tick(self, job, tick: str) -> None:
        """Enqueue (or skip, recorded) a claimed tick. When the server refuses, the claim stays for the next
        cycle; any other failure is counted, and after ``CLAIM_ATTEMPTS`` the claim is set aside."""
        name = job.meta.get("schedule_name", job.id)
        try:
            self._enqueue_claimed(job, tick, name, _moment(tick))
        except redis.exceptions.OutOfMemoryError:
            say_redis_is_full()
        except _SERVER_REFUSED as exc:
            log.warning("schedule %s: the tick of %s could not be enqueued (%s); it stays claimed and the next "
                        "cycle tries again", name, _moment(tick), exc)
        except Exception as exc:
            self._claim_failed(job, tick, exc)

    def _claim_failed(self, job, tick: str, exc: Exception) -> None:
        reason = f"the tick of {_moment(tick)} could not be enqueued ({type(exc).__name__}: {printable(str(exc))})"
        failures = self.connection.hincrby(keys.schedule_claim_failures(), job.id, 1)
        if failures >= CLAIM_ATTEMPTS:
            self._set_aside(job.id.encode(), job, [f"{reason}, {failures} times"], tick=tick.encode())
            return
        log.error("schedule entry %s: %s, failure %d of %d; it stays claimed for the next cycle",
                  printable(job.id), redact(reason), failures, CLAIM_ATTEMPTS)

    def _set_aside(self, member: bytes, job, problems: list[str], tick: bytes | None = None) -> None:
        """Take an entry the scheduler cannot trust (or whose claim keeps failing) out of the schedule and the
        claims, its record into the failed registry with the reason, and say so in one line.

        A table entry stays scheduled, its record the table's (rewritten at the next cycle if spoiled): only
        its claim is dropped, and the skipped tick is written in its history with the reason.
        """
        reason = redact("; ".join(problems))
        job_id = member_text(member)
        entry = next((e for e in CRON_TABLE if e.job_id == job_id), None)
        with self.connection.pipeline() as pipe:
            pipe.hdel(keys.schedule_claimed(), member)
            pipe.hdel(keys.schedule_claim_failures(), member)
            if entry is not None:
                if tick is not None:
                    moment = _moment(tick.decode()) if not tick_problem(tick) else printable(tick)
                    run = {"tick": moment, "skipped": reason, "at": time.time()}
                    pipe.lpush(keys.schedule_runs(entry.name), json.dumps(run))
                    pipe.ltrim(keys.schedule_runs(entry.name), 0, RUNS_KEPT - 1)
            else:
                pipe.zrem(self.scheduled_jobs_key, member)
                if job is not None:
                    fail_unrun(job, self._failed_queue(job), f"MalformedJob: scheduled entry refused without "
                               f"running it: {reason}", pipe)
            pipe.execute()
        log.error("schedule entry %s set aside: %s", printable(member), reason)

    def _failed_queue(self, job):
        """The queue whose failed registry takes a set-aside record: its origin, if that is a queue. Built on
        the scheduler's server, where the record is (with queues split, ``failed list`` looks elsewhere)."""
        name = job.origin if job.readable and job.origin in QUEUES else SET_ASIDE_QUEUE
        return IeltsQueue(name, connection=self.connection, serializer=JSONSerializer, job_class=JsonJob)

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
        if last is not None and (previous := _previous_run(last)):
            run["previous"] = previous
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
                    pipe.hdel(keys.schedule_claim_failures(), job_id)
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
