"""When a failed job is tried again: its policy's growing intervals, each spread at random.

A policy's ``retry_intervals`` grow (10 s, 1 min, 5 min: exponential back-off); each retry waits a random
share of its interval, from ``1 - retry_jitter`` of it to all of it (0.5: 5-10 s for 10 s, "equal
jitter"), drawn per job and per attempt, so the thousand jobs an outage failed together come back spread
out, not in lockstep, and never later than the policy's interval. A service's
``Retry-After`` wins: the retry is never sooner than asked, and is spread over up to ``retry_jitter`` more
(a minute at most).
"""

from __future__ import annotations

import math
import random

from ..errors import RetryLater
from ..policies import POLICIES

MAX_EXTRA_AFTER = 60  # seconds a retry may come after the time a Retry-After asked for
_BY_FUNC = {policy.func: policy for policy in POLICIES.values()}


def retry_delay(interval: float, jitter: float, retry_after: float | None = None, rng=random) -> int:
    """Whole seconds before a retry: ``interval`` spread by ``jitter``, or after ``retry_after`` if given."""
    if retry_after is not None:
        return max(1, math.ceil(retry_after + rng.uniform(0, min(retry_after * jitter, MAX_EXTRA_AFTER))))
    return max(1, round(interval * rng.uniform(1 - jitter, 1)))


def spread_next_retry(job, exc: BaseException) -> None:
    """Set the interval RQ will read for the job's next retry (the one its ``retries_left`` points at)."""
    intervals = list(job.retry_intervals or [0])
    index = max(len(intervals) - job.retries_left, 0)
    policy = _BY_FUNC.get(job.func_name)
    retry_after = exc.seconds if isinstance(exc, RetryLater) else None
    if policy is None or not policy.retry_intervals:  # a job outside the policy table keeps its own intervals
        if retry_after is not None:
            job.retry_intervals = [max(interval, math.ceil(retry_after)) for interval in intervals]
        return
    base = policy.retry_intervals[min(index, len(policy.retry_intervals) - 1)]
    intervals[min(index, len(intervals) - 1)] = retry_delay(base, policy.retry_jitter, retry_after)
    job.retry_intervals = intervals
