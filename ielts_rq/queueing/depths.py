"""How many jobs each queue and registry holds, and how long the oldest has waited."""

from __future__ import annotations

from datetime import datetime, timezone

from ..policies import QUEUES
from .connection import queues_by_server
from .queues import JsonJob, get_queue

REGISTRIES = ("started", "scheduled", "deferred", "finished", "failed")


def queue_counts(connection) -> dict[str, dict[str, int]]:
    """Per queue: queued jobs and each registry's size, read in one pipeline."""
    counts = {}
    for names in queues_by_server(QUEUES):  # one pipeline per server
        queues = [get_queue(name, connection) for name in names]
        with queues[0].connection.pipeline(transaction=False) as pipe:
            for queue in queues:
                pipe.llen(queue.key)
                for registry in _registries(queue):
                    pipe.zcard(registry.key)
            replies = pipe.execute()
        width = 1 + len(REGISTRIES)
        counts.update({queue.name: dict(zip(("queued", *REGISTRIES), replies[i * width:(i + 1) * width]))
                       for i, queue in enumerate(queues)})
    return {name: counts[name] for name in QUEUES}


def _registries(queue):
    return (queue.started_job_registry, queue.scheduled_job_registry, queue.deferred_job_registry,
            queue.finished_job_registry, queue.failed_job_registry)


def oldest_waits(connection) -> dict[str, float]:
    """Per queue, how many seconds its oldest waiting job has waited (queues with jobs only)."""
    queues = [get_queue(name, connection) for name in QUEUES]
    heads = [queue.connection.lindex(queue.key, 0) for queue in queues]
    waits = {}
    for queue, head in zip(queues, heads):
        job = JsonJob.fetch_many([head.decode()], connection=queue.connection)[0] if head else None
        if job is not None and job.enqueued_at:
            waits[queue.name] = (datetime.now(timezone.utc) - job.enqueued_at.replace(tzinfo=timezone.utc)).total_seconds()
    return waits
