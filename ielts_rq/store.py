"""Submissions, users and results, kept in Redis as JSON records.

Results are indexed by user and by time (sorted sets scored by epoch
seconds), so analytics and cleanups read ranges and never scan the keyspace.
A stored result is published on ``RESULTS_CHANNEL`` for the API gateway.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from datetime import datetime, timezone

from . import stats
from .connection import get_connection
from .errors import NotFound, PermanentError
from .keys import key
from .queues import JsonJob
from .scoring.rules import MAX_TEXT_CHARS, TASK_TYPES

MAX_PROMPT_CHARS = 5_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what RQ accepts in a job id
RESULTS_CHANNEL = "results"  # published as key("results") with the prefix


def new_id(kind: str) -> str:
    return f"{kind}_{uuid.uuid4().hex[:20]}"


def check_id(value, what: str) -> str:
    """An id must be a short string of letters, digits, '_' and '-'."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        shown = repr(value)[:40]
        raise PermanentError(f"invalid {what} id {shown}: use 1-64 letters, digits, '_' or '-'")
    return value


def _now() -> float:
    return time.time()


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def _get(record_key: str) -> dict | None:
    payload = get_connection().get(record_key)
    return json.loads(payload) if payload else None


def _get_many(kind: str, ids: list[str]) -> list[dict | None]:
    if not ids:
        return []
    payloads = get_connection().mget([key(kind, check_id(i, kind)) for i in ids])
    return [json.loads(p) if p else None for p in payloads]


# Users ---------------------------------------------------------------------

def save_user(user_id: str, email: str | None = None, name: str | None = None, email_opt_in: bool = True) -> dict:
    from .mail import validate_address

    check_id(user_id, "user")
    user = {"id": user_id, "email": validate_address(email) if email else None,
            "name": _clean_text(name, "name", 200) if name else None, "email_opt_in": bool(email_opt_in)}
    get_connection().set(key("user", user_id), json.dumps(user))
    return user


def get_user(user_id: str) -> dict | None:
    return _get(key("user", check_id(user_id, "user")))


def get_users(user_ids: list[str]) -> dict[str, dict]:
    """The users that exist among ``user_ids``, by id, in one round trip."""
    unique = list(dict.fromkeys(user_ids))
    return {uid: user for uid, user in zip(unique, _get_many("user", unique)) if user}


# Submissions ---------------------------------------------------------------

def create_submission(user_id: str | None, task_type: str, text: str, prompt: str | None = None, **extra) -> str:
    """Store a submission and return its id; bad input raises PermanentError.

    ``extra`` keeps what the pipelines add: ``file_key`` for an uploaded
    original, ``audio`` (word timings) for a spoken answer.
    """
    if user_id is not None:
        check_id(user_id, "user")
    if task_type not in TASK_TYPES:
        raise PermanentError(f"unknown task type {str(task_type)[:40]!r}; expected one of {', '.join(TASK_TYPES)}")
    submission = {
        "id": new_id("sub"),
        "user_id": user_id,
        "task_type": task_type,
        "text": _non_empty(_clean_text(text, "text", MAX_TEXT_CHARS), "text"),
        "prompt": _clean_text(prompt, "prompt", MAX_PROMPT_CHARS) if prompt else None,
        **_check_extra(extra),
    }
    created = _now()
    submission["created_at"] = _iso(created)
    connection = get_connection()
    with connection.pipeline() as pipe:
        pipe.set(key("submission", submission["id"]), json.dumps(submission))
        if user_id:
            pipe.zadd(key("submissions", "by_user", user_id), {submission["id"]: created})
        stats.record_submission(pipe, submission["created_at"][:10], task_type, user_id)
        pipe.execute()
    return submission["id"]


def get_submission(submission_id: str) -> dict | None:
    return _get(key("submission", check_id(submission_id, "submission")))


def get_submissions(submission_ids: list[str]) -> list[dict | None]:
    """Many submissions in one round trip, None for those that do not exist."""
    return _get_many("submission", submission_ids)


def require_submission(submission_id: str) -> dict:
    submission = get_submission(submission_id)
    if submission is None:
        raise NotFound(f"submission {submission_id} not found")
    return submission


def _clean_text(value, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise PermanentError(f"{what} must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise PermanentError(f"{what} contains NUL bytes: is it a binary file?")
    if len(value) > limit:
        raise PermanentError(f"{what} is {len(value):,} characters; the limit is {limit:,}")
    return value


def _non_empty(value: str, what: str) -> str:
    if not value.strip():
        raise PermanentError(f"{what} is empty")
    return value


def _check_extra(extra: dict) -> dict:
    allowed = {"file_key", "audio", "source"}
    unknown = set(extra) - allowed
    if unknown:
        raise PermanentError(f"unknown submission field(s): {', '.join(sorted(unknown))}")
    if "audio" in extra and not isinstance(extra["audio"], dict):
        raise PermanentError("audio must be an object with word timings")
    return extra


# Results -------------------------------------------------------------------

def content_fingerprint(submission: dict) -> str:
    """Same task, prompt and text: the same score, so the stored one is reused."""
    basis = json.dumps([submission["task_type"], submission.get("prompt") or "", submission["text"].strip()])
    return hashlib.sha256(basis.encode()).hexdigest()


def save_result(submission: dict, response: dict, scorer: str) -> dict:
    """Store the scoring response for a submission, index it, and publish it."""
    return save_results([(submission, response, scorer)])[0]


def save_results(scored: list[tuple[dict, dict, str]]) -> list[dict]:
    """Store many (submission, response, scorer) in one round trip; each is indexed and published."""
    stored_at = _now()
    records = []
    with get_connection().pipeline() as pipe:
        for submission, response, scorer in scored:
            record = {**response, "submission_id": submission["id"], "user_id": submission.get("user_id"),
                      "task_type": submission["task_type"], "scorer": scorer,
                      "submitted_at": submission["created_at"], "scored_at": _iso(stored_at)}
            _write_result(pipe, submission, record, stored_at)
            records.append(record)
        pipe.execute()
    return records


def _write_result(pipe, submission: dict, record: dict, stored_at: float) -> None:
    sid, day = submission["id"], record["scored_at"][:10]
    pipe.set(key("result", sid), json.dumps(record))
    pipe.set(key("result", "by_content", content_fingerprint(submission)), sid)
    pipe.zadd(key("results", "by_time"), {sid: stored_at})
    pipe.zadd(key("results", "by_day", day), {sid: stored_at})
    if submission.get("user_id"):
        pipe.zadd(key("results", "by_user", submission["user_id"]), {sid: stored_at})
    stats.record_result(pipe, day, record["task_type"], record["overall_band_score"],
                        stored_at - datetime.fromisoformat(submission["created_at"]).timestamp())
    pipe.publish(key(RESULTS_CHANNEL), json.dumps(
        {"submission_id": sid, "user_id": record["user_id"], "overall_band_score": record["overall_band_score"],
         "task_type": record["task_type"], "scored_at": record["scored_at"]}))


def get_result(submission_id: str) -> dict | None:
    """The stored result of a submission, or None if it has not been scored."""
    return _get(key("result", check_id(submission_id, "submission")))


def get_results(submission_ids: list[str]) -> list[dict | None]:
    return _get_many("result", submission_ids)


def result_for_same_content(submission: dict) -> dict | None:
    """A stored result for identical task, prompt and text, if there is one."""
    return results_for_same_content([submission])[0]


def results_for_same_content(submissions: list[dict]) -> list[dict | None]:
    """For each submission, a stored result of identical content, if any (two round trips in all)."""
    connection = get_connection()
    ids = connection.mget([key("result", "by_content", content_fingerprint(s)) for s in submissions])
    found = [i.decode() for i in ids if i]
    results = dict(zip(found, get_results(found)))
    return [results.get(i.decode()) if i else None for i in ids]


def results_for_user(user_id: str, start: float, end: float) -> list[dict]:
    """A learner's results stored in [start, end) (epoch seconds), oldest first."""
    connection = get_connection()
    ids = connection.zrangebyscore(key("results", "by_user", check_id(user_id, "user")), start, f"({end}")
    if not ids:
        return []
    return [json.loads(p) for p in connection.mget([key("result", sid.decode()) for sid in ids]) if p]


def submissions_for_user(user_id: str, start: float, end: float) -> list[dict]:
    """A learner's submissions created in [start, end) (epoch seconds), oldest first."""
    connection = get_connection()
    ids = connection.zrangebyscore(key("submissions", "by_user", check_id(user_id, "user")), start, f"({end}")
    if not ids:
        return []
    return [json.loads(p) for p in connection.mget([key("submission", sid.decode()) for sid in ids]) if p]


def delete_results_older_than(days: int) -> int:
    """Delete results stored more than ``days`` ago; return how many."""
    connection = get_connection()
    cutoff = _now() - days * 86400
    old = [sid.decode() for sid in connection.zrangebyscore(key("results", "by_time"), "-inf", cutoff)]
    for start in range(0, len(old), 500):
        _delete_results(connection, old[start:start + 500])
    return len(old)


def _delete_results(connection, submission_ids: list[str]) -> None:
    records = connection.mget([key("result", sid) for sid in submission_ids])
    with connection.pipeline() as pipe:
        for sid, payload in zip(submission_ids, records):
            pipe.delete(key("result", sid))
            pipe.zrem(key("results", "by_time"), sid)
            if payload:
                record = json.loads(payload)
                pipe.zrem(key("results", "by_day", record["scored_at"][:10]), sid)
                if record.get("user_id"):
                    pipe.zrem(key("results", "by_user", record["user_id"]), sid)
        pipe.execute()


# Analytics records ---------------------------------------------------------

def save_analytics(kind: str, subject: str, start: str, end: str, record: dict) -> str:
    """Store an analytics record; it is indexed by time for cleanup_old_analytics."""
    record_key = key("analytics", kind, subject, f"{start}..{end}")
    connection = get_connection()
    with connection.pipeline() as pipe:
        pipe.set(record_key, json.dumps(record))
        pipe.zadd(key("analytics", "by_time"), {record_key: _now()})
        pipe.execute()
    return record_key


def get_analytics(kind: str, subject: str, start: str, end: str) -> dict | None:
    return _get(key("analytics", kind, subject, f"{start}..{end}"))


def delete_analytics_older_than(days: int) -> int:
    connection = get_connection()
    old = connection.zrangebyscore(key("analytics", "by_time"), "-inf", _now() - days * 86400)
    for start in range(0, len(old), 500):
        chunk = old[start:start + 500]
        with connection.pipeline() as pipe:
            pipe.delete(*chunk)
            pipe.zrem(key("analytics", "by_time"), *chunk)
            pipe.execute()
    return len(old)


# Batches -------------------------------------------------------------------

def save_batch(batch_id: str, kind: str, job_ids: list[str], skipped: int = 0) -> dict:
    batch = {"id": batch_id, "kind": kind, "total": len(job_ids), "skipped": skipped, "created_at": _iso(_now())}
    connection = get_connection()
    with connection.pipeline() as pipe:
        pipe.set(key("batch", batch_id), json.dumps(batch), ex=30 * 86400)
        pipe.delete(key("batch", batch_id, "jobs"))
        for start in range(0, len(job_ids), 1000):
            pipe.rpush(key("batch", batch_id, "jobs"), *job_ids[start:start + 1000])
        pipe.expire(key("batch", batch_id, "jobs"), 30 * 86400)
        pipe.zadd(key("batches", "by_time"), {batch_id: _now()})
        pipe.zremrangebyscore(key("batches", "by_time"), "-inf", _now() - 30 * 86400)
        pipe.execute()
    return batch


def recent_batches(limit: int = 20) -> list[str]:
    """The ids of the newest batches, newest first."""
    return [b.decode() for b in get_connection().zrevrange(key("batches", "by_time"), 0, limit - 1)]


def batch_progress(batch_id: str) -> dict:
    """A batch's jobs counted by status, read from RQ's job hashes in one pipeline."""
    connection = get_connection()
    batch = _get(key("batch", check_id(batch_id, "batch")))
    if batch is None:
        raise NotFound(f"batch {batch_id} not found (its fan-out job may not have run yet)")
    job_ids = [j.decode() for j in connection.lrange(key("batch", batch_id, "jobs"), 0, -1)]
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hget(JsonJob.redis_job_namespace_prefix + job_id, "status")
        statuses = pipe.execute()
    counts: dict[str, int] = {}
    for status in statuses:
        name = status.decode() if status else "expired"
        counts[name] = counts.get(name, 0) + 1
    done = counts.get("finished", 0) + counts.get("failed", 0)
    return {**batch, "counts": counts, "done": done, "complete": done + counts.get("expired", 0) == len(job_ids)}
