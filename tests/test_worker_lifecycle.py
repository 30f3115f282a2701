"""A worker's processes live and end together: a horse dies with its worker, `job stop` stops the job
in either mode (or says why not), and a pool stops within the platform's 30 s."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ielts_rq.queueing.queues import JsonJob, get_queue

from .conftest import ROOT, cli, wait_for


@contextlib.contextmanager
def _worker(tmp_path: Path, *args: str):
    """A real `ielts-rq worker ARGS` in a process group of its own; killed with its group at the end if still up."""
    log = open(tmp_path / "worker.log", "a")
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *args], cwd=ROOT, env=os.environ,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield worker
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        log.close()


def _marker(marks: Path, seconds: float = 120, queue: str = "analytics"):
    return get_queue(queue).enqueue_call("tests.fixtures.writes_marks", args=(str(marks), seconds), timeout=600,
                                         description="writes_marks")


def _marks(marks: Path) -> list[int]:
    return [int(line) for line in marks.read_text().split()] if marks.exists() else []


def _running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def _status(job) -> str:
    return JsonJob.fetch(job.id, connection=job.connection).get_status()


@pytest.mark.timeout(120)
def test_a_horse_dies_with_its_worker_killed_with_sigkill(redis_conn, tmp_path):
    marks = tmp_path / "marks"
    _marker(marks)
    horse = None
    try:
        with _worker(tmp_path, "analytics") as worker:
            assert wait_for(lambda: _marks(marks), 30), (tmp_path / "worker.log").read_text()
            horse = _marks(marks)[0]
            assert horse != worker.pid  # the job runs in a forked horse, in a process group of its own
            os.killpg(worker.pid, signal.SIGKILL)  # the worker's group only: a lost machine, an OOM kill
            worker.wait(timeout=10)
            marked_at_kill = len(_marks(marks))
            assert wait_for(lambda: not _running(horse), 10), "the horse outlived its worker"
            assert len(_marks(marks)) <= marked_at_kill + 1  # at most the mark it was writing as the worker died
    finally:
        if horse and _running(horse):
            os.kill(horse, signal.SIGKILL)
