"""Find jobs by id, job name, submission or learner id, or error text, across every queue and registry.

An exact job id is looked up directly. Anything else is matched against the
newest ``PER_PLACE`` jobs of each queue and registry (read in pipelines), on
the job's name, description, arguments (secrets masked), last error and
traceback; a learner id also matches the jobs of that learner's submissions.
"""

from __future__ import annotations

import json

from .. import store
from ..clock import iso
from ..errors import PermanentError
from ..policies import QUEUES
from ..queueing.queues import JsonJob, get_queue, job_name, locate_jobs
from .registries import error_text, failure_line, mask

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
    for job in _recent_jobs(connection):
        if job.id not in found and any(needle in _haystack(job) for needle in needles):
            found[job.id] = _row(job)
            if len(found) >= limit:
                break
    return sorted(found.values(), key=lambda row: row["when"] or "", reverse=True)


def failure_groups(connection) -> list[dict]:
    """Failed jobs grouped by job name and error class, largest group first, with their ids."""
    groups: dict[tuple, dict] = {}
    for queue in QUEUES:
        registry = get_queue(queue, connection).failed_job_registry
        for job in JsonJob.fetch_many(registry.get_job_ids(), connection=registry.connection, exact=True):
            if job is None:
                continue
            error = failure_line(job)
            kind = error.split(":", 1)[0] if ":" in error else (error or "unknown error")
            group = groups.setdefault((queue, job_name(job), kind), {
                "queue": queue, "job": job_name(job), "error_class": kind, "count": 0, "ids": [],
                "example": mask(error)})
            group["count"] += 1
            group["ids"].append(job.id)
    return sorted(groups.values(), key=lambda group: group["count"], reverse=True)


def _recent_jobs(connection):
    for name in QUEUES:
        queue = get_queue(name, connection)
        places = [queue.get_job_ids(0, PER_PLACE)]
        for registry in (queue.started_job_registry, queue.scheduled_job_registry, queue.deferred_job_registry,
                         queue.failed_job_registry, queue.finished_job_registry, queue.canceled_job_registry):
            places.append(registry.get_job_ids(0, PER_PLACE - 1, desc=True))
        for ids in places:
            yield from (job for job in JsonJob.fetch_many(ids, connection=queue.connection, exact=True)
                        if job is not None)


def _learner_submissions(query: str) -> set[str]:
    """A learner id stands for the ids of that learner's submissions."""
    try:
        user_id = store.check_id(query, "user")
    except PermanentError:  # not an id at all: the query is matched as text only
        return set()
    return {s["id"].lower() for s in store.submissions_for_user(user_id, 0, FAR_FUTURE)}


def _haystack(job) -> str:
    try:
        call = json.dumps([job.func_name, mask(list(job.args)), mask(dict(job.kwargs))], default=str)
    except Exception:  # an undecodable job: match what can be read
        call = ""
    return " ".join(str(part) for part in (job.id, job_name(job), job.description or "", call,
                                           job.meta.get("last_error") or "", error_text(job),
                                           *job.problems)).lower()


ENDED_WITHOUT_ERROR = ("finished", "stopped", "canceled")


def _row(job) -> dict:
    status = job.get_status()
    return {"id": job.id, "queue": job.origin, "job": job_name(job), "status": status,
            "when": iso(job.ended_at or job.started_at or job.enqueued_at),
            "error": mask(failure_line(job)) if status == "failed" or job.problems else
                     # an earlier attempt's error, while the job is still to run again: not once it ended otherwise
                     mask(job.meta.get("last_error")) if status not in ENDED_WITHOUT_ERROR else None}
