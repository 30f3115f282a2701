"""`ielts-rq up` says "up" only when it is, keeps what it started running, and fails loudly.

Each test runs the real `up` command, kills one of the processes it runs the way the
kernel or an operator would, and looks at what `up` does about it.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from ielts_rq.cli.web import RESTARTS_PER_MINUTE
from ielts_rq.queueing import embedded

from .conftest import ROOT, cli, free_port, wait_for
from .test_up import _answers, _processes_mentioning


def _children_of(pid: int) -> dict[int, str]:
    """The direct children of ``pid``: their PID and command line."""
    children = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            children[int(child)] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return children


def _child_running(up: "_Up", command: str) -> int | None:
    """The PID of the child of ``up`` that runs ``ielts-rq COMMAND``, if there is one now."""
    found = [pid for pid, cmdline in _children_of(up.pid).items() if f"ielts_rq.cli {command}" in cmdline]
    return found[0] if found else None


class _Up:
    """`ielts-rq up` running, its stderr read as it comes (it says when it is up)."""

    def __init__(self, home: str, port: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ielts_rq.cli", "up", "--port", str(port), "--processes", "1"], cwd=ROOT,
            env={**os.environ, "IELTS_RQ_HOME": home}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.pid = self.process.pid
        self.said: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.said.append(line)

    def is_up(self) -> bool:
        return any("ielts-rq is up" in line for line in self.said)

    def poll(self) -> int | None:
        return self.process.poll()

    def stop(self) -> str:
        """Ctrl-C (unless it exited), and everything it wrote to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        return "".join(self.said)


def _health_check_runs(home: str) -> subprocess.CompletedProcess:
    """A job enqueued now, and its wait for a worker of `up` to run it."""
    return cli("enqueue", "health-check", "--wait", "--wait-timeout", "60", env={"IELTS_RQ_HOME": home})


@pytest.fixture
def home():
    home = tempfile.mkdtemp(prefix="irq-sup-", dir="/tmp")
    yield home
    embedded.stop(Path(home))


def test_a_killed_embedded_server_is_restarted_and_the_stack_rides_it_out(home):
    port = free_port()
    up = _Up(home, port)
    try:
        assert wait_for(up.is_up, 90) and _answers(port)
        paths = embedded.paths_for(Path(home))
        killed = embedded.server_pid(paths)
        os.kill(killed, signal.SIGKILL)
        assert wait_for(lambda: embedded.is_running(paths) and embedded.server_pid(paths) not in (None, killed), 30)

        done = _health_check_runs(home)
        assert done.returncode == 0 and "healthy" in done.stdout, done.stderr  # up's workers ran it
        assert up.poll() is None and _answers(port, 10)
    finally:
        err = up.stop()
    assert "embedded server" in err and "restarted" in err, err
    assert up.process.returncode == 0
    assert wait_for(lambda: _processes_mentioning(home) == [], 10)


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0"])
def test_a_port_in_use_is_one_line_and_a_failure_before_anything_starts(home, address):
    with socket.socket() as taken:
        taken.bind((address, 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "ielts_rq.cli", "up", "--port", str(port)], cwd=ROOT,
                                env={**os.environ, "IELTS_RQ_HOME": home}, capture_output=True, text=True,
                                timeout=120)
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and "in use" in result.stderr, result.stderr
    assert "ielts-rq is up" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert _processes_mentioning(home) == []  # no server, no worker: nothing was started


def test_a_dashboard_that_dies_at_start_is_a_failure_not_up(home):
    port = free_port()
    up = _Up(home, port)
    try:
        assert wait_for(lambda: _child_running(up, "dashboard"), 60, ignoring=(OSError,), step=0.02)
        os.killpg(_child_running(up, "dashboard"), signal.SIGKILL)  # long before gunicorn can listen
        up.process.wait(timeout=60)
    finally:
        err = up.stop()
    assert up.process.returncode != 0, err
    assert "ielts-rq is up" not in err
    assert "dashboard" in err.strip().splitlines()[-1], err  # the last line says what failed
    assert wait_for(lambda: _processes_mentioning(home) == [], 10)


@pytest.mark.parametrize("command", ["dashboard", "worker", "scheduler"])
def test_a_child_that_dies_later_is_reported_and_restarted(home, command):
    port = free_port()
    up = _Up(home, port)
    try:
        assert wait_for(up.is_up, 90) and _answers(port)
        killed = _child_running(up, command)
        os.killpg(killed, signal.SIGKILL)  # the child and its forks (a worker's horses)
        assert wait_for(lambda: _child_running(up, command) not in (None, killed), 30, ignoring=(OSError,))

        assert _answers(port, 60)
        done = _health_check_runs(home)
        assert done.returncode == 0 and "healthy" in done.stdout, done.stderr
        assert up.poll() is None
    finally:
        err = up.stop()
    assert f"{command}" in err and "restarting" in err, err
    assert up.process.returncode == 0
    assert wait_for(lambda: _processes_mentioning(home) == [], 10)


def test_a_child_that_keeps_dying_stops_up_with_a_failure(home):
    port = free_port()
    up = _Up(home, port)
    killed = set()
    try:
        assert wait_for(up.is_up, 90) and _answers(port)

        def kill_the_scheduler_again() -> bool:
            pid = _child_running(up, "scheduler")
            if pid is not None and pid not in killed:
                killed.add(pid)
                os.killpg(pid, signal.SIGKILL)
            return up.poll() is not None

        assert wait_for(kill_the_scheduler_again, 90, ignoring=(OSError,), step=0.05)
    finally:
        err = up.stop()
    assert up.process.returncode != 0
    assert len(killed) == RESTARTS_PER_MINUTE + 1  # restarted each time until the limit
    assert "scheduler" in err.strip().splitlines()[-1], err
    assert wait_for(lambda: _processes_mentioning(home) == [], 10)



def test_an_embedded_server_that_keeps_dying_stops_up_with_a_failure(home):
    port = free_port()
    up = _Up(home, port)
    paths = embedded.paths_for(Path(home))
    killed = set()
    try:
        assert wait_for(up.is_up, 90) and _answers(port)

        def kill_the_server_again() -> bool:
            pid = embedded.server_pid(paths)
            if pid is not None and pid not in killed:
                killed.add(pid)
                with contextlib.suppress(ProcessLookupError):  # it had died already: up restarts it the same
                    os.kill(pid, signal.SIGKILL)
            return up.poll() is not None

        assert wait_for(kill_the_server_again, 90, step=0.05)
    finally:
        err = up.stop()
    assert up.process.returncode != 0
    assert "embedded server" in err.strip().splitlines()[-1], err
    assert wait_for(lambda: _processes_mentioning(home) == [], 20)


def test_a_worker_that_exited_unreaped_does_not_keep_the_server_for_others(redis_conn):
    # A pool worker killed with its supervisor stays a zombie where nothing reaps orphans: `up` must not
    # count it as a user of the embedded server and leave the server running at Ctrl-C.
    from rq.worker import Worker

    from ielts_rq.cli.web import _live_workers
    from ielts_rq.queueing.queues import get_queue

    exited = subprocess.Popen(["true"])
    assert wait_for(lambda: Path(f"/proc/{exited.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z", 10)
    worker = Worker([get_queue("health", redis_conn)], connection=redis_conn, name="exited-unreaped")
    worker.pid = exited.pid
    worker.register_birth()
    try:
        assert _live_workers() == 0
    finally:
        worker.register_death()
        exited.wait()
