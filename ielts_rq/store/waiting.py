"""Waiting for a submission's result, and listening for results as they are stored.

Every stored result is announced on ``keys.results_channel()`` (``ielts:results``) with its submission
id. Pub/sub delivers a message only to those subscribed when it is sent, so both helpers subscribe
first and read the store after: a result stored before the call is found in the store, one stored
after is announced. Waiting also reads the store again every ``RECHECK`` seconds, so a message lost
to a reconnection costs at most that long. Both give the stored result itself (``get_result``'s
shape, ``docs/reference/result.schema.json``), never the announcement.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from ..errors import IeltsRqError
from ..queueing import keys
from ..queueing.connection import get_connection
from .records import check_id
from .results import get_result
from .submissions import require_submission

RECHECK = 1.0  # seconds between two reads of the store while waiting (a missed announcement costs no more)
JOB_ENDED_UNSCORED = ("failed", "stopped", "canceled")


class ResultTimeout(IeltsRqError, TimeoutError):
    """No result arrived within the time the caller gave."""


class ScoringFailed(IeltsRqError):
    """The scoring job given to ``wait_for_result`` ended without a result."""


def wait_for_result(submission_id: str, timeout: float = 60.0, job=None) -> dict:
    """The submission's result, as soon as it is stored; ``ResultTimeout`` after ``timeout`` seconds.

    ``NotFound`` at once for a submission that does not exist. With ``job`` (what ``enqueue`` returned),
    a job that fails, is stopped or is cancelled raises ``ScoringFailed`` instead of waiting it out.
    """
    require_submission(check_id(submission_id, "submission"))
    deadline = time.monotonic() + timeout
    with get_connection().pubsub(ignore_subscribe_messages=True) as pubsub:
        pubsub.subscribe(keys.results_channel())
        while True:
            result = get_result(submission_id)
            if result is not None:
                return result
            _check_job(job, submission_id)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ResultTimeout(f"submission {submission_id} has no result after {timeout:g} s")
            _until_announced(pubsub, submission_id, min(RECHECK, remaining))


def listen_for_results(user_id: str | None = None, idle_timeout: float | None = None) -> Iterator[dict]:
    """Each result as it is stored (a learner's only, with ``user_id``), for as long as the caller reads.

    Listening starts when this returns: a result stored from then on is given, even before the first
    read. With ``idle_timeout``, it ends after that many seconds without a result. Results stored while
    nobody listens (or while the connection is re-established) are not replayed: read them with
    ``get_result`` or ``results_for_user``.
    """
    if user_id is not None:
        check_id(user_id, "user")
    pubsub = get_connection().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(keys.results_channel())
    return _results(pubsub, user_id, idle_timeout)


def _results(pubsub, user_id: str | None, idle_timeout: float | None) -> Iterator[dict]:
    with pubsub:
        quiet_since = time.monotonic()
        while idle_timeout is None or time.monotonic() - quiet_since < idle_timeout:
            notice = _announcement(pubsub.get_message(timeout=RECHECK))
            if notice is None or (user_id is not None and notice.get("user_id") != user_id):
                continue
            result = get_result(notice["submission_id"])
            if result is not None:  # deleted since it was announced: nothing to give
                quiet_since = time.monotonic()
                yield result


def _until_announced(pubsub, submission_id: str, seconds: float) -> None:
    """Return when ``submission_id``'s result is announced, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        notice = _announcement(pubsub.get_message(timeout=left))
        if notice is not None and notice.get("submission_id") == submission_id:
            return


def _announcement(message) -> dict | None:
    if not message or message.get("type") != "message":
        return None
    try:
        notice = json.loads(message["data"])
    except (TypeError, ValueError):
        return None  # not one of ours: someone else published on the channel
    return notice if isinstance(notice, dict) and isinstance(notice.get("submission_id"), str) else None


def _check_job(job, submission_id: str) -> None:
    if job is None:
        return
    status = job.get_status(refresh=True)
    if status in JOB_ENDED_UNSCORED and get_result(submission_id) is None:
        error = (job.latest_result().exc_string if status == "failed" and job.latest_result() else "") or ""
        reason = error.strip().splitlines()[-1] if error.strip() else "no error recorded"
        raise ScoringFailed(f"job {job.id} {status} without a result for submission {submission_id}: {reason}")
