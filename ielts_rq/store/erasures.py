"""Learners erased lately: a tombstone that stops a job still running for them from writing their data back.

The erase sets the tombstone first, then deletes. Every write of a learner's
records (a submission, a result, a learner report) checks it: a job that read
the learner's submission before the erase and saves its result after finds it
and saves nothing. The tombstone holds a digest of the id, never the id, and
lapses after ``ERASURE_TOMBSTONE_SECONDS``, longer than any such job can run.
"""

from __future__ import annotations

import hashlib
import json

from rq import get_current_job

from ..errors import PermanentError
from ..policies import ERASURE_TOMBSTONE_SECONDS
from ..queueing import keys
from ..queueing.connection import get_connection
from . import records


class LearnerErased(PermanentError):
    """A write for a learner whose data was erased lately: nothing is stored."""

    def __init__(self):  # no id in the message: it may end up in a failed job's record
        super().__init__("the learner's data was erased; it is not stored again")


def tombstone_key(user_id: str) -> str:
    return keys.erased_learner(hashlib.sha256(user_id.encode()).hexdigest()[:32])


def mark_erased(user_id: str, removed: int = 0) -> dict | None:
    """Set (or renew) the tombstone, noting how much the erasures in its lifetime removed; return what the
    previous one said ({"at": epoch seconds, "removed": n}), or None if the learner was not erased lately."""
    mark = json.dumps({"at": int(records.now()), "removed": removed})
    previous = get_connection().set(tombstone_key(user_id), mark, ex=ERASURE_TOMBSTONE_SECONDS, get=True)
    try:
        return json.loads(previous) if previous else None
    except ValueError:
        return {"at": None, "removed": 0}


def is_erased(user_id: str | None) -> bool:
    return bool(user_id) and bool(get_connection().exists(tombstone_key(user_id)))


def refuse_if_erased(user_id: str | None) -> None:
    if is_erased(user_id):
        raise LearnerErased()


def forget_current_job() -> None:
    """Have the running job's record deleted as soon as it ends (a result TTL of 0), so that its arguments,
    which name an erased learner, do not stay behind in the finished registry."""
    job = get_current_job()
    if job is not None:
        job.result_ttl = 0
