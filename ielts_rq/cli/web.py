"""``ielts-rq dashboard`` and ``ielts-rq up``: the dashboard, and everything at once on a laptop."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import click

from .. import store
from ..logs import setup_logging
from ..queueing import embedded
from ..queueing.connection import queues_by_server
from ..queueing.enqueue import enqueue
from ..queueing.queues import all_workers
from ..queueing.worker import RECYCLE_ABOVE_MB, RECYCLE_AFTER_JOBS
from ..scoring.samples import SAMPLE_ANSWERS
from ..settings import get_settings
from .common import UsageProblem, WorkFailed

STOP_GRACE = 8  # seconds for children to stop on Ctrl-C before they are killed
DEMO_WAIT = 30  # seconds `up --demo` waits for the sample answers' bands
READY_TIMEOUT = 90  # seconds for the dashboard to answer before `up` gives up starting
RESTARTS_PER_MINUTE = 3  # a child or the server that exits more often than this is failing: `up` stops
WATCH_INTERVAL = 0.5  # seconds between `up`'s looks at its children and the embedded server

log = logging.getLogger("ielts_rq.up")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=9181, show_default=True, envvar="PORT",
              help="Port to listen on ($PORT on Heroku).")
@click.option("--threads", type=click.IntRange(1, 64), default=16, show_default=True,
              help="Threads serving requests; heavy pages take one at a time, so the rest answer /healthz.")
@click.option("--access-log", is_flag=True, help="Log every request (off: the pages refresh themselves).")
def dashboard(host, port, threads, access_log):
    """Serve the dashboard (rq-dashboard and this system's pages) under gunicorn."""
    from gunicorn.app.base import BaseApplication

    from ..ops.dashboard import LOCAL_HOSTS, create_app

    if not get_settings().dashboard_username:
        if host not in LOCAL_HOSTS:
            raise UsageProblem("DASHBOARD_USERNAME and DASHBOARD_PASSWORD are not set: without them the dashboard "
                               "only listens on 127.0.0.1")
        click.echo("No DASHBOARD_USERNAME/DASHBOARD_PASSWORD: the dashboard is open to this machine only "
                   f"(http://{host}:{port}).", err=True)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-" if access_log else None)
            # Whose X-Forwarded-Proto is believed (FORWARDED_ALLOW_IPS): a TLS-terminating proxy on another
            # host (Heroku's router) makes the request https; the same-origin check of every button needs it.
            self.cfg.set("forwarded_allow_ips", ",".join(get_settings().forwarded_allow_ips))
            # gunicorn's control socket defaults to one path per user (~/.gunicorn): a second dashboard
            # would share it and stopping either removes it; ielts-rq never uses it.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            # A thread waiting for the interpreter's lock (a /healthz behind heavy pages) gets it within 1 ms,
            # not Python's default 5 ms per switch: health answers in milliseconds while pages are built.
            sys.setswitchinterval(0.001)
            return create_app()

    Server().run()


# The workers `up` runs (README, "Workers"). Short jobs run in long-lived in-process workers (no fork per
# job, caches kept warm; each job still has its memory ceiling and timeout, and the processes are
# replaced regularly); health goes first there, as its checks are what notices a backlog. The long,
# native, memory-hungry file jobs keep a forking worker of their own, so a photographed page or a
# recording never waits behind queued essays; analytics, long too and rare, share it.
SHORT_JOBS = ("health", "scoring", "email")
LONG_JOBS = ("file_processing", "analytics")


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=9181, show_default=True, envvar="PORT",
              show_envvar=True, help="The dashboard's port.")
@click.option("--processes", type=click.IntRange(1, 16), default=2, show_default=True,
              help=f"In-process worker processes for {', '.join(SHORT_JOBS)} (one forking worker takes "
                   f"{', '.join(LONG_JOBS)}).")
@click.option("--demo", is_flag=True, help="Store a few sample answers and score them, so there is activity at once.")
def up(port, processes, demo):
    """Everything on a laptop: Valkey, workers, the scheduler and the dashboard; Ctrl-C stops it all."""

    settings = get_settings()
    setup_logging()
    _check_port_free(port)
    click.echo(f"home: {settings.home} (IELTS_RQ_HOME): the embedded Valkey's data, the outbox, local files", err=True)
    if not settings.redis_url and not embedded.is_running(embedded.paths_for(settings.home)):
        embedded.ensure_running(settings.home)
        _up_marker(settings.home).touch()
    children = _workers(processes)
    for child in children:
        click.echo(f"{child.name}: {child.shape}", err=True)
    children += [_Child("scheduler", ["scheduler"]), _Child("dashboard", ["dashboard", "--port", str(port)])]
    failure = None
    try:
        # Ctrl-C from here on stops the children, whatever this process is doing.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        _wait_until_ready(children, port)
        click.echo(f"\nielts-rq is up. Dashboard: http://127.0.0.1:{port}/\n"
                   "In another terminal (in a checkout: . .venv/bin/activate first):\n"
                   "  ielts-rq submit essay.txt --task writing_task_2 --prompt \"...\"   # prints an id\n"
                   "  ielts-rq enqueue score ID --wait\n  ielts-rq result ID\n"
                   "Ctrl-C stops everything.\n", err=True)
        if demo:
            _demo()
        _supervise(children, None if settings.redis_url else settings.home)
    except KeyboardInterrupt:
        click.echo("stopping...", err=True)
    except _StackFailed as exc:
        failure = str(exc)
    finally:
        # The stop is bounded (STOP_GRACE); a second Ctrl-C must not cut it short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop_all(children)
        if not settings.redis_url and _up_marker(settings.home).exists():
            _stop_server_unless_shared(settings.home)
        click.echo("ielts-rq stopped: workers, scheduler and dashboard.", err=True)
    if failure:
        raise WorkFailed(failure)


def _workers(processes: int) -> list["_Child"]:
    """The worker processes `up` starts: SHORT_JOBS in-process, LONG_JOBS forking, one worker per server."""
    children = []
    for queues, mode, count in ((SHORT_JOBS, "simple", processes), (LONG_JOBS, "fork", 1)):
        for group in queues_by_server(queues):
            args = ["worker", *group, "--mode", mode]
            if mode == "simple":  # under a supervisor that replaces each process after its jobs
                args += ["--processes", str(count), "--max-jobs", str(RECYCLE_AFTER_JOBS),
                         "--max-memory", str(RECYCLE_ABOVE_MB)]
                shape = (f"in-process, {count} process{'es' if count > 1 else ''}, each replaced after "
                         f"{RECYCLE_AFTER_JOBS} jobs or past {RECYCLE_ABOVE_MB} MB")
            else:
                shape = "forking, a process per job"
            children.append(_Child(f"worker ({', '.join(group)})", args, shape))
    return children


class _StackFailed(Exception):
    """A part of the stack cannot be kept running: `up` stops it all and exits non-zero."""


class _Child:
    """One process `up` runs: a worker pool, the scheduler or the dashboard, in its own process group."""

    def __init__(self, name: str, args: list[str], shape: str = ""):
        self.name = name
        self.args = args
        self.shape = shape  # for a worker: its mode and processes, printed as `up` starts
        self.exits: list[float] = []
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", *self.args], start_new_session=True)

    def exited(self) -> bool:
        """Whether it exited; then what it forked (a pool's workers, horses) is told to stop too."""
        if self.process.poll() is None:
            return False
        _signal_group(self.process.pid, signal.SIGTERM)
        return True

    def restart(self) -> None:
        self.process = self._spawn()


def _check_port_free(port: int) -> None:
    """Fail before anything starts when the dashboard could not listen on ``port``."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: a port in TIME_WAIT is free
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageProblem(f"port {port} is in use on 127.0.0.1 (another dashboard or `up`?): stop what "
                                   "listens there or choose another with --port") from None
            raise UsageProblem(f"cannot listen on port {port} of 127.0.0.1: {exc.strerror or exc}") from None


def _wait_until_ready(children: list[_Child], port: int) -> None:
    """Return once the dashboard answers with every child alive; a child that exits meanwhile fails the start."""
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        for child in children:
            if child.exited():
                raise _StackFailed(f"the {child.name} exited ({_how(child.process.returncode)}) as `up` started; "
                                   "its output above says why")
        if _dashboard_answers(port):
            return
        if time.monotonic() > deadline:
            raise _StackFailed(f"the dashboard did not answer on port {port} within {READY_TIMEOUT}s")
        time.sleep(0.2)


def _dashboard_answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
    except urllib.error.HTTPError:
        return True  # it answered (503 while Redis restarts): it is up
    except OSError:
        return False
    return True


def _supervise(children: list[_Child], home) -> None:
    """Keep the stack running until Ctrl-C: restart the embedded server (``home``'s, None with REDIS_URL)
    and any child that exits; raise _StackFailed when one keeps failing."""
    server_exits: list[float] = []
    while True:
        if home is not None:
            _keep_server_running(home, server_exits)
        for child in children:
            if not child.exited():
                continue
            how = _how(child.process.returncode)
            child.exits.append(time.monotonic())
            if _too_often(child.exits):
                raise _StackFailed(f"the {child.name} keeps exiting ({RESTARTS_PER_MINUTE + 1} times within a "
                                   f"minute, last {how}): its output above says why")
            log.warning("the %s (pid %d) exited (%s); restarting it", child.name, child.process.pid, how)
            child.restart()
        time.sleep(WATCH_INTERVAL)


def _keep_server_running(home, exits: list[float]) -> None:
    """Restart the embedded server if it died (a SIGKILL, the OOM killer): `up` owns it, and its workers,
    scheduler and dashboard retry their connections meanwhile (see queueing/connection.py)."""
    paths = embedded.paths_for(home)
    if embedded.holds_data(paths):
        return
    exits.append(time.monotonic())
    if _too_often(exits):
        raise _StackFailed(f"the embedded server keeps exiting; see {paths.log}")
    log.warning("the embedded server exited; restarting it (its append-only file keeps the queued jobs)")
    try:
        embedded.ensure_running(home)
    except embedded.EmbeddedServerError as exc:
        log.error("the embedded server could not be restarted, trying again: %s", exc)
        return
    log.warning("embedded server restarted (pid %s)", embedded.server_pid(paths))


def _too_often(moments: list[float]) -> bool:
    """More than RESTARTS_PER_MINUTE exits in the last minute: failing, not unlucky; restarting would only loop."""
    now = time.monotonic()
    return sum(now - moment < 60 for moment in moments) > RESTARTS_PER_MINUTE


def _how(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"status {returncode}"


def _signal_group(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass  # the whole group has exited already


def _up_marker(home):
    """Present while the embedded server runs because an `up` started it (not `ielts-rq redis start`)."""
    return embedded.paths_for(home).root / "started-by-up"


def _stop_server_unless_shared(home) -> None:
    """Stop the embedded server an `up` started, unless workers of another `up` (or any worker) still
    use it; then the last `up` out stops it."""
    if not embedded.holds_data(embedded.paths_for(home)):  # it died: nothing to stop, no one to ask
        _up_marker(home).unlink(missing_ok=True)
        return
    others = _live_workers()
    if others:
        click.echo(f"the embedded server keeps running: {others} other worker(s) use it", err=True)
        return
    embedded.stop(home)
    _up_marker(home).unlink(missing_ok=True)


def _live_workers() -> int:
    """Workers registered in Redis whose process still runs (a killed one stays registered a while)."""
    def alive(worker) -> bool:
        if worker.hostname != socket.gethostname():
            return True
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not _zombie(worker.pid)

    return sum(alive(worker) for worker in all_workers())


def _zombie(pid: int) -> bool:
    """Whether ``pid`` has exited and waits to be reaped: a worker killed with its supervisor stays so where
    nothing reaps orphans (a container whose first process does not), and is no user of the server."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _demo() -> None:
    """Sample learners and answers, scored by the workers that just started."""

    submissions = []
    for number, (task_type, prompt, text) in enumerate(SAMPLE_ANSWERS, 1):
        user_id = f"demo-learner-{number}"
        store.save_user(user_id, email=f"learner{number}@example.com", name=f"Demo learner {number}")
        submissions.append((task_type, store.create_submission(user_id, task_type, text, prompt)))
        enqueue("score_submission", submissions[-1][1])
    bands = _bands_when_scored([sid for _, sid in submissions], DEMO_WAIT)
    click.echo(f"demo: {len(submissions)} sample answers scored by the workers:", err=True)
    for task_type, submission_id in submissions:
        band = bands.get(submission_id)
        click.echo(f"  {task_type:18} band {band if band is not None else '(still scoring)'}   "
                   f"ielts-rq result {submission_id}", err=True)


def _bands_when_scored(submission_ids: list[str], timeout: float) -> dict[str, float]:
    """Each submission's overall band, waiting up to ``timeout`` seconds for the workers."""
    deadline = time.monotonic() + timeout
    bands: dict[str, float] = {}
    while len(bands) < len(submission_ids) and time.monotonic() < deadline:
        for submission_id in submission_ids:
            result = bands.get(submission_id) is None and store.get_result(submission_id)
            if result:
                bands[submission_id] = result["overall_band_score"]
        time.sleep(0.3)
    return bands


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_all(children: list[_Child]) -> None:
    for child in children:
        if child.process.poll() is None:
            os.killpg(child.process.pid, signal.SIGTERM)  # each child leads its own group: its forks stop too
    deadline = time.monotonic() + STOP_GRACE
    for child in children:
        try:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()


COMMANDS = [dashboard, up]
