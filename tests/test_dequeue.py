"""A worker on several queues never holds the only copy of a job it has taken."""

import os
import signal
import subprocess
import sys
import time

import pytest

from ielts_rq import enqueue
from ielts_rq.queueing.dequeue import move_next
from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, run_worker

DIE_AFTER_DEQUEUE = """
import os, signal
from ielts_rq.queueing.connection import get_connection
from ielts_rq.queueing.queues import IeltsQueue, get_queue
connection = get_connection()
job, queue = IeltsQueue.dequeue_any([get_queue(name, connection) for name in ("scoring", "health")], None, connection)
print(job.id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # dies before it can start the job
"""


def _intermediate(connection, queue: str) -> list[str]:
    return [job_id.decode() for job_id in connection.lrange(get_queue(queue).intermediate_queue_key, 0, -1)]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_worker_killed_between_dequeue_and_start_leaves_the_job_to_come_back(redis_conn):
    # Given a job on the second of a worker's two queues
    job = enqueue("health_check")
    # When a worker process takes it and is killed before starting it
    taken = subprocess.run([sys.executable, "-c", DIE_AFTER_DEQUEUE], capture_output=True, text=True, cwd=ROOT)
    assert taken.returncode == -signal.SIGKILL
    assert taken.stdout.strip() == job.id
    # Then the job is not lost: its id waits in the queue's intermediate list...
    assert _intermediate(redis_conn, "health") == [job.id]
    # ...and a running worker brings it back and runs it
    assert _finished_by_a_worker(job, ["scoring", "health"], within=90)
    assert _intermediate(redis_conn, "health") == []


DIE_WHILE_CLEANING = DIE_AFTER_DEQUEUE.replace(
    "os.kill(", "get_queue('health', connection).acquire_maintenance_lock()  # as a worker does to clean\nos.kill(")


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_worker_killed_while_cleaning_does_not_stop_recovery_for_long(redis_conn):
    # Given a worker that took a job and was killed while it held the lock on cleaning the queue
    # (RQ's lock lasts 15 minutes and is freed only by the cleaning's end)
    job = enqueue("health_check")
    taken = subprocess.run([sys.executable, "-c", DIE_WHILE_CLEANING], capture_output=True, text=True, cwd=ROOT)
    assert taken.returncode == -signal.SIGKILL, taken.stderr
    # When another worker runs, the job still comes back within a minute
    assert _finished_by_a_worker(job, ["health"], within=60)


def _finished_by_a_worker(job, queues, within: float) -> bool:
    """Run a real worker on ``queues`` until ``job`` finishes or ``within`` seconds pass."""
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *queues], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + within
        while job.get_status(refresh=True) != "finished" and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    return job.get_status() == "finished"


def test_queues_are_taken_in_the_workers_order(redis_conn):
    health = enqueue("health_check")
    cleanup = enqueue("cleanup_old_results", 30)
    keys = [get_queue("scoring").key, get_queue("health").key]
    assert move_next(redis_conn, keys, None) == (keys[0], cleanup.id)
    assert move_next(redis_conn, keys, None) == (keys[1], health.id)
    assert move_next(redis_conn, keys, None) is None


@pytest.mark.timing
def test_an_idle_wait_ends_with_a_job_pushed_to_any_queue(redis_conn):
    keys = [get_queue("scoring").key, get_queue("health").key]
    pusher = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5); "
                               "from ielts_rq import enqueue; print(enqueue('health_check').id)"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    started = time.monotonic()
    queue_key, job_id = move_next(redis_conn, keys, timeout=10)
    waited = time.monotonic() - started
    assert (queue_key, job_id) == (keys[1], pusher.communicate(timeout=10)[0].strip())
    assert waited < 5  # found as soon as it came, not at the end of the wait


def test_a_multi_queue_worker_leaves_no_ids_behind(redis_conn):
    jobs = [enqueue("health_check") for _ in range(3)] + [enqueue("cleanup_old_results", 30)]
    run_worker("scoring", "health")
    assert [job.get_status(refresh=True) for job in jobs] == ["finished"] * 4
    assert _intermediate(redis_conn, "health") == _intermediate(redis_conn, "scoring") == []


def test_simple_mode_on_several_queues_leaves_no_ids_behind(redis_conn):
    jobs = [enqueue("health_check") for _ in range(3)]
    run_worker("scoring", "health", mode="simple")
    assert [JsonJob.fetch(job.id, connection=redis_conn).get_status() for job in jobs] == ["finished"] * 3
    assert _intermediate(redis_conn, "health") == []
    assert cli("status").returncode == 0
