"""The dashboard's graphs over time, read from what workers and the depth monitor store.

Workers count each ended job per queue into per-minute and per-hour buckets
(``queueing.tally``; minutes kept two hours, hours eight days);
``monitor_queue_depth`` samples depth and the oldest job's wait every minute
(a day of samples, and one an hour for a week). A span is read in one
pipeline; buckets with no jobs read as zero, never as missing.
"""

from __future__ import annotations

import time
from datetime import datetime

from ..policies import METRICS_BUCKETS, QUEUES
from ..queueing import keys
from ..queueing.waiting import RATE_LIMITED, REASONS, RETRYING
from . import monitor

WAITING = ("queued", RATE_LIMITED, RETRYING)  # the reasons that make a backlog: due, and not running
SPANS = {"hour": ("minute", 60), "day": ("hour", 24), "week": ("hour", 168)}  # resolution, points


def job_series(connection, span: str, now: float | None = None) -> dict:
    """Per queue and bucket: jobs finished and failed (or stopped), and the mean seconds from enqueue to start."""
    resolution, points = SPANS[span]
    width = METRICS_BUCKETS[resolution][0]
    last = int((now or time.time()) // width)
    buckets = list(range(last - points + 1, last + 1))
    with connection.pipeline(transaction=False) as pipe:
        for bucket in buckets:
            pipe.hgetall(keys.metrics_bucket(resolution, bucket))
        rows = [{k.decode(): float(v) for k, v in row.items()} for row in pipe.execute()]
    series = {"times": [bucket * width for bucket in buckets], "finished": {}, "failed": {}, "wait": {}}
    for queue in QUEUES:
        series["finished"][queue] = [row.get(f"{queue}:finished", 0.0) for row in rows]
        # A stopped job ended without finishing, as a failed one: RQ keeps both in the failed registry.
        series["failed"][queue] = [row.get(f"{queue}:failed", 0.0) + row.get(f"{queue}:stopped", 0.0) for row in rows]
        series["wait"][queue] = [row[f"{queue}:wait_seconds"] / row[f"{queue}:waited"]
                                 if row.get(f"{queue}:waited") else None for row in rows]
    return series


def depth_series(connection, span: str) -> dict:
    """Per queue and sample, oldest first: jobs waiting (queued, rate-limited or retrying), and how long the
    oldest of them has waited since it was first due; ``reasons``: per reason, the jobs of every queue that
    wait for it; ``by_queue``: the same per queue."""
    samples = list(reversed(monitor.depth_history(connection, SPANS[span][1], hourly=span != "hour")))
    series = {"times": [datetime.fromisoformat(s["at"]).timestamp() for s in samples], "queued": {}, "oldest_wait": {},
              "reasons": {}, "by_queue": {}}
    for queue in QUEUES:
        rows = [_waiting_row(s, queue) for s in samples]
        series["by_queue"][queue] = {reason: [row[reason] for row in rows] for reason in REASONS}
        series["queued"][queue] = [sum(row[reason] for reason in WAITING) for row in rows]
        series["oldest_wait"][queue] = [s.get("oldest_wait", {}).get(queue, 0.0) for s in samples]
    series["reasons"] = {reason: [sum(values) for values in zip(*(series["by_queue"][q][reason] for q in QUEUES))]
                         for reason in REASONS}
    return series


def _waiting_row(sample: dict, queue: str) -> dict:
    """A sample's counts per reason for one queue; a sample from before reasons were kept has its queued jobs."""
    kept = sample.get("waiting", {}).get(queue)
    if kept:
        return {reason: kept.get(reason, 0) for reason in REASONS}
    return {**dict.fromkeys(REASONS, 0), "queued": sample["queues"].get(queue, {}).get("queued", 0)}
