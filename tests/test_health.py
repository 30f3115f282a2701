"""Health jobs: verdicts from real probes, queue-depth samples and alerts."""

import json
import logging

import pytest

from ielts_rq import monitor
from ielts_rq.enqueue import enqueue
from ielts_rq.jobs import health
from ielts_rq.settings import load_settings

from .conftest import HOME, cli, run_worker
from .http_stub import StubServer


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.close()


def _use_settings(monkeypatch, **env):
    settings = load_settings({"IELTS_RQ_HOME": str(HOME), **env})
    monkeypatch.setattr(health, "get_settings", lambda: settings)


def test_healthy_when_redis_and_every_service_answer(redis_conn, monkeypatch, stub):
    stub.answer("/health", (200, {"status": "ok"}))
    _use_settings(monkeypatch, SCORING_SERVICE_URL=stub.url, OCR_SERVICE_URL=stub.url)
    verdict = health.health_check()
    assert verdict["status"] == "healthy"
    assert [c["name"] for c in verdict["checks"]] == ["redis", "scoring_service", "ocr_service"]
    assert all(c["latency_ms"] >= 0 for c in verdict["checks"])
    assert monitor.latest_health(redis_conn) == verdict


def test_degraded_when_a_service_fails(redis_conn, monkeypatch, stub):
    stub.answer("/health", (503, {"status": "down"}))
    _use_settings(monkeypatch, SPEECH_SERVICE_URL=stub.url)
    verdict = health.health_check()
    assert verdict["status"] == "degraded"
    assert verdict["checks"][1] == {**verdict["checks"][1], "status": "error", "error": "HTTP 503"}


def test_degraded_when_a_service_is_unreachable(redis_conn, monkeypatch):
    _use_settings(monkeypatch, API_GATEWAY_URL="http://127.0.0.1:9", HEALTH_CHECK_TIMEOUT="0.5")
    verdict = health.health_check()
    assert verdict["status"] == "degraded"
    assert verdict["checks"][1]["error"] == "ConnectionError"


def test_queue_depth_alert_past_threshold_from_a_real_worker(redis_conn):
    for _ in range(3):
        enqueue("health_check", delay=3600)  # scheduled, not waiting
    redis_conn.rpush("rq:queue:analytics", "a", "b", "c")  # three waiting ids
    job_id = cli("enqueue", "monitor-queue-depth").stdout.strip()
    result = run_worker("health", env={"QUEUE_DEPTH_THRESHOLDS": "analytics=2"})
    assert "alert: queue analytics has 3 jobs waiting (threshold 2)" in result.stderr
    shown = json.loads(cli("job", "show", job_id, "--json").stdout)
    assert shown["result"]["alerts"][0]["queue"] == "analytics"
    assert shown["result"]["queues"]["health"]["scheduled"] == 3
    assert monitor.recent_alerts(redis_conn)[0]["threshold"] == 2
    assert monitor.depth_history(redis_conn)[0]["queues"]["analytics"]["queued"] == 3


def test_no_alert_under_threshold(redis_conn, caplog):
    with caplog.at_level(logging.WARNING):
        result = health.monitor_queue_depth()
    assert result["alerts"] == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
