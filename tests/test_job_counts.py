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


def _counts(redis_conn) -> dict:
    minute = keys.metrics_bucket("minute", int(time.time() // METRICS_BUCKETS["minute"][0]))
    day = keys.day_counters(datetime.now(timezone.utc).date().isoformat())
    read = lambda key, field: float(redis_conn.hget(key, field) or 0)  # noqa: E731
    return {"by name": (read(keys.job_counts(), "health_check:finished"), read(keys.job_counts(), "fails_with:failed")),
            "by day": (read(day, "jobs:health:finished"), read(day, "jobs:health:failed")),
            "by minute": (read(minute, "health:finished"), read(minute, "health:failed"))}


def _enqueue_three_and_a_failure():
    jobs = [enqueue("health_check") for _ in range(3)]
    jobs.append(get_queue("health").enqueue_call("tests.fixtures.fails_with", args=("boom",),
                                                  description="fails_with"))
    return jobs


@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_running_worker_counts_each_job_once_without_stopping(redis_conn, mode):
    # A minute boundary between the jobs and the read would split the minute's counts.
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "health", "--mode", mode], cwd=ROOT,
                              env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        jobs = _enqueue_three_and_a_failure()
        ended = lambda: all(JsonJob.fetch(job.id, connection=redis_conn).get_status()  # noqa: E731
                            in ("finished", "failed") for job in jobs)
        assert wait_for(ended, 60)
        # The counts ride the worker's next heartbeat, sent before it waits for the next job.
        expected = {"by name": (3, 1), "by day": (3, 1), "by minute": (3, 1)}
        assert wait_for(lambda: _counts(redis_conn) == expected, 5), _counts(redis_conn)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert _counts(redis_conn) == expected  # and nothing counted twice on the way out


def test_a_burst_worker_writes_its_counts_before_it_exits(redis_conn):
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)
    _enqueue_three_and_a_failure()
    run_worker("health", mode="simple")
    assert _counts(redis_conn) == {"by name": (3, 1), "by day": (3, 1), "by minute": (3, 1)}
