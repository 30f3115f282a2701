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
from rq import Retry

from ielts_rq.queueing.queues import JsonJob, get_queue
from ielts_rq.queueing.worker import SHUTDOWN_GRACE

from .conftest import ROOT, cli, wait_for
from .conftest import worker_process as _worker


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


def _child_of_job(pidfile: Path, seconds: float | None, timeout: int = 600):
    """A job that starts a `sleep` child, then waits ``seconds`` itself (None: in a C call that ignores
    signals); the child's pid once it runs."""
    if seconds is None:
        function, args = "starts_a_child_then_blocks_in_native_code", (str(pidfile),)
    else:
        function, args = "starts_a_child", (str(pidfile), seconds)
    job = get_queue("analytics").enqueue_call(f"tests.fixtures.{function}", args=args, timeout=timeout,
                                              description=function)
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text(), 30), "the job did not start its child"
    return job, int(pidfile.read_text())


def _ignored_signals(pid: int) -> set[int]:
    mask = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("SigIgn:"))
    bits = int(mask.split()[1], 16)
    return {number for number in range(1, 65) if bits & (1 << (number - 1))}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("waiting", ["in Python", "in native code"])
def test_what_a_job_started_dies_with_a_worker_killed_with_sigkill(redis_conn, tmp_path, waiting):
    child = None
    try:
        with _worker(tmp_path, "analytics") as worker:
            _, child = _child_of_job(tmp_path / "child", 300 if waiting == "in Python" else None)
            os.killpg(worker.pid, signal.SIGKILL)  # the worker's group only: the horse and its child are in another
            worker.wait(timeout=10)
            assert wait_for(lambda: not _running(child), 10), "the job's child outlived its worker and horse"
    finally:
        if child and _running(child):
            os.kill(child, signal.SIGKILL)


@pytest.mark.timeout(120)
def test_what_a_job_starts_can_be_stopped_with_a_plain_kill(redis_conn, tmp_path):
    # The horse ignores SIGTERM and SIGINT through the grace; what its job starts must not inherit that.
    child = None
    try:
        with _worker(tmp_path, "analytics"):
            _, child = _child_of_job(tmp_path / "child", 300)
            assert not _ignored_signals(child) & {signal.SIGTERM, signal.SIGINT, signal.SIGQUIT}
            os.kill(child, signal.SIGTERM)
            assert wait_for(lambda: not _running(child), 10), "SIGTERM left the job's child running"
    finally:
        if child and _running(child):
            os.kill(child, signal.SIGKILL)


def _processes_of_job(job_id: str, *command: str) -> list[int]:
    """The running processes of job ``job_id`` (RQ puts RQ_JOB_ID in the horse's environment) whose command
    line has the words ``command`` in a row."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and "\0".join(command).encode() in (entry / "cmdline").read_bytes()
                    and f"RQ_JOB_ID={job_id}".encode() in (entry / "environ").read_bytes().split(b"\0")):
                found.append(int(entry.name))
        except OSError:  # ended meanwhile, or not ours
            continue
    return [pid for pid in found if _running(pid)]


def _cpu_seconds(pid: int) -> float:
    user, system = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[11:13]
    return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK")


@pytest.mark.timeout(180)
def test_tesseract_dies_with_a_worker_killed_with_sigkill(redis_conn, tmp_path):
    from . import media_fixtures as mf

    page = tmp_path / "long.png"  # 23 megapixels of small text: Tesseract reads it for 20 s or more
    page.write_bytes(mf.image_bytes(mf.text_page(" ".join([mf.ESSAY] * 30), width=3000, font_size=24)))
    key = cli("upload", str(page)).stdout.strip()
    job_id = cli("enqueue", "process-image", key).stdout.strip()
    engines = []
    try:
        with _worker(tmp_path, "file_processing") as worker:
            def reading():  # the recognition, after the orientation check
                return _processes_of_job(job_id, "--psm", "3")

            assert wait_for(reading, 60), (tmp_path / "worker.log").read_text()
            engines = reading()
            # Well into the page: past the line it writes on starting, which a dead horse's pipe would answer
            # with SIGPIPE, killing it for another reason.
            assert wait_for(lambda: _cpu_seconds(engines[0]) > 3, 60, ignoring=(FileNotFoundError,))
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            assert wait_for(lambda: not any(_running(pid) for pid in engines), 10), "Tesseract outlived its worker"
    finally:
        for pid in engines:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("end", ["returns", "times out", "is stopped"])
def test_a_job_s_end_leaves_none_of_its_processes_running(redis_conn, tmp_path, end):
    child = None
    try:
        with _worker(tmp_path, "analytics") as worker:
            if end == "returns":
                job, child = _child_of_job(tmp_path / "child", 0)
            elif end == "times out":
                job, child = _child_of_job(tmp_path / "child", 300, timeout=3)
            else:
                job, child = _child_of_job(tmp_path / "child", 300)
                stopped = cli("job", "stop", job.id)
                assert stopped.returncode == 0, stopped.stderr
            assert wait_for(lambda: not _running(child), 30), f"the job's child outlived a job that {end}"
            assert _status(job) != "started"
            assert worker.poll() is None
    finally:
        if child and _running(child):
            os.kill(child, signal.SIGKILL)


@pytest.mark.timeout(120)
def test_what_a_job_started_keeps_the_grace_of_a_stopped_worker_then_ends_with_its_job(redis_conn, tmp_path):
    child = None
    try:
        with _worker(tmp_path, "analytics") as worker:
            job, child = _child_of_job(tmp_path / "child", 300)
            os.kill(worker.pid, signal.SIGTERM)  # the worker alone: a pool passing the stop on, a plain kill
            time.sleep(1)
            assert _running(child), "the job's child was ended at the start of the grace, not at its end"
            assert _status(job) == "started"
            worker.wait(timeout=SHUTDOWN_GRACE + 15)  # the job is interrupted at the end of the grace
            assert wait_for(lambda: not _running(child), 10), "the job's child outlived its interrupted job"
    finally:
        if child and _running(child):
            os.kill(child, signal.SIGKILL)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_job_stop_stops_a_running_job_and_the_worker_goes_on(redis_conn, tmp_path, mode):
    marks = tmp_path / "marks"
    job = _marker(marks)
    with _worker(tmp_path, "analytics", "--mode", mode) as worker:
        assert wait_for(lambda: _marks(marks), 30), (tmp_path / "worker.log").read_text()
        stopped = cli("job", "stop", job.id)
        assert stopped.returncode == 0, stopped.stderr
        assert f"job {job.id} stopped" in stopped.stdout
        assert _status(job) == "stopped"  # already so when the command says it
        marked_at_stop = len(_marks(marks))
        after = get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write",
                                                    args=(0, str(tmp_path / "after")), description="sleep_then_write")
        assert wait_for(lambda: _status(after) == "finished", 30)  # the same worker takes the next job
        assert len(_marks(marks)) == marked_at_stop  # and the stopped job wrote nothing meanwhile
        assert worker.poll() is None


@pytest.mark.timeout(120)
def test_job_stop_says_so_when_an_in_process_job_cannot_be_interrupted(redis_conn, tmp_path):
    job = get_queue("file_processing").enqueue_call("tests.fixtures.blocks_in_native_code", timeout=600,
                                                    description="blocks_in_native_code")
    with _worker(tmp_path, "file_processing", "--mode", "simple"):
        assert wait_for(lambda: _status(job) == "started", 30)
        time.sleep(1)  # well inside the C call, where no Python signal handler runs
        refused = cli("job", "stop", job.id)
        assert refused.returncode == 1, refused.stdout
        assert f"job {job.id} is still running" in refused.stderr
        assert "stopped" not in refused.stdout
        assert _status(job) == "started"


@pytest.mark.timing
@pytest.mark.timeout(120)
def test_job_stop_refuses_at_once_when_no_worker_runs_the_job(redis_conn, tmp_path):
    marks = tmp_path / "marks"
    job = _marker(marks)
    with _worker(tmp_path, "analytics") as worker:
        assert wait_for(lambda: _marks(marks), 30)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    assert _status(job) == "started"  # until its heartbeat lapses and it is retried as abandoned
    asked = time.monotonic()
    refused = cli("job", "stop", job.id)
    assert refused.returncode == 1 and "no worker received the stop" in refused.stderr, refused.stderr
    assert time.monotonic() - asked < 8  # no wait for an answer that cannot come


def _worker_pids(connection) -> set[int]:
    from rq.worker import Worker

    return {worker.pid for worker in Worker.all(connection=connection)}


def _sleeper(seconds: float, marker: Path):
    return get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(seconds, str(marker)),
                                               retry=Retry(max=2, interval=60), timeout=120,
                                               description="sleep_then_write")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_pool_that_ran_jobs_and_idled_stops_within_seconds_of_sigterm(redis_conn, tmp_path, mode):
    jobs = [_sleeper(0, tmp_path / f"done{n}") for n in range(6)]
    with _worker(tmp_path, "analytics", "--processes", "2", "--mode", mode) as pool:
        assert wait_for(lambda: all(_status(job) == "finished" for job in jobs), 60)
        assert wait_for(lambda: len(_worker_pids(redis_conn)) == 2, 30)
        # Idle past the children's blocking dequeue and a heartbeat: both have gone round their loop since.
        idle_since = time.time()
        assert wait_for(lambda: _heartbeats_since(redis_conn, idle_since) == 2, 40)
        signalled = time.monotonic()
        pool.send_signal(signal.SIGTERM)
        pool.wait(timeout=60)
        stopped_in = time.monotonic() - signalled
    assert pool.returncode == 0
    assert stopped_in < 5, f"the pool took {stopped_in:.1f}s"


def _heartbeats_since(connection, since: float) -> int:
    from rq.worker import Worker

    return sum(1 for worker in Worker.all(connection=connection)
               if worker.last_heartbeat and worker.last_heartbeat.timestamp() > since + 6)


@pytest.mark.timeout(120)
def test_a_pool_child_signalled_with_the_platform_keeps_the_grace_for_its_job(redis_conn, tmp_path):
    job = _sleeper(5, tmp_path / "done")
    with _worker(tmp_path, "analytics", "--processes", "2") as pool:
        assert wait_for(lambda: _status(job) == "started", 30)
        child = JsonJob.fetch(job.id, connection=redis_conn).worker_name
        child_pid = next(w.pid for w in _workers(redis_conn) if w.name == child)
        signalled = time.monotonic()
        os.kill(child_pid, signal.SIGTERM)  # the platform signals every process, not all at the same instant
        assert wait_for(lambda: _shutdown_requested(redis_conn, child), 10)
        time.sleep(1)  # the supervisor's own SIGTERM comes later (RQ takes a second signal within 1 s as the same)
        pool.send_signal(signal.SIGTERM)
        pool.wait(timeout=60)
        stopped_in = time.monotonic() - signalled
    assert _status(job) == "finished" and (tmp_path / "done").read_text() == "done"  # its grace was kept
    assert stopped_in < 30, f"the pool took {stopped_in:.1f}s"


def _workers(connection):
    from rq.worker import Worker

    return Worker.all(connection=connection)


def _shutdown_requested(connection, name: str) -> bool:
    return bool(connection.hget(f"rq:worker:{name}", "shutdown_requested_date"))


@pytest.mark.timeout(120)
def test_a_pool_stops_within_30s_even_when_a_job_cannot_be_interrupted(redis_conn, tmp_path):
    job = get_queue("file_processing").enqueue_call("tests.fixtures.blocks_in_native_code", timeout=600,
                                                    description="blocks_in_native_code")
    with _worker(tmp_path, "file_processing", "--processes", "2", "--mode", "simple") as pool:
        assert wait_for(lambda: _status(job) == "started", 30)
        children = _worker_pids(redis_conn)
        time.sleep(1)  # well inside the C call, where the in-process grace cannot interrupt it
        signalled = time.monotonic()
        pool.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            pool.wait(timeout=45)
        stopped_in = time.monotonic() - signalled
    assert stopped_in < 30, f"the pool took {stopped_in:.1f}s: the platform would have killed it"
    assert not [pid for pid in children if _running(pid)]


@pytest.mark.timeout(120)
def test_a_pool_s_workers_stop_when_their_supervisor_is_killed(redis_conn, tmp_path):
    with _worker(tmp_path, "analytics", "--processes", "2") as pool:
        assert wait_for(lambda: len(_worker_pids(redis_conn)) == 2, 30)
        children = _worker_pids(redis_conn)
        os.kill(pool.pid, signal.SIGKILL)  # the supervisor alone
        pool.wait(timeout=10)
        try:
            assert wait_for(lambda: not [pid for pid in children if _running(pid)], 15), "workers left unsupervised"
        finally:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


ORPHAN_SCRIPT = """
import os, signal, sys, time
from ielts_rq.queueing import worker

worker._kernel_signals_on_parent_death = lambda death_signal: False  # as on a platform without prctl
parent = os.getpid()
if os.fork() == 0:
    worker.die_with_parent(parent, signal.SIGKILL)
    print(os.getpid(), flush=True)
    while True:
        time.sleep(0.1)
time.sleep(120)
"""


@pytest.mark.timeout(60)
def test_without_prctl_a_forked_process_still_dies_with_its_parent(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT], cwd=ROOT, env=os.environ,
                              stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        assert _running(child)
        parent.kill()
        parent.wait(timeout=10)
        assert wait_for(lambda: not _running(child), 10), "the child outlived its parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
