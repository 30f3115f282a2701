"""The in-process worker shape: long-lived processes that keep each job's memory ceiling and timeout, are
replaced after their jobs, and `up` running the short jobs on them apart from the long file jobs."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from .conftest import ROOT, free_port, run_worker, wait_for
from ielts_rq.queueing.queues import JsonJob, get_queue


def _marks(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def _enqueue_mark(path: Path):
    """A job that writes its process id to ``path`` once, then returns."""
    return get_queue("email").enqueue_call("tests.fixtures.writes_marks", args=(str(path), 0.01), description="marks")


def _start_pool(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "email", "--mode", "simple", *args],
                            cwd=ROOT, env={**os.environ, **(env or {})}, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=40)[1]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[1]


def _finished(job) -> bool:
    return job.get_status(refresh=True) == "finished"


def test_an_in_process_job_past_its_queues_memory_limit_fails_alone_and_the_next_job_runs(redis_conn):
    queue = get_queue("email")
    greedy = queue.enqueue_call("tests.fixtures.allocates", args=(1500,), description="allocates")
    modest = queue.enqueue_call("tests.fixtures.allocates", args=(20,), description="allocates")
    run_worker("email", mode="simple", env={"MEMORY_LIMITS": "email=200"})
    failed = JsonJob.fetch(greedy.id, connection=redis_conn)
    assert failed.get_status() == "failed"
    error = failed.latest_result().exc_string
    assert "MemoryError" in error, error
    assert JsonJob.fetch(modest.id, connection=redis_conn).return_value() == "held 20 MB"


def test_an_in_process_job_past_its_timeout_is_stopped_and_the_next_job_runs(redis_conn, tmp_path):
    marker = tmp_path / "slept"
    queue = get_queue("email")
    slow = queue.enqueue_call("tests.fixtures.sleep_then_write", args=(60, str(marker)), timeout=2,
                              description="sleeps")
    after = _enqueue_mark(tmp_path / "after")
    started = time.monotonic()
    run_worker("email", mode="simple")
    assert time.monotonic() - started < 40  # stopped at its timeout, not after its 60 s
    failed = JsonJob.fetch(slow.id, connection=redis_conn)
    assert failed.get_status() == "failed" and "JobTimeoutException" in failed.latest_result().exc_string
    assert not marker.exists()
    assert _finished(after)


def test_a_pool_replaces_each_in_process_worker_after_its_jobs_and_loses_none(redis_conn, tmp_path):
    marks = tmp_path / "marks"
    jobs = [_enqueue_mark(marks) for _ in range(7)]
    pool = _start_pool("--max-jobs", "3")
    try:
        assert wait_for(lambda: all(_finished(job) for job in jobs), timeout=60), _marks(marks)
    finally:
        _stop(pool)
    pids = _marks(marks)
    assert len(pids) == 7  # each job ran once
    per_process = {pid: pids.count(pid) for pid in pids}
    assert len(per_process) >= 3 and max(per_process.values()) <= 3, per_process


def test_a_pool_replaces_an_in_process_worker_whose_job_ran_out_of_memory(redis_conn, tmp_path):
    marks = tmp_path / "marks"
    before = _enqueue_mark(marks)
    greedy = get_queue("email").enqueue_call("tests.fixtures.allocates", args=(1500,), description="allocates")
    after = _enqueue_mark(marks)
    pool = _start_pool("--processes", "1", "--max-jobs", "0", env={"MEMORY_LIMITS": "email=200"})
    try:
        assert wait_for(lambda: _finished(after), timeout=60)
    finally:
        err = _stop(pool)
    assert greedy.get_status(refresh=True) == "failed"
    assert "MemoryError" in greedy.latest_result().exc_string
    assert "MemoryError: the job needed more memory than its queue allows" in err, err  # its one log line
    assert _finished(before)
    first, second = _marks(marks)
    assert first != second, "the worker was not replaced after the job that ran out of memory"
    assert "ran out of memory" in err


def test_up_runs_file_jobs_on_a_forking_worker_of_their_own_beside_busy_in_process_workers(tmp_path):
    home = tempfile.mkdtemp(prefix="irq-shape-", dir="/tmp")
    port = free_port()
    env = {**os.environ, "IELTS_RQ_HOME": home}
    up = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "up", "--port", str(port)], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        connection = redis.Redis(unix_socket_path=f"{home}/valkey/valkey.sock")
        assert wait_for(lambda: connection.scard("rq:workers") >= 2, timeout=90, ignoring=(redis.RedisError,))
        from rq import Queue
        from rq.serializers import JSONSerializer

        def queue(name):
            return Queue(name, connection=connection, serializer=JSONSerializer)

        # Every in-process worker busy for a minute, and more such jobs waiting: a file job still starts.
        for number in range(6):
            queue("scoring").enqueue_call("tests.fixtures.sleep_then_write", args=(60, str(tmp_path / f"s{number}")),
                                          timeout=120)
        queue("file_processing").enqueue_call("tests.fixtures.writes_marks",
                                                     args=(str(tmp_path / "page"), 0.01))
        assert wait_for(lambda: (tmp_path / "page").exists(), timeout=20), "the file job waited behind the others"
        assert not (tmp_path / "s0").exists()  # the scoring jobs were still running
    finally:
        up.send_signal(signal.SIGINT)
        try:
            err = up.communicate(timeout=60)[1]
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            err = up.communicate()[1]
        # `up` leaves its server to workers it counts alive (its killed in-process workers, until reaped).
        subprocess.run([sys.executable, "-m", "ielts_rq.cli", "redis", "stop"], cwd=ROOT, env=env,
                       capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)
    assert "worker (health, scoring, email): in-process, 2 processes" in err, err
    assert "worker (file_processing, analytics): forking" in err, err
