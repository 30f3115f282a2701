"""Find jobs by id, job name, submission or learner id, or error text, across every queue and registry.

An exact job id is looked up directly. Anything else is matched against the
newest ``PER_PLACE`` jobs of each queue and registry (records and errors read
in pipelines: a few round trips per place, whatever the number of jobs or of a
learner's submissions), on the job's name, description, arguments (secrets
masked), last error and traceback; a learner id also matches the jobs of that
learner's submissions.

Failure groups are made from the newest ``GROUP_WINDOW`` failed jobs (shared
by the queues that have failures), and say how many there are in all: an outage leaves a hundred thousand,
and reading every one would take the page (and the threads serving the health
check) for half a minute.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from .. import store
from ..clock import iso
from ..errors import PermanentError
from ..policies import QUEUES
from ..queueing.queues import JsonJob, get_queue, job_name, locate_jobs
from ..queueing.records import check_record, id_problem
from .registries import error_line, error_texts, failure_line, mask

FAR_FUTURE = 2 ** 40  # epoch seconds: every submission ever stored
PER_PLACE = 500  # newest jobs looked at in each queue and registry
MAX_RESULTS = 200
GROUP_WINDOW = 2500  # newest failed jobs read for the failure groups, shared by the queues that have any


def find_jobs(connection, query: str, limit: int = MAX_RESULTS) -> list[dict]:
    """Jobs matching ``query``, newest first."""
    query = query.strip()
    if not query:
        return []
    exact = locate_jobs([query], connection)[0] if len(query) <= 128 else None
    if exact is not None:
        return [_row(exact)]
    needles = {query.lower()} | _learner_submissions(query)
    found = {}
    with heavy_read:
        for job, text in _recent_matches(connection, needles):
            if job.id not in found:
                found[job.id] = _row(job, text)
            if len(found) >= limit:
                break
    return sorted(found.values(), key=lambda row: row["when"] or "", reverse=True)


@dataclass
class FailureGroups:
    """The failure groups of the newest failed jobs: ``looked_at`` of the ``failed`` there are."""

    groups: list[dict] = field(default_factory=list)
    looked_at: int = 0
    failed: int = 0

    @property
    def complete(self) -> bool:
        return self.looked_at >= self.failed


# The dashboard serves every page from the threads of one process: the heavy reads take turns, so that
# threads (and the interpreter's lock) stay free for /healthz and the light pages while an operator's
# tabs reload them during an incident.
HEAVY_AT_ONCE = 1
heavy_read = threading.BoundedSemaphore(HEAVY_AT_ONCE)


def failure_groups(connection, window: int = GROUP_WINDOW) -> FailureGroups:
    """The newest ``window`` failed jobs (an equal share for each queue that has any) grouped by queue, job name
    and error class, largest group first, with their ids and when the group was first and last seen among them."""
    with heavy_read:
        return _failure_groups(connection, window)


def _failure_groups(connection, window: int) -> FailureGroups:
    groups: dict[tuple, dict] = {}
    result = FailureGroups()
    registries = [get_queue(queue, connection).failed_job_registry for queue in QUEUES]
    counts = [registry.connection.zcard(registry.key) for registry in registries]
    share = max(window // max(sum(1 for count in counts if count), 1), 1)
    for queue, registry, count in zip(QUEUES, registries, counts):
        result.failed += count
        ids = [job_id.decode() for job_id in registry.connection.zrevrange(registry.key, 0, share - 1)] if count else []
        result.looked_at += len(ids)
        for job_id, name, ended_at, error in _failed_summaries(registry.connection, ids):
            kind = error.split(":", 1)[0] if ":" in error else (error or "unknown error")
            group = groups.setdefault((queue, name, kind), {
                "queue": queue, "job": name, "error_class": kind, "count": 0, "ids": [], "example": mask(error),
                "first_seen": ended_at, "last_seen": ended_at})
            group["count"] += 1
            group["ids"].append(job_id)
            if ended_at:  # ISO times in UTC: their text sorts as the times do
                group["first_seen"] = min(filter(None, (group["first_seen"], ended_at)))
                group["last_seen"] = max(filter(None, (group["last_seen"], ended_at)))
    result.groups = sorted(groups.values(), key=lambda group: group["count"], reverse=True)
    return result


def _failed_summaries(connection, job_ids) -> list[tuple]:
    """(id, job name, ended at, error line) of each failed job that has a record, read in two pipelined round
    trips. Each record is checked as a worker would (what is wrong with it heads its error line) but no job
    object is made: at thousands of jobs that is what costs."""
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hgetall(JsonJob.key_for(job_id))
        answers = pipe.execute(raise_on_error=False)
    summaries = []
    for job_id, answer, text in zip(job_ids, answers, error_texts(connection, job_ids)):
        if isinstance(answer, Exception):  # the key holds no hash
            summaries.append((job_id, "<undecodable>", None, error_line(text, [f"record: not a hash ({answer})"])))
            continue
        if not answer:  # deleted meanwhile
            continue
        checked = check_record(answer)
        problems = list(filter(None, [id_problem(job_id)])) + checked.problems
        ended_at = checked.fields.get(b"ended_at")
        summaries.append((job_id, _call_name(checked.data), ended_at.decode() if ended_at else None,
                          error_line(text, problems)))
    return summaries


def _call_name(data: bytes) -> str:
    """The job's function name from its (checked) call data, as job_name gives it."""
    try:
        return json.loads(data)[0].rsplit(".", 1)[-1] or "?"
    except (ValueError, UnicodeDecodeError, IndexError, KeyError, TypeError, AttributeError):
        return "<undecodable>"


def _recent_matches(connection, needles: set[str]):
    """(job, its error text) of the newest jobs of each queue and registry whose text holds one of ``needles``.
    Each place costs a few pipelined round trips, and only the jobs that match are read whole."""
    for name in QUEUES:
        queue = get_queue(name, connection)
        places = [queue.get_job_ids(0, PER_PLACE)]
        for registry in (queue.started_job_registry, queue.scheduled_job_registry, queue.deferred_job_registry,
                         queue.failed_job_registry, queue.finished_job_registry, queue.canceled_job_registry):
            places.append(registry.get_job_ids(0, PER_PLACE - 1, desc=True))
        for ids in places:
            matched = [(job_id, text) for job_id, haystack, text in _searchable(queue.connection, ids)
                       if any(needle in haystack for needle in needles)]
            jobs = JsonJob.fetch_many([job_id for job_id, _ in matched], connection=queue.connection, exact=True)
            yield from ((job, text) for job, (_, text) in zip(jobs, matched) if job is not None)


SEARCHED_FIELDS = ("description", "data", "meta")  # what a search matches of a job's record, with its error


def _searchable(connection, job_ids) -> list[tuple]:
    """(id, the text a search matches, error text) of each job that has a record, from only the fields the
    search matches: a job object per job looked at costs too much here."""
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hmget(JsonJob.key_for(job_id), *SEARCHED_FIELDS)
        answers = pipe.execute(raise_on_error=False)
    found = []
    for job_id, answer, text in zip(job_ids, answers, error_texts(connection, job_ids)):
        if isinstance(answer, Exception):  # the key holds no hash: found by its id and what is wrong
            found.append((job_id, f"{job_id} {answer}".lower(), text))
        elif any(value is not None for value in answer):
            found.append((job_id, _haystack(job_id, answer, text), text))
    return found


def _haystack(job_id: str, answer: list, error: str) -> str:
    raw = {name.encode(): value for name, value in zip(SEARCHED_FIELDS, answer) if value is not None}
    checked = check_record(raw)
    try:
        function, _, args, kwargs = json.loads(checked.data)
        call = json.dumps([function, mask(args), mask(kwargs)], default=str)
        name = function.rsplit(".", 1)[-1]
    except Exception:  # an undecodable call: match what can be read
        call, name = "", "<undecodable>"
    try:
        last_error = json.loads(checked.fields.get(b"meta") or b"{}").get("last_error") or ""
    except (ValueError, AttributeError):
        last_error = ""
    description = checked.fields.get(b"description", b"").decode("utf-8", "replace")
    return " ".join(str(part) for part in (job_id, name, description, call, mask(last_error), error,
                                           *checked.problems)).lower()


def _learner_submissions(query: str) -> set[str]:
    """A learner id stands for the ids of that learner's submissions."""
    try:
        user_id = store.check_id(query, "user")
    except PermanentError:  # not an id at all: the query is matched as text only
        return set()
    return {s["id"].lower() for s in store.submissions_for_user(user_id, 0, FAR_FUTURE)}


ENDED_WITHOUT_ERROR = ("finished", "stopped", "canceled")


def _row(job, error: str | None = None) -> dict:
    status = job.get_status()
    return {"id": job.id, "queue": job.origin, "job": job_name(job), "status": status,
            "when": iso(job.ended_at or job.started_at or job.enqueued_at),
            "error": mask(failure_line(job, error)) if status == "failed" or job.problems else
                     # an earlier attempt's error, while the job is still to run again: not once it ended otherwise
                     mask(job.meta.get("last_error")) if status not in ENDED_WITHOUT_ERROR else None}
