"""The per-job counters behind /metrics, the weekly report and the graphs: each job counted once, soon."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from ielts_rq import enqueue
from ielts_rq.policies import METRICS_BUCKETS
from ielts_rq.queueing import keys
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, run_worker, wait_for


def _counts(redis_conn, since: float) -> dict:
    """The counters, the minute and day buckets summed from ``since`` to now: a test that runs across a
    minute boundary (or midnight) finds its jobs split between two buckets, each counted once."""
    now, width = time.time(), METRICS_BUCKETS["minute"][0]
    minutes = [keys.metrics_bucket("minute", n) for n in range(int(since // width), int(now // width) + 1)]
    days = {keys.day_counters(datetime.fromtimestamp(moment, timezone.utc).date().isoformat()) for moment in (since, now)}

    def read(buckets, field):
        return sum(float(redis_conn.hget(bucket, field) or 0) for bucket in buckets)

    return {"by name": (read([keys.job_counts()], "health_check:finished"),
                        read([keys.job_counts()], "fails_with:failed")),
            "by day": (read(days, "jobs:health:finished"), read(days, "jobs:health:failed")),
            "by minute": (read(minutes, "health:finished"), read(minutes, "health:failed"))}


def _enqueue_three_and_a_failure():
    jobs = [enqueue("health_check") for _ in range(3)]
    jobs.append(get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("boom",),
                                                  description="fails_with"))
    return jobs


@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_running_worker_counts_each_job_once_without_stopping(redis_conn, mode):
    since = time.time()
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "health", "--mode", mode], cwd=ROOT,
                              env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        jobs = _enqueue_three_and_a_failure()
        ended = lambda: all(JsonJob.fetch(job.id, connection=redis_conn).get_status()  # noqa: E731
                            in ("finished", "failed") for job in jobs)
        assert wait_for(ended, 60)
        # The counts ride the worker's next heartbeat, sent before it waits for the next job.
        expected = {"by name": (3, 1), "by day": (3, 1), "by minute": (3, 1)}
        assert wait_for(lambda: _counts(redis_conn, since) == expected, 5), _counts(redis_conn, since)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert _counts(redis_conn, since) == expected  # and nothing counted twice on the way out


def test_a_burst_worker_writes_its_counts_before_it_exits(redis_conn):
    since = time.time()
    _enqueue_three_and_a_failure()
    run_worker("health", mode="simple")
    assert _counts(redis_conn, since) == {"by name": (3, 1), "by day": (3, 1), "by minute": (3, 1)}
