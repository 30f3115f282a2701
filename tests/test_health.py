"""Health jobs: verdicts from real probes, queue-depth samples and alerts."""

import json
import logging
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from ielts_rq.errors import PermanentError, TransientError
from ielts_rq.jobs import health
from ielts_rq.ops import monitor
from ielts_rq.queueing.enqueue import enqueue

from .conftest import cli
from .http_stub import StubServer
from .inprocess import work_in_process


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.close()


def test_healthy_when_redis_and_every_service_answer(redis_conn, use_settings, stub):
    stub.answer("/health", (200, {"status": "ok"}))
    use_settings(SCORING_SERVICE_URL=stub.url, OCR_SERVICE_URL=stub.url)
    verdict = health.health_check()
    assert verdict["status"] == "healthy"
    assert [c["name"] for c in verdict["checks"]] == ["redis", "scoring_service", "ocr_service"]
    assert all(c["latency_ms"] >= 0 for c in verdict["checks"])
    assert monitor.latest_health(redis_conn) == verdict


def test_degraded_when_a_service_fails(redis_conn, use_settings, stub):
    stub.answer("/health", (503, {"status": "down"}))
    use_settings(SPEECH_SERVICE_URL=stub.url)
    verdict = health.health_check()
    assert verdict["status"] == "degraded"
    assert verdict["checks"][1] == {**verdict["checks"][1], "status": "error", "error": "HTTP 503"}


def test_degraded_when_a_service_is_unreachable(redis_conn, use_settings):
    use_settings(API_GATEWAY_URL="http://127.0.0.1:9", HEALTH_CHECK_TIMEOUT="0.5")
    verdict = health.health_check()
    assert verdict["status"] == "degraded"
    assert verdict["checks"][1]["error"] == "ConnectionError"


def test_queue_depth_alert_past_threshold_from_a_real_worker(redis_conn):
    for _ in range(3):
        enqueue("health_check", delay=3600)  # scheduled, not waiting
    redis_conn.rpush("rq:queue:analytics", "a", "b", "c")  # three waiting ids
    job_id = cli("enqueue", "monitor-queue-depth").stdout.strip()
    result = work_in_process("health", env={"QUEUE_DEPTH_THRESHOLDS": "analytics=2"})
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


def _queued_calls(connection, queue: str) -> list:
    return [json.loads(zlib.decompress(connection.hget(f"rq:job:{job_id.decode()}", "data")))
            for job_id in connection.lrange(f"rq:queue:{queue}", 0, -1) if job_id not in (b"a", b"b")]


def test_alerts_reach_the_webhook_and_emails_once_per_cooldown(redis_conn, use_settings, stub):
    stub.answer("/hooks/alerts", (200, {"ok": True}))
    use_settings(QUEUE_DEPTH_THRESHOLDS="email=1", ALERT_EMAILS="oncall@example.com",
                  ALERT_WEBHOOK_URL=f"{stub.url}/hooks/alerts")
    redis_conn.rpush("rq:queue:email", "a", "b")
    first = health.monitor_queue_depth()
    assert [a["queue"] for a in first["alerts"]] == ["email"]
    [email] = _queued_calls(redis_conn, "email")
    assert email[0] == "ielts_rq.jobs.email.send_generic_email" and email[2][0] == "oncall@example.com"
    [webhook] = _queued_calls(redis_conn, "health")
    assert webhook[0] == "ielts_rq.jobs.health.send_alert_webhook"
    assert health.send_alert_webhook(*webhook[2]) == {"delivered": True, "status": 200}
    [(method, path, _, body)] = stub.requests
    assert (method, path) == ("POST", "/hooks/alerts")
    assert json.loads(body)["message"] == "queue email has 2 jobs waiting (threshold 1)"
    assert health.monitor_queue_depth()["alerts"] == []  # within the cool-down: nothing sent again
    assert len(_queued_calls(redis_conn, "health")) == 1


def test_oldest_job_waiting_too_long_alerts(redis_conn, use_settings):
    use_settings(QUEUE_WAIT_THRESHOLDS="scoring=60")
    job = enqueue("cleanup_old_results", 30)
    old = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    redis_conn.hset(f"rq:job:{job.id}", "enqueued_at", old)
    alerts = health.monitor_queue_depth()["alerts"]
    assert alerts[0]["kind"] == "wait" and alerts[0]["queue"] == "scoring" and alerts[0]["value"] >= 299


def test_an_unreachable_webhook_is_retried_not_lost(redis_conn, use_settings, stub):
    use_settings(ALERT_WEBHOOK_URL="http://127.0.0.1:9/hook", HEALTH_CHECK_TIMEOUT="0.5")
    with pytest.raises(TransientError, match="alert webhook unreachable"):
        health.send_alert_webhook({"message": "queue email has 2 jobs waiting"})
    stub.answer("/hook", (400, {"error": "bad payload"}))
    use_settings(ALERT_WEBHOOK_URL=f"{stub.url}/hook")
    with pytest.raises(PermanentError, match="refused the alert .400."):
        health.send_alert_webhook({"message": "x"})


def test_a_skipped_schedule_tick_alerts_once_and_a_paused_one_does_not(redis_conn, caplog):
    import time

    from ielts_rq.queueing import keys, schedule

    schedule.sync(redis_conn)
    cron = schedule.CronScheduler(connection=redis_conn)
    entry = schedule.entry_named("weekly-report-emails")  # a skipped Monday is a lost week
    for _ in range(2):  # the second tick finds the first run still queued: skipped
        redis_conn.zadd("rq:scheduler:scheduled_jobs", {entry.job_id: time.time() - 1})
        cron.enqueue_jobs()
    assert schedule.last_runs(redis_conn, entry.name, 1)[0]["skipped"] == "the previous run had not finished"
    redis_conn.sadd(keys.schedule_paused(), "health-check")
    redis_conn.zadd("rq:scheduler:scheduled_jobs", {schedule.entry_named("health-check").job_id: time.time() - 1})
    cron.enqueue_jobs()
    with caplog.at_level(logging.WARNING):
        raised = health.monitor_queue_depth()["alerts"]
    assert [alert["kind"] for alert in raised] == ["missed tick: weekly-report-emails"]
    assert "did not run (the previous run had not finished)" in raised[0]["message"]
    assert "schedule weekly-report-emails: the tick of" in caplog.text
    assert health.monitor_queue_depth()["alerts"] == []  # the cool-down: one alert, not one a minute


def test_a_long_alert_still_reaches_every_channel(redis_conn, use_settings, stub):
    use_settings(ALERT_EMAILS="oncall@example.com", ALERT_WEBHOOK_URL=f"{stub.url}/hooks/alerts")
    message = "queue scoring: " + "a service said something long\n" * 12
    health._notify({"message": message, "at": "2026-12-07T12:00:00Z"}, health.get_settings())
    [email] = _queued_calls(redis_conn, "email")
    assert len(email[2][1]) <= 200 and "\n" not in email[2][1] and message in email[2][2]
    [webhook] = _queued_calls(redis_conn, "health")
    assert webhook[2][0]["message"] == message
