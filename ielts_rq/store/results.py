"""Results: a submission's scoring response, indexed by learner, day and time, and announced.

A submission has one result. Results are indexed in sorted sets scored by
epoch seconds, so analytics and cleanups read ranges and never scan the
keyspace, and each is published on ``keys.results_channel()`` for the API
gateway to push to the browser.

The content-reuse index maps identical content, scored by one scorer at one
version, to a stored result: a refitted model or another scorer finds no
entry and scores afresh. An entry lives as long as results are kept, and the
cleanup that deletes its result deletes it too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from ..clock import iso
from ..errors import PermanentError
from ..policies import DAY, RESULTS_KEPT_DAYS
from ..queueing import keys
from ..queueing.connection import get_connection
from . import counters, records
from .erasures import LearnerErased, tombstone_key
from .records import check_id, read, read_many

DELETE_CHUNK = 500
REUSE_TTL = RESULTS_KEPT_DAYS * DAY  # a reuse entry outlives no result kept for the default time


def content_fingerprint(submission: dict, scorer_version: str) -> str:
    """Same task, prompt and text, scored by the same scorer at the same version: the same score."""
    basis = json.dumps([submission["task_type"], submission.get("prompt") or "", submission["text"].strip(),
                        scorer_version])
    return hashlib.sha256(basis.encode()).hexdigest()


def save_result(submission: dict, response: dict, scorer: str, scorer_version: str | None = None) -> dict:
    """Store the scoring response for a submission, index it, and publish it (LearnerErased if the learner
    was erased meanwhile: nothing is stored)."""
    saved = save_results([(submission, response, scorer, scorer_version)])
    if not saved:
        raise LearnerErased()
    return saved[0]


def save_results(scored: list[tuple[dict, dict, str, str | None]]) -> list[dict]:
    """Store many (submission, response, scorer, scorer version) in one transaction; each is indexed and
    published. With a scorer version, identical content scored by that version reuses the result. Those of a
    learner erased lately are left out of the list returned: nothing of theirs is written."""
    stored_at = records.now()
    tombstones = {uid: tombstone_key(uid) for uid in {s.get("user_id") for s, *_ in scored} if uid}

    def write(pipe) -> list[dict]:  # under WATCH of the tombstones: an erase meanwhile makes this run again
        erased = {uid for uid, mark in zip(tombstones, pipe.mget(list(tombstones.values())) if tombstones else [])
                  if mark}
        pipe.multi()
        saved = []
        for submission, response, scorer, scorer_version in scored:
            if submission.get("user_id") in erased:
                continue  # erased while it was being scored: their data is not written back
            record = {**response, "submission_id": submission["id"], "user_id": submission.get("user_id"),
                      "task_type": submission["task_type"], "scorer": scorer,
                      "submitted_at": submission["created_at"], "scored_at": iso(stored_at)}
            if scorer_version:
                record["content_fingerprint"] = content_fingerprint(submission, scorer_version)
            _write_result(pipe, submission, record, stored_at)
            saved.append(record)
        return saved

    return get_connection().transaction(write, *tombstones.values(), value_from_callable=True)


def _checked_json(record: dict) -> str:
    """The record as strict JSON, if every band in it is a band: a last guard, whoever scored it."""
    bands = [("overall band", record.get("overall_band_score"))] + [
        (f"{c.get('criterion')} band", c.get("band_score")) for c in record.get("criteria_scores") or []]
    for what, band in bands:
        if not isinstance(band, (int, float)) or isinstance(band, bool) or not 0 <= band <= 9:
            raise PermanentError(f"result for submission {record['submission_id']} not stored: {what} {band!r} "
                                 "is not a band from 0 to 9")
    try:
        return json.dumps(record, allow_nan=False)  # NaN and Infinity are not JSON: no reader could parse them
    except ValueError:
        raise PermanentError(f"result for submission {record['submission_id']} not stored: it holds NaN or "
                             "Infinity") from None


def _write_result(pipe, submission: dict, record: dict, stored_at: float) -> None:
    sid, day = submission["id"], record["scored_at"][:10]
    pipe.set(keys.result(sid), _checked_json(record))
    if record.get("content_fingerprint"):
        pipe.set(keys.result_by_content(record["content_fingerprint"]), sid, ex=REUSE_TTL)
    pipe.zadd(keys.results_by_time(), {sid: stored_at})
    pipe.zadd(keys.results_by_day(day), {sid: stored_at})
    if submission.get("user_id"):
        pipe.zadd(keys.results_by_user(submission["user_id"]), {sid: stored_at})
    counters.record_result(pipe, day, record["task_type"], record["overall_band_score"],
                           stored_at - datetime.fromisoformat(submission["created_at"]).timestamp())
    pipe.publish(keys.results_channel(), json.dumps(
        {"submission_id": sid, "user_id": record["user_id"], "overall_band_score": record["overall_band_score"],
         "task_type": record["task_type"], "scored_at": record["scored_at"]}))


def claim_scoring(submission_id: str, holder: str, seconds: int, job_id: str | None = None) -> bool:
    """Take the submission for scoring for up to ``seconds``; False if a running job holds it.

    A claim counts only while the job that took it runs: one whose job was
    killed (its status no longer ``started`` once the registry cleanup has
    retried or failed it), or taken by an earlier attempt of ``job_id`` itself,
    is taken over at once instead of blocking the retry until it expires.
    """
    return bool(get_connection().eval(_CLAIM, 1, keys.scoring_claim(submission_id), holder, seconds,
                                      job_id or "", keys.rq_job("")))


# KEYS: the claim. ARGV: holder ("<job id>:<token>"), seconds, this job's id, RQ's job key prefix.
# The holder's job hash is read by name: fine on one server (this system does not run Redis Cluster).
_CLAIM = """
local held = redis.call('GET', KEYS[1])
if held then
    local owner = string.match(held, '^(.*):[^:]*$')
    local stale = owner == ARGV[3] or
        (owner ~= nil and owner ~= 'direct' and redis.call('HGET', ARGV[4] .. owner, 'status') ~= 'started')
    if not stale then
        return 0
    end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


def release_scoring(submission_ids: list[str], holder: str) -> None:
    """Give back the claims this holder took (a claim another job took since is left alone)."""
    connection = get_connection()
    for submission_id in submission_ids:
        connection.eval(_RELEASE_IF_HELD, 1, keys.scoring_claim(submission_id), holder)


_RELEASE_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


def get_result(submission_id: str) -> dict | None:
    """The stored result of a submission, or None if it has not been scored."""
    return read(keys.result(check_id(submission_id, "submission")))


def get_results(submission_ids: list[str]) -> list[dict | None]:
    return read_many([keys.result(check_id(sid, "submission")) for sid in submission_ids])


def result_for_same_content(submission: dict, scorer_version: str | None) -> dict | None:
    """A stored result for identical task, prompt and text by this scorer version, if there is one."""
    return results_for_same_content([submission], scorer_version)[0]


def results_for_same_content(submissions: list[dict], scorer_version: str | None) -> list[dict | None]:
    """For each submission, a stored result of identical content by this scorer version, if any (two round
    trips in all). No version (a scorer whose version is not known yet): nothing is reused."""
    if not scorer_version or not submissions:
        return [None] * len(submissions)
    ids = get_connection().mget([keys.result_by_content(content_fingerprint(s, scorer_version))
                                 for s in submissions])
    found = [i.decode() for i in ids if i]
    results = dict(zip(found, get_results(found)))
    return [results.get(i.decode()) if i else None for i in ids]


def results_for_user(user_id: str, start: float, end: float) -> list[dict]:
    """A learner's results stored in [start, end) (epoch seconds), oldest first."""
    ids = get_connection().zrangebyscore(keys.results_by_user(check_id(user_id, "user")), start, f"({end}")
    return [record for record in read_many([keys.result(sid.decode()) for sid in ids]) if record]


def delete_results_older_than(days: int) -> int:
    """Delete results stored more than ``days`` ago; return how many."""
    connection = get_connection()
    cutoff = records.now() - days * DAY
    old = [sid.decode() for sid in connection.zrangebyscore(keys.results_by_time(), "-inf", cutoff)]
    for start in range(0, len(old), DELETE_CHUNK):
        delete_results(connection, old[start:start + DELETE_CHUNK])
    _delete_unversioned_reuse_entries(connection)
    return len(old)


def _delete_unversioned_reuse_entries(connection) -> None:
    """Delete (once) the reuse entries written before they carried a scorer version and a lifetime: no
    lookup reads them any more, and nothing else would ever remove them."""
    if connection.exists(keys.reuse_entries_versioned()):
        return
    for batch in records.scan_in_batches(connection, keys.result_by_content("*"), DELETE_CHUNK):
        _delete_without_lifetime(connection, batch)
    connection.set(keys.reuse_entries_versioned(), 1)


def _delete_without_lifetime(connection, reuse_keys: list) -> None:
    with connection.pipeline(transaction=False) as pipe:
        for key in reuse_keys:
            pipe.ttl(key)
        unbounded = [key for key, ttl in zip(reuse_keys, pipe.execute()) if ttl == -1]
    if unbounded:
        connection.delete(*unbounded)


def delete_results(connection, submission_ids: list[str]) -> list[dict]:
    """Delete the results of these submissions with their index and reuse entries; return those there were."""
    if not submission_ids:
        return []
    stored = connection.mget([keys.result(sid) for sid in submission_ids])
    with connection.pipeline() as pipe:
        for sid, payload in zip(submission_ids, stored):
            pipe.delete(keys.result(sid))
            pipe.zrem(keys.results_by_time(), sid)
            if payload:
                record = json.loads(payload)
                pipe.zrem(keys.results_by_day(record["scored_at"][:10]), sid)
                if record.get("user_id"):
                    pipe.zrem(keys.results_by_user(record["user_id"]), sid)
                if record.get("content_fingerprint"):  # unless a newer identical result took the entry over
                    pipe.eval(_DELETE_IF_VALUE, 1, keys.result_by_content(record["content_fingerprint"]), sid)
        pipe.execute()
    return [json.loads(payload) for payload in stored if payload]


_DELETE_IF_VALUE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


def service_model(service_url: str) -> str | None:
    """The model the scoring service at this address named in its latest answer, if it has answered."""
    model = get_connection().get(keys.scoring_service_model(_url_digest(service_url)))
    return model.decode() if model else None


def remember_service_model(service_url: str, model: str) -> None:
    """Keep the model a service answer named: a refit shows in the first answer after it."""
    get_connection().set(keys.scoring_service_model(_url_digest(service_url)), model)


def _url_digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]  # the address may hold credentials: keep it out of keys
