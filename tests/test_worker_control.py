"""`ielts-rq workers`: a suspended system takes no job until resumed, a paused queue keeps its jobs while
the others run, and a stopped worker finishes its job, then exits; `status` shows each state."""

import json

import pytest

from ielts_rq import enqueue
from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.queueing.worker import SHUTDOWN_GRACE

from .conftest import cli, run_worker, wait_for
from .conftest import worker_process as _worker


def _status() -> dict:
    shown = cli("status", "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def _state_of(name: str) -> str | None:
    return next((w["state"] for w in _status()["workers"] if w["name"] == name), None)


def _job_status(job) -> str:
    return JsonJob.fetch(job.id, connection=job.connection).get_status()


@pytest.fixture
def resumed():
    yield
    cli("workers", "resume", *(arg for queue in ("health", "scoring") for arg in ("--queue", queue)))
    cli("workers", "resume")


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_suspended_system_takes_no_job_until_resumed(redis_conn, tmp_path, resumed):
    with _worker(tmp_path, "health", "--mode", "simple", "--name", "ctl-suspend") as worker:
        assert wait_for(lambda: _state_of("ctl-suspend") == "idle", 60), (tmp_path / "worker.log").read_text()
        suspended = cli("workers", "suspend")
        assert suspended.returncode == 0 and "suspended" in suspended.stdout, suspended.stderr
        assert wait_for(lambda: _state_of("ctl-suspend") == "suspended", 30)
        assert _status()["workers_suspended"] is True
        assert "SUSPENDED" in cli("status").stdout
        job = enqueue("health_check")
        # The worker looks at the suspension every second: three seconds without the job taken is three looks.
        assert not wait_for(lambda: _job_status(job) != "queued", 3)
        resumed_now = cli("workers", "resume")
        assert resumed_now.returncode == 0, resumed_now.stderr
        assert wait_for(lambda: _job_status(job) == "finished", 30), (tmp_path / "worker.log").read_text()
        assert _status()["workers_suspended"] is False and worker.poll() is None  # it went on working


def test_a_paused_queue_keeps_its_jobs_while_the_others_run(redis_conn, resumed):
    paused = cli("workers", "suspend", "--queue", "health")
    assert paused.returncode == 0, paused.stderr
    assert _status()["paused_queues"] == ["health"]
    assert "health (paused)" in cli("status").stdout
    health, cleanup = enqueue("health_check"), enqueue("cleanup_old_results", 30)
    run_worker("health", "scoring", mode="simple")  # a burst worker: it quits once nothing it may take is left
    assert (_job_status(health), _job_status(cleanup)) == ("queued", "finished")
    run_worker("health")  # a worker of the paused queue alone takes nothing either
    assert _job_status(health) == "queued" and get_queue("health").count == 1
    resumed_now = cli("workers", "resume", "--queue", "health")
    assert resumed_now.returncode == 0 and "still paused" not in resumed_now.stdout, resumed_now.stderr
    run_worker("health")
    assert _job_status(health) == "finished" and _status()["paused_queues"] == []


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("mode, seconds", [
    ("fork", SHUTDOWN_GRACE + 3),  # longer than a SIGTERM's grace: a stop asked for lets the job end all the same
    ("simple", 3),
])
def test_a_stopped_worker_finishes_its_job_then_exits(redis_conn, tmp_path, mode, seconds):
    done = tmp_path / "done"
    job = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(seconds, str(done)),
                                              timeout=600, description="sleep_then_write")
    name = f"ctl-stop-{mode}"
    with _worker(tmp_path, "analytics", "--mode", mode, "--name", name) as worker:
        assert wait_for(lambda: _job_status(job) == "started", 60), (tmp_path / "worker.log").read_text()
        stopped = cli("workers", "stop", name)
        assert stopped.returncode == 0 and "after its current job" in stopped.stdout, stopped.stderr
        assert worker.wait(timeout=seconds + 60) == 0, (tmp_path / "worker.log").read_text()
        assert done.read_text() == "done" and _job_status(job) == "finished"
    assert name not in [w["name"] for w in _status()["workers"]]


def test_stopping_a_worker_that_does_not_exist_says_so(redis_conn):
    result = cli("workers", "stop", "no-such-worker")
    assert result.returncode == 1 and "no worker named 'no-such-worker'" in result.stderr
