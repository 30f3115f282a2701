"""Health verdicts, queue-depth samples and alerts, kept as small capped records in Redis."""

from __future__ import annotations

import json
import logging
import time

from ..clock import now_iso
from ..queueing import keys
from ..queueing.schedule import PAUSED
from ..queueing.waiting import LABELS, RATE_LIMITED, REASONS, RETRYING, format_wait

log = logging.getLogger("ielts_rq.monitor")

HISTORY_LENGTH = 1440  # samples kept: a day at one a minute
HOURLY_LENGTH = 168  # hourly queue-depth samples: a week


def save_health(connection, record: dict) -> None:
    payload = json.dumps(record)
    with connection.pipeline() as pipe:
        pipe.set(keys.health_latest(), payload)
        pipe.lpush(keys.health_history(), payload)
        pipe.ltrim(keys.health_history(), 0, HISTORY_LENGTH - 1)
        pipe.execute()


def latest_health(connection) -> dict | None:
    payload = connection.get(keys.health_latest())
    return json.loads(payload) if payload else None


def health_history(connection, limit: int = 24) -> list[dict]:
    return [json.loads(p) for p in connection.lrange(keys.health_history(), 0, limit - 1)]


def save_depth_sample(connection, sample: dict, oldest_waits: dict | None = None, waiting: dict | None = None) -> None:
    """Keep a day of samples (one a minute), and one an hour for a week (the dashboard's week graphs).
    ``waiting``: per queue, the counts of each reason jobs wait for (``queueing.waiting``)."""
    reasons = {queue: {reason: row[reason] for reason in REASONS} for queue, row in (waiting or {}).items()}
    payload = json.dumps({"at": now_iso(), "queues": sample, "oldest_wait": oldest_waits or {}, "waiting": reasons})
    with connection.pipeline() as pipe:
        pipe.lpush(keys.depth_history(), payload)
        pipe.ltrim(keys.depth_history(), 0, HISTORY_LENGTH - 1)
        pipe.execute()
    newest_hourly = connection.lindex(keys.depth_history_hourly(), 0)
    if newest_hourly is None or json.loads(newest_hourly)["at"][:13] != now_iso()[:13]:  # a new hour
        with connection.pipeline() as pipe:
            pipe.lpush(keys.depth_history_hourly(), payload)
            pipe.ltrim(keys.depth_history_hourly(), 0, HOURLY_LENGTH - 1)
            pipe.execute()


def depth_history(connection, limit: int = 60, hourly: bool = False) -> list[dict]:
    """The newest samples first (``hourly``: one an hour, a week long)."""
    key = keys.depth_history_hourly() if hourly else keys.depth_history()
    return [json.loads(p) for p in connection.lrange(key, 0, limit - 1)]


def depth_alerts(sample: dict, thresholds: dict[str, int], waiting: dict | None = None) -> list[dict]:
    """An alert for each queue whose waiting jobs exceed its threshold: queued, and with ``waiting`` (per queue,
    ``queueing.waiting``) the rate-limited and retrying ones too, a backlog as much as the queued."""
    alerts = []
    for name, counts in sample.items():
        count = waiting[name]["waiting"] if waiting and name in waiting else counts["queued"]
        if name in thresholds and count > thresholds[name]:
            alerts.append({"queue": name, "kind": "depth", "value": count, "threshold": thresholds[name],
                           "message": f"queue {name} has {count} jobs waiting (threshold {thresholds[name]})"})
    return alerts


def wait_alerts(waiting: dict[str, dict], thresholds: dict[str, int]) -> list[dict]:
    """An alert for each queue whose oldest job has waited, since it was first due, longer than its threshold;
    its message says why they wait: ``scoring: 190 jobs waiting, 180 rate-limited, oldest waited 6 min``."""
    return [
        {"queue": name, "kind": "wait", "value": round(row["oldest_wait"]), "threshold": thresholds[name],
         "reason": row["oldest_reason"], "message": f"{name}: {_why(row)} (threshold {thresholds[name]}s)"}
        for name, row in waiting.items()
        if name in thresholds and row["oldest_wait"] > thresholds[name]
    ]


def _why(row: dict) -> str:
    parts = [f"{row['waiting']} jobs waiting"]
    parts += [f"{row[reason]} {LABELS[reason]}" for reason in (RATE_LIMITED, RETRYING) if row[reason]]
    if row["oldest_reason"] == "scheduled":  # asked for a time now past, and not queued yet
        parts.append("the oldest scheduled for a time now past")
    return ", ".join(parts) + f", oldest waited {format_wait(row['oldest_wait'])}"


def missed_tick_alerts(connection, entries, since: float) -> list[dict]:
    """An alert for each schedule entry with a tick skipped since ``since`` (a Unix time), unless an
    operator paused it. ``entries``: (name, queue) pairs. A skipped Monday report is a lost week."""
    alerts = []
    for name, queue in entries:
        for run in (json.loads(raw) for raw in connection.lrange(keys.schedule_runs(name), 0, 9)):
            if run.get("skipped") and run["skipped"] != PAUSED and run.get("at", 0) >= since:
                alerts.append({"queue": queue, "kind": f"missed tick: {name}", "value": run["tick"],
                               "message": f"schedule {name}: the tick of {run['tick']} did not run "
                                          f"({run['skipped']})"})
                break  # one alert per entry: the cool-down holds back the rest
    return alerts


def raise_alert(connection, alert: dict, cooldown: int) -> dict | None:
    """Store and log an alert, unless the same queue and kind alerted within ``cooldown`` seconds."""
    if not connection.set(keys.alert_cooldown(alert["queue"], alert["kind"]), 1, nx=True, ex=cooldown):
        return None
    return _store_alert(connection, alert)


def open_incidents(connection, alerts: list[dict]) -> list[dict]:
    """Raise each of ``alerts`` that opens an incident, and a "resolved" notice for each open incident no
    longer among them; return what was raised. An incident alerts once, however long it lasts: again only
    after it has been resolved. ``alerts`` must be every incident that holds now (the monitor's whole view).
    """
    current = {_incident(alert): alert for alert in alerts}
    with connection.pipeline(transaction=False) as pipe:
        for incident, alert in current.items():
            pipe.hsetnx(keys.incidents(), incident, json.dumps(alert))
        opened = pipe.execute()
    raised = [_store_alert(connection, alert) for alert, new in zip(current.values(), opened) if new]
    for incident, raw in connection.hgetall(keys.incidents()).items():
        if incident.decode() not in current and connection.hdel(keys.incidents(), incident):
            opened = json.loads(raw)
            raised.append(_store_alert(connection, {
                "queue": opened["queue"], "kind": f"resolved: {opened['kind']}", "resolved": True,
                "message": f"resolved: {opened['message']}"}))
    return raised


def _incident(alert: dict) -> str:
    return f"{alert['queue']}|{alert['kind']}"


def _store_alert(connection, alert: dict) -> dict:
    record = {**alert, "at": now_iso(), "ts": time.time()}
    log.warning("alert: %s", alert["message"])
    with connection.pipeline() as pipe:
        pipe.lpush(keys.alerts(), json.dumps(record))
        pipe.ltrim(keys.alerts(), 0, HISTORY_LENGTH - 1)
        pipe.execute()
    return record


def recent_alerts(connection, limit: int = 50) -> list[dict]:
    return [json.loads(p) for p in connection.lrange(keys.alerts(), 0, limit - 1)]
