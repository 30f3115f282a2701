"""What an operator asks of the workers and of Redis: who runs what, for how long, on how much memory.

Per job name, counts and failure rates come from the workers' own totals;
p50/p95 durations from the newest finished jobs RQ still keeps (a sample,
named as such). The Redis panel reads INFO and samples key names with SCAN,
so it costs the same on a database of a thousand keys or ten million.
"""

from __future__ import annotations

import socket
import statistics
from collections import Counter
from datetime import datetime, timezone

from ..clock import utc
from ..policies import QUEUES
from ..queueing import keys
from ..queueing.queues import JsonJob, all_workers, get_queue, job_name

DURATION_SAMPLE = 200  # newest finished jobs per queue read for p50/p95
KEY_SAMPLE = 5000  # key names sampled for the per-prefix counts


def workers(connection) -> list[dict]:
    """Each worker: queues, state, current job and for how long, jobs done and failed, memory if local."""
    rows, now = [], datetime.now(timezone.utc)
    for worker in all_workers(connection):
        current = worker.get_current_job_id()
        job = JsonJob.fetch_many([current], connection=worker.connection, exact=True)[0] if current else None
        started = utc(job.started_at) if job is not None and job.started_at else None
        rows.append({
            "name": worker.name, "queues": worker.queue_names(), "state": worker.get_state(),
            "current_job": current, "current_job_name": job_name(job) if job is not None else None,
            "running_seconds": round((now - started).total_seconds(), 1) if started else None,
            "finished": worker.successful_job_count, "failed": worker.failed_job_count,
            "pid": worker.pid, "host": worker.hostname, "memory_mb": _memory_mb(worker),
        })
    return sorted(rows, key=lambda row: row["name"])


def job_names(connection) -> list[dict]:
    """Per job name: ended jobs, failure rate, mean duration (all time), p50/p95 (recent sample)."""
    totals = _numbers(connection.hgetall(keys.job_counts()))
    durations = _recent_durations(connection)
    names = sorted({field.rsplit(":", 1)[0] for field in totals} | set(durations))
    rows = []
    for name in names:
        finished, failed = totals.get(f"{name}:finished", 0), totals.get(f"{name}:failed", 0)
        sample = sorted(durations.get(name, []))
        rows.append({
            "job": name, "finished": int(finished), "failed": int(failed),
            "failure_rate": round(failed / (finished + failed), 4) if finished + failed else None,
            "mean_seconds": round(totals.get(f"{name}:seconds", 0) / finished, 3) if finished else None,
            "p50_seconds": round(statistics.median(sample), 3) if sample else None,
            "p95_seconds": round(sample[min(len(sample) - 1, int(0.95 * len(sample)))], 3) if sample else None,
            "sample": len(sample),
        })
    return rows


def redis_panel(connection) -> dict:
    """Memory against maxmemory, clients, persistence, and keys per prefix (from a sample of names)."""
    info = connection.info()
    total = connection.dbsize()
    names = []
    for name in connection.scan_iter(count=1000):
        names.append(name.decode(errors="replace"))
        if len(names) >= KEY_SAMPLE:
            break
    prefixes = Counter(":".join(name.split(":")[:2]) for name in names)
    scale = total / len(names) if names else 0
    return {
        "version": info.get("valkey_version") or info.get("redis_version"),
        "used_memory": info.get("used_memory_human"), "used_memory_bytes": info.get("used_memory"),
        "maxmemory_bytes": info.get("maxmemory") or None, "maxmemory_policy": info.get("maxmemory_policy"),
        "clients": info.get("connected_clients"), "keys": total,
        "aof_enabled": bool(info.get("aof_enabled")), "aof_last_write_status": info.get("aof_last_write_status"),
        "last_save": datetime.fromtimestamp(info["rdb_last_save_time"], timezone.utc).isoformat()
        if info.get("rdb_last_save_time") else None,
        "keys_by_prefix": [{"prefix": prefix, "keys": round(count * scale)} for prefix, count in prefixes.most_common(15)],
        "keys_sampled": len(names),
    }


def _numbers(counts: dict) -> dict[str, float]:
    """The job counts as numbers; a field that is not one (written by something else) is left out."""
    numbers = {}
    for name, value in counts.items():
        try:
            numbers[name.decode()] = float(value)
        except (ValueError, UnicodeDecodeError):
            continue
    return numbers


def _recent_durations(connection) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for queue in QUEUES:
        registry = get_queue(queue, connection).finished_job_registry
        for job in JsonJob.fetch_many(registry.get_job_ids(0, DURATION_SAMPLE - 1, desc=True),
                                      connection=registry.connection, exact=True):
            if job is not None and job.started_at and job.ended_at:
                found.setdefault(job_name(job), []).append((job.ended_at - job.started_at).total_seconds())
    return found


def _memory_mb(worker) -> float | None:
    """Resident memory of a worker on this machine (its horses and engines not included)."""
    if worker.hostname != socket.gethostname() or not worker.pid:
        return None
    try:
        with open(f"/proc/{worker.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:  # it has just exited
        return None
    return None
