"""Failure groups: the failed jobs of one queue, job name and error class, as an operator triages them.

Groups are made from the newest ``GROUP_WINDOW`` failed jobs (shared by the
queues that have failures), and say how many there are in all: an outage
leaves a hundred thousand, and reading every one would take the page (and the
threads serving the health check) for half a minute. A group's page lists all
of its jobs, newest first, a bounded slice of the registry per page.

A group's id is made from what it is (queue, job name, error class), never its
place in a list, so it names the same group on every load. What an operator
acts on is what the page showed: the newest failed job of the queue then (its
score in the registry: ``until``), how many the page looked at from there
(``take``), and the group's last failure seen (``last_seen``). A failure that
arrives after the page loaded is left alone.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..clock import utc
from .. import runtime
from ..policies import QUEUES
from ..queueing.queues import JsonJob, get_queue
from ..queueing.records import check_record, id_problem
from .registries import delete_failed, error_line, error_texts, mask, requeue_ids
from .search import heavy_read

GROUP_WINDOW = 2500  # newest failed jobs read for the failure groups, shared by the queues that have any
PAGE_SIZE = 50  # jobs on one page of a group
PAGE_SCAN = 2500  # failed jobs of the queue looked at for one page of a group, at most
CHUNK = 500  # failed jobs read in one pipelined round trip
HOURS_DRAWN = 24  # a group's failures per hour, over this many hours up to now


@dataclass
class FailureGroups:
    """The failure groups of the newest failed jobs: ``looked_at`` of the ``failed`` there are; per queue, the
    newest registry score then and how many were looked at from there (``seen``)."""

    groups: list[dict] = field(default_factory=list)
    looked_at: int = 0
    failed: int = 0
    seen: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.looked_at >= self.failed


def group_id(queue: str, job: str, error_class: str) -> str:
    """The group's id: its queue, then a digest of what it is (stable between loads, safe in a URL)."""
    digest = hashlib.sha256(json.dumps([queue, job, error_class]).encode()).hexdigest()[:16]
    return f"{queue}-{digest}"


def queue_of(group: str) -> str | None:
    queue = group.rpartition("-")[0]
    return queue if queue in QUEUES else None


def error_class(error: str) -> str:
    """What a group is named by: the error's text before its first colon (its exception class, mostly)."""
    return error.split(":", 1)[0] if ":" in error else (error or "unknown error")


def failure_groups(connection, window: int = GROUP_WINDOW) -> FailureGroups:
    """The newest ``window`` failed jobs (an equal share for each queue that has any) grouped by queue, job name
    and error class, largest group first, with their ids, when first and last seen among them and how many failed
    in each of the last ``HOURS_DRAWN`` hours."""
    with heavy_read:
        return _failure_groups(connection, window)


def _failure_groups(connection, window: int) -> FailureGroups:
    groups: dict[str, dict] = {}
    result = FailureGroups()
    registries = [get_queue(queue, connection).failed_job_registry for queue in QUEUES]
    counts = [registry.connection.zcard(registry.key) for registry in registries]
    share = max(window // max(sum(1 for count in counts if count), 1), 1)
    for queue, registry, count in zip(QUEUES, registries, counts):
        result.failed += count
        if not count:
            continue
        newest = registry.connection.zrevrange(registry.key, 0, share - 1, withscores=True)
        ids = [job_id.decode() for job_id, _ in newest]
        result.looked_at += len(ids)
        result.seen[queue] = {"until": repr(newest[0][1]) if newest else "+inf", "take": len(ids)}
        for job_id, name, ended_at, error in failed_summaries(registry.connection, ids):
            _add(groups, queue, job_id, name, ended_at, error)
    result.groups = sorted(groups.values(), key=lambda group: group["count"], reverse=True)
    for group in result.groups:
        group["per_hour"] = per_hour(group.pop("ended"))
    return result


def _add(groups: dict, queue: str, job_id: str, name: str, ended_at: str | None, error: str) -> None:
    kind = error_class(error)
    key = group_id(queue, name, kind)
    if key not in groups:
        groups[key] = {"id": key, "queue": queue, "job": name, "error_class": kind, "count": 0, "ids": [],
                       "ended": [], "example": mask(error), "first_seen": ended_at, "last_seen": ended_at}
    group = groups[key]
    group["count"] += 1
    group["ids"].append(job_id)
    if ended_at:  # ISO times in UTC: their text sorts as the times do
        group["ended"].append(ended_at)
        group["first_seen"] = min(filter(None, (group["first_seen"], ended_at)))
        group["last_seen"] = max(filter(None, (group["last_seen"], ended_at)))


def per_hour(ended: list[str], now: datetime | None = None) -> list[int]:
    """How many of these failure times fall in each of the last ``HOURS_DRAWN`` hours, oldest first."""
    now = now or datetime.now(timezone.utc)
    counts = [0] * HOURS_DRAWN
    for text in ended:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            continue
        hours_ago = int((now - utc(moment)) / timedelta(hours=1))
        if 0 <= hours_ago < HOURS_DRAWN:
            counts[HOURS_DRAWN - 1 - hours_ago] += 1
    return counts


# A failed job's summary does not change while it stays failed: kept on the runtime by (id, when it ended), so that a
# page reloaded every minute during an outage reads whole only the failures that are new since. A job that
# failed again has another end time; one deleted has none: neither is answered from here. (Read and written
# under heavy_read: one thread at a time.)
SUMMARIES_KEPT = 4 * GROUP_WINDOW


def _kept_summaries() -> OrderedDict:
    return runtime.current().part("failure_summaries", OrderedDict)


def failed_summaries(connection, job_ids) -> list[tuple]:
    """(id, job name, ended at, error line) of each failed job that has a record: its end time read for each,
    the rest (two pipelined round trips) only for those not already summarised."""
    _summaries = _kept_summaries()
    with connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hget(JsonJob.key_for(job_id), "ended_at")
        ends = pipe.execute(raise_on_error=False)
    unknown = [job_id for job_id, end in zip(job_ids, ends) if end is None or (job_id, end) not in _summaries]
    read = {summary[0]: summary for summary in _read_summaries(connection, unknown)}
    summaries = []
    for job_id, end in zip(job_ids, ends):
        summary = read.get(job_id) or (_summaries.get((job_id, end)) if end is not None else None)
        if summary is None:  # deleted meanwhile
            continue
        summaries.append(summary)
        if job_id in read and end is not None and not isinstance(end, Exception):
            _summaries[(job_id, end)] = summary
            while len(_summaries) > SUMMARIES_KEPT:
                _summaries.popitem(last=False)
    return summaries


def _read_summaries(connection, job_ids) -> list[tuple]:
    """Each record is checked as a worker would (what is wrong with it heads its error line) but no job object
    is made: at thousands of jobs that is what costs."""
    if not job_ids:
        return []
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


@dataclass
class GroupPage:
    """One page of a group's jobs, newest first: rows (id, ended at, error), the group's name if any was met,
    and where the next page starts (None on the last)."""

    rows: list[dict] = field(default_factory=list)
    job: str | None = None
    error_class: str | None = None
    example: str | None = None
    older: str | None = None
    looked_at: int = 0
    failed: int = 0


def group_page(connection, group: str, after: str | None = None) -> GroupPage:
    """Up to ``PAGE_SIZE`` jobs of ``group``, the newest first, from the queue's failed registry after the
    cursor ``after`` (from the page before). At most about ``PAGE_SCAN`` failed jobs are read for one page, so a
    page answers quickly whatever the registry holds; a page that found fewer says where the next one starts."""
    queue = queue_of(group)
    registry = get_queue(queue, connection).failed_job_registry
    page = GroupPage(failed=registry.connection.zcard(registry.key))
    cursor = _parse_cursor(after)
    with heavy_read:
        while page.looked_at < PAGE_SCAN:
            chunk, more = _next_chunk(registry.connection, registry.key, cursor)
            page.looked_at += len(chunk)
            for place, job_id, name, ended_at, error in chunk:
                if group_id(queue, name, error_class(error)) != group:
                    continue
                if len(page.rows) == PAGE_SIZE:  # one more than a page holds: the next page starts after the last
                    page.older = _cursor(cursor)
                    return page
                page.rows.append({"id": job_id, "ended_at": ended_at, "error": mask(error)})
                page.job, page.error_class, page.example = name, error_class(error), page.example or mask(error)
                cursor = place
            if not more:
                return page
            cursor = chunk[-1][0] if chunk else cursor
        page.older = _cursor(cursor)
    return page


def _next_chunk(connection, key: str, cursor: tuple | None) -> tuple[list[tuple], bool]:
    """The failed jobs that come after ``cursor`` in newest-first order, about ``CHUNK`` of them, as
    ((score, ended at, id), id, name, ended at, error); and whether older ones remain.

    RQ scores a failed job by the second it failed (plus its time to live): many share a score. Within one
    score they are ordered by when they ended, so a chunk always holds whole runs of equal scores: the rest of
    the cursor's, and all of its lowest one's.
    """
    top = f"({cursor[0]!r}" if cursor else "+inf"
    found = connection.zrevrangebyscore(key, top, "-inf", start=0, num=CHUNK, withscores=True)
    scores = {job_id.decode(): score for job_id, score in found}
    for score in {*(found[-1:] and [found[-1][1]]), *([cursor[0]] if cursor else [])}:
        scores.update({job_id.decode(): score for job_id in connection.zrangebyscore(key, score, score)})
    chunk = []
    for job_id, name, ended_at, error in failed_summaries(connection, list(scores)):
        place = (scores[job_id], ended_at or "", job_id)
        if cursor is None or place < cursor:
            chunk.append((place, job_id, name, ended_at, error))
    chunk.sort(reverse=True)
    return chunk, len(found) == CHUNK


def _cursor(place: tuple) -> str:
    score, ended_at, job_id = place
    return f"{score!r}~{ended_at}~{job_id}"


def _parse_cursor(text: str | None) -> tuple[float, str, str] | None:
    parts = (text or "").split("~")
    try:
        return (float(parts[0]), parts[1], parts[2]) if len(parts) == 3 else None
    except ValueError:
        return None  # a cursor mangled by hand: from the newest again


def seen_jobs(connection, group: str, until: str, take: int, last_seen: str | None, most: int) -> list[str]:
    """The ids of ``group``'s jobs the page showed: among the ``take`` newest of the queue's failed registry at
    or below score ``until`` (the newest then), failed at or before ``last_seen``, at most ``most`` of them. A
    failure that arrived after the page loaded has a higher score, or a later end, and is not one of them."""
    queue = queue_of(group)
    registry = get_queue(queue, connection).failed_job_registry
    take = min(max(take, 0), GROUP_WINDOW)  # never more than a page looks at, whatever a hand-made form says
    with heavy_read:
        ids = [job_id.decode() for job_id in
               registry.connection.zrevrangebyscore(registry.key, until, "-inf", start=0, num=take)]
        matched = [job_id for job_id, name, ended_at, error in failed_summaries(registry.connection, ids)
                   if group_id(queue, name, error_class(error)) == group
                   and (last_seen is None or ended_at is None or ended_at <= last_seen)]
    return matched[:most]


def delete_group(connection, group: str, ids: list[str]) -> int:
    """Delete these failed jobs of the group, their records and results; how many were deleted."""
    return delete_failed(connection, ids, queues=[queue_of(group)])


def requeue_group(connection, group: str, ids: list[str]) -> int:
    return requeue_ids(connection, queue_of(group), ids)
