"""Alerts that matter in an incident, from the operator's side: real workers run the real health and monitor
jobs, and each incident (a failing service, a retry storm, a worker failing every job, a queue held paused)
alerts once, in the alerts on the dashboard and by email, not again on the next run, and says when it is over."""

import json
import time

import pytest
from rq import Retry

from ielts_rq.ops import monitor
from ielts_rq.queueing.queues import get_queue

from .conftest import cli, run_worker, wait_for, worker_process
from .http_stub import StubServer

ONCALL = {"ALERT_EMAILS": "oncall@example.com"}


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.close()


def _run(*jobs: str, env: dict) -> list[dict]:
    """Enqueue these health jobs, run them on a real health worker; the alerts the monitor raised."""
    ids = [cli("enqueue", job).stdout.strip() for job in jobs]
    run_worker("health", env={**ONCALL, **env})
    shown = json.loads(cli("job", "show", ids[-1], "--json").stdout)
    assert shown["status"] == "finished", shown
    return shown["result"]["alerts"]


def _emailed() -> list[str]:
    """The subjects of the alert emails sent so far (a real email worker sends what waits)."""
    run_worker("email")
    return [m["subject"] for m in json.loads(cli("outbox", "list", "--json").stdout)
            if m["subject"].startswith("[ielts-rq alert]")]


def _once(alert: dict, client, before: list[str]) -> None:
    """The alert is on the dashboard's alerts, and emailed once."""
    assert alert["message"] in client.get("/depth").get_data(as_text=True)
    sent = _emailed()
    assert len(sent) == len(before) + 1 and alert["message"][:100] in sent[0]


def test_a_failing_service_alerts_once_and_says_when_it_is_back(redis_conn, stub, client):
    stub.answer("/health", (503, {"status": "down"}))
    env = {"SCORING_SERVICE_URL": stub.url}
    before = _emailed()
    [alert] = _run("health-check", "monitor-queue-depth", env=env)
    assert alert["message"].startswith("health check: scoring_service is failing (HTTP 503); the platform is degraded")
    _once(alert, client, before)
    assert 'ielts_rq_service_up{service="scoring_service"} 0.0' in client.get("/metrics").get_data(as_text=True)
    assert _run("health-check", "monitor-queue-depth", env=env) == []  # the same incident: not again
    stub.answer("/health", (200, {"status": "ok"}))
    [resolved] = _run("health-check", "monitor-queue-depth", env=env)
    assert resolved["message"] == f"resolved: {alert['message']}"
    assert 'ielts_rq_service_up{service="scoring_service"} 1.0' in client.get("/metrics").get_data(as_text=True)


def test_a_retry_storm_alerts_once(redis_conn, client):
    for _ in range(4):
        get_queue("analytics").enqueue_call("tests.fixtures.always_unreachable", retry=Retry(max=1, interval=600),
                                            description="always_unreachable")
    run_worker("analytics")
    before = _emailed()
    env = {"RETRY_STORM_THRESHOLD": "3"}
    [alert] = _run("monitor-queue-depth", env=env)
    assert alert["message"] == "retry storm: analytics had 4 retries in the last 5 min (threshold 3)"
    _once(alert, client, before)
    assert _run("monitor-queue-depth", env=env) == []
    assert _run("monitor-queue-depth", env={"RETRY_STORM_THRESHOLD": "10"})[0]["message"].startswith(
        "resolved: retry storm: analytics")


def test_a_worker_that_fails_every_job_alerts_once(redis_conn, client, tmp_path):
    queue = get_queue("analytics")
    failing = [queue.enqueue_call("tests.fixtures.fails_with", args=("the disk is full",), description="fails_with")
               for _ in range(3)]
    before = _emailed()
    env = {"FAILING_WORKER_AFTER": "3"}
    with worker_process(tmp_path, "analytics"):
        assert wait_for(lambda: all(job.get_status() == "failed" for job in failing), 60)
        [alert] = _run("monitor-queue-depth", env=env)
        assert alert["kind"].startswith("failing worker: ")
        assert "failed its last 3 jobs and finished none (queues analytics" in alert["message"]
        _once(alert, client, before)
        assert _run("monitor-queue-depth", env=env) == []
        done = queue.enqueue_call("tests.fixtures.sleep_then_write", args=(0, str(tmp_path / "ran")),
                                  description="sleep_then_write")
        assert wait_for(lambda: done.get_status() == "finished", 60)
        [resolved] = _run("monitor-queue-depth", env=env)
        assert resolved["message"] == f"resolved: {alert['message']}"


def test_a_queue_paused_too_long_alerts_once(redis_conn, client):
    assert cli("workers", "suspend", "--queue", "analytics").returncode == 0
    env = {"PAUSED_ALERT_AFTER": "1"}
    before = _emailed()
    assert _run("monitor-queue-depth", env=env) == []  # just paused
    time.sleep(1.1)
    [alert] = _run("monitor-queue-depth", env=env)
    assert alert["message"].startswith("queue analytics paused for ")
    assert "`ielts-rq workers resume --queue analytics`" in alert["message"]
    _once(alert, client, before)
    assert _run("monitor-queue-depth", env=env) == []
    assert cli("workers", "resume", "--queue", "analytics").returncode == 0
    assert _run("monitor-queue-depth", env=env)[0]["message"].startswith("resolved: queue analytics paused")


def test_workers_suspended_too_long_alert_from_the_scheduler_and_are_sent_at_once(redis_conn, client):
    # Suspended workers run no monitor and send no email: the scheduler raises and sends this one itself.
    assert cli("workers", "suspend").returncode == 0
    env = {**ONCALL, "PAUSED_ALERT_AFTER": "1"}
    outbox_before = len(json.loads(cli("outbox", "list", "--json").stdout))
    assert cli("scheduler", "--burst", env=env).returncode == 0  # first seen suspended now
    time.sleep(1.1)
    for _ in range(2):  # the second cycle finds the incident open: nothing again
        assert cli("scheduler", "--burst", env=env).returncode == 0
    raised = [a for a in monitor.recent_alerts(redis_conn) if a["kind"] == "suspended"]
    assert len(raised) == 1 and raised[0]["message"].startswith("workers suspended for ")
    assert raised[0]["message"] in client.get("/depth").get_data(as_text=True)
    sent = json.loads(cli("outbox", "list", "--json").stdout)
    assert len(sent) == outbox_before + 1 and sent[0]["subject"].startswith("[ielts-rq alert] workers suspended for")
    assert cli("workers", "resume").returncode == 0
    _run("monitor-queue-depth", env=env)  # the scheduler's own cron tick may have queued one before it: either says so
    resolved = [a for a in monitor.recent_alerts(redis_conn) if a["kind"] == "resolved: suspended"]
    assert len(resolved) == 1 and resolved[0]["message"].startswith("resolved: workers suspended")
