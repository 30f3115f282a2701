"""A learner's data, wherever this system holds it: erased on request, exported on request.

``erase_learner(user_id)`` removes the learner's records and their indexes in
Redis, the content-reuse entries of their results, their analytics, their id in
the per-day active-learner sets, their address's opt-out, the email jobs'
markers, their stored uploads and report charts (local storage or S3), their
messages in the outbox, and every job not running that carries their id, one of
their submission ids, one of their file keys or their address (queued,
scheduled, deferred, finished, failed, canceled). It first sets the erasure
tombstone (``store.erasures``), so a job running for them at that moment stores
nothing of theirs afterwards. It is idempotent, and says what it removed.

Matching is exact: a job or a message is the learner's when one of its values
*is* their id, a submission id or a file key of theirs, or their address (in
any case or form), or holds the text of one of their answers. ``learner-1`` never
matches ``learner-12``, and a pattern such as ``*`` is refused as an id.

``export_learner(user_id)`` returns one JSON document (``EXPORT_FORMAT``)
with everything held about the learner; ``write_export`` also writes their
files beside it.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta, timezone
from email import policy
from email.parser import BytesParser
from pathlib import Path

from rq.job import Job
from rq.results import Result

from .. import store
from ..addresses import validate_address
from ..clock import iso
from ..errors import IeltsRqError, NotFound
from ..mail.transports import outbox_folder
from ..policies import COUNTERS_KEPT_DAYS, POLICIES, QUEUES
from ..queueing import keys
from ..queueing.connection import get_connection, queue_servers
from ..queueing.queues import JsonJob, get_queue, job_name
from ..settings import get_settings
from ..storage import get_storage
from ..store import records
from ..store.users import normal_address

EXPORT_FORMAT = "ielts-rq learner export 1"
SCAN_BATCH = 500
MIN_TEXT_MATCH = 20  # characters: an answer shorter than this is matched by its submission id alone
RUNNING = "started"


class Learner:
    """What identifies a learner's data: their id, address, submission ids, file keys and answers."""

    def __init__(self, user_id: str, addresses: tuple[str, ...] = ()):
        self.id = store.check_id(user_id, "learner")
        connection = get_connection()
        self.user = store.get_user(user_id)
        known = [self.user["email"]] if self.user and self.user.get("email") else []
        self.addresses = {normal_address(validate_address(a)) for a in [*known, *addresses]}
        owned = {sid.decode() for sid in connection.zrange(keys.submissions_by_user(user_id), 0, -1)}
        owned |= {sid.decode() for sid in connection.zrange(keys.results_by_user(user_id), 0, -1)}
        self.submission_ids = sorted(owned)
        self.submissions = [s for s in store.get_submissions(self.submission_ids) if s]
        self.results = [r for r in store.get_results(self.submission_ids) if r]
        self.file_keys = {s["file_key"] for s in self.submissions if s.get("file_key")}
        self.texts = {s["text"].strip() for s in self.submissions if len(s["text"].strip()) >= MIN_TEXT_MATCH}

    def owns(self, value) -> bool:
        """Whether a value (a job's argument or result, at any depth) is, or holds, this learner's data."""
        if isinstance(value, str):
            return (value == self.id or value in self.submission_ids or value in self.file_keys
                    or ("@" in value and normal_address(value) in self.addresses)
                    or any(text in value for text in self.texts))
        if isinstance(value, dict):
            return any(self.owns(k) or self.owns(v) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return any(self.owns(item) for item in value)
        return False

    def unique_job_ids(self) -> set[str]:
        """The ids the unique jobs for this learner or their submissions have (``send_weekly_report-ID``)."""
        return {f"{name}-{subject}" for name, policy in POLICIES.items() if policy.unique
                for subject in (self.id, *self.submission_ids)}


def erase_learner(user_id: str, addresses: tuple[str, ...] = ()) -> dict:
    """Remove everything held about the learner; see the module's text. ``addresses`` adds addresses of theirs
    the learner record does not hold (an earlier one, or a record already gone). Returns what was removed, per
    kind, the jobs left running (their writes are refused) and the errors met (nothing else is skipped)."""
    store.check_id(user_id, "learner")
    for address in addresses:
        validate_address(address)  # before anything is removed
    previous = store.mark_erased(user_id)  # first: a job running now finds it before it writes
    learner = Learner(user_id, addresses)
    connection = get_connection()
    removed: dict[str, int] = {}
    errors: list[str] = []
    jobs, running = _learner_jobs(learner)
    learner.file_keys |= {value for job in jobs for value in _file_keys(job)}
    removed["jobs"] = _delete_jobs(jobs, learner.unique_job_ids())
    removed["submissions"] = len(store.delete_submissions(connection, learner.submission_ids))
    removed["results"] = len(store.delete_results(connection, learner.submission_ids))
    analytics = store.learner_analytics_keys(user_id)
    chart_keys = {key for record in records.read_many(analytics) if record
                  for key in (record.get("charts") or {}).values() if isinstance(key, str)}
    store.delete_analytics(analytics)
    removed["analytics"] = len(analytics)
    removed["learner_record"] = connection.delete(keys.user(user_id))
    removed["learner_indexes"] = _delete_learner_indexes(connection, learner)
    removed["email_markers"] = _delete_email_markers(connection, learner, {job.id for job in jobs})
    removed["files"] = _delete_files(learner, chart_keys, errors)
    removed["outbox_messages"] = _delete_outbox_messages(learner, errors)
    found = sum(removed.values())
    store.mark_erased(user_id, removed=found + (previous or {}).get("removed", 0))
    return {"learner": user_id, "removed": removed, "total": found, "running_jobs": running, "errors": errors,
            "erased_before": previous}


def export_learner(user_id: str, addresses: tuple[str, ...] = ()) -> dict:
    """Everything held about the learner, as one JSON-ready document (shape: README, 'Learners' data')."""
    learner = Learner(user_id, addresses)
    analytics = store.learner_analytics_keys(user_id)
    analytics_records = [r for r in records.read_many(analytics) if r]
    jobs, _ = _learner_jobs(learner)
    files = sorted(learner.file_keys | {key for record in analytics_records
                                        for key in (record.get("charts") or {}).values() if isinstance(key, str)}
                   | {item["key"] for item in _learner_report_files(learner)})
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": iso(records.now()),
        "learner": learner.user,
        "submissions": learner.submissions,
        "results": learner.results,
        "analytics": [{"key": key.removeprefix(keys.key("analytics", "")), "record": record}
                      for key, record in zip(analytics, records.read_many(analytics)) if record],
        "emails": _outbox_messages(learner, read_body=True),
        "files": [entry for entry in (_file_entry(key) for key in files) if entry],
        "jobs": [{"id": job.id, "job": job_name(job), "status": job.get_status(refresh=False),
                  "enqueued_at": iso(job.enqueued_at)} for job in jobs],
    }
    if not any(document[part] for part in ("learner", "submissions", "results", "analytics", "emails", "files",
                                           "jobs")):
        raise NotFound(f"no data held about learner {user_id}")
    return document


def write_export(user_id: str, folder: Path, addresses: tuple[str, ...] = ()) -> dict:
    """Write ``learner.json`` and the learner's files (under ``files/``, by storage key) into ``folder``."""
    document = export_learner(user_id, addresses)
    folder.mkdir(parents=True, exist_ok=True)
    storage = get_storage()
    for entry in document["files"]:
        target = folder / "files" / entry["key"]  # storage keys are checked: no '..', not absolute
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(storage.get(entry["key"]))
        entry["path"] = str(target.relative_to(folder))
    (folder / "learner.json").write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    return document


# Jobs ------------------------------------------------------------------------------------------------------

def _learner_jobs(learner: Learner) -> tuple[list, int]:
    """The jobs on every queue server that carry the learner's data (not running), and how many running do."""
    found, running = [], 0
    for server in queue_servers():
        for batch in records.scan_in_batches(server, Job.redis_job_namespace_prefix + "*", SCAN_BATCH):
            ids = [key.decode()[len(Job.redis_job_namespace_prefix):] for key in batch]
            ids = [job_id for job_id in ids if ":" not in job_id]  # not a job's dependents or dependencies set
            for job in JsonJob.fetch_many(ids, connection=server, exact=True):
                if job is None or not _carries(job, learner):
                    continue
                if job.get_status(refresh=False) == RUNNING:
                    running += 1  # cannot be taken from its worker: the tombstone keeps it from writing
                else:
                    found.append(job)
    return found, running


def _carries(job, learner: Learner) -> bool:
    if job.id in learner.unique_job_ids():
        return True
    try:
        if learner.owns(list(job.args)) or learner.owns(dict(job.kwargs)):
            return True
    except Exception:  # an unreadable record: looked at as the bytes it holds
        return _raw_carries(job, learner)
    if job.get_status(refresh=False) == "finished":
        try:
            return learner.owns(job.return_value())
        except Exception:
            return False
    return False


def _raw_carries(job, learner: Learner) -> bool:
    data = job.connection.hget(job.key, "data") or b""
    try:
        data = zlib.decompress(data)
    except zlib.error:
        pass
    text = data.decode("utf-8", "replace")
    try:
        return learner.owns(json.loads(text))
    except ValueError:
        return False


def _file_keys(job) -> set[str]:
    """The storage keys a file job names (the upload it reads)."""
    if job_name(job) not in ("process_image", "process_audio"):
        return set()
    try:
        key = (list(job.args) or [dict(job.kwargs).get("file_key")])[0]
    except Exception:
        return set()
    return {key} if isinstance(key, str) else set()


def _delete_jobs(jobs: list, unique_ids: set[str]) -> int:
    for job in jobs:
        if job.problems:
            job.connection.delete(job.key, job.dependents_key, f"{job.key}:dependencies", Result.get_key(job.id))
        else:
            job.delete()
    # Registry entries whose job hash has gone already still name the learner's ids: those go too.
    stale = list({job.id for job in jobs} | unique_ids)
    for name in QUEUES:
        queue = get_queue(name)
        with queue.connection.pipeline(transaction=False) as pipe:
            for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.deferred_job_registry,
                             queue.scheduled_job_registry, queue.canceled_job_registry):
                pipe.zrem(registry.key, *stale)
            pipe.execute()
    return len(jobs)


# Redis records -----------------------------------------------------------------------------------------------

def _delete_learner_indexes(connection, learner: Learner) -> int:
    """The learner's own indexes, their id in the per-day active-learner sets, their address's opt-out and
    their submissions named in batches' failed items."""
    today = datetime.fromtimestamp(records.now(), timezone.utc).date()  # the counters' days are UTC
    days = [(today - timedelta(days=n)).isoformat() for n in range(-1, COUNTERS_KEPT_DAYS + 1)]
    batch_ids = [b.decode() for b in connection.zrange(keys.batches_by_time(), 0, -1)]
    with connection.pipeline(transaction=False) as pipe:
        pipe.delete(keys.submissions_by_user(learner.id), keys.results_by_user(learner.id))
        for day in days:
            pipe.srem(keys.day_learners(day), learner.id)
        for address in learner.addresses:
            pipe.srem(keys.email_opted_out(address), learner.id)
        for batch_id in batch_ids if learner.submission_ids else ():
            pipe.hdel(keys.batch_failed_items(batch_id), *learner.submission_ids)
        return sum(int(reply) for reply in pipe.execute() if isinstance(reply, int))


def _delete_email_markers(connection, learner: Learner, job_ids: set[str]) -> int:
    """The email jobs' "already sent" markers of the learner's jobs (a marker's key starts with its job id)."""
    job_ids = job_ids | learner.unique_job_ids()
    prefix = keys.email_sent("")
    doomed = []
    for batch in records.scan_in_batches(connection, keys.email_sent("*"), SCAN_BATCH):
        for key in batch:
            marker = key.decode()[len(prefix):]
            if marker.split(":")[0] in job_ids or learner.owns(marker.split(":")[-1]):
                doomed.append(key)
    return connection.delete(*doomed) if doomed else 0


# Files and messages --------------------------------------------------------------------------------------------

def _learner_report_files(learner: Learner) -> list[dict]:
    """The learner's weekly-report charts (``reports/user/ID/...``), listed from storage."""
    return list(get_storage().list(f"reports/user/{learner.id}/"))


def _delete_files(learner: Learner, chart_keys: set[str], errors: list[str]) -> int:
    storage, deleted = get_storage(), 0
    try:
        keys_ = learner.file_keys | chart_keys | {item["key"] for item in _learner_report_files(learner)}
    except IeltsRqError as exc:
        errors.append(f"storage could not be listed: {exc}")
        keys_ = learner.file_keys | chart_keys
    for key in sorted(keys_):
        try:
            deleted += bool(storage.delete(key))
        except IeltsRqError as exc:
            errors.append(f"file {key} not deleted: {exc}")
    return deleted


def _file_entry(key: str) -> dict | None:
    try:
        info = get_storage().stat(key)
    except NotFound:
        return None
    return {"key": key, "size": info["size"], "content_type": info["content_type"], "sha256": info["sha256"]}


def _outbox_messages(learner: Learner, read_body: bool = False) -> list[dict]:
    """The outbox's messages to the learner's address, oldest first."""
    folder = outbox_folder(get_settings())
    if not learner.addresses or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.eml")):
        try:
            with path.open("rb") as file:
                message = BytesParser(policy=policy.default).parse(file, headersonly=not read_body)
        except FileNotFoundError:
            continue  # removed meanwhile
        if normal_address(str(message["To"] or "")) not in learner.addresses:
            continue
        entry = {"id": path.stem, "to": str(message["To"]), "subject": str(message["Subject"]),
                 "date": str(message["Date"]), "path": path}
        if read_body:
            body = message.get_body(("plain",))
            entry["text"] = body.get_content() if body is not None else None
            del entry["path"]
        found.append(entry)
    return found


def _delete_outbox_messages(learner: Learner, errors: list[str]) -> int:
    deleted = 0
    for entry in _outbox_messages(learner):
        try:
            entry["path"].unlink()
            deleted += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            errors.append(f"outbox message {entry['id']} not deleted: {exc.strerror}")
    return deleted
