"""Settings and jobs inside the test process, as Dramatiq's stub broker runs jobs: no process to start.

``use_settings(NAME=value)`` runs the rest of a test under a runtime of the
suite's environment and those settings. ``work_in_process("email", env={...})``
builds a runtime of the suite's environment plus ``env``, and under it runs
the project's own in-process worker (``ielts-rq worker --mode simple --burst``: its dequeue, policies,
rate limits, retries and log lines) until the queues are empty, against the
suite's embedded server. Tests whose point is the worker process (kills,
signals, memory caps, chaos, the CLI's own output) keep ``run_worker``.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import signal
from dataclasses import dataclass

import pytest

from ielts_rq import runtime
from ielts_rq.logs import FORMAT, JsonLines, MaskSecrets, OncePerOutage, OneLine
from ielts_rq.runtime import Runtime

# What the worker changes in the process that runs it, put back after each run.
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGRTMIN + 1, signal.SIGRTMIN + 2)
_QUIET_LOGGERS = ("rq.worker", "rq.scheduler", "rq.queue", "rq.job", "rq_scheduler.scheduler")


@dataclass
class WorkResult:
    """What a ``run_worker`` result offers the tests: the worker's log (text or JSON lines, as configured)."""

    worked: bool
    stderr: str
    returncode: int = 0


def work_in_process(*queues: str, env: dict | None = None) -> WorkResult:
    """A burst worker over ``queues`` in this process, under the suite's settings plus ``env``."""
    from ielts_rq.queueing.worker import run_worker

    built = Runtime.from_env({**os.environ, **(env or {})})
    log = io.StringIO()
    with runtime.use(built), _logging_to(log), _signals_kept():
        try:
            worked = run_worker(queues, mode="simple", burst=True)
        finally:
            gc.unfreeze()  # the worker froze what it had loaded, for horses it will not fork here
            _close_clients(built)
    return WorkResult(worked=worked, stderr=log.getvalue())


@pytest.fixture
def in_process_worker(server):
    """``work_in_process`` against the suite's embedded server."""
    return work_in_process


@contextlib.contextmanager
def console_client(**env):
    """The console's Flask test client, in a runtime of the suite's server and ``env`` alone (not the
    environment of whoever runs the suite: a DASHBOARD_PASSWORD there would lock the pages)."""
    from ielts_rq.ops.dashboard import create_app

    with runtime.use(Runtime.from_env({"IELTS_RQ_HOME": os.environ["IELTS_RQ_HOME"], **env})):
        yield create_app().test_client()


@pytest.fixture
def use_settings():
    """``use_settings(NAME=value, ...)``: the rest of the test runs under the suite's settings and these,
    in a runtime built in-process (what a test once started a process for, or patched ``get_settings`` with)."""
    with contextlib.ExitStack() as stack:
        yield lambda **env: stack.enter_context(runtime.use(Runtime.from_env({**os.environ, **env})))


class _logging_to:
    """The worker's log lines into ``stream``, formatted as ``ielts-rq worker`` formats them."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        from ielts_rq.settings import get_settings

        settings = get_settings()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonLines() if settings.log_format == "json" else OneLine(FORMAT))
        self.handler.addFilter(OncePerOutage())
        self.handler.addFilter(MaskSecrets())
        root = logging.getLogger()
        self.levels = {name: logging.getLogger(name).level for name in ("", *_QUIET_LOGGERS)}
        root.addHandler(self.handler)
        root.setLevel(settings.log_level)
        for name in _QUIET_LOGGERS:
            logging.getLogger(name).setLevel(max(logging.WARNING, root.level))

    def __exit__(self, *exc_info):
        logging.getLogger().removeHandler(self.handler)
        for name, level in self.levels.items():
            logging.getLogger(name).setLevel(level)


class _signals_kept:
    """The test process's signal handlers, as they were before the worker installed its own."""

    def __enter__(self):
        self.handlers = {signum: signal.getsignal(signum) for signum in _SIGNALS}

    def __exit__(self, *exc_info):
        for signum, handler in self.handlers.items():
            signal.signal(signum, handler)


def _close_clients(built: Runtime) -> None:
    for client in built.parts("redis"):
        client.connection_pool.disconnect()
