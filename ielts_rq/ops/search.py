"""Find jobs by id, job name, submission or learner id, or error text, across every queue and registry.

An exact job id is looked up directly. Anything else is matched against the
newest ``PER_PLACE`` jobs of each queue and registry (records and errors read
in pipelines: a few round trips per place, whatever the number of jobs or of a
learner's submissions), on the job's name, description, arguments (secrets
masked), last error and traceback; a learner id also matches the jobs of that
learner's submissions.

The heavy reads (a search, the failure groups of failure_groups.py) take turns: ``heavy_read``.
"""

from __future__ import annotations

import json
import threading

from .. import store
from ..clock import iso
from ..errors import PermanentError
from ..policies import QUEUES
from ..queueing.queues import JsonJob, get_queue, job_name, locate_jobs
from ..queueing.records import check_record
from .registries import error_texts, failure_line, mask

FAR_FUTURE = 2 ** 40  # epoch seconds: every submission ever stored
PER_PLACE = 500  # newest jobs looked at in each queue and registry
MAX_RESULTS = 200


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


# The dashboard serves every page from the threads of one process: the heavy reads take turns, so that
# threads (and the interpreter's lock) stay free for /healthz and the light pages while an operator's
# tabs reload them during an incident.
HEAVY_AT_ONCE = 1
heavy_read = threading.BoundedSemaphore(HEAVY_AT_ONCE)


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
