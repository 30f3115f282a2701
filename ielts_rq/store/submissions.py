"""Submissions: a learner's answer (text or transcript) to a task, waiting to be scored."""

from __future__ import annotations

import json
from datetime import datetime

from ..clock import iso
from ..errors import NotFound, PermanentError
from ..policies import DAY
from ..queueing import keys
from ..queueing.connection import get_connection
from ..scoring.rules import MAX_TEXT_CHARS, TASK_TYPES
from . import counters, records
from .erasures import refuse_if_erased
from .records import check_id, clean_text, new_id, non_empty, read, read_many, scan_in_batches

MAX_PROMPT_CHARS = 5_000
DELETE_CHUNK = 500


def create_submission(user_id: str | None, task_type: str, text: str, prompt: str | None = None, **extra) -> str:
    """Store a submission and return its id; bad input raises PermanentError.

    ``extra`` keeps what the pipelines add: ``file_key`` for an uploaded
    original, ``audio`` (word timings) for a spoken answer.
    """
    if user_id is not None:
        check_id(user_id, "user")
        refuse_if_erased(user_id)  # a job still running for an erased learner stores nothing of theirs
    if task_type not in TASK_TYPES:
        raise PermanentError(f"unknown task type {str(task_type)[:40]!r}; expected one of {', '.join(TASK_TYPES)}")
    submission = {
        "id": new_id("sub"),
        "user_id": user_id,
        "task_type": task_type,
        "text": non_empty(clean_text(text, "text", MAX_TEXT_CHARS), "text"),
        "prompt": clean_text(prompt, "prompt", MAX_PROMPT_CHARS) if prompt else None,
        **_check_extra(extra),
    }
    created = records.now()
    submission["created_at"] = iso(created)
    connection = get_connection()
    with connection.pipeline() as pipe:
        pipe.set(keys.submission(submission["id"]), json.dumps(submission))
        pipe.zadd(keys.submissions_by_time(), {submission["id"]: created})
        if user_id:
            pipe.zadd(keys.submissions_by_user(user_id), {submission["id"]: created})
        counters.record_submission(pipe, submission["created_at"][:10], task_type, user_id)
        pipe.execute()
    return submission["id"]

def get_submission(submission_id: str) -> dict | None:
    return read(keys.submission(check_id(submission_id, "submission")))

def get_submissions(submission_ids: list[str]) -> list[dict | None]:
    """Many submissions in one round trip, None for those that do not exist."""
    return read_many([keys.submission(check_id(sid, "submission")) for sid in submission_ids])

def require_submission(submission_id: str) -> dict:
    submission = get_submission(submission_id)
    if submission is None:
        raise NotFound(f"submission {submission_id} not found")
    return submission

def submissions_for_user(user_id: str, start: float, end: float) -> list[dict]:
    """A learner's submissions created in [start, end) (epoch seconds), oldest first."""
    connection = get_connection()
    ids = connection.zrangebyscore(keys.submissions_by_user(check_id(user_id, "user")), start, f"({end}")
    return [record for record in read_many([keys.submission(sid.decode()) for sid in ids]) if record]

def _check_extra(extra: dict) -> dict:
    allowed = {"file_key", "audio", "source"}
    unknown = set(extra) - allowed
    if unknown:
        raise PermanentError(f"unknown submission field(s): {', '.join(sorted(unknown))}")
    if "audio" in extra and not isinstance(extra["audio"], dict):
        raise PermanentError("audio must be an object with word timings")
    return extra


def delete_submissions_older_than(days: int) -> int:
    """Delete submissions made more than ``days`` ago, with their index entries; return how many."""
    connection = get_connection()
    _index_earlier_submissions(connection)
    cutoff = records.now() - days * DAY
    old = [sid.decode() for sid in connection.zrangebyscore(keys.submissions_by_time(), "-inf", cutoff)]
    for start in range(0, len(old), DELETE_CHUNK):
        delete_submissions(connection, old[start:start + DELETE_CHUNK])
    return len(old)


def delete_submissions(connection, submission_ids: list[str]) -> list[dict]:
    """Delete these submissions and their index entries; return the records that were there."""
    if not submission_ids:
        return []
    stored = [json.loads(p) if p else None for p in connection.mget([keys.submission(s) for s in submission_ids])]
    with connection.pipeline() as pipe:
        for sid, record in zip(submission_ids, stored):
            pipe.delete(keys.submission(sid))
            pipe.zrem(keys.submissions_by_time(), sid)
            if record and record.get("user_id"):
                pipe.zrem(keys.submissions_by_user(record["user_id"]), sid)
        pipe.execute()
    return [record for record in stored if record]


def _index_earlier_submissions(connection) -> None:
    """Index (once) the submissions written before the time index existed, by the time they were made, so
    that retention reaches them too."""
    if connection.exists(keys.submissions_indexed_by_time()):
        return
    for batch in scan_in_batches(connection, keys.submission("*"), DELETE_CHUNK):
        found = {}
        for payload in connection.mget(batch):
            try:
                record = json.loads(payload) if payload else None
                found[record["id"]] = datetime.fromisoformat(record["created_at"]).timestamp()
            except (ValueError, TypeError, KeyError):
                continue  # not a submission record: nothing to index
        if found:
            connection.zadd(keys.submissions_by_time(), found, nx=True)
    connection.set(keys.submissions_indexed_by_time(), 1)
