"""Jobs of the ``health`` queue: is everything up, and are the queues keeping up."""

from __future__ import annotations

import logging
import textwrap
import time

import requests

from .. import store
from ..clock import now_iso
from ..errors import PermanentError, TransientError
from ..ops import monitor
from ..policies import POLICIES
from ..queueing.connection import get_connection, redis_url
from ..queueing.depths import oldest_waits, queue_counts
from ..queueing.enqueue import enqueue
from ..queueing.schedule import CRON_TABLE
from ..settings import get_settings, hide_password

# Skipped ticks looked for at each sample (one a minute): two samples' worth, so a slow one misses none.
MISSED_TICK_LOOKBACK = 120
log = logging.getLogger("ielts_rq.worker")
SERVICES = ("api_gateway", "scoring_service", "ocr_service", "speech_service")


def health_check() -> dict:
    """Probe Redis and each configured service's /health; store and return the verdict.

    ``unhealthy`` when Redis fails, ``degraded`` when a service fails,
    ``healthy`` otherwise.
    """
    settings = get_settings()
    connection = get_connection()
    checks = [_check_redis(connection)]
    for name in SERVICES:
        url = getattr(settings, f"{name}_url")
        if url:
            checks.append(_check_service(name, url, settings.health_check_timeout))
    failing = {check["name"] for check in checks if check["status"] != "ok"}
    status = "unhealthy" if "redis" in failing else "degraded" if failing else "healthy"
    record = {"status": status, "checked_at": now_iso(), "checks": checks}
    monitor.save_health(connection, record)
    return record


def complete_batch(batch_id: str) -> dict:
    """A batch's last job has ended: record its counts (jobs done and failed, items failed) on the batch,
    where `ielts-rq batch status` shows them. Enqueued once per batch (queueing/batching.py)."""
    completion = store.finish_batch(store.check_id(batch_id, "batch"))
    log.info("batch completed %s: %d done, %d failed", batch_id, completion["done"], completion["failed"],
             extra={"batch": batch_id, "outcome": "batch_completed"})
    return completion


def monitor_queue_depth() -> dict:
    """Sample every queue's depth and registries and store it; alert on depth, on waiting time and on
    schedule ticks skipped since the last sample.

    An alert is stored, logged at WARNING and sent to ALERT_EMAILS and
    ALERT_WEBHOOK_URL, at most once per queue and kind per ALERT_COOLDOWN.
    """
    settings = get_settings()
    connection = get_connection()
    sample, waits = queue_counts(connection), oldest_waits(connection)
    monitor.save_depth_sample(connection, sample, waits)
    entries = [(entry.name, POLICIES[entry.job].queue) for entry in CRON_TABLE]
    candidates = (monitor.depth_alerts(sample, settings.queue_depth_thresholds)
                  + monitor.wait_alerts(waits, settings.queue_wait_thresholds)
                  + monitor.missed_tick_alerts(connection, entries, since=time.time() - MISSED_TICK_LOOKBACK))
    raised = [record for alert in candidates
              if (record := monitor.raise_alert(connection, alert, settings.alert_cooldown))]
    for alert in raised:
        _notify(alert, settings)
    return {"queues": sample, "alerts": raised}


def send_alert_webhook(alert: dict) -> dict:
    """POST an alert as JSON to ALERT_WEBHOOK_URL; a failure is retried by the job's policy."""
    settings = get_settings()
    if not isinstance(alert, dict) or "message" not in alert:
        raise PermanentError("alert must be an object with a message")
    if not settings.alert_webhook_url:
        return {"skipped": "ALERT_WEBHOOK_URL is not set"}
    try:
        response = requests.post(settings.alert_webhook_url, json=alert, timeout=settings.health_check_timeout)
    except requests.RequestException as exc:
        raise TransientError(f"alert webhook unreachable: {type(exc).__name__}") from None
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"alert webhook answered {response.status_code}")
    if response.status_code >= 400:
        raise PermanentError(f"alert webhook refused the alert ({response.status_code}): {response.text[:200]}")
    return {"delivered": True, "status": response.status_code}


def _notify(alert: dict, settings) -> None:
    """Each channel in a job of its own, so one that is down delays only itself."""
    # A subject is one line within the email job's 200 characters, however long the alert's message is
    # (the whole message is in the body): refused at the door, it would also keep the webhook from being sent.
    subject = textwrap.shorten(f"[ielts-rq alert] {alert['message']}", 200, placeholder="...")
    for address in settings.alert_emails:
        enqueue("send_generic_email", address, subject,
                f"{alert['message']}\n\nRaised at {alert['at']}. Dashboard: the Queue depth page.", essential=True)
    if settings.alert_webhook_url:
        enqueue("send_alert_webhook", alert)


def _check_redis(connection) -> dict:
    started = time.perf_counter()
    try:
        connection.ping()
    except Exception as exc:  # any failure to answer is the verdict, not a job failure
        return _result("redis", "error", started, target=hide_password(redis_url()), error=type(exc).__name__)
    return _result("redis", "ok", started, target=hide_password(redis_url()))


def _check_service(name: str, url: str, timeout: float) -> dict:
    started = time.perf_counter()
    target = hide_password(f"{url}/health")
    try:
        response = requests.get(f"{url}/health", timeout=timeout)
    except requests.RequestException as exc:
        return _result(name, "error", started, target=target, error=type(exc).__name__)
    if response.status_code != 200:
        return _result(name, "error", started, target=target, error=f"HTTP {response.status_code}")
    return _result(name, "ok", started, target=target)


def _result(name: str, status: str, started: float, **extra) -> dict:
    return {"name": name, "status": status, "latency_ms": round((time.perf_counter() - started) * 1000, 2), **extra}
