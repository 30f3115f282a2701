"""``ielts-rq dashboard`` and ``ielts-rq up``: the dashboard, and everything at once on a laptop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click

from .. import store
from ..policies import QUEUES
from ..queueing import embedded
from ..queueing.connection import queues_by_server
from ..queueing.enqueue import enqueue
from ..queueing.queues import all_workers
from ..scoring.samples import SAMPLE_ANSWERS
from ..settings import get_settings
from .common import UsageProblem

STOP_GRACE = 8  # seconds for children to stop on Ctrl-C before they are killed
DEMO_WAIT = 30  # seconds `up --demo` waits for the sample answers' bands


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=9181, show_default=True, envvar="PORT",
              help="Port to listen on ($PORT on Heroku).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True)
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
            # gunicorn's control socket defaults to one path per user (~/.gunicorn): a second dashboard
            # would share it and stopping either removes it; ielts-rq never uses it.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app()

    Server().run()


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=9181, show_default=True)
@click.option("--processes", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Worker processes over all five queues.")
@click.option("--demo", is_flag=True, help="Store a few sample answers and score them, so there is activity at once.")
def up(port, processes, demo):
    """Everything on a laptop: Valkey, workers, the scheduler and the dashboard; Ctrl-C stops it all."""

    settings = get_settings()
    if not settings.redis_url and not embedded.is_running(embedded.paths_for(settings.home)):
        embedded.ensure_running(settings.home)
        _up_marker(settings.home).touch()
    me = [sys.executable, "-m", "ielts_rq.cli"]
    workers = [["worker", *queues, "--processes", str(processes)] for queues in queues_by_server(QUEUES)]
    children = [subprocess.Popen(me + args, start_new_session=True) for args in (
        *workers, ["scheduler"], ["dashboard", "--port", str(port)])]
    try:
        # Ctrl-C from here on stops the children, whatever this process is doing.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        click.echo(f"\nielts-rq is up. Dashboard: http://127.0.0.1:{port}/\n"
                   "In another terminal (in a checkout: . .venv/bin/activate first):\n"
                   "  ielts-rq submit essay.txt --task writing_task_2 --prompt \"...\"   # prints an id\n"
                   "  ielts-rq enqueue score ID --wait\n  ielts-rq result ID\n"
                   "Ctrl-C stops everything.\n", err=True)
        if demo:
            _demo()
        _wait_for_any(children)
    except KeyboardInterrupt:
        click.echo("stopping...", err=True)
    finally:
        # The stop is bounded (STOP_GRACE); a second Ctrl-C must not cut it short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop_all(children)
        if not settings.redis_url and _up_marker(settings.home).exists():
            _stop_server_unless_shared(settings.home)
        click.echo("ielts-rq stopped: workers, scheduler and dashboard.", err=True)


def _up_marker(home):
    """Present while the embedded server runs because an `up` started it (not `ielts-rq redis start`)."""
    return embedded.paths_for(home).root / "started-by-up"


def _stop_server_unless_shared(home) -> None:
    """Stop the embedded server an `up` started, unless workers of another `up` (or any worker) still
    use it; then the last `up` out stops it."""
    others = _live_workers()
    if others:
        click.echo(f"the embedded server keeps running: {others} other worker(s) use it", err=True)
        return
    embedded.stop(home)
    _up_marker(home).unlink(missing_ok=True)


def _live_workers() -> int:
    """Workers registered in Redis whose process still runs (a killed one stays registered a while)."""
    import socket

    def alive(worker) -> bool:
        if worker.hostname != socket.gethostname():
            return True
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    return sum(alive(worker) for worker in all_workers())


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


def _wait_for_any(children) -> None:
    """Return when a child exits (Ctrl-C and SIGTERM raise KeyboardInterrupt, handled by the caller)."""
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    failed = [child.args[3] for child in children if child.poll() is not None]
    click.echo(f"stopping: {', '.join(failed)} exited", err=True)


def _stop_all(children) -> None:
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)  # each child leads its own group: its forks stop too
    deadline = time.monotonic() + STOP_GRACE
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


COMMANDS = [dashboard, up]
