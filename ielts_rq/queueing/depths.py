"""How many jobs each queue and registry holds, why they wait, and how long the oldest has waited."""

from __future__ import annotations

from ..policies import QUEUES
from .connection import queues_by_server
from .queues import get_queue
from .waiting import waiting_reasons

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


def waiting(connection) -> dict[str, dict]:
    """Per queue: its waiting jobs by reason and their true waits (``waiting.py``), a bounded read per queue."""
    return waiting_reasons([get_queue(name, connection) for name in QUEUES])


def oldest_waits(reasons: dict) -> dict[str, float]:
    """Per queue, from ``waiting()``'s rows, how many seconds its oldest waiting job has waited since it was first
    due (queues with one only): queued, rate-limited, retrying, or asked for a time now past."""
    return {name: row["oldest_wait"] for name, row in reasons.items() if row["oldest_wait"] > 0}
