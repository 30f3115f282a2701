"""Queue statistics, health verdicts and alerts, kept as small records in Redis."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone

from .keys import key
from .queues import QUEUES, get_queue

log = logging.getLogger("ielts_rq.monitor")

REGISTRIES = ("started", "scheduled", "deferred", "finished", "failed")
HISTORY_LENGTH = 1440  # samples kept: a day at one a minute


def queue_counts(connection) -> dict[str, dict[str, int]]:
    """Per queue: queued jobs and each registry's size, read in one pipeline."""
    queues = [get_queue(name, connection) for name in QUEUES]
    with connection.pipeline(transaction=False) as pipe:
        for queue in queues:
            pipe.llen(queue.key)
            for registry in _registries(queue):
                pipe.zcard(registry.key)
        replies = pipe.execute()
    width = 1 + len(REGISTRIES)
    return {
        queue.name: dict(zip(("queued", *REGISTRIES), replies[i * width:(i + 1) * width]))
        for i, queue in enumerate(queues)
    }


def _registries(queue):
    return (queue.started_job_registry, queue.scheduled_job_registry, queue.deferred_job_registry,
            queue.finished_job_registry, queue.failed_job_registry)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def save_health(connection, record: dict) -> None:
    payload = json.dumps(record)
    with connection.pipeline() as pipe:
        pipe.set(key("health", "latest"), payload)
        pipe.lpush(key("health", "history"), payload)
        pipe.ltrim(key("health", "history"), 0, HISTORY_LENGTH - 1)
        pipe.execute()


def latest_health(connection) -> dict | None:
    payload = connection.get(key("health", "latest"))
    return json.loads(payload) if payload else None


def health_history(connection, limit: int = 24) -> list[dict]:
    return [json.loads(p) for p in connection.lrange(key("health", "history"), 0, limit - 1)]


def save_depth_sample(connection, sample: dict) -> None:
    payload = json.dumps({"at": now_iso(), "queues": sample})
    with connection.pipeline() as pipe:
        pipe.lpush(key("queue_depth", "history"), payload)
        pipe.ltrim(key("queue_depth", "history"), 0, HISTORY_LENGTH - 1)
        pipe.execute()


def depth_history(connection, limit: int = 60) -> list[dict]:
    return [json.loads(p) for p in connection.lrange(key("queue_depth", "history"), 0, limit - 1)]


def depth_alerts(sample: dict, thresholds: dict[str, int]) -> list[dict]:
    """An alert for each queue whose waiting jobs exceed its threshold."""
    return [
        {"queue": name, "kind": "depth", "value": counts["queued"], "threshold": thresholds[name],
         "message": f"queue {name} has {counts['queued']} jobs waiting (threshold {thresholds[name]})"}
        for name, counts in sample.items()
        if name in thresholds and counts["queued"] > thresholds[name]
    ]


def oldest_waits(connection) -> dict[str, float]:
    """Per queue, how many seconds its oldest waiting job has waited (queues with jobs only)."""
    from .queues import JsonJob

    queues = [get_queue(name, connection) for name in QUEUES]
    heads = [connection.lindex(queue.key, 0) for queue in queues]
    waits = {}
    for queue, head in zip(queues, heads):
        job = JsonJob.fetch_many([head.decode()], connection=connection)[0] if head else None
        if job is not None and job.enqueued_at:
            waits[queue.name] = (datetime.now(timezone.utc) - job.enqueued_at.replace(tzinfo=timezone.utc)).total_seconds()
    return waits


def wait_alerts(waits: dict[str, float], thresholds: dict[str, int]) -> list[dict]:
    """An alert for each queue whose oldest job has waited longer than its threshold."""
    return [
        {"queue": name, "kind": "wait", "value": round(seconds), "threshold": thresholds[name],
         "message": f"queue {name}: the oldest job has waited {seconds:.0f}s (threshold {thresholds[name]}s)"}
        for name, seconds in waits.items()
        if name in thresholds and seconds > thresholds[name]
    ]


def raise_alert(connection, alert: dict, cooldown: int) -> dict | None:
    """Store and log an alert, unless the same queue and kind alerted within ``cooldown`` seconds."""
    if not connection.set(key("alert", "cooldown", alert["queue"], alert["kind"]), 1, nx=True, ex=cooldown):
        return None
    record = {**alert, "at": now_iso(), "ts": time.time()}
    log.warning("alert: %s", alert["message"])
    with connection.pipeline() as pipe:
        pipe.lpush(key("alerts"), json.dumps(record))
        pipe.ltrim(key("alerts"), 0, HISTORY_LENGTH - 1)
        pipe.execute()
    return record


def recent_alerts(connection, limit: int = 50) -> list[dict]:
    return [json.loads(p) for p in connection.lrange(key("alerts"), 0, limit - 1)]
