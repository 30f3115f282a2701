"""Batches: the jobs one fan-out created, and their progress read from RQ's job hashes."""

from __future__ import annotations

import json

from ..clock import iso
from ..errors import NotFound
from ..policies import DAY
from ..queueing import batching, keys
from ..queueing.connection import get_connection, queue_servers
from . import records
from .records import check_id, read

BATCH_KEPT = 30 * DAY
PUSH_CHUNK = 1000
FAILED_ITEMS_SHOWN = 20


def save_batch(batch_id: str, kind: str, job_ids: list[str], skipped: int = 0, items_per_job: int = 1,
               items: int | None = None) -> dict:
    """A fan-out's jobs; each job handles ``items_per_job`` items (the last one the rest of ``items``)."""
    now = records.now()
    batch = {"id": batch_id, "kind": kind, "total": len(job_ids), "skipped": skipped, "created_at": iso(now),
             "items": len(job_ids) * items_per_job if items is None else items, "items_per_job": items_per_job}
    with get_connection().pipeline() as pipe:
        pipe.set(keys.batch(batch_id), json.dumps(batch), ex=BATCH_KEPT)
        pipe.delete(keys.batch_jobs(batch_id))
        for start in range(0, len(job_ids), PUSH_CHUNK):
            pipe.rpush(keys.batch_jobs(batch_id), *job_ids[start:start + PUSH_CHUNK])
        pipe.expire(keys.batch_jobs(batch_id), BATCH_KEPT)
        pipe.zadd(keys.batches_by_time(), {batch_id: now})
        pipe.zremrangebyscore(keys.batches_by_time(), "-inf", now - BATCH_KEPT)
        pipe.execute()
    batching.set_total(batch_id, len(job_ids))  # its jobs may all have ended already: then it completes now
    return batch


def finish_batch(batch_id: str) -> dict:
    """What the completion job records once every job of the batch has ended: its counts, kept on the batch.
    The same counts every time it runs, so a completion job run again changes nothing."""
    connection = get_connection()
    batch = read(keys.batch(check_id(batch_id, "batch")))
    if batch is None:
        raise NotFound(f"batch {batch_id} not found")
    counts = batching.ended_counts(batch_id)
    completion = {"done": counts["done"], "failed": counts["failed"],
                  "failed_items": connection.hlen(keys.batch_failed_items(batch_id)),
                  "completed_at": batch.get("completion", {}).get("completed_at") or iso(records.now())}
    connection.set(keys.batch(batch_id), json.dumps({**batch, "completion": completion}), keepttl=True)
    return {"batch_id": batch_id, "kind": batch["kind"], **completion}


def record_item_failures(batch_id: str, failures: dict[str, str]) -> None:
    """Items of a batch that failed for good inside a job that itself finished (a chunk of submissions)."""
    if failures:
        with get_connection().pipeline() as pipe:
            pipe.hset(keys.batch_failed_items(batch_id), mapping=failures)
            pipe.expire(keys.batch_failed_items(batch_id), BATCH_KEPT)
            pipe.execute()


def recent_batches(limit: int = 20) -> list[str]:
    """The ids of the newest batches, newest first."""
    return [b.decode() for b in get_connection().zrevrange(keys.batches_by_time(), 0, limit - 1)]


def _statuses(job_ids: list[str]) -> list[bytes | None]:
    """Each job's status from its hash, on whichever server holds its queue (one pipeline per server)."""
    statuses: list[bytes | None] = [None] * len(job_ids)
    for server in queue_servers():
        with server.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hget(keys.rq_job(job_id), "status")
            statuses = [mine or theirs for mine, theirs in zip(statuses, pipe.execute())]
    return statuses


def batch_progress(batch_id: str) -> dict:
    """A batch's jobs counted by status, read from RQ's job hashes in one pipeline."""
    connection = get_connection()
    batch = read(keys.batch(check_id(batch_id, "batch")))
    if batch is None:
        raise NotFound(f"batch {batch_id} not found (its fan-out job may not have run yet)")
    job_ids = [j.decode() for j in connection.lrange(keys.batch_jobs(batch_id), 0, -1)]
    statuses = _statuses(job_ids)
    counts: dict[str, int] = {}
    items_done = 0
    per_job = batch.get("items_per_job", 1)
    total_items = batch.get("items", len(job_ids))
    for index, status in enumerate(statuses):
        name = status.decode() if status else "expired"
        counts[name] = counts.get(name, 0) + 1
        if name in ("finished", "failed", "expired"):  # the last job holds what is left over
            items_done += per_job if index < len(job_ids) - 1 else total_items - per_job * (len(job_ids) - 1)
    done = counts.get("finished", 0) + counts.get("failed", 0)
    failed_items = connection.hlen(keys.batch_failed_items(batch_id))
    examples = dict(list(connection.hscan_iter(keys.batch_failed_items(batch_id), count=100))[:FAILED_ITEMS_SHOWN])
    ended = batching.ended_counts(batch_id)
    batch.setdefault("completion", None)
    return {**batch, "counts": counts, "done": done, "completion_jobs": ended["completion_jobs"], "complete": done + counts.get("expired", 0) == len(job_ids),
            "items_done": items_done,
            "failed_items": failed_items,
            "failed_item_examples": {item.decode(): error.decode() for item, error in examples.items()}}
