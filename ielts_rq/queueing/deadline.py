"""A job's soft time limit: how long it has before its hard timeout, read by the job itself.

The worker kills a job that overruns its policy's timeout (the horse is killed, or RQ's alarm raises),
and what it had not saved is lost. A long job takes ``soft_limit()`` as it starts and asks its
``reached()`` between two pieces of work (an essay of a chunk, a page of a file); once it is true, the
job saves what it has done and stops with a ``TransientError``, and its retry carries on from the saved
work. The margin is a tenth of the timeout,
from 2 s to a minute: room for one more save, not for one more piece of work.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from rq import get_current_job

from ..clock import utc

MARGIN_SHARE = 0.1
MIN_MARGIN = 2.0  # seconds
MAX_MARGIN = 60.0


def time_left(job=None) -> float | None:
    """Seconds before the running job's hard timeout; None outside a job or for a job without one."""
    job = job or get_current_job()
    if job is None or not job.timeout or job.timeout < 0 or job.started_at is None:
        return None
    return job.timeout - (datetime.now(timezone.utc) - utc(job.started_at)).total_seconds()


def soft_margin(timeout: float) -> float:
    """How long before the hard timeout a job is told to stop: a tenth of it, from 2 s to a minute."""
    return min(MAX_MARGIN, max(MIN_MARGIN, timeout * MARGIN_SHARE))


class SoftLimit:
    """The running job's soft limit, read once (one look at Redis) and then checked on the clock alone."""

    def __init__(self, job=None):
        job = job or get_current_job()
        left = time_left(job)
        self.at = None if left is None else time.monotonic() + left - soft_margin(job.timeout)

    def reached(self) -> bool:
        """Whether it is time to save the work done and stop (never outside a job with a timeout)."""
        return self.at is not None and time.monotonic() >= self.at

    def seconds_left(self) -> float | None:
        """Seconds until the soft limit (negative past it); None when there is none."""
        return None if self.at is None else self.at - time.monotonic()


def soft_limit(job=None) -> SoftLimit:
    return SoftLimit(job)
