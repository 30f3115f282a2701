"""Jobs of the ``health`` queue: is everything up, and are the queues keeping up."""

from __future__ import annotations

import logging
import textwrap
import time

import requests

from .. import mail, store
from ..clock import now_iso
from ..errors import PermanentError, TransientError
from ..ops import monitor
from ..policies import METRICS_BUCKETS, POLICIES, QUEUES
from ..queueing import control, keys
from ..queueing.connection import get_connection, redis_url
from ..queueing.depths import oldest_waits, queue_counts, waiting
from ..queueing.enqueue import enqueue
from ..queueing.queues import all_workers, get_queue
from ..queueing.schedule import CRON_TABLE
from ..queueing.waiting import drop_stale, format_wait
from ..queueing.worker import FAILURE_STREAK
from ..settings import get_settings, hide_password, redact

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
    """Sample every queue's depth, registries and why its jobs wait, and store it; alert on depth, on the
    oldest true wait, on schedule ticks skipped since the last sample, and on incidents.

    An alert is stored, logged at WARNING and sent to ALERT_EMAILS and
    ALERT_WEBHOOK_URL, at most once per queue and kind per ALERT_COOLDOWN.
    An incident (``incident_alerts``) alerts once while it lasts, and again
    with "resolved: " when it has cleared.
    """
    settings = get_settings()
    connection = get_connection()
    for name in QUEUES:
        drop_stale(get_queue(name, connection))
    sample, why = queue_counts(connection), waiting(connection)
    monitor.save_depth_sample(connection, sample, oldest_waits(why), why)
    entries = [(entry.name, POLICIES[entry.job].queue) for entry in CRON_TABLE]
    candidates = (monitor.depth_alerts(sample, settings.queue_depth_thresholds, why)
                  + monitor.wait_alerts(why, settings.queue_wait_thresholds)
                  + monitor.missed_tick_alerts(connection, entries, since=time.time() - MISSED_TICK_LOOKBACK))
    raised = [record for alert in candidates
              if (record := monitor.raise_alert(connection, alert, settings.alert_cooldown))]
    raised += monitor.open_incidents(connection, incident_alerts(connection, settings))
    for alert in raised:
        _notify(alert, settings)
    return {"queues": sample, "waiting": why, "alerts": raised}


def incident_alerts(connection, settings) -> list[dict]:
    """Every incident that holds now: each is alerted once by ``monitor.open_incidents``."""
    return (service_alerts(monitor.latest_health(connection)) + retry_storm_alerts(connection, settings)
            + failing_worker_alerts(connection, settings) + paused_alerts(connection, settings))


def service_alerts(health: dict | None) -> list[dict]:
    """A service (or Redis) the latest health check found failing: the platform degraded or down."""
    if not health:
        return []
    return [{"queue": "health", "kind": f"service failing: {check['name']}",
             "message": f"health check: {check['name']} is failing ({check.get('error', check['status'])}); "
                        f"the platform is {health['status']} (checked at {health['checked_at']})"}
            for check in health.get("checks", []) if check.get("status") != "ok"]


def retry_storm_alerts(connection, settings) -> list[dict]:
    """A queue whose failed attempts put back for a retry, over the last RETRY_STORM_MINUTES, pass the threshold."""
    width = METRICS_BUCKETS["minute"][0]
    last = int(time.time() // width)
    with connection.pipeline(transaction=False) as pipe:
        for bucket in range(last - settings.retry_storm_minutes + 1, last + 1):
            pipe.hmget(keys.metrics_bucket("minute", bucket), [f"{queue}:retried" for queue in QUEUES])
        buckets = pipe.execute()
    alerts, threshold = [], settings.retry_storm_threshold
    for n, queue in enumerate(QUEUES):
        retried = sum(int(float(row[n] or 0)) for row in buckets)
        if retried > threshold:
            alerts.append({"queue": queue, "kind": "retry storm", "value": retried, "threshold": threshold,
                           "message": f"retry storm: {queue} had {retried} retries in the last "
                                      f"{settings.retry_storm_minutes} min (threshold {threshold})"})
    return alerts


def failing_worker_alerts(connection, settings) -> list[dict]:
    """A worker whose last FAILING_WORKER_AFTER jobs or more all failed: none finished since."""
    alerts = []
    for worker in all_workers(connection):
        streak = int(worker.connection.hget(worker.key, FAILURE_STREAK) or 0)
        if streak >= settings.failing_worker_after:
            alerts.append({"queue": ",".join(worker.queue_names()), "kind": f"failing worker: {worker.name}",
                           "value": streak, "threshold": settings.failing_worker_after,
                           "message": f"worker {worker.name} failed its last {streak} jobs and finished none "
                                      f"(queues {', '.join(worker.queue_names())}, host {worker.hostname})"})
    return alerts


def paused_alerts(connection, settings) -> list[dict]:
    """A queue paused, or the workers suspended, for longer than PAUSED_ALERT_AFTER: nothing of it runs.
    How long is counted from the first sample that saw it (``keys.conditions_seen``)."""
    holding = {f"paused:{name}": name for name in control.paused_queues()}
    if control.workers_suspended():
        holding["suspended"] = "workers"
    now = time.time()
    seen = {field.decode(): float(since) for field, since in connection.hgetall(keys.conditions_seen()).items()}
    with connection.pipeline() as pipe:
        for condition in holding:
            pipe.hsetnx(keys.conditions_seen(), condition, now)
        for condition in set(seen) - set(holding):
            pipe.hdel(keys.conditions_seen(), condition)
        pipe.execute()
    alerts = []
    for condition, name in holding.items():
        lasted = now - seen.get(condition, now)
        if lasted < settings.paused_alert_after:
            continue
        if condition == "suspended":
            message = (f"workers suspended for {format_wait(lasted)}: no job is taken until "
                       "`ielts-rq workers resume`")
        else:
            message = (f"queue {name} paused for {format_wait(lasted)}: its jobs wait until "
                       f"`ielts-rq workers resume --queue {name}`")
        alerts.append({"queue": name, "kind": "paused" if condition != "suspended" else "suspended",
                       "value": round(lasted), "threshold": settings.paused_alert_after, "message": message})
    return alerts


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


def watch_held_queues() -> list[dict]:
    """While the workers are suspended, or the health queue paused, no worker runs the monitor, and an
    alert's email and webhook jobs would wait with the rest: the scheduler calls this every cycle, and it
    raises the incidents itself and sends their alerts at once. Nothing to do otherwise."""
    settings, connection = get_settings(), get_connection()
    if not (control.workers_suspended() or "health" in control.paused_queues()):
        return []
    raised = monitor.open_incidents(connection, incident_alerts(connection, settings))
    for alert in raised:
        _send_now(alert, settings)
    return raised


def _send_now(alert: dict, settings) -> None:
    subject, text = _alert_email(alert)
    for address in settings.alert_emails:
        try:
            mail.send_email(address, "generic", mail.generic_context(subject, text), settings=settings)
        except Exception as exc:  # one channel down must not keep the others, or the scheduler, from going on
            log.error("alert email to %s not sent: %s", address, redact(f"{type(exc).__name__}: {exc}"))
    if settings.alert_webhook_url:
        try:
            send_alert_webhook(alert)
        except Exception as exc:
            log.error("alert webhook not sent: %s", redact(f"{type(exc).__name__}: {exc}"))


def _alert_email(alert: dict) -> tuple[str, str]:
    # A subject is one line within the email job's 200 characters, however long the alert's message is
    # (the whole message is in the body): refused at the door, it would also keep the webhook from being sent.
    subject = textwrap.shorten(f"[ielts-rq alert] {alert['message']}", 200, placeholder="...")
    return subject, f"{alert['message']}\n\nRaised at {alert['at']}. Dashboard: the Queue depth page."


def _notify(alert: dict, settings) -> None:
    """Each channel in a job of its own, so one that is down delays only itself."""
    subject, text = _alert_email(alert)
    for address in settings.alert_emails:
        enqueue("send_generic_email", address, subject, text, essential=True)
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
