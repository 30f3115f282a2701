"""What runs when a job ends: the job named to follow it, and the count of its batch.

RQ calls a job's callbacks by the dotted path its record names. ielts-rq names only the three functions
below (``records.CALLBACKS``: ``ON_SUCCESS``, ``ON_FAILURE``, ``ON_STOPPED``, checked before anything is imported). What they do is read from the job's
meta and is always a job of the policy table put through ``enqueue()`` with its door checks: a record
can make a worker enqueue a registered job, never import or call anything else.

``enqueue(..., on_success=..., on_failure=...)`` names the follow-up; ``enqueue_many(..., batch_id=...)``
the batch. A failure counts once no retry is left; a follow-up's id is made from its parent's, so a
parent killed after its callback and run again queues the follow-up once.
"""

from __future__ import annotations

import hashlib
import logging

from rq.exceptions import AbandonedJobError

from ..errors import PermanentError
from ..policies import get_policy
from . import batching
from .enqueue import enqueue
from .worker import is_transient

log = logging.getLogger("ielts_rq.worker")


def job_succeeded(job, connection, result) -> None:
    _ended(job, "finished")


def job_failed(job, connection, exc_type, exc, traceback) -> None:
    # RQ calls this on every failed attempt, before it decides on a retry (and for a job whose worker
    # died, from the registry cleanup): only the last attempt ends the job.
    if job.retries_left and (exc_type is AbandonedJobError or is_transient(exc)):
        return
    _ended(job, "failed")


def job_stopped(job, connection) -> None:
    _ended(job, "failed")  # `ielts-rq job stop`: never retried


def _ended(job, outcome: str) -> None:
    meta = job.meta or {}
    batch_id = meta.get("batch")
    if isinstance(batch_id, str) and batch_id:
        batching.item_ended(batch_id, job.id, outcome)
    follow_up = meta.get("on_success" if outcome == "finished" else "on_failure")
    if follow_up is not None:
        _enqueue_follow_up(job, follow_up, "on_success" if outcome == "finished" else "on_failure")


def _enqueue_follow_up(parent, spec, what: str) -> None:
    try:
        if not (isinstance(spec, dict) and isinstance(spec.get("job"), str) and isinstance(spec.get("args"), list)):
            raise PermanentError(f"{what} is not {{'job': name, 'args': [...]}}")
        policy = get_policy(spec["job"])  # a name from Redis: looked up in the policy table, never imported
        job_id = None if policy.unique else _follow_up_id(parent.id, what)
        child = enqueue(spec["job"], *spec["args"], job_id=job_id)
    except PermanentError as exc:  # a record changed in Redis after its door checks: refused, named, logged
        log.error("job %s: %s refused: %s", parent.id, what, exc,
                  extra={"job_id": parent.id, "outcome": "callback_refused"})
        return
    log.info("job %s: %s enqueued %s %s", parent.id, what, spec["job"], child.id,
             extra={"job_id": parent.id, "outcome": what})


def _follow_up_id(parent_id: str, what: str) -> str:
    digest = hashlib.sha256(f"{parent_id}:{what}".encode()).hexdigest()[:32]
    return f"{what}-{digest}"
