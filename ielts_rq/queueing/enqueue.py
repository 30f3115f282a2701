"""The one way to put a job on a queue: its policy from ``policies.POLICIES`` applied.

``enqueue("score_submission", "sub_123")`` for one job; ``enqueue_many`` for
thousands, one pipelined ``Queue.enqueue_many`` per chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone

from rq import Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import JOB_ID_PATTERN, Job

from ..errors import PermanentError
from ..policies import JobPolicy, get_policy
from . import keys
from .queues import JsonJob, get_queue

BULK_CHUNK = 1000  # jobs per pipeline in enqueue_many
PENDING = ("queued", "scheduled", "started", "deferred")


def enqueue(
    name: str,
    *args,
    at: datetime | None = None,
    delay: float | None = None,
    job_id: str | None = None,
    connection=None,
    **kwargs,
) -> Job:
    """Enqueue job ``name`` with its policy; ``at``/``delay`` schedule it for later.

    With ``job_id`` the job is unique: while a job with that id is queued,
    scheduled or running, that job is returned and no second one is made.
    """
    policy = get_policy(name)
    queue = get_queue(policy.queue, connection)
    if job_id is None and policy.unique and args:
        job_id = unique_job_id(policy, args[0])
    options = {**_as_enqueue_kwargs(job_options(policy, args, job_id)), "args": args, "kwargs": kwargs}
    if delay is not None:
        at = datetime.now(timezone.utc) + timedelta(seconds=delay)
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


def _put(queue, func: str, at: datetime | None, options: dict) -> Job:
    if at is not None:
        return queue.enqueue_at(at, func, **options)
    return queue.enqueue(func, **options)


def enqueue_many(
    name: str,
    calls: Iterable[tuple[Sequence, dict]],
    connection=None,
    on_chunk: Callable[[int], None] | None = None,
) -> list[str]:
    """Enqueue one job per ``(args, kwargs)`` in pipelined chunks; return the ids."""
    policy = get_policy(name)
    queue = get_queue(policy.queue, connection)
    ids: list[str] = []
    chunk, seen = [], set()
    shared = job_options(policy)  # one Retry object and set of TTLs for every job of the call
    for args, kwargs in calls:
        # A unique job keeps its one id in bulk too; a repeat within the call is dropped.
        job_id = unique_job_id(policy, args[0]) if policy.unique and args else None
        if job_id is not None:
            if job_id in seen:
                continue
            seen.add(job_id)
        chunk.append(queue.prepare_data(policy.func, args=tuple(args), kwargs=kwargs,
                                        **{**shared, "description": describe(policy, args), "job_id": job_id}))
        if len(chunk) == BULK_CHUNK:
            ids += _enqueue_chunk(queue, chunk, on_chunk)
            chunk = []
    if chunk:
        ids += _enqueue_chunk(queue, chunk, on_chunk)
    return ids


def _not_pending(queue, chunk: list) -> list:
    """Drop jobs whose (unique) id is already queued, scheduled or running: RQ's bulk enqueue
    would overwrite that job and queue its id a second time."""
    named = [data for data in chunk if data.job_id]
    if not named:
        return chunk
    with queue.connection.pipeline(transaction=False) as pipe:
        for data in named:
            pipe.hget(keys.rq_job(data.job_id), "status")
        statuses = dict(zip((data.job_id for data in named), pipe.execute()))
    return [data for data in chunk if not data.job_id or (statuses[data.job_id] or b"").decode() not in PENDING]


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


def _enqueue_chunk(queue, chunk, on_chunk) -> list[str]:
    with queue.connection.pipeline() as pipe:
        jobs = queue.enqueue_many(_not_pending(queue, chunk), pipeline=pipe)
        pipe.execute()
    if on_chunk:
        on_chunk(len(chunk))
    return [job.id for job in jobs]


