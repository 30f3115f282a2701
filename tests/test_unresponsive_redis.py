"""A Redis that is down or hung: the CLI says so within seconds, workers and the scheduler wait it out.

Two kinds of dead server, on loopback: a "black hole" that accepts connections
and never answers (a hung server, a firewall that drops packets), and a port
where nothing listens (the connection is refused). Real CLI commands, real
worker and scheduler processes, and a real Valkey started on the port later.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import redis

from .conftest import ROOT, cli, free_port, valkey_server, wait_for

CLI_ANSWERS_WITHIN = 10  # seconds, Python's start included (about 5 s against a black hole, 3 s refused)
PASSWORD = "hole-password-123"


class BlackHole:
    """A loopback port that accepts every connection and never sends a byte."""

    def __init__(self, port: int):
        self.port = port
        self.listener = socket.create_server(("127.0.0.1", port))
        self.held: list[socket.socket] = []
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        """Free the port (a real server may take it) and drop every connection held."""
        if self.closed:
            return
        self.closed = True
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(5)
        for connection in self.held:
            connection.close()


@pytest.fixture
def black_hole():
    hole = BlackHole(free_port())
    yield hole
    hole.close()


def _one_clear_line(result, *phrases):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert all(phrase in lines[0] for phrase in phrases), result.stderr
    assert "Traceback" not in result.stderr and "<redis" not in result.stderr and "Redis<" not in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    return lines[0]


def _timed_cli(*args, env):
    started = time.monotonic()
    result = cli(*args, env=env, timeout=120)
    return result, time.monotonic() - started


COMMANDS = [("status",), ("enqueue", "health-check")]


@pytest.mark.timing
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_against_a_server_that_never_answers_says_so_within_seconds(black_hole, command):
    url = f"redis://:{PASSWORD}@127.0.0.1:{black_hole.port}/0"
    result, took = _timed_cli(*command, env={"REDIS_URL": url})
    assert result.returncode == 1 and took < CLI_ANSWERS_WITHIN, (took, result.stderr)
    _one_clear_line(result, f"redis://:****@127.0.0.1:{black_hole.port}/0", "did not answer within 2 s")


@pytest.mark.timing
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_against_a_refused_port_says_so_within_seconds(command):
    port = free_port()
    result, took = _timed_cli(*command, env={"REDIS_URL": f"redis://127.0.0.1:{port}"})
    assert result.returncode == 1 and took < CLI_ANSWERS_WITHIN, (took, result.stderr)
    _one_clear_line(result, f"redis://127.0.0.1:{port}", "refused the connection")


@pytest.mark.timing
def test_a_command_through_sentinels_that_hang_or_refuse_names_each(black_hole):
    refused = free_port()
    url = f"redis+sentinel://:{PASSWORD}@127.0.0.1:{black_hole.port},127.0.0.1:{refused}/mymaster/0"
    result, took = _timed_cli("status", env={"REDIS_URL": url})
    assert result.returncode == 1 and took < CLI_ANSWERS_WITHIN, (took, result.stderr)
    _one_clear_line(result, "redis+sentinel://:****@", f"sentinel 127.0.0.1:{black_hole.port} did not answer within",
                    f"sentinel 127.0.0.1:{refused} refused the connection")


# Long-running processes ------------------------------------------------------------------------------------------

def _start(tmp_path, name, *args, env):
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", *args], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    return process, log


def _stop(process, within: float = 5) -> tuple[int, float]:
    """SIGTERM; the exit status and how long the process took to go."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=within), time.monotonic() - started
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"still running {within} s after SIGTERM") from None


def _valkey(tmp_path, port):
    server = valkey_server(tmp_path / f"valkey-{port}", port)
    assert wait_for(redis.Redis(port=port).ping, 10, ignoring=(redis.ConnectionError,))
    return server


def _runs_a_job(tmp_path, port, log):
    """A health check enqueued on the server at ``port`` is run by the worker writing ``log``."""
    enqueued = cli("enqueue", "health-check", env={"REDIS_URL": f"redis://127.0.0.1:{port}"})
    assert enqueued.returncode == 0, enqueued.stderr
    job_id = enqueued.stdout.strip()
    assert wait_for(lambda: f"job finished health_check {job_id}" in log.read_text(), 60), log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("dead", ["refused", "black hole"])
def test_a_worker_started_while_redis_is_down_waits_says_so_once_and_starts_when_it_is_back(tmp_path, dead):
    hole = BlackHole(free_port()) if dead == "black hole" else None
    port = hole.port if hole else free_port()
    url = f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
    worker, log = _start(tmp_path, "worker", "worker", "health", env={"REDIS_URL": url})
    server = None
    try:
        reason = "did not answer within 2 s" if hole else "refused the connection"
        assert wait_for(lambda: "waiting for Redis" in log.read_text(), 30), log.read_text()
        assert f"waiting for Redis at redis://:****@127.0.0.1:{port}/0: {reason}" in log.read_text()
        # Several more attempts: still the one line. Each attempt on the black hole is a connection it holds;
        # a refused one leaves no trace to wait for, and its pauses double from 0.1 s, so a second sees two.
        if hole:
            attempts = len(hole.held)
            assert wait_for(lambda: len(hole.held) >= attempts + 2, 30), log.read_text()
        else:
            time.sleep(1)
        assert worker.poll() is None, log.read_text()
        if hole:
            hole.close()
        server = valkey_server(tmp_path / "valkey", port, f"requirepass {PASSWORD}\n")
        assert wait_for(lambda: "answers again after" in log.read_text(), 30), log.read_text()
        enqueued = cli("enqueue", "health-check", env={"REDIS_URL": url})
        assert enqueued.returncode == 0, enqueued.stderr
        assert wait_for(lambda: f"job finished health_check {enqueued.stdout.strip()}" in log.read_text(), 60), \
            log.read_text()
        text = log.read_text()
        assert text.count("waiting for Redis") == 1 and text.count("answers again") == 1, text
        assert text.index("answers again") < text.index(" started pid=") < text.index("job finished"), text
        assert PASSWORD not in text
        assert _stop(worker)[0] == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        if server:
            server.kill()
            server.wait()
        if hole:
            hole.close()


@pytest.mark.timing
@pytest.mark.parametrize("dead", ["refused", "black hole", "killed mid-run"])
def test_sigterm_stops_a_worker_waiting_for_redis_at_once(tmp_path, dead, black_hole):
    port = black_hole.port if dead == "black hole" else free_port()
    server = _valkey(tmp_path, port) if dead == "killed mid-run" else None
    worker, log = _start(tmp_path, "worker", "worker", "health", env={"REDIS_URL": f"redis://127.0.0.1:{port}"})
    if server:
        _runs_a_job(tmp_path, port, log)  # RQ's signal handlers are in place, its pubsub thread listens
        server.kill()
        server.wait()
    assert wait_for(lambda: "waiting for Redis" in log.read_text(), 30), log.read_text()
    status, took = _stop(worker)
    assert status == 0 and took < 3, (status, took, log.read_text())
    assert "Traceback" not in log.read_text() and "told to stop while waiting" in log.read_text()


@pytest.mark.slow
def test_a_pool_stopped_while_its_workers_wait_for_redis_exits_0_without_a_traceback(tmp_path):
    worker, log = _start(tmp_path, "pool", "worker", "health", "--processes", "2",
                         env={"REDIS_URL": f"redis://127.0.0.1:{free_port()}"})
    assert wait_for(lambda: log.read_text().count("waiting for Redis") >= 2, 60), log.read_text()
    status, _ = _stop(worker, within=30)
    assert status == 0 and "Traceback" not in log.read_text(), log.read_text()
    assert log.read_text().count("told to stop while waiting") >= 2, log.read_text()


def test_a_worker_whose_redis_dies_mid_run_waits_and_carries_on_when_it_is_back(tmp_path):
    port = free_port()
    server = _valkey(tmp_path, port)
    worker, log = _start(tmp_path, "worker", "worker", "health", env={"REDIS_URL": f"redis://127.0.0.1:{port}"})
    try:
        _runs_a_job(tmp_path, port, log)
        server.kill()
        server.wait()
        assert wait_for(lambda: "waiting for Redis" in log.read_text(), 30), log.read_text()
        assert worker.poll() is None, log.read_text()
        server = _valkey(tmp_path, port)
        assert wait_for(lambda: "answers again after" in log.read_text(), 30), log.read_text()
        _runs_a_job(tmp_path, port, log)
        assert log.read_text().count("waiting for Redis") == 1, log.read_text()
        assert _stop(worker)[0] == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        server.kill()
        server.wait()


@pytest.mark.slow
@pytest.mark.timing
def test_a_worker_whose_redis_hangs_mid_run_says_so_within_seconds(tmp_path):
    # SIGSTOP: the server's kernel still accepts connections; nothing answers them.
    port = free_port()
    server = _valkey(tmp_path, port)
    worker, log = _start(tmp_path, "worker", "worker", "health", env={"REDIS_URL": f"redis://127.0.0.1:{port}"})
    try:
        _runs_a_job(tmp_path, port, log)
        server.send_signal(signal.SIGSTOP)
        hung_at = time.monotonic()
        # RQ's read timeout (15 s) ends the command in flight, then new connections go unanswered for 2 s each.
        assert wait_for(lambda: "waiting for Redis" in log.read_text(), 40), log.read_text()
        assert "did not answer within" in log.read_text() and time.monotonic() - hung_at < 30
        server.send_signal(signal.SIGCONT)
        assert wait_for(lambda: "answers again after" in log.read_text(), 30), log.read_text()
        _runs_a_job(tmp_path, port, log)
        assert _stop(worker)[0] == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        server.send_signal(signal.SIGCONT)
        server.kill()
        server.wait()


def test_the_scheduler_started_while_redis_is_down_waits_and_syncs_when_it_is_back(tmp_path):
    port = free_port()
    scheduler, log = _start(tmp_path, "scheduler", "scheduler", "--interval", "1",
                            env={"REDIS_URL": f"redis://127.0.0.1:{port}"})
    server = None
    try:
        assert wait_for(lambda: "waiting for Redis" in log.read_text(), 30), log.read_text()
        assert scheduler.poll() is None, log.read_text()
        server = _valkey(tmp_path, port)
        assert wait_for(lambda: "schedule synced" in log.read_text(), 30), log.read_text()
        assert log.read_text().count("waiting for Redis") == 1 and "answers again after" in log.read_text()
        assert _stop(scheduler)[0] == 0
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
        if server:
            server.kill()
            server.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_before_the_loop_s_own_handlers_are_in_place_is_a_clean_stop(signum):
    """A deploy's SIGTERM while the scheduler syncs or a worker registers: a clean stop (status 0), not death
    by the signal (status -15), nor another error raised by whatever library code it interrupted."""
    from ielts_rq.queueing.connection import StoppedWhileStarting, stop_cleanly_until_running

    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        stop_cleanly_until_running()
        with pytest.raises(StoppedWhileStarting):
            try:  # library code under way (an import, a parser) that turns any Exception into its own error
                os.kill(os.getpid(), signum)
                time.sleep(5)  # the handler raises at once; the sleep is only there to be interrupted
            except Exception as exc:
                raise ValueError("Invalid YAML") from exc
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


# The dashboard's probe and pages, ours and rq-dashboard's, each timed.
DASHBOARD = """
import json, sys, time
from ielts_rq.ops.dashboard import create_app
client = create_app().test_client()
answers = {}
for path in sys.argv[1:]:
    started = time.monotonic()
    status = client.get(path).status_code
    answers[path] = [status, time.monotonic() - started]
print(json.dumps(answers))
"""


@pytest.mark.slow
@pytest.mark.timing
def test_the_dashboard_answers_within_seconds_when_redis_never_does(black_hole):
    paths = ["/healthz", "/overview", "/rq/0/data/queues.json"]
    result = subprocess.run([sys.executable, "-c", DASHBOARD, *paths], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "REDIS_URL": f"redis://127.0.0.1:{black_hole.port}"})
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["/healthz"][0] == 503, answers
    assert all(status >= 500 and took < 8 for status, took in answers.values()), answers


def test_a_blocking_command_gets_its_own_wait_on_top_of_the_read_timeout(server, monkeypatch):
    # Read timeouts find a hung server; a BLMOVE or XREAD BLOCK that waits longer by design must not be cut.
    from ielts_rq.queueing import connection

    monkeypatch.setitem(connection.PATIENCE, "short reads",
                        connection.Patience(connect_timeout=2.0, read_timeout=0.5, give_up_after=3.0))
    client = connection._connection_for(server, os.getpid(), "short reads")
    started = time.monotonic()
    assert client.blmove("never-filled", "elsewhere", 1.5) is None
    assert client.blpop(["never-filled"], timeout=1.5) is None
    assert not client.xread({"never-written": "0-0"}, block=1500)
    assert time.monotonic() - started >= 4.5
