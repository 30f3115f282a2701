"""One job as an operator looks at it: its call, outcome, traceback, timeline and the actions its state allows.

It reads that one job (its hash, its results stream, its timeline list: a handful of Redis calls), so it
answers as fast with a hundred thousand failed jobs as with none. The timeline joins what RQ records (the
job's creation and first enqueue in its hash; each attempt that ended it, with its worker, in its results
stream; a running attempt in its hash) with what ``queueing/timeline.py`` appends (deferrals by a rate limit,
attempts that failed and were retried, an operator's actions), in the order they happened.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from datetime import datetime

import redis
from rq.results import Result

from ..clock import epoch, iso
from ..policies import POLICIES
from ..queueing import timeline as recorded_timeline
from ..queueing.queues import job_name, locate_jobs
from ..queueing.records import MAX_ERROR_BYTES, id_problem, inflate
from . import registries

WAITING = registries.WAITING
ENDED_FOR_GOOD = ("failed", "stopped", "canceled")
RESULTS_READ = 10  # RQ keeps at most ten results per job
# RQ's result types (rq.results.Result.Type) by value, as the outcome they mean.
_OUTCOMES = {1: "finished", 2: "failed", 3: "stopped", 4: "retry asked", 5: "failed"}


def find(connection, job_id: str):
    """The job with this id wherever its queue lives; None for an id no job has (or one RQ would refuse)."""
    if not job_id or id_problem(job_id):
        return None
    return locate_jobs([job_id], connection)[0]


def page(job) -> dict:
    """What the job page shows."""
    details = registries.job_details(job, traceback=True)
    policy = POLICIES.get(job_name(job))
    details["arguments_shown"] = bool(policy and policy.describe_args)
    if not details["arguments_shown"]:  # they may carry an essay, an address: the page never shows them
        details.pop("args", None)
        details.pop("kwargs", None)
    details["timeline"] = timeline(job)
    details["actions"] = actions(details["status"])
    details["bands"] = _bands(details.get("result"))
    return details


def actions(status: str) -> list[str]:
    """The actions of POST /jobs/<id>/<action> that apply to a job in this state."""
    if status == "started":
        return ["stop"]
    if status in WAITING:
        return ["cancel", "delete"]
    if status in ("failed", "stopped"):
        return ["requeue", "delete"]
    return ["delete"]


def timeline(job) -> list[dict]:
    """The job's events, oldest first: each ``{"at": ISO time or None, "event": ..., "detail": ...}``."""
    appended = recorded_timeline.recorded(job.connection, job.id)
    first_enqueued = next((e["enqueued_at"] for e in appended if _number(e.get("enqueued_at"))), None)
    events = [_event(job.created_at, "created", ""),
              _event(first_enqueued or job.enqueued_at, "enqueued", f"on {job.origin}")]
    attempts = 0
    for entry in appended:
        attempts += entry.get("event") == "attempt"  # numbered as kept: RQ stores no attempt count
        events += _from_appended(entry, attempts)
    ended = _from_results(job)
    events += ended
    status = job.get_status()
    if status == "started" and job.started_at:
        events.append(_event(job.started_at, "started", _by(job.worker_name)))
    if status == "canceled":
        asked = [e for e in appended if e.get("event") == "operator" and e.get("action") == "cancel"]
        events.append(_event(asked[-1]["at"] if asked else None, "canceled", ""))
    if status == "stopped" and ended and ended[-1]["event"] == "failed":
        ended[-1]["event"] = "stopped"  # RQ writes a stopped job's result as a failure
    # Stable: events of one moment keep the order they were written in; one without a time goes last.
    events.sort(key=lambda e: (e["sort"] is None, e["sort"] or 0))
    return [{"at": e["at"], "event": e["event"], "detail": e["detail"]} for e in events]


def _from_appended(entry: dict, attempt: int) -> list[dict]:
    kind = entry.get("event")
    if kind == "deferred":
        count = int(_number(entry.get("count")) or 1)
        detail = f"rate limit of {entry.get('provider') or 'a provider'}"
        detail += f"; {count} times" if count > 1 else ""
        detail += f"; next try at {iso(_number(entry.get('until')))}" if _number(entry.get("until")) else ""
        return [_event(entry.get("first_at") or entry.get("at"), "deferred", detail)]
    if kind == "attempt":
        return [_event(entry.get("started_at"), "started", _by(entry.get("worker"))),
                _event(entry.get("ended_at"), "failed", f"attempt {attempt}: {entry.get('error') or ''}".strip()),
                _event(entry.get("retry_due"), "retry due", f"attempt {attempt + 1}")]
    if kind == "operator":
        return [_event(entry.get("at"), f"{entry.get('action')} asked", "by an operator")]
    return []


def _from_results(job) -> list[dict]:
    """Each attempt RQ recorded as ending the job (its results stream), as "started" and its outcome."""
    try:
        stream = job.connection.xrange(Result.get_key(job.id), count=RESULTS_READ)
    except redis.ResponseError:  # something else than a stream under the results' key
        return []
    events = []
    for result_id, fields in stream:
        outcome = _OUTCOMES.get(int(_number(fields.get(b"type")) or 0), "ended")
        created = int(result_id.split(b"-")[0]) / 1000
        worker = fields.get(b"worker_name", b"").decode(errors="replace")
        started = _number(fields.get(b"execution_started_at"))
        if started:
            events.append(_event(started, "started", _by(worker)))
        detail = _error_line(fields.get(b"exc_string")) if outcome == "failed" else ""
        events.append(_event(_number(fields.get(b"execution_ended_at")) or created, outcome, detail))
    return events


def _error_line(encoded) -> str:
    if not encoded:
        return ""
    try:
        text = inflate(b64decode(encoded), MAX_ERROR_BYTES).decode("utf-8", "replace")
    except (ValueError, binascii.Error):
        return "(error unreadable)"
    return registries.mask(registries.last_line(text))


def _bands(result) -> dict | None:
    """The scored band summary, when the result is one (score_submission's)."""
    if isinstance(result, dict) and isinstance(result.get("overall_band_score"), (int, float)):
        criteria = result.get("criteria") if isinstance(result.get("criteria"), dict) else {}
        return {"overall": result["overall_band_score"], "criteria": criteria, "scorer": result.get("scorer")}
    return None


def _by(worker) -> str:
    return f"by worker {worker}" if worker else ""


def _event(moment, event: str, detail: str) -> dict:
    """An event at ``moment`` (epoch seconds, or RQ's naive-UTC datetime, or None when unknown)."""
    if isinstance(moment, datetime):
        moment = epoch(moment)
    moment = _number(moment)
    return {"sort": moment, "at": iso(moment) if moment else None, "event": event, "detail": detail}


def _number(value) -> float | None:
    """A number from an event's field or a stream's bytes; None for anything else."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None
