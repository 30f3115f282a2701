"""The one way to put a job on a queue: its door checks passed, its policy from ``policies.POLICIES`` applied.

``enqueue("score_submission", "sub_123")`` for one job; ``enqueue_many`` for
thousands, one pipelined transaction per chunk. Both refuse, before anything is
queued, what the job itself would refuse (``check_call``): arguments that do not
fit its function, and values its own checks reject, with the job's own message.
``ielts-rq enqueue`` goes through the same two functions.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from redis.exceptions import WatchError
from rq import Callback, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import JOB_ID_PATTERN, Job

from ..errors import NotFound, PermanentError
from ..policies import JobPolicy, get_policy
from . import keys, waiting
from .arguments import bind_arguments
from .connection import get_connection
from .priority import NORMAL, front_of_queue
from .queues import JsonJob, get_queue
from .records import ON_FAILURE, ON_STOPPED, ON_SUCCESS

BULK_CHUNK = 1000  # jobs per pipeline in enqueue_many
PENDING = ("queued", "scheduled", "started", "deferred")
RECORD_KEYS = {"submission": keys.submission, "user": keys.user}  # what a policy's ``record`` may name
# RQ calls these when a job ends; they read what to do from the job's meta (``callbacks``).
END_CALLBACKS = {"on_success": Callback(ON_SUCCESS), "on_failure": Callback(ON_FAILURE),
                 "on_stopped": Callback(ON_STOPPED)}


def enqueue(
    name: str,
    *args,
    at: datetime | None = None,
    delay: float | None = None,
    job_id: str | None = None,
    connection=None,
    depends_on: str | Job | Sequence[str | Job] | None = None,
    on_success: str | Sequence | None = None,
    on_failure: str | Sequence | None = None,
    priority: str = NORMAL,
    **kwargs,
) -> Job:
    """Enqueue job ``name`` with its policy; ``at``/``delay`` schedule it for later.

    With ``job_id`` the job is unique: while a job with that id is queued,
    scheduled or running, that job is returned and no second one is made.
    A call the job would refuse raises instead, and nothing is queued:
    ``JobArgumentsError`` for arguments that do not fit, ``NotFound`` for a
    missing submission, the job's own ``PermanentError`` for a bad value.

    ``depends_on`` (job ids or jobs) makes it wait until each of them has finished; it never runs if one
    fails. ``on_success``/``on_failure`` name a job of the policy table to enqueue when this one ends that
    way: ``"send_weekly_report"`` or ``("send_scoring_complete", "sub_1")``, its arguments after its name.
    ``priority="high"`` puts it at the front of its queue (``priority.py``).
    """
    policy = get_policy(name)
    first = _first_argument(check_call(policy, args, kwargs))
    queue = get_queue(policy.queue, connection)
    if job_id is None and policy.unique:
        job_id = unique_job_id(policy, first)
    if policy.record:
        require_record(policy, first)
    options = {**_as_enqueue_kwargs(job_options(policy, args, job_id)), "args": args, "kwargs": kwargs}
    options.update(_follow_ups(on_success, on_failure))
    if delay is not None:
        at = datetime.now(timezone.utc) + timedelta(seconds=delay)
    if priority != NORMAL:
        if at is not None:
            raise PermanentError("a job is put ahead when it is queued now: priority does not go with at/delay")
        front = front_of_queue(queue, priority)
        options.update(front, meta={**options.get("meta", {}), **front.get("meta", {})})
    if depends_on is None:  # a job waiting for others is first due when they finish: its enqueued_at says when
        options["meta"] = {**options.get("meta", {}), **waiting.stamp(at)}
    if depends_on is not None:
        if at is not None:
            raise PermanentError("a job that waits for other jobs runs when they finish: depends_on does not go "
                                 "with at/delay")
        options["depends_on"] = parent_jobs(queue, depends_on)
        if job_id is not None:
            return _put_waiting(queue, policy.func, job_id, options)
    if job_id is None:
        return _put(queue, policy.func, at, options)
    for _ in range(2):
        try:
            return _put(queue, policy.func, at, {**options, "unique": True})
        except DuplicateJobError:
            try:
                existing = JsonJob.fetch(job_id, connection=queue.connection)
            except NoSuchJobError:
                continue  # it expired or was replaced meanwhile: try again
            if existing.get_status() in PENDING:
                return existing
            existing.delete()  # finished or failed: a new request runs again
    raise DuplicateJobError(f"job {job_id} is being replaced by another process; try again")


def parent_jobs(queue, depends_on) -> list[str]:
    """The ids of the jobs a new job is to wait for, each checked to exist and not to have failed."""
    given = [depends_on] if isinstance(depends_on, (str, Job)) else depends_on
    if not isinstance(given, (list, tuple)) or not given:
        raise PermanentError("depends_on must be a job id, a job, or a non-empty list of them")
    ids = [item.id if isinstance(item, Job) else item for item in given]
    for job_id in ids:
        if not isinstance(job_id, str) or not JOB_ID_PATTERN.fullmatch(job_id) or len(job_id) > 128:
            raise PermanentError(f"depends_on: {str(job_id)[:40]!r} is not a job id "
                                 "(letters, digits, '_' and '-')")
    for job_id, job in zip(ids, JsonJob.fetch_many(ids, connection=queue.connection, exact=True)):
        if job is None:
            raise NotFound(f"job {job_id} not found: a job can only wait for a job that exists")
        if job.get_status() in ("failed", "stopped", "canceled"):
            raise PermanentError(f"job {job_id} has {job.get_status()}: a job waiting for it would never run")
    return list(dict.fromkeys(ids))


def _put_waiting(queue, func: str, job_id: str, options: dict) -> Job:
    """A job with an id of its own that waits for others. RQ's atomic unique enqueue does not take
    dependencies: a pending job with the id is returned, as ``unique`` would, else the job is made."""
    try:
        existing = JsonJob.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        existing = None
    if existing is not None:
        if existing.get_status() in PENDING:
            return existing
        existing.delete()
    return queue.enqueue(func, **options)


def _follow_ups(on_success, on_failure) -> dict:
    """The meta and RQ callbacks that enqueue a registered job when this one ends (``callbacks``)."""
    meta = {what: follow_up_spec(value, what)
            for what, value in (("on_success", on_success), ("on_failure", on_failure)) if value is not None}
    if not meta:
        return {}
    return {"meta": meta, **END_CALLBACKS}


def follow_up_spec(value, what: str) -> dict:
    """``on_success="job"`` or ``("job", arg, ...)`` as kept in the job's meta: ``{"job": name, "args": [...]}``.
    An unknown job, or arguments its door checks refuse, raise here, before anything is queued."""
    if isinstance(value, str):
        name, args = value, []
    elif isinstance(value, (tuple, list)) and value and isinstance(value[0], str):
        name, args = value[0], list(value[1:])
    else:
        raise PermanentError(f"{what} must be a job name, or a job name and its arguments: got {str(value)[:80]!r}")
    check_call(get_policy(name), args, {})
    return {"job": name, "args": args}


def _put(queue, func: str, at: datetime | None, options: dict) -> Job:
    if at is not None:
        return queue.enqueue_at(at, func, **options)
    return queue.enqueue(func, **options)


def check_call(policy: JobPolicy | str, args: Sequence, kwargs: dict) -> inspect.BoundArguments:
    """Refuse a call its job would refuse, before any work. No Redis, so cheap enough for every job of a
    bulk enqueue: the arguments must bind to the job's signature, then pass the job's own door check (its
    policy's ``door_check``, which raises a ``PermanentError`` with the job's message)."""
    policy = get_policy(policy) if isinstance(policy, str) else policy
    bound = bind_arguments(policy.name, _job_signature(policy.func), args, kwargs)
    if policy.door_check:
        _function(policy.door_check)(*args, **kwargs)
    return bound


@lru_cache(maxsize=None)
def _job_signature(func: str) -> inspect.Signature:
    """The job function's signature, from its module as a worker imports it."""
    return inspect.signature(_function(func))


@lru_cache(maxsize=None)
def _function(dotted: str) -> Callable:
    """The function a policy names by its dotted path (a job, its door check), imported on first use."""
    module_name, _, function_name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


def _first_argument(bound: inspect.BoundArguments):
    """The value of the job's first parameter, given by position or by name (None when not given)."""
    first = next(iter(bound.signature.parameters), None)
    return bound.arguments.get(first) if first else None


def require_record(policy: JobPolicy, record_id) -> None:
    """Refuse a job for a record (the policy's ``record``, a submission) that does not exist: one round trip."""
    if not isinstance(record_id, str) or not JOB_ID_PATTERN.fullmatch(record_id) or len(record_id) > 64:
        raise PermanentError(f"invalid {policy.record} id {repr(record_id)[:40]}: "
                             "use 1-64 letters, digits, '_' or '-'")
    if not get_connection().exists(RECORD_KEYS[policy.record](record_id)):  # records live on REDIS_URL's server
        raise NotFound(f"{policy.record} {record_id} not found")


def enqueue_many(
    name: str,
    calls: Iterable[tuple[Sequence, dict]],
    connection=None,
    on_chunk: Callable[[int, int], None] | None = None,
    resumable: bool = False,
    batch_id: str | None = None,
) -> list[str]:
    """Enqueue one job per ``(args, kwargs)`` in pipelined chunks; return the ids of the jobs queued.

    Every call passes ``check_call`` first. A unique job keeps its one id, and is not queued again while
    a job with that id is pending. With ``resumable``, every other job gets an id made from its call (the
    Nth identical call, the Nth id) and is queued only if no job has that id yet: the same calls enqueued
    again, after a stop half-way (Redis full) or from another process at the same time, queue only what
    is not there. Each chunk is checked and written in one transaction, all of it or none of it;
    ``on_chunk(calls, queued)`` follows each chunk written. With ``batch_id`` each job counts towards that
    batch's completion when it ends (``batching``).

    Records are not looked up here (``require_record``): a round trip per job would slow the fan-outs
    that enqueue thousands of ids they have just read (score_batch, process_batch, the weekly reports),
    and a missing one fails its own job alone.
    """
    policy = get_policy(name)
    queue = get_queue(policy.queue, connection)
    ids: list[str] = []
    chunk, seen, copies = [], set(), {}
    shared = job_options(policy)  # one Retry object and set of TTLs for every job of the call
    shared["meta"] = waiting.stamp()
    if batch_id is not None:
        shared.update(meta={**shared["meta"], "batch": batch_id}, **END_CALLBACKS)
    for args, kwargs in calls:
        first = _first_argument(check_call(policy, args, kwargs))
        job_id = None
        if policy.unique:  # its one id in bulk too; a repeat within the call is dropped
            job_id = unique_job_id(policy, first)
            if job_id in seen:
                continue
            seen.add(job_id)
        elif resumable:
            job_id = call_job_id(policy, args, kwargs, copies)
        chunk.append(queue.prepare_data(policy.func, args=tuple(args), kwargs=kwargs,
                                        **{**shared, "description": describe(policy, args), "job_id": job_id}))
        if len(chunk) == BULK_CHUNK:
            ids += _enqueue_chunk(queue, chunk, policy.unique, on_chunk)
            chunk = []
    if chunk:
        ids += _enqueue_chunk(queue, chunk, policy.unique, on_chunk)
    return ids


def call_job_id(policy: JobPolicy, args: Sequence, kwargs: dict, copies: dict) -> str:
    """``send_welcome_email-<hash of the call>``: the id the same call gets every time. ``copies`` counts
    the identical calls seen so far, so a call made twice in one file is two jobs, not one."""
    call = hashlib.sha256(json.dumps([policy.name, list(args), kwargs], sort_keys=True, default=str).encode())
    copy = copies[call.digest()] = copies.get(call.digest(), 0) + 1
    call.update(b"#%d" % copy)
    return f"{policy.name}-{call.hexdigest()[:40]}"


def _enqueue_chunk(queue, chunk: list, replace_finished: bool, on_chunk) -> list[str]:
    """Queue the chunk's jobs whose id is free, in one transaction.

    An id is free when no job has it (for a unique job: when none pending has it). The ids are WATCHed
    before their status is read, so if another process writes one of them before EXEC, the transaction
    is dropped and the ids still free are looked at again: the check and the write are one atomic step.
    A full Redis refuses the whole transaction, so a chunk is written whole or not at all.
    """
    calls, fresh = len(chunk), chunk
    with queue.connection.pipeline() as pipe:
        while True:
            named = [data.job_id for data in fresh if data.job_id]
            try:
                if named:
                    pipe.watch(*(keys.rq_job(job_id) for job_id in named))
                statuses = _statuses(queue.connection, named)
                fresh = [data for data in fresh if _is_free(statuses.get(data.job_id), replace_finished)]
                pipe.multi()
                jobs = queue.enqueue_many(fresh, pipeline=pipe) if fresh else []
                pipe.execute()
                break
            except WatchError:
                continue  # another process wrote one of these ids meanwhile: look again
    if on_chunk:
        on_chunk(calls, len(jobs))
    return [job.id for job in jobs]


def _statuses(connection, job_ids: list[str]) -> dict:
    """Each job's status (None for no such job), in one round trip."""
    if not job_ids:
        return {}
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hget(keys.rq_job(job_id), "status")
        return {job_id: status.decode() if status else None for job_id, status in zip(job_ids, pipe.execute())}


def _is_free(status: str | None, replace_finished: bool) -> bool:
    return status is None or (replace_finished and status not in PENDING)


def unique_job_id(policy: JobPolicy, first_arg) -> str:
    """``score_submission-sub_123``: the one id a pending job for this argument has."""
    if not isinstance(first_arg, str) or not JOB_ID_PATTERN.fullmatch(first_arg) or len(first_arg) > 64:
        raise PermanentError(f"invalid id {str(first_arg)[:40]!r} for {policy.name}: "
                             "use 1-64 letters, digits, '_' or '-'")
    return f"{policy.name}-{first_arg}"


def job_options(policy: JobPolicy, args: Sequence = (), job_id: str | None = None) -> dict:
    """The RQ options that carry a policy: timeouts, TTLs, retries, description."""
    options = {
        "timeout": policy.timeout,
        "result_ttl": policy.result_ttl,
        "failure_ttl": policy.failure_ttl,
        "description": describe(policy, args),
        "job_id": job_id,
    }
    if policy.retry_intervals:
        options["retry"] = Retry(max=len(policy.retry_intervals), interval=list(policy.retry_intervals))
    return options


def describe(policy: JobPolicy, args: Sequence) -> str:
    """A job description with no user text: the name, and ids where they are safe.

    RQ's default description is the whole call with its arguments (an essay,
    an email address), and rq-dashboard shows descriptions unescaped.
    """
    if not policy.describe_args or not args:
        return policy.name
    shown = ", ".join(_safe_repr(arg) for arg in args[:3])
    return f"{policy.name}({shown}{', ...' if len(args) > 3 else ''})"


def _safe_repr(value) -> str:
    text = str(value)
    if isinstance(value, (int, float)) or (len(text) <= 64 and text.replace("-", "").replace("_", "").isalnum()):
        return text
    return "…"


def _as_enqueue_kwargs(options: dict) -> dict:
    # Queue.enqueue/enqueue_at call the timeout "job_timeout".
    return {("job_timeout" if key == "timeout" else key): value for key, value in options.items()}

