"""Retries back off per policy with jitter, so jobs that failed together do not come back in lockstep;
a service's Retry-After still wins."""

import random

import pytest

from ielts_rq import enqueue, store
from ielts_rq.policies import POLICIES
from ielts_rq.queueing.backoff import MAX_EXTRA_AFTER, retry_delay
from ielts_rq.queueing.queues import JsonJob

from .conftest import run_worker
from .essays import HALF_ESSAY, PROMPT
from .misbehaving_service import MisbehavingService

JOBS = 20


def _retry_delays(connection, job_ids) -> list[tuple[int, float]]:
    """For each job, which retry is due (0 for the first) and the seconds from its failed attempt's end to
    the time that retry is due."""
    delays = []
    for job in JsonJob.fetch_many(job_ids, connection=connection):
        due = connection.zscore("rq:scheduled:scoring", job.id)
        assert due is not None, f"{job.id} is {job.get_status()}, not scheduled for a retry"
        retry = len(job.retry_intervals) - job.retries_left - 1  # a slow burst may have run it twice already
        delays.append((retry, due - job.ended_at.timestamp()))
    return delays


def _submissions(count):
    return [store.create_submission(f"backoff-{n}", "writing_task_2", HALF_ESSAY + f" Outage {n}.", PROMPT)
            for n in range(count)]


def test_jobs_failing_in_one_outage_retry_spread_out_within_their_interval(redis_conn):
    jobs = [enqueue("score_submission", sid) for sid in _submissions(JOBS)]
    run_worker("scoring", mode="simple", env={"SCORING_SERVICE_URL": "http://127.0.0.1:9"})  # nothing listens
    delays = _retry_delays(redis_conn, [job.id for job in jobs])
    intervals = POLICIES["score_submission"].retry_intervals
    jitter = POLICIES["score_submission"].retry_jitter
    assert all(intervals[retry] * (1 - jitter) - 1 <= delay <= intervals[retry] + 1 for retry, delay in delays), delays
    retries = [retry for retry, _ in delays]
    same = [delay for retry, delay in delays if retry == max(set(retries), key=retries.count)]  # the same retry
    assert len(same) >= JOBS // 2, delays
    spread = intervals[max(set(retries), key=retries.count)] * jitter
    assert len({round(delay) for delay in same}) >= 3 and max(same) - min(same) >= spread / 4, delays  # no lockstep


def test_a_services_retry_after_still_wins_and_is_spread_after_it(redis_conn):
    service = MisbehavingService("retry_after")  # 503 with Retry-After: 3600
    jobs = [enqueue("score_submission", sid) for sid in _submissions(8)]
    try:
        run_worker("scoring", mode="simple", env={"SCORING_SERVICE_URL": service.url})
    finally:
        service.close()
    delays = [delay for _, delay in _retry_delays(redis_conn, [job.id for job in jobs])]
    assert all(3600 - 1 <= delay <= 3600 + MAX_EXTRA_AFTER + 1 for delay in delays), delays  # never sooner
    assert max(delays) - min(delays) >= 1, delays


@pytest.mark.parametrize("interval", [10, 60, 300, 900])
def test_each_delay_is_a_random_share_of_its_interval(interval):
    rng = random.Random(27)
    delays = [retry_delay(interval, 0.5, rng=rng) for _ in range(2000)]
    assert min(delays) >= interval // 2 and max(delays) <= interval
    assert len(set(delays)) >= min(interval // 2, 50)
    assert interval * 0.7 <= sum(delays) / len(delays) <= interval * 0.8  # equal jitter: 3/4 on average
    after = [retry_delay(interval, 0.5, retry_after=120, rng=rng) for _ in range(200)]
    assert min(after) >= 120 and max(after) <= 120 + MAX_EXTRA_AFTER
