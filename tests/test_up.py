"""`ielts-rq up --demo`: everything on a laptop, and Ctrl-C leaves nothing behind."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

from .conftest import ROOT


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                environ = (proc / "environ").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if text in cmdline or text in environ:
                found.append(cmdline.strip())
    return found


def test_up_demo_runs_everything_and_ctrl_c_stops_it_all():
    home = tempfile.mkdtemp(prefix="irq-up-", dir="/tmp")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "IELTS_RQ_HOME": home}
    up = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "up", "--demo", "--port", str(port)], cwd=ROOT,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        connection = redis.Redis(unix_socket_path=f"{home}/valkey/valkey.sock")
        deadline = time.monotonic() + 90
        scored = 0
        while time.monotonic() < deadline:
            try:
                healthy = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
                scored = connection.zcard("ielts:results:by_time")
            except (requests.ConnectionError, redis.ConnectionError):
                healthy = False
            if healthy and scored == 3:
                break
            time.sleep(0.5)
        assert scored == 3, "the demo's three answers were not scored"
        time.sleep(1)  # `up` looks every 0.3 s, then prints the bands
        overview = requests.get(f"http://127.0.0.1:{port}/overview", timeout=5)
        assert overview.status_code == 200 and "scoring" in overview.text
    finally:
        started = time.monotonic()
        up.send_signal(signal.SIGINT)
        out, err = up.communicate(timeout=30)
        stopped_in = time.monotonic() - started
    assert f"http://127.0.0.1:{port}/" in err
    assert "keeps running" not in err, err
    assert "demo: 3 sample answers scored" in err and err.count("ielts-rq result sub_") == 3  # the bands shown
    assert err.rstrip().endswith("ielts-rq stopped: workers, scheduler and dashboard.")
    assert "no horse found" not in err and '"GET /' not in err  # no noise: RQ's warnings, request logs
    assert stopped_in < 12, f"took {stopped_in:.1f}s to stop"
    time.sleep(0.5)
    assert _processes_mentioning(home) == []


def _start_up(home: str, port: int):
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "up", "--port", str(port), "--processes", "1"],
                            cwd=ROOT, env={**os.environ, "IELTS_RQ_HOME": home}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(0.3)
    return False


def test_ctrl_c_on_one_up_leaves_a_second_up_on_the_same_home_working():
    home = tempfile.mkdtemp(prefix="irq-up2-", dir="/tmp")
    first_port, second_port = _free_port(), _free_port()
    first = _start_up(home, first_port)
    second = None
    try:
        assert _answers(first_port)
        second = _start_up(home, second_port)
        assert _answers(second_port)
        connection = redis.Redis(unix_socket_path=f"{home}/valkey/valkey.sock")
        deadline = time.monotonic() + 30
        while connection.scard("rq:workers") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)  # both ups' workers have started
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=30)
        assert "keeps running" in err
        assert second.poll() is None and _answers(second_port, 5)
        done = subprocess.run([sys.executable, "-m", "ielts_rq.cli", "enqueue", "health-check", "--wait",
                               "--wait-timeout", "30"], cwd=ROOT, env={**os.environ, "IELTS_RQ_HOME": home},
                              capture_output=True, text=True)
        assert done.returncode == 0 and "healthy" in done.stdout, done.stderr  # the second up's workers ran it
    finally:
        for up in (first, second):
            if up and up.poll() is None:
                up.send_signal(signal.SIGINT)
                up.communicate(timeout=30)
    time.sleep(0.5)
    assert _processes_mentioning(home) == []  # the last one out stopped the server too
