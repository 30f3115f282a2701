"""Prometheus metrics: queue depths, why jobs wait, service health, workers, and jobs ended per job name.

Queue and worker figures are read from RQ's registries at scrape time. Job
counts and durations are counted by the workers as jobs end (one pipelined
HINCRBY per job) into one hash, since RQ keeps no per-job-name totals.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily

from ..queueing import keys
from ..queueing.depths import queue_counts, waiting
from ..queueing.waiting import REASONS
from . import monitor
from ..queueing.queues import all_workers

JOB_COUNTS = ("finished", "failed", "stopped")


def exposition(connection) -> tuple[bytes, str]:
    """The metrics page in the Prometheus text format, and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(connection))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Collector:
    def __init__(self, connection):
        self.connection = connection

    def collect(self):
        depth = GaugeMetricFamily("ielts_rq_queue_jobs", "Jobs per queue and registry", labels=["queue", "registry"])
        for queue, counts in queue_counts(self.connection).items():
            for registry, count in counts.items():
                depth.add_metric([queue, registry], count)
        yield depth

        why = waiting(self.connection)
        reasons = GaugeMetricFamily("ielts_rq_waiting_jobs", "Jobs not running yet, per queue and why they wait",
                                    labels=["queue", "reason"])
        oldest = GaugeMetricFamily("ielts_rq_oldest_wait_seconds",
                                   "Seconds the oldest waiting job of a queue has waited since it was first due "
                                   "(queued, rate-limited, retrying, or scheduled for a time now past)",
                                   labels=["queue"])
        for queue, row in why.items():
            for reason in REASONS:
                reasons.add_metric([queue, reason], row[reason])
            oldest.add_metric([queue], row["oldest_wait"])
        yield reasons
        yield oldest

        health = monitor.latest_health(self.connection)
        services = GaugeMetricFamily("ielts_rq_service_up", "1 when the latest health check found the service "
                                     "answering, else 0", labels=["service"])
        for check in (health or {}).get("checks", []):
            services.add_metric([check["name"]], 1 if check.get("status") == "ok" else 0)
        yield services
        status = GaugeMetricFamily("ielts_rq_health_status", "1 for the latest health check's verdict",
                                   labels=["status"])
        for verdict in ("healthy", "degraded", "unhealthy"):
            status.add_metric([verdict], 1 if health and health.get("status") == verdict else 0)
        yield status

        workers = GaugeMetricFamily("ielts_rq_workers", "Workers by state", labels=["state"])
        states: dict[str, int] = {}
        for worker in all_workers(self.connection):
            states[worker.get_state()] = states.get(worker.get_state(), 0) + 1
        for state in ("idle", "busy", "suspended", "started"):
            workers.add_metric([state], states.get(state, 0))
        yield workers

        raw = {k.decode(): float(v) for k, v in self.connection.hgetall(keys.job_counts()).items()}
        jobs = CounterMetricFamily("ielts_rq_jobs", "Jobs ended, per job name and outcome", labels=["job", "outcome"])
        duration = SummaryMetricFamily("ielts_rq_job_duration_seconds", "Time finished jobs ran", labels=["job"])
        for name in sorted({field.rsplit(":", 1)[0] for field in raw}):
            for outcome in JOB_COUNTS:
                jobs.add_metric([name, outcome], raw.get(f"{name}:{outcome}", 0))
            if f"{name}:finished" in raw:
                duration.add_metric([name], count_value=raw[f"{name}:finished"], sum_value=raw.get(f"{name}:seconds", 0))
        yield jobs
        yield duration
