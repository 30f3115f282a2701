"""Counts of the jobs a worker ended, kept in its memory and written with its next heartbeat.

RQ keeps no totals, and its registries keep finished and failed jobs for
different times, so a rate computed from them is wrong. Each ended job adds
to three kinds of counter: per job name (``/metrics``), per queue and day (the
weekly report), and per queue and minute and hour (the dashboard's graphs,
capped by expiry).

Writing them as each job ends cost several percent of a small job (a round
trip, and a dozen commands for the client to build and parse). Here a worker
adds them up in memory and writes them at most once every ``WRITE_EVERY``
seconds, in the heartbeat it sends before each dequeue (no round trip of their
own), and at once when it runs out of work or stops. In fork mode a job ends
in the work horse, which hands its counts to the worker through a pipe as it
exits. A worker killed outright loses the counts of at most its last second;
the jobs themselves are not lost.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from datetime import datetime, timezone

from ..clock import epoch
from ..policies import COUNTERS_KEPT_DAYS, DAY, METRICS_BUCKETS
from . import keys
from .queues import job_name
from .waiting import first_due

WRITE_EVERY = 1.0  # seconds; the graphs' finest bucket is a minute


class JobTally:
    """Increments waiting to be written: ``{key: {field: amount}}`` and each key's time to live."""

    def __init__(self):
        self.amounts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(int))
        self.ttls: dict[str, int] = {}
        self.written_at = time.monotonic()

    def __bool__(self) -> bool:
        return bool(self.amounts)

    def due(self) -> bool:
        return bool(self.amounts) and time.monotonic() - self.written_at >= WRITE_EVERY

    def add(self, job, outcome: str, queue: str, seconds: float | None = None) -> None:
        """Count one job that finished or failed for good; ``seconds`` is how long it ran."""
        name = job_name(job)
        self._add(keys.job_counts(), f"{name}:{outcome}", 1, None)
        if seconds is not None:
            self._add(keys.job_counts(), f"{name}:seconds", seconds, None)
        self._add(keys.day_counters(datetime.now(timezone.utc).date().isoformat()), f"jobs:{queue}:{outcome}", 1,
                  COUNTERS_KEPT_DAYS * DAY)
        due = first_due(job)  # not enqueued_at, which a deferral or a retry stamps anew
        waited = epoch(job.started_at) - due if job.started_at and due else None
        now = time.time()
        for resolution, (width, kept) in METRICS_BUCKETS.items():
            bucket = keys.metrics_bucket(resolution, int(now // width))
            self._add(bucket, f"{queue}:{outcome}", 1, kept)
            if seconds is not None:
                self._add(bucket, f"{queue}:run_seconds", seconds, kept)
            if waited is not None and waited >= 0:
                self._add(bucket, f"{queue}:waited", 1, kept)
                self._add(bucket, f"{queue}:wait_seconds", waited, kept)

    def add_retry(self, queue: str) -> None:
        """Count one failed attempt that will be retried (``<queue>:retried``: the monitor's retry storms)."""
        now = time.time()
        for resolution, (width, kept) in METRICS_BUCKETS.items():
            self._add(keys.metrics_bucket(resolution, int(now // width)), f"{queue}:retried", 1, kept)

    def _add(self, key: str, field: str, amount: float, ttl: int | None) -> None:
        self.amounts[key][field] += amount
        if ttl:
            self.ttls[key] = ttl

    def write(self, pipe) -> None:
        """Queue the increments on ``pipe``; call ``clear`` once it has executed."""
        for key, fields in self.amounts.items():
            for field, amount in fields.items():
                if isinstance(amount, int):
                    pipe.hincrby(key, field, amount)
                else:
                    pipe.hincrbyfloat(key, field, amount)
            if key in self.ttls:
                pipe.expire(key, self.ttls[key])

    def clear(self) -> None:
        self.amounts.clear()
        self.ttls.clear()
        self.written_at = time.monotonic()

    def merge(self, data: bytes) -> None:
        """Add the counts another process sent with ``dumps``."""
        if not data:
            return
        sent = json.loads(data)
        for key, fields in sent["amounts"].items():
            for field, amount in fields.items():
                self._add(key, field, amount, sent["ttls"].get(key))

    def dumps(self) -> bytes:
        return json.dumps({"amounts": self.amounts, "ttls": self.ttls}).encode()


def send(tally: JobTally, fd: int) -> None:
    """From a work horse to its worker; a job's counts are far below a pipe's buffer, so this never blocks."""
    if tally:
        os.write(fd, tally.dumps())


def receive(fd: int) -> bytes:
    """Everything a work horse that has exited wrote into the pipe; closes it."""
    os.set_blocking(fd, False)  # a process the job started may still hold the pipe open: read only what is there
    chunks = []
    try:
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    except BlockingIOError:
        pass
    finally:
        os.close(fd)
    return b"".join(chunks)
