"""Read and act on RQ's registries: what the admin CLI and the dashboard show.

Arguments are shown with secrets masked: any configured secret value, and
the value of any keyword whose name says it is a secret.
"""

from __future__ import annotations

import binascii
import json
import re
import time
from base64 import b64decode

import redis
from rq.command import PUBSUB_CHANNEL_TEMPLATE
from rq.exceptions import DeserializationError, InvalidJobOperation
from rq.results import Result
from rq.scheduler import RQScheduler

from ..clock import iso
from ..errors import PermanentError
from ..policies import POLICIES, QUEUES
from ..queueing import control
from ..queueing.connection import redis_url
from ..queueing.depths import queue_counts, waiting
from ..queueing.priority import waiting_ahead
from ..queueing.queues import JsonJob, all_workers, get_queue, job_name
from ..queueing.records import MAX_ERROR_BYTES, inflate, printable
from ..queueing.schedule import scheduler_alive
from ..queueing.waiting import stamp as waiting_stamp
from ..settings import hide_password, redact

SECRET_NAME = re.compile(r"pass|secret|token|api_?key|authorization", re.IGNORECASE)
MASK = "****"


def system_status(connection) -> dict:
    return {
        "redis": hide_password(redis_url()),
        "queues": _with_high_priority(queue_counts(connection), connection),
        "waiting": waiting(connection),  # why jobs wait, and the oldest wait since first due
        "workers": [worker_summary(w) for w in all_workers(connection)],
        "workers_suspended": control.workers_suspended(),  # `ielts-rq workers suspend`
        "paused_queues": control.paused_queues(),
        "stopping_workers": control.stopping_workers(),  # `ielts-rq workers stop NAME`: exits after its job
        "schedulers": {
            "rq": [q for q in QUEUES if connection.exists(RQScheduler.get_locking_key(q))],
            "rq_scheduler": scheduler_alive(connection),
        },
    }


def _with_high_priority(counts: dict, connection) -> dict:
    """Each queue's counts with ``high_priority``: the jobs put ahead that wait at its front (priority.py)."""
    return {name: {**row, "high_priority": waiting_ahead(get_queue(name, connection))} for name, row in counts.items()}


def worker_summary(worker) -> dict:
    return {
        "name": worker.name,
        "state": worker.get_state(),
        "queues": worker.queue_names(),
        "current_job": worker.get_current_job_id(),
        "pid": worker.pid,
        "hostname": worker.hostname,
        "successful_jobs": worker.successful_job_count,
        "failed_jobs": worker.failed_job_count,
        "working_seconds": round(worker.total_working_time or 0, 3),
        "last_heartbeat": worker.last_heartbeat.isoformat() if worker.last_heartbeat else None,
    }


def failed_jobs(connection, queues, limit: int = 100) -> list[dict]:
    rows = []
    for name in queues:
        registry = get_queue(name, connection).failed_job_registry
        ids = registry.get_job_ids(0, limit - 1, desc=True)
        rows += [failure_row(job, name, text) for job, text in with_errors(registry.connection, ids)]
    rows.sort(key=lambda row: row["ended_at"] or "", reverse=True)
    return rows[:limit]


def with_errors(connection, job_ids) -> list[tuple]:
    """(job, its error_text) for each of these ids that has a record: two pipelined round trips in all,
    not one call per job, so that a page over thousands of failed jobs stays quick."""
    jobs = [job for job in JsonJob.fetch_many(job_ids, connection=connection, exact=True) if job is not None]
    return list(zip(jobs, error_texts(connection, [job.id for job in jobs])))


def failure_row(job, queue: str, text: str | None = None) -> dict:
    return {
        "id": job.id,
        "queue": queue,
        "job": job_name(job),
        "ended_at": iso(job.ended_at),
        "error": failure_line(job, text),
    }


def failure_line(job, text: str | None = None) -> str:
    """The job's error in one line (``text``: its error_text, when already read); a record that cannot be
    read as it is stored says so first."""
    return error_line(error_text(job) if text is None else text, job.problems)


def error_line(text: str, problems) -> str:
    """The last line of an error ``text``, after what is wrong with the job's record (``problems``) if anything."""
    error = last_line(text)
    if problems and "MalformedJob" not in error:
        error = f"malformed record ({'; '.join(problems)}); {error}".rstrip("; ")
    return error[:600]


def select_failed(connection, queues, exception_text: str | None, job_ids) -> list[dict]:
    """Failed jobs matching every filter given (queue, text in the error, ids)."""
    rows = []
    for name in queues:
        registry = get_queue(name, connection).failed_job_registry
        ids = registry.get_job_ids()
        if job_ids:
            ids = [i for i in ids if i in set(job_ids)]
        for job, text in with_errors(registry.connection, ids):
            if not exception_text or exception_text.lower() in failure_line(job, text).lower() \
                    or exception_text.lower() in text.lower():
                rows.append(failure_row(job, name, text))
    return rows


def requeue(connection, rows: list[dict]) -> int:
    return sum(requeue_ids(connection, row["queue"], [row["id"]]) for row in rows)


def requeue_ids(connection, queue: str, job_ids: list[str]) -> int:
    """Requeue failed jobs of one queue; one that is no longer failed is left alone, and so is a malformed
    record (a worker would only refuse it again: it can be looked at and deleted) or one whose origin is not
    this queue (a schedule entry set aside for naming no queue would go to a queue of that name)."""
    registry = get_queue(queue, connection).failed_job_registry
    requeued = 0
    for job in JsonJob.fetch_many(job_ids, connection=registry.connection, exact=True):
        if job is None or job.problems or job.origin != queue:
            continue
        job.meta.update(waiting_stamp())  # an operator's requeue is a new request: its wait starts now
        try:
            registry.requeue(job)
            requeued += 1
        except InvalidJobOperation:  # requeued or deleted meanwhile by someone else
            continue
    return requeued


def delete_failed(connection, job_ids, queues=QUEUES) -> int:
    """Delete failed jobs: each id found in a failed registry (of ``queues``) goes, with its record and results,
    whatever the record holds (one that cannot be read is deleted all the same)."""
    deleted = 0
    for name in queues:
        registry = get_queue(name, connection).failed_job_registry
        for job_id in job_ids:
            if registry.connection.zscore(registry.key, job_id) is None:
                continue
            job = JsonJob.fetch_many([job_id], connection=registry.connection, exact=True)[0]
            if job is not None and not job.problems:
                registry.remove(job, delete_job=True)
            else:
                _delete_record(registry, job_id)
            deleted += 1
    return deleted


def _delete_record(registry, job_id: str) -> None:
    """A record RQ cannot read, deleted key by key (RQ's own delete reads the record first)."""
    job_key = JsonJob.key_for(job_id)
    registry.connection.zrem(registry.key, job_id)
    registry.connection.delete(job_key, JsonJob.dependents_key_for(job_id), f"{job_key}:dependencies",
                               Result.get_key(job_id))


WAITING = ("queued", "scheduled", "deferred")


STOP_CONFIRM_SECONDS = 10  # how long a stop waits for the job's worker to mark the job stopped


class StopNotDone(PermanentError):
    """A stop was asked for a running job, and the job is not stopped: the message says why."""


def stop_job(job) -> str:
    """Stop a running job: its worker kills the job's work horse (or, in-process, interrupts the job) and marks
    it stopped. Says so only once the job is stopped; raises StopNotDone, with the reason, when it is not."""
    status = job.get_status()
    if status != "started":
        raise PermanentError(f"job {job.id} is {status}, not running: cancel a job that has not started")
    received = _send_stop(job)
    deadline = time.monotonic() + (STOP_CONFIRM_SECONDS if received else 0)
    while (status := job.get_status()) == "started" and time.monotonic() < deadline:
        time.sleep(0.1)
    if status == "stopped":
        return f"job {job.id} stopped (by its worker {job.worker_name})"
    if status != "started":
        raise StopNotDone(f"job {job.id} was not stopped: it ended {status} before the stop reached its worker")
    if not received:
        raise StopNotDone(f"job {job.id} was not stopped: no worker received the stop (its worker "
                          f"{job.worker_name or '(unknown)'} is gone, or lost its connection). A job whose worker is "
                          "gone is retried as abandoned once its heartbeat lapses; cancel it then if it must not run")
    raise StopNotDone(f"job {job.id} is still running {STOP_CONFIRM_SECONDS}s after its worker {job.worker_name} "
                      "was told to stop it: a job inside one long native call, in a worker started with --mode "
                      "simple, stops only when that call returns (the stop stays asked for)")


def _send_stop(job) -> bool:
    """RQ's stop-job command to the job's worker; whether a live worker received it."""
    if not job.worker_name:
        return False
    command = json.dumps({"command": "stop-job", "job_id": job.id})  # as RQ's workers read it
    return job.connection.publish(PUBSUB_CHANNEL_TEMPLATE % job.worker_name, command) > 0


def cancel_job(job) -> str:
    """Cancel a waiting job (queued, scheduled or deferred) so that it never runs. Says what was done."""
    status = job.get_status()
    if status not in WAITING:
        raise PermanentError(f"job {job.id} is {status}: only a waiting job can be cancelled"
                             + (" (stop a running one)" if status == "started" else ""))
    job.cancel()
    return f"cancelled job {job.id} ({status} in {job.origin}); it will not run"


def job_details(job, traceback: bool) -> dict:
    status = job.get_status()
    details = {
        "id": job.id,
        "job": job_name(job),
        "queue": job.origin,
        "status": status,
        "description": job.description,
        **_call(job),
        "enqueued_at": iso(job.enqueued_at),
        "started_at": iso(job.started_at),
        "ended_at": iso(job.ended_at),
        "timeout": job.timeout,
        "retries_left": job.retries_left,
        "last_error": mask(job.meta.get("last_error")),
        "worker": job.worker_name,
    }
    if job.problems:
        details["malformed"] = [mask(problem) for problem in job.problems]
    if status == "finished":
        details["result"] = _result(job)
    text = error_text(job)
    if status in ("failed", "stopped") or text:
        details["error"] = failure_line(job)
        if traceback:
            details["traceback"] = mask(text)
    return details


def _result(job):
    try:
        return mask(job.return_value())
    except Exception:  # a result written by something else than a worker: shown as unreadable, not a crash
        return "(unreadable)"


def _call(job) -> dict:
    """The job's function and arguments, secrets masked; an undecodable job says so."""
    try:
        return {"function": job.func_name, "args": mask(list(job.args)), "kwargs": mask(dict(job.kwargs))}
    except DeserializationError:
        if any(problem.startswith("data:") for problem in job.problems):
            return {"function": None, "args": None, "kwargs": None, "data": "refused: see malformed"}
        return {"function": None, "args": None, "kwargs": None, "data": "not JSON: refused, never unpickled"}


def registered() -> list[dict]:
    return [{"job": name, "queue": p.queue, "function": p.func, "timeout": p.timeout,
             "retries": len(p.retry_intervals)} for name, p in sorted(POLICIES.items())]


def active_jobs(connection) -> list[dict]:
    rows = []
    for name in QUEUES:
        registry = get_queue(name, connection).started_job_registry
        for job in JsonJob.fetch_many(registry.get_job_ids(), connection=registry.connection, exact=True):
            if job:
                rows.append({"id": job.id, "queue": name, "job": job_name(job), "worker": job.worker_name,
                             "started_at": iso(job.started_at)})
    return rows


def worker_stats(connection) -> list[dict]:
    keys = ("name", "state", "queues", "pid", "successful_jobs", "failed_jobs", "working_seconds")
    return [{k: summary[k] for k in keys} for summary in
            (worker_summary(w) for w in all_workers(connection))]


def mask(value):
    """The value with every secret replaced by ****, recursively."""
    if isinstance(value, dict):
        return {k: MASK if SECRET_NAME.search(str(k)) else mask(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


def error_text(job) -> str:
    """The traceback of the job's latest result (RQ 3 keeps every failure's in the job's results), read here
    with a bound: RQ's reader inflates whatever zlib it finds there."""
    return error_texts(job.connection, [job.id])[0]


def error_texts(connection, job_ids) -> list[str]:
    """error_text of each of these jobs, read in one pipelined round trip."""
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.xrevrange(Result.get_key(job_id), "+", "-", count=1)
        answers = pipe.execute(raise_on_error=False)
    return [_newest_error(answer) for answer in answers]


def _newest_error(newest) -> str:
    if isinstance(newest, redis.ResponseError):  # something else than a stream under the results' key
        return "(error unreadable: the results are not a stream)"
    encoded = newest[0][1].get(b"exc_string") if newest else None
    if not encoded:
        return ""
    try:
        return inflate(b64decode(encoded), MAX_ERROR_BYTES).decode("utf-8", "replace")
    except (ValueError, binascii.Error) as exc:
        return f"(error unreadable: {printable(str(exc), 80)})"


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
