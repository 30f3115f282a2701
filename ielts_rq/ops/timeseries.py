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
from . import monitor

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
    """Per queue and sample, oldest first: jobs waiting, and how long the oldest of them has waited."""
    samples = list(reversed(monitor.depth_history(connection, SPANS[span][1], hourly=span != "hour")))
    series = {"times": [datetime.fromisoformat(s["at"]).timestamp() for s in samples], "queued": {}, "oldest_wait": {}}
    for queue in QUEUES:
        series["queued"][queue] = [s["queues"].get(queue, {}).get("queued", 0) for s in samples]
        series["oldest_wait"][queue] = [s.get("oldest_wait", {}).get(queue, 0.0) for s in samples]
    return series
